// Derivation "review": per patch series (one version of a patch set) its outcome, review
// latencies, reviewers, language and MAINTAINERS subsystems (docs/review.md for definitions).
// Rewritten whole on each run: one pass over series, patches, thread nodes, trailers and links,
// each read once (linear in the store's size, no per-series queries).

#include "derivation.h"
#include "review_context.h"

#include <QDateTime>

#include <algorithm>
#include <utility>

namespace kl::derive {

namespace {

constexpr qint64 kDay = 86400;

struct SeriesFacts
{
    qint64 id = 0;
    qint64 list = 0;
    qint64 previous = 0;
    qint64 next = 0;
    qint64 author = 0;
    qint64 firstDate = 0;
    QString title;
    qint64 cover = 0;                // the cover letter's message, 0 without one
    int coverMentions = 0;           // the second language named in the cover letter
    QList<qint64> messages;          // cover and patches
    QSet<QString> files;
    qint64 replies = 0;
    qint64 firstReply = 0;
    qint64 firstReview = 0;
    qint64 rejectedBy = 0;
    QHash<qint64, QPair<qint64, qint64>> reviewers; // person -> (trailers, replies)
    QSet<qint64> commits;
    qint64 mergedAt = 0;
    qint64 appliedAt = 0;            // an "applied" notice, also when its commit is not ingested
    qint64 release = 0;
    int releaseOrdinal = -1;
    qint64 gitSource = 0;
};

void keepEarliest(qint64 &slot, qint64 t)
{
    if (t > 0 && (slot == 0 || t < slot))
        slot = t;
}

class Collector
{
public:
    Collector(Store &store, const ReviewContext &context) : m_db(store.db()), m_context(context) {}

    Status load()
    {
        KL_TRY(loadSeries());
        KL_TRY(loadCoverLetters());
        KL_TRY(loadReplies());
        KL_TRY(loadTrailers());
        KL_TRY(loadRejections());
        KL_TRY(loadAppliedNotices());
        return loadLinks();
    }

    QHash<qint64, SeriesFacts> series;
    QHash<qint64, qint64> listEnd;   // list -> date of its newest message

private:
    Status loadSeries()
    {
        KL_TRY(m_db.forEachRow(
            QStringLiteral("SELECT id, list_id, ifnull(previous_series_id, 0), ifnull(author_person, 0), ifnull(first_date, 0), "
                           "title, ifnull(cover_message_id, 0) FROM series"),
            {}, [&](const Statement &row) {
                SeriesFacts f;
                f.id = row.int64(0);
                f.list = row.int64(1);
                f.previous = row.int64(2);
                f.author = row.int64(3);
                f.firstDate = row.int64(4);
                f.title = row.text(5);
                f.cover = row.int64(6);
                series.insert(f.id, f);
            }));
        // A series with two successors is superseded by the earlier one (first date, then id), so
        // the answer does not depend on the hash's per-process iteration order.
        auto earlier = [this](qint64 a, qint64 b) {
            const qint64 dateA = series.value(a).firstDate, dateB = series.value(b).firstDate;
            return std::pair(dateA, a) < std::pair(dateB, b);
        };
        for (auto it = series.cbegin(); it != series.cend(); ++it) {
            if (!it->previous || !series.contains(it->previous))
                continue;
            const qint64 current = series.value(it->previous).next;
            if (!current || earlier(it->id, current))
                series[it->previous].next = it->id;
        }
        KL_TRY(m_db.forEachRow(QStringLiteral("SELECT message_id, series_id FROM patches WHERE series_id IS NOT NULL"), {},
                               [&](const Statement &row) {
                                   m_seriesOf.insert(row.int64(0), row.int64(1));
                                   if (auto it = series.find(row.int64(1)); it != series.end())
                                       it->messages << row.int64(0);
                               }));
        KL_TRY(m_db.forEachRow(QStringLiteral("SELECT f.message_id, f.path FROM patch_files f JOIN patches p ON p.message_id = f.message_id"),
                               {}, [&](const Statement &row) {
                                   if (auto it = series.find(m_seriesOf.value(row.int64(0))); it != series.end())
                                       it->files.insert(row.text(1));
                               }));
        // A date in the future (a broken clock) does not move the end of the archive.
        return m_db.forEachRow(QStringLiteral("SELECT list_id, max(date) FROM messages "
                                              "WHERE date <= CAST(strftime('%s', 'now') AS INTEGER) + 86400 GROUP BY list_id"), {},
                               [&](const Statement &row) { listEnd.insert(row.int64(0), row.int64(1)); });
    }

    // How often each cover letter names the second language (its own text, quotes excluded); only
    // the count is kept, so memory does not grow with the archive's text.
    Status loadCoverLetters()
    {
        return m_db.forEachRow(
            QStringLiteral("SELECT s.id, b.own_text FROM series s JOIN message_bodies b ON b.message_id = s.cover_message_id"), {},
            [&](const Statement &row) {
                auto it = series.find(row.int64(0));
                if (it == series.end())
                    return;
                const QByteArray text = qUncompress(row.blob(1));
                it->coverMentions = m_context.mentionsOfSecondLanguage(QString::fromUtf8(text));
            });
    }

    // Every message below a series' cover or patches in its thread, by someone other than the
    // series' author, is a reply to that series (a later version posted in reply to an earlier
    // one starts its own series).
    Status loadReplies()
    {
        QHash<qint64, qint64> nodeSeries; // thread node -> series it hangs below
        return m_db.forEachRow(
            QStringLiteral("SELECT n.id, ifnull(n.parent_node, 0), ifnull(n.message_id, 0), ifnull(m.from_person, 0), "
                           "ifnull(m.date, 0) FROM thread_nodes n LEFT JOIN messages m ON m.id = n.message_id "
                           "ORDER BY n.thread_id, n.position"),
            {}, [&](const Statement &row) {
                const qint64 node = row.int64(0), message = row.int64(2);
                qint64 owner = m_seriesOf.value(message);
                if (owner) {
                    nodeSeries.insert(node, owner);
                    return;
                }
                owner = nodeSeries.value(row.int64(1));
                if (!owner)
                    return;
                nodeSeries.insert(node, owner);
                auto it = series.find(owner);
                const qint64 person = row.int64(3), date = row.int64(4);
                if (it == series.end() || !message || person == it->author || person == 0)
                    return;
                m_replyOwner.insert(message, owner);
                it->replies += 1;
                if (date >= it->firstDate)
                    keepEarliest(it->firstReply, date);
                it->reviewers[person].second += 1;
            });
    }

    Status loadTrailers()
    {
        return m_db.forEachRow(
            QStringLiteral("SELECT t.message_id, t.patch_message_id, t.key, i.person_id, ifnull(m.date, 0) FROM mail_trailers t "
                           "JOIN identities i ON i.id = t.identity_id JOIN messages m ON m.id = t.message_id "
                           "WHERE t.key IN ('Reviewed-by', 'Acked-by', 'Tested-by', 'Nacked-by') AND t.patch_message_id IS NOT NULL"),
            {}, [&](const Statement &row) {
                auto it = series.find(m_seriesOf.value(row.int64(1)));
                const qint64 person = row.int64(3);
                if (it == series.end() || person == it->author)
                    return;
                const QString key = row.text(2);
                if (key == QLatin1String("Nacked-by")) {
                    if (row.int64(0) != row.int64(1) && !it->rejectedBy)
                        it->rejectedBy = person;
                    return;
                }
                it->reviewers[person].first += 1;
                // A trailer carried in the patch itself was given to an earlier version.
                if (row.int64(0) != row.int64(1) && key != QLatin1String("Tested-by"))
                    keepEarliest(it->firstReview, row.int64(4));
            });
    }

    // A reply the friction classifier reads as a NAK or an explicit refusal.
    Status loadRejections()
    {
        return m_db.forEachRow(
            QStringLiteral("SELECT f.message_id, ifnull(m.from_person, 0) FROM friction_messages f "
                           "JOIN messages m ON m.id = f.message_id WHERE f.rejection <> 0"),
            {}, [&](const Statement &row) {
                auto it = series.find(m_replyOwner.value(row.int64(0)));
                if (it != series.end() && !it->rejectedBy)
                    it->rejectedBy = row.int64(1);
            });
    }

    // A maintainer's "applied" reply: merged into their tree, whether or not the history that
    // holds the commit was ingested (kbuild's list without the kbuild tree, say).
    Status loadAppliedNotices()
    {
        return m_db.forEachRow(
            QStringLiteral("SELECT a.patch_message_id, m.date FROM applied_notices a JOIN messages m ON m.id = a.message_id "
                           "WHERE a.patch_message_id IS NOT NULL AND m.date > 0"),
            {}, [&](const Statement &row) {
                if (auto it = series.find(m_seriesOf.value(row.int64(0))); it != series.end())
                    keepEarliest(it->appliedAt, row.int64(1));
            });
    }

    Status loadLinks()
    {
        return m_db.forEachRow(
            QStringLiteral("SELECT l.message_id, c.id, c.commit_time, ifnull(c.release_id, 0), ifnull(r.ordinal, -1), c.source_id "
                           "FROM patch_links l JOIN commits c ON c.id = l.commit_id "
                           "LEFT JOIN releases r ON r.id = c.release_id WHERE l.role = 'merged'"),
            {}, [&](const Statement &row) {
                auto it = series.find(m_seriesOf.value(row.int64(0)));
                if (it == series.end())
                    return;
                it->commits.insert(row.int64(1));
                keepEarliest(it->mergedAt, row.int64(2));
                it->gitSource = row.int64(5);
                const int ordinal = int(row.int64(4));
                if (row.int64(3) && (it->releaseOrdinal < 0 || ordinal < it->releaseOrdinal)) {
                    it->releaseOrdinal = ordinal;
                    it->release = row.int64(3);
                }
            });
    }

    Database &m_db;
    const ReviewContext &m_context;
    QHash<qint64, qint64> m_seriesOf;   // message (cover or patch) -> series
    QHash<qint64, qint64> m_replyOwner; // reply message -> series
};

QString outcomeOf(const SeriesFacts &f, qint64 listEnd, int ignoredAfterDays)
{
    if (!f.commits.isEmpty() || f.appliedAt)
        return QStringLiteral("merged");
    if (f.next)
        return QStringLiteral("superseded");
    if (f.rejectedBy)
        return QStringLiteral("rejected");
    const qint64 window = qint64(ignoredAfterDays) * kDay;
    const bool answeredInTime = f.firstReply && f.firstReply - f.firstDate <= window;
    if (!answeredInTime && listEnd - f.firstDate >= window)
        return QStringLiteral("ignored");
    return QStringLiteral("pending");
}

class ReviewDerivation final : public Derivation
{
public:
    DerivationInfo info() const override
    {
        return {QStringLiteral("review"),
                QStringLiteral("series outcome (merged, superseded, rejected, pending, ignored), latencies, reviewers, language, subsystems"),
                {QStringLiteral("series"), QStringLiteral("patches"), QStringLiteral("patch_files"), QStringLiteral("thread_nodes"),
                 QStringLiteral("mail_trailers"), QStringLiteral("friction_messages"), QStringLiteral("patch_links"),
                 QStringLiteral("releases"), QStringLiteral("maint_*"), QStringLiteral("git_settings")},
                {QStringLiteral("series_review"), QStringLiteral("series_reviewers")}};
    }
    // 2: the earliest of two successors supersedes; 3: second-language work by content (title, rust/, cover letter)
    int version() const override { return 3; }

    Result<QString> fingerprint(Store &store, const DeriveOptions &options) override
    {
        QStringList parts;
        auto generation = ingestGeneration(store);
        if (!generation)
            return generation;
        parts << generation.value() << QString::number(options.ignoredAfterDays);
        for (const char *upstream : {"threads", "friction", "release-trees", "links"}) {
            auto stamp = upstreamStamp(store, QLatin1String(upstream));
            if (!stamp)
                return stamp;
            parts << stamp.value();
        }
        return parts.join(QLatin1Char('|'));
    }

    Result<DerivationRun> run(Store &store, const DeriveOptions &options, const JobContext &ctx) override
    {
        ctx.report(QStringLiteral("review: reading series"), 0, -1, {}, true);
        auto context = ReviewContext::load(store);
        if (!context)
            return context.status();
        Collector facts(store, *context);
        KL_TRY(facts.load());
        if (ctx.cancel.isCancelled())
            return Status::cancelled();

        auto listSources = context->dominantSources(store);
        if (!listSources)
            return listSources.status();
        const QHash<qint64, qint64> &listSource = listSources.value();
        Transaction tx(store.db());
        KL_TRY(tx.status());
        KL_TRY(store.db().exec(QStringLiteral("DELETE FROM series_reviewers; DELETE FROM series_review;")));
        auto insert = store.db().prepare(QStringLiteral(
            "INSERT INTO series_review(series_id, chain_first, versions, outcome, superseded_by, commits, merged_at, "
            "release_id, first_reply_at, first_review_at, chain_first_posted, language, subsystems, replies, rejected_by, git_source) "
            "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
        auto reviewer = store.db().prepare(QStringLiteral(
            "INSERT INTO series_reviewers(series_id, person_id, trailers, replies) VALUES(?,?,?,?)"));
        if (!insert)
            return insert.status();
        if (!reviewer)
            return reviewer.status();
        QHash<QString, qint64> outcomes;
        qint64 done = 0;
        for (auto it = facts.series.cbegin(); it != facts.series.cend(); ++it) {
            const SeriesFacts &f = it.value();
            // v1 of the chain, and how many versions up to this one.
            qint64 first = f.id;
            int versions = 1;
            QSet<qint64> seen{f.id};
            for (qint64 p = f.previous; p && facts.series.contains(p) && !seen.contains(p); p = facts.series[p].previous) {
                seen.insert(p);
                first = p;
                ++versions;
            }
            const QString outcome = outcomeOf(f, facts.listEnd.value(f.list), options.ignoredAfterDays);
            outcomes[outcome] += 1;
            const qint64 source = f.gitSource ? f.gitSource : listSource.value(f.list);
            const QStringList files(f.files.cbegin(), f.files.cend());
            insert->bind(1, f.id).bind(2, first).bind(3, versions).bind(4, outcome);
            f.next && outcome == QLatin1String("superseded") ? insert->bind(5, f.next) : insert->bindNull(5);
            insert->bind(6, qint64(f.commits.size()));
            const qint64 mergedAt = f.mergedAt ? f.mergedAt : f.appliedAt;
            mergedAt ? insert->bind(7, mergedAt) : insert->bindNull(7);
            f.release ? insert->bind(8, f.release) : insert->bindNull(8);
            f.firstReply ? insert->bind(9, f.firstReply) : insert->bindNull(9);
            f.firstReview ? insert->bind(10, f.firstReview) : insert->bindNull(10);
            insert->bind(11, facts.series.value(first).firstDate);
            insert->bind(12, context->languageOf(files, f.title, f.coverMentions));
            const QString subsystems = context->subsystemsOf(source, files).join(QLatin1Char('\n'));
            insert->bind(13, subsystems.isNull() ? QStringLiteral("") : subsystems); // a null QString binds NULL
            insert->bind(14, f.replies);
            f.rejectedBy && outcome == QLatin1String("rejected") ? insert->bind(15, f.rejectedBy) : insert->bindNull(15);
            source ? insert->bind(16, source) : insert->bindNull(16);
            KL_TRY(insert->exec());
            for (auto r = f.reviewers.cbegin(); r != f.reviewers.cend(); ++r) {
                reviewer->bind(1, f.id).bind(2, r.key()).bind(3, r.value().first).bind(4, r.value().second);
                KL_TRY(reviewer->exec());
            }
            if (++done % 2000 == 0) {
                ctx.report(QStringLiteral("review: series"), done, facts.series.size(), QStringLiteral("series"));
                if (ctx.cancel.isCancelled())
                    return Status::cancelled();
            }
        }
        KL_TRY(tx.commit());
        DerivationRun run;
        run.items = done;
        QStringList parts;
        for (const char *o : {"merged", "superseded", "rejected", "pending", "ignored"})
            parts << QStringLiteral("%1 %2").arg(QLatin1String(o)).arg(outcomes.value(QLatin1String(o)));
        run.note = QStringLiteral("%1 series: %2").arg(done).arg(parts.join(QStringLiteral(", ")));
        return run;
    }
};

} // namespace

std::unique_ptr<Derivation> makeReviewDerivation() { return std::make_unique<ReviewDerivation>(); }

} // namespace kl::derive
