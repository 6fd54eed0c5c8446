// The Dashboard's cards read from the store: which data are there, monthly counts of mail, and
// the analyses (adoption, onboarding, coverage, friction) the full views show.

#include <kernellens/models/dashboard.h>

#include <kernellens/index/store.h>

#include <QDateTime>
#include <QLocale>
#include <QObject>

#include <algorithm>

namespace kl::models {

namespace {

Result<qint64> countOf(Database &db, const QString &sql)
{
    auto n = db.scalar(sql);
    if (!n)
        return n.status();
    return n->toLongLong();
}

Result<bool> hasGitSource(Database &db)
{
    auto n = countOf(db, QStringLiteral("SELECT count(*) FROM sources WHERE kind = 'git'"));
    if (!n)
        return n.status();
    return *n > 0;
}

QVariant epochOf(const QDate &day)
{
    return day.isValid() ? QVariant(day.startOfDay(Qt::UTC).toSecsSinceEpoch()) : QVariant();
}

// Rows per month of `dateColumn` through the filter's list and dates; undated rows count in
// the total (when no date bound is set) but have no month.
struct MonthlyCounts
{
    qint64 total = 0;
    QList<TrendPoint> months;   // oldest first
    QDate lastDay;              // of the newest dated row
};

Result<MonthlyCounts> monthlyCounts(Database &db, const QString &from, const QString &dateColumn,
                                    const QString &listColumn, const Filter &filter)
{
    const QString sql = QStringLiteral(
        "SELECT strftime('%Y-%m', %1, 'unixepoch'), count(*), max(%1) FROM %2"
        " WHERE (?1 = '' OR %3 = (SELECT id FROM lists WHERE name = ?1))"
        " AND (?2 IS NULL OR %1 >= ?2) AND (?3 IS NULL OR %1 < ?3) GROUP BY 1 ORDER BY 1")
                            .arg(dateColumn, from, listColumn);
    const QVariantList params = {filter.list.isNull() ? QStringLiteral("") : filter.list,
                                 epochOf(filter.since),
                                 epochOf(filter.until.isValid() ? filter.until.addDays(1) : QDate())};
    MonthlyCounts out;
    KL_TRY(db.forEachRow(sql, params, [&](const Statement &row) {
        out.total += row.int64(1);
        if (row.isNull(0))
            return;
        out.months.append({row.text(0), double(row.int64(1))});
        out.lastDay = QDateTime::fromSecsSinceEpoch(row.int64(2), Qt::UTC).date();
    }));
    return out;
}

Result<DashboardCard> mailCard(Store &store, const QString &key, const Filter &filter)
{
    Database &db = store.db();
    Result<MonthlyCounts> counts =
        key == QLatin1String("messages")
            ? monthlyCounts(db, QStringLiteral("messages m"), QStringLiteral("m.date"), QStringLiteral("m.list_id"), filter)
        : key == QLatin1String("threads")
            ? monthlyCounts(db, QStringLiteral("threads t"), QStringLiteral("t.first_date"), QStringLiteral("t.list_id"), filter)
            : monthlyCounts(db, QStringLiteral("patches p JOIN messages m ON m.id = p.message_id"), QStringLiteral("m.date"),
                            QStringLiteral("m.list_id"), filter);
    if (!counts)
        return counts.status();
    return monthlyCountCard(key, counts->total, counts->months, counts->lastDay);
}

Result<DashboardCard> sourcesCard(Store &store)
{
    QStringList kinds;   // "1 git · 2 mbox"
    qint64 sources = 0;
    KL_TRY(store.db().forEachRow(QStringLiteral("SELECT kind, count(*) FROM sources GROUP BY kind ORDER BY kind"), {},
                                 [&](const Statement &row) {
                                     sources += row.int64(1);
                                     kinds << QStringLiteral("%1 %2").arg(QLocale().toString(row.int64(1)), row.text(0));
                                 }));
    if (sources == 0)
        return missingDashboardCard(QStringLiteral("sources"));
    DashboardCard card;
    card.key = QStringLiteral("sources");
    card.view = dashboardCardView(card.key);
    card.figure = QLocale().toString(sources);
    card.detail = kinds.join(QStringLiteral(" · "));
    auto warnings = countOf(store.db(), QStringLiteral("SELECT count(*) FROM parse_warnings"));
    if (warnings && *warnings > 0)
        card.detail += QObject::tr("; %1 parse warnings").arg(QLocale().toString(*warnings));
    return card;
}

Result<DashboardCard> newcomers(Store &store, Filter filter)
{
    filter.period = filter.period == Period::Release ? Period::Release : Period::Quarter;
    auto result = onboarding(store, filter);
    if (!result)
        return result.status();
    const bool anyRelease = std::any_of(result->cohorts.begin(), result->cohorts.end(),
                                        [](const OnboardingCohort &c) { return c.date.isValid(); });
    if (filter.period == Period::Release && !anyRelease && !result->cohorts.isEmpty()) {
        // No tag yet: quarters tell the story a single "(unreleased)" cohort cannot.
        filter.period = Period::Quarter;
        result = onboarding(store, filter);
        if (!result)
            return result.status();
    }
    return newcomersCard(*result, filter.period);
}

} // namespace

Result<DashboardCard> dashboardCard(Store &store, const QString &key, const Filter &filter)
{
    if (key == QLatin1String("sources"))
        return sourcesCard(store);
    if (key == QLatin1String("messages") || key == QLatin1String("threads") || key == QLatin1String("patches"))
        return mailCard(store, key, filter);
    if (key == QLatin1String("friction")) {
        auto messages = countOf(store.db(), QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM messages LIMIT 1)"));
        if (!messages)
            return messages.status();
        if (*messages == 0)
            return missingDashboardCard(key);
        auto trend = frictionTrend(store, filter);
        if (!trend)
            return trend.status();
        return frictionCard(*trend);
    }
    auto git = hasGitSource(store.db());
    if (!git)
        return git.status();
    if (!*git)
        return missingDashboardCard(key);
    if (key == QLatin1String("share")) {
        Filter f = filter;
        f.period = Period::Release;
        auto result = adoption(store, f);
        if (!result)
            return result.status();
        return shareCard(*result);
    }
    if (key == QLatin1String("newcomers"))
        return newcomers(store, filter);
    if (key == QLatin1String("coverage")) {
        auto trend = coverageTrend(store);
        if (!trend)
            return trend.status();
        DashboardCard card = coverageCard(*trend);
        if (card.isMissing())
            card.missing = QObject::tr("No release of the git repository has a bindings inventory yet");
        return card;
    }
    return Status::error(QObject::tr("unknown dashboard card %1").arg(key));
}

} // namespace kl::models
