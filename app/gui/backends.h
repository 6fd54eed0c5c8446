#pragma once
// The GUI's one doorway to the analyses, ingest jobs and mail readers that other parts of
// KernelLens build. Each is detected at compile time, so a view whose backend has not landed
// shows an honest empty state instead of failing to build. All functions here run on worker
// threads with their own Store; none touches a widget.

#include <kernellens/index/job.h>
#include <kernellens/index/result.h>
#include <kernellens/index/store.h>
#include <kernellens/models/filter.h>
#include <kernellens/models/report.h>
#include <kernellens/models/review.h>

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace kl::gui {

enum class Analysis { Adoption, Coverage, Friction, Onboarding };
QString analysisName(Analysis analysis);

bool analysisAvailable(Analysis analysis);
Result<report::Section> computeAnalysis(Analysis analysis, Store &store, const models::Filter &filter);

bool mailIngestAvailable();
bool gitIngestAvailable();
// Both return a one-line human summary of what the run did.
Result<QString> runMailIngest(Store &store, const QString &listName, const QStringList &sources,
                              const JobContext &ctx);
// `settings`: per-source settings by name (source_settings.h); absent or empty keeps the stored ones.
Result<QString> runGitIngest(Store &store, const QString &source, const QString &branch,
                             const QHash<QString, QString> &settings, const JobContext &ctx);

// A message as the reader shows it: decoded plain text, never HTML.
struct MessageText
{
    qint64 id = 0;
    QString messageId;
    QString from;
    QStringList to;
    QStringList cc;
    QString subject;
    QDateTime date;
    QString list;
    QString body;
    QStringList attachments;
};
bool messageReaderAvailable();
Result<MessageText> readMessage(Store &store, qint64 messageRowId);

// One node of a thread in pre-order, ghosts included (id 0).
struct ThreadNode
{
    qint64 messageRowId = 0;
    int depth = 0;
    QString from;
    QString subject;
    QDateTime date;
};
// Coverage drill-down: what one subsystem exposes to the second language at a release
// (bound headers, helpers, modules, drivers, referenced exports).
bool coverageDrillDownAvailable();
Result<report::Table> coverageDrillDown(Store &store, const QString &release, const QString &subsystem);
// The same for a row of a binding crate's per-subsystem table (bound headers, referenced and
// unreferenced functions).
Result<report::Table> crateDrillDown(Store &store, const QString &subsystem);

// Patch review (models/review.h): the series browser, its per-series timeline, and the
// review and mail-onboarding sections.
using TimelineVersion = models::ReviewVersion;
using TimelineCommit = models::ReviewCommit;
using SeriesTimeline = models::ReviewTimeline;
enum class ReviewPart { Outcomes, MailOnboarding };
bool reviewAvailable();
Result<bool> storeHasReviewData(Store &store);
Result<report::Table> reviewSeriesTable(Store &store, const models::Filter &filter);
Result<report::Section> computeReviewSection(ReviewPart part, Store &store, const models::Filter &filter);
Result<SeriesTimeline> loadSeriesTimeline(Store &store, qint64 seriesId);

// `key`: a messages.id row number or a Message-ID.
Result<QList<ThreadNode>> loadThreadOf(Store &store, const QString &key);
Result<QList<ThreadNode>> loadThread(Store &store, qint64 threadId);

} // namespace kl::gui
