#pragma once
// Patch review from the derive stage's facts (series_review, patch_links, series_reviewers):
// what happened to each posted patch and patch set, how long review took, who reviewed, and
// the mail half of onboarding. Definitions: docs/review.md. Every builder returns report
// objects, which the CLI prints, the GUI's Review view draws and the report exports.
//
// Filter: since/until bound the date a patch set was first posted (v1); list, subsystem (a
// rolled-up MAINTAINERS subsystem) and language ("second", "c", "other") select patch sets;
// period Month or Release (Quarter = Month) groups the aggregates.

#include <kernellens/index/result.h>
#include <kernellens/models/filter.h>
#include <kernellens/models/report.h>

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace kl {
class Store;
}

namespace kl::models {

// One version of a patch set in a revision chain, oldest first.
struct ReviewVersion
{
    qint64 seriesId = 0;
    int version = 1;
    QString title;
    QDateTime posted;
    QString outcome;           // merged, superseded, rejected, pending, ignored
    qint64 patches = 0;
    qint64 replies = 0;
    QString firstMessageId;    // Message-ID of the cover letter or first patch (for the thread reader)
};

struct ReviewCommit
{
    QString oid;
    QString subject;
    QDateTime committed;
    QString release;           // first release tag containing it; empty: unreleased
    QString method;            // how the patch was linked
    double confidence = 0;
};

// A patch set through its versions: v1 -> ... -> vN -> merged commits.
struct ReviewTimeline
{
    qint64 seriesId = 0;       // the latest version
    QString title;
    QString author;
    QString list;
    QString language;
    QStringList subsystems;
    QString outcome;
    QList<ReviewVersion> versions;
    QList<ReviewCommit> commits;
    QStringList reviewers;     // "Name <email> (2 trailers, 3 replies)"
};

// Table "patches": one row per stored patch mail (keys in docs/review.md).
Result<report::Table> patchesTable(Store &store, const Filter &filter);
// Table "series": one row per patch set (revision chain), keyed by its latest version.
Result<report::Table> seriesTable(Store &store, const Filter &filter);
// Section "review": outcome shares, latencies (median, p90), ignored share and revisions to
// merge per month or release and language; per list and subsystem; the reviewers who carry the
// most review; charts of outcomes and latencies over time.
Result<report::Section> reviewSection(Store &store, const Filter &filter);
// Tables and charts of the mail half of onboarding: the funnel posted -> answered -> merged ->
// active 6 and 12 months later per quarter (or release) cohort of first patches, by the
// language of the first patch, joined with git through shared identities; who reviewed newcomers.
Result<report::Section> mailOnboardingSection(Store &store, const Filter &filter);
Result<ReviewTimeline> reviewTimeline(Store &store, qint64 seriesId);

// True when the store holds derived review facts (series_review rows).
Result<bool> hasReviewData(Store &store);

} // namespace kl::models
