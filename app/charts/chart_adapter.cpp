#include "chart_adapter.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QAreaSeries>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QBuffer>
#include <QCategoryAxis>
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
#include <QTimer>
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

using Kind = report::Chart::Kind;

// What createChart built, kept on the chart so setRange and fitToSize can redo the parts that
// depend on the range and the size without rebuilding the series.
class ChartState : public QObject
{
public:
    using QObject::QObject;
    report::Chart spec;       // printable, rows folded
    int foldedRows = 0;       // rows folded into the last heat map row
    Theme theme;
    HoverHandler onHover;
    CategoryRange range;      // clamped
    QSizeF sizeHint;
    Kind drawn = Kind::Line;
    LabelFit fit{0, false};   // step 0: labels not laid out yet
    QCategoryAxis *x = nullptr;
    QValueAxis *y = nullptr;  // null for heat maps
    bool fitQueued = false;
};

ChartState *stateOf(const QChart *chart)
{
    // ChartState has no meta-object of its own, so findChild<ChartState *> would match any child.
    if (chart)
        for (QObject *child : chart->children())
            if (auto *state = dynamic_cast<ChartState *>(child))
                return state;
    return nullptr;
}

int visibleCount(const ChartState &state)
{
    return state.range.last - state.range.first + 1;
}

// Qt Charts has no heat map: the cells are one item drawn over the plot area of a chart whose
// two axes (columns × rows) are carried by an invisible scatter series, so axes, title, theme
// and export work as for every other kind. Only the columns in the chart's range are painted.
class HeatMapItem : public QGraphicsItem
{
public:
    HeatMapItem(QChart *chart, QAbstractSeries *anchor, const ChartState *state)
        : QGraphicsItem(chart), m_chart(chart), m_anchor(anchor), m_state(state)
    {
        setAcceptHoverEvents(bool(state->onHover));
        setZValue(10);
        for (const auto &s : spec().series)
            for (double v : s.values)
                if (std::isfinite(v)) {
                    m_min = std::min(m_min, v);
                    m_max = std::max(m_max, v);
                }
        if (m_min > m_max)
            m_min = m_max = 0;
        m_plotAreaChanged = QObject::connect(chart, &QChart::plotAreaChanged, chart, [this](const QRectF &) {
            prepareGeometryChange();
            update();
        });
    }
    ~HeatMapItem() override { QObject::disconnect(m_plotAreaChanged); }

    QRectF boundingRect() const override { return m_chart->plotArea(); }

    void paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *) override
    {
        const int rows = int(spec().series.size());
        if (spec().categories.isEmpty() || rows == 0)
            return;
        const Theme &theme = m_state->theme;
        QFont font = theme.font;
        font.setPointSizeF(std::max(6.0, font.pointSizeF() * 0.8));
        painter->setFont(font);
        painter->setClipRect(m_chart->plotArea());
        for (int r = 0; r < rows; ++r) {
            for (int c = m_state->range.first; c <= m_state->range.last; ++c) {
                const QRectF cell = cellRect(r, c).adjusted(0.5, 0.5, -0.5, -0.5);
                const double v = valueAt(spec().series[r], c);
                QColor fill = theme.heatEmpty;
                if (std::isfinite(v))
                    fill = mix(theme.heatLow, theme.heatHigh, m_max > m_min ? (v - m_min) / (m_max - m_min) : 1.0);
                painter->fillRect(cell, fill);
                if (!std::isfinite(v))
                    continue;
                const QString text = formatValue(v, spec());
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
        if (row < 0) {
            m_state->onHover(HoverInfo{});
            return;
        }
        HoverInfo info = makeHover(spec(), row, column, true);
        if (m_state->foldedRows > 0 && row == spec().series.size() - 1)
            info.text += QStringLiteral(" (highest of %1)").arg(m_state->foldedRows);
        m_state->onHover(info);
    }
    void hoverLeaveEvent(QGraphicsSceneHoverEvent *) override
    {
        m_hoverRow = m_hoverColumn = -1;
        m_state->onHover(HoverInfo{});
    }

private:
    const report::Chart &spec() const { return m_state->spec; }
    QRectF cellRect(int row, int column) const
    {
        // Rows are drawn top-down in series order, as a table reads.
        const int rows = int(spec().series.size());
        const QPointF topLeft = m_chart->mapToPosition(QPointF(column - 0.5, rows - row - 0.5), m_anchor);
        const QPointF bottomRight = m_chart->mapToPosition(QPointF(column + 0.5, rows - row - 1.5), m_anchor);
        return QRectF(topLeft, bottomRight).normalized();
    }
    std::pair<int, int> cellAt(const QPointF &pos) const
    {
        if (!m_chart->plotArea().contains(pos))
            return {-1, -1};
        const QPointF value = m_chart->mapToValue(pos, m_anchor);
        const int rows = int(spec().series.size());
        const int column = int(std::lround(value.x()));
        const int row = rows - 1 - int(std::lround(value.y()));
        if (column < m_state->range.first || column > m_state->range.last || row < 0 || row >= rows)
            return {-1, -1};
        return {row, column};
    }

    QChart *m_chart;
    QAbstractSeries *m_anchor;
    const ChartState *m_state;
    QMetaObject::Connection m_plotAreaChanged;
    double m_min = std::numeric_limits<double>::infinity();
    double m_max = -std::numeric_limits<double>::infinity();
    int m_hoverRow = -1;
    int m_hoverColumn = -1;
};

QFont axisLabelFont(const Theme &theme)
{
    QFont labels = theme.font;
    labels.setPointSizeF(theme.font.pointSizeF() * 0.9);
    return labels;
}

void styleAxis(QAbstractAxis *axis, const Theme &theme)
{
    axis->setLabelsFont(axisLabelFont(theme));
    axis->setLabelsBrush(theme.foreground);
    axis->setTitleBrush(theme.foreground);
    axis->setTitleFont(theme.font);
    axis->setGridLineColor(theme.grid);
    axis->setLinePenColor(theme.axis);
    axis->setShadesVisible(false);
}

void fitValueAxis(QValueAxis *axis, const report::Chart &spec, double minValue, double maxValue)
{
    if (!std::isfinite(minValue) || !std::isfinite(maxValue)) {
        minValue = 0;
        maxValue = 1;
    }
    minValue = std::min(0.0, minValue);
    if (maxValue <= minValue)
        maxValue = minValue + 1;
    axis->setTickCount(5);
    axis->setRange(minValue, maxValue * 1.05);
    axis->applyNiceNumbers();
    // A share cannot pass 100 %: nice numbers over a series that touches 100 would draw 150 %.
    if (spec.percent && maxValue <= 100 && minValue >= 0 && axis->max() > 100) {
        axis->setRange(0, 100);
        axis->setTickCount(5);
    }
    const double span = axis->max() - axis->min();
    if (spec.percent)
        axis->setLabelFormat(span < 2 ? QStringLiteral("%.2f %%")
                             : span < 10 ? QStringLiteral("%.1f %%") : QStringLiteral("%.0f %%"));
    else
        axis->setLabelFormat(maxValue >= 1000 ? QStringLiteral("%.0f") : QStringLiteral("%.6g"));
}

// The value range of the categories in `range`, as drawn (stacks add up).
std::pair<double, double> valueBounds(const ChartState &state)
{
    const report::Chart &spec = state.spec;
    const double scale = displayScale(spec);
    const bool stacked = state.drawn == Kind::StackedArea || state.drawn == Kind::StackedBar;
    double minValue = 0, maxValue = 0;
    for (int i = state.range.first; i <= state.range.last; ++i) {
        double positive = 0, negative = 0;
        for (const auto &s : spec.series) {
            const double v = valueAt(s, i);
            if (!std::isfinite(v))
                continue;
            if (stacked) {
                (v >= 0 ? positive : negative) += v * scale;
            } else {
                maxValue = std::max(maxValue, v * scale);
                minValue = std::min(minValue, v * scale);
            }
        }
        maxValue = std::max(maxValue, positive);
        minValue = std::min(minValue, negative);
    }
    for (const report::Mark &m : spec.marks)
        if (m.category >= state.range.first && m.category <= state.range.last && std::isfinite(m.value))
            maxValue = std::max(maxValue, m.value * scale);
    return {minValue, maxValue};
}

// QCategoryAxis keys its labels by text: hidden duplicates get invisible suffixes.
QString uniqueLabel(QString label, const QStringList &taken)
{
    if (label.isEmpty())
        label = QString(1, QChar(0x200B));
    while (taken.contains(label))
        label += QChar(0x200B);
    return label;
}

QString elided(const QString &label, const QFont &font, double width)
{
    return QFontMetricsF(font).elidedText(label, Qt::ElideMiddle, width);
}

// Writes the x labels for the range and the current width: every fit.step-th category, at its
// index, so labels stay put while panning.
void relabel(ChartState &state, double width)
{
    const QStringList visible = state.spec.categories.mid(state.range.first, visibleCount(state));
    state.fit = fitLabels(visible, axisLabelFont(state.theme), width);
    QCategoryAxis *x = state.x;
    const QStringList old = x->categoriesLabels();
    for (const QString &label : old)
        x->remove(label);
    x->setStartValue(state.range.first - 0.5);
    QStringList taken;
    const QFont font = axisLabelFont(state.theme);
    for (int i = state.range.first; i <= state.range.last; ++i) {
        if (i % state.fit.step != 0)
            continue;
        const QString label = uniqueLabel(elided(state.spec.categories[i], font, 220), taken);
        taken << label;
        x->append(label, i);
    }
    x->setLabelsAngle(state.fit.rotated ? -40 : 0);
    // A line chart's last label is centred on the plot's right edge: leave it room.
    if (auto *owner = qobject_cast<QChart *>(state.parent())) {
        double widest = 0;
        if ((state.drawn == Kind::Line || state.drawn == Kind::StackedArea) && !state.fit.rotated)
            for (const QString &label : x->categoriesLabels())
                widest = std::max(widest, QFontMetricsF(font).horizontalAdvance(label));
        owner->setMargins(QMargins(6, 6, std::max(6, int(widest / 2) + 2), 6));
    }
    // New labels change the axis' height; Qt Charts does not always redo the layout for it.
    if (auto *chart = qobject_cast<QChart *>(state.parent()); chart && chart->layout())
        chart->layout()->invalidate();
}

double plotWidth(const QChart *chart, const ChartState &state)
{
    if (chart->plotArea().width() > 1)
        return chart->plotArea().width();
    // Not laid out yet: the size it will have, less the value axis and margins.
    const double width = state.sizeHint.width() > 0 ? state.sizeHint.width() : 640;
    return std::max(100.0, width - 90);
}

void applyRange(QChart *chart, ChartState &state)
{
    const bool lines = state.drawn == Kind::Line || state.drawn == Kind::StackedArea;
    const int first = state.range.first, last = state.range.last;
    // Lines run edge to edge; bars and cells need half a category each side.
    const double pad = lines && last > first ? 0.0 : 0.5;
    state.x->setRange(first - pad, last + pad);
    if (state.y) {
        const auto [minValue, maxValue] = valueBounds(state);
        fitValueAxis(state.y, state.spec, minValue, maxValue);
    }
    for (QAbstractSeries *series : chart->series())
        if (auto *line = qobject_cast<QLineSeries *>(series); line && series->type() == QAbstractSeries::SeriesTypeLine)
            line->setPointsVisible(last - first + 1 <= 40);
    relabel(state, plotWidth(chart, state));
}

QCategoryAxis *newCategoryAxis(const QString &title)
{
    auto *axis = new QCategoryAxis;
    axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    axis->setTruncateLabels(false);
    axis->setTitleText(title);
    return axis;
}

void attachXY(QChart *chart, ChartState &state, const QList<QAbstractSeries *> &series)
{
    state.x = newCategoryAxis(state.spec.xTitle);
    state.y = new QValueAxis;
    state.y->setTitleText(state.spec.yTitle);
    chart->addAxis(state.x, Qt::AlignBottom);
    chart->addAxis(state.y, Qt::AlignLeft);
    for (auto *s : series) {
        s->attachAxis(state.x);
        s->attachAxis(state.y);
    }
}

QList<QAbstractSeries *> buildLines(QChart *chart, const ChartState &state)
{
    const report::Chart &spec = state.spec;
    const double scale = displayScale(spec);
    const bool stacked = state.drawn == Kind::StackedArea;
    const int n = int(spec.categories.size());
    const HoverHandler &onHover = state.onHover;
    QList<double> base(n, 0.0);
    // A category where no series has a value (an "(unreleased)" row without a tree) is left
    // out of a stack instead of drawn as a drop to zero.
    QList<bool> empty(n, true);
    for (const auto &s : spec.series)
        for (int i = 0; i < n; ++i)
            if (std::isfinite(valueAt(s, i)))
                empty[i] = false;
    QList<QAbstractSeries *> added;
    for (int si = 0; si < spec.series.size(); ++si) {
        const auto &s = spec.series[si];
        if (stacked) {
            auto *lower = new QLineSeries;
            auto *upper = new QLineSeries;
            for (int i = 0; i < n; ++i) {
                if (empty[i])
                    continue;
                double v = valueAt(s, i);
                v = std::isfinite(v) ? v * scale : 0.0;
                lower->append(i, base[i]);
                base[i] += v;
                upper->append(i, base[i]);
            }
            auto *area = new QAreaSeries(upper, lower);
            // QAreaSeries does not own its boundary lines: parent them, or every rebuild leaks them.
            upper->setParent(area);
            lower->setParent(area);
            area->setName(s.name);
            if (onHover)
                QObject::connect(area, &QAreaSeries::hovered, chart, [spec, si, onHover](const QPointF &p, bool on) {
                    onHover(on ? makeHover(spec, si, int(std::lround(p.x())), true) : HoverInfo{});
                });
            chart->addSeries(area);
            added << area;
        } else {
            auto *line = new QLineSeries;
            line->setName(s.name);
            for (int i = 0; i < n; ++i) {
                const double v = valueAt(s, i);
                if (std::isfinite(v))
                    line->append(i, v * scale);
            }
            if (onHover)
                QObject::connect(line, &QLineSeries::hovered, chart, [spec, si, onHover](const QPointF &p, bool on) {
                    onHover(on ? makeHover(spec, si, int(std::lround(p.x())), true) : HoverInfo{});
                });
            chart->addSeries(line);
            added << line;
        }
    }
    return added;
}

QList<QAbstractSeries *> buildBars(QChart *chart, const ChartState &state)
{
    const report::Chart &spec = state.spec;
    const double scale = displayScale(spec);
    const bool stacked = state.drawn == Kind::StackedBar;
    QAbstractBarSeries *series = stacked ? static_cast<QAbstractBarSeries *>(new QStackedBarSeries)
                                         : static_cast<QAbstractBarSeries *>(new QBarSeries);
    const int n = int(spec.categories.size());
    const HoverHandler &onHover = state.onHover;
    for (int si = 0; si < spec.series.size(); ++si) {
        const auto &s = spec.series[si];
        auto *set = new QBarSet(s.name);
        for (int i = 0; i < n; ++i) {
            const double v = valueAt(s, i);
            set->append(std::isfinite(v) ? v * scale : 0.0);
        }
        if (onHover)
            QObject::connect(set, &QBarSet::hovered, chart, [spec, si, onHover](bool on, int index) {
                onHover(on ? makeHover(spec, si, index, true) : HoverInfo{});
            });
        series->append(set);
    }
    series->setBarWidth(stacked ? 0.7 : 0.8);
    chart->addSeries(series);
    return {series};
}

// The marks: one scatter series over the others, its hover text the marks' own labels.
QAbstractSeries *buildMarks(QChart *chart, const ChartState &state)
{
    const report::Chart &spec = state.spec;
    if (spec.marks.isEmpty())
        return nullptr;
    const double scale = displayScale(spec);
    auto *scatter = new QScatterSeries;
    scatter->setName(spec.marksName.isEmpty() ? QStringLiteral("Marked") : spec.marksName);
    scatter->setMarkerShape(QScatterSeries::MarkerShapeCircle);
    scatter->setMarkerSize(11);
    for (const report::Mark &m : spec.marks)
        if (m.category >= 0 && m.category < spec.categories.size() && std::isfinite(m.value))
            scatter->append(m.category, m.value * scale);
    if (state.onHover) {
        const HoverHandler onHover = state.onHover;
        QObject::connect(scatter, &QScatterSeries::hovered, chart, [spec, onHover](const QPointF &p, bool on) {
            if (!on)
                return onHover(HoverInfo{});
            const int category = int(std::lround(p.x()));
            HoverInfo info;
            info.active = true;
            info.series = spec.marksName;
            info.category = spec.categories.value(category);
            QStringList labels;
            for (const report::Mark &m : spec.marks)
                if (m.category == category)
                    labels << m.label;
            info.text = info.category + QStringLiteral("\n") + labels.join(QLatin1Char('\n'));
            onHover(info);
        });
    }
    chart->addSeries(scatter);
    return scatter;
}

void buildHeatMap(QChart *chart, ChartState &state)
{
    const report::Chart &spec = state.spec;
    auto *anchor = new QScatterSeries;
    anchor->setName(QString());
    anchor->setMarkerSize(0);
    anchor->setColor(Qt::transparent);
    anchor->setBorderColor(Qt::transparent);
    chart->addSeries(anchor);
    state.x = newCategoryAxis(spec.xTitle);
    auto *rows = newCategoryAxis(spec.yTitle);
    const int n = int(spec.series.size());
    rows->setStartValue(-0.5);
    // Row names are elided to fit beside the cells; the cell tooltips name them in full.
    QStringList taken;
    const QFont font = axisLabelFont(state.theme);
    for (int r = n - 1; r >= 0; --r) {
        const QString label = uniqueLabel(elided(spec.series[r].name, font, 200), taken);
        taken << label;
        rows->append(label, n - 1 - r);
    }
    rows->setRange(-0.5, std::max(0, n - 1) + 0.5);
    chart->addAxis(state.x, Qt::AlignBottom);
    chart->addAxis(rows, Qt::AlignLeft);
    anchor->attachAxis(state.x);
    anchor->attachAxis(rows);
    chart->legend()->setVisible(false);
    new HeatMapItem(chart, anchor, &state);
}

void clearChart(QChart *chart)
{
    for (QGraphicsItem *child : chart->childItems())
        if (dynamic_cast<HeatMapItem *>(child))
            delete child;
    chart->removeAllSeries();
    for (QAbstractAxis *axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
}

void applyThemeToSeries(QChart *chart, const Theme &theme);

// (Re)builds series and axes for state.drawn, then the range, labels and theme.
void build(QChart *chart, ChartState &state)
{
    clearChart(chart);
    state.x = nullptr;
    state.y = nullptr;
    if (state.drawn == Kind::HeatMap) {
        buildHeatMap(chart, state);
    } else {
        QList<QAbstractSeries *> series = state.drawn == Kind::Bar || state.drawn == Kind::StackedBar
                                              ? buildBars(chart, state)
                                              : buildLines(chart, state);
        if (QAbstractSeries *marks = buildMarks(chart, state))
            series << marks;
        attachXY(chart, state, series);
        const bool named = state.spec.series.size() > 1
                           || (state.spec.series.size() == 1 && !state.spec.series.first().name.isEmpty());
        chart->legend()->setVisible(named || !state.spec.marks.isEmpty());
    }
    if (!state.spec.categories.isEmpty())
        applyRange(chart, state);
    for (QAbstractAxis *axis : chart->axes())
        styleAxis(axis, state.theme);
    if (state.drawn == Kind::HeatMap || state.fit.step > 1)
        for (QAbstractAxis *axis : chart->axes(Qt::Horizontal))
            axis->setGridLineVisible(false); // a grid line per shown label is enough; none in cells
    if (state.drawn == Kind::HeatMap)
        for (QAbstractAxis *axis : chart->axes())
            axis->setGridLineVisible(false);
    applyThemeToSeries(chart, state.theme);
}

// The kind to draw at `width`, with some slack before going back to bars so a chart at the
// threshold does not flip on every resize.
Kind wantedKind(const ChartState &state, double width)
{
    const int seriesCount = int(state.spec.series.size());
    const Kind want = drawnKind(state.spec.kind, seriesCount, visibleCount(state), width);
    if (state.drawn != state.spec.kind && want == state.spec.kind
        && drawnKind(state.spec.kind, seriesCount, visibleCount(state), width * 0.9) != state.spec.kind)
        return state.drawn;
    return want;
}

void queueFit(QChart *chart, ChartState *state)
{
    if (state->fitQueued)
        return;
    state->fitQueued = true;
    QTimer::singleShot(0, state, [chart, state] {
        state->fitQueued = false;
        fitToSize(chart);
    });
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
        // Thin labels and pick bars or lines for the size it is drawn at, then lay out again.
        fitToSize(chart);
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


QChart *createChart(const report::Chart &rawSpec, const Theme &theme, const HoverHandler &onHover,
                    CategoryRange range, QSizeF size)
{
    report::Chart printed = printableSpec(rawSpec);
    // A stacked area over one category has no width and draws nothing (a tree with one release
    // tag): the same stack as bars shows it.
    if (printed.kind == Kind::StackedArea && printed.categories.size() < 2)
        printed.kind = Kind::StackedBar;
    auto *chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setTitle(printed.title);
    auto *state = new ChartState(chart);
    state->spec = foldHeatMapRows(printed);
    state->foldedRows = state->spec.series.size() < printed.series.size()
                            ? int(printed.series.size() - state->spec.series.size()) + 1 : 0;
    state->theme = theme;
    state->onHover = onHover;
    state->range = clampRange(range, int(state->spec.categories.size()));
    state->sizeHint = size;
    state->drawn = drawnKind(state->spec.kind, int(state->spec.series.size()), visibleCount(*state),
                             plotWidth(chart, *state));
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(6, 6, 6, 6));
    build(chart, *state);
    applyTheme(chart, theme);
    QObject::connect(chart, &QChart::plotAreaChanged, state, [chart, state](const QRectF &) { queueFit(chart, state); });
    return chart;
}

void fitToSize(QChart *chart)
{
    ChartState *state = stateOf(chart);
    if (!state || state->spec.categories.isEmpty())
        return;
    const double width = plotWidth(chart, *state);
    const Kind want = wantedKind(*state, width);
    if (want != state->drawn) {
        state->drawn = want;
        build(chart, *state);
        applyTheme(chart, state->theme);
        return;
    }
    const QStringList visible = state->spec.categories.mid(state->range.first, visibleCount(*state));
    if (fitLabels(visible, axisLabelFont(state->theme), width) != state->fit)
        relabel(*state, width);
}

void setRange(QChart *chart, CategoryRange range)
{
    ChartState *state = stateOf(chart);
    if (!state)
        return;
    range = clampRange(range, int(state->spec.categories.size()));
    if (range == state->range || state->spec.categories.isEmpty())
        return;
    state->range = range;
    const Kind want = wantedKind(*state, plotWidth(chart, *state));
    if (want != state->drawn) {
        state->drawn = want;
        build(chart, *state);
        applyTheme(chart, state->theme);
        return;
    }
    applyRange(chart, *state);
    if (state->y)
        styleAxis(state->y, state->theme);
    if (state->fit.step > 1)
        state->x->setGridLineVisible(false);
    else if (state->drawn != Kind::HeatMap)
        state->x->setGridLineVisible(true);
}

CategoryRange chartRange(const QChart *chart)
{
    const ChartState *state = stateOf(chart);
    return state ? state->range : CategoryRange{};
}

const report::Chart *chartSpec(const QChart *chart)
{
    const ChartState *state = stateOf(chart);
    return state ? &state->spec : nullptr;
}

report::Chart::Kind chartDrawnKind(const QChart *chart)
{
    const ChartState *state = stateOf(chart);
    return state ? state->drawn : Kind::Line;
}

QStringList shownCategoryLabels(const QChart *chart)
{
    const ChartState *state = stateOf(chart);
    if (!state || !state->x)
        return {};
    QStringList labels;
    for (QString label : state->x->categoriesLabels()) {
        label.remove(QChar(0x200B));
        labels << label;
    }
    return labels;
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
    if (ChartState *state = stateOf(chart)) {
        state->theme = theme;
        if (state->drawn == Kind::HeatMap)
            for (QAbstractAxis *axis : chart->axes())
                axis->setGridLineVisible(false);
        else if (state->fit.step > 1 && state->x)
            state->x->setGridLineVisible(false);
        for (QGraphicsItem *child : chart->childItems())
            if (dynamic_cast<HeatMapItem *>(child))
                child->update();
    }
    applyThemeToSeries(chart, theme);
}

namespace {

void applyThemeToSeries(QChart *chart, const Theme &theme)
{
    // Series colours follow the palette order they were created in; marks are drawn in the
    // text colour, which no series uses.
    int index = 0;
    for (QAbstractSeries *series : chart->series()) {
        const QColor color = theme.seriesColor(index);
        if (auto *area = qobject_cast<QAreaSeries *>(series)) {
            QColor fill = color;
            fill.setAlphaF(0.85f);
            area->setBrush(fill);
            area->setPen(QPen(color.darker(115), 1.0));
            ++index;
        } else if (auto *scatter = qobject_cast<QScatterSeries *>(series)) {
            if (scatter->markerSize() > 0) {
                scatter->setColor(theme.foreground);
                scatter->setBorderColor(theme.background);
            }
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

} // namespace

void renderTo(QPainter &painter, const QRectF &target, const report::Chart &spec, const Theme &theme)
{
    // Charts are laid out at screen-like logical size so fonts keep their proportion on
    // high-resolution devices (a 1200 dpi PDF page is scaled, not re-laid out).
    const int dpi = painter.device() ? painter.device()->logicalDpiX() : 96;
    const double toLogical = dpi > 150 ? 96.0 / dpi : 1.0;
    QSizeF logical = target.size() * toLogical;
    if (logical.width() < 200 || logical.height() < 120)
        logical = logical.scaled(QSizeF(600, 360), Qt::KeepAspectRatioByExpanding);
    std::unique_ptr<QChart> chart(createChart(spec, theme, {}, {}, logical));
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
