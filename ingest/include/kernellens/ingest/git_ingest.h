#pragma once
// Git history ingest: commits, identities (.mailmap), trailers, per-file numstat, releases (tags)
// with the first release containing each commit, and per-release tree snapshots (files and
// lines per language, each distinct blob counted once). Incremental and resumable.
// How merges are counted and how releases are assigned: docs/git.md.

#include <kernellens/index/job.h>
#include <kernellens/index/result.h>

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace kl {
class Store;
}

namespace kl::ingest {

class LanguageMap;

struct GitIngestOptions
{
    QString source;                 // a local path (worktree or bare) or a URL
    QString branch;                 // empty: HEAD
    bool firstParent = false;
    // Per-source settings (source_settings.h): an empty value keeps the one stored with the
    // source, else its default (shown after each). They persist for the next run.
    QString tagPattern;             // release tags (v*)
    bool includeRcTags = false;
    QString languagesFile;          // definitions file, or "builtin" (the compiled-in ones)
    QString secondLanguage;         // (Rust)
    QString subsystemScheme;        // auto | linux | freebsd | dirs:ROOT[,ROOT...][:DEPTH] (auto)
    QString bindingModel;           // linux | crate | scripting (linux)
    QString bindingTree;            // crate: location of the ingested C tree source (none)
    int threads = 2;                // diff workers (each has its own git_repository)
};

struct GitIngestSummary
{
    qint64 sourceId = 0;
    QString repositoryPath;         // the local repository read (the mirror for a URL)
    qint64 commitsAdded = 0;
    qint64 mergesAdded = 0;
    qint64 fileChangesAdded = 0;
    qint64 commitsReassigned = 0;   // existing commits that a new tag now contains
    qint64 releasesAdded = 0;
    qint64 snapshotsAdded = 0;
    qint64 blobsCounted = 0;        // blobs read for snapshots (not found in the cache)
    qint64 releasesTotal = 0;
    // Partial and damaged repositories: blobs that could not be read leave figures unknown.
    QString promisorRemote;         // non-empty: a partial clone (this remote has the rest)
    qint64 objectsMissing = 0;      // distinct objects first found missing or corrupt in this run
    qint64 fileChangesUnknown = 0;  // commit_files rows with unknown (NULL) counts
    qint64 snapshotsIncomplete = 0; // snapshots with files whose blob is missing
    QHash<QString, QString> settings;   // the per-source settings this run used (stored)
    QStringList settingChanges;     // "subsystem scheme: dirs:sys/dev/*:1 (was auto)"
    double historySeconds = 0;
    double snapshotSeconds = 0;
};

Result<GitIngestSummary> ingestGit(Store &store, const GitIngestOptions &options,
                                   const JobContext &ctx);

// Counting a tree on its own (benchmarks, tests): files and lines per language of the trees at
// `revisions`, with one blob-oid -> lines cache across them, so the second tree costs only the
// blobs it does not share with the first. Lines are '\n' bytes, as `wc -l` counts them.
struct TreeCount
{
    QString revision;
    qint64 files = 0;
    qint64 lines = 0;
    qint64 blobsRead = 0;           // blobs not in the cache
    qint64 bytesRead = 0;
    double seconds = 0;
    QList<QPair<QString, QPair<qint64, qint64>>> perLanguage;   // language -> (files, lines)
};
Result<QList<TreeCount>> countTrees(const QString &repositoryPath, const QStringList &revisions,
                                    const LanguageMap &languages, int threads,
                                    const JobContext &ctx);

} // namespace kl::ingest
