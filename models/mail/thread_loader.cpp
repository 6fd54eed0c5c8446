// Reads a thread from the tables the mail ingester writes (threads, thread_nodes, messages,
// identities; see docs/mail.md). One query for the header, one for the nodes in pre-order.

#include <kernellens/models/mail.h>

#include <QHash>

#include <optional>

namespace kl::models {

QString ThreadNode::author() const
{
    return fromName.isEmpty() ? fromEmail : fromName;
}

namespace {

struct Located
{
    qint64 threadId = 0;
    bool threadKnown = false;
    qint64 messageRowId = 0; // 0 when the Message-ID is a ghost
    QString messageId;
};

// Returns nullopt-like (threadKnown false, rowId 0) when nothing matched.
Result<std::optional<Located>> locate(Store &store, const QString &asked)
{
    Database &db = store.db();
    const QString msgid = normalizeMessageId(asked);
    if (msgid.isEmpty())
        return std::optional<Located>();

    auto byMsgid = db.prepare(QStringLiteral(
        "SELECT thread_id, id, msgid FROM messages WHERE msgid = ? ORDER BY id LIMIT 1"));
    if (!byMsgid)
        return byMsgid.status();
    byMsgid->bind(1, msgid);
    auto row = byMsgid->step();
    if (!row)
        return row.status();
    if (!*row) {
        // A bare number is a row id (as search --json prints), unless a Message-ID matched above.
        bool isNumber = false;
        const qint64 rowId = msgid.toLongLong(&isNumber);
        if (isNumber) {
            auto byRow = db.prepare(QStringLiteral("SELECT thread_id, id, msgid FROM messages WHERE id = ?"));
            if (!byRow)
                return byRow.status();
            byRow->bind(1, rowId);
            row = byRow->step();
            if (!row)
                return row.status();
            if (*row) {
                Located found{byRow->int64(0), !byRow->isNull(0), byRow->int64(1), byRow->text(2)};
                return std::optional<Located>(found);
            }
        }
        // Perhaps a message everybody answered but the archive lacks: a ghost node.
        auto byGhost = db.prepare(QStringLiteral(
            "SELECT thread_id FROM thread_nodes WHERE msgid = ? AND message_id IS NULL LIMIT 1"));
        if (!byGhost)
            return byGhost.status();
        byGhost->bind(1, msgid);
        row = byGhost->step();
        if (!row)
            return row.status();
        if (!*row)
            return std::optional<Located>();
        return std::optional<Located>(Located{byGhost->int64(0), true, 0, msgid});
    }
    return std::optional<Located>(Located{byMsgid->int64(0), !byMsgid->isNull(0), byMsgid->int64(1), byMsgid->text(2)});
}

} // namespace

Result<ThreadTree> loadThreadById(Store &store, qint64 threadId)
{
    Database &db = store.db();
    const QString context = QStringLiteral("thread %1").arg(threadId);
    auto header = db.prepare(QStringLiteral(
        "SELECT t.root_msgid, t.subject, t.message_count, t.ghost_count, t.participants, t.max_depth, "
        "l.name FROM threads t JOIN lists l ON l.id = t.list_id WHERE t.id = ?"));
    if (!header)
        return header.status().withContext(context);
    header->bind(1, threadId);
    auto row = header->step();
    if (!row)
        return row.status().withContext(context);
    if (!*row)
        return Status::error(context + QStringLiteral(": not in the store"));

    ThreadTree tree;
    tree.threadId = threadId;
    tree.rootMessageId = header->text(0);
    tree.subject = header->text(1);
    tree.messageCount = int(header->int64(2));
    tree.ghostCount = int(header->int64(3));
    tree.participants = int(header->int64(4));
    tree.maxDepth = int(header->int64(5));
    tree.list = header->text(6);

    auto nodes = db.prepare(QStringLiteral(
        "SELECT n.id, n.parent_node, n.msgid, n.message_id, n.depth, m.subject, m.date, "
        "COALESCE(i.name, ''), COALESCE(i.email, '') FROM thread_nodes n "
        "LEFT JOIN messages m ON m.id = n.message_id "
        "LEFT JOIN identities i ON i.id = m.from_identity "
        "WHERE n.thread_id = ? ORDER BY n.position"));
    if (!nodes)
        return nodes.status().withContext(context);
    nodes->bind(1, threadId);
    QHash<qint64, int> indexOfNodeId;
    while (true) {
        row = nodes->step();
        if (!row)
            return row.status().withContext(context);
        if (!*row)
            break;
        ThreadNode node;
        node.nodeId = nodes->int64(0);
        const qint64 parentNodeId = nodes->isNull(1) ? 0 : nodes->int64(1);
        node.messageId = nodes->text(2);
        node.messageRowId = nodes->isNull(3) ? 0 : nodes->int64(3);
        node.depth = int(nodes->int64(4));
        if (!node.isGhost()) {
            node.subject = nodes->text(5);
            if (!nodes->isNull(6))
                node.date = QDateTime::fromSecsSinceEpoch(nodes->int64(6), Qt::UTC);
            node.fromName = nodes->text(7);
            node.fromEmail = nodes->text(8);
        }
        const int index = int(tree.nodes.size());
        // Pre-order means a parent comes before its children; one that does not (a store
        // written by an older ingester) makes the node a root rather than losing it.
        const auto parentIt = parentNodeId ? indexOfNodeId.constFind(parentNodeId) : indexOfNodeId.cend();
        if (parentIt != indexOfNodeId.cend()) {
            node.parent = *parentIt;
            node.rowInParent = int(tree.nodes[node.parent].children.size());
            tree.nodes[node.parent].children.append(index);
        } else {
            node.rowInParent = int(tree.roots.size());
            tree.roots.append(index);
        }
        indexOfNodeId.insert(node.nodeId, index);
        tree.nodes.append(std::move(node));
    }
    return tree;
}

Result<ThreadTree> loadThread(Store &store, const QString &messageIdOrRowId)
{
    const QString asked = messageIdOrRowId.trimmed();
    auto located = locate(store, asked);
    if (!located)
        return located.status().withContext(asked);
    if (!located->has_value())
        return Status::error(QStringLiteral("<%1>: no message with this Message-ID in the store")
                                 .arg(normalizeMessageId(asked)));
    const Located &found = **located;
    if (!found.threadKnown)
        return Status::error(QStringLiteral("<%1>: its thread is not built yet; rerun `ingest mail` "
                                            "for its list to finish threading")
                                 .arg(found.messageId));
    auto tree = loadThreadById(store, found.threadId);
    if (!tree)
        return tree.status().withContext(QStringLiteral("<%1>").arg(found.messageId));
    for (int i = 0; i < tree->nodes.size(); ++i) {
        const ThreadNode &node = tree->nodes[i];
        if (found.messageRowId ? node.messageRowId == found.messageRowId
                               : (node.isGhost() && node.messageId == found.messageId)) {
            tree->focus = i;
            break;
        }
    }
    return tree;
}

} // namespace kl::models
