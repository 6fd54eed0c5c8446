// The "patches" and "series" tables and the per-series timeline.

#include "review_data.h"

#include <kernellens/models/review.h>

#include <QDateTime>

namespace kl::models {

using Kind = report::Column::Kind;
using namespace review;

namespace {

QVariant hours(const std::optional<double> &h) { return h ? QVariant(std::round(*h * 10) / 10) : QVariant(); }
QString person(const QString &name, const QString &email)
{
    return email.isEmpty() ? name : QStringLiteral("%1 <%2>").arg(name, email);
}

} // namespace

Result<bool> hasReviewData(Store &store)
{
    auto n = store.db().scalar(QStringLiteral("SELECT count(*) FROM series_review"));
    if (!n)
        return n.status();
    return n->toLongLong() > 0;
}

Result<report::Table> seriesTable(Store &store, const Filter &filter)
{
    auto versions = loadVersions(store);
    if (!versions)
        return versions.status();
    report::Table t;
    t.id = QStringLiteral("series");
    t.title = QStringLiteral("Patch sets");
    t.columns = {{QStringLiteral("series_id"), QStringLiteral("Series"), Kind::Integer},
                 {QStringLiteral("title"), QStringLiteral("Title"), Kind::Text},
                 {QStringLiteral("author"), QStringLiteral("Author"), Kind::Text},
                 {QStringLiteral("versions"), QStringLiteral("Versions"), Kind::Integer},
                 {QStringLiteral("first_posted"), QStringLiteral("First posted"), Kind::DateTime},
                 {QStringLiteral("last_posted"), QStringLiteral("Last posted"), Kind::DateTime},
                 {QStringLiteral("outcome"), QStringLiteral("Outcome"), Kind::Text},
                 {QStringLiteral("commits"), QStringLiteral("Commits"), Kind::Integer},
                 {QStringLiteral("release"), QStringLiteral("Release"), Kind::Text},
                 {QStringLiteral("first_reply_hours"), QStringLiteral("Hours to first reply"), Kind::Real},
                 {QStringLiteral("first_review_hours"), QStringLiteral("Hours to first review"), Kind::Real},
                 {QStringLiteral("merge_days"), QStringLiteral("Days to merge"), Kind::Real},
                 {QStringLiteral("list"), QStringLiteral("List"), Kind::Text},
                 {QStringLiteral("language"), QStringLiteral("Language"), Kind::Text},
                 {QStringLiteral("subsystems"), QStringLiteral("Subsystems"), Kind::Text}};
    t.note = QStringLiteral("One row per patch set through its versions (v1 … vN), newest first; latencies from the "
                            "first posting of v1. Outcome: merged if any version was, else the latest version's.");
    for (const Chain &c : chainsOf(*versions)) {
        if (!matches(c, filter))
            continue;
        const auto mergeDays = c.hoursTo(c.mergedAt);
        t.rows.append(QVariantList{c.latestSeries, c.title, person(c.authorName, c.authorEmail), c.versions,
                                   dateTimeCell(c.firstPosted), dateTimeCell(c.lastPosted), c.outcome, c.commits,
                                   c.release.isEmpty() ? QVariant() : QVariant(c.release), hours(c.hoursTo(c.firstReply)),
                                   hours(c.hoursTo(c.firstReview)),
                                   mergeDays ? QVariant(std::round(*mergeDays / 24.0 * 10) / 10) : QVariant(), c.list,
                                   c.language, c.subsystems.join(QStringLiteral(", "))});
    }
    return t;
}

Result<report::Table> patchesTable(Store &store, const Filter &filter)
{
    auto versions = loadVersions(store);
    if (!versions)
        return versions.status();
    // Patch rows inherit their patch set's language, subsystems and v1 date for filtering.
    QHash<qint64, const Chain *> chainOfSeries;
    const QList<Chain> chains = chainsOf(*versions);
    for (const Chain &c : chains)
        for (qint64 s : c.seriesIds)
            chainOfSeries.insert(s, &c);
    QHash<qint64, QString> outcomeOfSeries;
    for (const Version &v : std::as_const(versions.value()))
        outcomeOfSeries.insert(v.seriesId, v.outcome);

    report::Table t;
    t.id = QStringLiteral("patches");
    t.title = QStringLiteral("Patch mail");
    t.columns = {{QStringLiteral("message_id"), QStringLiteral("Message-ID"), Kind::Text},
                 {QStringLiteral("subject"), QStringLiteral("Subject"), Kind::Text},
                 {QStringLiteral("author"), QStringLiteral("Author"), Kind::Text},
                 {QStringLiteral("date"), QStringLiteral("Date"), Kind::DateTime},
                 {QStringLiteral("list"), QStringLiteral("List"), Kind::Text},
                 {QStringLiteral("series_id"), QStringLiteral("Series"), Kind::Integer},
                 {QStringLiteral("version"), QStringLiteral("Version"), Kind::Integer},
                 {QStringLiteral("commit"), QStringLiteral("Commit"), Kind::Text},
                 {QStringLiteral("link_method"), QStringLiteral("Linked by"), Kind::Text},
                 {QStringLiteral("link_confidence"), QStringLiteral("Confidence"), Kind::Real},
                 {QStringLiteral("outcome"), QStringLiteral("Outcome"), Kind::Text}};
    t.note = QStringLiteral("One row per patch mail (cover letters excluded), newest first. Outcome: merged when this "
                            "posting is the one a commit was made from, else its series' outcome.");
    KL_TRY(store.db().forEachRow(
        QStringLiteral("SELECT m.msgid, m.subject, ifnull(pe.name, ''), ifnull(pe.email, ''), ifnull(m.date, 0), l.name, "
                       "ifnull(p.series_id, 0), p.version, c.oid, pl.method, pl.confidence, pl.role "
                       "FROM patches p JOIN messages m ON m.id = p.message_id JOIN lists l ON l.id = m.list_id "
                       "LEFT JOIN persons pe ON pe.id = m.from_person "
                       "LEFT JOIN patch_links pl ON pl.message_id = p.message_id LEFT JOIN commits c ON c.id = pl.commit_id "
                       "WHERE p.is_cover = 0 ORDER BY m.date DESC, m.id DESC"),
        {}, [&](const Statement &row) {
            const qint64 series = row.int64(6);
            const Chain *chain = chainOfSeries.value(series);
            const QDate date = dateOf(row.int64(4));
            if ((filter.since.isValid() && date < filter.since) || (filter.until.isValid() && date > filter.until))
                return;
            if (!filter.list.isEmpty() && row.text(5) != filter.list)
                return;
            if ((!filter.subsystem.isEmpty() || !filter.language.isEmpty())
                && (!chain || !matches(*chain, Filter{{}, {}, filter.subsystem, {}, {}, {}, filter.language})))
                return;
            const bool merged = row.text(11) == QLatin1String("merged");
            t.rows.append(QVariantList{row.text(0), row.text(1), person(row.text(2), row.text(3)), dateTimeCell(row.int64(4)),
                                       row.text(5), series ? QVariant(series) : QVariant(), row.int64(7),
                                       row.isNull(8) ? QVariant(QString()) : QVariant(row.text(8)),
                                       row.isNull(9) ? QVariant() : QVariant(row.text(9)),
                                       row.isNull(10) ? QVariant() : QVariant(row.real(10)),
                                       merged ? QStringLiteral("merged") : outcomeOfSeries.value(series)});
        }));
    return t;
}

Result<ReviewTimeline> reviewTimeline(Store &store, qint64 seriesId)
{
    auto versions = loadVersions(store);
    if (!versions)
        return versions.status();
    const QList<Chain> chains = chainsOf(*versions);
    const Chain *chain = nullptr;
    for (const Chain &c : chains)
        if (c.seriesIds.contains(seriesId))
            chain = &c;
    if (!chain)
        return Status::error(QStringLiteral("series %1 has no review facts (run the derive stage)").arg(seriesId));
    ReviewTimeline timeline;
    timeline.seriesId = chain->latestSeries;
    timeline.title = chain->title;
    timeline.author = person(chain->authorName, chain->authorEmail);
    timeline.list = chain->list;
    timeline.language = chain->language;
    timeline.subsystems = chain->subsystems;
    timeline.outcome = chain->outcome;
    QHash<qint64, const Version *> byId;
    for (const Version &v : std::as_const(versions.value()))
        byId.insert(v.seriesId, &v);
    auto firstMessage = store.db().prepare(QStringLiteral(
        "SELECT m.msgid FROM series s JOIN messages m ON m.id = ifnull(s.cover_message_id, s.first_message_id) WHERE s.id = ?"));
    if (!firstMessage)
        return firstMessage.status();
    for (qint64 id : chain->seriesIds) {
        const Version *v = byId.value(id);
        ReviewVersion rv{id, v->version, v->title, QDateTime::fromSecsSinceEpoch(v->posted, Qt::UTC), v->outcome,
                         v->patches, v->replies, QString()};
        firstMessage->bind(1, id);
        auto row = firstMessage->step();
        if (row && row.value())
            rv.firstMessageId = firstMessage->text(0);
        firstMessage->reset();
        timeline.versions << rv;
    }
    QStringList ids;
    for (qint64 id : chain->seriesIds)
        ids << QString::number(id);
    KL_TRY(store.db().forEachRow(
        QStringLiteral("SELECT c.oid, c.subject, c.commit_time, ifnull(r.tag, ''), min(l.method), max(l.confidence) "
                       "FROM patches p JOIN patch_links l ON l.message_id = p.message_id AND l.role = 'merged' "
                       "JOIN commits c ON c.id = l.commit_id LEFT JOIN releases r ON r.id = c.release_id "
                       "WHERE p.series_id IN (%1) GROUP BY c.id ORDER BY c.commit_time, c.id").arg(ids.join(QLatin1Char(','))),
        {}, [&](const Statement &row) {
            timeline.commits << ReviewCommit{row.text(0), row.text(1), QDateTime::fromSecsSinceEpoch(row.int64(2), Qt::UTC),
                                             row.text(3), row.text(4), row.real(5)};
        }));
    KL_TRY(store.db().forEachRow(
        QStringLiteral("SELECT p.name, p.email, sum(r.trailers), sum(r.replies) FROM series_reviewers r "
                       "JOIN persons p ON p.id = r.person_id WHERE r.series_id IN (%1) GROUP BY p.id "
                       "ORDER BY sum(r.trailers) DESC, sum(r.replies) DESC, p.name").arg(ids.join(QLatin1Char(','))),
        {}, [&](const Statement &row) {
            timeline.reviewers << QStringLiteral("%1 (%2 trailers, %3 replies)")
                                      .arg(person(row.text(0), row.text(1))).arg(row.int64(2)).arg(row.int64(3));
        }));
    return timeline;
}

} // namespace kl::models
