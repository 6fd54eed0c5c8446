#pragma once
// Patch mail -> commit linking (docs/review.md). Loads what the methods need once, runs the
// chosen methods in order (for each patch mail the first method that finds a commit decides),
// then resolves postings per commit: the last version before the merge is "merged", the others
// and the earlier revisions of its series chain are "earlier". Nothing here writes the store.

#include "derivation.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include <optional>
#include <vector>

namespace kl::derive {

struct PatchLink
{
    qint64 message = 0;
    qint64 commit = 0;
    QString method;          // trailer, applied, patch-id, author-date, subject, revision
    double confidence = 0;
    bool merged = true;      // false: an earlier revision or an earlier posting
};

struct LinkWarning
{
    QString kind;
    QString location;
    QString message;
};

class Linker
{
public:
    // Reads patches, series, commits (from 30 days before the oldest patch on), patch-ids and
    // trailers. `ctx` is checked between phases.
    static Result<Linker> load(Store &store, const JobContext &ctx);

    // Links for the methods named, in the order of linkMethodNames(); warnings of the methods run.
    std::vector<PatchLink> link(const QStringList &methods, QList<LinkWarning> *warnings = nullptr);

    QString msgidOf(qint64 message) const { return m_patches.value(m_patchIndex.value(message, -1)).msgid; }

    struct Mail
    {
        qint64 id = 0;
        QString msgid;
        qint64 series = 0;
        int version = 1;
        int idx = 0;
        bool cover = false;
        qint64 person = 0;
        qint64 date = 0;         // 0: no date
        QString title;           // normalized
        QString patchId;
        QSet<QString> files;     // new and old paths
    };
    struct Commit
    {
        qint64 id = 0;
        QByteArray oid;
        qint64 person = 0;
        qint64 authorTime = 0;
        qint64 commitTime = 0;
        QString subject;         // normalized like a patch title
        QString patchId;
    };

private:
    Linker(Store &store) : m_store(&store) {}
    Status loadPatches(const JobContext &ctx);
    Status loadCommits(qint64 from);
    Status loadTrailersAndNotices();
    const QSet<QString> &commitFiles(int commit);

    std::optional<int> byTrailer(const Mail &m) const;
    std::optional<int> byApplied(const Mail &m, QList<LinkWarning> *warnings) const;
    std::optional<int> byPatchId(const Mail &m) const;
    std::optional<std::pair<int, double>> byAuthorDate(const Mail &m);
    std::optional<std::pair<int, double>> bySubject(const Mail &m);
    void resolve(std::vector<PatchLink> &links) const;

    Store *m_store;
    QList<Mail> m_patches;
    QHash<qint64, int> m_patchIndex;                 // message id -> m_patches index
    QHash<qint64, QList<int>> m_seriesPatches;       // series id -> patches
    QHash<qint64, qint64> m_previousSeries;          // series -> v(n-1)
    QHash<QString, QList<int>> m_byMsgid;            // msgid -> patches (copies on several lists)
    QList<Commit> m_commits;
    QHash<qint64, int> m_commitIndex;                // commit id -> m_commits index
    QHash<QString, QList<int>> m_commitsByPatchId;
    QHash<qint64, QList<int>> m_commitsByPerson;     // sorted by author time
    QHash<QString, QList<int>> m_commitsBySubject;
    std::vector<std::pair<QByteArray, int>> m_oids;  // sorted, for abbreviated ids
    QHash<int, QSet<QString>> m_commitFiles;         // loaded on demand
    QHash<qint64, QList<int>> m_trailerLinks;        // message id -> commits naming it
    QList<LinkWarning> m_trailerWarnings;
    QHash<qint64, QList<QString>> m_applied;         // patch message id -> commit ids named
};

} // namespace kl::derive
