#pragma once
// Patch sets (revision chains) read once from the derive stage's tables, for every review
// builder. Internal to models/review.

#include <kernellens/index/store.h>
#include <kernellens/models/filter.h>

#include <QDate>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <cmath>
#include <optional>

namespace kl::models::review {

// One version (series_review row joined with series).
struct Version
{
    qint64 seriesId = 0;
    qint64 chainFirst = 0;
    int versionsUpToHere = 1;
    int version = 1;
    QString outcome;
    qint64 commits = 0;
    qint64 mergedAt = 0;
    QString release;
    int releaseOrdinal = -1;
    qint64 firstReply = 0;
    qint64 firstReview = 0;
    qint64 posted = 0;
    QString language;
    QStringList subsystems;
    qint64 replies = 0;
    qint64 patches = 0;
    QString list;
    QString title;
    qint64 author = 0;
    QString authorName;
    QString authorEmail;
    qint64 gitSource = 0;
};

// A patch set through all its versions.
struct Chain
{
    qint64 latestSeries = 0;
    QString title;
    qint64 author = 0;
    QString authorName;
    QString authorEmail;
    QString list;
    int versions = 1;
    qint64 firstPosted = 0;
    qint64 lastPosted = 0;
    QString outcome;              // merged if any version was, else the latest version's
    qint64 commits = 0;
    qint64 mergedAt = 0;
    QString release;
    qint64 firstReply = 0;        // to any version, by someone other than the author
    qint64 firstReview = 0;
    QString language;             // second if any version touches it, else c, else other
    QStringList subsystems;
    qint64 replies = 0;
    int supersededVersions = 0;
    qint64 gitSource = 0;         // the repository its patches go into (0: unknown)
    QList<qint64> seriesIds;      // oldest first

    std::optional<double> hoursTo(qint64 t) const
    {
        return t > 0 && firstPosted > 0 ? std::optional<double>(double(t - firstPosted) / 3600.0) : std::nullopt;
    }
};

Result<QList<Version>> loadVersions(Store &store);
QList<Chain> chainsOf(const QList<Version> &versions);
// loadVersions() then chainsOf(): every patch set, newest first.
Result<QList<Chain>> loadChains(Store &store);
// A timestamp cell: the UTC date-time, or null for 0 (no value).
QVariant dateTimeCell(qint64 unixSeconds);
bool matches(const Chain &chain, const Filter &filter);
QDate dateOf(qint64 unixSeconds);

// Nearest-rank percentile (0..100) of the values; nullopt when empty.
std::optional<double> percentile(QList<double> values, double p);

using Calendar = QList<QPair<QString, qint64>>; // release tags with their dates, oldest first

// Release calendars per git source. A patch set is counted in the calendar of the repository
// its patches go into (series_review.git_source, chosen by the derive stage), else in that of
// the source with the most releases.
struct Calendars
{
    QHash<qint64, Calendar> bySource;
    qint64 fallback = 0;

    const Calendar &forSource(qint64 source) const;
    // Release date of a tag in any calendar (for ordering periods of several lists); -1 if none.
    qint64 dateOf(const QString &tag) const;
};
Result<Calendars> releaseCalendars(Store &store, ReleaseSet set);

// "2024-05", "2024-Q2" or the first release dated on or after t ("(unreleased)" after the last).
QString periodOf(qint64 t, Period period, const Calendar &releases);
// Orders period names: months and quarters as text, releases by date, "(unreleased)" last.
void sortPeriods(QList<QString> &periods, Period period, const Calendars &calendars);

} // namespace kl::models::review
