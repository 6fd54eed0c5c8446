// Section "review": outcome shares, latencies, revisions to merge, per period and language, per
// list and subsystem, and the reviewers who carry the review.

#include "review_data.h"

#include <kernellens/models/review.h>

#include <QMap>

#include <algorithm>

namespace kl::models {

using Kind = report::Column::Kind;
using namespace review;

namespace {

const QStringList kOutcomes{QStringLiteral("merged"), QStringLiteral("rejected"), QStringLiteral("pending"),
                            QStringLiteral("ignored")};

QString languageLabel(const QString &language, const QString &second)
{
    if (language == QLatin1String("second"))
        return second;
    if (language == QLatin1String("c"))
        return QStringLiteral("C");
    return language == QLatin1String("all") ? QStringLiteral("all") : QStringLiteral("other");
}

// The figures of one group of patch sets.
struct Figures
{
    qint64 sets = 0;
    QHash<QString, qint64> outcomes;
    qint64 supersededVersions = 0;
    QList<double> firstReply, firstReview, mergeDays, revisions;

    void add(const Chain &c)
    {
        sets += 1;
        outcomes[c.outcome] += 1;
        supersededVersions += c.supersededVersions;
        if (auto h = c.hoursTo(c.firstReply))
            firstReply << *h;
        if (auto h = c.hoursTo(c.firstReview))
            firstReview << *h;
        if (c.outcome == QLatin1String("merged")) {
            if (auto h = c.hoursTo(c.mergedAt))
                mergeDays << *h / 24.0;
            revisions << double(c.versions);
        }
    }
    QVariant share(const QString &outcome) const
    {
        return sets ? QVariant(double(outcomes.value(outcome)) / double(sets)) : QVariant();
    }
    static QVariant rounded(const std::optional<double> &v) { return v ? QVariant(std::round(*v * 10) / 10) : QVariant(); }
    QVariantList cells() const
    {
        return {sets, outcomes.value(QStringLiteral("merged")), outcomes.value(QStringLiteral("rejected")),
                outcomes.value(QStringLiteral("pending")), outcomes.value(QStringLiteral("ignored")), supersededVersions,
                share(QStringLiteral("merged")), share(QStringLiteral("ignored")),
                rounded(percentile(firstReply, 50)), rounded(percentile(firstReply, 90)),
                rounded(percentile(firstReview, 50)), rounded(percentile(firstReview, 90)),
                rounded(percentile(mergeDays, 50)), rounded(percentile(mergeDays, 90)), rounded(percentile(revisions, 50))};
    }
};

QList<report::Column> figureColumns()
{
    return {{QStringLiteral("patch_sets"), QStringLiteral("Patch sets"), Kind::Integer},
            {QStringLiteral("merged"), QStringLiteral("Merged"), Kind::Integer},
            {QStringLiteral("rejected"), QStringLiteral("Rejected"), Kind::Integer},
            {QStringLiteral("pending"), QStringLiteral("Pending"), Kind::Integer},
            {QStringLiteral("ignored"), QStringLiteral("Ignored"), Kind::Integer},
            {QStringLiteral("superseded_versions"), QStringLiteral("Superseded versions"), Kind::Integer},
            {QStringLiteral("merged_share"), QStringLiteral("Merged share"), Kind::Percent},
            {QStringLiteral("ignored_share"), QStringLiteral("Ignored share"), Kind::Percent},
            {QStringLiteral("first_reply_median_hours"), QStringLiteral("First reply, median h"), Kind::Real},
            {QStringLiteral("first_reply_p90_hours"), QStringLiteral("First reply, p90 h"), Kind::Real},
            {QStringLiteral("first_review_median_hours"), QStringLiteral("First review, median h"), Kind::Real},
            {QStringLiteral("first_review_p90_hours"), QStringLiteral("First review, p90 h"), Kind::Real},
            {QStringLiteral("merge_median_days"), QStringLiteral("To merge, median days"), Kind::Real},
            {QStringLiteral("merge_p90_days"), QStringLiteral("To merge, p90 days"), Kind::Real},
            {QStringLiteral("revisions_to_merge"), QStringLiteral("Versions to merge, median"), Kind::Real}};
}

report::Table groupedTable(const QString &id, const QString &title, const QList<report::Column> &keys,
                           const QList<QPair<QVariantList, Figures>> &groups)
{
    report::Table t;
    t.id = id;
    t.title = title;
    t.columns = keys + figureColumns();
    for (const auto &[key, figures] : groups)
        t.rows.append(key + figures.cells());
    return t;
}

Result<QString> secondLanguageName(Store &store)
{
    auto v = store.db().scalar(QStringLiteral("SELECT second_language FROM git_settings ORDER BY source_id LIMIT 1"));
    if (!v)
        return v.status();
    return v->isNull() ? QStringLiteral("Rust") : v->toString();
}

report::Table reviewersTable(Store &store, const QList<Chain> &chains, const QString &second, Status *status)
{
    QHash<qint64, const Chain *> chainOfSeries;
    for (const Chain &c : chains)
        for (qint64 s : c.seriesIds)
            chainOfSeries.insert(s, &c);
    struct Reviewer { QString name; QSet<const Chain *> sets, secondSets; qint64 trailers = 0, replies = 0; };
    QHash<qint64, Reviewer> reviewers;
    QSet<const Chain *> reviewed;
    *status = store.db().forEachRow(
        QStringLiteral("SELECT r.series_id, r.person_id, r.trailers, r.replies, p.name, p.email FROM series_reviewers r "
                       "JOIN persons p ON p.id = r.person_id"),
        {}, [&](const Statement &row) {
            const Chain *c = chainOfSeries.value(row.int64(0));
            if (!c)
                return; // filtered out
            Reviewer &r = reviewers[row.int64(1)];
            r.name = QStringLiteral("%1 <%2>").arg(row.text(4), row.text(5));
            r.sets.insert(c);
            if (c->language == QLatin1String("second"))
                r.secondSets.insert(c);
            r.trailers += row.int64(2);
            r.replies += row.int64(3);
            reviewed.insert(c);
        });
    QList<Reviewer> ranked = reviewers.values();
    std::sort(ranked.begin(), ranked.end(), [](const Reviewer &a, const Reviewer &b) {
        return std::make_tuple(b.sets.size(), b.trailers, a.name) < std::make_tuple(a.sets.size(), a.trailers, b.name);
    });
    // Bus factor of review: the fewest reviewers who between them reviewed half the reviewed sets.
    QSet<const Chain *> covered;
    int busFactor = 0;
    for (const Reviewer &r : std::as_const(ranked)) {
        if (covered.size() * 2 >= reviewed.size())
            break;
        covered.unite(r.sets);
        ++busFactor;
    }
    report::Table t;
    t.id = QStringLiteral("review.reviewers");
    t.title = QStringLiteral("Who carries the review");
    t.columns = {{QStringLiteral("reviewer"), QStringLiteral("Reviewer"), Kind::Text},
                 {QStringLiteral("patch_sets"), QStringLiteral("Patch sets reviewed"), Kind::Integer},
                 {QStringLiteral("share"), QStringLiteral("Share of reviewed sets"), Kind::Percent},
                 {QStringLiteral("second_sets"), QStringLiteral("%1 sets reviewed").arg(second), Kind::Integer},
                 {QStringLiteral("trailers"), QStringLiteral("Reviewed/Acked/Tested-by given"), Kind::Integer},
                 {QStringLiteral("replies"), QStringLiteral("Replies"), Kind::Integer}};
    for (qsizetype i = 0; i < std::min<qsizetype>(25, ranked.size()); ++i) {
        const Reviewer &r = ranked[i];
        t.rows.append(QVariantList{r.name, qint64(r.sets.size()),
                                   reviewed.isEmpty() ? QVariant() : QVariant(double(r.sets.size()) / double(reviewed.size())),
                                   qint64(r.secondSets.size()), r.trailers, r.replies});
    }
    t.note = QStringLiteral("A reviewer replied to a patch set or gave it a Reviewed-by, Acked-by or Tested-by on the list. "
                            "%1 of %2 patch sets got review from someone other than the author; bus factor of review "
                            "(fewest reviewers covering half of them): %3.")
                 .arg(reviewed.size()).arg(chains.size()).arg(busFactor);
    return t;
}

} // namespace

Result<report::Section> reviewSection(Store &store, const Filter &filter)
{
    auto loaded = loadChains(store);
    if (!loaded)
        return loaded.status();
    auto calendars = releaseCalendars(store, filter.releases);
    if (!calendars)
        return calendars.status();
    auto second = secondLanguageName(store);
    if (!second)
        return second.status();
    const Period period = filter.period == Period::Release ? Period::Release : Period::Month;
    QList<Chain> chains;
    for (const Chain &c : std::as_const(loaded.value()))
        if (matches(c, filter))
            chains << c;
    std::reverse(chains.begin(), chains.end()); // oldest first for the period tables

    report::Section section;
    section.id = QStringLiteral("review");
    section.title = QStringLiteral("Patch review");
    section.method = QStringLiteral(
        "A patch set is a series through its versions (v1 … vN, chained by b4 change-id or by title and author). It is "
        "merged when a commit was linked to one of its patches (Link:/Message-ID: trailer, applied notice, git patch-id, "
        "author and date, or subject; docs/review.md), superseded when a later version was posted, rejected after a NAK "
        "or an explicit refusal by someone else, ignored when nobody but the author replied within %1 days, else pending. "
        "Latencies run from the first posting of v1: first reply by someone else, first Reviewed-by/Acked-by given on "
        "the list, first commit. Periods are the %2 of the first posting. Medians and p90 are nearest-rank.")
        .arg(30).arg(period == Period::Release ? QStringLiteral("development cycle (next release)") : QStringLiteral("month"));

    QList<QString> periods;
    QHash<QString, QHash<QString, Figures>> byPeriod; // period -> language -> figures
    QMap<QString, Figures> byList, byLanguage;
    QHash<QString, Figures> bySubsystem;
    for (const Chain &c : std::as_const(chains)) {
        const QString p = periodOf(c.firstPosted, period, calendars->forSource(c.gitSource));
        if (!byPeriod.contains(p))
            periods << p;
        byPeriod[p][QStringLiteral("all")].add(c);
        byPeriod[p][c.language].add(c);
        byList[c.list].add(c);
        byLanguage[c.language].add(c);
        for (const QString &s : c.subsystems)
            bySubsystem[s].add(c);
    }
    sortPeriods(periods, period, *calendars);

    const report::Column periodColumn{QStringLiteral("period"), period == Period::Release ? QStringLiteral("Release") : QStringLiteral("Month"), Kind::Text};
    const report::Column languageColumn{QStringLiteral("language"), QStringLiteral("Language"), Kind::Text};
    QList<QPair<QVariantList, Figures>> rows;
    for (const QString &p : std::as_const(periods))
        for (const char *language : {"all", "second", "c", "other"})
            if (byPeriod[p].contains(QLatin1String(language)))
                rows.append({{p, languageLabel(QLatin1String(language), *second)}, byPeriod[p][QLatin1String(language)]});
    section.tables << groupedTable(period == Period::Release ? QStringLiteral("review.by-release") : QStringLiteral("review.by-month"),
                                   QStringLiteral("Patch sets per %1, %2 vs C").arg(periodColumn.title.toLower(), *second),
                                   {periodColumn, languageColumn}, rows);
    rows.clear();
    for (auto it = byLanguage.cbegin(); it != byLanguage.cend(); ++it)
        rows.append({{languageLabel(it.key(), *second)}, it.value()});
    section.tables << groupedTable(QStringLiteral("review.by-language"), QStringLiteral("%1 vs C").arg(*second), {languageColumn}, rows);
    rows.clear();
    for (auto it = byList.cbegin(); it != byList.cend(); ++it)
        rows.append({{it.key()}, it.value()});
    section.tables << groupedTable(QStringLiteral("review.by-list"), QStringLiteral("Per list"),
                                   {{QStringLiteral("list"), QStringLiteral("List"), Kind::Text}}, rows);
    QList<QString> subsystems = bySubsystem.keys();
    std::sort(subsystems.begin(), subsystems.end(), [&](const QString &a, const QString &b) {
        return std::tie(bySubsystem[b].sets, a) < std::tie(bySubsystem[a].sets, b);
    });
    rows.clear();
    for (qsizetype i = 0; i < std::min<qsizetype>(40, subsystems.size()); ++i)
        rows.append({{subsystems[i]}, bySubsystem[subsystems[i]]});
    section.tables << groupedTable(QStringLiteral("review.by-subsystem"), QStringLiteral("Per subsystem (the 40 with most patch sets)"),
                                   {{QStringLiteral("subsystem"), QStringLiteral("Subsystem"), Kind::Text}}, rows);
    Status status;
    section.tables << reviewersTable(store, chains, *second, &status);
    if (!status)
        return status;

    report::Chart outcomes;
    outcomes.id = QStringLiteral("review.outcomes");
    outcomes.title = QStringLiteral("Patch sets by outcome");
    outcomes.kind = report::Chart::Kind::StackedBar;
    outcomes.xTitle = periodColumn.title;
    outcomes.yTitle = QStringLiteral("Patch sets");
    report::Chart latency;
    latency.id = QStringLiteral("review.first-reply");
    latency.title = QStringLiteral("Median hours to the first reply, %1 vs C").arg(*second);
    latency.xTitle = periodColumn.title;
    latency.yTitle = QStringLiteral("Hours");
    report::Chart merged;
    merged.id = QStringLiteral("review.merged-share");
    merged.title = QStringLiteral("Share of patch sets merged, %1 vs C").arg(*second);
    merged.percent = true;
    merged.xTitle = periodColumn.title;
    merged.yTitle = QStringLiteral("Merged");
    for (const QString &o : kOutcomes)
        outcomes.series.append({o, {}});
    latency.series = {{*second, {}}, {QStringLiteral("C"), {}}};
    merged.series = latency.series;
    for (const QString &p : std::as_const(periods)) {
        outcomes.categories << p;
        latency.categories << p;
        merged.categories << p;
        for (qsizetype i = 0; i < kOutcomes.size(); ++i)
            outcomes.series[i].values << double(byPeriod[p][QStringLiteral("all")].outcomes.value(kOutcomes[i]));
        int i = 0;
        for (const char *language : {"second", "c"}) {
            const Figures f = byPeriod[p].value(QLatin1String(language));
            const auto median = percentile(f.firstReply, 50);
            latency.series[i].values << (median ? *median : qQNaN());
            merged.series[i].values << (f.sets ? double(f.outcomes.value(QStringLiteral("merged"))) / double(f.sets) : qQNaN());
            ++i;
        }
    }
    section.charts = {outcomes, merged, latency};
    return section;
}

} // namespace kl::models
