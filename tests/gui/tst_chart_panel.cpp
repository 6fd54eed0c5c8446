// The chart panel's range selector, zoom and pan, and heat map scrolling, under offscreen.

#include "chart_panel.h"

#include <charts/chart_adapter.h>

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QWheelEvent>

using namespace kl;
using kl::gui::ChartPanel;

namespace {

report::Chart monthly(int months, const QString &id = QStringLiteral("test.months"))
{
    report::Chart c;
    c.id = id;
    c.title = QStringLiteral("Threads per month");
    c.kind = report::Chart::Kind::Line;
    report::Series s{QStringLiteral("threads"), {}};
    for (int i = 0; i < months; ++i) {
        c.categories << QDate(2020, 1, 1).addMonths(i).toString(QStringLiteral("yyyy-MM"));
        s.values << double(i % 7);
    }
    c.series = {s};
    return c;
}

report::Chart releases(int count, int seriesCount = 1)
{
    report::Chart c;
    c.id = QStringLiteral("test.releases");
    c.title = QStringLiteral("Lines per release");
    c.kind = report::Chart::Kind::StackedArea;
    for (int i = 0; i < count; ++i)
        c.categories << QStringLiteral("v%1.%2").arg(2 + i / 20).arg(i % 20);
    for (int s = 0; s < seriesCount; ++s) {
        report::Series series{QStringLiteral("language %1").arg(s), {}};
        for (int i = 0; i < count; ++i)
            series.values << double(i * (s + 1));
        c.series << series;
    }
    return c;
}

QChart *chartOf(ChartPanel &panel)
{
    auto *view = panel.findChild<QChartView *>();
    return view ? view->chart() : nullptr;
}

QComboBox *box(ChartPanel &panel, int index)
{
    const auto boxes = panel.findChildren<QComboBox *>();
    return index < boxes.size() ? boxes[index] : nullptr;
}

} // namespace

class TestChartPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rangeBarFollowsTheChart();
    void lastTwoYearsOnMonths();
    void wheelZoomsAndDragPans();
    void togglesKeepTheRangeOfTheSameAxis();
    void exportDrawsTheRangeShown();
    void tallHeatMapsScroll();
    void redrawTimeOnALongHistory();
};

void TestChartPanel::rangeBarFollowsTheChart()
{
    ChartPanel panel;
    panel.resize(900, 420);
    panel.setCharts({releases(8)});
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QVERIFY(panel.hasChart());
    QVERIFY2(!box(panel, 0)->isVisible(), "a short axis needs no range bar");

    panel.setCharts({releases(99)});
    QVERIFY(box(panel, 0)->isVisible());
    QCOMPARE(box(panel, 0)->count(), 99);
    QCOMPARE(panel.recentRangeLabel(), QStringLiteral("Last 20"));
    QCOMPARE(panel.recentRange(), (charts::CategoryRange{79, 98}));
    panel.setRange({10, 30});
    QCOMPARE(charts::chartRange(chartOf(panel)), (charts::CategoryRange{10, 30}));
    QCOMPARE(box(panel, 0)->currentIndex(), 10);
    QCOMPARE(box(panel, 1)->currentIndex(), 30);
    // From past To moves To along; the boxes act on the chart.
    box(panel, 0)->setCurrentIndex(40);
    Q_EMIT box(panel, 0)->activated(40);
    QCOMPARE(panel.range(), (charts::CategoryRange{40, 40}));
    const auto buttons = panel.findChildren<QToolButton *>();
    for (QToolButton *b : buttons)
        if (b->text() == QStringLiteral("All"))
            b->click();
    QCOMPARE(charts::chartRange(chartOf(panel)), (charts::CategoryRange{0, 98}));
}

void TestChartPanel::lastTwoYearsOnMonths()
{
    ChartPanel panel;
    panel.setCharts({monthly(60)}); // 2020-01 .. 2024-12
    QCOMPARE(panel.recentRangeLabel(), QStringLiteral("Last 2 years"));
    QCOMPARE(panel.recentRange(), (charts::CategoryRange{36, 59})); // 2023-01 .. 2024-12
}

void TestChartPanel::wheelZoomsAndDragPans()
{
    ChartPanel panel;
    panel.resize(900, 420);
    panel.setCharts({releases(200)});
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    auto *view = panel.findChild<QChartView *>();
    QTest::qWait(50); // the chart lays out on the next turns of the event loop
    const QPointF middle = view->chart()->plotArea().center();
    QWheelEvent in(middle, view->mapToGlobal(middle.toPoint()), QPoint(), QPoint(0, 120), Qt::NoButton,
                   Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(view->viewport(), &in);
    const charts::CategoryRange zoomed = panel.range();
    QVERIFY2(zoomed.last - zoomed.first + 1 == 160, qPrintable(QStringLiteral("%1..%2").arg(zoomed.first).arg(zoomed.last)));
    // The category under the pointer stays about where it was (the middle).
    QVERIFY(std::abs((zoomed.first + zoomed.last) / 2 - 100) <= 2);
    QApplication::sendEvent(view->viewport(), &in);
    QApplication::sendEvent(view->viewport(), &in);
    const charts::CategoryRange closer = panel.range();
    QVERIFY2(closer.last - closer.first + 1 < 110 && closer.first > 40,
             qPrintable(QStringLiteral("%1..%2").arg(closer.first).arg(closer.last)));

    // Dragging right by a quarter of the plot shows earlier categories.
    const QPoint from = middle.toPoint();
    const QPoint to = from + QPoint(int(view->chart()->plotArea().width() / 4), 0);
    QTest::mousePress(view->viewport(), Qt::LeftButton, {}, from);
    QTest::mouseMove(view->viewport(), to);
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, to);
    const charts::CategoryRange panned = panel.range();
    QCOMPARE(panned.last - panned.first, closer.last - closer.first);
    QVERIFY2(panned.first <= closer.first - 20, qPrintable(QStringLiteral("%1 vs %2").arg(panned.first).arg(closer.first)));
    // Panning stops at the start.
    QTest::mousePress(view->viewport(), Qt::LeftButton, {}, from);
    QTest::mouseMove(view->viewport(), from + QPoint(4000, 0));
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, from + QPoint(4000, 0));
    QCOMPARE(panel.range().first, 0);
    QCOMPARE(charts::chartRange(view->chart()), panel.range());
}

void TestChartPanel::togglesKeepTheRangeOfTheSameAxis()
{
    ChartPanel panel;
    auto share = releases(99);
    share.id = QStringLiteral("test.share");
    share.kind = report::Chart::Kind::Line;
    panel.setCharts({releases(99), share, monthly(30)});
    panel.setRange({50, 80});
    panel.setCurrentIndex(1);
    QCOMPARE(panel.range(), (charts::CategoryRange{50, 80}));
    QCOMPARE(charts::chartRange(chartOf(panel)), (charts::CategoryRange{50, 80}));
    panel.setCurrentIndex(2);
    QCOMPARE(panel.range(), (charts::CategoryRange{0, 29}));
}

void TestChartPanel::exportDrawsTheRangeShown()
{
    ChartPanel panel;
    panel.resize(900, 420);
    panel.setCharts({releases(99)});
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setRange({90, 98});
    QTemporaryDir dir;
    const QString svgPath = dir.filePath(QStringLiteral("chart.svg"));
    QString error;
    QVERIFY2(panel.exportSvg(svgPath, &error), qPrintable(error));
    QFile svg(svgPath);
    QVERIFY(svg.open(QIODevice::ReadOnly));
    const QByteArray text = svg.readAll();
    QVERIFY(text.contains("v6.10"));   // category 90
    QVERIFY(!text.contains(">v2.0<")); // category 0 is not drawn
    QVERIFY(panel.exportPng(dir.filePath(QStringLiteral("chart.png")), &error));
    QCOMPARE(panel.range(), (charts::CategoryRange{90, 98}));
}

void TestChartPanel::tallHeatMapsScroll()
{
    report::Chart heat;
    heat.kind = report::Chart::Kind::HeatMap;
    heat.title = QStringLiteral("Levels");
    heat.yTitle = QStringLiteral("Subsystem");
    heat.categories = {QStringLiteral("v1"), QStringLiteral("v2"), QStringLiteral("v3")};
    for (int r = 0; r < 40; ++r)
        heat.series << report::Series{QStringLiteral("subsystem %1").arg(r), {double(r % 6), 1, 2}};
    ChartPanel panel;
    panel.resize(800, 300);
    panel.setCharts({heat});
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    auto *view = panel.findChild<QChartView *>();
    QCOMPARE(charts::chartSpec(view->chart())->series.size(), charts::kHeatMapMaxRows);
    QVERIFY2(view->height() >= charts::kHeatMapMaxRows * 18, qPrintable(QString::number(view->height())));
    panel.setCharts({releases(50)});
    QTest::qWait(10);
    QVERIFY2(view->height() < 300, "other charts fit the panel");
}

// Not a timed assertion (the machine is shared): prints what a range change costs on screen.
void TestChartPanel::redrawTimeOnALongHistory()
{
    ChartPanel panel;
    panel.resize(1200, 500);
    panel.setCharts({releases(650, 10)});
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    auto *view = panel.findChild<QChartView *>();
    QElapsedTimer timer;
    qint64 worst = 0;
    for (const charts::CategoryRange r : {charts::CategoryRange{600, 649}, charts::CategoryRange{0, 649},
                                          charts::CategoryRange{100, 400}, charts::CategoryRange{640, 649}}) {
        timer.start();
        panel.setRange(r);
        view->viewport()->repaint();
        QCoreApplication::processEvents();
        view->viewport()->repaint();
        worst = std::max(worst, timer.elapsed());
    }
    qInfo("range change + repaint, 650 releases x 10 series at 1200x500: worst %lld ms", worst);
    QCOMPARE(panel.range(), (charts::CategoryRange{640, 649}));
}

QTEST_MAIN(TestChartPanel)
#include "tst_chart_panel.moc"
