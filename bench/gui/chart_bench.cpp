#include "chart_bench.h"

#include "chart_panel.h"

#include <kernellens/models/report.h>

#include "charts/chart_adapter.h"

#include <QChart>
#include <QElapsedTimer>
#include <QPixmap>
#include <QTextStream>

#include <algorithm>
#include <cmath>

namespace kl::bench {

namespace {

// Release-like categories (v1.0, v1.0.1, …) with three series, as adoption draws them.
report::Chart syntheticChart(report::Chart::Kind kind, int categories)
{
    report::Chart spec;
    spec.id = QStringLiteral("bench.chart");
    spec.title = QStringLiteral("Synthetic chart, %1 categories").arg(categories);
    spec.kind = kind;
    for (int i = 0; i < categories; ++i)
        spec.categories << (i % 5 == 0 ? QStringLiteral("v%1.%2").arg(1 + i / 100).arg(i / 5 % 20)
                                       : QStringLiteral("v%1.%2.%3").arg(1 + i / 100).arg(i / 5 % 20).arg(i % 5));
    for (const QString &name : {QStringLiteral("C"), QStringLiteral("Rust"), QStringLiteral("Other")}) {
        report::Series s;
        s.name = name;
        for (int i = 0; i < categories; ++i)
            s.values << 1000.0 + 50.0 * i + 300.0 * std::sin(i / 7.0) * (name.size());
        spec.series << s;
    }
    return spec;
}

double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v[v.size() / 2];
}

double createAndRenderMs(const report::Chart &spec, const charts::Theme &theme)
{
    QList<double> runs;
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer clock;
        clock.start();
        QChart *chart = charts::createChart(spec, theme);
        const QImage image = charts::renderImage(chart, QSize(1200, 500));
        delete chart;
        runs << clock.nsecsElapsed() / 1e6;
    }
    return median(runs);
}

// A range change as the user makes one: the panel holds the full chart and shows [from, to).
void applyRange(gui::ChartPanel &panel, int from, int to)
{
    panel.setRange(charts::CategoryRange{from, to - 1});
}

const char *kindName(report::Chart::Kind kind)
{
    switch (kind) {
    case report::Chart::Kind::Line: return "line";
    case report::Chart::Kind::StackedArea: return "stacked_area";
    case report::Chart::Kind::Bar: return "bar";
    case report::Chart::Kind::StackedBar: return "stacked_bar";
    case report::Chart::Kind::HeatMap: return "heat_map";
    }
    return "chart";
}

} // namespace

void runChartBench(int categories, QTextStream &out)
{
    const charts::Theme theme = charts::Theme::light();
    using K = report::Chart::Kind;
    for (K kind : {K::Line, K::StackedArea, K::Bar, K::StackedBar}) {
        out << "chart_" << kindName(kind) << "_12_create_render_ms: "
            << QString::number(createAndRenderMs(syntheticChart(kind, 12), theme), 'f', 1) << "\n";
        out << "chart_" << kindName(kind) << "_" << categories << "_create_render_ms: "
            << QString::number(createAndRenderMs(syntheticChart(kind, categories), theme), 'f', 1) << "\n";
        out.flush();
    }

    // Range changes on the panel: the full range, then a 100-category window panned across.
    const report::Chart full = syntheticChart(K::StackedArea, categories);
    gui::ChartPanel panel;
    panel.resize(1200, 500);
    panel.show();
    panel.setCharts({full});
    QList<double> runs;
    auto timed = [&](int from, int to) {
        QElapsedTimer clock;
        clock.start();
        applyRange(panel, from, to);
        const QPixmap painted = panel.grab();   // the repaint, synchronously
        return clock.nsecsElapsed() / 1e6;
    };
    out << "range_full_" << categories << "_repaint_ms: " << QString::number(timed(0, categories), 'f', 1) << "\n";
    for (int from = 0; from + 100 <= categories; from += std::max(1, (categories - 100) / 10))
        runs << timed(from, from + 100);
    out << "range_window_100_repaint_median_ms: " << QString::number(median(runs), 'f', 1) << "\n";
    out << "range_window_100_repaint_max_ms: "
        << QString::number(runs.isEmpty() ? 0 : *std::max_element(runs.begin(), runs.end()), 'f', 1) << "\n";
}

} // namespace kl::bench
