#include <kernellens/models/mail.h>

namespace kl::models {

SearchResultsModel::SearchResultsModel(QObject *parent) : QAbstractTableModel(parent) {}

void SearchResultsModel::setResults(SearchResults results)
{
    beginResetModel();
    m_results = std::move(results);
    endResetModel();
}

void SearchResultsModel::appendHits(const QList<SearchHit> &hits)
{
    if (hits.isEmpty())
        return;
    const int first = int(m_results.hits.size());
    beginInsertRows({}, first, first + int(hits.size()) - 1);
    m_results.hits.append(hits);
    endInsertRows();
}

void SearchResultsModel::clear()
{
    setResults({});
}

int SearchResultsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_results.hits.size());
}

int SearchResultsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SearchResultsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.model() != this || index.row() >= m_results.hits.size())
        return {};
    const SearchHit &hit = m_results.hits[index.row()];
    const bool commit = hit.kind == SearchDocument::Kind::Commit;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case DateColumn:
            return hit.date.isValid() ? hit.date.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QString();
        case ListColumn:
            return commit ? tr("(commit)") : hit.list;
        case FromColumn:
            return hit.from;
        case SubjectColumn:
            return hit.subject;
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return QStringLiteral("<%1>").arg(hit.messageId);
    case DateRole: return hit.date;
    case ListRole: return hit.list;
    case FromRole: return hit.from;
    case SubjectRole: return hit.subject;
    case MessageIdRole: return hit.messageId;
    case RowIdRole: return hit.rowId;
    case KindRole: return commit ? QStringLiteral("commit") : QStringLiteral("message");
    case RelevanceRole: return hit.relevance;
    default:
        return {};
    }
}

QVariant SearchResultsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case DateColumn: return tr("Date");
    case ListColumn: return tr("List");
    case FromColumn: return tr("From");
    case SubjectColumn: return tr("Subject");
    default: return {};
    }
}

QHash<int, QByteArray> SearchResultsModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(DateRole, "date");
    names.insert(ListRole, "list");
    names.insert(FromRole, "from");
    names.insert(SubjectRole, "subject");
    names.insert(MessageIdRole, "messageId");
    names.insert(RowIdRole, "rowId");
    names.insert(KindRole, "kind");
    names.insert(RelevanceRole, "relevance");
    return names;
}

} // namespace kl::models
