#pragma once
// The Dashboard's headline cards as values: each card's figure, its trend over the last releases
// or months (the sparkline), the change since the period before, and — when the store lacks the
// data — what to ingest instead of a 0. The GUI draws these; nothing here knows widgets.

#include <kernellens/index/result.h>
#include <kernellens/models/adoption.h>
#include <kernellens/models/coverage.h>
#include <kernellens/models/filter.h>
#include <kernellens/models/friction.h>
#include <kernellens/models/onboarding.h>

#include <QDate>
#include <QList>
#include <QString>
#include <QStringList>

namespace kl {
class Store;
}

namespace kl::models {

// Points on a card's sparkline: at most this many of the newest periods.
inline constexpr int dashboardTrendLength = 12;

struct TrendPoint
{
    QString label;          // "v6.12", "2024-05", "2024-Q3"
    double value = 0;
};

struct DashboardCard
{
    QString key;            // one of dashboardCardKeys()
    QString view;           // the view that shows it in full
    QString figure;         // "0.35 %", "1,234"; empty when the data are missing
    QString detail;         // "in v6.12; 4 newcomers since v6.12, not yet released"
    QList<TrendPoint> trend;// oldest first, at most dashboardTrendLength points
    QString change;         // "+3 since v6.11", "−12 % vs 2024-04"; empty without a period before
    QString missing;        // what to ingest; set instead of figure when the data are missing

    bool isMissing() const { return !missing.isEmpty(); }
};

// Card keys in display order: share, coverage, friction, newcomers, messages, threads, patches, sources.
QStringList dashboardCardKeys();
// The view a card opens ("share" -> "adoption", "messages" -> "search", ...).
QString dashboardCardView(const QString &key);
// The card of a store with nothing in it (no store directory yet): only the missing text.
DashboardCard missingDashboardCard(const QString &key);

// One card from the store, following the filter (since/until, list, subsystem; release period
// cards use releases, the others months). Heavy cards (adoption, coverage) take seconds on a long
// history: call it on a worker.
Result<DashboardCard> dashboardCard(Store &store, const QString &key, const Filter &filter);

// ---- the pure parts, on analysis results (tested on values) ----------------------------------

enum class ChangeStyle {
    Count,          // "+3 since v6.11"
    Relative,       // "−12 % vs 2024-04" (a plain count when the period before was 0)
    Points,         // "+0.12 points since v6.11" (shares in 0..1)
};
QString changeText(double current, double previous, const QString &previousLabel, ChangeStyle style);

// The newest dashboardTrendLength points.
QList<TrendPoint> lastPoints(const QList<TrendPoint> &points);

DashboardCard shareCard(const AdoptionResult &adoption);
// Release cohorts: the newest real release is the figure; the "(unreleased)" cohort (commits
// after the last tag) is "since vX.Y" in the detail, never a release of its own.
DashboardCard newcomersCard(const OnboardingResult &onboarding, Period period);
// Friction threads per quarter; a quarter the mail ends in is partial (as monthlyCountCard).
DashboardCard frictionCard(const QList<FrictionTrendPoint> &trend);
DashboardCard coverageCard(const QList<CoverageSnapshot> &trend);
// Monthly counts ("2024-05" -> n, oldest first) into a card whose figure is `total`. When the
// data end (`lastDay`) before their month does, that month is partial: it stays on the sparkline
// but the change compares the two months before it ("2024-06: −5 % vs 2024-05").
DashboardCard monthlyCountCard(const QString &key, qint64 total, const QList<TrendPoint> &months,
                               const QDate &lastDay = {});

} // namespace kl::models
