#pragma once
// The out-of-tree binding crate model (binding model "crate", FreeBSD's Rust KPI crate): one git
// source is the C tree, another the binding repository. analyzeBindingCrate() reads every
// first-parent commit of the binding repository and the C tree's latest commit and stores
// (crate_* tables, docs/coverage.md):
//   - the bound headers of bindings.h (#include lines, with their #if conditions), located in
//     the tree and attributed to the tree's subsystems (FreeBSD MAINTAINERS, Linux MAINTAINERS,
//     else the header's directory);
//   - the functions those headers declare, and which of them the crate references as
//     bindings::NAME (directly or through the wrappers bindings.h defines for macros);
//   - the crate's modules (<crate>/src/**.rs) and the drivers/demos outside it;
//   - per commit: those figures (the trend) and the public API items added and removed (churn).
// Commits and authors come from the git ingest of the binding repository like any source.

#include <kernellens/index/job.h>
#include <kernellens/index/result.h>

#include <QString>

namespace kl {
class Store;
}

namespace kl::ingest {

// Replaces the stored crate facts of `crateSourceId`. A binding repository whose latest commit
// has no bindings.h at its root is an error naming what was looked for; nothing stored is lost.
Status analyzeBindingCrate(Store &store, qint64 crateSourceId, const QString &crateRepository,
                           const QString &treeRepository, const JobContext &ctx);

} // namespace kl::ingest
