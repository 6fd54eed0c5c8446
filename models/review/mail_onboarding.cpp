// The mail half of onboarding: each person's first post, first patch, first reply received and
// first merged patch; the funnel per cohort of first patches; who reviewed the newcomers.

#include "review_data.h"

#include <kernellens/models/review.h>

#include <QDateTime>
#include <QSet>

#include <algorithm>

namespace kl::models {

using Kind = report::Column::Kind;
using namespace review;

namespace {

constexpr qint64 kDay = 86400;
constexpr qint64 kAnsweredWithin = 30 * kDay;

struct Newcomer
{
    qint64 person = 0;
    QString name;
    qint64 firstPost = 0;
    const Chain *firstSet = nullptr;   // their earliest patch set
    qint64 firstMerged = 0;            // earliest merge of any of their sets
    qint64 lastPost = 0;
    bool inGit = false;
};

struct Cohort
{
    QString period;
    qint64 posted = 0, answered = 0, merged = 0, eligible6 = 0, active6 = 0, eligible12 = 0, active12 = 0, inGit = 0;
    qint64 postedSecond = 0, answeredSecond = 0, mergedSecond = 0;
};

QVariant rate(qint64 part, qint64 whole) { return whole ? QVariant(double(part) / double(whole)) : QVariant(); }

} // namespace

Result<report::Section> mailOnboardingSection(Store &store, const Filter &filter)
{
    auto loaded = loadChains(store);
    if (!loaded)
        return loaded.status();
    auto calendars = releaseCalendars(store, filter.releases);
    if (!calendars)
        return calendars.status();
    const QList<Chain> chains = loaded.value();
    const Period period = filter.period == Period::Release ? Period::Release : Period::Quarter;

    // Everyone's first and last post (on the filtered list, if any), and whether git knows them.
    QHash<qint64, Newcomer> people;
    qint64 dataEnd = 0;
    KL_TRY(store.db().forEachRow(
        QStringLiteral("SELECT m.from_person, min(m.date), max(m.date), p.name, "
                       "EXISTS(SELECT 1 FROM commits c WHERE c.author_person = m.from_person) "
                       "FROM messages m JOIN lists l ON l.id = m.list_id JOIN persons p ON p.id = m.from_person "
                       "WHERE m.date > 0 AND (? = '' OR l.name = ?) GROUP BY m.from_person"),
        // A null QString binds NULL, and NULL = '' is not true.
        {filter.list.isNull() ? QStringLiteral("") : filter.list, filter.list.isNull() ? QStringLiteral("") : filter.list},
        [&](const Statement &row) {
            Newcomer n;
            n.person = row.int64(0);
            n.firstPost = row.int64(1);
            n.lastPost = row.int64(2);
            n.name = row.text(3);
            n.inGit = row.int64(4) != 0;
            dataEnd = std::max(dataEnd, n.lastPost);
            people.insert(n.person, n);
        }));
    for (const Chain &c : chains) {
        if (!filter.list.isEmpty() && c.list != filter.list)
            continue;
        auto it = people.find(c.author);
        if (it == people.end())
            continue;
        if (!it->firstSet || c.firstPosted < it->firstSet->firstPosted)
            it->firstSet = &c;
        if (c.outcome == QLatin1String("merged") && c.mergedAt > 0 && (it->firstMerged == 0 || c.mergedAt < it->firstMerged))
            it->firstMerged = c.mergedAt;
    }

    // Activity after the first patch: any post 6 / 12 months later.
    QMap<QString, Cohort> cohorts;
    QList<const Newcomer *> newcomers;
    for (const Newcomer &n : std::as_const(people)) {
        if (!n.firstSet || !matches(*n.firstSet, filter))
            continue;
        newcomers << &n;
        const qint64 first = n.firstSet->firstPosted;
        const QString p = periodOf(first, period, calendars->forSource(n.firstSet->gitSource));
        Cohort &c = cohorts[p];
        c.period = p;
        const bool second = n.firstSet->language == QLatin1String("second");
        const bool answered = n.firstSet->firstReply > 0 && n.firstSet->firstReply - first <= kAnsweredWithin;
        const bool merged = n.firstMerged > 0;
        c.posted += 1;
        c.answered += answered;
        c.merged += merged;
        c.postedSecond += second;
        c.answeredSecond += second && answered;
        c.mergedSecond += second && merged;
        c.inGit += n.inGit;
        if (dataEnd - first >= 182 * kDay) {
            c.eligible6 += 1;
            c.active6 += n.lastPost - first >= 182 * kDay;
        }
        if (dataEnd - first >= 365 * kDay) {
            c.eligible12 += 1;
            c.active12 += n.lastPost - first >= 365 * kDay;
        }
    }
    QList<QString> order = cohorts.keys();
    sortPeriods(order, period, *calendars);
    QList<Cohort> rows;
    for (const QString &p : std::as_const(order))
        rows << cohorts.value(p);

    report::Section section;
    section.id = QStringLiteral("onboarding-mail");
    section.title = QStringLiteral("Onboarding from the lists");
    section.method = QStringLiteral(
        "A newcomer's cohort is the %1 of their first patch set on the archive (people active before the archive "
        "begins look new in its first months). Answered: someone else replied to that first set within 30 days. "
        "Merged: any of their patch sets was merged. Active 6 / 12 months later: they posted again at least that long "
        "after their first patch set (counted where the archive reaches that far). In git: the same person (shared "
        "identities, .mailmap) authored a commit in an ingested repository.")
        .arg(period == Period::Release ? QStringLiteral("development cycle") : QStringLiteral("quarter"));
    report::Table funnel;
    funnel.id = period == Period::Release ? QStringLiteral("onboarding-mail.by-release") : QStringLiteral("onboarding-mail.by-quarter");
    funnel.title = QStringLiteral("Newcomers on the lists: posted → answered → merged → still active");
    funnel.columns = {{QStringLiteral("cohort"), period == Period::Release ? QStringLiteral("Release") : QStringLiteral("Quarter"), Kind::Text},
                      {QStringLiteral("posted"), QStringLiteral("First patch posted"), Kind::Integer},
                      {QStringLiteral("answered"), QStringLiteral("Answered within 30 days"), Kind::Integer},
                      {QStringLiteral("merged"), QStringLiteral("Merged"), Kind::Integer},
                      {QStringLiteral("active_6_months"), QStringLiteral("Active 6 months later"), Kind::Percent},
                      {QStringLiteral("active_12_months"), QStringLiteral("Active 12 months later"), Kind::Percent},
                      {QStringLiteral("in_git"), QStringLiteral("Authors in git"), Kind::Integer},
                      {QStringLiteral("posted_second"), QStringLiteral("First patch in the second language"), Kind::Integer},
                      {QStringLiteral("answered_second"), QStringLiteral("… answered"), Kind::Integer},
                      {QStringLiteral("merged_second"), QStringLiteral("… merged"), Kind::Integer}};
    report::Chart chart;
    chart.id = QStringLiteral("onboarding-mail.funnel");
    chart.title = QStringLiteral("Newcomers on the lists: posted, answered, merged");
    chart.kind = report::Chart::Kind::Line;
    chart.xTitle = funnel.columns.first().title;
    chart.yTitle = QStringLiteral("Newcomers");
    chart.series = {{QStringLiteral("Posted a first patch"), {}}, {QStringLiteral("Answered within 30 days"), {}}, {QStringLiteral("Merged"), {}}};
    for (const Cohort &c : std::as_const(rows)) {
        funnel.rows.append(QVariantList{c.period, c.posted, c.answered, c.merged, rate(c.active6, c.eligible6),
                                        rate(c.active12, c.eligible12), c.inGit, c.postedSecond, c.answeredSecond, c.mergedSecond});
        chart.categories << c.period;
        chart.series[0].values << double(c.posted);
        chart.series[1].values << double(c.answered);
        chart.series[2].values << double(c.merged);
    }

    std::sort(newcomers.begin(), newcomers.end(), [](const Newcomer *a, const Newcomer *b) {
        return a->firstSet->firstPosted > b->firstSet->firstPosted;
    });
    report::Table persons;
    persons.id = QStringLiteral("onboarding-mail.people");
    persons.title = QStringLiteral("Newcomers, newest first");
    persons.columns = {{QStringLiteral("person"), QStringLiteral("Person"), Kind::Text},
                       {QStringLiteral("first_post"), QStringLiteral("First post"), Kind::DateTime},
                       {QStringLiteral("first_patch"), QStringLiteral("First patch"), Kind::DateTime},
                       {QStringLiteral("first_reply_received"), QStringLiteral("First reply received"), Kind::DateTime},
                       {QStringLiteral("first_merged"), QStringLiteral("First merged"), Kind::DateTime},
                       {QStringLiteral("language"), QStringLiteral("First patch language"), Kind::Text},
                       {QStringLiteral("first_patch_title"), QStringLiteral("First patch set"), Kind::Text}};
    for (const Newcomer *n : std::as_const(newcomers))
        persons.rows.append(QVariantList{n->name, dateTimeCell(n->firstPost), dateTimeCell(n->firstSet->firstPosted),
                                         dateTimeCell(n->firstSet->firstReply), dateTimeCell(n->firstMerged), n->firstSet->language,
                                         n->firstSet->title});

    // Who reviewed the newcomers' first patch sets.
    QHash<qint64, const Newcomer *> firstSetOf;
    for (const Newcomer *n : std::as_const(newcomers))
        for (qint64 s : n->firstSet->seriesIds)
            firstSetOf.insert(s, n);
    QHash<qint64, QPair<QString, QSet<qint64>>> reviewers;
    KL_TRY(store.db().forEachRow(QStringLiteral("SELECT r.series_id, r.person_id, p.name, p.email FROM series_reviewers r "
                                                "JOIN persons p ON p.id = r.person_id"),
                                 {}, [&](const Statement &row) {
                                     const Newcomer *n = firstSetOf.value(row.int64(0));
                                     if (!n)
                                         return;
                                     auto &r = reviewers[row.int64(1)];
                                     r.first = QStringLiteral("%1 <%2>").arg(row.text(2), row.text(3));
                                     r.second.insert(n->person);
                                 }));
    QList<QPair<QString, QSet<qint64>>> ranked = reviewers.values();
    std::sort(ranked.begin(), ranked.end(), [](const auto &a, const auto &b) {
        return std::make_tuple(b.second.size(), a.first) < std::make_tuple(a.second.size(), b.first);
    });
    report::Table who;
    who.id = QStringLiteral("onboarding-mail.reviewers");
    who.title = QStringLiteral("Who reviewed newcomers' first patch sets");
    who.columns = {{QStringLiteral("reviewer"), QStringLiteral("Reviewer"), Kind::Text},
                   {QStringLiteral("newcomers"), QStringLiteral("Newcomers reviewed"), Kind::Integer}};
    for (qsizetype i = 0; i < std::min<qsizetype>(20, ranked.size()); ++i)
        who.rows.append(QVariantList{ranked[i].first, qint64(ranked[i].second.size())});
    section.tables = {funnel, persons, who};
    section.charts = {chart};
    return section;
}

} // namespace kl::models
