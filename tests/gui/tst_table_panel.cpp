// TablePanel: tables over time newest first, the period column in the report's order, and the
// user's sort remembered per table.

#include "table_panel.h"

#include <QApplication>
#include <QHeaderView>
#include <QSettings>
#include <QTableView>
#include <QTest>

using namespace kl;

class TestTablePanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init() { QSettings().clear(); }
    void tableOverTimeIsNewestFirst();
    void periodColumnSortsInReportOrder();
    void rankingKeepsReportOrder();
    void clickedSortIsRemembered();
};

namespace {

QString str(const char *text) { return QString::fromUtf8(text); }

// As adoption.by-release has it: version order, the unreleased row last, without a date.
report::Table releases()
{
    report::Table t;
    t.id = str("test.by-release");
    t.columns = {{str("release"), str("Release"), report::Column::Kind::Text},
                 {str("date"), str("Date"), report::Column::Kind::Date},
                 {str("commits"), str("Commits"), report::Column::Kind::Integer}};
    t.rows = {{str("liburing-2.8"), QDate(2024, 10, 23), 229},
              {str("liburing-2.9"), QDate(2025, 2, 3), 125},
              {str("liburing-2.10"), QDate(2025, 5, 23), 119},
              {str("(unreleased)"), QVariant(), 18}};
    return t;
}

QStringList firstColumn(const gui::TablePanel &panel)
{
    QStringList out;
    auto *model = panel.view()->model();
    for (int r = 0; r < model->rowCount(); ++r)
        out << model->index(r, 0).data().toString();
    return out;
}

} // namespace

void TestTablePanel::initTestCase()
{
    QCoreApplication::setOrganizationName(str("KernelLensTest"));
    QCoreApplication::setApplicationName(str("tst_table_panel"));
}

void TestTablePanel::tableOverTimeIsNewestFirst()
{
    gui::TablePanel panel;
    panel.setTable(releases());
    QCOMPARE(firstColumn(panel), (QStringList{str("(unreleased)"), str("liburing-2.10"), str("liburing-2.9"), str("liburing-2.8")}));
}

void TestTablePanel::periodColumnSortsInReportOrder()
{
    gui::TablePanel panel;
    panel.setTable(releases());
    panel.sortByColumnKey(str("release"), Qt::AscendingOrder);
    // As text, liburing-2.10 would sort before liburing-2.8.
    QCOMPARE(firstColumn(panel), (QStringList{str("liburing-2.8"), str("liburing-2.9"), str("liburing-2.10"), str("(unreleased)")}));
}

void TestTablePanel::rankingKeepsReportOrder()
{
    report::Table t;
    t.id = str("test.threads");
    t.columns = {{str("subject"), str("Subject"), report::Column::Kind::Text},
                 {str("date"), str("Date"), report::Column::Kind::Date}};
    t.rows = {{str("b worst"), QDate(2020, 1, 1)}, {str("a next"), QDate(2024, 1, 1)}};
    gui::TablePanel panel;
    panel.setTable(t);
    QCOMPARE(firstColumn(panel), (QStringList{str("b worst"), str("a next")}));
}

void TestTablePanel::clickedSortIsRemembered()
{
    {
        gui::TablePanel panel;
        panel.resize(600, 300);
        panel.show();
        panel.setTable(releases());
        QHeaderView *header = panel.view()->horizontalHeader();
        const int x = header->sectionViewportPosition(2) + header->sectionSize(2) / 2;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
        QCOMPARE(header->sortIndicatorSection(), 2);
    }
    const QString remembered = QSettings().value(str("tables/test.by-release/sort")).toString();
    QVERIFY2(remembered.startsWith(str("commits:")), qPrintable(remembered));
    gui::TablePanel again;
    again.setTable(releases());
    QCOMPARE(again.view()->horizontalHeader()->sortIndicatorSection(), 2);
    const QStringList order = firstColumn(again);
    const bool ascending = remembered.endsWith(str(":asc"));
    QCOMPARE(order.first(), ascending ? str("(unreleased)") : str("liburing-2.8"));
}

QTEST_MAIN(TestTablePanel)
#include "tst_table_panel.moc"
