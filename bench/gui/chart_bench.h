#pragma once
// Chart redraw at hundreds of categories: createChart + render through the chart adapter per
// chart kind, against the same at 12 categories (the floor), and a range change on the GUI's
// ChartPanel timed until the panel has repainted.

class QTextStream;

namespace kl::bench {

void runChartBench(int categories, QTextStream &out);

} // namespace kl::bench
