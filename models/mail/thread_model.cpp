#include <kernellens/models/mail.h>

namespace kl::models {

namespace {

// An index's internal id is its node's index + 1, so 0 never names a node.
quintptr idOf(int node) { return quintptr(node) + 1; }
int nodeOf(const QModelIndex &index) { return int(index.internalId()) - 1; }

QString dateText(const QDateTime &date)
{
    return date.isValid() ? date.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QString();
}

} // namespace

ThreadModel::ThreadModel(QObject *parent) : QAbstractItemModel(parent) {}

void ThreadModel::setThread(ThreadTree thread)
{
    beginResetModel();
    m_thread = std::move(thread);
    endResetModel();
}

void ThreadModel::clear()
{
    setThread({});
}

QModelIndex ThreadModel::indexOfNode(int node, int column) const
{
    if (node < 0 || node >= m_thread.nodes.size() || column < 0 || column >= ColumnCount)
        return {};
    return createIndex(m_thread.nodes[node].rowInParent, column, idOf(node));
}

QModelIndex ThreadModel::focusIndex() const
{
    return indexOfNode(m_thread.focus);
}

QModelIndex ThreadModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid()) {
        if (row >= m_thread.roots.size())
            return {};
        return createIndex(row, column, idOf(m_thread.roots[row]));
    }
    if (parent.model() != this || parent.column() != 0)
        return {};
    const int parentNode = nodeOf(parent);
    if (parentNode < 0 || parentNode >= m_thread.nodes.size())
        return {};
    const auto &children = m_thread.nodes[parentNode].children;
    if (row >= children.size())
        return {};
    return createIndex(row, column, idOf(children[row]));
}

QModelIndex ThreadModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    const int node = nodeOf(child);
    if (node < 0 || node >= m_thread.nodes.size())
        return {};
    return indexOfNode(m_thread.nodes[node].parent);
}

int ThreadModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_thread.roots.size());
    if (parent.column() != 0)
        return 0;
    const int node = nodeOf(parent);
    if (node < 0 || node >= m_thread.nodes.size())
        return 0;
    return int(m_thread.nodes[node].children.size());
}

int ThreadModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant ThreadModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.model() != this)
        return {};
    const int nodeIndex = nodeOf(index);
    if (nodeIndex < 0 || nodeIndex >= m_thread.nodes.size())
        return {};
    const ThreadNode &node = m_thread.nodes[nodeIndex];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case SubjectColumn:
            return node.isGhost() ? tr("(not in the archive) <%1>").arg(node.messageId) : node.subject;
        case FromColumn:
            return node.author();
        case DateColumn:
            return dateText(node.date);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (node.isGhost())
            return tr("A message the replies refer to, missing from the archive: <%1>").arg(node.messageId);
        return node.fromEmail.isEmpty() ? node.messageId
                                        : QStringLiteral("%1 <%2>\n<%3>").arg(node.fromName, node.fromEmail,
                                                                              node.messageId);
    case SubjectRole: return node.subject;
    case FromRole: return node.author();
    case FromEmailRole: return node.fromEmail;
    case DateRole: return node.date;
    case MessageIdRole: return node.messageId;
    case MessageRowIdRole: return node.messageRowId;
    case GhostRole: return node.isGhost();
    case DepthRole: return node.depth;
    case FocusRole: return nodeIndex == m_thread.focus;
    default:
        return {};
    }
}

QVariant ThreadModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SubjectColumn: return tr("Subject");
    case FromColumn: return tr("From");
    case DateColumn: return tr("Date");
    default: return {};
    }
}

QHash<int, QByteArray> ThreadModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractItemModel::roleNames();
    names.insert(SubjectRole, "subject");
    names.insert(FromRole, "from");
    names.insert(FromEmailRole, "fromEmail");
    names.insert(DateRole, "date");
    names.insert(MessageIdRole, "messageId");
    names.insert(MessageRowIdRole, "messageRowId");
    names.insert(GhostRole, "ghost");
    names.insert(DepthRole, "depth");
    names.insert(FocusRole, "focus");
    return names;
}

} // namespace kl::models
