#include "review_data.h"
#include "src/release_view.h"

#include <QDateTime>

#include <algorithm>
#include <limits>

namespace kl::models::review {

Result<QList<Version>> loadVersions(Store &store)
{
    QList<Version> versions;
    KL_TRY(store.db().forEachRow(
        QStringLiteral(
            "SELECT r.series_id, r.chain_first, r.versions, r.outcome, r.commits, ifnull(r.merged_at, 0), ifnull(rel.tag, ''), "
            "ifnull(rel.ordinal, -1), ifnull(r.first_reply_at, 0), ifnull(r.first_review_at, 0), ifnull(s.first_date, 0), "
            "r.language, r.subsystems, r.replies, s.patch_count, l.name, s.title, ifnull(s.author_person, 0), "
            "ifnull(p.name, ''), ifnull(p.email, ''), s.version, ifnull(r.git_source, 0) "
            "FROM series_review r JOIN series s ON s.id = r.series_id JOIN lists l ON l.id = s.list_id "
            "LEFT JOIN persons p ON p.id = s.author_person LEFT JOIN releases rel ON rel.id = r.release_id"),
        {}, [&](const Statement &row) {
            Version v;
            v.seriesId = row.int64(0);
            v.chainFirst = row.int64(1);
            v.versionsUpToHere = int(row.int64(2));
            v.outcome = row.text(3);
            v.commits = row.int64(4);
            v.mergedAt = row.int64(5);
            v.release = row.text(6);
            v.releaseOrdinal = int(row.int64(7));
            v.firstReply = row.int64(8);
            v.firstReview = row.int64(9);
            v.posted = row.int64(10);
            v.language = row.text(11);
            v.subsystems = row.text(12).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
            v.replies = row.int64(13);
            v.patches = row.int64(14);
            v.list = row.text(15);
            v.title = row.text(16);
            v.author = row.int64(17);
            v.authorName = row.text(18);
            v.authorEmail = row.text(19);
            v.version = int(row.int64(20));
            v.gitSource = row.int64(21);
            versions << v;
        }));
    return versions;
}

namespace {

void keepEarliest(qint64 &slot, qint64 t)
{
    if (t > 0 && (slot == 0 || t < slot))
        slot = t;
}

} // namespace

QList<Chain> chainsOf(const QList<Version> &versions)
{
    QHash<qint64, QList<const Version *>> byFirst;
    for (const Version &v : versions)
        byFirst[v.chainFirst] << &v;
    QList<Chain> chains;
    chains.reserve(byFirst.size());
    for (auto it = byFirst.begin(); it != byFirst.end(); ++it) {
        QList<const Version *> &members = it.value();
        std::sort(members.begin(), members.end(), [](const Version *a, const Version *b) {
            return std::tie(a->versionsUpToHere, a->posted, a->seriesId) < std::tie(b->versionsUpToHere, b->posted, b->seriesId);
        });
        const Version &latest = *members.constLast();
        Chain c;
        c.latestSeries = latest.seriesId;
        c.title = latest.title;
        c.author = latest.author;
        c.authorName = latest.authorName;
        c.authorEmail = latest.authorEmail;
        c.list = latest.list;
        c.versions = latest.versionsUpToHere;
        c.firstPosted = members.constFirst()->posted;
        c.lastPosted = latest.posted;
        c.outcome = latest.outcome;
        c.gitSource = latest.gitSource;
        int releaseOrdinal = -1;
        bool second = false, cLanguage = false;
        for (const Version *v : std::as_const(members)) {
            c.seriesIds << v->seriesId;
            if (v->outcome == QLatin1String("merged"))
                c.outcome = QStringLiteral("merged");
            if (v->outcome == QLatin1String("superseded"))
                c.supersededVersions += 1;
            c.commits += v->commits;
            keepEarliest(c.mergedAt, v->mergedAt);
            keepEarliest(c.firstReply, v->firstReply);
            keepEarliest(c.firstReview, v->firstReview);
            if (v->releaseOrdinal >= 0 && (releaseOrdinal < 0 || v->releaseOrdinal < releaseOrdinal)) {
                releaseOrdinal = v->releaseOrdinal;
                c.release = v->release;
            }
            second = second || v->language == QLatin1String("second");
            cLanguage = cLanguage || v->language == QLatin1String("c");
            for (const QString &s : v->subsystems)
                if (!c.subsystems.contains(s))
                    c.subsystems << s;
            c.replies += v->replies;
        }
        c.language = second ? QStringLiteral("second") : cLanguage ? QStringLiteral("c") : QStringLiteral("other");
        chains << c;
    }
    std::sort(chains.begin(), chains.end(), [](const Chain &a, const Chain &b) {
        return std::tie(b.firstPosted, b.latestSeries) < std::tie(a.firstPosted, a.latestSeries); // newest first
    });
    return chains;
}

Result<QList<Chain>> loadChains(Store &store)
{
    auto versions = loadVersions(store);
    if (!versions)
        return versions.status();
    return chainsOf(*versions);
}

QVariant dateTimeCell(qint64 unixSeconds)
{
    return unixSeconds > 0 ? QVariant(QDateTime::fromSecsSinceEpoch(unixSeconds, Qt::UTC)) : QVariant();
}

QDate dateOf(qint64 unixSeconds) { return QDateTime::fromSecsSinceEpoch(unixSeconds, Qt::UTC).date(); }

bool matches(const Chain &chain, const Filter &filter)
{
    const QDate posted = dateOf(chain.firstPosted);
    if (filter.since.isValid() && posted < filter.since)
        return false;
    if (filter.until.isValid() && posted > filter.until)
        return false;
    if (!filter.list.isEmpty() && chain.list != filter.list)
        return false;
    if (!filter.subsystem.isEmpty() && !chain.subsystems.contains(filter.subsystem))
        return false;
    return filter.language.isEmpty() || chain.language == filter.language;
}

std::optional<double> percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return std::nullopt;
    std::sort(values.begin(), values.end());
    const qsizetype rank = qsizetype(std::ceil(p / 100.0 * double(values.size())));
    return values[std::clamp<qsizetype>(rank - 1, 0, values.size() - 1)];
}

const Calendar &Calendars::forSource(qint64 source) const
{
    static const Calendar none;
    auto it = bySource.find(source ? source : fallback);
    if (it == bySource.end())
        it = bySource.find(fallback);
    return it == bySource.end() ? none : *it;
}

qint64 Calendars::dateOf(const QString &tag) const
{
    for (const Calendar &c : bySource)
        for (const auto &[name, date] : c)
            if (name == tag)
                return date;
    return -1;
}

Result<Calendars> releaseCalendars(Store &store, ReleaseSet set)
{
    Calendars calendars;
    QList<qint64> sources;
    KL_TRY(store.db().forEachRow(QStringLiteral("SELECT DISTINCT source_id FROM releases ORDER BY source_id"), {},
                                 [&](const Statement &row) { sources << row.int64(0); }));
    qint64 most = -1;
    for (qint64 source : std::as_const(sources)) {
        // The development windows end at the releases shown (feature releases by default), and
        // they are found by date: a maintenance release can be dated after a later feature one.
        auto view = ReleaseView::load(store.db(), source, set);
        if (!view)
            return view.status();
        Calendar &c = calendars.bySource[source];
        for (const ShownRelease &r : view->shown())
            c.append({r.tag, r.time});
        std::stable_sort(c.begin(), c.end(), [](const auto &a, const auto &b) { return a.second < b.second; });
        if (c.size() > most) {
            most = c.size();
            calendars.fallback = source;
        }
    }
    return calendars;
}

void sortPeriods(QList<QString> &periods, Period period, const Calendars &calendars)
{
    if (period != Period::Release) {
        std::sort(periods.begin(), periods.end());
        return;
    }
    auto key = [&](const QString &p) {
        const qint64 date = calendars.dateOf(p);
        return std::make_pair(date < 0 ? std::numeric_limits<qint64>::max() : date, p);
    };
    std::sort(periods.begin(), periods.end(), [&](const QString &a, const QString &b) { return key(a) < key(b); });
}

QString periodOf(qint64 t, Period period, const Calendar &releases)
{
    const QDate d = dateOf(t);
    if (period == Period::Quarter)
        return QStringLiteral("%1-Q%2").arg(d.year()).arg((d.month() - 1) / 3 + 1);
    if (period == Period::Month)
        return d.toString(QStringLiteral("yyyy-MM"));
    auto it = std::lower_bound(releases.begin(), releases.end(), t,
                               [](const QPair<QString, qint64> &r, qint64 when) { return r.second < when; });
    return it == releases.end() ? QStringLiteral("(unreleased)") : it->first;
}

} // namespace kl::models::review
