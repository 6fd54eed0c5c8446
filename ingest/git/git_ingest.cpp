#include <kernellens/ingest/git_ingest.h>
#include <kernellens/ingest/languages.h>
#include <kernellens/ingest/mailtext.h>
#include <kernellens/ingest/source_settings.h>
#include <kernellens/index/store.h>

#include "git_internal.h"
#include "pack_reader.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace kl::ingest {

namespace {

using git::OidEqual;
using git::OidHash;
using OidSet = std::unordered_set<git_oid, OidHash, OidEqual>;

constexpr qsizetype kBatchCommits = 20000;
constexpr size_t kRunAhead = 4096;
// Consecutive commits of the work list are mostly parent and child; a worker takes a run of them
// so the trees and blobs it shares with its neighbour are still in its repository's cache.
constexpr size_t kClaim = 64;

QString hex(const git_oid &oid) { return git::oidToString(oid); }

bool parseHex(const QString &text, git_oid &oid)
{
    return text.size() == GIT_OID_HEXSZ && git_oid_fromstr(&oid, text.toLatin1().constData()) == 0;
}

// ---------------------------------------------------------------------------------------------
// Releases: tags in version order.

struct ReleaseTag
{
    QString name;
    git_oid commit;
    git_oid tree;
    qint64 date = 0;
    qint64 id = 0;          // releases.id
    bool old = false;       // its range was assigned by an earlier complete run
};

// "v6.1-rc3" -> numbers {6,1}, rc 3; finals sort after their release candidates.
struct VersionKey
{
    QList<qint64> numbers;
    bool final = true;
    qint64 rc = 0;
    QString name;
    bool operator<(const VersionKey &o) const
    {
        if (numbers != o.numbers)
            return std::lexicographical_compare(numbers.begin(), numbers.end(), o.numbers.begin(),
                                                o.numbers.end());
        if (final != o.final)
            return !final;
        if (rc != o.rc)
            return rc < o.rc;
        return name < o.name;
    }
};

VersionKey versionKey(const QString &tag)
{
    static const QRegularExpression number(QStringLiteral("\\d+"));
    VersionKey key;
    key.name = tag;
    QString main = tag;
    const qsizetype rcAt = tag.indexOf(QLatin1String("-rc"));
    if (rcAt >= 0) {
        key.final = false;
        main = tag.left(rcAt);
        auto m = number.match(tag, rcAt);
        key.rc = m.hasMatch() ? m.captured().toLongLong() : 0;
    }
    auto it = number.globalMatch(main);
    while (it.hasNext())
        key.numbers.append(it.next().captured().toLongLong());
    return key;
}

bool isRcTag(const QString &tag)
{
    return tag.contains(QLatin1String("-rc"));
}

Result<std::vector<ReleaseTag>> releaseTags(git_repository *repo, const QString &repoName,
                                            const GitIngestOptions &options, Store &store,
                                            qint64 sourceId)
{
    git_strarray names{};
    if (int rc = git_tag_list_match(&names, options.tagPattern.toUtf8().constData(), repo))
        return git::error(repoName + QStringLiteral(": listing tags ") + options.tagPattern, rc);
    std::unique_ptr<git_strarray, decltype(&git::freeStrarray)> guard(&names, git::freeStrarray);
    std::vector<ReleaseTag> tags;
    for (size_t i = 0; i < names.count; ++i) {
        const QString name = QString::fromUtf8(names.strings[i]);
        if (!options.includeRcTags && isRcTag(name))
            continue;
        git_object *raw = nullptr;
        const QByteArray ref = "refs/tags/" + name.toUtf8();
        if (int rc = git_revparse_single(&raw, repo, ref.constData()))
            return git::error(repoName + QStringLiteral(": tag %1 (missing or corrupt object)").arg(name), rc);
        git::Object target(raw);
        git_object *peeled = nullptr;
        if (git_object_peel(&peeled, target.get(), GIT_OBJECT_COMMIT) != 0) {
            // Linux has v2.6.11-tree, a tag of a tree: not a release we can place in history.
            KL_TRY(store.addWarning(sourceId, QStringLiteral("tag-not-commit"), name,
                                    QStringLiteral("tag does not point to a commit; skipped")));
            continue;
        }
        git::Object commitObject(peeled);
        auto *commit = reinterpret_cast<git_commit *>(commitObject.get());
        ReleaseTag tag;
        tag.name = name;
        tag.commit = *git_commit_id(commit);
        tag.tree = *git_commit_tree_id(commit);
        tag.date = qint64(git_commit_committer(commit)->when.time);
        tags.push_back(tag);
    }
    std::sort(tags.begin(), tags.end(), [](const ReleaseTag &a, const ReleaseTag &b) {
        return versionKey(a.name) < versionKey(b.name);
    });
    return tags;
}

// ---------------------------------------------------------------------------------------------
// Per-commit work, done on the diff threads.

struct FileChange
{
    QByteArray path;
    qint32 added = 0;     // -1: binary
    qint32 deleted = 0;
    bool unknown = false; // a blob could not be read: counts unknown (stored as NULL)
};

// A blob the diff could not read (partial clone, left-out large file, damaged pack).
struct MissingBlob
{
    QByteArray path;
    git_oid blob;
    QString reason;       // libgit2's message: missing, or what is corrupt
};

struct CommitRecord
{
    git_oid oid;
    int release = -1;
    QByteArray authorName, authorEmail, committerName, committerEmail;
    qint64 authorTime = 0;
    int authorOffset = 0;
    qint64 commitTime = 0;
    QString subject;
    QList<text::Trailer> trailers;
    int parentCount = 0;
    std::vector<FileChange> files;
    std::vector<MissingBlob> missing;
};

struct WorkItem
{
    git_oid oid;
    int release;
};

class DiffWorker
{
public:
    DiffWorker(git::Repository repo, QString repoName, bool firstParent, git::BlobStatCache &cache)
        : m_repo(std::move(repo)), m_repoName(std::move(repoName)), m_firstParent(firstParent),
          m_cache(cache)
    {
    }

    // The worker's repository, for a caller that frees it elsewhere (DiffPipeline::abandon()).
    git::Repository takeRepository() { return std::move(m_repo); }

    Status process(const WorkItem &item, CommitRecord &rec)
    {
        rec.oid = item.oid;
        rec.release = item.release;
        m_rec = &rec;
        git_commit *rawCommit = nullptr;
        if (int rc = git_commit_lookup(&rawCommit, m_repo.get(), &item.oid))
            return git::error(where(item.oid) + QStringLiteral(" (corrupt or missing object)"), rc);
        git::Commit commit(rawCommit);
        const git_signature *author = git_commit_author(commit.get());
        const git_signature *committer = git_commit_committer(commit.get());
        rec.authorName = QByteArray(author->name);
        rec.authorEmail = QByteArray(author->email);
        rec.authorTime = qint64(author->when.time);
        rec.authorOffset = author->when.offset;
        rec.committerName = QByteArray(committer->name);
        rec.committerEmail = QByteArray(committer->email);
        rec.commitTime = qint64(committer->when.time);
        const char *summary = git_commit_summary(commit.get());
        rec.subject = summary ? QString::fromUtf8(summary) : QString();
        const char *message = git_commit_message(commit.get());
        if (message)
            rec.trailers = text::parseTrailers(QString::fromUtf8(message));
        rec.parentCount = int(git_commit_parentcount(commit.get()));
        if (rec.parentCount > 1 && !m_firstParent)
            return Status::ok();   // merges carry no file stats: their changes are their parents'

        git_tree *rawTree = nullptr;
        if (int rc = git_commit_tree(&rawTree, commit.get()))
            return git::error(where(item.oid) + QStringLiteral(": tree (corrupt or missing object)"), rc);
        git::Tree tree(rawTree);
        git::Tree parentTree;
        if (rec.parentCount > 0) {
            git_commit *rawParent = nullptr;
            if (int rc = git_commit_parent(&rawParent, commit.get(), 0))
                return git::error(where(item.oid) + QStringLiteral(": first parent (missing; shallow or corrupt repository?)"), rc);
            git::Commit parent(rawParent);
            git_tree *rawParentTree = nullptr;
            if (int rc = git_commit_tree(&rawParentTree, parent.get()))
                return git::error(where(item.oid) + QStringLiteral(": parent tree (corrupt or missing object)"), rc);
            parentTree.reset(rawParentTree);
        }
        QByteArray prefix;
        prefix.reserve(256);
        return diffTrees(parentTree.get(), tree.get(), prefix, item.oid, rec.files);
    }

private:
    // Our own tree-to-tree walk instead of git_diff_tree_to_tree: libgit2's diff iterates every
    // entry of both trees, reading every subtree object of both commits, while identical subtrees
    // (almost all of them) can be skipped by their oid, as git's own diff-tree does. Entries
    // are merged in git's tree order (git_tree_entry_cmp: a directory sorts as "name/"), so a
    // file and a directory of the same name are a deletion and an addition, like --no-renames.
    Status diffTrees(const git_tree *oldTree, const git_tree *newTree, QByteArray &prefix,
                     const git_oid &commit, std::vector<FileChange> &out)
    {
        const size_t oldCount = oldTree ? git_tree_entrycount(oldTree) : 0;
        const size_t newCount = newTree ? git_tree_entrycount(newTree) : 0;
        size_t i = 0, j = 0;
        while (i < oldCount || j < newCount) {
            const git_tree_entry *a = i < oldCount ? git_tree_entry_byindex(oldTree, i) : nullptr;
            const git_tree_entry *b = j < newCount ? git_tree_entry_byindex(newTree, j) : nullptr;
            const int order = !a ? 1 : !b ? -1 : git_tree_entry_cmp(a, b);
            if (order < 0) {
                KL_TRY(oneSide(a, false, prefix, commit, out));
                ++i;
                continue;
            }
            if (order > 0) {
                KL_TRY(oneSide(b, true, prefix, commit, out));
                ++j;
                continue;
            }
            ++i;
            ++j;
            const git_filemode_t oldMode = git_tree_entry_filemode(a);
            const git_filemode_t newMode = git_tree_entry_filemode(b);
            const git_oid *oldId = git_tree_entry_id(a);
            const git_oid *newId = git_tree_entry_id(b);
            const bool sameId = git_oid_equal(oldId, newId) != 0;
            if (sameId && oldMode == newMode)
                continue;   // identical file or whole subtree: nothing below it changed
            if (oldMode == GIT_FILEMODE_TREE) {   // both are trees (the order says same kind)
                const qsizetype at = prefix.size();
                prefix.append(git_tree_entry_name(a)).append('/');
                auto oldSub = lookupTree(oldId, commit, prefix);
                if (!oldSub)
                    return oldSub.status();
                auto newSub = lookupTree(newId, commit, prefix);
                if (!newSub)
                    return newSub.status();
                KL_TRY(diffTrees(oldSub->get(), newSub->get(), prefix, commit, out));
                prefix.truncate(at);
                continue;
            }
            // A change of object type (file <-> symlink <-> submodule) is a deletion and an
            // addition, as libgit2 and git --no-renames report it; the writer sums the two rows.
            if ((oldMode & 0170000) != (newMode & 0170000)) {
                KL_TRY(oneSide(a, false, prefix, commit, out));
                KL_TRY(oneSide(b, true, prefix, commit, out));
                continue;
            }
            FileChange change;
            change.path = prefix + git_tree_entry_name(b);
            if (oldMode == GIT_FILEMODE_COMMIT) {
                change.added = change.deleted = 1;   // git shows a submodule as one line
            } else if (!sameId) {
                KL_TRY(diffBlobs(*oldId, *newId, commit, change));
            }   // else a mode-only change: 0/0, as git shows it
            out.push_back(std::move(change));
        }
        return Status::ok();
    }

    // Everything under an entry that exists on one side only.
    Status oneSide(const git_tree_entry *entry, bool added, QByteArray &prefix,
                   const git_oid &commit, std::vector<FileChange> &out)
    {
        const git_filemode_t mode = git_tree_entry_filemode(entry);
        const git_oid *id = git_tree_entry_id(entry);
        if (mode == GIT_FILEMODE_TREE) {
            const qsizetype at = prefix.size();
            prefix.append(git_tree_entry_name(entry)).append('/');
            auto sub = lookupTree(id, commit, prefix);
            if (!sub)
                return sub.status();
            KL_TRY(added ? diffTrees(nullptr, sub->get(), prefix, commit, out)
                         : diffTrees(sub->get(), nullptr, prefix, commit, out));
            prefix.truncate(at);
            return Status::ok();
        }
        FileChange change;
        change.path = prefix + git_tree_entry_name(entry);
        if (mode == GIT_FILEMODE_COMMIT) {
            (added ? change.added : change.deleted) = 1;   // git shows a submodule as one line
        } else {
            git::BlobStat s;
            if (!stat(*id, change.path, s))
                change.unknown = true;
            else if (s.binary)
                change.added = change.deleted = -1;
            else
                (added ? change.added : change.deleted) = qint32(s.diffLines());
        }
        out.push_back(std::move(change));
        return Status::ok();
    }

    Result<git::Tree> lookupTree(const git_oid *oid, const git_oid &commit, const QByteArray &path)
    {
        git_tree *raw = nullptr;
        if (int rc = git_tree_lookup(&raw, m_repo.get(), oid))
            return git::error(where(commit) + QStringLiteral(": %1: tree %2 (corrupt or missing object)")
                                  .arg(QString::fromUtf8(path), hex(*oid)),
                              rc);
        return git::Tree(raw);
    }

    QString where(const git_oid &commit) const
    {
        return m_repoName + QStringLiteral(": commit ") + hex(commit);
    }

    // A blob that cannot be read does not stop the ingest: missing blobs are normal in partial
    // clones and mirrors without large files. It is noted on the record (the writer stores a
    // warning naming commit, path and blob) and the row's counts become unknown.
    std::optional<git::Blob> loadBlob(const git_oid &oid, const QByteArray &path)
    {
        git_blob *raw = nullptr;
        if (int rc = git_blob_lookup(&raw, m_repo.get(), &oid)) {
            const git_error *e = git_error_last();
            m_rec->missing.push_back(MissingBlob{path, oid, e && e->message ? QString::fromUtf8(e->message)
                                                                             : QStringLiteral("libgit2 error %1").arg(rc)});
            return std::nullopt;
        }
        return git::Blob(raw);
    }

    // False: the blob could not be read.
    bool stat(const git_oid &oid, const QByteArray &path, git::BlobStat &out)
    {
        if (m_cache.find(oid, out))
            return true;
        auto blob = loadBlob(oid, path);
        if (!blob)
            return false;
        out = git::blobStat(static_cast<const char *>(git_blob_rawcontent(blob->get())),
                            size_t(git_blob_rawsize(blob->get())));
        m_cache.insert(oid, out);
        return true;
    }

    Status diffBlobs(const git_oid &oldOid, const git_oid &newOid, const git_oid &commit,
                     FileChange &change)
    {
        auto oldBlob = loadBlob(oldOid, change.path);
        auto newBlob = loadBlob(newOid, change.path);
        if (!oldBlob || !newBlob) {
            change.unknown = true;
            return Status::ok();
        }
        git::BlobStat oldStat, newStat;
        if (!m_cache.find(oldOid, oldStat)) {
            oldStat = git::blobStat(static_cast<const char *>(git_blob_rawcontent(oldBlob->get())),
                                    size_t(git_blob_rawsize(oldBlob->get())));
            m_cache.insert(oldOid, oldStat);
        }
        if (!m_cache.find(newOid, newStat)) {
            newStat = git::blobStat(static_cast<const char *>(git_blob_rawcontent(newBlob->get())),
                                    size_t(git_blob_rawsize(newBlob->get())));
            m_cache.insert(newOid, newStat);
        }
        if (oldStat.binary || newStat.binary) {
            change.added = change.deleted = -1;
            return Status::ok();
        }
        // Zero context: every hunk is exactly the removed and added lines, so summing the hunk
        // headers gives git's numstat without materialising a single line.
        git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
        opts.context_lines = 0;
        opts.interhunk_lines = 0;
        opts.flags = GIT_DIFF_FORCE_TEXT;
        struct Counts
        {
            qint64 added = 0, deleted = 0;
        } counts;
        // git_diff_blobs with "" as both paths: buffers would be SHA-1 hashed again for the
        // delta's ids, and a real (or NULL, which libgit2 turns into "file") path makes it look
        // up the diff driver in .gitattributes for every pair; numstat needs neither.
        const int rc = git_diff_blobs(
            oldBlob->get(), "", newBlob->get(), "", &opts, nullptr, nullptr,
            [](const git_diff_delta *, const git_diff_hunk *hunk, void *payload) -> int {
                auto *c = static_cast<Counts *>(payload);
                c->added += hunk->new_lines;
                c->deleted += hunk->old_lines;
                return 0;
            },
            nullptr, &counts);
        if (rc != 0)
            return git::error(where(commit) + QStringLiteral(": %1: diff").arg(QString::fromUtf8(change.path)), rc);
        change.added = qint32(counts.added);
        change.deleted = qint32(counts.deleted);
        return Status::ok();
    }

    git::Repository m_repo;
    QString m_repoName;
    bool m_firstParent;
    git::BlobStatCache &m_cache;
    CommitRecord *m_rec = nullptr;   // the record process() fills
};

// Workers claim runs of kClaim commits in list order and may run ahead of the writer by kRunAhead commits; the
// writer consumes records strictly in order, so batches and watermarks stay simple.
class DiffPipeline
{
public:
    DiffPipeline(const std::vector<WorkItem> &work, const QString &repoPath, const QString &repoName,
                 bool firstParent, int threads, git::BlobStatCache &cache,
                 std::shared_ptr<const git::PackSet> packs)
        : m_work(work), m_slots(work.size())
    {
        const int n = std::max(1, threads);
        for (int t = 0; t < n; ++t) {
            auto repo = git::openRepository(repoPath);
            if (!repo) {
                m_failure = repo.status();
                m_stop = true;
                break;
            }
            if (Status direct = git::readPacksDirectly(repo->get(), packs); !direct.isOk()) {
                m_failure = direct;
                m_stop = true;
                break;
            }
            m_workers.push_back(std::make_unique<DiffWorker>(std::move(repo.value()), repoName,
                                                             firstParent, cache));
        }
        for (auto &w : m_workers)
            m_threads.emplace_back([this, worker = w.get()] { run(*worker); });
    }

    ~DiffPipeline() { stop(); }

    // After Ctrl-C: stops, and leaves the workers' repositories (and their object caches) to
    // be freed off this thread.
    void abandon()
    {
        stop();
        for (auto &w : m_workers)
            git::freeInBackground(w->takeRepository());
    }

    void stop()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_space.notify_all();
        m_ready.notify_all();
        for (auto &t : m_threads)
            if (t.joinable())
                t.join();
    }

    // The record of commit i (blocking), or the first failure.
    Result<std::unique_ptr<CommitRecord>> take(size_t i)
    {
        std::unique_lock lock(m_mutex);
        m_waitingFor = i;
        m_ready.wait(lock, [&] { return m_slots[i] != nullptr || !m_failure.isOk() || m_stop; });
        m_waitingFor = kNobody;
        if (!m_failure.isOk())
            return m_failure;
        if (!m_slots[i])
            return Status::cancelled();
        auto rec = std::move(m_slots[i]);
        m_consumed = i + 1;
        const bool wake = m_workersWaiting > 0;
        lock.unlock();
        if (wake)
            m_space.notify_all();
        return rec;
    }

private:
    void run(DiffWorker &worker)
    {
        for (;;) {
            size_t begin, end;
            {
                std::unique_lock lock(m_mutex);
                ++m_workersWaiting;
                m_space.wait(lock, [&] { return m_stop || m_next < m_consumed + kRunAhead; });
                --m_workersWaiting;
                if (m_stop || m_next >= m_work.size())
                    return;
                begin = m_next;
                end = std::min(m_work.size(), begin + kClaim);
                m_next = end;
            }
            for (size_t i = begin; i < end; ++i) {
                auto rec = std::make_unique<CommitRecord>();
                Status s = worker.process(m_work[i], *rec);
                std::lock_guard lock(m_mutex);
                if (!s.isOk()) {
                    if (m_failure.isOk())
                        m_failure = s;
                    m_stop = true;
                    m_ready.notify_all();
                    m_space.notify_all();
                    return;
                }
                if (m_stop)
                    return;
                m_slots[i] = std::move(rec);
                if (m_waitingFor == i)   // wake the writer only for the record it waits on
                    m_ready.notify_all();
            }
        }
    }

    const std::vector<WorkItem> &m_work;
    std::vector<std::unique_ptr<CommitRecord>> m_slots;
    std::vector<std::unique_ptr<DiffWorker>> m_workers;
    std::vector<std::thread> m_threads;
    std::mutex m_mutex;
    std::condition_variable m_ready, m_space;
    size_t m_next = 0;
    size_t m_consumed = 0;
    static constexpr size_t kNobody = ~size_t(0);
    size_t m_waitingFor = kNobody;
    int m_workersWaiting = 0;
    bool m_stop = false;
    Status m_failure;
};

// ---------------------------------------------------------------------------------------------
// The writer side: identities, paths, rows.

class Writer
{
public:
    Writer(Store &store, qint64 sourceId, git_mailmap *mailmap, const LanguageMap &languages)
        : m_store(store), m_db(store.db()), m_sourceId(sourceId), m_mailmap(mailmap),
          m_languages(languages)
    {
    }

    Status prepare()
    {
        auto prep = [&](Statement &s, const char *sql) -> Status {
            auto r = m_db.prepare(QString::fromLatin1(sql));
            if (!r)
                return r.status();
            s = std::move(r.value());
            return Status::ok();
        };
        KL_TRY(prep(m_insertCommit,
                    "INSERT INTO commits(source_id, oid, author_id, author_person, author_time, author_tz,"
                    " committer_id, commit_time, subject, parents, release_id)"
                    " VALUES(?,?,?,?,?,?,?,?,?,?,?)"));
        KL_TRY(prep(m_insertFile, "INSERT INTO commit_files(commit_id, path_id, added, deleted, unknown) VALUES(?,?,?,?,?)"));
        KL_TRY(prep(m_insertMissing, "INSERT OR IGNORE INTO git_missing_objects(source_id, oid) VALUES(?,?)"));
        KL_TRY(prep(m_insertPath, "INSERT INTO git_paths(path, language, top) VALUES(?,?,?)"));
        KL_TRY(prep(m_insertTrailer,
                    "INSERT INTO commit_trailers(commit_id, kind, value, identity_id) VALUES(?,?,?,?)"));
        auto paths = m_db.prepare(QStringLiteral("SELECT id, path FROM git_paths"));
        if (!paths)
            return paths.status();
        for (;;) {
            auto row = paths->step();
            if (!row)
                return row.status();
            if (!*row)
                break;
            m_paths.insert(paths->text(1).toUtf8(), paths->int64(0));
        }
        return Status::ok();
    }

    struct Person
    {
        qint64 identity;
        qint64 person;
    };

    Result<Person> resolve(const QByteArray &name, const QByteArray &email)
    {
        QByteArray key = name;
        key.append('\0').append(email);
        if (auto it = m_people.constFind(key); it != m_people.cend())
            return *it;
        const char *realName = nullptr;
        const char *realEmail = nullptr;
        if (m_mailmap)
            git_mailmap_resolve(&realName, &realEmail, m_mailmap, name.constData(), email.constData());
        const QString canonicalName = QString::fromUtf8(realName ? realName : name.constData());
        const QString canonicalEmail = QString::fromUtf8(realEmail ? realEmail : email.constData());
        auto identity = m_store.identity(QString::fromUtf8(name), QString::fromUtf8(email),
                                         canonicalName, canonicalEmail);
        if (!identity)
            return identity.status();
        auto person = m_store.personOfIdentity(*identity);
        if (!person)
            return person.status();
        Person p{*identity, *person};
        m_people.insert(key, p);
        return p;
    }

    Result<qint64> pathId(const QByteArray &path)
    {
        if (auto it = m_paths.constFind(path); it != m_paths.cend())
            return *it;
        const qsizetype slash = path.indexOf('/');
        m_insertPath.bind(1, QString::fromUtf8(path))
            .bind(2, m_languages.classify(path))
            .bind(3, slash < 0 ? QStringLiteral("") : QString::fromUtf8(path.left(slash)));
        KL_TRY(m_insertPath.exec());
        const qint64 id = m_db.lastInsertRowId();
        m_paths.insert(path, id);
        return id;
    }

    Status write(const CommitRecord &rec, qint64 releaseId, GitIngestSummary &summary)
    {
        auto author = resolve(rec.authorName, rec.authorEmail);
        if (!author)
            return author.status();
        auto committer = resolve(rec.committerName, rec.committerEmail);
        if (!committer)
            return committer.status();
        m_insertCommit.bind(1, m_sourceId)
            .bind(2, hex(rec.oid))
            .bind(3, author->identity)
            .bind(4, author->person)
            .bind(5, rec.authorTime)
            .bind(6, rec.authorOffset)
            .bind(7, committer->identity)
            .bind(8, rec.commitTime)
            .bind(9, rec.subject.isNull() ? QStringLiteral("") : rec.subject)
            .bind(10, rec.parentCount);
        if (releaseId > 0)
            m_insertCommit.bind(11, releaseId);
        else
            m_insertCommit.bindNull(11);
        KL_TRY(m_insertCommit.exec());
        const qint64 commitId = m_db.lastInsertRowId();
        summary.commitsAdded += 1;
        if (rec.parentCount > 1)
            summary.mergesAdded += 1;

        // A type change shows as a deletion and an addition of one path: one row, summed.
        struct Counts
        {
            qint64 added, deleted;   // -1: binary
            bool unknown;
        };
        std::map<qint64, Counts> rows;
        for (const FileChange &f : rec.files) {
            auto id = pathId(f.path);
            if (!id)
                return id.status();
            auto [it, inserted] = rows.try_emplace(*id, Counts{f.added, f.deleted, f.unknown});
            if (!inserted) {
                Counts &c = it->second;
                c.unknown = c.unknown || f.unknown;
                if (c.added < 0 || f.added < 0)
                    c.added = c.deleted = -1;
                else
                    c = {c.added + f.added, c.deleted + f.deleted, c.unknown};
            }
        }
        for (const auto &[pathId, counts] : rows) {
            m_insertFile.bind(1, commitId).bind(2, pathId);
            if (counts.unknown || counts.added < 0)
                m_insertFile.bindNull(3).bindNull(4);
            else
                m_insertFile.bind(3, counts.added).bind(4, counts.deleted);
            m_insertFile.bind(5, counts.unknown ? 1 : 0);
            KL_TRY(m_insertFile.exec());
            summary.fileChangesAdded += 1;
            if (counts.unknown)
                summary.fileChangesUnknown += 1;
        }
        for (const MissingBlob &m : rec.missing)
            KL_TRY(noteMissing(QStringLiteral("commit %1: %2").arg(hex(rec.oid), QString::fromUtf8(m.path)),
                               m.blob, m.reason + QStringLiteral("; line counts unknown"), summary));
        for (const text::Trailer &t : rec.trailers) {
            m_insertTrailer.bind(1, commitId).bind(2, t.key).bind(3, t.value);
            if (!t.email.isEmpty()) {
                auto who = resolve(t.name.toUtf8(), t.email.toUtf8());
                if (!who)
                    return who.status();
                m_insertTrailer.bind(4, who->identity);
            } else {
                m_insertTrailer.bindNull(4);
            }
            KL_TRY(m_insertTrailer.exec());
        }
        return Status::ok();
    }

    // A counted warning naming where the blob was needed and the blob; each distinct object is
    // recorded once per source (git_missing_objects, which `stats` counts).
    Status noteMissing(const QString &location, const git_oid &blob, const QString &reason,
                       GitIngestSummary &summary)
    {
        KL_TRY(m_store.addWarning(m_sourceId, QStringLiteral("missing-object"), location,
                                  QStringLiteral("blob %1: %2").arg(hex(blob), reason)));
        return recordMissing(blob, summary);
    }

    Store &store() { return m_store; }
    qint64 sourceId() const { return m_sourceId; }

    Status dropSnapshotWarning(const QString &tag)
    {
        auto stmt = m_db.prepare(QStringLiteral(
            "DELETE FROM parse_warnings WHERE source_id = ? AND kind = 'missing-object' AND location = ?"));
        if (!stmt)
            return stmt.status();
        stmt->bind(1, m_sourceId).bind(2, QStringLiteral("tag ") + tag);
        return stmt->exec();
    }

    Status recordMissing(const git_oid &blob, GitIngestSummary &summary)
    {
        m_insertMissing.bind(1, m_sourceId).bind(2, hex(blob));
        KL_TRY(m_insertMissing.exec());
        summary.objectsMissing += m_db.changes();
        return Status::ok();
    }

private:
    Store &m_store;
    Database &m_db;
    qint64 m_sourceId;
    git_mailmap *m_mailmap;
    const LanguageMap &m_languages;
    Statement m_insertCommit, m_insertFile, m_insertPath, m_insertTrailer, m_insertMissing;
    QHash<QByteArray, qint64> m_paths;
    QHash<QByteArray, Person> m_people;

    friend Status writeSnapshot(Writer &, qint64, const std::vector<git::TreeFile> &,
                                QHash<QByteArray, QPair<qint64, qint64>> &, const QSet<QByteArray> &,
                                const QString &);
};

// ---------------------------------------------------------------------------------------------
// Repository access: local path or URL (cloned into <store>/mirrors/).

bool looksLikeUrl(const QString &source)
{
    static const QRegularExpression scp(QStringLiteral("^[\\w.-]+@[\\w.-]+:"));
    return source.contains(QLatin1String("://")) || scp.match(source).hasMatch();
}

QString mirrorDirectory(const Store &store, const QString &url)
{
    QString name = url;
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]+")), QStringLiteral("_"));
    if (name.size() > 100)
        name = name.right(100);
    return QDir(store.directory()).filePath(QStringLiteral("mirrors/") + name);
}

struct TransferState
{
    const JobContext *ctx;
};

int transferProgress(const git_indexer_progress *stats, void *payload)
{
    auto *state = static_cast<TransferState *>(payload);
    if (state->ctx->cancel.isCancelled())
        return -1;
    if (stats->received_objects < stats->total_objects)
        state->ctx->report(QStringLiteral("fetching objects"), qint64(stats->received_objects),
                           qint64(stats->total_objects), QStringLiteral("objects"));
    else
        state->ctx->report(QStringLiteral("resolving deltas"), qint64(stats->indexed_deltas),
                           qint64(stats->total_deltas), QStringLiteral("deltas"));
    return 0;
}

Result<QString> localRepository(Store &store, const QString &source, const JobContext &ctx)
{
    git::ensureInitialized();
    if (!looksLikeUrl(source)) {
        QFileInfo info(source);
        if (!info.exists())
            return Status::error(source + QStringLiteral(": no such file or directory"));
        return info.canonicalFilePath();
    }
    const QString dir = mirrorDirectory(store, source);
    TransferState state{&ctx};
    if (QFileInfo::exists(dir)) {
        auto repo = git::openRepository(dir);
        if (!repo)
            return repo.status();
        git_remote *rawRemote = nullptr;
        if (int rc = git_remote_lookup(&rawRemote, repo->get(), "origin"))
            return git::error(dir + QStringLiteral(": remote origin"), rc);
        git::Remote remote(rawRemote);
        git_fetch_options fetch = GIT_FETCH_OPTIONS_INIT;
        fetch.callbacks.transfer_progress = transferProgress;
        fetch.callbacks.payload = &state;
        fetch.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
        if (int rc = git_remote_fetch(remote.get(), nullptr, &fetch, "kernellens fetch")) {
            if (ctx.cancel.isCancelled())
                return Status::cancelled();
            return git::error(source + QStringLiteral(": fetch"), rc);
        }
        return dir;
    }
    QDir().mkpath(QFileInfo(dir).absolutePath());
    const QString partial = dir + QStringLiteral(".partial");
    QDir(partial).removeRecursively();
    git_clone_options clone = GIT_CLONE_OPTIONS_INIT;
    clone.bare = 1;
    clone.fetch_opts.callbacks.transfer_progress = transferProgress;
    clone.fetch_opts.callbacks.payload = &state;
    clone.fetch_opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
    git_repository *raw = nullptr;
    const int rc = git_clone(&raw, source.toUtf8().constData(), partial.toUtf8().constData(), &clone);
    if (rc != 0) {
        QDir(partial).removeRecursively();
        if (ctx.cancel.isCancelled())
            return Status::cancelled();
        return git::error(source + QStringLiteral(": clone"), rc);
    }
    git_repository_free(raw);
    // Renamed only when complete, so an interrupted clone is redone rather than half used.
    if (!QDir().rename(partial, dir))
        return Status::error(dir + QStringLiteral(": cannot move the finished clone into place"));
    return dir;
}

// ---------------------------------------------------------------------------------------------
// Revision walks.

Status loadKnownCommits(Database &db, qint64 sourceId,
                        std::unordered_map<git_oid, qint64, OidHash, OidEqual> &known)
{
    auto stmt = db.prepare(QStringLiteral("SELECT oid, coalesce(release_id, 0) FROM commits WHERE source_id = ?"));
    if (!stmt)
        return stmt.status();
    stmt->bind(1, sourceId);
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return row.status();
        if (!*row)
            return Status::ok();
        git_oid oid;
        if (parseHex(stmt->text(0), oid))
            known.emplace(oid, stmt->int64(1));
    }
}

// ---------------------------------------------------------------------------------------------
// Snapshots.

struct BlobRow
{
    qint64 id;
    qint64 lines;
};

// Files whose blob is in `missing` are counted in the snapshot's files and missing_files, but
// have no release_files row (no line count to point to) and so no share of release_stats.
Status writeSnapshot(Writer &writer, qint64 releaseId, const std::vector<git::TreeFile> &files,
                     QHash<QByteArray, QPair<qint64, qint64>> &blobIds, const QSet<QByteArray> &missing,
                     const QString &digest)
{
    Database &db = writer.m_db;
    auto insertFile = db.prepare(QStringLiteral("INSERT OR REPLACE INTO release_files(release_id, path_id, blob_id) VALUES(?,?,?)"));
    if (!insertFile)
        return insertFile.status();
    qint64 totalLines = 0;
    qint64 missingFiles = 0;
    for (const auto &f : files) {
        const QByteArray key(reinterpret_cast<const char *>(f.blob.id), GIT_OID_RAWSZ);
        if (missing.contains(key)) {
            ++missingFiles;
            continue;
        }
        auto pathId = writer.pathId(f.path);
        if (!pathId)
            return pathId.status();
        const auto blob = blobIds.value(key);
        insertFile->bind(1, releaseId).bind(2, *pathId).bind(3, blob.first);
        KL_TRY(insertFile->exec());
        totalLines += blob.second;
    }
    KL_TRY(db.exec(QStringLiteral("DELETE FROM release_stats WHERE release_id = %1").arg(releaseId)));
    KL_TRY(db.exec(QStringLiteral(
        "INSERT INTO release_stats(release_id, top, language, files, lines)"
        " SELECT rf.release_id, p.top, p.language, count(*), sum(b.lines)"
        " FROM release_files rf JOIN git_paths p ON p.id = rf.path_id JOIN git_blobs b ON b.id = rf.blob_id"
        " WHERE rf.release_id = %1 GROUP BY p.top, p.language").arg(releaseId)));
    auto done = db.prepare(QStringLiteral(
        "INSERT OR REPLACE INTO release_snapshots(release_id, files, lines, languages_digest, missing_files)"
        " VALUES(?,?,?,?,?)"));
    if (!done)
        return done.status();
    done->bind(1, releaseId).bind(2, qint64(files.size())).bind(3, totalLines).bind(4, digest).bind(5, missingFiles);
    return done->exec();
}

// One warning per incomplete snapshot (a partial clone would otherwise add one per file of
// every tag), naming the release, how many files and the first of them; every blob is still
// recorded in git_missing_objects.
Status noteIncompleteSnapshot(Writer &writer, const ReleaseTag &tag, const std::vector<git::TreeFile> &files,
                              const std::vector<git::UnreadableBlob> &unreadable,
                              const QSet<QByteArray> &missing, GitIngestSummary &summary)
{
    qint64 missingFiles = 0;
    QByteArray firstPath;
    git_oid firstBlob{};
    for (const auto &f : files) {
        if (!missing.contains(QByteArray(reinterpret_cast<const char *>(f.blob.id), GIT_OID_RAWSZ)))
            continue;
        if (missingFiles++ == 0) {
            firstPath = f.path;
            firstBlob = f.blob;
        }
    }
    QString reason;
    for (const auto &u : unreadable)
        if (git_oid_equal(&u.blob, &firstBlob))
            reason = u.reason;
    for (const auto &u : unreadable)
        KL_TRY(writer.recordMissing(u.blob, summary));
    summary.snapshotsIncomplete += 1;
    // A rerun retries the snapshot: its warning replaces the one of the previous attempt.
    KL_TRY(writer.dropSnapshotWarning(tag.name));
    return writer.store().addWarning(
        writer.sourceId(), QStringLiteral("missing-object"), QStringLiteral("tag ") + tag.name,
        QStringLiteral("snapshot incomplete: %1 of %2 files have a missing or corrupt blob (%3 distinct), "
                       "their lines are not counted; first: %4 blob %5: %6")
            .arg(missingFiles).arg(files.size()).arg(unreadable.size())
            .arg(QString::fromUtf8(firstPath), hex(firstBlob), reason));
}

Status snapshots(Store &store, Writer &writer, const QString &repoPath, git_repository *repo,
                 const std::shared_ptr<const git::PackSet> &packs,
                 const std::vector<ReleaseTag> &tags, git::BlobStatCache &cache, int threads,
                 const QString &digest, GitIngestSummary &summary, const JobContext &ctx)
{
    Database &db = store.db();
    std::vector<const ReleaseTag *> pending;
    for (const ReleaseTag &t : tags) {
        // An incomplete snapshot (missing blobs) is retried: the blobs may have been fetched since.
        auto has = db.scalar(QStringLiteral("SELECT CASE WHEN missing_files > 0 THEN '' ELSE languages_digest END"
                                            " FROM release_snapshots WHERE release_id = ?"), {t.id});
        if (!has)
            return has.status();
        if (has->isNull() || has->toString() != digest)
            pending.push_back(&t);
    }
    if (pending.empty())
        return Status::ok();

    QHash<QByteArray, QPair<qint64, qint64>> blobIds;   // raw oid -> (id, lines)
    KL_TRY(db.forEachRow(QStringLiteral("SELECT oid, id, lines FROM git_blobs"), {},
                         [&](const Statement &row) {
                             blobIds.insert(row.blob(0), {row.int64(1), row.int64(2)});
                         }));
    auto insertBlob = db.prepare(QStringLiteral("INSERT INTO git_blobs(oid, lines, bytes, binary) VALUES(?,?,?,?)"));
    if (!insertBlob)
        return insertBlob.status();

    qint64 done = 0;
    for (const ReleaseTag *tag : pending) {
        ctx.report(QStringLiteral("counting release trees"), done, qint64(pending.size()),
                   QStringLiteral("releases"), true);
        auto files = git::listTree(repo, tag->tree, repoPath + QStringLiteral(": tag ") + tag->name);
        if (!files)
            return files.status();
        std::vector<git_oid> toRead;
        {
            OidSet seen;
            git::BlobStat s;
            for (const auto &f : *files) {
                const QByteArray key(reinterpret_cast<const char *>(f.blob.id), GIT_OID_RAWSZ);
                if (!blobIds.contains(key) && !cache.find(f.blob, s) && seen.insert(f.blob).second)
                    toRead.push_back(f.blob);
            }
        }
        summary.blobsCounted += qint64(toRead.size());
        std::vector<git::UnreadableBlob> unreadable;
        Status counted = git::countBlobs(repoPath, toRead, threads, cache, ctx, nullptr, packs, &unreadable);
        if (!counted.isOk())
            return counted.withContext(QStringLiteral("tag ") + tag->name);
        QSet<QByteArray> missing;
        for (const auto &u : unreadable)
            missing.insert(QByteArray(reinterpret_cast<const char *>(u.blob.id), GIT_OID_RAWSZ));
        Transaction tx(db);
        KL_TRY(tx.status());
        if (!unreadable.empty())
            KL_TRY(noteIncompleteSnapshot(writer, *tag, *files, unreadable, missing, summary));
        for (const auto &f : *files) {
            const QByteArray key(reinterpret_cast<const char *>(f.blob.id), GIT_OID_RAWSZ);
            if (blobIds.contains(key) || missing.contains(key))
                continue;
            git::BlobStat s;
            if (!cache.find(f.blob, s))
                return Status::error(repoPath + QStringLiteral(": blob %1 was not counted").arg(hex(f.blob)));
            insertBlob->bind(1, key).bind(2, qint64(s.newlines)).bind(3, qint64(s.bytes)).bind(4, s.binary ? 1 : 0);
            KL_TRY(insertBlob->exec());
            blobIds.insert(key, {db.lastInsertRowId(), qint64(s.newlines)});
        }
        KL_TRY(writeSnapshot(writer, tag->id, *files, blobIds, missing, digest));
        KL_TRY(tx.commit());
        summary.snapshotsAdded += 1;
        ++done;
        if (ctx.cancel.isCancelled())
            return Status::cancelled();
    }
    ctx.report(QStringLiteral("counting release trees"), done, qint64(pending.size()),
               QStringLiteral("releases"), true);
    return Status::ok();
}

// ---------------------------------------------------------------------------------------------

Result<git_oid> resolveBranch(git_repository *repo, const QString &repoName, const QString &branch)
{
    const QString spec = branch.isEmpty() ? QStringLiteral("HEAD") : branch;
    git_object *raw = nullptr;
    if (int rc = git_revparse_single(&raw, repo, spec.toUtf8().constData()))
        return git::error(repoName + QStringLiteral(": branch or revision %1 not found").arg(spec), rc);
    git::Object object(raw);
    git_object *peeled = nullptr;
    if (int rc = git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT))
        return git::error(repoName + QStringLiteral(": %1 is not a commit").arg(spec), rc);
    git::Object commit(peeled);
    return *git_object_id(commit.get());
}

// git marks a partial clone in the repository config: remote.<name>.promisor = true, and with
// repository format 1 extensions.partialClone = <name>. The name of that remote, or empty.
QString promisorRemote(git_repository *repo)
{
    git_config *raw = nullptr;
    if (git_repository_config_snapshot(&raw, repo) != 0)
        return {};
    git::Config config(raw);
    const char *value = nullptr;
    if (git_config_get_string(&value, config.get(), "extensions.partialclone") == 0 && value && *value)
        return QString::fromUtf8(value);
    QString remote;
    git_config_foreach_match(
        config.get(), "^remote\\..*\\.promisor$",
        [](const git_config_entry *entry, void *payload) -> int {
            int on = 0;
            if (git_config_parse_bool(&on, entry->value) == 0 && on) {
                QByteArray name(entry->name);   // remote.<name>.promisor
                name = name.mid(7, name.size() - 7 - 9);
                *static_cast<QString *>(payload) = QString::fromUtf8(name);
                return 1;   // found: stop
            }
            return 0;
        },
        &remote);
    return remote;
}

// What a run added that a failure must take back.
struct RunUndo
{
    qint64 sourceId = 0;
    bool sourceCreated = false;   // this run added the source row
    QList<qint64> addedReleases;
};

// A first run that fails before storing a commit (an unknown --second-language, a bad tag
// pattern) must not leave an empty source behind: the store would list a repository it holds
// nothing of, and the next run would take its half-written settings as the stored ones.
Status dropCreatedSource(Store &store, const RunUndo &undo)
{
    if (!undo.sourceCreated || !undo.sourceId)
        return Status::ok();
    return store.db().exec(QStringLiteral("DELETE FROM sources WHERE id = %1 AND NOT EXISTS "
                                          "(SELECT 1 FROM commits WHERE source_id = %1)").arg(undo.sourceId));
}

// A failed run must not leave the releases it added behind (an interrupted one keeps them: its
// commits point to them and the rerun resumes). Their commits become unreleased again, and the
// watermarks say "first run", so the next run walks those commits again and assigns them.
Status dropAddedReleases(Store &store, const RunUndo &undo)
{
    const QList<qint64> &added = undo.addedReleases;
    if (added.isEmpty())
        return Status::ok();
    Database &db = store.db();
    QStringList ids;
    for (qint64 id : added)
        ids.append(QString::number(id));
    const QString list = ids.join(QLatin1Char(','));
    Transaction tx(db);
    KL_TRY(tx.status());
    KL_TRY(db.exec(QStringLiteral("UPDATE commits SET release_id = NULL WHERE release_id IN (%1)").arg(list)));
    KL_TRY(db.exec(QStringLiteral("DELETE FROM releases WHERE id IN (%1)").arg(list)));
    KL_TRY(store.setWatermark(undo.sourceId, QStringLiteral("git:complete"), QStringLiteral("0")));
    KL_TRY(store.setWatermark(undo.sourceId, QStringLiteral("git:config"), QStringLiteral("")));
    KL_TRY(store.setWatermark(undo.sourceId, QStringLiteral("git:tags"), QStringLiteral("")));
    return tx.commit();
}

QString tagsWatermark(const std::vector<ReleaseTag> &tags)
{
    QStringList lines;
    for (const auto &t : tags)
        lines.append(t.name + QLatin1Char(' ') + hex(t.commit));
    return tags.empty() ? QStringLiteral("") : lines.join(QLatin1Char('\n'));
}

} // namespace

namespace {

// The definitions a run classifies with: the file the user gave (or "builtin"), else the text
// stored with the source (the file may have moved since), else the compiled-in ones.
Result<QByteArray> languageDefinitions(Store &store, qint64 sourceId, const GitIngestOptions &requested,
                                       const QString &file)
{
    if (!requested.languagesFile.isEmpty() || file.isEmpty()) {
        if (file.isEmpty())
            return LanguageMap::builtinText().toUtf8();
        // A shipped definition by name ("netbsd"), unless a file of that name is at hand.
        if (const QString named = LanguageMap::namedText(file); !named.isEmpty() && !QFileInfo::exists(file))
            return named.toUtf8();
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return Status::error(QStringLiteral("language definitions %1: %2").arg(file, f.errorString()));
        return f.readAll();
    }
    auto stored = store.db().scalar(QStringLiteral("SELECT languages FROM git_settings WHERE source_id = ?"), {sourceId});
    if (!stored)
        return stored.status();
    if (stored->isNull())
        return Status::error(QStringLiteral("language definitions %1: not stored with the source; give --languages again").arg(file));
    return stored->toString().toUtf8();
}

Result<GitIngestSummary> runIngest(Store &store, const GitIngestOptions &requested, const JobContext &ctx,
                                   RunUndo &undo)
{
    GitIngestOptions options = requested;   // with the stored settings filled in below
    GitIngestSummary summary;
    QElapsedTimer timer;
    timer.start();
    if (options.source.isEmpty())
        return Status::error(QStringLiteral("ingest git: no source given"));
    const CancelWatch stopLongStatements(store.db(), ctx.cancel);

    git::tuneForBulkReads();
    auto localPath = localRepository(store, options.source, ctx);
    if (!localPath)
        return localPath.status();
    const QString repoPath = *localPath;
    summary.repositoryPath = repoPath;
    auto repoResult = git::openRepository(repoPath);
    if (!repoResult)
        return repoResult.status();
    git::Repository repo = std::move(repoResult.value());
    if (git_repository_is_shallow(repo.get()) == 1)
        return Status::error(repoPath + QStringLiteral(": shallow clone; history is incomplete "
                                                       "(run `git fetch --unshallow` first)"));
    summary.promisorRemote = promisorRemote(repo.get());
    // The main thread reads commits and release trees, which are rarely deltas of each other: a
    // small delta-base cache is enough for it.
    constexpr size_t kMainThreadDeltaCache = size_t(8) << 20;
    std::shared_ptr<const git::PackSet> packs;
    KL_TRY(git::readPacksDirectly(repo.get(), packs, kMainThreadDeltaCache));

    const QString location = looksLikeUrl(options.source) ? options.source : repoPath;
    auto sourceRows = store.db().scalar(QStringLiteral("SELECT count(*) FROM sources WHERE kind = 'git' AND location = ? AND label = ''"), {location});
    if (!sourceRows)
        return sourceRows.status();
    auto sourceId = store.ensureSource(SourceKind::Git, location, QStringLiteral(""));
    if (!sourceId)
        return sourceId.status();
    undo.sourceCreated = sourceRows->toLongLong() == 0;
    summary.sourceId = *sourceId;
    undo.sourceId = *sourceId;
    if (!summary.promisorRemote.isEmpty())   // once per run, not once per missing blob
        KL_TRY(store.addWarning(*sourceId, QStringLiteral("partial-clone"), repoPath,
                                QStringLiteral("partial clone (promisor remote %1): blobs that were not fetched are "
                                               "missing, and the line counts that need them are unknown")
                                    .arg(summary.promisorRemote)));
    Database &db = store.db();

    auto resolved = resolveSettings(store, *sourceId, requested);
    if (!resolved)
        return resolved.status();
    options.secondLanguage = resolved->values.value(setting::secondLanguage());
    options.languagesFile = resolved->values.value(setting::languagesFile());
    options.tagPattern = resolved->values.value(setting::tagPattern());
    options.subsystemScheme = resolved->values.value(setting::subsystemScheme());
    options.bindingModel = resolved->values.value(setting::bindingModel());
    options.bindingTree = resolved->values.value(setting::bindingTree());
    summary.settings = resolved->values;
    summary.settingChanges = resolved->changes;
    auto languageText = languageDefinitions(store, *sourceId, requested, options.languagesFile);
    if (!languageText)
        return languageText.status();
    auto parsedLanguages = LanguageMap::parse(*languageText, options.languagesFile.isEmpty()
                                                                 ? QStringLiteral("built-in definitions")
                                                                 : options.languagesFile);
    if (!parsedLanguages)
        return parsedLanguages.status();
    const LanguageMap languages = parsedLanguages.value();
    if (!languages.hasLanguage(options.secondLanguage))
        return Status::error(QStringLiteral("second language %1 is not defined (known: %2)")
                                 .arg(options.secondLanguage, languages.languages().join(QStringLiteral(", "))));
    const QString digest = QString::fromLatin1(
        QCryptographicHash::hash(*languageText, QCryptographicHash::Sha1).toHex().left(16));

    // Settings: --first-parent changes which commits exist, so it is fixed per source.
    {
        auto existing = db.scalar(QStringLiteral("SELECT first_parent FROM git_settings WHERE source_id = ?"), {*sourceId});
        if (!existing)
            return existing.status();
        if (!existing->isNull() && existing->toBool() != options.firstParent)
            return Status::error(location + QStringLiteral(": this store holds the source ingested %1 --first-parent; use another store (--db) to change it")
                                     .arg(existing->toBool() ? QStringLiteral("with") : QStringLiteral("without")));
        auto previousText = db.scalar(QStringLiteral("SELECT languages FROM git_settings WHERE source_id = ?"), {*sourceId});
        if (!previousText)
            return previousText.status();
        Transaction tx(db);
        KL_TRY(tx.status());
        if (!previousText->isNull() && previousText->toString() != QString::fromUtf8(*languageText)) {
            // New definitions: reclassify every known path (snapshots follow via the digest).
            auto paths = db.prepare(QStringLiteral("SELECT id, path FROM git_paths"));
            if (!paths)
                return paths.status();
            auto update = db.prepare(QStringLiteral("UPDATE git_paths SET language = ? WHERE id = ?"));
            if (!update)
                return update.status();
            std::vector<std::pair<qint64, QString>> all;
            for (;;) {
                auto row = paths->step();
                if (!row)
                    return row.status();
                if (!*row)
                    break;
                all.emplace_back(paths->int64(0), paths->text(1));
            }
            for (const auto &[id, path] : all) {
                update->bind(1, languages.classify(path)).bind(2, id);
                KL_TRY(update->exec());
            }
        }
        auto upsert = db.prepare(QStringLiteral(
            "INSERT INTO git_settings(source_id, second_language, languages, first_parent) VALUES(?,?,?,?)"
            " ON CONFLICT(source_id) DO UPDATE SET second_language = excluded.second_language,"
            " languages = excluded.languages"));
        if (!upsert)
            return upsert.status();
        upsert->bind(1, *sourceId).bind(2, options.secondLanguage).bind(3, QString::fromUtf8(*languageText))
            .bind(4, options.firstParent ? 1 : 0);
        KL_TRY(upsert->exec());
        KL_TRY(storeSettings(store, *sourceId, *resolved));
        KL_TRY(tx.commit());
    }

    git_mailmap *rawMailmap = nullptr;
    if (int rc = git_mailmap_from_repository(&rawMailmap, repo.get()))
        return git::error(repoPath + QStringLiteral(": .mailmap"), rc);
    git::Mailmap mailmap(rawMailmap);

    auto head = resolveBranch(repo.get(), repoPath, options.branch);
    if (!head)
        return head.status();
    auto tagsResult = releaseTags(repo.get(), repoPath, options, store, *sourceId);
    if (!tagsResult)
        return tagsResult.status();
    std::vector<ReleaseTag> tags = std::move(tagsResult.value());
    summary.releasesTotal = qint64(tags.size());

    // What the last complete run covered.
    const QString configKey = QStringLiteral("%1|%2|%3").arg(options.tagPattern).arg(options.includeRcTags).arg(options.branch);
    auto wmComplete = store.watermark(*sourceId, QStringLiteral("git:complete"));
    auto wmTags = store.watermark(*sourceId, QStringLiteral("git:tags"));
    auto wmTip = store.watermark(*sourceId, QStringLiteral("git:tip"));
    auto wmConfig = store.watermark(*sourceId, QStringLiteral("git:config"));
    if (!wmComplete || !wmTags || !wmTip || !wmConfig)
        return Status::error(QStringLiteral("reading watermarks failed"));
    QHash<QString, QString> oldTags;   // name -> commit oid
    if (*wmConfig == configKey) {
        for (const QString &line : wmTags->split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            const auto parts = line.split(QLatin1Char(' '));
            if (parts.size() == 2)
                oldTags.insert(parts[0], parts[1]);
        }
    }
    // A new tag that sorts before an old one (or a moved tag) changes earlier assignments:
    // recompute every range.
    bool recomputeAll = *wmConfig != configKey && !wmConfig->isEmpty();
    {
        bool seenNew = false;
        for (auto &t : tags) {
            auto it = oldTags.constFind(t.name);
            t.old = it != oldTags.cend() && *it == hex(t.commit);
            if (it != oldTags.cend() && !t.old)
                recomputeAll = true;
            if (!t.old)
                seenNew = true;
            else if (seenNew)
                recomputeAll = true;
        }
        if (oldTags.size() > qsizetype(std::count_if(tags.begin(), tags.end(), [](const ReleaseTag &t) { return t.old; })))
            recomputeAll = true;   // a tag disappeared
    }
    if (recomputeAll) {
        for (auto &t : tags)
            t.old = false;
    }

    // Release rows (ordinals follow version order) and the "in progress" mark.
    {
        Transaction tx(db);
        KL_TRY(tx.status());
        auto insert = db.prepare(QStringLiteral(
            "INSERT INTO releases(source_id, tag, commit_oid, tree_oid, date, ordinal) VALUES(?,?,?,?,?,?)"
            " ON CONFLICT(source_id, tag) DO UPDATE SET commit_oid = excluded.commit_oid,"
            " tree_oid = excluded.tree_oid, date = excluded.date, ordinal = excluded.ordinal"));
        if (!insert)
            return insert.status();
        // Ordinals are unique per source only after this loop; park the old ones out of the way.
        KL_TRY(db.exec(QStringLiteral("UPDATE releases SET ordinal = -1 - ordinal WHERE source_id = %1").arg(*sourceId)));
        for (size_t i = 0; i < tags.size(); ++i) {
            auto &t = tags[i];
            auto existed = db.scalar(QStringLiteral("SELECT id FROM releases WHERE source_id = ? AND tag = ?"), {*sourceId, t.name});
            if (!existed)
                return existed.status();
            insert->bind(1, *sourceId).bind(2, t.name).bind(3, hex(t.commit)).bind(4, hex(t.tree))
                .bind(5, t.date).bind(6, qint64(i));
            KL_TRY(insert->exec());
            auto id = db.scalar(QStringLiteral("SELECT id FROM releases WHERE source_id = ? AND tag = ?"), {*sourceId, t.name});
            if (!id)
                return id.status();
            t.id = id->toLongLong();
            if (existed->isNull()) {
                summary.releasesAdded += 1;
                undo.addedReleases.append(t.id);
            }
        }
        if (recomputeAll)
            KL_TRY(db.exec(QStringLiteral("UPDATE commits SET release_id = NULL WHERE source_id = %1").arg(*sourceId)));
        KL_TRY(store.setWatermark(*sourceId, QStringLiteral("git:complete"), QStringLiteral("0")));
        // Rolled back: nothing of this run is stored yet.
        if (Status s = tx.commit(); !s.isOk()) {
            undo.addedReleases.clear();
            return s;
        }
    }

    // What the store already has: oid -> release id (0: not in a release yet).
    std::unordered_map<git_oid, qint64, OidHash, OidEqual> known;
    KL_TRY(loadKnownCommits(db, *sourceId, known));

    // Discovery: every commit reachable from the branch and the tags, stopping at stored commits
    // that are already in a release (their ancestors are too). One pass over the graph, whatever
    // the number of tags; the parents are kept for the release assignment below.
    std::unordered_map<git_oid, std::vector<git_oid>, OidHash, OidEqual> parents;
    std::vector<git_oid> newCommits;
    {
        ctx.report(QStringLiteral("walking history"), 0, -1, QStringLiteral("commits"), true);
        std::vector<git_oid> stack;
        stack.push_back(*head);
        for (const auto &t : tags)
            stack.push_back(t.commit);
        OidSet visited;
        qint64 n = 0;
        while (!stack.empty()) {
            const git_oid oid = stack.back();
            stack.pop_back();
            if (!visited.insert(oid).second)
                continue;
            const auto k = known.find(oid);
            const bool isKnown = k != known.end();
            if (isKnown && k->second > 0 && !recomputeAll)
                continue;
            git_commit *raw = nullptr;
            if (int rc = git_commit_lookup(&raw, repo.get(), &oid))
                return git::error(repoPath + QStringLiteral(": commit ") + hex(oid)
                                      + QStringLiteral(" (missing or corrupt object; shallow or damaged repository?)"),
                                  rc);
            git::Commit commit(raw);
            const unsigned count = git_commit_parentcount(commit.get());
            const unsigned walked = options.firstParent ? std::min(count, 1u) : count;
            auto &ps = parents[oid];
            ps.reserve(walked);
            for (unsigned i = 0; i < walked; ++i) {
                ps.push_back(*git_commit_parent_id(commit.get(), i));
                stack.push_back(ps.back());
            }
            if (!isKnown)
                newCommits.push_back(oid);
            if ((++n & 4095) == 0) {
                ctx.report(QStringLiteral("walking history"), n, -1, QStringLiteral("commits"));
                if (ctx.cancel.isCancelled())
                    return Status::cancelled();
            }
        }
    }

    // Release i gets what tag i reaches and no earlier tag reached (git describe --contains).
    std::unordered_map<git_oid, int, OidHash, OidEqual> releaseOf;
    for (size_t i = 0; i < tags.size(); ++i) {
        std::vector<git_oid> stack{tags[i].commit};
        while (!stack.empty()) {
            const git_oid oid = stack.back();
            stack.pop_back();
            if (releaseOf.count(oid))
                continue;
            const auto p = parents.find(oid);
            if (p == parents.end())
                continue;   // stored and already in an earlier release
            releaseOf.emplace(oid, int(i));
            for (const git_oid &parent : p->second)
                stack.push_back(parent);
        }
    }
    std::vector<WorkItem> work;
    work.reserve(newCommits.size());
    for (const git_oid &oid : newCommits) {
        const auto r = releaseOf.find(oid);
        work.push_back(WorkItem{oid, r == releaseOf.end() ? -1 : r->second});
    }
    std::vector<std::pair<git_oid, int>> reassign;
    for (const auto &[oid, release] : releaseOf) {
        const auto k = known.find(oid);
        if (k != known.end() && (recomputeAll || k->second != tags[size_t(release)].id))
            reassign.emplace_back(oid, release);
    }
    // Freed, not just cleared: the history phase that follows is what peaks in memory.
    std::unordered_map<git_oid, qint64, OidHash, OidEqual>().swap(known);
    std::unordered_map<git_oid, std::vector<git_oid>, OidHash, OidEqual>().swap(parents);
    std::unordered_map<git_oid, int, OidHash, OidEqual>().swap(releaseOf);
    std::vector<git_oid>().swap(newCommits);

    Writer writer(store, *sourceId, mailmap.get(), languages);
    KL_TRY(writer.prepare());

    // Existing commits that a new tag now contains.
    if (!reassign.empty()) {
        Transaction tx(db);
        KL_TRY(tx.status());
        auto update = db.prepare(QStringLiteral("UPDATE commits SET release_id = ? WHERE source_id = ? AND oid = ?"));
        if (!update)
            return update.status();
        for (const auto &[oid, release] : reassign) {
            update->bind(1, tags[size_t(release)].id).bind(2, *sourceId).bind(3, hex(oid));
            KL_TRY(update->exec());
            summary.commitsReassigned += 1;
        }
        KL_TRY(tx.commit());
    }

    // The history: parallel diffs, one writer, big transactions.
    auto cache = std::make_unique<git::BlobStatCache>();
    {
        git::WidePackWindows widePackWindows;
        DiffPipeline pipeline(work, repoPath, repoPath, options.firstParent, options.threads, *cache, packs);
        const qint64 total = qint64(work.size());
        std::optional<Transaction> tx;
        for (size_t i = 0; i < work.size(); ++i) {
            if (!tx) {
                tx.emplace(db);
                KL_TRY(tx->status());
            }
            if (ctx.cancel.isCancelled()) {
                pipeline.abandon();
                KL_TRY(tx->commit());   // whole commits only: a rerun skips them
                git::freeInBackground(std::move(repo), packs);
                return Status::cancelled();
            }
            auto rec = pipeline.take(i);
            if (!rec) {
                pipeline.stop();
                if (rec.status().isCancelled())
                    KL_TRY(tx->commit());
                return rec.status();
            }
            const qint64 releaseId = (*rec)->release >= 0 ? tags[size_t((*rec)->release)].id : 0;
            KL_TRY(writer.write(**rec, releaseId, summary));
            ctx.report(QStringLiteral("reading commits"), qint64(i + 1), total, QStringLiteral("commits"));
            if ((i + 1) % size_t(kBatchCommits) == 0) {
                KL_TRY(tx->commit());
                tx.reset();
            }
        }
        ctx.report(QStringLiteral("reading commits"), total, total, QStringLiteral("commits"), true);
        if (!tx) {
            tx.emplace(db);
            KL_TRY(tx->status());
        }
        KL_TRY(store.setWatermark(*sourceId, QStringLiteral("git:tags"), tagsWatermark(tags)));
        KL_TRY(store.setWatermark(*sourceId, QStringLiteral("git:tip"), hex(*head)));
        KL_TRY(store.setWatermark(*sourceId, QStringLiteral("git:config"), configKey));
        KL_TRY(store.setWatermark(*sourceId, QStringLiteral("git:complete"), QStringLiteral("1")));
        // Where the derive stage finds this source's objects (the mirror of a URL).
        KL_TRY(store.setWatermark(*sourceId, QStringLiteral("git:repository"), repoPath));
        KL_TRY(tx->commit());
    }
    summary.historySeconds = double(timer.nsecsElapsed()) / 1e9;
    {
        // Hand back what the history walk held: reopening drops the last reference to the pack,
        // so libgit2 unmaps its windows, and the diff threads' freed heap goes back to the system.
        repo.reset();
        auto reopened = git::openRepository(repoPath);
        if (!reopened)
            return reopened.status();
        repo = std::move(reopened.value());
        KL_TRY(git::readPacksDirectly(repo.get(), packs, kMainThreadDeltaCache));
#ifdef __GLIBC__
        malloc_trim(0);
#endif
    }

    QElapsedTimer snapshotTimer;
    snapshotTimer.start();
    KL_TRY(snapshots(store, writer, repoPath, repo.get(), packs, tags, *cache, options.threads, digest, summary, ctx));
    summary.snapshotSeconds = double(snapshotTimer.nsecsElapsed()) / 1e9;
    cache.reset();
    // The pack mapping's touched pages count in the resident set until it is unmapped.
    repo.reset();
    packs.reset();

    // The MAINTAINERS and binding inventory of the release trees is the derive stage's
    // "release-trees" derivation (ingest/derive/), which runs after every ingest.
    return summary;
}

} // namespace

Result<GitIngestSummary> ingestGit(Store &store, const GitIngestOptions &options,
                                   const JobContext &ctx)
{
    RunUndo undo;
    auto result = runIngest(store, options, ctx, undo);
    if (result || result.status().isCancelled())
        return result;
    if (Status cleanup = dropAddedReleases(store, undo); !cleanup.isOk())
        return Status::error(result.status().message()
                             + QStringLiteral(" (and removing the releases this run added failed: %1)").arg(cleanup.message()));
    if (Status cleanup = dropCreatedSource(store, undo); !cleanup.isOk())
        return Status::error(result.status().message()
                             + QStringLiteral(" (and removing the source this run added failed: %1)").arg(cleanup.message()));
    return result;
}

} // namespace kl::ingest
