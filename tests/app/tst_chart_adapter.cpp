// The chart adapter draws every report::Chart kind offscreen, to SVG and to pixels, in both themes.

#include "report_fixture.h"

#include <charts/chart_adapter.h>

#include <QChart>
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

QTEST_MAIN(TestChartAdapter)
#include "tst_chart_adapter.moc"
