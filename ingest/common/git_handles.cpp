#include "git_handles.h"

#include <mutex>
#include <thread>

namespace kl::git {

void ensureInitialized()
{
    static std::once_flag once;
    std::call_once(once, [] {
        git_libgit2_init();
        // Partial clones made by newer git carry extensions.partialClone, which libgit2 does not
        // know and so refuses the repository. We only read, and a blob that was not fetched is
        // handled as missing (docs/git.md), so declaring the extension understood is safe.
        const char *extensions[] = {"partialclone"};
        git_libgit2_opts(GIT_OPT_SET_EXTENSIONS, extensions, size_t(1));
        // Bounded by default for every reader of the process (the mail ingest, raw message
        // reads, the derive stage): libgit2 maps 1 GiB pack windows up to 8 GiB and keeps
        // every page it touched resident, and its object cache may hold 256 MiB per open
        // repository, so one pass over a lore epoch made the resident set grow with the
        // epoch. The git ingest sets its own, larger figures (tuneForBulkReads).
        git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, size_t(32) << 20);
        git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, size_t(96) << 20);
        git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, ssize_t(32) << 20);
    });
}

void freeInBackground(Repository repo, std::shared_ptr<const void> keepAlive)
{
    std::thread([doomed = std::move(repo), keep = std::move(keepAlive)]() mutable {
        doomed.reset();
        keep.reset();
    }).detach();
}

Status error(const QString &context, int rc)
{
    const git_error *e = git_error_last();
    const QString detail = e && e->message ? QString::fromUtf8(e->message).trimmed()
                                           : QStringLiteral("libgit2 error %1").arg(rc);
    return Status::error(context + QStringLiteral(": ") + detail);
}

Result<Repository> openRepository(const QString &path)
{
    ensureInitialized();
    git_repository *raw = nullptr;
    const int rc = git_repository_open_ext(&raw, path.toUtf8().constData(),
                                           GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
    if (rc != 0)
        return error(path + QStringLiteral(": not a git repository"), rc);
    return Repository(raw);
}

} // namespace kl::git
