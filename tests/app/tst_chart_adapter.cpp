// The chart adapter draws every report::Chart kind offscreen, to SVG and to pixels, in both themes.

#include "report_fixture.h"

#include <charts/chart_adapter.h>

#include <QChart>
#include <QElapsedTimer>
#include <QFontMetricsF>
#include <QScatterSeries>
#include <QPainter>
#include <QSet>
#include <QTest>
#include <QValueAxis>

#include <memory>

using namespace kl;

Q_DECLARE_METATYPE(kl::report::Chart::Kind)

class TestChartAdapter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyKind_data();
    void everyKind();
    void darkThemeDiffers();
    void chartObjectForViews();
    void hostileTextIsEscapedInSvg();
    void emptyAndGappyChartsRender();
    void oneCategoryStackedAreaDrawsBars();
    void formatsValues();
    void shareAxisStopsAtHundred();
    void labelsThinToTheWidth();
    void manyLabelsOnTheChart();
    void barsBecomeLines_data();
    void barsBecomeLines();
    void rangeZoomsAndRefits();
    void rangeBringsBarsBack();
    void heatMapFoldsRows();
    void smallHeatMapKeepsRows();
    void marksAreDrawnWithTheirLabels();
};

namespace {

int distinctColours(const QImage &image)
{
    QSet<QRgb> colours;
    const QImage img = image.convertToFormat(QImage::Format_RGB32);
    for (int y = 0; y < img.height(); y += 2)
        for (int x = 0; x < img.width(); x += 2)
            colours.insert(img.pixel(x, y));
    return int(colours.size());
}

// Share of pixels that differ from the background: a chart with axes, labels and data.
double inkRatio(const QImage &image, QColor background)
{
    const QImage img = image.convertToFormat(QImage::Format_RGB32);
    qint64 ink = 0, total = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x, ++total)
            if (img.pixel(x, y) != background.rgb())
                ++ink;
    return double(ink) / double(total);
}

// A long history: `categories` releases, `seriesCount` series of rising values.
report::Chart longChart(report::Chart::Kind kind, int categories, int seriesCount)
{
    report::Chart spec;
    spec.id = QStringLiteral("test.long");
    spec.title = QStringLiteral("Long history");
    spec.kind = kind;
    for (int i = 0; i < categories; ++i)
        spec.categories << QStringLiteral("v%1.%2").arg(2 + i / 40).arg(i % 40);
    for (int s = 0; s < seriesCount; ++s) {
        report::Series series{QStringLiteral("series %1").arg(s), {}};
        for (int i = 0; i < categories; ++i)
            series.values << double((s + 1) * (i + 1));
        spec.series << series;
    }
    return spec;
}

QValueAxis *valueAxisOf(QChart *chart)
{
    for (QAbstractAxis *axis : chart->axes(Qt::Vertical))
        if (auto *y = qobject_cast<QValueAxis *>(axis))
            return y;
    return nullptr;
}

// Lays the chart out at `size` as an export does (fitToSize runs inside).
QImage drawn(QChart *chart, QSize size)
{
    chart->resize(size);
    return charts::renderImage(chart, size);
}

} // namespace

void TestChartAdapter::everyKind_data()
{
    QTest::addColumn<report::Chart::Kind>("kind");
    QTest::newRow("line") << report::Chart::Kind::Line;
    QTest::newRow("stacked-area") << report::Chart::Kind::StackedArea;
    QTest::newRow("bar") << report::Chart::Kind::Bar;
    QTest::newRow("stacked-bar") << report::Chart::Kind::StackedBar;
    QTest::newRow("heat-map") << report::Chart::Kind::HeatMap;
}

void TestChartAdapter::everyKind()
{
    QFETCH(report::Chart::Kind, kind);
    const auto spec = testing::chartOfKind(kind);
    const auto theme = charts::Theme::light();

    const QByteArray svg = charts::renderSvg(spec, QSize(640, 360), theme);
    QVERIFY(svg.startsWith("<?xml"));
    QVERIFY(svg.contains("<svg"));
    QVERIFY2(svg.contains("Lines per language"), "the title is text in the SVG");
    QVERIFY2(svg.contains("v6.12"), "category labels are text in the SVG");
    QVERIFY2(!svg.contains("<image"), "charts are vectors, not embedded bitmaps");
    QVERIFY(svg.size() > 2000);

    const QImage image = charts::renderImage(spec, QSize(640, 360), theme);
    QCOMPARE(image.size(), QSize(640, 360));
    QVERIFY2(distinctColours(image) > 8, "the image is not blank");
    const double ink = inkRatio(image, theme.background);
    QVERIFY2(ink > 0.03, qPrintable(QStringLiteral("ink ratio %1").arg(ink)));

    // High-DPI export keeps the layout and doubles the pixels.
    const QImage hidpi = charts::renderImage(spec, QSize(320, 200), theme, 2.0);
    QCOMPARE(hidpi.size(), QSize(640, 400));
    QVERIFY(distinctColours(hidpi) > 8);
}

void TestChartAdapter::darkThemeDiffers()
{
    const auto spec = testing::chartOfKind(report::Chart::Kind::StackedArea);
    const QImage light = charts::renderImage(spec, QSize(400, 300), charts::Theme::light());
    const QImage dark = charts::renderImage(spec, QSize(400, 300), charts::Theme::dark());
    QVERIFY(light != dark);
    QCOMPARE(dark.pixelColor(2, 2).rgb(), charts::Theme::dark().background.rgb());
    QVERIFY(inkRatio(dark, charts::Theme::dark().background) > 0.03);
}

void TestChartAdapter::chartObjectForViews()
{
    int hovers = 0;
    for (auto kind : {report::Chart::Kind::Line, report::Chart::Kind::StackedArea, report::Chart::Kind::Bar,
                      report::Chart::Kind::StackedBar, report::Chart::Kind::HeatMap}) {
        std::unique_ptr<QChart> chart(charts::createChart(testing::chartOfKind(kind), charts::Theme::light(),
                                                          [&hovers](const charts::HoverInfo &) { ++hovers; }));
        QVERIFY(chart);
        QVERIFY(!chart->series().isEmpty());
        QCOMPARE(chart->axes().size(), 2);
        QCOMPARE(chart->title(), QStringLiteral("Lines per language"));
        charts::applyTheme(chart.get(), charts::Theme::dark());
        QCOMPARE(chart->backgroundBrush().color(), charts::Theme::dark().background);
        chart->resize(500, 300);
        const QImage image = charts::renderImage(chart.get(), QSize(500, 300));
        QVERIFY(distinctColours(image) > 8);
        const QByteArray svg = charts::renderSvg(chart.get(), QSize(500, 300));
        QVERIFY(svg.contains("<svg"));
    }
    QCOMPARE(hovers, 0); // nothing hovered without a pointer
}

void TestChartAdapter::hostileTextIsEscapedInSvg()
{
    auto spec = testing::chartOfKind(report::Chart::Kind::Bar, testing::kHostile);
    spec.series[0].name = QStringLiteral("<b onmouseover=\"x\">");
    spec.categories[0] = QStringLiteral("<img src=x>");
    const QByteArray svg = charts::renderSvg(spec, QSize(640, 360), charts::Theme::light());
    QVERIFY(!svg.contains("<script"));
    QVERIFY(!svg.contains("<b onmouseover"));
    QVERIFY(!svg.contains("<img"));
}

void TestChartAdapter::emptyAndGappyChartsRender()
{
    report::Chart empty;
    empty.title = QStringLiteral("Nothing yet");
    for (auto kind : {report::Chart::Kind::Line, report::Chart::Kind::Bar, report::Chart::Kind::HeatMap}) {
        empty.kind = kind;
        QVERIFY(charts::renderSvg(empty, QSize(300, 200), charts::Theme::light()).contains("<svg"));
    }
    auto gappy = testing::chartOfKind(report::Chart::Kind::HeatMap);
    gappy.series[1].values = {qQNaN()};
    gappy.percent = true;
    QVERIFY(!charts::renderImage(gappy, QSize(300, 200), charts::Theme::light()).isNull());
}

// A tree with one release tag: a stacked area over one category has no width, so the adapter
// draws the same stack as bars, and the picture is not empty.
void TestChartAdapter::oneCategoryStackedAreaDrawsBars()
{
    auto spec = testing::chartOfKind(report::Chart::Kind::StackedArea);
    spec.categories = spec.categories.mid(0, 1);
    for (auto &series : spec.series)
        series.values = series.values.mid(0, 1);
    std::unique_ptr<QChart> chart(charts::createChart(spec, charts::Theme::light(), {}));
    QVERIFY(!chart->series().isEmpty());
    QCOMPARE(chart->series().first()->type(), QAbstractSeries::SeriesTypeStackedBar);
    chart->resize(500, 300);
    QVERIFY(distinctColours(charts::renderImage(chart.get(), QSize(500, 300))) > 8);
    spec.categories << QStringLiteral("v2");
    for (auto &series : spec.series)
        series.values << 1.0;
    std::unique_ptr<QChart> two(charts::createChart(spec, charts::Theme::light(), {}));
    QCOMPARE(two->series().first()->type(), QAbstractSeries::SeriesTypeArea);
}

void TestChartAdapter::formatsValues()
{
    report::Chart spec;
    QCOMPARE(charts::formatValue(20576, spec), QStringLiteral("20,576"));
    QCOMPARE(charts::formatValue(qQNaN(), spec), QStringLiteral("–"));
    spec.percent = true;
    spec.series = {{QStringLiteral("share"), {0.25, 0.5}}};
    QCOMPARE(charts::formatValue(0.25, spec), QStringLiteral("25.0 %"));
    spec.series = {{QStringLiteral("share"), {25, 50}}}; // already percentages
    QCOMPARE(charts::formatValue(25, spec), QStringLiteral("25.0 %"));
}

void TestChartAdapter::shareAxisStopsAtHundred()
{
    report::Chart spec;
    spec.kind = report::Chart::Kind::Line;
    spec.percent = true;
    spec.categories = {QStringLiteral("2021-04"), QStringLiteral("2021-05"), QStringLiteral("2021-06")};
    spec.series = {{QStringLiteral("share"), {100, 4, 50}}};
    std::unique_ptr<QChart> chart(charts::createChart(spec, charts::Theme::light()));
    QVERIFY(chart);
    QValueAxis *y = nullptr;
    for (QAbstractAxis *axis : chart->axes(Qt::Vertical))
        y = qobject_cast<QValueAxis *>(axis);
    QVERIFY(y);
    QCOMPARE(y->min(), 0.0);
    QCOMPARE(y->max(), 100.0);
    // A count is not a share: 100 may grow past itself.
    spec.percent = false;
    std::unique_ptr<QChart> counts(charts::createChart(spec, charts::Theme::light()));
    for (QAbstractAxis *axis : counts->axes(Qt::Vertical))
        y = qobject_cast<QValueAxis *>(axis);
    QVERIFY(y->max() > 100.0);
}

// The step is the smallest that leaves each shown label its measured width plus a gap.
void TestChartAdapter::labelsThinToTheWidth()
{
    const QFont font(QStringLiteral("DejaVu Sans"), 8);
    QStringList few = {QStringLiteral("v6.1"), QStringLiteral("v6.6"), QStringLiteral("v6.12")};
    QCOMPARE(charts::fitLabels(few, font, 600), (charts::LabelFit{1, false}));
    QStringList many;
    for (int i = 0; i < 650; ++i)
        many << QStringLiteral("v%1.%2").arg(i / 20).arg(i % 20);
    const charts::LabelFit fit = charts::fitLabels(many, font, 800);
    QVERIFY(fit.step > 1);
    const int shown = (650 + fit.step - 1) / fit.step;
    const QFontMetricsF metrics(font);
    const double slot = fit.rotated ? metrics.height() : metrics.horizontalAdvance(QStringLiteral("v32.19"));
    QVERIFY2(shown * slot <= 800, qPrintable(QStringLiteral("%1 labels of %2 px").arg(shown).arg(slot)));
    QVERIFY2(shown >= 10, "thinning keeps a useful number of labels");
    // Half the width shows fewer labels; months keep quarter/year steps.
    const charts::LabelFit narrow = charts::fitLabels(many, font, 400);
    QVERIFY2((650 + narrow.step - 1) / narrow.step < shown,
             qPrintable(QStringLiteral("step %1 at 800 px, %2 at 400 px").arg(fit.step).arg(narrow.step)));
    QStringList months;
    for (int i = 0; i < 240; ++i)
        months << QDate(2005, 1, 1).addMonths(i).toString(QStringLiteral("yyyy-MM"));
    const int monthStep = charts::fitLabels(months, font, 700).step;
    QVERIFY2(QList<int>({1, 2, 3, 4, 6}).contains(monthStep) || monthStep % 12 == 0, qPrintable(QString::number(monthStep)));
    // Long labels that would need a big step level are turned.
    QStringList longNames;
    for (int i = 0; i < 30; ++i)
        longNames << QStringLiteral("drivers/gpu/drm/subsystem-%1").arg(i);
    QVERIFY(charts::fitLabels(longNames, font, 600).rotated);
}

void TestChartAdapter::manyLabelsOnTheChart()
{
    std::unique_ptr<QChart> chart(charts::createChart(longChart(report::Chart::Kind::Line, 650, 2), charts::Theme::light()));
    drawn(chart.get(), QSize(900, 400));
    const QStringList wide = charts::shownCategoryLabels(chart.get());
    QVERIFY2(wide.size() >= 8 && wide.size() < 120, qPrintable(QString::number(wide.size())));
    QCOMPARE(wide.first(), QStringLiteral("v2.0"));
    drawn(chart.get(), QSize(450, 400));
    const QStringList narrow = charts::shownCategoryLabels(chart.get());
    QVERIFY2(narrow.size() < wide.size(), qPrintable(QStringLiteral("%1 vs %2").arg(narrow.size()).arg(wide.size())));
    QVERIFY(!narrow.isEmpty());
}

Q_DECLARE_METATYPE(charts::CategoryRange)

void TestChartAdapter::barsBecomeLines_data()
{
    using K = report::Chart::Kind;
    QTest::addColumn<report::Chart::Kind>("kind");
    QTest::addColumn<int>("series");
    QTest::addColumn<int>("categories");
    QTest::addColumn<double>("width");
    QTest::addColumn<report::Chart::Kind>("expected");
    QTest::newRow("31 releases, 3 series, 800 px") << K::Bar << 3 << 31 << 800.0 << K::Bar;
    QTest::newRow("99 releases, 1 series, 800 px") << K::Bar << 1 << 99 << 800.0 << K::Bar;
    QTest::newRow("99 releases, 3 series, 800 px") << K::Bar << 3 << 99 << 800.0 << K::Line;
    QTest::newRow("635 releases stacked, 800 px") << K::StackedBar << 4 << 635 << 800.0 << K::StackedArea;
    QTest::newRow("635 releases stacked, 4000 px") << K::StackedBar << 4 << 635 << 4000.0 << K::StackedBar;
    QTest::newRow("stacked at 3 px a stack") << K::StackedBar << 4 << 100 << 100 * 3 / 0.7 << K::StackedBar;
    QTest::newRow("stacked just under 3 px") << K::StackedBar << 4 << 100 << 100 * 2.9 / 0.7 << K::StackedArea;
    QTest::newRow("a line stays a line") << K::Line << 3 << 635 << 800.0 << K::Line;
    QTest::newRow("heat map is not a bar") << K::HeatMap << 30 << 635 << 800.0 << K::HeatMap;
    QTest::newRow("one category") << K::Bar << 9 << 1 << 10.0 << K::Bar;
}

void TestChartAdapter::barsBecomeLines()
{
    QFETCH(report::Chart::Kind, kind);
    QFETCH(int, series);
    QFETCH(int, categories);
    QFETCH(double, width);
    QFETCH(report::Chart::Kind, expected);
    QCOMPARE(charts::drawnKind(kind, series, categories, width), expected);
}

// 650 releases × 10 series: zooming to the last 50 draws those, with the value axis fitted to
// them, and is cheap (the time is printed, not asserted: the machine is shared).
void TestChartAdapter::rangeZoomsAndRefits()
{
    const auto spec = longChart(report::Chart::Kind::StackedArea, 650, 10);
    QElapsedTimer timer;
    timer.start();
    std::unique_ptr<QChart> chart(charts::createChart(spec, charts::Theme::light()));
    QImage full = drawn(chart.get(), QSize(1000, 500));
    const qint64 createMs = timer.elapsed();
    QCOMPARE(charts::chartRange(chart.get()), (charts::CategoryRange{0, 649}));
    const double fullMax = valueAxisOf(chart.get())->max();
    QVERIFY(fullMax >= 55 * 650);

    timer.restart();
    charts::setRange(chart.get(), {300, 349});
    const QImage zoomed = charts::renderImage(chart.get(), QSize(1000, 500));
    const qint64 rangeMs = timer.elapsed();
    qInfo("650 categories x 10 series: create + first paint %lld ms, setRange + repaint %lld ms",
          createMs, rangeMs);
    QCOMPARE(charts::chartRange(chart.get()), (charts::CategoryRange{300, 349}));
    QVERIFY(zoomed != full);
    QValueAxis *y = valueAxisOf(chart.get());
    QVERIFY2(y->max() < fullMax, "the value axis follows the visible range");
    QVERIFY(y->max() >= 55 * 350);
    const QStringList shown = charts::shownCategoryLabels(chart.get());
    QVERIFY(shown.size() >= 5);
    for (const QString &label : shown) {
        const auto index = spec.categories.indexOf(label);
        QVERIFY2(index >= 300 && index <= 349, qPrintable(label));
    }

    // Ranges are clamped and ordered; the default is everything.
    charts::setRange(chart.get(), {700, 640});
    QCOMPARE(charts::chartRange(chart.get()), (charts::CategoryRange{640, 649}));
    charts::setRange(chart.get(), {});
    QCOMPARE(charts::chartRange(chart.get()), (charts::CategoryRange{0, 649}));
    QCOMPARE(charts::clampRange({-5, 3}, 2), (charts::CategoryRange{0, 1}));
    QCOMPARE(charts::clampRange({}, 0), (charts::CategoryRange{0, -1}));

    // A chart made with a range starts there, and so does its export.
    std::unique_ptr<QChart> cut(charts::createChart(spec, charts::Theme::light(), {}, {640, 649}, QSizeF(800, 400)));
    QCOMPARE(charts::chartRange(cut.get()), (charts::CategoryRange{640, 649}));
    const QByteArray svg = charts::renderSvg(cut.get(), QSize(800, 400));
    QVERIFY(svg.contains("v18.9"));
    QVERIFY(!svg.contains(">v2.0<"));
}

void TestChartAdapter::rangeBringsBarsBack()
{
    std::unique_ptr<QChart> chart(charts::createChart(longChart(report::Chart::Kind::Bar, 650, 2),
                                                      charts::Theme::light(), {}, {}, QSizeF(800, 400)));
    drawn(chart.get(), QSize(800, 400));
    QCOMPARE(charts::chartDrawnKind(chart.get()), report::Chart::Kind::Line);
    QCOMPARE(chart->series().first()->type(), QAbstractSeries::SeriesTypeLine);
    charts::setRange(chart.get(), {630, 649});
    QCOMPARE(charts::chartDrawnKind(chart.get()), report::Chart::Kind::Bar);
    QCOMPARE(chart->series().first()->type(), QAbstractSeries::SeriesTypeBar);
    QVERIFY(distinctColours(drawn(chart.get(), QSize(800, 400))) > 8);
    // Exports of a spec apply the same rule at their own size.
    const QByteArray svg = charts::renderSvg(longChart(report::Chart::Kind::Bar, 650, 2), QSize(800, 400),
                                             charts::Theme::light());
    QVERIFY(svg.contains("<svg"));
}

void TestChartAdapter::heatMapFoldsRows()
{
    report::Chart spec;
    spec.kind = report::Chart::Kind::HeatMap;
    spec.title = QStringLiteral("Levels");
    spec.yTitle = QStringLiteral("Subsystem");
    spec.categories = {QStringLiteral("v1"), QStringLiteral("v2")};
    for (int r = 0; r < 40; ++r)
        spec.series << report::Series{QStringLiteral("subsystem-%1").arg(r, 2, 10, QLatin1Char('0')),
                                      {double(r % 5), r == 39 ? 5.0 : 0.0}};
    const report::Chart folded = charts::foldHeatMapRows(spec, 24);
    QCOMPARE(folded.series.size(), 24);
    // Largest sums first: row 39 (4 + 5), then rows with 4, ...
    QCOMPARE(folded.series.first().name, QStringLiteral("subsystem-39"));
    QCOMPARE(folded.series[1].name, QStringLiteral("subsystem-04"));
    QCOMPARE(folded.series.last().name, QStringLiteral("other (17 subsystems)"));
    // The folded row holds the highest value per column of the 17 rows it stands for: the
    // last row with 2 did not fit (23 kept: one 9, seven 4s, eight 3s, seven 2s).
    QCOMPARE(folded.series.last().values, (QList<double>{2.0, 0.0}));
    double kept = 0;
    for (int i = 0; i < 23; ++i)
        kept += folded.series[i].values[0];
    QVERIFY(kept >= 23 * 1.0);

    std::unique_ptr<QChart> chart(charts::createChart(spec, charts::Theme::light()));
    QCOMPARE(charts::chartSpec(chart.get())->series.size(), charts::kHeatMapMaxRows);
    QVERIFY(distinctColours(drawn(chart.get(), QSize(600, 700))) > 8);
}

void TestChartAdapter::smallHeatMapKeepsRows()
{
    const auto spec = testing::chartOfKind(report::Chart::Kind::HeatMap);
    QCOMPARE(charts::foldHeatMapRows(spec).series.size(), spec.series.size());
    const auto bars = longChart(report::Chart::Kind::Bar, 5, 40);
    QCOMPARE(charts::foldHeatMapRows(bars).series.size(), 40);
}

void TestChartAdapter::marksAreDrawnWithTheirLabels()
{
    auto spec = testing::chartOfKind(report::Chart::Kind::Line);
    spec.marks = {{2, 20576, QStringLiteral("#1 <b>heated</b> thread")}, {0, 10453, QStringLiteral("#2 thread")}};
    spec.marksName = QStringLiteral("Top threads");
    std::unique_ptr<QChart> chart(charts::createChart(spec, charts::Theme::light()));
    QScatterSeries *marks = nullptr;
    for (QAbstractSeries *series : chart->series())
        if (auto *scatter = qobject_cast<QScatterSeries *>(series))
            marks = scatter;
    QVERIFY(marks);
    QCOMPARE(marks->name(), QStringLiteral("Top threads"));
    QCOMPARE(marks->count(), 2);
    QCOMPARE(marks->at(0), QPointF(2, 20576));
    QVERIFY(chart->legend()->isVisible());
    QVERIFY(charts::renderSvg(spec, QSize(640, 360), charts::Theme::light()).contains("Top threads"));
}

QTEST_MAIN(TestChartAdapter)
#include "tst_chart_adapter.moc"
