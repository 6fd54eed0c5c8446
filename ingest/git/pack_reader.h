#pragma once
// A reader of a repository's pack files for bulk walks, put in front of libgit2's own pack backend.
// Private to ingest/git.
//
// Why: libgit2 keeps one pack object per path for the whole process, so every thread takes the
// same pack mutexes for every window access, and all threads share one 16 MiB delta-base cache
// that is emptied completely whenever it fills. A history walk reads every version of every file
// through delta chains; with that cache it re-inflates the chains over and over (docs/git.md).
// This reader gives each thread its own LRU delta-base cache, as git does, over one read-only
// mapping of the pack shared by all threads, whose touched pages it drops now and then so they
// do not pile up in the resident set.

#include <kernellens/index/result.h>

#include <QString>

#include <cstddef>
#include <memory>

struct git_repository;
struct git_odb;

namespace kl::git {

class PackSet;

// The v2-indexed packs of a repository, opened once and shared read-only by every thread's
// reader. Packs it cannot use (an index of another version, a missing .pack) are left to
// libgit2. Errors name the file at fault.
Result<std::shared_ptr<const PackSet>> openPacks(git_repository *repo);

// Puts a reader of `packs` in front of libgit2's pack backend in `repo`'s object database.
// Objects that are not in those packs (loose objects, alternates, packs added later) still come
// from libgit2. The reader belongs to the repository and is meant for one thread at a time
// (it locks anyway); its delta-base cache holds at most `deltaCacheBytes`.
Status addPackReader(git_repository *repo, std::shared_ptr<const PackSet> packs,
                     size_t deltaCacheBytes);
// The same for a bare object database (tests read through the reader alone this way).
Status addPackReader(git_odb *odb, std::shared_ptr<const PackSet> packs, size_t deltaCacheBytes);

// Off when the environment sets KERNELLENS_GIT_PACK_READER=0: libgit2 then reads everything,
// for comparison in benchmarks and as a way around a pack this reader mishandles.
bool packReaderEnabled();

// git's core.deltaBaseCacheLimit is 96 MiB for its one thread; with two diff threads, 96 MiB each
// was about 5% faster than 32 MiB each for 240 MiB more resident memory (docs/git.md).
constexpr size_t kDefaultDeltaCacheBytes = size_t(32) << 20;

// For callers that open a repository per thread: when enabled, adds a reader to `repo`, opening
// `packs` from it first if they are not open yet.
Status readPacksDirectly(git_repository *repo, std::shared_ptr<const PackSet> &packs,
                         size_t deltaCacheBytes = kDefaultDeltaCacheBytes);

} // namespace kl::git
