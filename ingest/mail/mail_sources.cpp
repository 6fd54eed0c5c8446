#include "mail_sources.h"

#include "common/git_handles.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>

#include <glib.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

namespace kl::mail {

QString RawLocation::describe() const
{
    if (kind == QLatin1String("git"))
        return epoch >= 0 ? QStringLiteral("%1: epoch %2: blob %3").arg(path).arg(epoch).arg(oid)
                          : QStringLiteral("%1: blob %2").arg(path, oid);
    if (kind.startsWith(QLatin1String("mbox")))
        return QStringLiteral("%1:%2").arg(path).arg(offset);
    return path;
}

namespace {

Status loadOid(const QString &hex, git_oid *out)
{
    if (git_oid_fromstrn(out, hex.toLatin1().constData(), size_t(hex.size())) != 0)
        return Status::error(QStringLiteral("bad object id %1").arg(hex));
    return Status::ok();
}

// ---- public-inbox v2 epoch ------------------------------------------------------------------

class EpochReader final : public MailReader
{
public:
    git::Repository repo;
    QString gitDir;
    int epoch = 0;
    std::vector<git_oid> commits;
    size_t position = 0;

    QString phase() const override { return QStringLiteral("epoch %1").arg(epoch); }
    qint64 done() const override { return qint64(position); }
    qint64 total() const override { return qint64(commits.size()); }
    QString unit() const override { return QStringLiteral("commits"); }

    Result<bool> next(RawBatch &batch, int maxMessages) override
    {
        int taken = 0;
        QString last;
        while (position < commits.size() && taken < maxMessages) {
            const git_oid &oid = commits[position++];
            ++taken;
            last = git::oidToString(oid);
            readCommit(oid, last, batch);
        }
        if (!last.isEmpty())
            batch.watermarks << qMakePair(QStringLiteral("epoch:%1").arg(epoch), last);
        return position < commits.size();
    }

private:
    void readCommit(const git_oid &oid, const QString &commitHex, RawBatch &batch)
    {
        auto warn = [&](const QString &what) {
            batch.warnings << ReaderWarning{QStringLiteral("corrupt-object"),
                                            QStringLiteral("%1: epoch %2: commit %3")
                                                .arg(gitDir).arg(epoch).arg(commitHex),
                                            what};
        };
        git_commit *rawCommit = nullptr;
        if (int rc = git_commit_lookup(&rawCommit, repo.get(), &oid); rc != 0) {
            warn(git::error(QStringLiteral("cannot read the commit"), rc).message());
            return;
        }
        git::Commit commit(rawCommit);
        git_tree *rawTree = nullptr;
        if (int rc = git_commit_tree(&rawTree, commit.get()); rc != 0) {
            warn(git::error(QStringLiteral("cannot read the tree"), rc).message());
            return;
        }
        git::Tree tree(rawTree);
        const git_tree_entry *entry = git_tree_entry_byname(tree.get(), "m");
        bool removal = false;
        if (!entry) {
            entry = git_tree_entry_byname(tree.get(), "d");
            removal = entry != nullptr;
        }
        if (!entry)
            return; // public-inbox writes other commits rarely (none in practice); nothing to read
        const git_oid *blobOid = git_tree_entry_id(entry);
        git_blob *rawBlob = nullptr;
        if (int rc = git_blob_lookup(&rawBlob, repo.get(), blobOid); rc != 0) {
            warn(git::error(QStringLiteral("cannot read blob %1").arg(git::oidToString(*blobOid)), rc)
                     .message());
            return;
        }
        git::Blob blob(rawBlob);
        RawMessage raw;
        raw.bytes = QByteArray(static_cast<const char *>(git_blob_rawcontent(blob.get())),
                               qsizetype(git_blob_rawsize(blob.get())));
        raw.removal = removal;
        raw.location.kind = QStringLiteral("git");
        raw.location.path = gitDir;
        raw.location.epoch = epoch;
        raw.location.oid = git::oidToString(*blobOid);
        raw.location.commit = commitHex;
        batch.messages << std::move(raw);
    }
};

Status collectCommits(git_repository *repo, const QString &watermark, const QString &what,
                      std::vector<git_oid> &out, QList<ReaderWarning> &warnings)
{
    if (git_repository_is_empty(repo) == 1)
        return Status::ok();
    git_revwalk *rawWalk = nullptr;
    if (int rc = git_revwalk_new(&rawWalk, repo); rc != 0)
        return git::error(what, rc);
    git::Revwalk walk(rawWalk);
    git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
    if (int rc = git_revwalk_push_head(walk.get()); rc != 0)
        return git::error(what + QStringLiteral(": no HEAD commit"), rc);
    if (!watermark.isEmpty()) {
        git_oid mark;
        git_commit *c = nullptr;
        if (loadOid(watermark, &mark).isOk() && git_commit_lookup(&c, repo, &mark) == 0) {
            git_commit_free(c);
            git_revwalk_hide(walk.get(), &mark);
        } else {
            warnings << ReaderWarning{QStringLiteral("watermark-lost"), what,
                                      QStringLiteral("commit %1 of the last run is gone (history "
                                                     "rewritten?); reading everything again")
                                          .arg(watermark)};
        }
    }
    git_oid oid;
    int rc = 0;
    while ((rc = git_revwalk_next(&oid, walk.get())) == 0)
        out.push_back(oid);
    if (rc != GIT_ITEROVER)
        return git::error(what + QStringLiteral(": walking history"), rc);
    return Status::ok();
}

// ---- public-inbox v1 ------------------------------------------------------------------------

class V1Reader final : public MailReader
{
public:
    git::Repository repo;
    QString gitDir;
    std::vector<git_oid> commits;
    size_t position = 0;

    QString phase() const override { return QStringLiteral("v1 %1").arg(QFileInfo(gitDir).fileName()); }
    qint64 done() const override { return qint64(position); }
    qint64 total() const override { return qint64(commits.size()); }
    QString unit() const override { return QStringLiteral("commits"); }

    Result<bool> next(RawBatch &batch, int maxMessages) override
    {
        QString last;
        while (position < commits.size() && batch.messages.size() < maxMessages) {
            const git_oid &oid = commits[position++];
            last = git::oidToString(oid);
            readCommit(oid, last, batch);
        }
        if (!last.isEmpty())
            batch.watermarks << qMakePair(QStringLiteral("v1-head"), last);
        return position < commits.size();
    }

private:
    void addBlob(const git_oid &blobOid, bool removal, const QString &commitHex, RawBatch &batch)
    {
        git_blob *rawBlob = nullptr;
        if (int rc = git_blob_lookup(&rawBlob, repo.get(), &blobOid); rc != 0) {
            batch.warnings << ReaderWarning{
                QStringLiteral("corrupt-object"),
                QStringLiteral("%1: blob %2").arg(gitDir, git::oidToString(blobOid)),
                git::error(QStringLiteral("cannot read the blob"), rc).message()};
            return;
        }
        git::Blob blob(rawBlob);
        RawMessage raw;
        raw.bytes = QByteArray(static_cast<const char *>(git_blob_rawcontent(blob.get())),
                               qsizetype(git_blob_rawsize(blob.get())));
        raw.removal = removal;
        raw.location.kind = QStringLiteral("git");
        raw.location.path = gitDir;
        raw.location.oid = git::oidToString(blobOid);
        raw.location.commit = commitHex;
        batch.messages << std::move(raw);
    }

    void readCommit(const git_oid &oid, const QString &commitHex, RawBatch &batch)
    {
        auto warn = [&](const Status &s) {
            batch.warnings << ReaderWarning{QStringLiteral("corrupt-object"),
                                            QStringLiteral("%1: commit %2").arg(gitDir, commitHex),
                                            s.message()};
        };
        git_commit *rawCommit = nullptr;
        if (int rc = git_commit_lookup(&rawCommit, repo.get(), &oid); rc != 0)
            return warn(git::error(QStringLiteral("cannot read the commit"), rc));
        git::Commit commit(rawCommit);
        git_tree *rawTree = nullptr;
        if (int rc = git_commit_tree(&rawTree, commit.get()); rc != 0)
            return warn(git::error(QStringLiteral("cannot read the tree"), rc));
        git::Tree tree(rawTree);
        git::Tree parentTree;
        if (git_commit_parentcount(commit.get()) > 0) {
            git_commit *rawParent = nullptr;
            if (int rc = git_commit_parent(&rawParent, commit.get(), 0); rc != 0)
                return warn(git::error(QStringLiteral("cannot read the parent"), rc));
            git::Commit parent(rawParent);
            git_tree *rawParentTree = nullptr;
            if (int rc = git_commit_tree(&rawParentTree, parent.get()); rc != 0)
                return warn(git::error(QStringLiteral("cannot read the parent tree"), rc));
            parentTree.reset(rawParentTree);
        }
        git_diff *rawDiff = nullptr;
        git_diff_options options = GIT_DIFF_OPTIONS_INIT;
        if (int rc = git_diff_tree_to_tree(&rawDiff, repo.get(), parentTree.get(), tree.get(), &options);
            rc != 0)
            return warn(git::error(QStringLiteral("cannot diff the commit"), rc));
        git::Diff diff(rawDiff);
        const size_t n = git_diff_num_deltas(diff.get());
        for (size_t i = 0; i < n; ++i) {
            const git_diff_delta *delta = git_diff_get_delta(diff.get(), i);
            // Only message blobs: v1 keeps them at xx/yyyy (the SHA-1 of the Message-ID).
            const char *path = delta->new_file.path ? delta->new_file.path : delta->old_file.path;
            if (!path || std::strlen(path) != 41 || path[2] != '/')
                continue;
            switch (delta->status) {
            case GIT_DELTA_ADDED:
                addBlob(delta->new_file.id, false, commitHex, batch);
                break;
            case GIT_DELTA_DELETED:
                addBlob(delta->old_file.id, true, commitHex, batch);
                break;
            case GIT_DELTA_MODIFIED:
                addBlob(delta->old_file.id, true, commitHex, batch);
                addBlob(delta->new_file.id, false, commitHex, batch);
                break;
            default:
                break;
            }
        }
    }
};

// ---- mbox -------------------------------------------------------------------------------------

struct ChecksumFree
{
    void operator()(GChecksum *c) const { g_checksum_free(c); }
};
using Checksum = std::unique_ptr<GChecksum, ChecksumFree>;

QString checksumHex(GChecksum *c)
{
    Checksum copy(g_checksum_copy(c));
    return QString::fromLatin1(g_checksum_get_string(copy.get()));
}

class MboxReader final : public MailReader
{
public:
    QFile file;
    const char *data = nullptr;
    qint64 size = 0;
    qint64 position = 0;        // start of the next "From " line
    qint64 mark = 0;            // the watermark: position, or the From_ line of a truncated tail
    qint64 hashed = 0;
    MboxFormat format = MboxFormat::Mboxrd;
    Checksum prefixHash;        // SHA-1 of [0, hashed)
    QString path;
    QByteArray tail;            // SHA-1 of the truncated last message read, if any
    qint64 resumedAt = -1;      // the watermark this run resumed from
    QByteArray previousTail;    // the truncated message stored there by the last run

    QString phase() const override { return QStringLiteral("mbox %1").arg(QFileInfo(path).fileName()); }
    qint64 done() const override { return position; }
    qint64 total() const override { return size; }
    QString unit() const override { return QStringLiteral("bytes"); }

    // Offset of the next separator ("From " at a line start after an empty line, or at 0).
    qint64 nextSeparator(qint64 from) const
    {
        qint64 p = from;
        while (p < size) {
            const void *hit = memmem(data + p, size_t(size - p), "\n\nFrom ", 7);
            if (!hit)
                return size;
            const qint64 at = static_cast<const char *>(hit) - data;
            return at + 2;
        }
        return size;
    }

    // One message: from its From_ line to the empty line before the next one; a final message
    // without that empty line is kept as it is.
    RawMessage slice(qint64 headerStart, qint64 end) const
    {
        qint64 messageEnd = end;
        if (end < size && end >= 1 && data[end - 1] == '\n')
            messageEnd = end - 1;
        if (end == size && size >= 2 && data[size - 1] == '\n' && data[size - 2] == '\n')
            messageEnd = size - 1; // mboxrd ends every message with an empty line
        if (messageEnd < headerStart)
            messageEnd = headerStart;
        RawMessage raw;
        raw.bytes = unescapeMbox(QByteArray(data + headerStart, messageEnd - headerStart), format);
        raw.location.kind = format == MboxFormat::Mboxrd ? QStringLiteral("mboxrd") : QStringLiteral("mboxo");
        raw.location.path = path;
        raw.location.offset = headerStart;
        raw.location.length = messageEnd - headerStart;
        return raw;
    }

    // The last message of a file that does not end with a newline is stored, but the watermark
    // stays at its From_ line so that the next run reads it again. When it has grown by then,
    // the stored partial copy is removed (by its content hash, in the same place) before the
    // whole message is added. Returns whether the truncation is new (to be warned about).
    bool noteTail(qint64 fromLine, const RawMessage &raw, bool open, RawBatch &batch)
    {
        bool newTruncation = open;
        if (fromLine == resumedAt && !previousTail.isEmpty()) {
            const QByteArray hash = QCryptographicHash::hash(raw.bytes, QCryptographicHash::Sha1);
            if (hash != previousTail) {
                RawMessage partial;
                partial.removal = true;
                partial.contentHash = previousTail;
                partial.location = raw.location;
                batch.messages << std::move(partial);
            } else {
                newTruncation = false; // the same partial copy, warned about when first read
            }
            previousTail.clear();
        }
        tail = open ? QCryptographicHash::hash(raw.bytes, QCryptographicHash::Sha1) : QByteArray();
        mark = open ? fromLine : position;
        return newTruncation;
    }

    Result<bool> next(RawBatch &batch, int maxMessages) override
    {
        int taken = 0;
        while (position < size && taken < maxMessages) {
            const qint64 fromLine = position;
            const char *eol = static_cast<const char *>(std::memchr(data + fromLine, '\n', size_t(size - fromLine)));
            const qint64 headerStart = eol ? (eol - data) + 1 : size;
            const qint64 end = nextSeparator(headerStart > 0 ? headerStart - 1 : 0);
            if (std::strncmp(data + fromLine, "From ", 5) != 0) {
                batch.warnings << ReaderWarning{QStringLiteral("malformed-mbox"),
                                                QStringLiteral("%1:%2").arg(path).arg(fromLine),
                                                QStringLiteral("no \"From \" line where a message should begin")};
            }
            RawMessage raw = slice(headerStart, end);
            position = end;
            const bool open = end == size && size > 0 && data[size - 1] != '\n';
            if (noteTail(fromLine, raw, open, batch)) {
                batch.warnings << ReaderWarning{QStringLiteral("mbox-truncated"),
                                                QStringLiteral("%1:%2").arg(path).arg(fromLine),
                                                QStringLiteral("the last message does not end with a newline (truncated file?)")};
            }
            if (!raw.bytes.trimmed().isEmpty())
                batch.messages << std::move(raw);
            ++taken;
        }
        g_checksum_update(prefixHash.get(), reinterpret_cast<const guchar *>(data + hashed), gssize(mark - hashed));
        hashed = mark;
        batch.watermarks << qMakePair(QStringLiteral("mbox-offset"), QString::number(mark));
        batch.watermarks << qMakePair(QStringLiteral("mbox-sha1"), checksumHex(prefixHash.get()));
        batch.watermarks << qMakePair(QStringLiteral("mbox-format"),
                                      format == MboxFormat::Mboxrd ? QStringLiteral("mboxrd")
                                                                   : QStringLiteral("mboxo"));
        batch.watermarks << qMakePair(QStringLiteral("mbox-tail-sha1"),
                                      tail.isEmpty() ? QStringLiteral("") : QString::fromLatin1(tail.toHex()));
        return position < size;
    }
};

// ---- Maildir --------------------------------------------------------------------------------

struct FileDescriptor
{
    int fd = -1;
    ~FileDescriptor()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

// Reads a Maildir file, or says why not in `why`. O_NONBLOCK because an entry may have become
// a FIFO since the scan, and open() would wait for a writer.
std::optional<QByteArray> readRegularFile(const QString &path, ReaderWarning &why)
{
    FileDescriptor file;
    file.fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st = {};
    if (file.fd < 0 || ::fstat(file.fd, &st) != 0) {
        why = {QStringLiteral("maildir-unreadable"), path, QString::fromLocal8Bit(std::strerror(errno))};
        return std::nullopt;
    }
    if (!S_ISREG(st.st_mode)) {
        why = {QStringLiteral("maildir-not-a-file"), path, QStringLiteral("not a regular file; not read")};
        return std::nullopt;
    }
    QFile f;
    if (!f.open(file.fd, QIODevice::ReadOnly, QFileDevice::DontCloseHandle)) {
        why = {QStringLiteral("maildir-unreadable"), path, f.errorString()};
        return std::nullopt;
    }
    return f.readAll();
}

// Why a Maildir entry is not a message to read; an empty kind when it is one. A symbolic link
// is followed only when its target lies inside the Maildir (`root`, canonical).
ReaderWarning checkMaildirEntry(const QString &root, const QFileInfo &entry)
{
    const QString path = entry.absoluteFilePath();
    if (entry.isSymLink()) {
        const QString target = entry.canonicalFilePath();
        if (target.isEmpty())
            return {QStringLiteral("maildir-broken-link"), path,
                    QStringLiteral("symbolic link to a missing file: %1").arg(entry.symLinkTarget())};
        if (!target.startsWith(root + QLatin1Char('/')))
            return {QStringLiteral("maildir-link-outside"), path,
                    QStringLiteral("symbolic link to %1, outside the Maildir; not followed").arg(target)};
    }
    if (entry.isDir())
        return {QStringLiteral("maildir-not-a-file"), path, QStringLiteral("a directory; not read")};
    if (!entry.isFile())
        return {QStringLiteral("maildir-not-a-file"), path,
                QStringLiteral("not a regular file (FIFO, socket or device); not opened")};
    return {};
}

class MaildirReader final : public MailReader
{
public:
    QString path;
    QStringList files;      // absolute paths still to read
    qsizetype position = 0;

    QString phase() const override { return QStringLiteral("maildir %1").arg(QFileInfo(path).fileName()); }
    qint64 done() const override { return position; }
    qint64 total() const override { return files.size(); }
    QString unit() const override { return QStringLiteral("files"); }

    Result<bool> next(RawBatch &batch, int maxMessages) override
    {
        int taken = 0;
        while (position < files.size() && taken < maxMessages) {
            const QString file = files[position++];
            ++taken;
            ReaderWarning why;
            std::optional<QByteArray> bytes = readRegularFile(file, why);
            if (!bytes) {
                batch.warnings << why;
                continue;
            }
            RawMessage raw;
            raw.bytes = std::move(*bytes);
            raw.location.kind = QStringLiteral("maildir");
            raw.location.path = file;
            batch.maildirSeen << maildirBaseName(QFileInfo(file).fileName());
            batch.messages << std::move(raw);
        }
        return position < files.size();
    }
};

} // namespace

MboxFormat detectMboxFormat(const char *data, qsizetype size)
{
    if (size >= 14 && std::strncmp(data, "From mboxrd@z ", 14) == 0)
        return MboxFormat::Mboxrd;
    if (memmem(data, size_t(size), "\n>>From ", 8))
        return MboxFormat::Mboxrd;
    return MboxFormat::Mboxo;
}

QByteArray unescapeMbox(const QByteArray &slice, MboxFormat format)
{
    // mboxrd: any number of '>' before "From " lost one; mboxo: only ">From " was quoted.
    if (!slice.contains(">From "))
        return slice;
    QByteArray out;
    out.reserve(slice.size());
    qsizetype lineStart = 0;
    while (lineStart < slice.size()) {
        qsizetype eol = slice.indexOf('\n', lineStart);
        const qsizetype lineEnd = eol < 0 ? slice.size() : eol + 1;
        const char *line = slice.constData() + lineStart;
        const qsizetype len = lineEnd - lineStart;
        bool strip = false;
        if (len >= 6 && line[0] == '>') {
            if (format == MboxFormat::Mboxrd) {
                qsizetype q = 0;
                while (q < len && line[q] == '>')
                    ++q;
                strip = len - q >= 5 && std::strncmp(line + q, "From ", 5) == 0;
            } else {
                strip = std::strncmp(line + 1, "From ", 5) == 0;
            }
        }
        out.append(line + (strip ? 1 : 0), len - (strip ? 1 : 0));
        lineStart = lineEnd;
    }
    return out;
}

QString maildirBaseName(const QString &fileName)
{
    const qsizetype colon = fileName.indexOf(QLatin1Char(':'));
    return colon < 0 ? fileName : fileName.left(colon);
}

QList<QPair<int, QString>> inboxEpochs(const QString &inboxDir)
{
    QList<QPair<int, QString>> epochs;
    static const QRegularExpression epochName(QStringLiteral("^(\\d+)\\.git$"));
    const QDir gitDir(inboxDir + QStringLiteral("/git"));
    const QStringList entries = gitDir.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &e : entries) {
        const auto m = epochName.match(e);
        if (m.hasMatch())
            epochs << qMakePair(m.captured(1).toInt(), gitDir.absoluteFilePath(e));
    }
    std::sort(epochs.begin(), epochs.end());
    return epochs;
}

Result<std::unique_ptr<MailReader>> openEpochReader(Store &store, qint64 sourceId,
                                                    const QString &gitDir, int epoch,
                                                    QList<ReaderWarning> &openWarnings)
{
    auto repo = git::openRepository(gitDir);
    if (!repo)
        return repo.status();
    auto reader = std::make_unique<EpochReader>();
    reader->repo = std::move(repo.value());
    reader->gitDir = gitDir;
    reader->epoch = epoch;
    auto mark = store.watermark(sourceId, QStringLiteral("epoch:%1").arg(epoch));
    if (!mark)
        return mark.status();
    KL_TRY(collectCommits(reader->repo.get(), mark.value(),
                          QStringLiteral("%1: epoch %2").arg(gitDir).arg(epoch), reader->commits,
                          openWarnings));
    return std::unique_ptr<MailReader>(std::move(reader));
}

Result<std::unique_ptr<MailReader>> openV1Reader(Store &store, qint64 sourceId, const QString &gitDir,
                                                 QList<ReaderWarning> &openWarnings)
{
    auto repo = git::openRepository(gitDir);
    if (!repo)
        return repo.status();
    auto reader = std::make_unique<V1Reader>();
    reader->repo = std::move(repo.value());
    reader->gitDir = gitDir;
    auto mark = store.watermark(sourceId, QStringLiteral("v1-head"));
    if (!mark)
        return mark.status();
    KL_TRY(collectCommits(reader->repo.get(), mark.value(), gitDir, reader->commits, openWarnings));
    return std::unique_ptr<MailReader>(std::move(reader));
}

Result<std::unique_ptr<MailReader>> openMboxReader(Store &store, qint64 sourceId, const QString &path,
                                                   QList<ReaderWarning> &openWarnings)
{
    auto reader = std::make_unique<MboxReader>();
    reader->path = path;
    reader->file.setFileName(path);
    if (!reader->file.open(QIODevice::ReadOnly))
        return Status::error(QStringLiteral("%1: %2").arg(path, reader->file.errorString()));
    reader->size = reader->file.size();
    reader->prefixHash.reset(g_checksum_new(G_CHECKSUM_SHA1));
    if (reader->size == 0)
        return std::unique_ptr<MailReader>(std::move(reader));
    uchar *mapped = reader->file.map(0, reader->size);
    if (!mapped)
        return Status::error(QStringLiteral("%1: cannot map the file: %2").arg(path, reader->file.errorString()));
    reader->data = reinterpret_cast<const char *>(mapped);
    if (std::strncmp(reader->data, "From ", size_t(std::min<qint64>(5, reader->size))) != 0)
        return Status::error(QStringLiteral("%1:0: not an mbox (it does not begin with a \"From \" line)").arg(path));

    auto offset = store.watermark(sourceId, QStringLiteral("mbox-offset"));
    auto sha = store.watermark(sourceId, QStringLiteral("mbox-sha1"));
    auto fmt = store.watermark(sourceId, QStringLiteral("mbox-format"));
    auto tail = store.watermark(sourceId, QStringLiteral("mbox-tail-sha1"));
    if (!offset || !sha || !fmt || !tail)
        return Status::error(QStringLiteral("%1: cannot read the watermark").arg(path));
    reader->format = fmt->isEmpty() ? detectMboxFormat(reader->data, reader->size)
                                    : (*fmt == QLatin1String("mboxo") ? MboxFormat::Mboxo : MboxFormat::Mboxrd);
    const qint64 mark = offset->toLongLong();
    if (mark > 0) {
        bool same = mark <= reader->size;
        if (same) {
            Checksum check(g_checksum_new(G_CHECKSUM_SHA1));
            g_checksum_update(check.get(), reinterpret_cast<const guchar *>(reader->data), gssize(mark));
            same = QString::fromLatin1(g_checksum_get_string(check.get())) == *sha;
            same = same && (mark == reader->size || std::strncmp(reader->data + mark, "From ", 5) == 0);
        }
        if (same) {
            reader->position = reader->mark = reader->hashed = reader->resumedAt = mark;
            reader->previousTail = QByteArray::fromHex(tail->toLatin1());
            g_checksum_update(reader->prefixHash.get(), reinterpret_cast<const guchar *>(reader->data),
                              gssize(mark));
        } else {
            reader->format = detectMboxFormat(reader->data, reader->size);
            openWarnings << ReaderWarning{QStringLiteral("mbox-changed"),
                                          QStringLiteral("%1:%2").arg(path).arg(mark),
                                          QStringLiteral("the file changed before the last run's offset; "
                                                         "reading it again from the start")};
        }
    }
    return std::unique_ptr<MailReader>(std::move(reader));
}

Result<std::unique_ptr<MailReader>> openMaildirReader(Store &store, qint64 sourceId, const QString &path,
                                                      QList<ReaderWarning> &openWarnings)
{
    auto reader = std::make_unique<MaildirReader>();
    reader->path = path;
    QSet<QString> seen;
    auto stmt = store.db().prepare(QStringLiteral("SELECT name FROM maildir_seen WHERE source_id = ?"));
    if (!stmt)
        return stmt.status();
    stmt->bind(1, sourceId);
    while (true) {
        auto row = stmt->step();
        if (!row)
            return row.status();
        if (!row.value())
            break;
        seen.insert(stmt->text(0));
    }
    // System: FIFOs, sockets, devices and dangling links are listed too, to be warned about.
    const QString root = QFileInfo(path).canonicalFilePath();
    for (const char *sub : {"cur", "new"}) {
        QDir dir(path + QLatin1Char('/') + QLatin1String(sub));
        const QFileInfoList entries = dir.entryInfoList(QDir::Files | QDir::Dirs | QDir::System | QDir::NoDotAndDotDot,
                                                        QDir::Name);
        for (const QFileInfo &entry : entries) {
            if (seen.contains(maildirBaseName(entry.fileName())))
                continue;
            const ReaderWarning why = checkMaildirEntry(root, entry);
            if (why.kind.isEmpty())
                reader->files << entry.absoluteFilePath();
            else
                openWarnings << why;
        }
    }
    return std::unique_ptr<MailReader>(std::move(reader));
}

} // namespace kl::mail
