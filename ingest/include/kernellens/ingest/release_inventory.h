#pragma once
// MAINTAINERS and binding inventory per release. Called by `ingest git` once the `releases`
// rows of a git source exist: for every release of that source not yet analysed, reads the tree
// at the tag and stores
//   - the MAINTAINERS sections, their fields, patterns and people (maint_* tables),
//   - the path -> sections mapping of every file of the release (maint_path_sections),
//   - the binding inventory (bound headers, helpers, abstraction modules, bindings:: references,
//     exported C symbols, second-language drivers) attributed to sections (cov_* tables).
// Unchanged blobs between releases are analysed once (cache per blob oid). The table layout is
// documented in docs/coverage.md.

#include <kernellens/index/job.h>
#include <kernellens/index/result.h>

#include <QString>

namespace kl {
class Store;
}

namespace kl::ingest {

// Analyses every release of `gitSourceId` that has no inventory yet. Idempotent: a rerun after
// Ctrl-C resumes with the first release not committed. A release without rust/ yields an empty
// inventory (coverage 0), not an error; a tree without MAINTAINERS falls back to directory-based
// subsystems.
Status analyzeReleaseTrees(Store &store, qint64 gitSourceId, const QString &repositoryPath,
                           const JobContext &ctx);

struct ReleaseInventoryOptions
{
    QString subsystemScheme = QStringLiteral("auto");  // subsystem_scheme.h
    QString bindingModel = QStringLiteral("linux");    // linux | scripting (| crate)
    int directoryDepth = 2;                          // subsystems when no MAINTAINERS applies
    QString languageTag = QStringLiteral("RUST");    // "[RUST]" sections, the RUST section
    QString languageSuffix = QStringLiteral(".rs");  // second-language files
    QString languageDirectory = QStringLiteral("rust/");
};

Status analyzeReleaseTrees(Store &store, qint64 gitSourceId, const QString &repositoryPath,
                           const JobContext &ctx, const ReleaseInventoryOptions &options);

// The options a source's stored settings give (source_settings.h): subsystem scheme, binding
// model, and the second language's tag, file suffix and directory.
Result<ReleaseInventoryOptions> inventoryOptions(Store &store, qint64 gitSourceId);
// What the inventory of a source depends on besides its trees; a change means every release is
// analysed again (see forgetReleaseTrees).
QString inventorySettingsKey(const ReleaseInventoryOptions &options);
// Drops the inventory of every release of the source (maint_*/cov_* rows; the blob facts cache
// stays), in one transaction.
Status forgetReleaseTrees(Store &store, qint64 gitSourceId);

} // namespace kl::ingest
