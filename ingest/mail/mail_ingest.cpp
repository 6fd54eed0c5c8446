#include <kernellens/ingest/mail_ingest.h>

#include "common/git_handles.h"
#include "common/git_remote.h"
#include "mail_parse.h"
#include "mail_sources.h"
#include "raw_reader.h"

#include <kernellens/index/search_index.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QCryptographicHash>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <atomic>
#include <cstring>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace kl::ingest {

namespace {

constexpr int kBatchSize = 250;
constexpr int kCommitEvery = 2000;

bool looksLikeUrl(const QString &s)
{
    static const QRegularExpression scheme(QStringLiteral("^(https?|git|file|ssh)://"),
                                           QRegularExpression::CaseInsensitiveOption);
    return scheme.match(s).hasMatch();
}

bool isGitDir(const QString &path)
{
    const QDir d(path);
    return (QFileInfo::exists(d.filePath(QStringLiteral("HEAD")))
            && QFileInfo(d.filePath(QStringLiteral("objects"))).isDir())
           || QFileInfo(d.filePath(QStringLiteral(".git"))).exists();
}

// v2 epochs hold a blob `m` or `d` at the top of every commit's tree; v1 holds xx/yyyy paths.
Result<bool> headHasMessageBlob(const QString &path)
{
    auto repo = git::openRepository(path);
    if (!repo)
        return repo.status();
    if (git_repository_is_empty(repo->get()) == 1)
        return true;
    git_reference *rawHead = nullptr;
    if (int rc = git_repository_head(&rawHead, repo->get()); rc != 0)
        return git::error(path + QStringLiteral(": no HEAD"), rc);
    git::Reference head(rawHead);
    git_object *rawTree = nullptr;
    if (int rc = git_reference_peel(&rawTree, head.get(), GIT_OBJECT_TREE); rc != 0)
        return git::error(path + QStringLiteral(": cannot read the HEAD tree"), rc);
    git::Tree tree(reinterpret_cast<git_tree *>(rawTree));
    return git_tree_entry_byname(tree.get(), "m") != nullptr
           || git_tree_entry_byname(tree.get(), "d") != nullptr;
}

int epochNumberOf(const QString &gitDir)
{
    static const QRegularExpression name(QStringLiteral("^(\\d+)\\.git$"));
    const auto m = name.match(QFileInfo(gitDir).fileName());
    return m.hasMatch() ? m.captured(1).toInt() : 0;
}

QByteArray compressText(const QString &text)
{
    return qCompress(text.toUtf8(), 6);
}

// A parsed message with the row id it will get if it is stored, its search document tokenised
// and its bodies compressed in the same worker, so the single writer only writes.
struct ParsedItem
{
    mail::ParsedMessage pm;
    qint64 id = 0;
    QByteArray ownCompressed;
    QByteArray quotedCompressed;
    std::optional<PreparedSearchDocument> doc;
    Status docStatus;
};

SearchDocument searchDocument(const mail::ParsedMessage &pm, qint64 id, const QString &list)
{
    SearchDocument doc;
    doc.kind = SearchDocument::Kind::Message;
    doc.rowId = id;
    doc.list = list;
    doc.messageId = pm.messageId;
    doc.subject = pm.subject;
    doc.from = mail::formatMailbox(pm.from);
    for (const auto &m : pm.to)
        doc.to << mail::formatMailbox(m);
    for (const auto &m : pm.cc)
        doc.cc << mail::formatMailbox(m);
    if (pm.hasDate)
        doc.date = QDateTime::fromSecsSinceEpoch(pm.date, Qt::UTC);
    doc.ownText = pm.prose;
    doc.quotedText = pm.quotedText;
    for (const auto &f : pm.diff.files)
        doc.diffFiles << f.path;
    return doc;
}

// Parses raw messages on all cores; removals need only their content hash. Row ids are handed
// out in reading order from `firstId` (ids of messages that turn out to be stored already are
// simply never used), so documents can be tokenised before the writer sees them.
std::vector<ParsedItem> parseAll(const QList<mail::RawMessage> &raws, qint64 firstId, const QString &list,
                                 const CancelToken &cancel)
{
    std::vector<ParsedItem> parsed(size_t(raws.size()));
    qint64 next = firstId;
    for (qsizetype i = 0; i < raws.size(); ++i) {
        if (!raws[i].removal)
            parsed[size_t(i)].id = next++;
    }
    std::atomic<qsizetype> nextIndex{0};
    auto work = [&] {
        while (true) {
            const qsizetype i = nextIndex.fetch_add(1);
            // A cancelled batch is dropped unwritten (see pump()), so its parse can stop here.
            if (i >= raws.size() || cancel.isCancelled())
                return;
            ParsedItem &item = parsed[size_t(i)];
            if (raws[i].removal) {
                item.pm.contentHash = raws[i].contentHash.isEmpty()
                                          ? QCryptographicHash::hash(raws[i].bytes, QCryptographicHash::Sha1)
                                          : raws[i].contentHash;
                continue;
            }
            item.pm = mail::parseMessage(raws[i].bytes);
            item.ownCompressed = compressText(item.pm.prose);
            item.quotedCompressed = compressText(item.pm.quotedText);
            auto prepared = SearchIndex::prepare(searchDocument(item.pm, item.id, list));
            if (prepared)
                item.doc.emplace(std::move(prepared.value()));
            else
                item.docStatus = prepared.status();
        }
    };
    const unsigned threads = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t)
        pool.emplace_back(work);
    work();
    for (auto &t : pool)
        t.join();
    return parsed;
}

// glibc keeps what the parse threads and the Xapian shard threads freed in their own malloc
// arenas (one per thread, new threads every batch), and the resident set of a long ingest grew
// with every batch though the live data did not; giving the free pages back at each commit
// keeps it flat.
void releaseFreedMemory()
{
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

class MailWriter
{
public:
    MailWriter(Store &store, SearchIndex &search, qint64 listId, QString listName,
               MailIngestSummary &summary, CancelToken cancel)
        : m_store(store), m_db(store.db()), m_search(search), m_listId(listId),
          m_listName(std::move(listName)), m_summary(summary), m_cancel(std::move(cancel))
    {
    }

    Status prepare()
    {
        auto p = [&](Statement &stmt, const char *sql) -> Status {
            auto r = m_db.prepare(QString::fromUtf8(sql));
            if (!r)
                return r.status();
            stmt = std::move(r.value());
            return Status::ok();
        };
        KL_TRY(p(m_findHash, "SELECT id, raw_path, raw_offset FROM messages WHERE list_id = ? AND content_hash = ?"));
        KL_TRY(p(m_findMsgid, "SELECT 1 FROM messages WHERE msgid = ? AND +list_id = ? LIMIT 1"));
        KL_TRY(p(m_insertMessage,
                 "INSERT INTO messages(id, list_id, source_id, msgid, msgid_synthetic, content_hash, "
                 "from_identity, from_person, date, subject, in_reply_to, refs, is_reply, size, raw_kind, "
                 "raw_path, raw_epoch, raw_oid, raw_commit, raw_offset, raw_length) "
                 "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
        KL_TRY(p(m_insertAddress,
                 "INSERT OR IGNORE INTO message_addresses(message_id, kind, identity_id) VALUES(?,?,?)"));
        KL_TRY(p(m_insertBody,
                 "INSERT INTO message_bodies(message_id, own_text, quoted_text, own_chars, quoted_chars, "
                 "has_diff) VALUES(?,?,?,?,?,?)"));
        KL_TRY(p(m_insertPatch,
                 "INSERT INTO patches(message_id, version, idx, total, is_cover, is_rfc, is_resend, tags, "
                 "prefixes, title, normalized_title, change_id, files, added, removed) "
                 "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
        KL_TRY(p(m_insertPatchFile,
                 "INSERT INTO patch_files(message_id, path, old_path, added, removed, flags) VALUES(?,?,?,?,?,?)"));
        KL_TRY(p(m_insertTrailer,
                 "INSERT INTO mail_trailers(message_id, patch_message_id, key, value, identity_id) "
                 "VALUES(?,?,?,?,?)"));
        KL_TRY(p(m_insertNotice,
                 "INSERT INTO applied_notices(message_id, idx, subject, commit_sha, branch) VALUES(?,?,?,?,?)"));
        KL_TRY(p(m_deleteMessage, "DELETE FROM messages WHERE id = ?"));
        KL_TRY(p(m_clearThreadNodes, "UPDATE thread_nodes SET message_id = NULL WHERE message_id = ?"));
        KL_TRY(p(m_insertSeen, "INSERT OR IGNORE INTO maildir_seen(source_id, name) VALUES(?,?)"));
        KL_TRY(p(m_insertWarning,
                 "INSERT INTO parse_warnings(source_id, kind, location, message) VALUES(?,?,?,?)"));
        return Status::ok();
    }

    // Rows, warnings and watermarks of a batch join the open transaction; flush() commits the
    // search documents and then SQLite. A crash in between re-adds the rows with the same ids
    // on the rerun, which replaces their documents.
    Status write(qint64 sourceId, const mail::RawBatch &batch, std::vector<ParsedItem> &parsed)
    {
        if (!m_tx) {
            m_tx.emplace(m_db);
            KL_TRY(m_tx->status());
        }
        bool changed = false;
        for (const auto &w : batch.warnings)
            KL_TRY(warn(sourceId, w.kind, w.location, w.message));
        for (qsizetype i = 0; i < batch.messages.size(); ++i) {
            const mail::RawMessage &raw = batch.messages[i];
            ParsedItem &item = parsed[size_t(i)];
            const mail::ParsedMessage &pm = item.pm;
            ++m_summary.messagesRead;
            m_findHash.bind(1, m_listId).bind(2, pm.contentHash);
            auto found = m_findHash.step();
            if (!found)
                return found.status();
            const qint64 existing = found.value() ? m_findHash.int64(0) : 0;
            // A replaced mbox tail is removed only where it was read; a public-inbox removal
            // names no place.
            const bool samePlace = raw.location.offset < 0
                                   || (found.value() && m_findHash.text(1) == raw.location.path
                                       && m_findHash.int64(2) == raw.location.offset);
            m_findHash.reset();
            if (raw.removal) {
                if (existing && samePlace) {
                    KL_TRY(removeMessage(existing));
                    ++m_summary.messagesRemoved;
                    changed = true;
                }
                continue;
            }
            if (existing) {
                ++m_summary.alreadyStored;
                continue;
            }
            KL_TRY(insert(sourceId, raw, item));
            changed = true;
        }
        for (const QString &name : batch.maildirSeen) {
            m_insertSeen.bind(1, sourceId).bind(2, name);
            KL_TRY(m_insertSeen.exec());
        }
        for (const auto &[key, value] : batch.watermarks)
            KL_TRY(m_store.setWatermark(sourceId, key, value));
        if (changed)
            KL_TRY(m_db.exec(QStringLiteral("UPDATE lists SET threads_stale = 1 WHERE id = %1").arg(m_listId)));
        m_pendingMessages += batch.messages.size();
        // Xapian's commit rewrites B-tree blocks; committing every few thousand messages keeps
        // that cost down while bounding what a crash can make us redo.
        // After Ctrl-C the run drops this transaction (pump()), so a commit now would only delay
        // the exit by a Xapian commit.
        if (m_pendingMessages >= kCommitEvery && !m_cancel.isCancelled())
            return flush();
        return Status::ok();
    }

    Status flush()
    {
        if (!m_tx)
            return Status::ok();
        KL_TRY(m_search.commit());
        Status s = m_tx->commit();
        m_tx.reset();
        m_pendingMessages = 0;
        releaseFreedMemory();
        return s;
    }

    void abandon() { m_tx.reset(); }
    QString listName() const { return m_listName; }
    Database &database() { return m_db; }

    Status warn(qint64 sourceId, const QString &kind, const QString &location, const QString &message)
    {
        m_insertWarning.bind(1, sourceId).bind(2, kind).bind(3, location).bind(4, message);
        ++m_summary.warnings;
        ++m_summary.warningsByKind[kind];
        return m_insertWarning.exec();
    }

private:
    Status removeMessage(qint64 id)
    {
        m_clearThreadNodes.bind(1, id);
        KL_TRY(m_clearThreadNodes.exec());
        m_deleteMessage.bind(1, id);
        KL_TRY(m_deleteMessage.exec());
        return m_search.remove(SearchDocument::Kind::Message, id);
    }

    Result<qint64> identityOf(const mail::Mailbox &m)
    {
        if (m.email.isEmpty() && m.name.isEmpty())
            return qint64(0);
        // The identities table wants a name; an address alone is named by itself.
        return m_store.identity(m.name.trimmed().isEmpty() ? m.email : m.name, m.email);
    }

    Status insert(qint64 sourceId, const mail::RawMessage &raw, ParsedItem &item)
    {
        const mail::ParsedMessage &pm = item.pm;
        const qint64 id = item.id;
        m_findMsgid.bind(1, pm.messageId).bind(2, m_listId);
        auto dup = m_findMsgid.step();
        if (!dup)
            return dup.status();
        m_findMsgid.reset();
        if (dup.value())
            ++m_summary.duplicates;

        auto fromId = identityOf(pm.from);
        if (!fromId)
            return fromId.status();
        qint64 person = 0;
        if (fromId.value()) {
            auto p = m_store.personOfIdentity(fromId.value());
            if (!p)
                return p.status();
            person = p.value();
        }
        Statement &s = m_insertMessage;
        s.bind(1, id);
        s.bind(2, m_listId).bind(3, sourceId).bind(4, pm.messageId).bind(5, pm.syntheticId ? 1 : 0)
            .bind(6, pm.contentHash);
        if (fromId.value())
            s.bind(7, fromId.value()).bind(8, person);
        else
            s.bindNull(7).bindNull(8);
        if (pm.hasDate)
            s.bind(9, pm.date);
        else
            s.bindNull(9);
        s.bind(10, pm.subject.isNull() ? QStringLiteral("") : pm.subject);
        s.bind(11, pm.inReplyTo.isEmpty() ? QString() : pm.inReplyTo);
        s.bind(12, pm.references.join(QLatin1Char(' ')) + QStringLiteral(""));
        s.bind(13, pm.isReply ? 1 : 0).bind(14, qint64(raw.bytes.size())).bind(15, raw.location.kind)
            .bind(16, raw.location.path);
        if (raw.location.epoch >= 0)
            s.bind(17, raw.location.epoch);
        else
            s.bindNull(17);
        s.bind(18, raw.location.oid.isEmpty() ? QString() : raw.location.oid)
            .bind(19, raw.location.commit.isEmpty() ? QString() : raw.location.commit);
        if (raw.location.offset >= 0)
            s.bind(20, raw.location.offset).bind(21, raw.location.length);
        else
            s.bindNull(20).bindNull(21);
        KL_TRY(s.exec());
        ++m_summary.messagesAdded;

        for (const auto &w : pm.warnings)
            KL_TRY(warn(sourceId, w.kind, raw.location.describe(), w.message));

        for (int kind = 1; kind <= 2; ++kind) {
            for (const mail::Mailbox &m : kind == 1 ? pm.to : pm.cc) {
                auto ident = identityOf(m);
                if (!ident)
                    return ident.status();
                if (!ident.value())
                    continue;
                m_insertAddress.bind(1, id).bind(2, kind).bind(3, ident.value());
                KL_TRY(m_insertAddress.exec());
            }
        }

        m_insertBody.bind(1, id).bind(2, item.ownCompressed).bind(3, item.quotedCompressed).bind(4, qint64(pm.prose.size()))
            .bind(5, qint64(pm.quotedText.size())).bind(6, pm.diff.start >= 0 ? 1 : 0);
        KL_TRY(m_insertBody.exec());

        const bool isPatch = pm.subjectInfo.isPatch && !pm.subjectInfo.isReply;
        if (isPatch) {
            const auto &si = pm.subjectInfo;
            m_insertPatch.bind(1, id).bind(2, si.version).bind(3, si.index).bind(4, si.total)
                .bind(5, (si.index == 0 && si.total > 0) ? 1 : 0).bind(6, si.isRfc ? 1 : 0)
                .bind(7, si.isResend ? 1 : 0).bind(8, si.tags.join(QLatin1Char(' ')) + QStringLiteral(""))
                .bind(9, si.prefixes.join(QStringLiteral(": ")) + QStringLiteral(""))
                .bind(10, si.title + QStringLiteral("")).bind(11, si.normalized + QStringLiteral(""))
                .bind(12, pm.changeId.isEmpty() ? QString() : pm.changeId)
                .bind(13, qint64(pm.diff.files.size())).bind(14, pm.diff.added).bind(15, pm.diff.removed);
            KL_TRY(m_insertPatch.exec());
        }
        for (const auto &f : pm.diff.files) {
            if (!isPatch && !pm.diff.files.isEmpty() && pm.isReply)
                continue; // a diff sketched in a reply is searchable but is not a patch fact
            const int flags = (f.binary ? 1 : 0) | (f.created ? 2 : 0) | (f.deleted ? 4 : 0);
            m_insertPatchFile.bind(1, id).bind(2, f.path)
                .bind(3, f.oldPath.isEmpty() || f.oldPath == f.path ? QString() : f.oldPath)
                .bind(4, f.added).bind(5, f.removed).bind(6, flags);
            KL_TRY(m_insertPatchFile.exec());
        }
        for (const auto &t : pm.trailers) {
            qint64 ident = 0;
            if (!t.email.isEmpty()) {
                auto r = m_store.identity(t.name.trimmed().isEmpty() ? t.email : t.name, t.email);
                if (!r)
                    return r.status();
                ident = r.value();
            }
            m_insertTrailer.bind(1, id);
            if (isPatch)
                m_insertTrailer.bind(2, id);
            else
                m_insertTrailer.bindNull(2);
            m_insertTrailer.bind(3, t.key).bind(4, t.value);
            if (ident)
                m_insertTrailer.bind(5, ident);
            else
                m_insertTrailer.bindNull(5);
            KL_TRY(m_insertTrailer.exec());
        }
        if (pm.applied.applied) {
            QList<text::AppliedCommit> commits = pm.applied.commits;
            if (commits.isEmpty())
                commits << text::AppliedCommit{};
            for (const auto &c : std::as_const(commits)) {
                m_insertNotice.bind(1, id).bind(2, c.index).bind(3, c.subject + QStringLiteral(""))
                    .bind(4, c.commit + QStringLiteral("")).bind(5, pm.applied.branch + QStringLiteral(""));
                KL_TRY(m_insertNotice.exec());
            }
        }

        if (!item.doc)
            return item.docStatus.withContext(raw.location.describe());
        return m_search.add(std::move(*item.doc));
    }

    Store &m_store;
    Database &m_db;
    SearchIndex &m_search;
    std::optional<Transaction> m_tx;
    qsizetype m_pendingMessages = 0;
    qint64 m_listId;
    QString m_listName;
    MailIngestSummary &m_summary;
    CancelToken m_cancel;
    Statement m_findHash, m_findMsgid, m_insertMessage, m_insertAddress, m_insertBody, m_insertPatch,
        m_insertPatchFile, m_insertTrailer, m_insertNotice, m_deleteMessage, m_clearThreadNodes,
        m_insertSeen, m_insertWarning;
};

// Read -> parse (all cores) -> write, overlapping the parse of one batch with the write of the
// previous one.
Status pump(mail::MailReader &reader, MailWriter &writer, qint64 sourceId, const JobContext &ctx)
{
    // Row ids continue after the highest one stored; see parseAll().
    auto maxId = writer.database().scalar(QStringLiteral("SELECT coalesce(max(id), 0) FROM messages"));
    if (!maxId)
        return maxId.status();
    qint64 nextId = maxId->toLongLong() + 1;
    struct Pending
    {
        std::shared_ptr<mail::RawBatch> batch;
        std::vector<ParsedItem> parsed;
    };
    struct Read
    {
        Status status = Status::ok();
        bool more = false;
        Pending next;
    };
    // Reading (inflating git blobs) and parsing run on other threads while this one writes the
    // batch before; the reader is only ever touched by one task at a time.
    auto readAndParse = [&reader, list = writer.listName(), cancel = ctx.cancel](qint64 firstId) {
        Read read;
        read.next.batch = std::make_shared<mail::RawBatch>();
        auto r = reader.next(*read.next.batch, kBatchSize);
        if (!r) {
            read.status = r.status();
            return read;
        }
        read.more = r.value();
        read.next.parsed = parseAll(read.next.batch->messages, firstId, list, cancel);
        return read;
    };
    auto countStored = [](const mail::RawBatch &batch) {
        qint64 n = 0;
        for (const auto &m : batch.messages)
            n += m.removal ? 0 : 1;
        return n;
    };
    // Ctrl-C must stop within a second at any archive size, so a cancel drops the batches in
    // flight and everything since the last commit (at most kCommitEvery messages) instead of
    // writing and committing them: a resumed run reads them again, as after kill -9.
    auto stopCancelled = [&writer](std::future<Read> &reading) {
        if (reading.valid())
            reading.wait();
        writer.abandon();
        return Status::cancelled();
    };
    std::optional<Pending> pending;
    bool more = true;
    while (true) {
        std::future<Read> reading;
        if (ctx.cancel.isCancelled())
            return stopCancelled(reading);
        if (more)
            reading = std::async(std::launch::async, readAndParse, nextId);
        if (pending) {
            Status written = writer.write(sourceId, *pending->batch, pending->parsed);
            if (!written) {
                writer.abandon();
                if (reading.valid())
                    reading.wait();
                return written;
            }
            pending.reset();
        }
        if (!reading.valid())
            break;
        if (ctx.cancel.isCancelled())
            return stopCancelled(reading);
        Read read = reading.get();
        if (!read.status) {
            writer.abandon();
            return read.status;
        }
        more = read.more;
        nextId += countStored(*read.next.batch);
        ctx.report(reader.phase(), reader.done(), reader.total(), reader.unit());
        pending = std::move(read.next);
    }
    KL_TRY(writer.flush());
    ctx.report(reader.phase(), reader.done(), reader.total(), reader.unit(), true);
    return Status::ok();
}

Result<qint64> ensureList(Database &db, const QString &name)
{
    auto insert = db.prepare(QStringLiteral("INSERT OR IGNORE INTO lists(name) VALUES(?)"));
    if (!insert)
        return insert.status();
    insert->bind(1, name);
    KL_TRY(insert->exec());
    auto id = db.scalar(QStringLiteral("SELECT id FROM lists WHERE name = ?"), {name});
    if (!id)
        return id.status();
    return id->toLongLong();
}

struct ResolvedSource
{
    MailSourceKind kind;
    QString location;   // canonical
};

} // namespace

Result<MailSourceKind> mailSourceKind(const QString &source)
{
    if (looksLikeUrl(source))
        return MailSourceKind::Url;
    const QFileInfo info(source);
    if (!info.exists())
        return Status::error(QStringLiteral("%1: no such file or directory").arg(source));
    if (info.isFile()) {
        QFile f(source);
        if (!f.open(QIODevice::ReadOnly))
            return Status::error(QStringLiteral("%1: %2").arg(source, f.errorString()));
        const QByteArray head = f.read(5);
        if (head == "From " || head.isEmpty())
            return MailSourceKind::Mbox;
        return Status::error(QStringLiteral(
            "%1: not a mail source (a file that is not an mbox: it does not begin with \"From \")").arg(source));
    }
    if (!info.isDir())
        return Status::error(QStringLiteral("%1: not a file or directory").arg(source));
    if (!mail::inboxEpochs(source).isEmpty())
        return MailSourceKind::PublicInboxV2;
    if (QFileInfo(source + QStringLiteral("/cur")).isDir() && QFileInfo(source + QStringLiteral("/new")).isDir())
        return MailSourceKind::Maildir;
    if (isGitDir(source)) {
        auto epoch = headHasMessageBlob(source);
        if (!epoch)
            return epoch.status();
        return epoch.value() ? MailSourceKind::Epoch : MailSourceKind::PublicInboxV1;
    }
    return Status::error(QStringLiteral(
        "%1: not a mail source (expected a public-inbox directory with git/N.git, a git epoch, "
        "a public-inbox v1 repository, an mbox file or a Maildir with cur/ and new/)").arg(source));
}

Result<QString> mirrorInbox(Store &store, const QString &url, const QString &listName,
                            const JobContext &ctx)
{
    QString base = url;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    const QString mirror = store.directory() + QStringLiteral("/mirrors/") + listName;
    static const QRegularExpression epochUrl(QStringLiteral("^(.*)/(\\d+)(\\.git)?$"));
    const auto m = epochUrl.match(base);
    auto fetchEpoch = [&](int epoch, const QString &remote) -> Status {
        const QString dir = mirror + QStringLiteral("/git/%1.git").arg(epoch);
        return git::mirrorRepository(remote, dir, QStringLiteral("epoch %1").arg(epoch), ctx);
    };
    if (m.hasMatch()) {
        const int epoch = m.captured(2).toInt();
        const QString remote = m.captured(1) + QStringLiteral("/git/%1.git").arg(epoch);
        KL_TRY(fetchEpoch(epoch, remote));
        return mirror;
    }
    if (base.endsWith(QLatin1String(".git"))) {
        // A plain repository URL (file:///x/kbuild.git): one epoch.
        KL_TRY(fetchEpoch(0, base));
        return mirror;
    }
    int fetched = 0;
    for (int epoch = 0;; ++epoch) {
        Status s = fetchEpoch(epoch, base + QStringLiteral("/git/%1.git").arg(epoch));
        if (s.isCancelled())
            return s;
        if (!s) {
            if (epoch == 0)
                return s;
            QDir(mirror + QStringLiteral("/git/%1.git").arg(epoch)).removeRecursively();
            break;
        }
        ++fetched;
    }
    Q_UNUSED(fetched);
    return mirror;
}

Result<MailIngestSummary> ingestMail(Store &store, const MailIngestOptions &options, const JobContext &ctx)
{
    QElapsedTimer timer;
    timer.start();
    if (options.listName.trimmed().isEmpty())
        return Status::error(QStringLiteral("a list name is needed (--list NAME)"));
    if (options.sources.isEmpty())
        return Status::error(QStringLiteral("no source given"));
    mail::ensureGMime();
    git::ensureInitialized();
    const CancelWatch stopLongStatements(store.db(), ctx.cancel);

    // Resolve every source before writing anything: a typo fails fast and names the input.
    QList<ResolvedSource> resolved;
    for (const QString &source : options.sources) {
        auto kind = mailSourceKind(source);
        if (!kind)
            return kind.status();
        QString location = source;
        if (kind.value() == MailSourceKind::Url) {
            auto dir = mirrorInbox(store, source, options.listName, ctx);
            if (!dir)
                return dir.status().withContext(source);
            location = dir.value();
            resolved << ResolvedSource{MailSourceKind::PublicInboxV2, QDir(location).absolutePath()};
            continue;
        }
        // The same archive reached through a symlink is the same source (and watermark).
        const QFileInfo info(location);
        const QString canonical = info.canonicalFilePath();
        resolved << ResolvedSource{kind.value(), canonical.isEmpty() ? info.absoluteFilePath() : canonical};
    }

    auto listId = ensureList(store.db(), options.listName);
    if (!listId)
        return listId.status();
    auto search = SearchIndex::open(store.searchIndexPath(), SearchIndex::Mode::ReadWrite);
    if (!search)
        return search.status();

    MailIngestSummary summary;
    MailWriter writer(store, search.value(), listId.value(), options.listName, summary, ctx.cancel);
    KL_TRY(writer.prepare());

    Status outcome = Status::ok();
    for (const ResolvedSource &src : std::as_const(resolved)) {
        SourceKind storeKind = SourceKind::Mbox;
        switch (src.kind) {
        case MailSourceKind::PublicInboxV2: storeKind = SourceKind::PublicInboxV2; break;
        case MailSourceKind::Epoch: storeKind = SourceKind::Epoch; break;
        case MailSourceKind::PublicInboxV1: storeKind = SourceKind::PublicInboxV1; break;
        case MailSourceKind::Mbox: storeKind = SourceKind::Mbox; break;
        case MailSourceKind::Maildir: storeKind = SourceKind::Maildir; break;
        case MailSourceKind::Url: break;
        }
        auto sourceId = store.ensureSource(storeKind, src.location, options.listName);
        if (!sourceId)
            return sourceId.status();

        // Readers are opened one at a time, when their turn comes, and closed after: an inbox
        // of many epochs holds one repository (its pack windows, index map, object cache and
        // commit list) at a time instead of all of them for the whole run.
        using Opener = std::function<Result<std::unique_ptr<mail::MailReader>>(QList<mail::ReaderWarning> &)>;
        std::vector<Opener> openers;
        const qint64 sid = sourceId.value();
        switch (src.kind) {
        case MailSourceKind::PublicInboxV2:
        case MailSourceKind::Url: {
            const auto epochs = mail::inboxEpochs(src.location);
            for (const auto &e : epochs)
                openers.push_back([&store, sid, dir = e.second, epoch = e.first](auto &w) {
                    return mail::openEpochReader(store, sid, dir, epoch, w);
                });
            break;
        }
        case MailSourceKind::Epoch:
            openers.push_back([&store, sid, dir = src.location](auto &w) {
                return mail::openEpochReader(store, sid, dir, epochNumberOf(dir), w);
            });
            break;
        case MailSourceKind::PublicInboxV1:
            openers.push_back([&store, sid, dir = src.location](auto &w) { return mail::openV1Reader(store, sid, dir, w); });
            break;
        case MailSourceKind::Mbox:
            openers.push_back([&store, sid, file = src.location](auto &w) { return mail::openMboxReader(store, sid, file, w); });
            break;
        case MailSourceKind::Maildir:
            openers.push_back([&store, sid, dir = src.location](auto &w) { return mail::openMaildirReader(store, sid, dir, w); });
            break;
        }
        for (const Opener &open : openers) {
            QList<mail::ReaderWarning> openWarnings;
            auto reader = open(openWarnings);
            if (!reader)
                return reader.status();
            if (!openWarnings.isEmpty()) {
                Transaction tx(store.db());
                KL_TRY(tx.status());
                for (const auto &w : std::as_const(openWarnings))
                    KL_TRY(writer.warn(sid, w.kind, w.location, w.message));
                KL_TRY(tx.commit());
            }
            Status s = pump(*reader.value(), writer, sid, ctx);
            if (!s) {
                outcome = s.isCancelled() ? s : s.withContext(src.location);
                break;
            }
        }
        if (!outcome)
            break;
        summary.sourcesDone << src.location;
    }

    // Threads, series and everything else derived from the messages are the derive stage's
    // (ingest/derive/): lists.threads_stale tells it which lists changed, also after a cancel.
    // Fresh statistics keep the planner on the right indexes for readers (cheap when unchanged).
    if (!outcome.isCancelled())
        (void)store.db().exec(QStringLiteral("PRAGMA optimize"));
    summary.seconds = timer.elapsed() / 1000.0;
    if (!outcome)
        return outcome;
    return summary;
}

Result<MessageView> readMessage(Store &store, qint64 messageId)
{
    auto stmt = store.db().prepare(QStringLiteral(
        "SELECT m.msgid, l.name, m.raw_kind, m.raw_path, m.raw_epoch, m.raw_oid, m.raw_offset, "
        "m.raw_length FROM messages m JOIN lists l ON l.id = m.list_id WHERE m.id = ?"));
    if (!stmt)
        return stmt.status();
    stmt->bind(1, messageId);
    auto row = stmt->step();
    if (!row)
        return row.status();
    if (!row.value())
        return Status::error(QStringLiteral("message %1 is not in the store").arg(messageId));
    mail::RawLocation at;
    at.kind = stmt->text(2);
    at.path = stmt->text(3);
    at.epoch = stmt->isNull(4) ? -1 : stmt->int64(4);
    at.oid = stmt->text(5);
    at.offset = stmt->int64(6);
    at.length = stmt->int64(7);
    mail::RawMessageReader reader;
    auto rawBytes = reader.read(at);
    if (!rawBytes)
        return rawBytes.status();
    const QByteArray raw = rawBytes.value();
    const QString location = at.describe();
    const mail::ParsedMessage pm = mail::parseMessage(raw, false);
    MessageView view;
    view.id = messageId;
    view.messageId = stmt->text(0);
    view.list = stmt->text(1);
    view.from = mail::formatMailbox(pm.from);
    for (const auto &m : pm.to)
        view.to << mail::formatMailbox(m);
    for (const auto &m : pm.cc)
        view.cc << mail::formatMailbox(m);
    view.subject = pm.subject;
    if (pm.hasDate)
        view.date = QDateTime::fromSecsSinceEpoch(pm.date, Qt::UTC);
    view.inReplyTo = pm.inReplyTo;
    view.references = pm.references;
    view.body = pm.body;
    view.ownText = pm.ownText;
    view.quotedText = pm.quotedText;
    view.signature = pm.signature;
    view.attachments = pm.attachments;
    view.rawLocation = location;
    return view;
}

} // namespace kl::ingest
