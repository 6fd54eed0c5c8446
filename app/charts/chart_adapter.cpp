#include "chart_adapter.h"

#include <QApplication>
#include <QAreaSeries>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QBuffer>
#include <QChart>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QGraphicsSceneHoverEvent>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QPaintDevice>
#include <QPainter>
#include <QPalette>
#include <QScatterSeries>
#include <QStackedBarSeries>
#include <QSvgGenerator>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

namespace kl::charts {

namespace {

// Okabe–Ito-like palette: distinguishable for colour-blind readers, on light and dark.
const QRgb kLightPalette[] = {0x0072B2, 0xE69F00, 0x009E73, 0xCC79A7, 0x56B4E9,
                              0xD55E00, 0xF0E442, 0x000000, 0x999999};
const QRgb kDarkPalette[] = {0x56B4E9, 0xE69F00, 0x009E73, 0xCC79A7, 0x0072B2,
                             0xD55E00, 0xF0E442, 0xFFFFFF, 0xAAAAAA};

constexpr const char *kSpecProperty = "kernellens_chart_kind";

bool valuesArePercentages(const report::Chart &spec)
{
    if (!spec.percent)
        return false;
    double maxValue = 0;
    for (const auto &s : spec.series)
        for (double v : s.values)
            if (std::isfinite(v))
                maxValue = std::max(maxValue, std::abs(v));
    return maxValue > 1.5;
}

// What the axis shows: percent charts are drawn in percent units.
double displayScale(const report::Chart &spec)
{
    return spec.percent && !valuesArePercentages(spec) ? 100.0 : 1.0;
}

double valueAt(const report::Series &s, int index)
{
    return index >= 0 && index < s.values.size() ? s.values[index] : std::numeric_limits<double>::quiet_NaN();
}

QString hoverText(const report::Chart &spec, const QString &series, int category, double value)
{
    const QString cat = category >= 0 && category < spec.categories.size() ? spec.categories[category] : QString();
    return QStringLiteral("%1 · %2: %3").arg(cat, series, formatValue(value, spec));
}

HoverInfo makeHover(const report::Chart &spec, int seriesIndex, int category, bool active)
{
    HoverInfo info;
    info.active = active;
    if (seriesIndex < 0 || seriesIndex >= spec.series.size())
        return info;
    const auto &s = spec.series[seriesIndex];
    info.series = s.name;
    info.category = category >= 0 && category < spec.categories.size() ? spec.categories[category] : QString();
    info.value = valueAt(s, category);
    info.text = hoverText(spec, s.name, category, info.value);
    return info;
}

QColor mix(const QColor &a, const QColor &b, double t)
{
    t = std::clamp(t, 0.0, 1.0);
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t),
                            float(a.greenF() + (b.greenF() - a.greenF()) * t),
                            float(a.blueF() + (b.blueF() - a.blueF()) * t));
}

// Qt Charts has no heat map: the cells are one item drawn over the plot area of a chart whose
// two category axes (columns × rows) are carried by an invisible scatter series, so axes,
// title, theme and export work as for every other kind.
class HeatMapItem : public QGraphicsItem
{
public:
    HeatMapItem(QChart *chart, QAbstractSeries *anchor, report::Chart spec, const Theme &theme, HoverHandler onHover)
        : QGraphicsItem(chart), m_chart(chart), m_anchor(anchor), m_spec(std::move(spec)),
          m_onHover(std::move(onHover))
    {
        setTheme(theme);
        setAcceptHoverEvents(bool(m_onHover));
        setZValue(10);
        for (const auto &s : m_spec.series)
            for (double v : s.values)
                if (std::isfinite(v)) {
                    m_min = std::min(m_min, v);
                    m_max = std::max(m_max, v);
                }
        if (m_min > m_max)
            m_min = m_max = 0;
        QObject::connect(chart, &QChart::plotAreaChanged, chart, [this](const QRectF &) {
            prepareGeometryChange();
            update();
        });
    }

    void setTheme(const Theme &theme)
    {
        m_theme = theme;
        update();
    }

    QRectF boundingRect() const override { return m_chart->plotArea(); }

    void paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *) override
    {
        const int columns = int(m_spec.categories.size());
        const int rows = int(m_spec.series.size());
        if (columns == 0 || rows == 0)
            return;
        QFont font = m_theme.font;
        font.setPointSizeF(std::max(6.0, font.pointSizeF() * 0.8));
        painter->setFont(font);
        for (int r = 0; r < rows; ++r) {
            for (int c = 0; c < columns; ++c) {
                const QRectF cell = cellRect(r, c).adjusted(0.5, 0.5, -0.5, -0.5);
                const double v = valueAt(m_spec.series[r], c);
                QColor fill = m_theme.heatEmpty;
                if (std::isfinite(v))
                    fill = mix(m_theme.heatLow, m_theme.heatHigh, m_max > m_min ? (v - m_min) / (m_max - m_min) : 1.0);
                painter->fillRect(cell, fill);
                if (!std::isfinite(v))
                    continue;
                const QString text = formatValue(v, m_spec);
                if (painter->fontMetrics().horizontalAdvance(text) + 4 > cell.width()
                    || painter->fontMetrics().height() > cell.height())
                    continue;
                painter->setPen(fill.lightnessF() > 0.55 ? QColor(0x20, 0x20, 0x20) : QColor(0xF5, 0xF5, 0xF5));
                painter->drawText(cell, Qt::AlignCenter, text);
            }
        }
    }

protected:
    void hoverMoveEvent(QGraphicsSceneHoverEvent *event) override
    {
        const auto [row, column] = cellAt(event->pos());
        if (row == m_hoverRow && column == m_hoverColumn)
            return;
        m_hoverRow = row;
        m_hoverColumn = column;
        if (row < 0)
            m_onHover(HoverInfo{});
        else
            m_onHover(makeHover(m_spec, row, column, true));
    }
    void hoverLeaveEvent(QGraphicsSceneHoverEvent *) override
    {
        m_hoverRow = m_hoverColumn = -1;
        m_onHover(HoverInfo{});
    }

private:
    QRectF cellRect(int row, int column) const
    {
        // Rows are drawn top-down in series order, as a table reads.
        const int rows = int(m_spec.series.size());
        const QPointF topLeft = m_chart->mapToPosition(QPointF(column - 0.5, rows - row - 0.5), m_anchor);
        const QPointF bottomRight = m_chart->mapToPosition(QPointF(column + 0.5, rows - row - 1.5), m_anchor);
        return QRectF(topLeft, bottomRight).normalized();
    }
    std::pair<int, int> cellAt(const QPointF &pos) const
    {
        for (int r = 0; r < m_spec.series.size(); ++r)
            for (int c = 0; c < m_spec.categories.size(); ++c)
                if (cellRect(r, c).contains(pos))
                    return {r, c};
        return {-1, -1};
    }

    QChart *m_chart;
    QAbstractSeries *m_anchor;
    report::Chart m_spec;
    Theme m_theme;
    HoverHandler m_onHover;
    double m_min = std::numeric_limits<double>::infinity();
    double m_max = -std::numeric_limits<double>::infinity();
    int m_hoverRow = -1;
    int m_hoverColumn = -1;
};

void styleAxis(QAbstractAxis *axis, const Theme &theme)
{
    QFont labels = theme.font;
    labels.setPointSizeF(theme.font.pointSizeF() * 0.9);
    axis->setLabelsFont(labels);
    axis->setLabelsBrush(theme.foreground);
    axis->setTitleBrush(theme.foreground);
    axis->setTitleFont(theme.font);
    axis->setGridLineColor(theme.grid);
    axis->setLinePenColor(theme.axis);
    axis->setShadesVisible(false);
}

QValueAxis *valueAxis(const report::Chart &spec, double minValue, double maxValue)
{
    auto *axis = new QValueAxis;
    if (!std::isfinite(minValue) || !std::isfinite(maxValue)) {
        minValue = 0;
        maxValue = 1;
    }
    minValue = std::min(0.0, minValue);
    if (maxValue <= minValue)
        maxValue = minValue + 1;
    axis->setRange(minValue, maxValue * 1.05);
    axis->applyNiceNumbers();
    // A share cannot pass 100 %: nice numbers over a series that touches 100 would draw 150 %.
    if (spec.percent && maxValue <= 100 && minValue >= 0 && axis->max() > 100) {
        axis->setRange(0, 100);
        axis->setTickCount(5);
    }
    if (spec.percent)
        axis->setLabelFormat(axis->max() - axis->min() < 10 ? QStringLiteral("%.1f %%") : QStringLiteral("%.0f %%"));
    else
        axis->setLabelFormat(maxValue >= 1000 ? QStringLiteral("%.0f") : QStringLiteral("%.6g"));
    axis->setTitleText(spec.yTitle);
    return axis;
}

// Category axes show every label only when they fit: with many categories (months) every k-th
// is shown and the others are blank, and long names (subsystems) are elided. Hover text still
// names the full category.
QBarCategoryAxis *categoryAxis(const QStringList &categories, const QString &title, bool vertical = false)
{
    auto *axis = new QBarCategoryAxis;
    qsizetype longest = 0;
    for (const QString &c : categories)
        longest = std::max(longest, c.size());
    const int n = int(categories.size());
    const int budget = vertical ? 24 : (longest <= 8 ? 16 : 10);
    const int step = n > budget ? (n + budget - 1) / budget : 1;
    constexpr int kMaxLabel = 30;
    // QBarCategoryAxis merges identical names, so hidden and elided labels are kept unique.
    QStringList labels;
    for (int i = 0; i < n; ++i) {
        QString name = categories[i];
        if (i % step != 0)
            name.clear();
        else if (name.size() > kMaxLabel)
            name = name.left(kMaxLabel - 1) + QChar(0x2026);
        if (name.isEmpty())
            name = QString(1, QChar(0x200B));
        while (labels.contains(name))
            name += QChar(0x200B);
        labels << name;
    }
    axis->append(labels);
    axis->setTitleText(title);
    axis->setTruncateLabels(false);
    if (!vertical && longest > 10 && n > 6)
        axis->setLabelsAngle(-40);
    if (step > 1)
        axis->setGridLineVisible(false); // a grid line per month is noise
    return axis;
}

void buildXY(QChart *chart, const report::Chart &spec, const Theme &theme, const HoverHandler &onHover)
{
    const double scale = displayScale(spec);
    const bool stacked = spec.kind == report::Chart::Kind::StackedArea;
    const int n = int(spec.categories.size());
    QList<double> base(n, 0.0);
    double minValue = 0, maxValue = 0;
    QList<QAbstractSeries *> added;
    for (int si = 0; si < spec.series.size(); ++si) {
        const auto &s = spec.series[si];
        const QColor color = theme.seriesColor(si);
        if (stacked) {
            auto *area = new QAreaSeries;
            auto *upper = new QLineSeries(area);
            QLineSeries *lower = si > 0 ? new QLineSeries(area) : nullptr;
            for (int i = 0; i < n; ++i) {
                double v = valueAt(s, i);
                v = std::isfinite(v) ? v * scale : 0.0;
                if (lower)
                    lower->append(i, base[i]);
                base[i] += v;
                upper->append(i, base[i]);
                maxValue = std::max(maxValue, base[i]);
                minValue = std::min(minValue, base[i]);
            }
            area->setUpperSeries(upper);
            if (lower)
                area->setLowerSeries(lower);
            area->setName(s.name);
            QColor fill = color;
            fill.setAlphaF(0.85f);
            area->setBrush(fill);
            area->setPen(QPen(color.darker(115), 1.0));
            if (onHover)
                QObject::connect(area, &QAreaSeries::hovered, chart, [spec, si, onHover](const QPointF &p, bool state) {
                    onHover(state ? makeHover(spec, si, int(std::lround(p.x())), true) : HoverInfo{});
                });
            chart->addSeries(area);
            added << area;
        } else {
            auto *line = new QLineSeries;
            line->setName(s.name);
            for (int i = 0; i < n; ++i) {
                const double v = valueAt(s, i);
                if (!std::isfinite(v))
                    continue;
                line->append(i, v * scale);
                maxValue = std::max(maxValue, v * scale);
                minValue = std::min(minValue, v * scale);
            }
            line->setPen(QPen(color, 2.0));
            line->setPointsVisible(n <= 40);
            if (onHover)
                QObject::connect(line, &QLineSeries::hovered, chart, [spec, si, onHover](const QPointF &p, bool state) {
                    onHover(state ? makeHover(spec, si, int(std::lround(p.x())), true) : HoverInfo{});
                });
            chart->addSeries(line);
            added << line;
        }
    }
    auto *x = categoryAxis(spec.categories, spec.xTitle);
    auto *y = valueAxis(spec, minValue, maxValue);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (auto *series : added) {
        series->attachAxis(x);
        series->attachAxis(y);
    }
    if (n > 0)
        x->setRange(x->categories().first(), x->categories().last());
}

void buildBars(QChart *chart, const report::Chart &spec, const Theme &theme, const HoverHandler &onHover)
{
    const double scale = displayScale(spec);
    const bool stacked = spec.kind == report::Chart::Kind::StackedBar;
    QAbstractBarSeries *series = stacked ? static_cast<QAbstractBarSeries *>(new QStackedBarSeries)
                                         : static_cast<QAbstractBarSeries *>(new QBarSeries);
    const int n = int(spec.categories.size());
    QList<double> positive(n, 0.0), negative(n, 0.0);
    double minValue = 0, maxValue = 0;
    for (int si = 0; si < spec.series.size(); ++si) {
        const auto &s = spec.series[si];
        auto *set = new QBarSet(s.name);
        for (int i = 0; i < n; ++i) {
            double v = valueAt(s, i);
            v = std::isfinite(v) ? v * scale : 0.0;
            set->append(v);
            if (stacked) {
                (v >= 0 ? positive[i] : negative[i]) += v;
                maxValue = std::max(maxValue, positive[i]);
                minValue = std::min(minValue, negative[i]);
            } else {
                maxValue = std::max(maxValue, v);
                minValue = std::min(minValue, v);
            }
        }
        set->setColor(theme.seriesColor(si));
        set->setBorderColor(theme.seriesColor(si).darker(115));
        if (onHover)
            QObject::connect(set, &QBarSet::hovered, chart, [spec, si, onHover](bool state, int index) {
                onHover(state ? makeHover(spec, si, index, true) : HoverInfo{});
            });
        series->append(set);
    }
    series->setBarWidth(stacked ? 0.7 : 0.8);
    chart->addSeries(series);
    auto *x = categoryAxis(spec.categories, spec.xTitle);
    auto *y = valueAxis(spec, minValue, maxValue);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
}

void buildHeatMap(QChart *chart, const report::Chart &spec, const Theme &theme, const HoverHandler &onHover)
{
    auto *anchor = new QScatterSeries;
    anchor->setName(QString());
    anchor->setMarkerSize(0);
    anchor->setColor(Qt::transparent);
    anchor->setBorderColor(Qt::transparent);
    chart->addSeries(anchor);
    QStringList rows;
    for (auto it = spec.series.crbegin(); it != spec.series.crend(); ++it)
        rows << it->name;
    auto *x = categoryAxis(spec.categories, spec.xTitle);
    auto *y = categoryAxis(rows, spec.yTitle, true);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    anchor->attachAxis(x);
    anchor->attachAxis(y);
    x->setGridLineVisible(false);
    y->setGridLineVisible(false);
    chart->legend()->setVisible(false);
    new HeatMapItem(chart, anchor, spec, theme, onHover);
}

// Lays a chart out at `size` inside a scene so it can be painted without a view.
void layOut(QChart *chart, QSizeF size)
{
    chart->setGeometry(QRectF(QPointF(0, 0), size));
    if (auto *layout = chart->layout())
        layout->activate();
    // Qt Charts posts its geometry updates; run them so the first paint is complete.
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
}

void paintChart(QPainter &painter, const QRectF &target, QChart *chart, QSizeF logicalSize)
{
    const bool owned = chart->scene() == nullptr;
    QGraphicsScene localScene;
    QGraphicsScene *scene = chart->scene();
    if (owned) {
        scene = &localScene;
        scene->addItem(chart);
        layOut(chart, logicalSize);
    }
    const QRectF source = chart->sceneBoundingRect();
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    scene->render(&painter, target, source, Qt::KeepAspectRatio);
    painter.restore();
    if (owned)
        scene->removeItem(chart);
}

} // namespace

Theme Theme::light()
{
    Theme t;
    t.isDark = false;
    t.background = QColor(0xFF, 0xFF, 0xFF);
    t.plotBackground = QColor(0xFF, 0xFF, 0xFF);
    t.foreground = QColor(0x1F, 0x23, 0x28);
    t.grid = QColor(0xE1, 0xE4, 0xE8);
    t.axis = QColor(0x8C, 0x95, 0x9F);
    for (QRgb c : kLightPalette)
        t.palette << QColor::fromRgb(c);
    t.heatLow = QColor(0xEF, 0xF3, 0xFF);
    t.heatHigh = QColor(0x08, 0x45, 0x94);
    t.heatEmpty = QColor(0xF6, 0xF8, 0xFA);
    t.font = QFont(QStringLiteral("DejaVu Sans"), 9);
    t.font.setStyleHint(QFont::SansSerif);
    return t;
}

Theme Theme::dark()
{
    Theme t;
    t.isDark = true;
    t.background = QColor(0x1E, 0x1F, 0x22);
    t.plotBackground = QColor(0x24, 0x26, 0x2A);
    t.foreground = QColor(0xE6, 0xE8, 0xEB);
    t.grid = QColor(0x3A, 0x3D, 0x42);
    t.axis = QColor(0x80, 0x88, 0x90);
    for (QRgb c : kDarkPalette)
        t.palette << QColor::fromRgb(c);
    t.heatLow = QColor(0x26, 0x2B, 0x33);
    t.heatHigh = QColor(0x6C, 0xC4, 0xFF);
    t.heatEmpty = QColor(0x2B, 0x2D, 0x31);
    t.font = QFont(QStringLiteral("DejaVu Sans"), 9);
    t.font.setStyleHint(QFont::SansSerif);
    return t;
}

Theme Theme::fromPalette(const QPalette &palette)
{
    const bool isDark = palette.color(QPalette::Window).lightnessF() < 0.5;
    Theme t = isDark ? dark() : light();
    t.background = palette.color(QPalette::Window);
    t.plotBackground = palette.color(QPalette::Base);
    t.foreground = palette.color(QPalette::WindowText);
    t.font = QApplication::font();
    return t;
}

QColor Theme::seriesColor(int index) const
{
    if (palette.isEmpty())
        return foreground;
    return palette[index % palette.size()];
}

QString formatValue(double value, const report::Chart &spec)
{
    if (!std::isfinite(value))
        return QStringLiteral("–");
    const QLocale locale = QLocale::c();
    if (spec.percent) {
        const double pct = value * displayScale(spec);
        return locale.toString(pct, 'f', std::abs(pct) < 10 ? 2 : 1) + QStringLiteral(" %");
    }
    if (value == std::floor(value) && std::abs(value) < 1e15) {
        QLocale grouped(QLocale::English);
        return grouped.toString(qint64(value));
    }
    return locale.toString(value, 'g', 4);
}

namespace {

// Chart text comes from git and mail: control characters and bidi overrides are not drawn.
QString printable(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (QChar c : text) {
        const char16_t u = c.unicode();
        if (u < 0x20 || u == 0x7F || (u >= 0x80 && u <= 0x9F) || (u >= 0x202A && u <= 0x202E)
            || (u >= 0x2066 && u <= 0x2069))
            continue;
        out += c;
    }
    return out;
}

report::Chart printableSpec(const report::Chart &in)
{
    report::Chart spec = in;
    spec.title = printable(spec.title);
    spec.xTitle = printable(spec.xTitle);
    spec.yTitle = printable(spec.yTitle);
    for (QString &c : spec.categories)
        c = printable(c);
    for (auto &s : spec.series)
        s.name = printable(s.name);
    return spec;
}

} // namespace

QChart *createChart(const report::Chart &rawSpec, const Theme &theme, const HoverHandler &onHover)
{
    report::Chart spec = printableSpec(rawSpec);
    // A stacked area over one category has no width and draws nothing (a tree with one release
    // tag): the same stack as bars shows it.
    if (spec.kind == report::Chart::Kind::StackedArea && spec.categories.size() < 2)
        spec.kind = report::Chart::Kind::StackedBar;
    auto *chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setTitle(spec.title);
    chart->setProperty(kSpecProperty, int(spec.kind));
    switch (spec.kind) {
    case report::Chart::Kind::Line:
    case report::Chart::Kind::StackedArea:
        buildXY(chart, spec, theme, onHover);
        break;
    case report::Chart::Kind::Bar:
    case report::Chart::Kind::StackedBar:
        buildBars(chart, spec, theme, onHover);
        break;
    case report::Chart::Kind::HeatMap:
        buildHeatMap(chart, spec, theme, onHover);
        break;
    }
    chart->legend()->setAlignment(Qt::AlignBottom);
    if (spec.series.size() <= 1 && spec.kind != report::Chart::Kind::HeatMap)
        chart->legend()->setVisible(spec.series.size() == 1 && !spec.series.first().name.isEmpty());
    chart->setMargins(QMargins(6, 6, 6, 6));
    applyTheme(chart, theme);
    return chart;
}

void applyTheme(QChart *chart, const Theme &theme)
{
    if (!chart)
        return;
    chart->setBackgroundBrush(theme.background);
    chart->setBackgroundPen(Qt::NoPen);
    chart->setBackgroundRoundness(0);
    chart->setPlotAreaBackgroundBrush(theme.plotBackground);
    chart->setPlotAreaBackgroundVisible(true);
    QFont title = theme.font;
    title.setBold(true);
    title.setPointSizeF(theme.font.pointSizeF() * 1.25);
    chart->setTitleFont(title);
    chart->setTitleBrush(theme.foreground);
    chart->legend()->setLabelColor(theme.foreground);
    chart->legend()->setFont(theme.font);
    for (QAbstractAxis *axis : chart->axes())
        styleAxis(axis, theme);
    if (chart->property(kSpecProperty).toInt() == int(report::Chart::Kind::HeatMap)) {
        for (QAbstractAxis *axis : chart->axes())
            axis->setGridLineVisible(false);
        for (QGraphicsItem *child : chart->childItems())
            if (auto *cells = dynamic_cast<HeatMapItem *>(child))
                cells->setTheme(theme);
    }
    // Series colours follow the palette order they were created in.
    int index = 0;
    for (QAbstractSeries *series : chart->series()) {
        const QColor color = theme.seriesColor(index);
        if (auto *area = qobject_cast<QAreaSeries *>(series)) {
            QColor fill = color;
            fill.setAlphaF(0.85f);
            area->setBrush(fill);
            area->setPen(QPen(color.darker(115), 1.0));
            ++index;
        } else if (auto *line = qobject_cast<QLineSeries *>(series)) {
            line->setPen(QPen(color, 2.0));
            ++index;
        } else if (auto *bars = qobject_cast<QAbstractBarSeries *>(series)) {
            for (QBarSet *set : bars->barSets()) {
                set->setColor(theme.seriesColor(index));
                set->setBorderColor(theme.seriesColor(index).darker(115));
                set->setLabelColor(theme.foreground);
                ++index;
            }
        }
    }
}

void renderTo(QPainter &painter, const QRectF &target, const report::Chart &spec, const Theme &theme)
{
    // Charts are laid out at screen-like logical size so fonts keep their proportion on
    // high-resolution devices (a 1200 dpi PDF page is scaled, not re-laid out).
    const int dpi = painter.device() ? painter.device()->logicalDpiX() : 96;
    const double toLogical = dpi > 150 ? 96.0 / dpi : 1.0;
    QSizeF logical = target.size() * toLogical;
    if (logical.width() < 200 || logical.height() < 120)
        logical = logical.scaled(QSizeF(600, 360), Qt::KeepAspectRatioByExpanding);
    std::unique_ptr<QChart> chart(createChart(spec, theme));
    paintChart(painter, target, chart.get(), logical);
}

void renderTo(QPainter &painter, const QRectF &target, QChart *chart)
{
    if (!chart)
        return;
    QSizeF logical = chart->size();
    if (logical.isEmpty())
        logical = target.size();
    paintChart(painter, target, chart, logical);
}

namespace {

QByteArray svgOf(QSize size, const std::function<void(QPainter &)> &draw)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator generator;
    generator.setOutputDevice(&buffer);
    generator.setSize(size);
    generator.setViewBox(QRect(QPoint(0, 0), size));
    generator.setResolution(96);
    {
        QPainter painter(&generator);
        draw(painter);
    }
    return buffer.data();
}

QImage imageOf(QSize size, qreal dpr, const QColor &fill, const std::function<void(QPainter &)> &draw)
{
    QImage image(size * dpr, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(dpr);
    image.fill(fill);
    QPainter painter(&image);
    draw(painter);
    return image;
}

} // namespace

QByteArray renderSvg(const report::Chart &spec, QSize size, const Theme &theme)
{
    return svgOf(size, [&](QPainter &p) { renderTo(p, QRectF(QPointF(0, 0), size), spec, theme); });
}

QByteArray renderSvg(QChart *chart, QSize size)
{
    return svgOf(size, [&](QPainter &p) { renderTo(p, QRectF(QPointF(0, 0), size), chart); });
}

QImage renderImage(const report::Chart &spec, QSize size, const Theme &theme, qreal devicePixelRatio)
{
    return imageOf(size, devicePixelRatio, theme.background,
                   [&](QPainter &p) { renderTo(p, QRectF(QPointF(0, 0), size), spec, theme); });
}

QImage renderImage(QChart *chart, QSize size, qreal devicePixelRatio)
{
    const QColor fill = chart ? chart->backgroundBrush().color() : QColor(Qt::white);
    return imageOf(size, devicePixelRatio, fill, [&](QPainter &p) { renderTo(p, QRectF(QPointF(0, 0), size), chart); });
}

} // namespace kl::charts
