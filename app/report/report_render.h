#pragma once
// Report exporters that draw charts: HTML with inline SVG and PDF with vector charts, both
// through the chart adapter (the same code the GUI draws with). They need a QApplication;
// the GUI has one, and the CLI gets one from the kernellens-render module (render_module.h).

#include "report_writers.h"

#include <charts/chart_adapter.h>

namespace kl::report {

// Size of charts in reports, in CSS pixels.
inline constexpr int kReportChartWidth = 860;
inline constexpr int kReportChartHeight = 380;

// The HTML page with every chart as inline SVG drawn by the chart adapter.
QString toHtmlWithCharts(const Report &report, const charts::Theme &theme = charts::Theme::light());

// A paginated A4 PDF of the same content: title, inputs, per section the method note, the
// charts as vectors, the tables (split across pages with their header repeated), page numbers.
Status writePdf(const Report &report, const QString &path, const charts::Theme &theme = charts::Theme::light());

// Any format to a path (CSV: a directory). Returns the paths written.
Result<QStringList> writeReport(const Report &report, Format format, const QString &path);

} // namespace kl::report
