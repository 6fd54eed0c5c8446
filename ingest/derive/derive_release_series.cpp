// Derivation "release-series": feature, maintenance and candidate releases from the tag names of
// each git source (kernellens/ingest/release_series.h), and the release each tag counts under in
// feature-release views. Whole per source: a new tag can turn an older one into a maintenance
// release (v2.55.1 is one only once v2.55.0 is a tag), and a source has at most a few thousand.

#include "derivation.h"

#include <kernellens/ingest/release_series.h>

namespace kl::derive {

namespace {

struct SourceReleases
{
    QList<qint64> ids;
    QStringList tags;
};

Result<QMap<qint64, SourceReleases>> releasesBySource(Store &store)
{
    QMap<qint64, SourceReleases> sources;
    KL_TRY(store.db().forEachRow(QStringLiteral("SELECT source_id, id, tag FROM releases ORDER BY source_id, ordinal"), {},
                                 [&](const Statement &row) {
                                     SourceReleases &s = sources[row.int64(0)];
                                     s.ids << row.int64(1);
                                     s.tags << row.text(2);
                                 }));
    return sources;
}

class ReleaseSeriesDerivation final : public Derivation
{
public:
    DerivationInfo info() const override
    {
        return {QStringLiteral("release-series"),
                QStringLiteral("feature, maintenance and candidate releases from the tag names"),
                {QStringLiteral("releases")},
                {QStringLiteral("release_series")}};
    }
    int version() const override { return 1; }

    Result<QString> fingerprint(Store &store, const DeriveOptions &) override
    {
        auto v = store.db().scalar(QStringLiteral("SELECT count(*) || ':' || ifnull(max(id), 0) || ':' || ifnull(sum(id), 0) FROM releases"));
        if (!v)
            return v.status();
        return v->toString();
    }

    Result<DerivationRun> run(Store &store, const DeriveOptions &, const JobContext &) override
    {
        auto sources = releasesBySource(store);
        if (!sources)
            return sources.status();
        Database &db = store.db();
        Transaction tx(db);
        KL_TRY(tx.status());
        KL_TRY(db.exec(QStringLiteral("DELETE FROM release_series")));
        auto insert = db.prepare(QStringLiteral("INSERT INTO release_series(release_id, kind, rollup_id) VALUES(?,?,?)"));
        if (!insert)
            return insert.status();
        DerivationRun run;
        QHash<ingest::ReleaseKind, qint64> counts;
        for (const SourceReleases &source : std::as_const(*sources)) {
            const QList<ingest::ReleaseClass> classes = ingest::classifyReleaseTags(source.tags);
            for (qsizetype i = 0; i < classes.size(); ++i) {
                insert->reset();
                insert->bind(1, source.ids[i]).bind(2, ingest::releaseKindName(classes[i].kind));
                if (classes[i].rollup >= 0)
                    insert->bind(3, source.ids[classes[i].rollup]);
                else
                    insert->bindNull(3);
                KL_TRY(insert->exec());
                counts[classes[i].kind] += 1;
                run.items += 1;
            }
        }
        KL_TRY(tx.commit());
        run.note = QStringLiteral("%1 feature, %2 maintenance, %3 candidate releases")
                       .arg(counts.value(ingest::ReleaseKind::Feature))
                       .arg(counts.value(ingest::ReleaseKind::Maintenance))
                       .arg(counts.value(ingest::ReleaseKind::Candidate));
        return run;
    }
};

} // namespace

std::unique_ptr<Derivation> makeReleaseSeriesDerivation() { return std::make_unique<ReleaseSeriesDerivation>(); }

} // namespace kl::derive
