#include <kernellens/models/table_model.h>
#include <kernellens/models/visible_text.h>

#include <QLocale>

#include <cmath>

namespace kl::models {

using report::Column;

TableModel::TableModel(QObject *parent) : QAbstractTableModel(parent) {}

void TableModel::setTable(report::Table table)
{
    beginResetModel();
    m_table = std::move(table);
    endResetModel();
}

void TableModel::clear()
{
    setTable({});
}

int TableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_table.rows.size());
}

int TableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_table.columns.size());
}

static bool isNumeric(Column::Kind kind)
{
    return kind == Column::Kind::Integer || kind == Column::Kind::Real || kind == Column::Kind::Percent;
}

static bool isNullCell(const QVariant &value)
{
    if (!value.isValid() || value.isNull())
        return true;
    if (value.typeId() == QMetaType::Double && !std::isfinite(value.toDouble()))
        return true;
    return false;
}

QString TableModel::displayText(const QVariant &value, Column::Kind kind)
{
    if (isNullCell(value))
        return QStringLiteral("–");
    switch (kind) {
    case Column::Kind::Percent:
        return QString::number(value.toDouble() * 100.0, 'f', 2) + QLatin1Char('%');
    case Column::Kind::Real:
        return QString::number(value.toDouble(), 'f', 3);
    case Column::Kind::Integer:
        return QLocale().toString(value.toLongLong());
    case Column::Kind::Date:
        if (value.typeId() == QMetaType::QDateTime)
            return value.toDateTime().toUTC().date().toString(Qt::ISODate);
        if (value.typeId() == QMetaType::QDate)
            return value.toDate().toString(Qt::ISODate);
        return value.toString();
    case Column::Kind::DateTime:
        if (value.typeId() == QMetaType::QDateTime)
            return value.toDateTime().toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        return value.toString();
    case Column::Kind::Text:
        break;
    }
    if (value.typeId() == QMetaType::QStringList)
        return value.toStringList().join(QStringLiteral(", "));
    // Mail text is hostile: control characters would garble the view, bidi overrides reorder it.
    return report::visibleText(value.toString());
}

QVariant TableModel::sortValue(const QVariant &value, Column::Kind kind)
{
    if (isNullCell(value))
        return {};
    if (isNumeric(kind))
        return value.toDouble();
    if (kind == Column::Kind::Date || kind == Column::Kind::DateTime) {
        if (value.typeId() == QMetaType::QDateTime)
            return value.toDateTime();
        if (value.typeId() == QMetaType::QDate)
            return QDateTime(value.toDate(), QTime(0, 0), Qt::UTC);
        return value.toString();
    }
    return displayText(value, kind).toCaseFolded();
}

QVariant TableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Column &column = m_table.columns.at(index.column());
    const QVariantList &row = m_table.rows.at(index.row());
    const QVariant cell = index.column() < row.size() ? row.at(index.column()) : QVariant();
    switch (role) {
    case Qt::DisplayRole:
        return displayText(cell, column.kind);
    case Qt::ToolTipRole: {
        // Mail text is hostile and Qt renders a tooltip that looks like HTML as rich text: always
        // hand it rich text, with the cell escaped.
        const QString text = displayText(cell, column.kind).toHtmlEscaped();
        if (column.kind == Column::Kind::Percent && !isNullCell(cell))
            return QStringLiteral("<p>%1: %2 (%3)</p>").arg(column.title.toHtmlEscaped(), text, QString::number(cell.toDouble(), 'g', 6));
        return QStringLiteral("<p>%1: %2</p>").arg(column.title.toHtmlEscaped(), text);
    }
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(isNumeric(column.kind) ? Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter)
                                                          : Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter));
    case SortRole:
        return sortValue(cell, column.kind);
    case ColumnKindRole:
        return int(column.kind);
    case ColumnKeyRole:
        return column.key;
    case RawValueRole:
        return cell;
    default:
        return {};
    }
}

QVariant TableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Vertical) {
        if (role == Qt::DisplayRole && section >= 0 && section < m_table.rows.size())
            return section + 1;
        return {};
    }
    if (section < 0 || section >= m_table.columns.size())
        return {};
    const Column &column = m_table.columns.at(section);
    switch (role) {
    case Qt::DisplayRole:
        return column.title.isEmpty() ? column.key : column.title;
    case Qt::ToolTipRole:
        return QStringLiteral("%1 (%2)").arg(column.key, report::columnKindName(column.kind));
    case ColumnKindRole:
        return int(column.kind);
    case ColumnKeyRole:
        return column.key;
    default:
        return {};
    }
}

QHash<int, QByteArray> TableModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(SortRole, "sortValue");
    names.insert(ColumnKindRole, "columnKind");
    names.insert(ColumnKeyRole, "columnKey");
    names.insert(RawValueRole, "rawValue");
    return names;
}

} // namespace kl::models
