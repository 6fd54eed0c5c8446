#pragma once
// Onboarding from git: newcomer cohorts (people whose first non-merge commit falls in a quarter,
// or — LWN's "first-time contributors" — whose first commit is in a release), how many entered
// through the second language, how many ever touched it, retention (a commit again 6 to 12 months
// after the first), and the median time from first to second commit. Definitions: docs/git.md.

#include <kernellens/index/result.h>
#include <kernellens/models/filter.h>
#include <kernellens/models/report.h>

#include <QDate>
#include <QList>
#include <QString>

namespace kl {
class Store;
}

namespace kl::models {

struct OnboardingCohort
{
    QString period;                 // "2024-Q3" or "v6.12"
    QDate date;                     // first day of the quarter, or the release date
    qint64 newcomers = 0;
    qint64 firstTouchedSecond = 0;  // their first commit touches the second language
    qint64 everTouchedSecond = 0;
    qint64 retentionEligible = 0;   // newcomers whose 12-month window ends before the data does
    qint64 retained = 0;            // ... with a commit 6 to 12 months after their first
    qint64 withSecondCommit = 0;
    double medianDaysToSecond = qQNaN();
};

struct OnboardingResult
{
    qint64 sourceId = 0;
    QString secondLanguage;
    QList<OnboardingCohort> cohorts;
    int releasesShown = 0;      // releases that are cohorts (Filter::releases)
    int releasesTotal = 0;      // tags of the source
    bool featureReleases = false;
};

// Filter.period: Quarter or Release (Month is treated as Quarter); Filter.since/until.
Result<OnboardingResult> onboarding(Store &store, const Filter &filter);
Result<report::Section> onboardingSection(Store &store, const Filter &filter);
report::Section onboardingSection(const OnboardingResult &result, Period period);

} // namespace kl::models
