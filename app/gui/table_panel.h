#pragma once
// One report table on screen: sortable by value, filterable, exportable as CSV, copyable.
// A table over time (per release, month or quarter, oldest first in the report) is shown newest
// first; the period column sorts in the report's order (liburing-2.10 after liburing-2.9, the
// unreleased row newest). A sort the user picks by clicking a header is remembered per table id
// (QSettings "tables/<id>/sort") and applied whenever that table is shown again.

#include <kernellens/models/report.h>

#include <QWidget>

class QLabel;
class QLineEdit;
class QTableView;

namespace kl::models {
class TableModel;
}

namespace kl::gui {

class TablePanel : public QWidget
{
    Q_OBJECT
public:
    explicit TablePanel(QWidget *parent = nullptr);

    void setTable(const report::Table &table);
    const report::Table &table() const;
    QTableView *view() const { return m_view; }
    models::TableModel *model() const { return m_model; }
    void sortByColumnKey(const QString &key, Qt::SortOrder order);
    void hideColumnKey(const QString &key);
    // Shows only rows whose column `key` equals `value` (empty value: all rows).
    void setColumnFilter(const QString &key, const QString &value);
    int visibleRowCount() const;
    void selectFirstRow();

    bool exportCsv(const QString &path, QString *error = nullptr) const;
    void exportInteractively();

Q_SIGNALS:
    // A row was selected: the report row as the table holds it.
    void rowSelected(const QVariantList &row);
    void rowActivated(const QVariantList &row);

private:
    void applyDefaultSort();
    void rememberSort() const;
    void copySelection() const;
    QVariantList sourceRow(const QModelIndex &proxyIndex) const;

    QLabel *m_note = nullptr;
    QLineEdit *m_filter = nullptr;
    QTableView *m_view = nullptr;
    models::TableModel *m_model = nullptr;
    class ReportOrderProxy *m_proxy = nullptr;
};

} // namespace kl::gui
