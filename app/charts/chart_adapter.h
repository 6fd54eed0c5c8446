#pragma once
// The one chart adapter. Every chart KernelLens shows or writes (GUI views, PNG/SVG export,
// the HTML and PDF reports) goes through these functions, so a report and the GUI draw the
// same report::Chart the same way. Qt Charts stays behind this header: callers get a QChart
// to put in a QChartView, or finished SVG/PNG/painter output, and never build series
// themselves (Qt Charts is deprecated from Qt 6.10 on; only this adapter would change).
//
// Conventions of report::Chart as drawn here:
//  - categories are the x axis (releases, months, quarters), in order;
//  - Line, StackedArea, Bar, StackedBar: one series per legend entry, one value per category,
//    NaN for "no value" (a line skips it, a bar is left out);
//  - HeatMap: one series per row (e.g. a subsystem), one value per column (category); cells
//    with NaN are drawn empty;
//  - percent = true: values are fractions (0.25 = 25 %). Values above 1.5 are taken as being
//    percentages already, so a builder that writes 25 for 25 % still draws right;
//  - marks: markers over the series (hover shows their label), e.g. the top friction threads.
//
// Long axes (docs/gui.md, "Charts that scale") are handled here once, for the GUI and exports:
//  - category labels thin out to every k-th one that fits the plot width (QFontMetrics), and
//    are rotated when that shows more of them;
//  - a Bar/StackedBar whose bars would be narrower than kMinBarPixels draws as Line/StackedArea;
//  - a heat map with more than kHeatMapMaxRows rows keeps the rows with the largest sums and
//    folds the rest into one "other (K …)" row holding their highest value per column;
//  - a CategoryRange limits what is drawn (zoom/pan); the value axis is fitted to that range.
//
// All functions need a QApplication (Qt Charts items are QGraphicsWidgets). Headless callers
// (the CLI's report module) create one on the "offscreen" platform.

#include <kernellens/models/report.h>

#include <QByteArray>
#include <QColor>
#include <QFont>
#include <QImage>
#include <QList>
#include <QPointF>
#include <QRectF>
#include <QSize>
#include <QSizeF>
#include <QString>

#include <functional>

class QPainter;
class QPalette;
QT_BEGIN_NAMESPACE
class QChart;
QT_END_NAMESPACE

namespace kl::charts {

struct Theme
{
    bool isDark = false;
    QColor background;      // chart background (also the SVG/PNG page)
    QColor plotBackground;  // inside the axes
    QColor foreground;      // titles, labels, legend text
    QColor grid;            // grid lines
    QColor axis;            // axis lines
    QList<QColor> palette;  // series colours, in order, cycled
    QColor heatLow;         // heat map colour scale, low → high
    QColor heatHigh;
    QColor heatEmpty;       // heat map cell with no value
    QFont font;             // base font; titles are drawn bold and larger

    static Theme light();
    static Theme dark();
    // Light or dark depending on the palette's window colour, with the palette's text colours.
    static Theme fromPalette(const QPalette &palette);
    QColor seriesColor(int index) const;
};

// What the pointer is over, for "values on hover".
struct HoverInfo
{
    bool active = false;     // false: the pointer left the item (hide the tooltip)
    QString series;          // series (heat map: row) name
    QString category;        // x category
    double value = 0;        // the series' own value (not the stacked total)
    QString text;            // ready to show: "v6.12 · Rust: 20,576"
};
using HoverHandler = std::function<void(const HoverInfo &)>;

// The categories a chart draws: indices first..last, inclusive. The default means all.
struct CategoryRange
{
    int first = 0;
    int last = -1; // -1: through the last category
    bool operator==(const CategoryRange &) const = default;
};
// The range made valid for `count` categories (last >= first, both inside; all when count is 0).
CategoryRange clampRange(CategoryRange range, int count);

// Which category labels are drawn: those whose index is a multiple of `step`, rotated or level.
struct LabelFit
{
    int step = 1;
    bool rotated = false;
    bool operator==(const LabelFit &) const = default;
};
// Fits `labels` (the visible categories) into `width` pixels with `font`: the smallest step
// (1, 2, 3, 4, 6, 12, then multiples of 12, so months land on quarters and years) at which the
// longest label plus a gap fits, level or rotated by 40° (rotated only when that shows over three
// times as many labels).
LabelFit fitLabels(const QStringList &labels, const QFont &font, double width);

// Narrowest bar worth drawing; below it a bar chart is drawn as lines (the "barcode" rule).
constexpr double kMinBarPixels = 3.0;
// The kind actually drawn for `kind` with `visibleCategories` over `plotWidth` pixels: Bar →
// Line when each of the series' bars would get less than kMinBarPixels, StackedBar → StackedArea
// when a stack would; other kinds are drawn as they are.
report::Chart::Kind drawnKind(report::Chart::Kind kind, int seriesCount, int visibleCategories, double plotWidth);

// Heat maps show at most this many rows, the last one being the folded rest.
constexpr int kHeatMapMaxRows = 24;
// Keeps the maxRows - 1 rows with the largest sums (in that order) and folds the others into one
// row "other (K <yTitle or rows>)" whose value per column is the highest of the folded rows.
// Charts with at most maxRows rows, and other kinds, come back unchanged.
report::Chart foldHeatMapRows(const report::Chart &spec, int maxRows = kHeatMapMaxRows);

// Builds a QChart for the spec. The caller owns it (hand it to QChartView::setChart, which
// takes ownership). Animations are off; the chart is themed and has its axes, legend and title.
// onHover, when set, is called as the pointer enters and leaves points, bars and cells.
// `range` limits the categories drawn; `size`, when known, is the size the chart will have
// (label thinning and the bar → line rule use it until the chart is laid out).
QChart *createChart(const report::Chart &spec, const Theme &theme, const HoverHandler &onHover = {},
                    CategoryRange range = {}, QSizeF size = {});

// Zoom/pan: draws only `range` of a chart made by createChart, refits the value axis to it and
// re-thins the labels. Cheap (no series are rebuilt unless the bar → line rule flips).
void setRange(QChart *chart, CategoryRange range);
CategoryRange chartRange(const QChart *chart);
// The spec the chart draws (after folding), or nullptr for a chart not made by createChart.
const report::Chart *chartSpec(const QChart *chart);
// The kind drawn now (see drawnKind) and the category labels shown now (hidden ones omitted).
report::Chart::Kind chartDrawnKind(const QChart *chart);
QStringList shownCategoryLabels(const QChart *chart);
// Re-thins labels and re-applies the bar → line rule for the chart's current plot width. Runs
// by itself one event-loop turn after a resize; exports call it before painting.
void fitToSize(QChart *chart);

// Restyles a chart made by createChart (e.g. when the GUI palette switches light/dark).
void applyTheme(QChart *chart, const Theme &theme);

// Draws the spec into `target` on any painter: a QImage, a QSvgGenerator or a QPdfWriter page.
// The output is vector on vector devices (text stays text).
void renderTo(QPainter &painter, const QRectF &target, const report::Chart &spec, const Theme &theme);
// Draws an existing chart (e.g. the one a view shows) the same way, for "export as PNG/SVG".
void renderTo(QPainter &painter, const QRectF &target, QChart *chart);

// A standalone SVG document (UTF-8, with the XML prolog) of `size` logical pixels.
QByteArray renderSvg(const report::Chart &spec, QSize size, const Theme &theme);
QByteArray renderSvg(QChart *chart, QSize size);
// A raster image of size × devicePixelRatio pixels, filled with the theme background.
QImage renderImage(const report::Chart &spec, QSize size, const Theme &theme, qreal devicePixelRatio = 1.0);
QImage renderImage(QChart *chart, QSize size, qreal devicePixelRatio = 1.0);

// "20,576", "41.3 %", "–" for NaN; how hover text and heat map cells print a value.
QString formatValue(double value, const report::Chart &spec);

} // namespace kl::charts
