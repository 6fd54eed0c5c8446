#include "table_panel.h"

#include <kernellens/models/table_model.h>

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace kl::gui {

// Sorting the period column of a table over time keeps the report's (chronological) order
// instead of comparing tags as text.
class ReportOrderProxy : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    int orderColumn = -1;

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override
    {
        if (left.column() == orderColumn)
            return left.row() < right.row();
        return QSortFilterProxyModel::lessThan(left, right);
    }
};

namespace {

// The period column of a table the report lists over time, oldest first; -1 for other tables
// (rankings, lists of people or items keep the report's order).
int chronologicalColumn(const report::Table &table)
{
    static const QStringList periodKeys{QStringLiteral("release"), QStringLiteral("month"), QStringLiteral("quarter"),
                                        QStringLiteral("cohort"), QStringLiteral("period"), QStringLiteral("week")};
    if (table.columns.isEmpty() || !periodKeys.contains(table.columns.first().key) || table.rows.size() < 2)
        return -1;
    const int date = table.columnIndex(QStringLiteral("date"));
    if (date < 0)
        return 0;
    QDate first, last;
    for (const QVariantList &row : table.rows) {
        const QDate d = row.value(date).toDate();
        if (!d.isValid())
            continue;
        if (!first.isValid())
            first = d;
        last = d;
    }
    return first.isValid() && first <= last ? 0 : -1;
}

QString sortSettingsKey(const report::Table &table)
{
    return QStringLiteral("tables/%1/sort").arg(table.id);
}

} // namespace

TablePanel::TablePanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter rows…"));
    m_filter->setClearButtonEnabled(true);
    layout->addWidget(m_filter);

    m_model = new models::TableModel(this);
    m_proxy = new ReportOrderProxy(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(models::TableModel::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterKeyColumn(-1);
        m_proxy->setFilterFixedString(text);
    });

    m_view = new QTableView(this);
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    // Keep the report's own order (ranking, newest first) until the user picks a column.
    m_view->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->horizontalHeader()->setStretchLastSection(true);
    // Measuring every row of a long table to size columns would stall the GUI thread.
    m_view->horizontalHeader()->setResizeContentsPrecision(100);
    m_view->horizontalHeader()->setSectionsMovable(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    layout->addWidget(m_view, 1);
    // Only a click is the user's choice; sorts applied by code are not remembered.
    connect(m_view->horizontalHeader(), &QHeaderView::sectionClicked, this, [this] { rememberSort(); });

    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_note->setForegroundRole(QPalette::PlaceholderText);
    m_note->hide();
    layout->addWidget(m_note);

    auto *copy = new QAction(tr("Copy"), m_view);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    connect(copy, &QAction::triggered, this, &TablePanel::copySelection);
    m_view->addAction(copy);

    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        QMenu menu(this);
        menu.addAction(tr("Copy"), this, &TablePanel::copySelection);
        menu.addAction(tr("Export Table as CSV…"), this, &TablePanel::exportInteractively);
        menu.exec(m_view->viewport()->mapToGlobal(pos));
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    Q_EMIT rowSelected(sourceRow(current));
            });
    connect(m_view, &QTableView::activated, this,
            [this](const QModelIndex &index) { Q_EMIT rowActivated(sourceRow(index)); });
}

void TablePanel::setTable(const report::Table &table)
{
    m_proxy->orderColumn = chronologicalColumn(table);
    m_model->setTable(table);
    applyDefaultSort();
    m_note->setText(table.note);
    m_note->setVisible(!table.note.isEmpty());
    m_view->resizeColumnsToContents();
    for (int c = 0; c < m_model->columnCount(); ++c)
        if (m_view->columnWidth(c) > 360)
            m_view->setColumnWidth(c, 360);
}

void TablePanel::applyDefaultSort()
{
    const report::Table &t = table();
    if (!t.id.isEmpty()) {
        const QString remembered = QSettings().value(sortSettingsKey(t)).toString();
        const int column = t.columnIndex(remembered.section(QLatin1Char(':'), 0, 0));
        if (column >= 0) {
            m_view->sortByColumn(column, remembered.endsWith(QLatin1String(":asc")) ? Qt::AscendingOrder : Qt::DescendingOrder);
            return;
        }
    }
    if (m_proxy->orderColumn >= 0)
        m_view->sortByColumn(m_proxy->orderColumn, Qt::DescendingOrder);   // newest first
    else
        m_view->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);   // the report's order
}

void TablePanel::rememberSort() const
{
    const report::Table &t = table();
    const int column = m_view->horizontalHeader()->sortIndicatorSection();
    if (t.id.isEmpty() || column < 0 || column >= t.columns.size())
        return;
    const bool ascending = m_view->horizontalHeader()->sortIndicatorOrder() == Qt::AscendingOrder;
    QSettings().setValue(sortSettingsKey(t), QString(t.columns.at(column).key + (ascending ? QStringLiteral(":asc") : QStringLiteral(":desc"))));
}

const report::Table &TablePanel::table() const
{
    return m_model->table();
}

void TablePanel::sortByColumnKey(const QString &key, Qt::SortOrder order)
{
    const int column = table().columnIndex(key);
    if (column >= 0)
        m_view->sortByColumn(column, order);
}

void TablePanel::hideColumnKey(const QString &key)
{
    const int column = table().columnIndex(key);
    if (column >= 0)
        m_view->setColumnHidden(column, true);
}

void TablePanel::setColumnFilter(const QString &key, const QString &value)
{
    const int column = table().columnIndex(key);
    m_filter->clear();
    if (column < 0 || value.isEmpty()) {
        m_proxy->setFilterKeyColumn(-1);
        m_proxy->setFilterRegularExpression(QString());
        return;
    }
    m_proxy->setFilterKeyColumn(column);
    m_proxy->setFilterRegularExpression(
        QRegularExpression(QLatin1Char('^') + QRegularExpression::escape(value) + QLatin1Char('$'),
                           QRegularExpression::CaseInsensitiveOption));
}

void TablePanel::selectFirstRow()
{
    if (m_proxy->rowCount() > 0)
        m_view->setCurrentIndex(m_proxy->index(0, 0));
}

int TablePanel::visibleRowCount() const
{
    return m_proxy->rowCount();
}

QVariantList TablePanel::sourceRow(const QModelIndex &proxyIndex) const
{
    const QModelIndex source = m_proxy->mapToSource(proxyIndex);
    if (!source.isValid() || source.row() >= table().rows.size())
        return {};
    return table().rows.at(source.row());
}

void TablePanel::copySelection() const
{
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QStringList lines;
    for (const QModelIndex &row : rows) {
        QStringList cells;
        for (int c = 0; c < m_proxy->columnCount(); ++c)
            if (!m_view->isColumnHidden(c))
                cells.append(m_proxy->index(row.row(), c).data().toString());
        lines.append(cells.join(QLatin1Char('\t')));
    }
    QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')));
}

bool TablePanel::exportCsv(const QString &path, QString *error) const
{
    const QByteArray csv = report::toCsv(table()).toUtf8();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(csv) != csv.size() || !file.commit()) {
        if (error)
            *error = tr("%1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void TablePanel::exportInteractively()
{
    const QString base = table().id.isEmpty() ? QStringLiteral("table") : table().id;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Table as CSV"), base + QStringLiteral(".csv"),
                                                      tr("CSV file (*.csv)"));
    QString error;
    if (!path.isEmpty() && !exportCsv(path, &error))
        QMessageBox::warning(this, tr("Export Table"), error);
}

} // namespace kl::gui
