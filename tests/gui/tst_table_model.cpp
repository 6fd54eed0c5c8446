#include <kernellens/models/table_model.h>

#include <QAbstractItemModelTester>
#include <QSortFilterProxyModel>
#include <QTest>

#include <cmath>
#include <limits>

using kl::models::TableModel;
using kl::report::Column;

class TestTableModel : public QObject
{
    Q_OBJECT

    static kl::report::Table sample()
    {
        kl::report::Table t;
        t.id = QStringLiteral("test.table");
        t.title = QStringLiteral("Sample");
        t.columns = {{QStringLiteral("subsystem"), QStringLiteral("Subsystem"), Column::Kind::Text},
                     {QStringLiteral("lines"), QStringLiteral("Lines"), Column::Kind::Integer},
                     {QStringLiteral("share"), QStringLiteral("Share"), Column::Kind::Percent},
                     {QStringLiteral("date"), QStringLiteral("Date"), Column::Kind::Date}};
        t.rows = {{QStringLiteral("NETWORKING"), 1200, 0.125, QDate(2024, 11, 17)},
                  {QStringLiteral("BLOCK"), 90, QVariant(), QDate(2022, 12, 11)},
                  {QStringLiteral("DRM"), 30000, std::numeric_limits<double>::quiet_NaN(), QVariant()},
                  {QStringLiteral("bad\x01name"), 5, 0.5}}; // a short row: missing cells read as null
        return t;
    }

private Q_SLOTS:
    void modelTesterOnResetAndClear()
    {
        TableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTable(sample());
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.columnCount(), 4);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        model.setTable(sample());
    }

    void displayAndRoles()
    {
        TableModel model;
        model.setTable(sample());
        QCOMPARE(model.data(model.index(0, 2)).toString(), QStringLiteral("12.50%"));
        QCOMPARE(model.data(model.index(1, 2)).toString(), QStringLiteral("–"));
        QCOMPARE(model.data(model.index(2, 2)).toString(), QStringLiteral("–"));
        QCOMPARE(model.data(model.index(0, 3)).toString(), QStringLiteral("2024-11-17"));
        QCOMPARE(model.data(model.index(3, 3)).toString(), QStringLiteral("–"));
        QVERIFY(!model.data(model.index(3, 0)).toString().contains(QChar(1)));
        QCOMPARE(model.data(model.index(0, 1), TableModel::ColumnKindRole).toInt(), int(Column::Kind::Integer));
        QCOMPARE(model.data(model.index(0, 1), TableModel::ColumnKeyRole).toString(), QStringLiteral("lines"));
        QCOMPARE(model.data(model.index(0, 1), TableModel::SortRole).toDouble(), 1200.0);
        QVERIFY(!model.data(model.index(1, 2), TableModel::SortRole).isValid());
        QCOMPARE(model.headerData(2, Qt::Horizontal).toString(), QStringLiteral("Share"));
        QVERIFY(model.data(model.index(0, 2), Qt::ToolTipRole).toString().contains(QStringLiteral("Share")));
        const auto align = model.data(model.index(0, 1), Qt::TextAlignmentRole).value<Qt::Alignment>();
        QVERIFY(align & Qt::AlignRight);
    }

    // A subject like "<img src=x>" must not become markup in a tooltip (Qt renders tooltips
    // that look like HTML as rich text).
    void tooltipsEscapeHostileText()
    {
        kl::report::Table t;
        t.columns = {{QStringLiteral("title"), QStringLiteral("Title <i>"), Column::Kind::Text}};
        t.rows = {{QStringLiteral("<img src=\"https://example.org/x.png\"><b>bold</b>")}};
        TableModel model;
        model.setTable(t);
        const QString tip = model.data(model.index(0, 0), Qt::ToolTipRole).toString();
        QVERIFY2(!tip.contains(QLatin1String("<img")) && !tip.contains(QLatin1String("<b>")), qPrintable(tip));
        QVERIFY(tip.contains(QLatin1String("&lt;img")));
        QVERIFY(tip.contains(QLatin1String("Title &lt;i&gt;")));
    }

    void sortsNumericallyThroughProxy()
    {
        TableModel model;
        model.setTable(sample());
        QSortFilterProxyModel proxy;
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&model);
        proxy.setSortRole(TableModel::SortRole);
        proxy.sort(1, Qt::DescendingOrder);
        // As text "90" would sort above "30000"; as numbers DRM comes first.
        QCOMPARE(proxy.index(0, 0).data().toString(), QStringLiteral("DRM"));
        QCOMPARE(proxy.index(1, 0).data().toString(), QStringLiteral("NETWORKING"));
        QCOMPARE(proxy.index(3, 0).data().toString().left(3), QStringLiteral("bad"));
        proxy.sort(0, Qt::AscendingOrder);
        QCOMPARE(proxy.index(0, 0).data().toString(), QStringLiteral("bad\u2401name"));
        proxy.sort(3, Qt::AscendingOrder);
        QCOMPARE(proxy.index(0, 0).data().toString(), QStringLiteral("BLOCK"));
    }
};

QTEST_GUILESS_MAIN(TestTableModel)
#include "tst_table_model.moc"
