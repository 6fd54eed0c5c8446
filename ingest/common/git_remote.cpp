#include "git_remote.h"

#include "git_handles.h"

#include <QDir>
#include <QFileInfo>

namespace kl::git {

namespace {

struct FetchState
{
    const JobContext *ctx;
    QString phase;
};

int onTransfer(const git_indexer_progress *stats, void *payload)
{
    auto *state = static_cast<FetchState *>(payload);
    if (state->ctx->cancel.isCancelled())
        return GIT_EUSER;
    state->ctx->report(state->phase, qint64(stats->received_objects), qint64(stats->total_objects),
                       QStringLiteral("objects"));
    return 0;
}

// After the first fetch HEAD may name a branch the remote does not have; point it at one it has.
void settleHead(git_repository *repo)
{
    git_reference *head = nullptr;
    if (git_repository_head(&head, repo) == 0) {
        git_reference_free(head);
        return;
    }
    for (const char *candidate : {"refs/heads/master", "refs/heads/main"}) {
        git_reference *ref = nullptr;
        if (git_reference_lookup(&ref, repo, candidate) == 0) {
            git_reference_free(ref);
            git_repository_set_head(repo, candidate);
            return;
        }
    }
    git_reference_iterator *rawIter = nullptr;
    if (git_reference_iterator_glob_new(&rawIter, repo, "refs/heads/*") != 0)
        return;
    ReferenceIterator iter(rawIter);
    git_reference *ref = nullptr;
    if (git_reference_next(&ref, iter.get()) == 0) {
        git_repository_set_head(repo, git_reference_name(ref));
        git_reference_free(ref);
    }
}

} // namespace

Status mirrorRepository(const QString &url, const QString &directory, const QString &label,
                        const JobContext &ctx)
{
    ensureInitialized();
    const bool fresh = !QFileInfo::exists(directory + QStringLiteral("/HEAD"));
    git_repository *rawRepo = nullptr;
    if (fresh) {
        if (!QDir().mkpath(directory))
            return Status::error(QStringLiteral("%1: cannot create the directory").arg(directory));
        if (int rc = git_repository_init(&rawRepo, directory.toUtf8().constData(), 1); rc != 0)
            return error(directory + QStringLiteral(": cannot create the mirror"), rc);
    } else if (int rc = git_repository_open_bare(&rawRepo, directory.toUtf8().constData()); rc != 0) {
        return error(directory + QStringLiteral(": not a git repository"), rc);
    }
    Repository repo(rawRepo);

    git_remote *rawRemote = nullptr;
    int rc = git_remote_lookup(&rawRemote, repo.get(), "origin");
    if (rc == GIT_ENOTFOUND)
        rc = git_remote_create_with_fetchspec(&rawRemote, repo.get(), "origin", url.toUtf8().constData(),
                                              "+refs/*:refs/*");
    if (rc != 0)
        return error(url + QStringLiteral(": cannot set up the remote"), rc);
    Remote remote(rawRemote);

    FetchState state{&ctx, label + QStringLiteral(": fetching")};
    git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
    options.callbacks.transfer_progress = onTransfer;
    options.callbacks.payload = &state;
    options.prune = GIT_FETCH_PRUNE;
    options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
    ctx.report(state.phase, 0, -1, QStringLiteral("objects"), true);
    rc = git_remote_fetch(remote.get(), nullptr, &options, "kernellens mirror");
    if (rc != 0) {
        const Status failure = ctx.cancel.isCancelled() ? Status::cancelled()
                                                        : error(url + QStringLiteral(": fetch failed"), rc);
        if (fresh) {
            remote.reset();
            repo.reset();
            QDir(directory).removeRecursively();
        }
        return failure;
    }
    settleHead(repo.get());
    return Status::ok();
}

} // namespace kl::git
