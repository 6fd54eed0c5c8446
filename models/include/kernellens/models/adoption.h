#pragma once
// Second-language adoption from the git facts: per release (or month), files and lines per
// language from the release trees, the second language's share of (second + C) lines, commits
// and distinct authors touching the second language, and authors touching it for the first time.
// Per subsystem through MAINTAINERS (maint_path_sections) when it was analysed, else the
// top-level directory. Definitions: docs/git.md.

#include <kernellens/index/result.h>
#include <kernellens/models/filter.h>
#include <kernellens/models/report.h>

#include <QDate>
#include <QList>
#include <QMap>
#include <QString>

namespace kl {
class Store;
}

namespace kl::models {

struct LanguageTotals
{
    qint64 files = 0;
    qint64 lines = 0;
};

struct AdoptionPeriod
{
    QString period;                          // "v6.12" or "2024-11"
    QDate date;                              // release date, or the first day of the month
    QString snapshotRelease;                 // the tree the file/line figures come from
    QMap<QString, LanguageTotals> languages; // language -> files/lines in that tree
    double share = qQNaN();                  // second / (second + C) lines; NaN without a tree
    qint64 commits = 0;                      // non-merge commits in the period
    qint64 secondCommits = 0;                // ... touching the second language
    qint64 secondAuthors = 0;                // distinct authors of those
    qint64 firstTimeSecondAuthors = 0;       // authors whose first second-language commit is here
    qint64 secondLinesAdded = 0;             // numstat, second-language files
    qint64 secondLinesDeleted = 0;
    qint64 secondCommitsUnknownLines = 0;    // of secondCommits: a blob was missing, so their
                                             // lines are unknown and not in the two sums above
};

struct SubsystemAdoption
{
    QString release;
    QString subsystem;
    LanguageTotals second;
    LanguageTotals c;
    double share = qQNaN();
};

struct AdoptionResult
{
    qint64 sourceId = 0;
    QString sourceLocation;
    QString secondLanguage;
    QString subsystem;                       // the filter, if any
    QString subsystemBasis;                  // "MAINTAINERS" or "top-level directory"
    QStringList languages;                   // every language seen, second first, "Other" last
    QList<AdoptionPeriod> periods;
    QList<SubsystemAdoption> bySubsystem;    // per release, subsystems with second-language files
    QStringList incomplete;                  // figures left incomplete by missing blobs (partial
                                             // clone, damaged repository); empty when complete
    int releasesShown = 0;                   // releases in the per-release figures
    int releasesTotal = 0;                   // tags of the source
    bool featureReleases = false;            // only feature releases shown (Filter::releases)
};

// Filter.period: Release or Month; Filter.subsystem; Filter.since/until.
Result<AdoptionResult> adoption(Store &store, const Filter &filter);
Result<report::Section> adoptionSection(Store &store, const Filter &filter);
report::Section adoptionSection(const AdoptionResult &result, Period period);

} // namespace kl::models
