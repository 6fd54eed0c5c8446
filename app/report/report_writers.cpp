#include "report_writers.h"

#include <kernellens/models/visible_text.h>

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLocale>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>

#include <cmath>

namespace kl::report {

std::optional<Format> formatFromName(const QString &name)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("html") || n == QLatin1String("htm"))
        return Format::Html;
    if (n == QLatin1String("pdf"))
        return Format::Pdf;
    if (n == QLatin1String("md") || n == QLatin1String("markdown"))
        return Format::Markdown;
    if (n == QLatin1String("json"))
        return Format::Json;
    if (n == QLatin1String("csv"))
        return Format::Csv;
    return std::nullopt;
}

QString formatName(Format format)
{
    switch (format) {
    case Format::Html: return QStringLiteral("html");
    case Format::Pdf: return QStringLiteral("pdf");
    case Format::Markdown: return QStringLiteral("md");
    case Format::Json: return QStringLiteral("json");
    case Format::Csv: return QStringLiteral("csv");
    }
    return QStringLiteral("html");
}

QString defaultFileName(Format format)
{
    if (format == Format::Csv)
        return QStringLiteral("kernellens-report-csv");
    return QStringLiteral("kernellens-report.") + formatName(format);
}

namespace {

template<typename Emit>
void forEachCodePoint(const QString &text, Emit emit)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar ch = text[i];
        if (ch.isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
            emit(QChar::surrogateToUcs4(ch, text[i + 1]), text.mid(i, 2));
            ++i;
        } else if (ch.isSurrogate()) {
            emit(char32_t(0xFFFD), QString(QChar(0xFFFD)));
        } else {
            emit(char32_t(ch.unicode()), QString(ch));
        }
    }
}

} // namespace

QString stripControl(const QString &text)
{
    QString out;
    out.reserve(text.size());
    forEachCodePoint(text, [&](char32_t c, const QString &s) {
        if (c == U'\n' || c == U'\t')
            out += s;
        else if (!isControlCharacter(c) && !isBidiControl(c))
            out += s;
    });
    return out;
}

QString escapeHtml(const QString &text)
{
    QString out;
    out.reserve(text.size() + text.size() / 8);
    forEachCodePoint(text, [&](char32_t c, const QString &s) {
        switch (c) {
        case U'&': out += QLatin1String("&amp;"); return;
        case U'<': out += QLatin1String("&lt;"); return;
        case U'>': out += QLatin1String("&gt;"); return;
        case U'"': out += QLatin1String("&quot;"); return;
        case U'\'': out += QLatin1String("&#39;"); return;
        case U'\n': out += QLatin1Char('\n'); return;
        case U'\t': out += QLatin1Char(' '); return;
        default: break;
        }
        if (!isControlCharacter(c) && !isBidiControl(c))
            out += s;
    });
    return out;
}

QString escapeMarkdown(const QString &text)
{
    static const QString special = QStringLiteral("\\|*_`<>[]#&!");
    QString out;
    out.reserve(text.size() + text.size() / 8);
    forEachCodePoint(text, [&](char32_t c, const QString &s) {
        if (c == U'\n' || c == U'\r' || c == U'\t') {
            out += QLatin1Char(' ');
            return;
        }
        if (isControlCharacter(c) || isBidiControl(c))
            return;
        if (c < 0x80 && special.contains(QChar(char16_t(c))))
            out += QLatin1Char('\\');
        out += s;
    });
    return out;
}

bool isNumericColumn(Column::Kind kind)
{
    return kind == Column::Kind::Integer || kind == Column::Kind::Real || kind == Column::Kind::Percent;
}

QString formatCell(const QVariant &value, Column::Kind kind)
{
    if (!value.isValid() || value.isNull())
        return QStringLiteral("–");
    static const QLocale grouped(QLocale::English);
    switch (kind) {
    case Column::Kind::Integer:
        return grouped.toString(value.toLongLong());
    case Column::Kind::Real: {
        const double d = value.toDouble();
        if (!std::isfinite(d))
            return QStringLiteral("–");
        return grouped.toString(d, 'f', std::abs(d) >= 100 ? 1 : 3);
    }
    case Column::Kind::Percent: {
        const double d = value.toDouble();
        if (!std::isfinite(d))
            return QStringLiteral("–");
        return QString::number(d * 100.0, 'f', 2) + QStringLiteral(" %");
    }
    case Column::Kind::Date:
        if (value.typeId() == QMetaType::QDateTime)
            return value.toDateTime().toUTC().date().toString(Qt::ISODate);
        if (value.typeId() == QMetaType::QDate)
            return value.toDate().toString(Qt::ISODate);
        return value.toString();
    case Column::Kind::DateTime:
        if (value.typeId() == QMetaType::QDateTime)
            return value.toDateTime().toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
        return value.toString();
    case Column::Kind::Text:
        break;
    }
    if (value.typeId() == QMetaType::QStringList)
        return value.toStringList().join(QStringLiteral(", "));
    return value.toString();
}

namespace {

QString generatedText(const Report &report)
{
    const QDateTime when = report.generated.isValid() ? report.generated : QDateTime::currentDateTimeUtc();
    return when.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
}

QString reportTitle(const Report &report)
{
    return report.title.isEmpty() ? QStringLiteral("KernelLens report") : report.title;
}

QString markdownTable(const Table &table)
{
    QString out;
    if (!table.title.isEmpty())
        out += QStringLiteral("**") + escapeMarkdown(table.title) + QStringLiteral("**\n\n");
    if (table.columns.isEmpty()) {
        out += QStringLiteral("_(no columns)_\n\n");
        return out;
    }
    QStringList header, rule;
    for (const auto &c : table.columns) {
        header << escapeMarkdown(c.title.isEmpty() ? c.key : c.title);
        rule << (isNumericColumn(c.kind) ? QStringLiteral("---:") : QStringLiteral(":---"));
    }
    out += QStringLiteral("| ") + header.join(QStringLiteral(" | ")) + QStringLiteral(" |\n");
    out += QStringLiteral("| ") + rule.join(QStringLiteral(" | ")) + QStringLiteral(" |\n");
    for (const auto &row : table.rows) {
        QStringList cells;
        for (int i = 0; i < table.columns.size(); ++i)
            cells << escapeMarkdown(formatCell(i < row.size() ? row[i] : QVariant(), table.columns[i].kind));
        out += QStringLiteral("| ") + cells.join(QStringLiteral(" | ")) + QStringLiteral(" |\n");
    }
    if (table.rows.isEmpty())
        out += QStringLiteral("\n_No rows._\n");
    if (!table.note.isEmpty())
        out += QStringLiteral("\n") + escapeMarkdown(table.note) + QStringLiteral("\n");
    out += QLatin1Char('\n');
    return out;
}

} // namespace

QString toMarkdown(const Report &report)
{
    QString out;
    out += QStringLiteral("# ") + escapeMarkdown(reportTitle(report)) + QStringLiteral("\n\n");
    out += QStringLiteral("Generated ") + generatedText(report) + QStringLiteral(" by KernelLens ")
           + QStringLiteral(KERNELLENS_VERSION) + QStringLiteral(".\n\n");
    out += QStringLiteral("## Inputs\n\n");
    if (report.inputs.isEmpty()) {
        out += QStringLiteral("_No sources ingested._\n\n");
    } else {
        out += QStringLiteral("| Kind | Location | Label | Ingested up to |\n| :--- | :--- | :--- | :--- |\n");
        for (const auto &in : report.inputs)
            out += QStringLiteral("| %1 | %2 | %3 | %4 |\n")
                       .arg(escapeMarkdown(in.kind), escapeMarkdown(in.location), escapeMarkdown(in.label),
                            escapeMarkdown(in.watermark));
        out += QLatin1Char('\n');
    }
    for (const auto &section : report.sections) {
        out += QStringLiteral("## ") + escapeMarkdown(section.title.isEmpty() ? section.id : section.title)
               + QStringLiteral("\n\n");
        if (!section.method.isEmpty())
            out += QStringLiteral("*Method.* ") + escapeMarkdown(section.method) + QStringLiteral("\n\n");
        for (const auto &table : section.tables)
            out += markdownTable(table);
        if (section.tables.isEmpty() && section.charts.isEmpty())
            out += QStringLiteral("_No data._\n\n");
    }
    return out;
}

QByteArray toJsonBytes(const Report &report)
{
    QJsonObject object = toJson(report);
    object.insert(QStringLiteral("generator"), QStringLiteral("KernelLens " KERNELLENS_VERSION));
    return escapeInvisibleInJson(QJsonDocument(object).toJson(QJsonDocument::Indented));
}

namespace {

const char kCss[] = R"CSS(
:root{--fg:#1f2328;--muted:#59636e;--rule:#d1d9e0;--zebra:#f6f8fa;--accent:#0969da}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1100px;padding:24px 32px 64px;font:15px/1.5 "DejaVu Sans",system-ui,sans-serif;color:var(--fg);background:#fff}
h1{font-size:28px;margin:0 0 4px}
h2{font-size:22px;margin:40px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--rule)}
h3{font-size:16px;margin:24px 0 6px}
.meta,.note{color:var(--muted);font-size:13px}
.method{background:var(--zebra);border-left:4px solid var(--accent);padding:8px 12px;margin:8px 0 16px;font-size:14px}
nav ul{columns:2;padding-left:20px;margin:8px 0}
table{border-collapse:collapse;margin:8px 0 4px;font-size:13px;width:auto;max-width:100%}
caption{text-align:left;font-weight:600;padding:4px 0}
th,td{border-bottom:1px solid var(--rule);padding:4px 10px;vertical-align:top;text-align:left}
th{background:var(--zebra);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tbody tr:nth-child(even){background:#fbfcfd}
.table-wrap{overflow-x:auto}
figure.chart{margin:16px 0;page-break-inside:avoid}
figure.chart svg{max-width:100%;height:auto;display:block}
figcaption{color:var(--muted);font-size:13px}
.empty{color:var(--muted);font-style:italic}
footer{margin-top:48px;color:var(--muted);font-size:12px}
@media print{body{max-width:none;padding:0}h2{page-break-after:avoid}}
)CSS";

QString anchorId(const QString &id)
{
    QString out;
    for (QChar c : id)
        out += (c.isLetterOrNumber() && c.unicode() < 0x80) || c == QLatin1Char('-') ? c : QLatin1Char('-');
    return out.isEmpty() ? QStringLiteral("section") : out;
}

// QSvgGenerator writes a standalone document; inside HTML only the <svg> element may stay.
QString inlineSvg(const QByteArray &document)
{
    QString svg = QString::fromUtf8(document);
    const qsizetype start = svg.indexOf(QLatin1String("<svg"));
    if (start < 0)
        return {};
    svg = svg.mid(start);
    // Nothing in a chart may reach outside the page.
    static const QRegularExpression external(QStringLiteral(R"((?:xlink:)?href\s*=\s*["'](?!#)[^"']*["'])"),
                                             QRegularExpression::CaseInsensitiveOption);
    svg.remove(external);
    static const QRegularExpression scripts(QStringLiteral(R"(<script\b[\s\S]*?</script\s*>)"),
                                            QRegularExpression::CaseInsensitiveOption);
    svg.remove(scripts);
    // Qt escapes < > & " in chart text but not the apostrophe; entities are valid in both
    // text and attribute values, so every apostrophe becomes one.
    svg.replace(QLatin1Char('\''), QStringLiteral("&#39;"));
    // Nor does it drop control characters from text it draws.
    return stripControl(svg);
}

QString htmlTable(const Table &table)
{
    QString out = QStringLiteral("<div class=\"table-wrap\"><table id=\"%1\">").arg(escapeHtml(anchorId(table.id)));
    if (!table.title.isEmpty())
        out += QStringLiteral("<caption>") + escapeHtml(table.title) + QStringLiteral("</caption>");
    out += QStringLiteral("<thead><tr>");
    for (const auto &c : table.columns)
        out += QStringLiteral("<th scope=\"col\"%1>%2</th>")
                   .arg(isNumericColumn(c.kind) ? QStringLiteral(" class=\"num\"") : QString(),
                        escapeHtml(c.title.isEmpty() ? c.key : c.title));
    out += QStringLiteral("</tr></thead><tbody>");
    for (const auto &row : table.rows) {
        out += QStringLiteral("<tr>");
        for (int i = 0; i < table.columns.size(); ++i) {
            const auto kind = table.columns[i].kind;
            out += QStringLiteral("<td%1>%2</td>")
                       .arg(isNumericColumn(kind) ? QStringLiteral(" class=\"num\"") : QString(),
                            escapeHtml(formatCell(i < row.size() ? row[i] : QVariant(), kind)));
        }
        out += QStringLiteral("</tr>\n");
    }
    out += QStringLiteral("</tbody></table></div>");
    if (table.rows.isEmpty())
        out += QStringLiteral("<p class=\"empty\">No rows.</p>");
    if (!table.note.isEmpty())
        out += QStringLiteral("<p class=\"note\">") + escapeHtml(table.note) + QStringLiteral("</p>");
    return out + QLatin1Char('\n');
}

} // namespace

QString toHtml(const Report &report, const SvgRenderer &renderChart)
{
    const QString title = reportTitle(report);
    QString out;
    out += QStringLiteral(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        "<meta name=\"generator\" content=\"KernelLens " KERNELLENS_VERSION "\">\n<title>");
    out += escapeHtml(title) + QStringLiteral("</title>\n<style>") + QString::fromUtf8(kCss)
           + QStringLiteral("</style>\n</head>\n<body>\n<header>\n<h1>") + escapeHtml(title)
           + QStringLiteral("</h1>\n<p class=\"meta\">Generated ") + escapeHtml(generatedText(report))
           + QStringLiteral(" by KernelLens " KERNELLENS_VERSION ".</p>\n</header>\n");

    out += QStringLiteral("<nav><ul><li><a href=\"#inputs\">Inputs</a></li>");
    for (const auto &s : report.sections)
        out += QStringLiteral("<li><a href=\"#%1\">%2</a></li>")
                   .arg(escapeHtml(QStringLiteral("section-") + anchorId(s.id)),
                        escapeHtml(s.title.isEmpty() ? s.id : s.title));
    out += QStringLiteral("</ul></nav>\n");

    out += QStringLiteral("<section id=\"inputs\">\n<h2>Inputs</h2>\n");
    if (report.inputs.isEmpty()) {
        out += QStringLiteral("<p class=\"empty\">No sources ingested.</p>\n");
    } else {
        out += QStringLiteral("<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Kind</th>"
                              "<th scope=\"col\">Location</th><th scope=\"col\">Label</th>"
                              "<th scope=\"col\">Ingested up to (watermark)</th></tr></thead><tbody>");
        for (const auto &in : report.inputs)
            out += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td></tr>\n")
                       .arg(escapeHtml(in.kind), escapeHtml(in.location), escapeHtml(in.label),
                            escapeHtml(in.watermark));
        out += QStringLiteral("</tbody></table></div>\n");
    }
    out += QStringLiteral("</section>\n");

    for (const auto &section : report.sections) {
        out += QStringLiteral("<section id=\"%1\">\n<h2>%2</h2>\n")
                   .arg(escapeHtml(QStringLiteral("section-") + anchorId(section.id)),
                        escapeHtml(section.title.isEmpty() ? section.id : section.title));
        if (!section.method.isEmpty())
            out += QStringLiteral("<p class=\"method\"><strong>Method.</strong> ") + escapeHtml(section.method)
                   + QStringLiteral("</p>\n");
        for (const auto &chart : section.charts) {
            const QString svg = renderChart ? inlineSvg(renderChart(chart)) : QString();
            if (svg.isEmpty())
                continue;
            out += QStringLiteral("<figure class=\"chart\" role=\"img\" aria-label=\"%1\">\n")
                       .arg(escapeHtml(chart.title));
            out += svg;
            if (!chart.title.isEmpty())
                out += QStringLiteral("<figcaption>") + escapeHtml(chart.title) + QStringLiteral("</figcaption>");
            out += QStringLiteral("</figure>\n");
        }
        for (const auto &table : section.tables)
            out += htmlTable(table);
        if (section.tables.isEmpty() && section.charts.isEmpty())
            out += QStringLiteral("<p class=\"empty\">No data.</p>\n");
        out += QStringLiteral("</section>\n");
    }
    out += QStringLiteral("<footer>KernelLens " KERNELLENS_VERSION
                          ". This page is self-contained: it loads nothing from anywhere.</footer>\n"
                          "</body>\n</html>\n");
    return out;
}

Status writeFile(const QString &path, const QByteArray &bytes)
{
    const QFileInfo info(path);
    if (!info.absoluteDir().exists() && !QDir().mkpath(info.absolutePath()))
        return Status::error(QStringLiteral("%1: cannot create the directory").arg(info.absolutePath()));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Status::error(QStringLiteral("%1: %2").arg(path, file.errorString()));
    if (file.write(bytes) != bytes.size() || !file.commit())
        return Status::error(QStringLiteral("%1: %2").arg(path, file.errorString()));
    return Status::ok();
}

Result<QStringList> writeCsvDirectory(const Report &report, const QString &directory)
{
    QDir dir(directory);
    if (!dir.exists() && !QDir().mkpath(directory))
        return Status::error(QStringLiteral("%1: cannot create the directory").arg(directory));
    QStringList written;
    QSet<QString> used;
    auto fileFor = [&](const QString &id) {
        QString base;
        for (QChar c : id)
            base += (c.isLetterOrNumber() && c.unicode() < 0x80) || c == QLatin1Char('-') || c == QLatin1Char('.')
                        ? c : QLatin1Char('_');
        while (base.startsWith(QLatin1Char('.')))
            base.remove(0, 1);
        if (base.isEmpty())
            base = QStringLiteral("table");
        QString name = base;
        for (int n = 2; used.contains(name); ++n)
            name = base + QLatin1Char('-') + QString::number(n);
        used.insert(name);
        return dir.filePath(name + QStringLiteral(".csv"));
    };

    Table inputs;
    inputs.id = QStringLiteral("inputs");
    inputs.columns = {{QStringLiteral("kind"), QStringLiteral("Kind")},
                      {QStringLiteral("location"), QStringLiteral("Location")},
                      {QStringLiteral("label"), QStringLiteral("Label")},
                      {QStringLiteral("watermark"), QStringLiteral("Watermark")}};
    for (const auto &in : report.inputs)
        inputs.rows << QVariantList{in.kind, in.location, in.label, in.watermark};
    QList<const Table *> tables{&inputs};
    for (const auto &section : report.sections)
        for (const auto &table : section.tables)
            tables << &table;
    for (const Table *table : tables) {
        const QString path = fileFor(table->id);
        KL_TRY(writeFile(path, toCsv(*table).toUtf8()));
        written << path;
    }
    return written;
}

} // namespace kl::report
