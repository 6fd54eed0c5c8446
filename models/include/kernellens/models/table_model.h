#pragma once
// A read-only Qt item model over one report::Table, for every table in every view. The table is
// a value handed over whole (computed on a worker thread), so data() never does I/O.

#include <kernellens/models/report.h>

#include <QAbstractTableModel>

namespace kl::models {

class TableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role {
        SortRole = Qt::UserRole + 1, // a value that orders correctly (numbers as double, nulls invalid)
        ColumnKindRole,              // int(report::Column::Kind)
        ColumnKeyRole,               // the column's stable key
        RawValueRole,                // the cell exactly as the report holds it
    };

    explicit TableModel(QObject *parent = nullptr);

    void setTable(report::Table table);
    const report::Table &table() const { return m_table; }
    void clear();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // How a cell reads on screen: percent as "12.34%", reals with 3 decimals, dates in ISO.
    static QString displayText(const QVariant &value, report::Column::Kind kind);
    static QVariant sortValue(const QVariant &value, report::Column::Kind kind);

private:
    report::Table m_table;
};

} // namespace kl::models
