#include <kernellens/models/dashboard.h>

#include <kernellens/index/store.h>

#include <QDateTime>
#include <QLocale>
#include <QObject>

#include <cmath>
#include <map>

namespace kl::models {

namespace {

const QString kMinus = QStringLiteral("\u2212");   // a real minus sign: "−12 %"

QString signedNumber(double v, int decimals)
{
    const QString digits = QLocale().toString(std::abs(v), 'f', decimals);
    return (v < 0 ? kMinus : QStringLiteral("+")) + digits;
}

QString percentFigure(double share)
{
    const double p = share * 100.0;
    return QLocale().toString(p, 'f', p < 10 ? 2 : 1) + QStringLiteral(" %");
}

QString count(qint64 n)
{
    return QLocale().toString(n);
}

QString quarterOfMonth(const QString &month)   // "2024-05" -> "2024-Q2"
{
    const int m = month.mid(5, 2).toInt();
    return QStringLiteral("%1-Q%2").arg(month.left(4)).arg((m - 1) / 3 + 1);
}

// The figure, its trend and the change of the newest point against the one before it.
void setTrend(DashboardCard &card, const QList<TrendPoint> &points, ChangeStyle style)
{
    card.trend = lastPoints(points);
    if (points.size() >= 2)
        card.change = changeText(points.last().value, points[points.size() - 2].value,
                                 points[points.size() - 2].label, style);
}

} // namespace

QStringList dashboardCardKeys()
{
    return {QStringLiteral("share"),    QStringLiteral("coverage"), QStringLiteral("friction"),
            QStringLiteral("newcomers"), QStringLiteral("messages"), QStringLiteral("threads"),
            QStringLiteral("patches"),  QStringLiteral("sources")};
}

QString dashboardCardView(const QString &key)
{
    static const QHash<QString, QString> views = {
        {QStringLiteral("share"), QStringLiteral("adoption")},     {QStringLiteral("coverage"), QStringLiteral("coverage")},
        {QStringLiteral("friction"), QStringLiteral("friction")},  {QStringLiteral("newcomers"), QStringLiteral("onboarding")},
        {QStringLiteral("messages"), QStringLiteral("search")},    {QStringLiteral("threads"), QStringLiteral("friction")},
        {QStringLiteral("patches"), QStringLiteral("review")},     {QStringLiteral("sources"), QStringLiteral("sources")}};
    return views.value(key, QStringLiteral("sources"));
}

DashboardCard missingDashboardCard(const QString &key)
{
    static const QHash<QString, QString> texts = {
        {QStringLiteral("share"), QObject::tr("Add the git repository to follow the second language's share of lines")},
        {QStringLiteral("coverage"), QObject::tr("Add the git repository (with its MAINTAINERS) to map binding coverage")},
        {QStringLiteral("friction"), QObject::tr("Ingest a mail archive to find friction threads")},
        {QStringLiteral("newcomers"), QObject::tr("Add the git repository to count newcomers by their first commit")},
        {QStringLiteral("messages"), QObject::tr("Ingest a mail archive to count its messages")},
        {QStringLiteral("threads"), QObject::tr("Ingest a mail archive to count its threads")},
        {QStringLiteral("patches"), QObject::tr("Ingest a mail archive to count the patches posted")},
        {QStringLiteral("sources"), QObject::tr("Add a git repository or a mail archive in Sources")}};
    DashboardCard card;
    card.key = key;
    card.view = dashboardCardView(key);
    card.missing = texts.value(key);
    return card;
}

QString changeText(double current, double previous, const QString &previousLabel, ChangeStyle style)
{
    if (!std::isfinite(current) || !std::isfinite(previous))
        return {};
    switch (style) {
    case ChangeStyle::Count:
        return QObject::tr("%1 since %2").arg(signedNumber(current - previous, 0), previousLabel);
    case ChangeStyle::Points: {
        const double points = (current - previous) * 100.0;
        return QObject::tr("%1 points since %2").arg(signedNumber(points, 2), previousLabel);
    }
    case ChangeStyle::Relative:
        if (previous == 0)   // no base to be relative to: the plain difference
            return QObject::tr("%1 vs %2").arg(signedNumber(current - previous, 0), previousLabel);
        const double percent = (current - previous) / previous * 100.0;
        return QObject::tr("%1 % vs %2").arg(signedNumber(percent, std::abs(percent) < 10 ? 1 : 0), previousLabel);
    }
    return {};
}

QList<TrendPoint> lastPoints(const QList<TrendPoint> &points)
{
    return points.mid(std::max<qsizetype>(0, points.size() - dashboardTrendLength));
}

DashboardCard shareCard(const AdoptionResult &adoption)
{
    DashboardCard card;
    card.key = QStringLiteral("share");
    card.view = dashboardCardView(card.key);
    QList<TrendPoint> points;
    for (const AdoptionPeriod &p : adoption.periods)
        if (p.date.isValid() && std::isfinite(p.share))   // releases with a tree; not "(unreleased)"
            points.append({p.period, p.share});
    if (points.isEmpty()) {
        card.missing = adoption.periods.isEmpty()
                           ? missingDashboardCard(card.key).missing
                           : QObject::tr("Tag a release: the share is measured on release trees");
        return card;
    }
    card.figure = percentFigure(points.last().value);
    card.detail = QObject::tr("%1 of (%1 + C) lines at %2").arg(adoption.secondLanguage, points.last().label);
    setTrend(card, points, ChangeStyle::Points);
    return card;
}

DashboardCard newcomersCard(const OnboardingResult &onboarding, Period period)
{
    DashboardCard card;
    card.key = QStringLiteral("newcomers");
    card.view = dashboardCardView(card.key);
    QList<TrendPoint> points;
    qint64 sinceLastRelease = 0;
    for (const OnboardingCohort &c : onboarding.cohorts) {
        if (!c.date.isValid()) {   // the "(unreleased)" cohort: after the newest tag
            sinceLastRelease += c.newcomers;
            continue;
        }
        points.append({c.period, double(c.newcomers)});
    }
    if (points.isEmpty()) {
        card.missing = onboarding.cohorts.isEmpty()
                           ? missingDashboardCard(card.key).missing
                           : QObject::tr("Tag a release to count newcomers per release");
        return card;
    }
    card.figure = count(qint64(points.last().value));
    card.detail = QObject::tr("newcomers in %1").arg(points.last().label);
    if (sinceLastRelease > 0)
        card.detail += QObject::tr("; %1 more since %2, not yet released").arg(count(sinceLastRelease), points.last().label);
    setTrend(card, points, period == Period::Release ? ChangeStyle::Count : ChangeStyle::Relative);
    return card;
}

DashboardCard frictionCard(const QList<FrictionTrendPoint> &trend)
{
    DashboardCard card;
    card.key = QStringLiteral("friction");
    card.view = dashboardCardView(card.key);
    std::map<QString, TrendPoint> quarters;
    qint64 threads = 0;
    for (const FrictionTrendPoint &p : trend) {
        TrendPoint &q = quarters[quarterOfMonth(p.month)];
        q.label = quarterOfMonth(p.month);
        q.value += p.frictionThreads;
        threads += p.threads;
    }
    if (threads == 0) {
        card.missing = missingDashboardCard(card.key).missing;
        return card;
    }
    QList<TrendPoint> points;
    for (const auto &[label, point] : quarters)
        points.append(point);
    card.figure = count(qint64(points.last().value));
    // Mail that ends before the quarter does leaves it partial: compare the whole quarters before.
    const QString lastMonth = trend.last().month;
    if (lastMonth.mid(5, 2).toInt() % 3 != 0) {
        card.detail = QObject::tr("friction threads in %1 up to %2, where the mail ends").arg(points.last().label, lastMonth);
        card.trend = lastPoints(points);
        const QList<TrendPoint> whole = points.mid(0, points.size() - 1);
        if (whole.size() >= 2)
            card.change = QStringLiteral("%1: %2").arg(whole.last().label,
                                                       changeText(whole.last().value, whole[whole.size() - 2].value,
                                                                  whole[whole.size() - 2].label, ChangeStyle::Relative));
        return card;
    }
    card.detail = QObject::tr("friction threads in %1, the latest quarter with mail").arg(points.last().label);
    setTrend(card, points, ChangeStyle::Relative);
    return card;
}

DashboardCard coverageCard(const QList<CoverageSnapshot> &trend)
{
    DashboardCard card;
    card.key = QStringLiteral("coverage");
    card.view = dashboardCardView(card.key);
    QList<TrendPoint> points;
    for (const CoverageSnapshot &s : trend) {
        const auto bound = std::count_if(s.subsystems.begin(), s.subsystems.end(),
                                         [](const SubsystemCoverage &c) { return c.boundHeaders > 0; });
        points.append({s.release.tag, double(bound)});
    }
    if (points.isEmpty()) {
        card.missing = missingDashboardCard(card.key).missing;
        return card;
    }
    card.figure = count(qint64(points.last().value));
    card.detail = QObject::tr("of %1 subsystems at %2").arg(count(trend.last().subsystems.size()), points.last().label);
    setTrend(card, points, ChangeStyle::Count);
    return card;
}

DashboardCard monthlyCountCard(const QString &key, qint64 total, const QList<TrendPoint> &months, const QDate &lastDay)
{
    DashboardCard card;
    card.key = key;
    card.view = dashboardCardView(key);
    if (total <= 0) {
        card.missing = missingDashboardCard(key).missing;
        return card;
    }
    card.figure = count(total);
    card.trend = lastPoints(months);
    if (months.isEmpty())
        return card;
    const TrendPoint &last = months.last();
    const bool partial = lastDay.isValid() && lastDay.toString(QStringLiteral("yyyy-MM")) == last.label
                         && lastDay.day() < lastDay.daysInMonth();
    if (!partial) {
        card.detail = QObject::tr("%1 in %2, the latest month").arg(count(qint64(last.value)), last.label);
        setTrend(card, months, ChangeStyle::Relative);
        return card;
    }
    // A month cut short by the end of the data would read as a collapse: compare whole months.
    card.detail = QObject::tr("%1 in %2 up to %3, where the data end")
                      .arg(count(qint64(last.value)), last.label, lastDay.toString(Qt::ISODate));
    const QList<TrendPoint> whole = months.mid(0, months.size() - 1);
    if (whole.size() >= 2)
        card.change = QStringLiteral("%1: %2").arg(whole.last().label,
                                                   changeText(whole.last().value, whole[whole.size() - 2].value,
                                                              whole[whole.size() - 2].label, ChangeStyle::Relative));
    return card;
}

} // namespace kl::models
