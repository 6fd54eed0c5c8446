#include "mail_postpass.h"

#include "mail_thread.h"

#include <QHash>
#include <QMap>
#include <QSet>

#include <algorithm>

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

Status loadMessages(Database &db, qint64 listId, Structure &s, QList<ThreadInput> &inputs)
{
    auto stmt = db.prepare(QStringLiteral(
        "SELECT id, msgid, refs, date, from_person, subject FROM messages WHERE list_id = ? ORDER BY id"));
    if (!stmt)
        return stmt.status();
    stmt->bind(1, listId);
    while (true) {
        auto row = stmt->step();
        if (!row)
            return row.status();
        if (!row.value())
            break;
        MessageRow m;
        m.id = stmt->int64(0);
        m.msgid = stmt->text(1);
        m.hasDate = !stmt->isNull(3);
        m.date = stmt->int64(3);
        m.person = stmt->int64(4);
        m.subject = stmt->text(5);
        ThreadInput in;
        in.rowId = m.id;
        in.messageId = m.msgid;
        const QString refs = stmt->text(2);
        if (!refs.isEmpty())
            in.references = refs.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        in.date = m.hasDate ? m.date : 0;
        inputs << in;
        s.messages.insert(m.id, m);
    }
    auto patches = db.prepare(QStringLiteral(
        "SELECT p.message_id, p.version, p.idx, p.total, p.is_cover, p.title, p.normalized_title, "
        "p.change_id FROM patches p JOIN messages m ON m.id = p.message_id WHERE m.list_id = ?"));
    if (!patches)
        return patches.status();
    patches->bind(1, listId);
    while (true) {
        auto row = patches->step();
        if (!row)
            return row.status();
        if (!row.value())
            break;
        PatchRow p;
        p.id = patches->int64(0);
        p.version = int(patches->int64(1));
        p.idx = int(patches->int64(2));
        p.total = int(patches->int64(3));
        p.cover = patches->int64(4) != 0;
        p.title = patches->text(5);
        p.normalized = patches->text(6);
        p.changeId = patches->text(7);
        s.patches.insert(p.id, p);
    }
    return Status::ok();
}

Status writeThreads(Database &db, qint64 listId, Structure &s, PostPassCounts &counts)
{
    QHash<QString, qint64> existing;
    {
        auto stmt = db.prepare(QStringLiteral("SELECT id, root_msgid FROM threads WHERE list_id = ?"));
        if (!stmt)
            return stmt.status();
        stmt->bind(1, listId);
        while (true) {
            auto row = stmt->step();
            if (!row)
                return row.status();
            if (!row.value())
                break;
            existing.insert(stmt->text(1), stmt->int64(0));
        }
    }
    KL_TRY(db.exec(QStringLiteral(
        "DELETE FROM thread_nodes WHERE thread_id IN (SELECT id FROM threads WHERE list_id = %1)")
                       .arg(listId)));

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
    auto removeThread = db.prepare(QStringLiteral("DELETE FROM threads WHERE id = ?"));
    if (!upsert || !insertNode || !updateMessage || !removeThread)
        return Status::error(QStringLiteral("preparing the thread statements failed"));

    const ThreadForest &forest = s.forest;
    QSet<qint64> kept;
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
        kept.insert(threadId);
        existing.remove(root.messageId);
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
    for (auto it = existing.cbegin(); it != existing.cend(); ++it) {
        removeThread->bind(1, it.value());
        KL_TRY(removeThread->exec());
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

Status writeSeries(Database &db, qint64 listId, Structure &s, PostPassCounts &counts,
                   QHash<qint64, qint64> &seriesOfPatch, QHash<qint64, SeriesAcc> &seriesById)
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

    QHash<QString, QList<SeriesAcc *>> chains;
    QSet<qint64> keptIds;
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
        keptIds.insert(acc.id);
        for (qint64 pid : std::as_const(acc.members)) {
            seriesOfPatch.insert(pid, acc.id);
            setPatch->bind(1, acc.id).bind(2, pid);
            KL_TRY(setPatch->exec());
        }
        const QString chainKey = acc.changeId.isEmpty()
                                     ? QString(head.normalized + QLatin1Char('\n') + QString::number(author))
                                     : QString(QStringLiteral("change-id:") + acc.changeId);
        chains[chainKey] << &acc;
        ++counts.series;
    }
    for (auto it = byKey.cbegin(); it != byKey.cend(); ++it)
        seriesById.insert(it->id, it.value());

    // Stale series (their patches were removed or regrouped).
    {
        auto stmt = db.prepare(QStringLiteral("SELECT id FROM series WHERE list_id = ?"));
        if (!stmt)
            return stmt.status();
        stmt->bind(1, listId);
        QList<qint64> stale;
        while (true) {
            auto row = stmt->step();
            if (!row)
                return row.status();
            if (!row.value())
                break;
            if (!keptIds.contains(stmt->int64(0)))
                stale << stmt->int64(0);
        }
        auto del = db.prepare(QStringLiteral("DELETE FROM series WHERE id = ?"));
        if (!del)
            return del.status();
        for (qint64 id : std::as_const(stale)) {
            del->bind(1, id);
            KL_TRY(del->exec());
        }
    }

    auto link = db.prepare(QStringLiteral("UPDATE series SET previous_series_id = ? WHERE id = ?"));
    if (!link)
        return link.status();
    for (auto it = chains.begin(); it != chains.end(); ++it) {
        QList<SeriesAcc *> &list = it.value();
        if (list.size() < 2)
            continue;
        std::sort(list.begin(), list.end(), [](const SeriesAcc *a, const SeriesAcc *b) {
            if (a->version != b->version)
                return a->version < b->version;
            return a->firstDate < b->firstDate;
        });
        for (qsizetype i = 1; i < list.size(); ++i) {
            // The latest earlier version (a RESEND of the same version is not a revision).
            for (qsizetype j = i - 1; j >= 0; --j) {
                if (list[j]->version < list[i]->version) {
                    link->bind(1, list[j]->id).bind(2, list[i]->id);
                    KL_TRY(link->exec());
                    break;
                }
            }
        }
    }
    return Status::ok();
}

Status attributeTrailersAndNotices(Database &db, qint64 listId, Structure &s,
                                   const QHash<qint64, qint64> &seriesOfPatch,
                                   const QHash<qint64, SeriesAcc> &seriesById)
{
    auto isPatch = [&](qint64 row) { return s.patches.contains(row); };
    auto patchFor = [&](qint64 row) -> qint64 {
        if (s.patches.contains(row))
            return row;
        return s.findAncestor(row, isPatch);
    };

    auto trailers = db.prepare(QStringLiteral(
        "SELECT t.id, t.message_id, t.patch_message_id FROM mail_trailers t "
        "JOIN messages m ON m.id = t.message_id WHERE m.list_id = ?"));
    auto setTrailer = db.prepare(QStringLiteral("UPDATE mail_trailers SET patch_message_id = ? WHERE id = ?"));
    if (!trailers || !setTrailer)
        return Status::error(QStringLiteral("preparing the trailer statements failed"));
    trailers->bind(1, listId);
    QList<std::tuple<qint64, qint64>> trailerUpdates;
    while (true) {
        auto row = trailers->step();
        if (!row)
            return row.status();
        if (!row.value())
            break;
        const qint64 patch = patchFor(trailers->int64(1));
        const qint64 current = trailers->isNull(2) ? 0 : trailers->int64(2);
        if (patch != current)
            trailerUpdates << std::make_tuple(trailers->int64(0), patch);
    }
    trailers->reset();
    for (const auto &[id, patch] : std::as_const(trailerUpdates)) {
        if (patch)
            setTrailer->bind(1, patch);
        else
            setTrailer->bindNull(1);
        setTrailer->bind(2, id);
        KL_TRY(setTrailer->exec());
    }

    KL_TRY(db.exec(QStringLiteral(
        "UPDATE patches SET accepted_commit = NULL, accepted_message_id = NULL "
        "WHERE message_id IN (SELECT id FROM messages WHERE list_id = %1)").arg(listId)));
    auto notices = db.prepare(QStringLiteral(
        "SELECT a.id, a.message_id, a.idx, a.commit_sha FROM applied_notices a "
        "JOIN messages m ON m.id = a.message_id WHERE m.list_id = ? ORDER BY a.id"));
    auto setNotice = db.prepare(QStringLiteral("UPDATE applied_notices SET patch_message_id = ? WHERE id = ?"));
    auto accept = db.prepare(QStringLiteral(
        "UPDATE patches SET accepted_commit = ?, accepted_message_id = ? WHERE message_id = ?"));
    if (!notices || !setNotice || !accept)
        return Status::error(QStringLiteral("preparing the notice statements failed"));
    notices->bind(1, listId);
    struct Notice { qint64 id, message; int idx; QString commit; };
    QList<Notice> list;
    while (true) {
        auto row = notices->step();
        if (!row)
            return row.status();
        if (!row.value())
            break;
        list << Notice{notices->int64(0), notices->int64(1), int(notices->int64(2)), notices->text(3)};
    }
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
    return db.exec(QStringLiteral(
        "UPDATE series SET accepted_count = (SELECT count(*) FROM patches p WHERE p.series_id = series.id "
        "AND p.accepted_commit IS NOT NULL) WHERE list_id = %1").arg(listId));
}

} // namespace

Result<PostPassCounts> rebuildListStructure(Store &store, qint64 listId)
{
    Database &db = store.db();
    Transaction tx(db);
    KL_TRY(tx.status());
    Structure s;
    QList<ThreadInput> inputs;
    KL_TRY(loadMessages(db, listId, s, inputs));
    s.forest = threadMessages(inputs);
    for (int n = 0; n < s.forest.nodes.size(); ++n) {
        if (s.forest.nodes[n].rowId)
            s.nodeOfRow.insert(s.forest.nodes[n].rowId, n);
    }
    PostPassCounts counts;
    KL_TRY(writeThreads(db, listId, s, counts));
    QHash<qint64, qint64> seriesOfPatch;
    QHash<qint64, SeriesAcc> seriesById;
    KL_TRY(writeSeries(db, listId, s, counts, seriesOfPatch, seriesById));
    KL_TRY(attributeTrailersAndNotices(db, listId, s, seriesOfPatch, seriesById));
    KL_TRY(db.exec(QStringLiteral("UPDATE lists SET threads_stale = 0 WHERE id = %1").arg(listId)));
    KL_TRY(tx.commit());
    return counts;
}

} // namespace kl::mail
