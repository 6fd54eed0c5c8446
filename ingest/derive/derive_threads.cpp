// Derivation "threads": JWZ threads, patch series and revision chains per list
// (mail_postpass.cpp), for every list an ingest marked stale. Per list, in one transaction.

#include "derivation.h"
#include "mail/mail_postpass.h"

namespace kl::derive {

namespace {

class ThreadsDerivation final : public Derivation
{
public:
    DerivationInfo info() const override
    {
        return {QStringLiteral("threads"),
                QStringLiteral("JWZ threads, patch series and revision chains of every list a mail ingest changed"),
                {QStringLiteral("messages"), QStringLiteral("patches"), QStringLiteral("mail_trailers"),
                 QStringLiteral("applied_notices"), QStringLiteral("lists.threads_stale")},
                {QStringLiteral("threads"), QStringLiteral("thread_nodes"), QStringLiteral("series"),
                 QStringLiteral("messages.thread_id")}};
    }
    int version() const override { return 1; }

    Result<QString> fingerprint(Store &store, const DeriveOptions &) override { return ingestGeneration(store); }

    Result<DerivationRun> run(Store &store, const DeriveOptions &, const JobContext &ctx) override
    {
        QList<qint64> stale;
        KL_TRY(store.db().forEachRow(QStringLiteral("SELECT id FROM lists WHERE threads_stale <> 0 ORDER BY id"), {},
                                     [&](const Statement &row) { stale << row.int64(0); }));
        DerivationRun run;
        mail::PostPassCounts totals;
        for (int i = 0; i < stale.size(); ++i) {
            if (ctx.cancel.isCancelled())
                return Status::cancelled();
            ctx.report(QStringLiteral("threading"), i, stale.size(), QStringLiteral("lists"), true);
            auto counts = mail::rebuildListStructure(store, stale[i]);
            if (!counts)
                return counts.status();
            totals.threads += counts->threads;
            totals.series += counts->series;
            totals.ghosts += counts->ghosts;
        }
        run.items = totals.threads + totals.series;
        run.note = QStringLiteral("%1 lists rethreaded: %2 threads, %3 ghosts, %4 series")
                       .arg(stale.size()).arg(totals.threads).arg(totals.ghosts).arg(totals.series);
        return run;
    }
};

} // namespace

std::unique_ptr<Derivation> makeThreadsDerivation() { return std::make_unique<ThreadsDerivation>(); }

} // namespace kl::derive
