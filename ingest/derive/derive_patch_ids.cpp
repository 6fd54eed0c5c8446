// Derivation "patch-ids": git patch-id --stable of every patch mail's diff and of every
// non-merge commit that could have come from the list. Incremental per row: a mail or commit
// with a stored id is never read again. Commits are read only when the store holds patch mail,
// and only from 30 days before the oldest patch on, so a Linux-size history with a few years of
// list archive reads only the commits of those years.

#include "derivation.h"
#include "mail/mail_parse.h"
#include "mail/raw_reader.h"

#include <kernellens/ingest/patch_id.h>

#include <QDir>
#include <QFileInfo>

namespace kl::derive {

namespace {

constexpr int kBatch = 500;
constexpr qint64 kWindowSlack = 30 * 86400;
// No patch mail touches this many files (tree-wide changes on the lists stay in the low
// thousands); a commit that does is an import or a snapshot (kernel-mini's two commits are whole
// trees), and hashing its diff would cost minutes for an id nothing can match.
constexpr qint64 kMaxCommitFiles = 20000;

struct PendingMail
{
    qint64 id = 0;
    QString msgid;
    bool cover = false;
    bool binaryOnly = false;  // every file of its diff is binary (patch_files flag 1)
    mail::RawLocation at;
};

Result<QList<PendingMail>> pendingMails(Store &store)
{
    QList<PendingMail> pending;
    KL_TRY(store.db().forEachRow(
        QStringLiteral("SELECT p.message_id, m.msgid, p.is_cover, m.raw_kind, m.raw_path, m.raw_epoch, m.raw_oid, "
                       "m.raw_offset, m.raw_length, "
                       "(SELECT count(*) FROM patch_files f WHERE f.message_id = p.message_id) AS files, "
                       "(SELECT count(*) FROM patch_files f WHERE f.message_id = p.message_id AND (f.flags & 1) <> 0) AS binaries "
                       "FROM patches p JOIN messages m ON m.id = p.message_id "
                       "LEFT JOIN mail_patch_ids x ON x.message_id = p.message_id WHERE x.message_id IS NULL "
                       "ORDER BY m.raw_path, m.raw_offset, p.message_id"),
        {}, [&](const Statement &row) {
            PendingMail m;
            m.id = row.int64(0);
            m.msgid = row.text(1);
            m.cover = row.int64(2) != 0;
            m.at.kind = row.text(3);
            m.at.path = row.text(4);
            m.at.epoch = row.isNull(5) ? -1 : row.int64(5);
            m.at.oid = row.text(6);
            m.at.offset = row.int64(7);
            m.at.length = row.int64(8);
            m.binaryOnly = row.int64(9) > 0 && row.int64(10) == row.int64(9);
            pending << m;
        }));
    return pending;
}

struct MailOutcome
{
    QString patchId;    // null when none
    QString status;     // ok, cover, no-diff, broken, unreadable
    QString problem;
};

MailOutcome mailPatchId(mail::RawMessageReader &reader, const PendingMail &m)
{
    if (m.cover)
        return {QString(), QStringLiteral("cover"), QString()};
    auto raw = reader.read(m.at);
    if (!raw)
        return {QString(), QStringLiteral("unreadable"), raw.errorMessage()};
    // The decoded text (transfer encodings and charsets undone), as git am applies it.
    const mail::ParsedMessage parsed = mail::parseMessage(raw.value(), false);
    const text::PatchIdResult id = text::patchIdStable(parsed.body.toUtf8());
    if (id.broken)
        return {QString(), QStringLiteral("broken"), id.problem};
    if (id.id.isEmpty())
        return {QString(), QStringLiteral("no-diff"), QStringLiteral("no diff in the message")};
    return {QString::fromLatin1(id.id), QStringLiteral("ok"), QString()};
}

Result<qint64> deriveMailIds(Store &store, WarningSink &warnings, const JobContext &ctx)
{
    auto pending = pendingMails(store);
    if (!pending)
        return pending.status();
    auto insert = store.db().prepare(QStringLiteral(
        "INSERT OR REPLACE INTO mail_patch_ids(message_id, patch_id, status) VALUES(?,?,?)"));
    if (!insert)
        return insert.status();
    mail::RawMessageReader reader;
    qint64 done = 0;
    const qint64 total = pending->size();
    for (qsizetype start = 0; start < pending->size(); start += kBatch) {
        Transaction tx(store.db());
        KL_TRY(tx.status());
        const qsizetype end = std::min(pending->size(), start + kBatch);
        for (qsizetype i = start; i < end; ++i) {
            const PendingMail &m = pending->at(i);
            const MailOutcome out = mailPatchId(reader, m);
            if (out.status == QLatin1String("broken") || out.status == QLatin1String("no-diff")
                || out.status == QLatin1String("unreadable"))
                KL_TRY(warnings.add(out.status == QLatin1String("broken") ? QStringLiteral("broken-diff") : out.status,
                                    QLatin1Char('<') + m.msgid + QLatin1Char('>'), out.problem));
            // A binary-only patch keeps git's id (its index lines' blob names), which rarely
            // survives a rebase: counted, so a low link rate for such lists is explained.
            if (m.binaryOnly && out.status == QLatin1String("ok"))
                KL_TRY(warnings.add(QStringLiteral("binary-only"), QLatin1Char('<') + m.msgid + QLatin1Char('>'),
                                    QStringLiteral("every file of the diff is binary: the id covers blob names only")));
            insert->bind(1, m.id).bind(2, out.patchId).bind(3, out.status);
            KL_TRY(insert->exec());
            ++done;
        }
        KL_TRY(tx.commit());
        ctx.report(QStringLiteral("patch-ids of patch mail"), done, total, QStringLiteral("messages"));
        if (ctx.cancel.isCancelled())
            return Status::cancelled();
    }
    return done;
}

struct PendingCommit
{
    qint64 id = 0;
    QByteArray oid;
    qint64 files = 0;
};

Result<qint64> deriveCommitIds(Store &store, WarningSink &warnings, const JobContext &ctx)
{
    auto oldest = store.db().scalar(QStringLiteral(
        "SELECT min(m.date) FROM patches p JOIN messages m ON m.id = p.message_id WHERE m.date > 0"));
    if (!oldest)
        return oldest.status();
    if (oldest->isNull())
        return qint64(0); // no patch mail: nothing to link commits to
    const qint64 from = oldest->toLongLong() - kWindowSlack;

    QList<QPair<qint64, QString>> sources;
    KL_TRY(store.db().forEachRow(
        QStringLiteral("SELECT s.id, ifnull(w.value, s.location) FROM sources s LEFT JOIN watermarks w "
                       "ON w.source_id = s.id AND w.key = 'git:repository' WHERE s.kind = 'git' ORDER BY s.id"),
        {}, [&](const Statement &row) { sources.append({row.int64(0), row.text(1)}); }));
    auto insert = store.db().prepare(QStringLiteral(
        "INSERT OR REPLACE INTO commit_patch_ids(commit_id, patch_id) VALUES(?,?)"));
    if (!insert)
        return insert.status();
    qint64 done = 0;
    for (const auto &[sourceId, repository] : std::as_const(sources)) {
        QList<PendingCommit> pending;
        KL_TRY(store.db().forEachRow(
            QStringLiteral("SELECT c.id, c.oid, (SELECT count(*) FROM commit_files f WHERE f.commit_id = c.id) "
                           "FROM commits c LEFT JOIN commit_patch_ids x ON x.commit_id = c.id "
                           "WHERE c.source_id = ? AND x.commit_id IS NULL AND c.parents <= 1 AND c.commit_time >= ? "
                           "ORDER BY c.id"),
            {sourceId, from}, [&](const Statement &row) {
                pending.append({row.int64(0), row.text(1).toLatin1(), row.int64(2)});
            }));
        if (pending.isEmpty())
            continue;
        if (!QFileInfo(repository).isDir()) {
            KL_TRY(warnings.add(QStringLiteral("repository-missing"), repository,
                                QStringLiteral("%1 commits not read: the repository is gone").arg(pending.size())));
            continue;
        }
        auto reader = git::CommitPatchIds::open(repository);
        if (!reader)
            return reader.status();
        for (qsizetype start = 0; start < pending.size(); start += kBatch) {
            Transaction tx(store.db());
            KL_TRY(tx.status());
            const qsizetype end = std::min(pending.size(), start + kBatch);
            for (qsizetype i = start; i < end; ++i) {
                if (pending[i].files > kMaxCommitFiles) {
                    KL_TRY(warnings.add(QStringLiteral("commit-too-large"), QString::fromLatin1(pending[i].oid),
                                        QStringLiteral("%1 files changed: no patch-id").arg(pending[i].files)));
                    insert->bind(1, pending[i].id).bind(2, QString());
                    KL_TRY(insert->exec());
                    ++done;
                    continue;
                }
                auto id = reader->patchId(pending[i].oid);
                if (!id) // a missing object: counted, the commit keeps a NULL id and linking goes on
                    KL_TRY(warnings.add(QStringLiteral("commit-unreadable"), QString::fromLatin1(pending[i].oid),
                                        id.errorMessage()));
                const QString value = id && !id->isEmpty() ? QString::fromLatin1(id.value()) : QString();
                insert->bind(1, pending[i].id).bind(2, value);
                KL_TRY(insert->exec());
                ++done;
            }
            KL_TRY(tx.commit());
            ctx.report(QStringLiteral("patch-ids of commits"), start + (end - start), pending.size(), QStringLiteral("commits"));
            if (ctx.cancel.isCancelled())
                return Status::cancelled();
        }
    }
    return done;
}

class PatchIdsDerivation final : public Derivation
{
public:
    DerivationInfo info() const override
    {
        return {QStringLiteral("patch-ids"),
                QStringLiteral("git patch-id --stable of every patch mail and of the commits of the same years"),
                {QStringLiteral("patches"), QStringLiteral("messages (raw)"), QStringLiteral("commits"),
                 QStringLiteral("the git repositories")},
                {QStringLiteral("mail_patch_ids"), QStringLiteral("commit_patch_ids")}};
    }
    int version() const override { return 1; }

    Result<QString> fingerprint(Store &store, const DeriveOptions &) override { return ingestGeneration(store); }

    Result<DerivationRun> run(Store &store, const DeriveOptions &, const JobContext &ctx) override
    {
        // Warnings are per row and rows are never redone, so they accumulate across runs.
        WarningSink warnings(store, info().name);
        auto mails = deriveMailIds(store, warnings, ctx);
        if (!mails)
            return mails.status();
        auto commits = deriveCommitIds(store, warnings, ctx);
        if (!commits)
            return commits.status();
        DerivationRun run;
        run.items = mails.value() + commits.value();
        run.warnings = warnings.counts();
        run.note = QStringLiteral("%1 patch mails and %2 commits").arg(mails.value()).arg(commits.value());
        return run;
    }
};

} // namespace

std::unique_ptr<Derivation> makePatchIdsDerivation() { return std::make_unique<PatchIdsDerivation>(); }

} // namespace kl::derive
