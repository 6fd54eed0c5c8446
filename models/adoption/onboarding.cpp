#include <kernellens/models/onboarding.h>
#include <kernellens/models/review.h>

#include "git_facts.h"
#include "src/release_view.h"

#include <QDateTime>
#include <QHash>
#include <QSet>
#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace kl::models {

namespace {

struct PersonCommit
{
    qint64 id;
    qint64 time;
    int ordinal;    // index of the shown release it counts under (version order); -1 unreleased
};

QDateTime utc(qint64 seconds)
{
    return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC);
}

QString quarterOf(const QDate &d)
{
    return QStringLiteral("%1-Q%2").arg(d.year()).arg((d.month() - 1) / 3 + 1);
}

QDate quarterStart(const QDate &d)
{
    return QDate(d.year(), ((d.month() - 1) / 3) * 3 + 1, 1);
}

double median(QList<double> v)
{
    if (v.isEmpty())
        return qQNaN();
    std::sort(v.begin(), v.end());
    const qsizetype n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

} // namespace

Result<OnboardingResult> onboarding(Store &store, const Filter &filter)
{
    Database &db = store.db();
    auto source = gitfacts::primarySource(db);
    if (!source)
        return source.status();
    OnboardingResult result;
    result.sourceId = source->id;
    result.secondLanguage = source->secondLanguage;
    const qint64 sid = source->id;
    const bool byRelease = filter.period == Period::Release;

    // The releases shown (feature releases by default); a commit of another counts under its own.
    auto view = ReleaseView::load(db, sid, filter.releases);
    if (!view)
        return view.status();
    const QList<ShownRelease> &releases = view->shown();
    result.releasesShown = int(releases.size());
    result.releasesTotal = view->totalReleases();
    result.featureReleases = filter.releases == ReleaseSet::Feature && view->classified();

    std::unordered_set<qint64> touchesSecond;
    KL_TRY(gitfacts::forEachRow(db, QStringLiteral(
        // CROSS JOIN fixes the order (second-language paths, their rows, their commits): left to
        // itself SQLite probed commit_files once per (path, commit of the source), 220 s on 300k commits.
        "SELECT DISTINCT f.commit_id FROM git_paths p CROSS JOIN commit_files f ON f.path_id = p.id"
        " CROSS JOIN commits c ON c.id = f.commit_id WHERE c.source_id = ?1 AND p.language = ?2"), {sid, result.secondLanguage},
        [&](Statement &row) { touchesSecond.insert(row.int64(0)); }));

    // Non-merge commits per person in authoring order (LWN/gitdm count changesets, not merges).
    QHash<qint64, QList<PersonCommit>> byPerson;
    qint64 lastTime = 0;
    KL_TRY(gitfacts::forEachRow(db, QStringLiteral(
        "SELECT c.author_person, c.id, c.author_time, coalesce(c.release_id, 0) FROM commits c"
        " WHERE c.source_id = ? AND c.parents <= 1"
        " ORDER BY c.author_person, c.author_time, c.id"), {sid},
        [&](Statement &row) {
            // The shown release the commit counts under, as an index in version order (-1: unreleased).
            const int shown = view->indexOf(view->rollup(row.int64(3)));
            byPerson[row.int64(0)].append(PersonCommit{row.int64(1), row.int64(2), shown});
            lastTime = std::max(lastTime, row.int64(2));
        }));
    const QDateTime dataEnd = utc(lastTime);

    QMap<QString, OnboardingCohort> cohorts;          // key sorts chronologically
    QHash<QString, QList<double>> daysToSecond;
    auto keyOfRelease = [&](int ordinal) {
        return ordinal < 0 ? QStringLiteral("~unreleased") : QStringLiteral("%1").arg(ordinal, 8, 10, QLatin1Char('0'));
    };
    for (auto it = byPerson.cbegin(); it != byPerson.cend(); ++it) {
        const QList<PersonCommit> &commits = it.value();
        const PersonCommit &first = commits.first();
        const QDateTime firstTime = utc(first.time);
        QString key;
        QString label;
        QDate date;
        if (byRelease) {
            // LWN's first-time contributors: the first release that contains any of their work.
            int ordinal = -1;
            for (const PersonCommit &c : commits)
                if (c.ordinal >= 0 && (ordinal < 0 || c.ordinal < ordinal))
                    ordinal = c.ordinal;
            key = keyOfRelease(ordinal);
            label = ordinal < 0 ? QStringLiteral("(unreleased)") : releases.value(ordinal).tag;
            date = ordinal < 0 ? QDate() : releases.value(ordinal).date;
        } else {
            date = quarterStart(firstTime.date());
            key = date.toString(Qt::ISODate);
            label = quarterOf(date);
        }
        if (date.isValid() && ((filter.since.isValid() && date < quarterStart(filter.since)) || (filter.until.isValid() && date > filter.until)))
            continue;
        OnboardingCohort &cohort = cohorts[key];
        cohort.period = label;
        cohort.date = date;
        cohort.newcomers += 1;
        if (touchesSecond.count(first.id))
            cohort.firstTouchedSecond += 1;
        if (std::any_of(commits.begin(), commits.end(), [&](const PersonCommit &c) { return touchesSecond.count(c.id) > 0; }))
            cohort.everTouchedSecond += 1;
        const QDateTime from = firstTime.addMonths(6), to = firstTime.addMonths(12);
        if (to <= dataEnd) {
            cohort.retentionEligible += 1;
            if (std::any_of(commits.begin(), commits.end(), [&](const PersonCommit &c) {
                    const QDateTime t = utc(c.time);
                    return t >= from && t <= to;
                }))
                cohort.retained += 1;
        }
        if (commits.size() > 1) {
            cohort.withSecondCommit += 1;
            daysToSecond[key].append(double(commits[1].time - first.time) / 86400.0);
        }
    }
    // Quarters without newcomers still appear, so charts have an even axis.
    if (!byRelease && !cohorts.isEmpty()) {
        QDate d = QDate::fromString(cohorts.firstKey(), Qt::ISODate);
        const QDate last = QDate::fromString(cohorts.lastKey(), Qt::ISODate);
        for (; d.isValid() && d < last; d = d.addMonths(3)) {
            OnboardingCohort &c = cohorts[d.toString(Qt::ISODate)];
            c.period = quarterOf(d);
            c.date = d;
        }
    }
    if (byRelease) {
        for (int i = 0; i < releases.size(); ++i) {
            if ((filter.since.isValid() && releases[i].date < filter.since) || (filter.until.isValid() && releases[i].date > filter.until))
                continue;
            OnboardingCohort &c = cohorts[keyOfRelease(i)];
            c.period = releases[i].tag;
            c.date = releases[i].date;
        }
    }
    for (auto it = cohorts.begin(); it != cohorts.end(); ++it) {
        it->medianDaysToSecond = median(daysToSecond.value(it.key()));
        result.cohorts.append(it.value());
    }
    return result;
}

report::Section onboardingSection(const OnboardingResult &r, Period period)
{
    using Kind = report::Column::Kind;
    const bool byRelease = period == Period::Release;
    const QString second = r.secondLanguage;
    report::Section section;
    section.id = QStringLiteral("onboarding");
    section.title = QStringLiteral("Onboarding from git");
    section.method = QStringLiteral(
        "A newcomer is a person (identities merged through .mailmap and exact e-mail) counted in the cohort of %1. "
        "Merges are not contributions. Entered through %2: their first commit touches a %2 file. Retention: a commit "
        "again 6 to 12 months after the first, over the newcomers whose 12-month window ends before the data does. "
        "Median days from the first to the second commit, over newcomers with a second commit.")
        .arg(byRelease ? QStringLiteral("the first release containing any of their commits (LWN's first-time contributors)")
                       : QStringLiteral("the quarter of their first commit (author date)"),
             second)
        + (byRelease ? releaseSetNote(r.featureReleases, r.releasesShown, r.releasesTotal) : QString());

    report::Table table;
    table.id = byRelease ? QStringLiteral("onboarding.by-release") : QStringLiteral("onboarding.by-quarter");
    table.title = byRelease ? QStringLiteral("First-time contributors per release") : QStringLiteral("Newcomers per quarter");
    table.columns = {
        {QStringLiteral("cohort"), byRelease ? QStringLiteral("Release") : QStringLiteral("Quarter"), Kind::Text},
        {QStringLiteral("date"), QStringLiteral("Date"), Kind::Date},
        {QStringLiteral("newcomers"), QStringLiteral("Newcomers"), Kind::Integer},
        {QStringLiteral("second"), QStringLiteral("First commit touches %1").arg(second), Kind::Integer},
        {QStringLiteral("ever_second"), QStringLiteral("Ever touched %1").arg(second), Kind::Integer},
        {QStringLiteral("retention_eligible"), QStringLiteral("Retention measurable"), Kind::Integer},
        {QStringLiteral("retained"), QStringLiteral("Active 6-12 months later"), Kind::Integer},
        {QStringLiteral("retention"), QStringLiteral("Retention"), Kind::Percent},
        {QStringLiteral("with_second_commit"), QStringLiteral("With a second commit"), Kind::Integer},
        {QStringLiteral("median_days_to_second"), QStringLiteral("Median days to second commit"), Kind::Real},
    };
    report::Chart bars;
    bars.id = QStringLiteral("onboarding.newcomers");
    bars.title = QStringLiteral("Newcomers, by the language of their first commit");
    bars.kind = report::Chart::Kind::StackedBar;
    bars.xTitle = byRelease ? QStringLiteral("Release") : QStringLiteral("Quarter");
    bars.yTitle = QStringLiteral("Newcomers");
    report::Chart retention;
    retention.id = QStringLiteral("onboarding.retention");
    retention.title = QStringLiteral("Retention (a commit again 6-12 months later)");
    retention.kind = report::Chart::Kind::Line;
    retention.percent = true;
    retention.xTitle = bars.xTitle;
    retention.yTitle = QStringLiteral("Retained");
    report::Series via{QStringLiteral("First commit touches %1").arg(second), {}};
    report::Series other{QStringLiteral("Other first commits"), {}};
    report::Series kept{QStringLiteral("Retention"), {}};
    for (const OnboardingCohort &c : r.cohorts) {
        const QVariant rate = c.retentionEligible > 0 ? QVariant(double(c.retained) / double(c.retentionEligible)) : QVariant();
        table.rows.append(QVariantList{c.period, c.date.isValid() ? QVariant(c.date) : QVariant(), c.newcomers,
                                       c.firstTouchedSecond, c.everTouchedSecond, c.retentionEligible, c.retained, rate,
                                       c.withSecondCommit,
                                       std::isnan(c.medianDaysToSecond) ? QVariant() : QVariant(c.medianDaysToSecond)});
        bars.categories.append(c.period);
        retention.categories.append(c.period);
        via.values.append(double(c.firstTouchedSecond));
        other.values.append(double(c.newcomers - c.firstTouchedSecond));
        kept.values.append(rate.isNull() ? qQNaN() : rate.toDouble());
    }
    bars.series = {other, via};
    retention.series = {kept};
    section.tables = {table};
    section.charts = {bars, retention};
    return section;
}

Result<report::Section> onboardingSection(Store &store, const Filter &filter)
{
    auto result = onboarding(store, filter);
    if (!result)
        return result.status();
    report::Section section = onboardingSection(*result, filter.period == Period::Release ? Period::Release : Period::Quarter);
    // The mail half (docs/review.md): the same people through identities shared with git.
    auto mail = mailOnboardingSection(store, filter);
    if (!mail)
        return mail.status();
    section.title = QStringLiteral("Onboarding from git and the lists");
    section.method += QLatin1Char(' ') + mail->method;
    section.tables += mail->tables;
    section.charts += mail->charts;
    return section;
}

} // namespace kl::models
