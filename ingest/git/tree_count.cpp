#include "git_internal.h"
#include "pack_reader.h"

#include <kernellens/ingest/git_ingest.h>
#include <kernellens/ingest/languages.h>

#include <QElapsedTimer>
#include <QHash>
#include <QMap>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace kl::git {

namespace {

#if defined(__SSE2__)
// Exact count of '\n' bytes, sixteen at a time: each compare yields -1 per newline byte, which
// is subtracted into byte counters (at most 255 rounds, so none overflows) and summed with SAD.
// Plain SSE2 (x86-64 baseline): no popcnt, which without -mpopcnt is a libgcc call per word.
quint32 countNewlines(const char *data, size_t size)
{
    const __m128i newline = _mm_set1_epi8('\n');
    const __m128i zero = _mm_setzero_si128();
    quint64 count = 0;
    size_t i = 0;
    while (i + 16 <= size) {
        __m128i counters = zero;
        const size_t rounds = std::min<size_t>((size - i) / 16, 255);
        for (size_t r = 0; r < rounds; ++r, i += 16) {
            const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i *>(data + i));
            counters = _mm_sub_epi8(counters, _mm_cmpeq_epi8(bytes, newline));
        }
        const __m128i sums = _mm_sad_epu8(counters, zero);
        count += quint64(_mm_cvtsi128_si64(sums)) + quint64(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
    }
    for (; i < size; ++i)
        count += data[i] == '\n';
    return quint32(count);
}
#else
// Exact count of '\n' bytes, eight at a time: a byte of x is zero iff the top bit of
// ~(((x & 0x7f..) + 0x7f..) | x | 0x7f..) is set (no carries cross bytes).
quint32 countNewlines(const char *data, size_t size)
{
    constexpr quint64 ones7f = 0x7f7f7f7f7f7f7f7fULL;
    constexpr quint64 newlines = 0x0a0a0a0a0a0a0a0aULL;
    quint64 count = 0;
    size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        quint64 w;
        std::memcpy(&w, data + i, 8);
        const quint64 x = w ^ newlines;
        const quint64 zero = ~(((x & ones7f) + ones7f) | x | ones7f);
        count += quint64(__builtin_popcountll(zero));
    }
    for (; i < size; ++i)
        count += data[i] == '\n';
    return quint32(count);
}
#endif

constexpr size_t kMappedLimit = size_t(256) << 20;
constexpr size_t kWideMappedLimit = size_t(512) << 20;

} // namespace

void tuneForBulkReads()
{
    static std::once_flag once;
    std::call_once(once, [] {
        ensureInitialized();
        git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
        // Bounded object cache (one limit for all the diff threads' repositories). By default
        // libgit2 caches no blobs and no tree over 4 KiB, so the root and big directory trees
        // of a kernel, re-read by every commit below them, went through their delta chains
        // each time; a diff's old blob is usually the new blob of a commit just before.
        git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, ssize_t(64) << 20);
        git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, size_t(1) << 20);
        git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_BLOB, size_t(256) << 10);
        // Pack windows: libgit2 maps 1 GiB windows up to 8 GiB by default, and every page touched
        // stays in the resident set; smaller windows with a cap keep the peak RSS bounded
        // (WidePackWindows raises the cap for the history walk).
        git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, size_t(128) << 20);
        git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, kMappedLimit);
    });
}

WidePackWindows::WidePackWindows()
{
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, kWideMappedLimit);
}

WidePackWindows::~WidePackWindows()
{
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, kMappedLimit);
}

BlobStat blobStat(const char *data, size_t size)
{
    BlobStat s;
    s.bytes = quint32(size);
    s.newlines = countNewlines(data, size);
    s.incomplete = size > 0 && data[size - 1] != '\n';
    s.binary = std::memchr(data, 0, std::min<size_t>(size, 8000)) != nullptr;
    return s;
}

Result<std::vector<TreeFile>> listTree(git_repository *repo, const git_oid &treeOid,
                                       const QString &what)
{
    git_tree *raw = nullptr;
    if (int rc = git_tree_lookup(&raw, repo, &treeOid))
        return error(what + QStringLiteral(": tree ") + oidToString(treeOid), rc);
    Tree tree(raw);
    std::vector<TreeFile> files;
    files.reserve(100000);
    struct Walk
    {
        std::vector<TreeFile> *files;
    } walk{&files};
    const int rc = git_tree_walk(
        tree.get(), GIT_TREEWALK_PRE,
        [](const char *root, const git_tree_entry *entry, void *payload) -> int {
            const git_filemode_t mode = git_tree_entry_filemode(entry);
            if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE)
                return 0;
            auto *w = static_cast<Walk *>(payload);
            const char *name = git_tree_entry_name(entry);
            QByteArray path;
            const size_t rootLen = std::strlen(root);
            const size_t nameLen = std::strlen(name);
            path.reserve(qsizetype(rootLen + nameLen));
            path.append(root, qsizetype(rootLen));
            path.append(name, qsizetype(nameLen));
            w->files->push_back(TreeFile{std::move(path), *git_tree_entry_id(entry)});
            return 0;
        },
        &walk);
    if (rc != 0)
        return error(what + QStringLiteral(": reading tree ") + oidToString(treeOid), rc);
    return files;
}

Status countBlobs(const QString &repositoryPath, const std::vector<git_oid> &blobs, int threads,
                  BlobStatCache &cache, const JobContext &ctx, qint64 *bytesRead,
                  std::shared_ptr<const PackSet> packs, std::vector<UnreadableBlob> *unreadable)
{
    std::atomic<size_t> next{0};
    std::atomic<qint64> bytes{0};
    std::atomic<bool> stop{false};
    std::mutex failureMutex;
    Status failure;
    // Each blob is read once; the cache only serves versions that share a delta base.
    constexpr size_t kBlobReaderDeltaCache = size_t(16) << 20;
    if (!packs && packReaderEnabled()) {   // opened once, before the threads share them
        auto first = openRepository(repositoryPath);
        if (!first)
            return first.status();
        auto opened = openPacks(first->get());
        if (!opened)
            return opened.status();
        packs = std::move(opened.value());
    }
    auto work = [&] {
        auto repo = openRepository(repositoryPath);
        git_odb *rawOdb = nullptr;
        Status direct = repo ? readPacksDirectly(repo->get(), packs, kBlobReaderDeltaCache) : repo.status();
        if (!direct.isOk() || git_repository_odb(&rawOdb, repo->get()) != 0) {
            std::lock_guard lock(failureMutex);
            failure = !direct.isOk() ? direct : error(repositoryPath + QStringLiteral(": object database"), -1);
            stop = true;
            return;
        }
        Odb odb(rawOdb);
        qint64 localBytes = 0;
        for (;;) {
            const size_t i = next.fetch_add(1);
            if (i >= blobs.size() || stop.load(std::memory_order_relaxed))
                break;
            if ((i & 255) == 0 && ctx.cancel.isCancelled()) {
                stop = true;
                break;
            }
            git_odb_object *rawObject = nullptr;
            if (int rc = git_odb_read(&rawObject, odb.get(), &blobs[i])) {
                std::lock_guard lock(failureMutex);
                if (unreadable) {
                    const git_error *e = git_error_last();
                    unreadable->push_back({blobs[i], e && e->message ? QString::fromUtf8(e->message)
                                                                     : QStringLiteral("libgit2 error %1").arg(rc)});
                    continue;
                }
                if (failure.isOk())
                    failure = error(repositoryPath + QStringLiteral(": blob ") + oidToString(blobs[i])
                                        + QStringLiteral(" (corrupt or missing object)"),
                                    rc);
                stop = true;
                break;
            }
            OdbObject object(rawObject);
            const size_t size = git_odb_object_size(object.get());
            cache.insert(blobs[i], blobStat(static_cast<const char *>(git_odb_object_data(object.get())), size));
            localBytes += qint64(size);
        }
        bytes += localBytes;
    };
    std::vector<std::thread> pool;
    const int n = std::max(1, std::min(threads, int(blobs.size() / 64) + 1));
    for (int t = 1; t < n; ++t)
        pool.emplace_back(work);
    work();
    for (auto &t : pool)
        t.join();
    if (bytesRead)
        *bytesRead += bytes.load();
    if (!failure.isOk())
        return failure;
    if (ctx.cancel.isCancelled())
        return Status::cancelled();
    return Status::ok();
}

} // namespace kl::git

namespace kl::ingest {

Result<QList<TreeCount>> countTrees(const QString &repositoryPath, const QStringList &revisions,
                                    const LanguageMap &languages, int threads,
                                    const JobContext &ctx)
{
    git::tuneForBulkReads();
    auto repo = git::openRepository(repositoryPath);
    if (!repo)
        return repo.status();
    git::BlobStatCache cache;
    QList<TreeCount> counts;
    for (const QString &revision : revisions) {
        QElapsedTimer timer;
        timer.start();
        git_object *rawObject = nullptr;
        if (int rc = git_revparse_single(&rawObject, repo->get(), (revision + QStringLiteral("^{tree}")).toUtf8().constData()))
            return git::error(repositoryPath + QStringLiteral(": revision ") + revision, rc);
        git::Object tree(rawObject);
        auto files = git::listTree(repo->get(), *git_object_id(tree.get()), repositoryPath);
        if (!files)
            return files.status();
        std::vector<git_oid> missing;
        {
            std::unordered_map<git_oid, bool, git::OidHash, git::OidEqual> seen;
            git::BlobStat s;
            for (const auto &f : *files) {
                if (!cache.find(f.blob, s) && seen.emplace(f.blob, true).second)
                    missing.push_back(f.blob);
            }
        }
        TreeCount count;
        count.revision = revision;
        count.blobsRead = qint64(missing.size());
        KL_TRY(git::countBlobs(repositoryPath, missing, threads, cache, ctx, &count.bytesRead));
        QMap<QString, QPair<qint64, qint64>> perLanguage;
        for (const auto &f : *files) {
            git::BlobStat s;
            cache.find(f.blob, s);
            const QString language = languages.classify(f.path);
            auto &slot = perLanguage[language];
            slot.first += 1;
            slot.second += s.newlines;
            count.files += 1;
            count.lines += s.newlines;
        }
        for (auto it = perLanguage.cbegin(); it != perLanguage.cend(); ++it)
            count.perLanguage.append({it.key(), it.value()});
        count.seconds = double(timer.nsecsElapsed()) / 1e9;
        counts.append(count);
    }
    return counts;
}

} // namespace kl::ingest
