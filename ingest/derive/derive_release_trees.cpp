// Derivation "release-trees": the MAINTAINERS sections and the binding inventory of every
// release tree (maintainers/release_inventory.cpp). Incremental per release: a release whose
// inventory is stored is not read again. The per-release line counts (release_snapshots) stay in
// the git ingest, which counts them with the blob cache and pack mapping of its history walk
// (docs/derive.md).

#include "derivation.h"

#include <kernellens/ingest/release_inventory.h>

#include <QDir>
#include <QFileInfo>

namespace kl::derive {

namespace {

struct GitSource
{
    qint64 id = 0;
    QString repository;
};

Result<QList<GitSource>> gitSources(Store &store)
{
    QList<GitSource> sources;
    KL_TRY(store.db().forEachRow(
        QStringLiteral("SELECT s.id, s.location, w.value FROM sources s LEFT JOIN watermarks w "
                       "ON w.source_id = s.id AND w.key = 'git:repository' WHERE s.kind = 'git' ORDER BY s.id"),
        {}, [&](const Statement &row) {
            // The repository the git ingest read (the mirror of a URL); older stores lack the
            // watermark, and their sources were local paths.
            sources << GitSource{row.int64(0), row.isNull(2) ? row.text(1) : row.text(2)};
        }));
    return sources;
}

class ReleaseTreesDerivation final : public Derivation
{
public:
    DerivationInfo info() const override
    {
        return {QStringLiteral("release-trees"),
                QStringLiteral("MAINTAINERS sections and binding inventory of every release tree"),
                {QStringLiteral("releases"), QStringLiteral("the git repositories")},
                {QStringLiteral("maint_*"), QStringLiteral("cov_*")}};
    }
    int version() const override { return 1; }

    Result<QString> fingerprint(Store &store, const DeriveOptions &) override
    {
        auto v = store.db().scalar(QStringLiteral(
            "SELECT ifnull(group_concat(source_id || ':' || n || ':' || top, ','), '') FROM "
            "(SELECT source_id, count(*) AS n, max(id) AS top FROM releases GROUP BY source_id ORDER BY source_id)"));
        if (!v)
            return v.status();
        return v->toString();
    }

    Result<DerivationRun> run(Store &store, const DeriveOptions &, const JobContext &ctx) override
    {
        auto sources = gitSources(store);
        if (!sources)
            return sources.status();
        DerivationRun run;
        for (const GitSource &source : std::as_const(sources.value())) {
            if (!QFileInfo(source.repository).isDir()) {
                run.warnings[QStringLiteral("repository-missing")] += 1;
                continue; // a repository moved away since its ingest: its stored facts stay
            }
            Status s = ingest::analyzeReleaseTrees(store, source.id, source.repository, ctx);
            if (s.isCancelled())
                return s;
            if (!s.isOk())
                return s.withContext(QStringLiteral("MAINTAINERS and binding inventory of %1").arg(source.repository));
            run.items += 1;
        }
        run.note = QStringLiteral("%1 git sources analysed").arg(run.items);
        return run;
    }
};

} // namespace

std::unique_ptr<Derivation> makeReleaseTreesDerivation() { return std::make_unique<ReleaseTreesDerivation>(); }

} // namespace kl::derive
