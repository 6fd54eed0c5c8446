#pragma once
// Shared internals of the git ingest: blob line statistics, a thread-safe cache of them by blob
// oid, and tree listing. Private to ingest/git.

#include "common/git_handles.h"
#include "pack_reader.h"

#include <kernellens/index/job.h>

#include <QByteArray>
#include <QString>

#include <cstring>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

namespace kl::git {

struct OidHash
{
    size_t operator()(const git_oid &oid) const
    {
        size_t h;
        std::memcpy(&h, oid.id, sizeof h);
        return h;
    }
};
struct OidEqual
{
    bool operator()(const git_oid &a, const git_oid &b) const { return git_oid_equal(&a, &b) != 0; }
};

// What numstat and snapshots need from one blob.
struct BlobStat
{
    quint32 newlines = 0;       // '\n' bytes: wc -l
    quint32 bytes = 0;
    bool incomplete = false;    // non-empty and not ending in '\n': xdiff sees one more line
    bool binary = false;        // a NUL in the first 8000 bytes, as git decides
    quint32 diffLines() const { return newlines + (incomplete ? 1 : 0); }
};

BlobStat blobStat(const char *data, size_t size);

// Bulk readers skip libgit2's SHA-1 re-hash of every object read (git itself does not re-hash on
// read either; zlib and delta checks still catch corruption). Process-wide, idempotent.
void tuneForBulkReads();

// While alive, lets libgit2 map more of the pack (the history walk touches all of it; a small
// cap costs munmap TLB shootdowns); restores the tuneForBulkReads cap after, so the later
// phases unmap down to it as they open new windows.
class WidePackWindows
{
public:
    WidePackWindows();
    ~WidePackWindows();
    WidePackWindows(const WidePackWindows &) = delete;
    WidePackWindows &operator=(const WidePackWindows &) = delete;
};

class BlobStatCache
{
public:
    bool find(const git_oid &oid, BlobStat &out) const
    {
        std::shared_lock lock(m_mutex);
        auto it = m_map.find(oid);
        if (it == m_map.end())
            return false;
        out = it->second;
        return true;
    }
    void insert(const git_oid &oid, const BlobStat &stat)
    {
        std::unique_lock lock(m_mutex);
        // Bounded so a whole-Linux walk stays well under 1 GiB; losing entries only costs rereads.
        if (m_map.size() >= kMaxEntries)
            m_map.clear();
        m_map.emplace(oid, stat);
    }
    size_t size() const
    {
        std::shared_lock lock(m_mutex);
        return m_map.size();
    }

private:
    static constexpr size_t kMaxEntries = 6'000'000;
    mutable std::shared_mutex m_mutex;
    std::unordered_map<git_oid, BlobStat, OidHash, OidEqual> m_map;
};

// A regular file of a tree (symlinks and submodules are not files for line counts).
struct TreeFile
{
    QByteArray path;
    git_oid blob;
};
Result<std::vector<TreeFile>> listTree(git_repository *repo, const git_oid &treeOid,
                                       const QString &what);

struct UnreadableBlob
{
    git_oid blob;
    QString reason;   // libgit2's message
};

// Reads the blobs (on `threads` threads, one repository each) and fills `cache`; the first
// failure names the blob, unless `unreadable` is given: then blobs that cannot be read (missing
// or corrupt) are listed there and the others are still counted. `packs`, when the caller has
// them open already, are read directly instead of being opened (and mapped) a second time.
Status countBlobs(const QString &repositoryPath, const std::vector<git_oid> &blobs, int threads,
                  BlobStatCache &cache, const JobContext &ctx, qint64 *bytesRead,
                  std::shared_ptr<const PackSet> packs = {},
                  std::vector<UnreadableBlob> *unreadable = nullptr);

} // namespace kl::git
