// The pure layout rules of the chart adapter: label thinning, the bar → line switch, heat map
// row folding and range clamping. They take no QChart, so tests check them directly.

#include "chart_adapter.h"

#include <QFontMetricsF>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kl::charts {

namespace {

// Steps that keep month axes on quarters and years, and release axes regular.
int niceStep(int minimum)
{
    for (int step : {1, 2, 3, 4, 6, 12})
        if (step >= minimum)
            return step;
    return (minimum + 11) / 12 * 12;
}

// Labels longer than this are elided on the axis (the hover text names them in full).
constexpr int kMaxLabelChars = 30;
constexpr double kLabelGap = 8.0;
constexpr double kRotation = 40.0; // degrees

int stepFor(int count, double slot, double width)
{
    if (count <= 1 || width <= 0)
        return 1;
    const int fitting = std::max(1, int(std::floor(width / slot)));
    return niceStep((count + fitting - 1) / fitting);
}

} // namespace

CategoryRange clampRange(CategoryRange range, int count)
{
    if (count <= 0)
        return {0, -1};
    int first = std::clamp(range.first, 0, count - 1);
    int last = range.last < 0 ? count - 1 : std::clamp(range.last, 0, count - 1);
    if (last < first)
        std::swap(first, last);
    return {first, last};
}

LabelFit fitLabels(const QStringList &labels, const QFont &font, double width)
{
    const QFontMetricsF metrics(font);
    double longest = 0;
    for (const QString &label : labels)
        longest = std::max(longest, metrics.horizontalAdvance(label.left(kMaxLabelChars)));
    const int count = int(labels.size());
    const LabelFit level{stepFor(count, longest + kLabelGap, width), false};
    // A rotated label takes its height over sin(angle) of the axis, whatever its length.
    const double rotatedSlot = metrics.height() / std::sin(kRotation * M_PI / 180.0) + kLabelGap / 2;
    const LabelFit rotated{stepFor(count, rotatedSlot, width), true};
    // Level text reads better: turn the labels only when that shows over three times as many.
    return rotated.step * 3 < level.step ? rotated : level;
}

report::Chart::Kind drawnKind(report::Chart::Kind kind, int seriesCount, int visibleCategories, double plotWidth)
{
    using Kind = report::Chart::Kind;
    if ((kind != Kind::Bar && kind != Kind::StackedBar) || visibleCategories < 2 || plotWidth <= 0)
        return kind;
    const int barsPerCategory = kind == Kind::Bar ? std::max(1, seriesCount) : 1;
    // Bars fill 80 % of their category (70 % when stacked); the rest is the gap between groups.
    const double barFraction = kind == Kind::Bar ? 0.8 : 0.7;
    const double barPixels = plotWidth * barFraction / (double(visibleCategories) * barsPerCategory);
    if (barPixels >= kMinBarPixels)
        return kind;
    return kind == Kind::Bar ? Kind::Line : Kind::StackedArea;
}

report::Chart foldHeatMapRows(const report::Chart &spec, int maxRows)
{
    if (spec.kind != report::Chart::Kind::HeatMap || maxRows < 2 || spec.series.size() <= maxRows)
        return spec;
    auto rowSum = [](const report::Series &s) {
        double sum = 0;
        for (double v : s.values)
            if (std::isfinite(v))
                sum += v;
        return sum;
    };
    QList<int> order(spec.series.size());
    std::iota(order.begin(), order.end(), 0);
    // Stable: rows with equal sums keep the builder's order (e.g. by name).
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return rowSum(spec.series[a]) > rowSum(spec.series[b]); });
    report::Chart out = spec;
    out.series.clear();
    for (int i = 0; i < maxRows - 1; ++i)
        out.series << spec.series[order[i]];
    const int folded = int(order.size()) - (maxRows - 1);
    report::Series rest;
    // "other (12 subsystems)" when the row axis is titled "Subsystem".
    QString what = spec.yTitle.isEmpty() || spec.yTitle.contains(QLatin1Char('(')) ? QStringLiteral("row")
                                                                                   : spec.yTitle.toLower();
    if (!what.endsWith(QLatin1Char('s')))
        what += QLatin1Char('s');
    rest.name = QStringLiteral("other (%1 %2)").arg(folded).arg(what);
    rest.values.fill(std::numeric_limits<double>::quiet_NaN(), spec.categories.size());
    for (int i = maxRows - 1; i < order.size(); ++i) {
        const auto &values = spec.series[order[i]].values;
        for (int c = 0; c < rest.values.size() && c < values.size(); ++c)
            if (std::isfinite(values[c]))
                rest.values[c] = std::isfinite(rest.values[c]) ? std::max(rest.values[c], values[c]) : values[c];
    }
    out.series << rest;
    return out;
}

} // namespace kl::charts
