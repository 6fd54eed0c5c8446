#pragma once
// `git patch-id --stable`, computed by us and equal to git's value (git 2.39 semantics), for the
// diff in a mail body and for a commit's diff against its first parent. Patch linking joins a
// mail to the commit that merged it by this id. Why part of it is ours and part libgit2, with the
// measurements, and every rule: docs/mailtext.md, "patch-id".

#include <kernellens/index/result.h>

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <memory>

namespace kl::text {

struct PatchIdResult
{
    QByteArray id;      // 40 lower-case hex digits; empty when there is no diff, or it is broken
    int files = 0;      // file sections ("diff " lines) of the patch
    bool broken = false; // a hunk is cut short: the patch ends before its header's line counts
    QString problem;    // why it is broken: the file, the hunk and what is missing
};

// What to do with a truncated hunk. git itself keeps reading such a hunk into whatever follows
// (the "-- " signature, the next mail), so its id then covers text that is not the patch.
enum class TruncatedHunks {
    NoId,   // broken = true, id empty: the caller counts a warning (the default)
    AsGit,  // broken = true, id = git's value all the same (tests compare with git this way)
};

// git patch-id --stable of the first patch in a text: a whole mail or its body (headers,
// message, "---", diffstat, `diff --git` sections, "-- " signature), or `git show`/`git log -p`
// output. Whitespace-insensitive and independent of the order of the files, as git defines it.
PatchIdResult patchIdStable(QByteArrayView text, TruncatedHunks truncated = TruncatedHunks::NoId);

} // namespace kl::text

namespace kl::git {

// Stable patch-ids of commits, as `git log -p | git patch-id --stable` prints them with git's
// defaults: the diff against the first parent, root commits against the empty tree, git's
// rename detection (diff.renames=true: exact, same-basename and inexact, 50%, limit 1000).
// Merge commits and commits without changes have no id (empty, as git prints none). Objects
// and line diffs come from libgit2; tree diff, rename scores and hashing are ours (libgit2's
// git_diff_patchid differs from git on renames, empty files and form feeds).
// One instance per thread; not copyable.
class CommitPatchIds
{
public:
    // Errors name the repository.
    static Result<CommitPatchIds> open(const QString &repoPath);

    CommitPatchIds(CommitPatchIds &&other) noexcept;
    CommitPatchIds &operator=(CommitPatchIds &&other) noexcept;
    ~CommitPatchIds();

    // The id of the commit named by 40 hex digits: 40 lower-case hex digits, or empty for a
    // merge or an empty diff. Errors (a bad id, a missing object) name the repository and commit.
    Result<QByteArray> patchId(const QByteArray &commitHexOid);

private:
    struct Impl;
    explicit CommitPatchIds(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace kl::git
