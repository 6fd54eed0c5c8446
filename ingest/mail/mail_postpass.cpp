#include "mail_postpass.h"

#include "mail_components.h"
#include "mail_thread.h"

#include <QHash>
#include <QMap>
#include <QSet>

#include <algorithm>
#include <vector>

namespace kl::mail {

namespace {

struct MessageRow
{
    qint64 id = 0;
    QString msgid;
    qint64 date = 0;
    bool hasDate = false;
    qint64 person = 0;
    QString subject;
};

struct PatchRow
{
    qint64 id = 0;
    int version = 1;
    int idx = 0;
    int total = 0;
    bool cover = false;
    QString title;
    QString normalized;
    QString changeId;
};

struct Structure
{
    QHash<qint64, MessageRow> messages;
    QHash<qint64, PatchRow> patches;
    ThreadForest forest;
    QHash<qint64, int> nodeOfRow;

    // Nearest ancestor node (ghosts included) above `row`, walking up `steps` at most.
    template<typename F>
    qint64 findAncestor(qint64 row, F &&accept, int steps = 200) const
    {
        int n = nodeOfRow.value(row, -1);
        if (n < 0)
            return 0;
        n = forest.nodes[n].parent;
        for (int i = 0; n >= 0 && i < steps; ++i, n = forest.nodes[n].parent) {
            const ThreadNode &node = forest.nodes[n];
            if (node.rowId != 0 && accept(node.rowId))
                return node.rowId;
        }
        return 0;
    }
};

// Statements of the per-batch reads, prepared once per list.
struct BatchQueries
{
    Statement message, patch, trailers, notices;

    Status prepare(Database &db)
    {
        auto p = [&](Statement &stmt, const char *sql) -> Status {
            auto r = db.prepare(QString::fromUtf8(sql));
            if (!r)
                return r.status();
            stmt = std::move(r.value());
            return Status::ok();
        };
        KL_TRY(p(message, "SELECT id, msgid, refs, date, from_person, subject FROM messages WHERE id = ?"));
        KL_TRY(p(patch, "SELECT message_id, version, idx, total, is_cover, title, normalized_title, change_id "
                        "FROM patches WHERE message_id = ?"));
        KL_TRY(p(trailers, "SELECT id, message_id, patch_message_id FROM mail_trailers WHERE message_id = ?"));
        return p(notices, "SELECT id, message_id, idx, commit_sha FROM applied_notices WHERE message_id = ?");
    }
};

// The messages (ascending row ids, whole threads) and their patch rows of one batch.
Status loadBatch(BatchQueries &q, const qint64 *rows, size_t count, Structure &s, QList<ThreadInput> &inputs)
{
    for (size_t i = 0; i < count; ++i) {
        q.message.bind(1, rows[i]);
        auto row = q.message.step();
        if (!row)
            return row.status();
        if (row.value()) {
            MessageRow m;
            m.id = q.message.int64(0);
            m.msgid = q.message.text(1);
            m.hasDate = !q.message.isNull(3);
            m.date = q.message.int64(3);
            m.person = q.message.int64(4);
            m.subject = q.message.text(5);
            ThreadInput in;
            in.rowId = m.id;
            in.messageId = m.msgid;
            const QString refs = q.message.text(2);
            if (!refs.isEmpty())
                in.references = refs.split(QLatin1Char(' '), Qt::SkipEmptyParts);
            in.date = m.hasDate ? m.date : 0;
            inputs << in;
            s.messages.insert(m.id, m);
        }
        q.message.reset();

        q.patch.bind(1, rows[i]);
        auto patch = q.patch.step();
        if (!patch)
            return patch.status();
        if (patch.value()) {
            PatchRow p;
            p.id = q.patch.int64(0);
            p.version = int(q.patch.int64(1));
            p.idx = int(q.patch.int64(2));
            p.total = int(q.patch.int64(3));
            p.cover = q.patch.int64(4) != 0;
            p.title = q.patch.text(5);
            p.normalized = q.patch.text(6);
            p.changeId = q.patch.text(7);
            s.patches.insert(p.id, p);
        }
        q.patch.reset();
    }
    return Status::ok();
}

Status writeThreads(Database &db, qint64 listId, Structure &s, PostPassCounts &counts,
                    std::vector<qint64> &keptThreads)
{
    auto upsert = db.prepare(QStringLiteral(
        "INSERT INTO threads(list_id, root_msgid, root_message_id, subject, message_count, ghost_count, "
        "participants, max_depth, first_date, last_date) VALUES(?,?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT(list_id, root_msgid) DO UPDATE SET root_message_id = excluded.root_message_id, "
        "subject = excluded.subject, message_count = excluded.message_count, "
        "ghost_count = excluded.ghost_count, participants = excluded.participants, "
        "max_depth = excluded.max_depth, first_date = excluded.first_date, last_date = excluded.last_date "
        "RETURNING id"));
    auto insertNode = db.prepare(QStringLiteral(
        "INSERT INTO thread_nodes(thread_id, parent_node, msgid, message_id, depth, position) "
        "VALUES(?,?,?,?,?,?)"));
    auto updateMessage = db.prepare(QStringLiteral("UPDATE messages SET thread_id = ?, depth = ? WHERE id = ?"));
    if (!upsert || !insertNode || !updateMessage)
        return Status::error(QStringLiteral("preparing the thread statements failed"));

    const ThreadForest &forest = s.forest;
    QList<qint64> nodeRowIds(forest.nodes.size(), 0);
    for (qsizetype r = 0; r < forest.roots.size(); ++r) {
        const int begin = forest.roots[r];
        const int end = r + 1 < forest.roots.size() ? forest.roots[r + 1] : int(forest.nodes.size());
        qint64 messagesIn = 0, ghosts = 0, first = 0, last = 0;
        int maxDepth = 0;
        bool haveDate = false;
        QSet<qint64> people;
        QString subject;
        for (int n = begin; n < end; ++n) {
            const ThreadNode &node = forest.nodes[n];
            maxDepth = std::max(maxDepth, node.depth);
            if (node.rowId == 0) {
                ++ghosts;
                continue;
            }
            ++messagesIn;
            const MessageRow &m = s.messages[node.rowId];
            if (m.person)
                people.insert(m.person);
            if (subject.isEmpty())
                subject = m.subject;
            if (m.hasDate) {
                first = haveDate ? std::min(first, m.date) : m.date;
                last = haveDate ? std::max(last, m.date) : m.date;
                haveDate = true;
            }
        }
        const ThreadNode &root = forest.nodes[begin];
        upsert->bind(1, listId).bind(2, root.messageId);
        if (root.rowId)
            upsert->bind(3, root.rowId);
        else
            upsert->bindNull(3);
        upsert->bind(4, subject).bind(5, messagesIn).bind(6, ghosts).bind(7, qint64(people.size()))
            .bind(8, maxDepth);
        if (haveDate)
            upsert->bind(9, first).bind(10, last);
        else
            upsert->bindNull(9).bindNull(10);
        auto row = upsert->step();
        if (!row)
            return row.status();
        const qint64 threadId = upsert->int64(0);
        upsert->reset();
        keptThreads.push_back(threadId);
        ++counts.threads;
        counts.ghosts += ghosts;

        for (int n = begin; n < end; ++n) {
            const ThreadNode &node = forest.nodes[n];
            insertNode->bind(1, threadId);
            if (node.parent >= 0)
                insertNode->bind(2, nodeRowIds[node.parent]);
            else
                insertNode->bindNull(2);
            insertNode->bind(3, node.messageId);
            if (node.rowId)
                insertNode->bind(4, node.rowId);
            else
                insertNode->bindNull(4);
            insertNode->bind(5, node.depth).bind(6, n - begin);
            KL_TRY(insertNode->exec());
            nodeRowIds[n] = db.lastInsertRowId();
            if (node.rowId) {
                updateMessage->bind(1, threadId).bind(2, node.depth).bind(3, node.rowId);
                KL_TRY(updateMessage->exec());
            }
        }
    }
    return Status::ok();
}

struct SeriesAcc
{
    QString key;
    QList<qint64> members;
    qint64 cover = 0;
    qint64 first = 0;
    int version = 1;
    int total = 0;
    int patchCount = 0;
    qint64 firstDate = 0;
    bool haveDate = false;
    QString changeId;
    qint64 id = 0;
};

// The series of one batch: all patches of a series hang in one thread (the key is a Message-ID
// of that thread), so a batch of whole threads holds whole series.
Status writeSeries(Database &db, qint64 listId, Structure &s, PostPassCounts &counts,
                   QHash<qint64, qint64> &seriesOfPatch, QHash<qint64, SeriesAcc> &seriesById,
                   std::vector<qint64> &keptSeries)
{
    // Ordered by key, not a QHash: new series get their ids in this order, and QHash's order
    // changes from process to process (random seed), so two runs over the same mail gave
    // different series ids (and a resumed run a store different from a clean one).
    QMap<QString, SeriesAcc> byKey;
    QList<qint64> patchIds = s.patches.keys();
    std::sort(patchIds.begin(), patchIds.end());
    for (qint64 pid : std::as_const(patchIds)) {
        const PatchRow &p = s.patches[pid];
        const MessageRow &m = s.messages[pid];
        QString anchor;
        if (p.total > 0 && !p.cover) {
            qint64 cover = 0, firstPatch = 0;
            int n = s.nodeOfRow.value(pid, -1);
            QString ghostParent;
            if (n >= 0 && s.forest.nodes[n].parent >= 0 && s.forest.nodes[s.forest.nodes[n].parent].rowId == 0)
                ghostParent = s.forest.nodes[s.forest.nodes[n].parent].messageId;
            for (int i = 0; n >= 0 && i < 200; ++i) {
                n = s.forest.nodes[n].parent;
                if (n < 0)
                    break;
                const qint64 row = s.forest.nodes[n].rowId;
                auto it = s.patches.constFind(row);
                if (row == 0 || it == s.patches.cend())
                    continue;
                if (it->version != p.version || it->total != p.total)
                    continue;
                if (it->cover) {
                    cover = row;
                    break;
                }
                if (it->idx == 1)
                    firstPatch = row;
            }
            if (cover)
                anchor = s.messages[cover].msgid;
            else if (firstPatch)
                anchor = s.messages[firstPatch].msgid;
            else if (!ghostParent.isEmpty())
                anchor = ghostParent; // the cover letter was not archived; siblings share it
            else
                anchor = m.msgid;
        } else {
            anchor = m.msgid;
        }
        const QString key = anchor + QStringLiteral("#v") + QString::number(p.version);
        SeriesAcc &acc = byKey[key];
        acc.key = key;
        acc.version = p.version;
        acc.total = std::max(acc.total, p.total);
        acc.members << pid;
        if (p.cover)
            acc.cover = pid;
        else
            ++acc.patchCount;
        if (!p.changeId.isEmpty() && acc.changeId.isEmpty())
            acc.changeId = p.changeId;
        if (m.hasDate) {
            acc.firstDate = acc.haveDate ? std::min(acc.firstDate, m.date) : m.date;
            acc.haveDate = true;
        }
    }

    auto upsert = db.prepare(QStringLiteral(
        "INSERT INTO series(list_id, series_key, cover_message_id, first_message_id, version, total, "
        "patch_count, title, normalized_title, author_person, first_date, change_id) "
        "VALUES(?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(list_id, series_key) DO UPDATE SET "
        "cover_message_id = excluded.cover_message_id, first_message_id = excluded.first_message_id, "
        "version = excluded.version, total = excluded.total, patch_count = excluded.patch_count, "
        "title = excluded.title, normalized_title = excluded.normalized_title, "
        "author_person = excluded.author_person, first_date = excluded.first_date, "
        "change_id = excluded.change_id, previous_series_id = NULL RETURNING id"));
    auto setPatch = db.prepare(QStringLiteral("UPDATE patches SET series_id = ? WHERE message_id = ?"));
    if (!upsert || !setPatch)
        return Status::error(QStringLiteral("preparing the series statements failed"));

    for (auto it = byKey.begin(); it != byKey.end(); ++it) {
        SeriesAcc &acc = it.value();
        // The first message is the cover letter, else the lowest-numbered, earliest patch.
        qint64 first = acc.cover;
        if (!first) {
            for (qint64 pid : std::as_const(acc.members)) {
                const PatchRow &p = s.patches[pid];
                if (!first || p.idx < s.patches[first].idx
                    || (p.idx == s.patches[first].idx && s.messages[pid].date < s.messages[first].date))
                    first = pid;
            }
        }
        acc.first = first;
        const PatchRow &head = s.patches[first];
        const qint64 author = s.messages[first].person;
        upsert->bind(1, listId).bind(2, acc.key);
        if (acc.cover)
            upsert->bind(3, acc.cover);
        else
            upsert->bindNull(3);
        upsert->bind(4, first).bind(5, acc.version).bind(6, acc.total).bind(7, acc.patchCount)
            .bind(8, head.title).bind(9, head.normalized);
        if (author)
            upsert->bind(10, author);
        else
            upsert->bindNull(10);
        if (acc.haveDate)
            upsert->bind(11, acc.firstDate);
        else
            upsert->bindNull(11);
        upsert->bind(12, acc.changeId.isEmpty() ? QString() : acc.changeId);
        auto row = upsert->step();
        if (!row)
            return row.status();
        acc.id = upsert->int64(0);
        upsert->reset();
        keptSeries.push_back(acc.id);
        for (qint64 pid : std::as_const(acc.members)) {
            seriesOfPatch.insert(pid, acc.id);
            setPatch->bind(1, acc.id).bind(2, pid);
            KL_TRY(setPatch->exec());
        }
        ++counts.series;
    }
    for (auto it = byKey.cbegin(); it != byKey.cend(); ++it)
        seriesById.insert(it->id, it.value());

    return Status::ok();
}

// Rows of the list's `table` whose id is not in `kept` (sorted) are deleted: threads whose root
// is gone, series whose patches were removed or regrouped.
Status deleteUnkept(Database &db, const QString &table, qint64 listId, std::vector<qint64> &kept)
{
    std::sort(kept.begin(), kept.end());
    std::vector<qint64> stale;
    KL_TRY(db.forEachRow(QStringLiteral("SELECT id FROM %1 WHERE list_id = ?").arg(table), {listId},
                         [&](const Statement &row) {
                             if (!std::binary_search(kept.begin(), kept.end(), row.int64(0)))
                                 stale.push_back(row.int64(0));
                         }));
    auto del = db.prepare(QStringLiteral("DELETE FROM %1 WHERE id = ?").arg(table));
    if (!del)
        return del.status();
    for (qint64 id : stale) {
        del->bind(1, id);
        KL_TRY(del->exec());
    }
    return Status::ok();
}

// previous_series_id links v(n-1) -> v(n) within a chain (same change-id, else same normalized
// title and author): each series points at the latest series of the chain with a lower
// version (a RESEND of the same version is not a revision). Chains span threads, so this is
// one sorted read of the list's series, one chain at a time.
Status linkRevisions(Database &db, qint64 listId)
{
    std::vector<std::pair<qint64, qint64>> links; // (series, previous)
    QString chain;
    int version = 0;
    qint64 lastOfVersion = 0, previous = 0;
    KL_TRY(db.forEachRow(
        QStringLiteral("SELECT id, version, CASE WHEN ifnull(change_id, '') <> '' THEN 'change-id:' || change_id "
                       "ELSE ifnull(normalized_title, '') || char(10) || ifnull(author_person, 0) END AS chain "
                       "FROM series WHERE list_id = ? ORDER BY chain, version, ifnull(first_date, 0), id"),
        {listId}, [&](const Statement &row) {
            const qint64 id = row.int64(0);
            const int v = int(row.int64(1));
            const QString key = row.text(2);
            if (key != chain) {
                chain = key;
                previous = 0;
            } else if (v != version) {
                previous = lastOfVersion;
            }
            version = v;
            lastOfVersion = id;
            if (previous)
                links.emplace_back(id, previous);
        }));
    auto link = db.prepare(QStringLiteral("UPDATE series SET previous_series_id = ? WHERE id = ?"));
    if (!link)
        return link.status();
    for (const auto &[id, prev] : links) {
        link->bind(1, prev).bind(2, id);
        KL_TRY(link->exec());
    }
    return Status::ok();
}

// Trailers and notices of the batch's messages: the patch they count for is in the same thread.
Status attributeTrailersAndNotices(Database &db, BatchQueries &q, const qint64 *rows, size_t count, Structure &s,
                                   const QHash<qint64, qint64> &seriesOfPatch,
                                   const QHash<qint64, SeriesAcc> &seriesById)
{
    auto isPatch = [&](qint64 row) { return s.patches.contains(row); };
    auto patchFor = [&](qint64 row) -> qint64 {
        if (s.patches.contains(row))
            return row;
        return s.findAncestor(row, isPatch);
    };

    auto setTrailer = db.prepare(QStringLiteral("UPDATE mail_trailers SET patch_message_id = ? WHERE id = ?"));
    if (!setTrailer)
        return setTrailer.status();
    QList<std::tuple<qint64, qint64>> trailerUpdates;
    Statement &trailers = q.trailers;
    for (size_t i = 0; i < count; ++i) {
        trailers.bind(1, rows[i]);
        while (true) {
            auto row = trailers.step();
            if (!row)
                return row.status();
            if (!row.value())
                break;
            const qint64 patch = patchFor(trailers.int64(1));
            const qint64 current = trailers.isNull(2) ? 0 : trailers.int64(2);
            if (patch != current)
                trailerUpdates << std::make_tuple(trailers.int64(0), patch);
        }
        trailers.reset();
    }
    for (const auto &[id, patch] : std::as_const(trailerUpdates)) {
        if (patch)
            setTrailer->bind(1, patch);
        else
            setTrailer->bindNull(1);
        setTrailer->bind(2, id);
        KL_TRY(setTrailer->exec());
    }

    auto setNotice = db.prepare(QStringLiteral("UPDATE applied_notices SET patch_message_id = ? WHERE id = ?"));
    auto accept = db.prepare(QStringLiteral(
        "UPDATE patches SET accepted_commit = ?, accepted_message_id = ? WHERE message_id = ?"));
    if (!setNotice || !accept)
        return Status::error(QStringLiteral("preparing the notice statements failed"));
    struct Notice { qint64 id, message; int idx; QString commit; };
    QList<Notice> list;
    Statement &notices = q.notices;
    for (size_t i = 0; i < count; ++i) {
        notices.bind(1, rows[i]);
        while (true) {
            auto row = notices.step();
            if (!row)
                return row.status();
            if (!row.value())
                break;
            list << Notice{notices.int64(0), notices.int64(1), int(notices.int64(2)), notices.text(3)};
        }
        notices.reset();
    }
    // In notice order, as one pass over the list did: a later notice for the same patch wins.
    std::sort(list.begin(), list.end(), [](const Notice &a, const Notice &b) { return a.id < b.id; });
    for (const Notice &n : std::as_const(list)) {
        qint64 patch = s.findAncestor(n.message, isPatch);
        if (patch && n.idx > 0) {
            const auto series = seriesById.constFind(seriesOfPatch.value(patch));
            if (series != seriesById.cend()) {
                for (qint64 member : series->members) {
                    if (s.patches[member].idx == n.idx && !s.patches[member].cover) {
                        patch = member;
                        break;
                    }
                }
            }
        }
        if (patch)
            setNotice->bind(1, patch);
        else
            setNotice->bindNull(1);
        setNotice->bind(2, n.id);
        KL_TRY(setNotice->exec());
        if (patch) {
            accept->bind(1, n.commit).bind(2, n.message).bind(3, patch);
            KL_TRY(accept->exec());
        }
    }
    return Status::ok();
}

// One batch of whole threads: thread it, write its threads, series, trailer and notice links.
Status rebuildBatch(Database &db, BatchQueries &q, qint64 listId, const qint64 *rows, size_t count,
                    PostPassCounts &counts, std::vector<qint64> &keptThreads, std::vector<qint64> &keptSeries)
{
    Structure s;
    QList<ThreadInput> inputs;
    KL_TRY(loadBatch(q, rows, count, s, inputs));
    s.forest = threadMessages(inputs);
    inputs.clear();
    for (int n = 0; n < s.forest.nodes.size(); ++n) {
        if (s.forest.nodes[n].rowId)
            s.nodeOfRow.insert(s.forest.nodes[n].rowId, n);
    }
    KL_TRY(writeThreads(db, listId, s, counts, keptThreads));
    QHash<qint64, qint64> seriesOfPatch;
    QHash<qint64, SeriesAcc> seriesById;
    KL_TRY(writeSeries(db, listId, s, counts, seriesOfPatch, seriesById, keptSeries));
    return attributeTrailersAndNotices(db, q, rows, count, s, seriesOfPatch, seriesById);
}

} // namespace

// Memory stays bounded by the batch (and by the biggest thread), not by the list: the list is
// cut into batches of whole threads (mail_components.h) and each is threaded on its own, which
// gives the same trees as threading the whole list at once, since no thread spans two batches.
Result<PostPassCounts> rebuildListStructure(Store &store, qint64 listId, size_t batchMessages)
{
    Database &db = store.db();
    Transaction tx(db);
    KL_TRY(tx.status());
    auto batches = threadBatches(db, listId, std::max<size_t>(1, batchMessages));
    if (!batches)
        return batches.status();
    BatchQueries q;
    KL_TRY(q.prepare(db));
    KL_TRY(db.exec(QStringLiteral(
        "DELETE FROM thread_nodes WHERE thread_id IN (SELECT id FROM threads WHERE list_id = %1)").arg(listId)));
    KL_TRY(db.exec(QStringLiteral(
        "UPDATE patches SET accepted_commit = NULL, accepted_message_id = NULL "
        "WHERE message_id IN (SELECT id FROM messages WHERE list_id = %1)").arg(listId)));
    PostPassCounts counts;
    std::vector<qint64> keptThreads, keptSeries;
    size_t begin = 0;
    for (const size_t end : batches->ends) {
        KL_TRY(rebuildBatch(db, q, listId, batches->rows.data() + begin, end - begin, counts, keptThreads, keptSeries));
        begin = end;
    }
    KL_TRY(deleteUnkept(db, QStringLiteral("threads"), listId, keptThreads));
    KL_TRY(deleteUnkept(db, QStringLiteral("series"), listId, keptSeries));
    KL_TRY(linkRevisions(db, listId));
    KL_TRY(db.exec(QStringLiteral(
        "UPDATE series SET accepted_count = (SELECT count(*) FROM patches p WHERE p.series_id = series.id "
        "AND p.accepted_commit IS NOT NULL) WHERE list_id = %1").arg(listId)));
    KL_TRY(db.exec(QStringLiteral("UPDATE lists SET threads_stale = 0 WHERE id = %1").arg(listId)));
    KL_TRY(tx.commit());
    return counts;
}

} // namespace kl::mail
