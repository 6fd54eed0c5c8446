// Derivation "links": patch mail -> commit (linker.cpp), rewritten whole on each run. The join
// is linear (hash lookups per patch mail, commits indexed once), so a full relink costs about a
// read of the patches and of the commits of the list's years; the expensive part, patch-ids,
// is incremental in "patch-ids".

#include "derivation.h"
#include "linker.h"

namespace kl::derive {

namespace {

constexpr int kStoredWarningsPerKind = 1000; // all are counted; this many are kept with their input

class LinksDerivation final : public Derivation
{
public:
    DerivationInfo info() const override
    {
        return {QStringLiteral("links"),
                QStringLiteral("patch mail -> commit, by trailer, applied notice, patch-id, author and date, subject"),
                {QStringLiteral("patches"), QStringLiteral("patch_files"), QStringLiteral("series"),
                 QStringLiteral("commits"), QStringLiteral("commit_files"), QStringLiteral("commit_trailers"),
                 QStringLiteral("applied_notices"), QStringLiteral("mail_patch_ids"), QStringLiteral("commit_patch_ids")},
                {QStringLiteral("patch_links")}};
    }
    int version() const override { return 1; }

    Result<QString> fingerprint(Store &store, const DeriveOptions &options) override
    {
        auto generation = ingestGeneration(store);
        if (!generation)
            return generation;
        auto upstream = upstreamStamp(store, QStringLiteral("patch-ids"));
        if (!upstream)
            return upstream;
        const QStringList methods = options.linkMethods.isEmpty() ? linkMethodNames() : options.linkMethods;
        return QStringList{generation.value(), upstream.value(), methods.join(QLatin1Char(','))}.join(QLatin1Char('|'));
    }

    Result<DerivationRun> run(Store &store, const DeriveOptions &options, const JobContext &ctx) override
    {
        ctx.report(QStringLiteral("linking patches to commits"), 0, -1, {}, true);
        auto linker = Linker::load(store, ctx);
        if (!linker)
            return linker.status();
        QList<LinkWarning> found;
        const std::vector<PatchLink> links = linker->link(options.linkMethods, &found);

        Transaction tx(store.db());
        KL_TRY(tx.status());
        KL_TRY(store.db().exec(QStringLiteral("DELETE FROM patch_links")));
        auto insert = store.db().prepare(QStringLiteral(
            "INSERT OR IGNORE INTO patch_links(message_id, commit_id, method, confidence, role) VALUES(?,?,?,?,?)"));
        if (!insert)
            return insert.status();
        QHash<QString, qint64> byMethod;
        for (const PatchLink &l : links) {
            insert->bind(1, l.message).bind(2, l.commit).bind(3, l.method).bind(4, l.confidence);
            insert->bind(5, l.merged ? QStringLiteral("merged") : QStringLiteral("earlier"));
            KL_TRY(insert->exec());
            byMethod[l.method] += 1;
        }
        WarningSink warnings(store, info().name);
        KL_TRY(warnings.clear());
        QHash<QString, int> stored;
        DerivationRun run;
        for (const LinkWarning &w : std::as_const(found)) {
            run.warnings[w.kind] += 1;
            if (stored[w.kind]++ < kStoredWarningsPerKind)
                KL_TRY(warnings.add(w.kind, w.location, w.message));
        }
        KL_TRY(tx.commit());
        run.items = qint64(links.size());
        QStringList parts;
        for (const QString &method : linkMethodNames() + QStringList{QStringLiteral("revision")})
            if (byMethod.value(method))
                parts << QStringLiteral("%1 %2").arg(method).arg(byMethod.value(method));
        run.note = QStringLiteral("%1 links (%2)").arg(links.size()).arg(parts.join(QStringLiteral(", ")));
        return run;
    }
};

} // namespace

std::unique_ptr<Derivation> makeLinksDerivation() { return std::make_unique<LinksDerivation>(); }

Result<QList<MethodEvaluation>> evaluateLinkMethods(Store &store, const QStringList &methods, const JobContext &ctx)
{
    QStringList unknown;
    for (const QString &m : methods)
        if (!linkMethodNames().contains(m))
            unknown << m;
    if (!unknown.isEmpty())
        return Status::error(QStringLiteral("unknown link method %1").arg(unknown.join(QStringLiteral(", "))));
    auto linker = Linker::load(store, ctx);
    if (!linker)
        return linker.status();
    // The reference: the commit -> Message-ID pairs the trailers give.
    QHash<qint64, QSet<QString>> truth;
    for (const PatchLink &l : linker->link({QStringLiteral("trailer")}))
        if (l.merged)
            truth[l.commit].insert(linker->msgidOf(l.message));

    auto evaluate = [&](const QString &label, const QStringList &chain) {
        QHash<qint64, QSet<QString>> answers;
        for (const PatchLink &l : linker->link(chain))
            if (l.merged && truth.contains(l.commit))
                answers[l.commit].insert(linker->msgidOf(l.message));
        MethodEvaluation e;
        e.method = label;
        e.truth = truth.size();
        e.answered = answers.size();
        for (auto it = answers.cbegin(); it != answers.cend(); ++it)
            if (it.value().intersects(truth.value(it.key())))
                e.correct += 1;
        e.precision = e.answered ? double(e.correct) / double(e.answered) : 0;
        e.recall = e.truth ? double(e.correct) / double(e.truth) : 0;
        return e;
    };
    QList<MethodEvaluation> rows;
    QStringList chain;
    for (const QString &m : linkMethodNames()) {
        if (!methods.isEmpty() && !methods.contains(m))
            continue;
        if (m == QLatin1String("trailer"))
            continue; // the reference itself
        rows << evaluate(m, {m});
        chain << m;
        if (ctx.cancel.isCancelled())
            return Status::cancelled();
    }
    if (chain.size() > 1)
        rows << evaluate(chain.join(QLatin1Char(',')), chain);
    return rows;
}

} // namespace kl::derive
