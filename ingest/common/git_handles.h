#pragma once
// RAII for libgit2 handles and error capture at the failing call. Internal to ingest/: git2.h
// never reaches a public header.

#include <kernellens/index/result.h>

#include <git2.h>

#include <QString>

#include <memory>

namespace kl::git {

// libgit2 keeps global state; every entry point calls this first (idempotent, thread-safe).
void ensureInitialized();

// The message of the last libgit2 error on this thread, prefixed by what we were doing.
Status error(const QString &context, int rc);

template<typename T, void (*Free)(T *)>
struct Deleter
{
    void operator()(T *p) const { Free(p); }
};

template<typename T, void (*Free)(T *)>
using Handle = std::unique_ptr<T, Deleter<T, Free>>;

using Repository = Handle<git_repository, git_repository_free>;

// Frees a repository on a thread of its own. libgit2 frees its object cache object by object,
// which after a long walk takes most of a second: a cancelled ingest must not make Ctrl-C wait
// for it (the process usually ends first, which frees everything at once).
// `keepAlive` (e.g. the PackSet its object database reads) lives until the repository is gone.
void freeInBackground(Repository repo, std::shared_ptr<const void> keepAlive = {});
using Revwalk = Handle<git_revwalk, git_revwalk_free>;
using Commit = Handle<git_commit, git_commit_free>;
using Tree = Handle<git_tree, git_tree_free>;
using Blob = Handle<git_blob, git_blob_free>;
using Object = Handle<git_object, git_object_free>;
using Tag = Handle<git_tag, git_tag_free>;
using Reference = Handle<git_reference, git_reference_free>;
using Diff = Handle<git_diff, git_diff_free>;
using Patch = Handle<git_patch, git_patch_free>;
using Odb = Handle<git_odb, git_odb_free>;
using OdbObject = Handle<git_odb_object, git_odb_object_free>;
using Mailmap = Handle<git_mailmap, git_mailmap_free>;
using Remote = Handle<git_remote, git_remote_free>;
using TreeEntry = Handle<git_tree_entry, git_tree_entry_free>;
using ReferenceIterator = Handle<git_reference_iterator, git_reference_iterator_free>;
using Config = Handle<git_config, git_config_free>;

inline void freeStrarray(git_strarray *a) { git_strarray_dispose(a); }

inline QString oidToString(const git_oid &oid)
{
    char buf[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buf, sizeof buf, &oid);
    return QString::fromLatin1(buf);
}

Result<Repository> openRepository(const QString &path);

} // namespace kl::git
