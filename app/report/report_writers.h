#pragma once
// Report exporters that need only Qt Core: Markdown, JSON, CSV, and the HTML page given a
// chart-to-SVG function. The CLI links these directly; HTML charts and PDF need the chart
// adapter (Qt Charts → QApplication) and live in report_render.h / the kernellens-render module.
//
// Every string in a report may come from mail or git, i.e. from strangers: the writers escape
// all of them (HTML entities incl. quotes; Markdown punctuation) and drop control characters.

#include <kernellens/index/result.h>
#include <kernellens/models/report.h>

#include <QByteArray>
#include <QString>

#include <functional>
#include <optional>

namespace kl::report {

enum class Format { Html, Pdf, Markdown, Json, Csv };

// "html", "pdf", "md"/"markdown", "json", "csv"; nullopt otherwise.
std::optional<Format> formatFromName(const QString &name);
QString formatName(Format format);
QString defaultFileName(Format format); // kernellens-report.html, ... ; CSV: a directory name

// HTML text and attribute escaping (& < > " '), control characters removed (tab and newline
// become spaces).
QString escapeHtml(const QString &text);
// Markdown table-cell escaping: backslash before \ | * _ ` < > [ ] # & !, newlines and control
// characters flattened, so a cell can neither break the table nor become markup.
QString escapeMarkdown(const QString &text);
// Control characters (C0, DEL, C1, except tab/newline) removed; for plain-text outputs.
QString stripControl(const QString &text);

// A cell as humans read it: percent as "12.34 %", integers grouped "20,576", dates ISO.
QString formatCell(const QVariant &value, Column::Kind kind);
bool isNumericColumn(Column::Kind kind);

QString toMarkdown(const Report &report);
QByteArray toJsonBytes(const Report &report);

// The SVG document for a chart, or empty to leave the chart out (its data stays in the tables).
using SvgRenderer = std::function<QByteArray(const Chart &chart)>;
// One self-contained HTML page: inline CSS, charts as inline <svg>, no external resource of any
// kind (a Content-Security-Policy meta forbids them too).
QString toHtml(const Report &report, const SvgRenderer &renderChart);

// CSV: one file per table (<table id>.csv, RFC 4180) plus inputs.csv, in `directory`
// (created when missing). Returns the written paths.
Result<QStringList> writeCsvDirectory(const Report &report, const QString &directory);
// Atomically (QSaveFile) writes bytes to path; the error names the path.
Status writeFile(const QString &path, const QByteArray &bytes);

} // namespace kl::report
