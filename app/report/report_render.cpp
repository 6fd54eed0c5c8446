#include "report_render.h"

#include <QAbstractTextDocumentLayout>
#include <QChart>
#include <QFileInfo>
#include <QDir>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextFrame>
#include <QTextTable>

#include <memory>

namespace kl::report {

QString toHtmlWithCharts(const Report &report, const charts::Theme &theme)
{
    return toHtml(report, [&theme](const Chart &chart) {
        return charts::renderSvg(chart, QSize(kReportChartWidth, kReportChartHeight), theme);
    });
}

namespace {

// QTextDocument understands a subset of HTML 4 and CSS 2; this sheet stays inside it.
const char kPdfCss[] =
    "h1 { font-size: 20pt; font-weight: bold; margin-bottom: 2px; }"
    "h2 { font-size: 14pt; font-weight: bold; margin-top: 0px; margin-bottom: 4px; }"
    ".meta { color: #59636e; font-size: 8pt; }"
    ".method { color: #1f2328; background-color: #f3f5f8; font-size: 8.5pt; }"
    ".note { color: #59636e; font-size: 7.5pt; }"
    ".caption { font-weight: bold; font-size: 9pt; }"
    "table { border-collapse: collapse; font-size: 7.5pt; }"
    "th { background-color: #eef1f4; font-weight: bold; text-align: left; }"
    "td { border-bottom: 1px solid #d1d9e0; }";

QString pdfTableHtml(const Table &table, int from, int to, bool continued)
{
    QString out;
    if (!table.title.isEmpty())
        out += QStringLiteral("<p class=\"caption\">") + escapeHtml(table.title)
               + (continued ? QStringLiteral(" (continued)") : QString()) + QStringLiteral("</p>");
    out += QStringLiteral("<table width=\"100%\" cellspacing=\"0\" cellpadding=\"3\"><tr>");
    for (const auto &c : table.columns)
        out += QStringLiteral("<th%1>%2</th>")
                   .arg(isNumericColumn(c.kind) ? QStringLiteral(" align=\"right\"") : QString(),
                        escapeHtml(c.title.isEmpty() ? c.key : c.title));
    out += QStringLiteral("</tr>");
    for (int r = from; r < to; ++r) {
        const auto &row = table.rows[r];
        out += QStringLiteral("<tr>");
        for (int i = 0; i < table.columns.size(); ++i) {
            const auto kind = table.columns[i].kind;
            out += QStringLiteral("<td%1>%2</td>")
                       .arg(isNumericColumn(kind) ? QStringLiteral(" align=\"right\"") : QString(),
                            escapeHtml(formatCell(i < row.size() ? row[i] : QVariant(), kind)));
        }
        out += QStringLiteral("</tr>");
    }
    out += QStringLiteral("</table>");
    if (to >= table.rows.size()) {
        if (table.rows.isEmpty())
            out += QStringLiteral("<p class=\"note\"><i>No rows.</i></p>");
        if (!table.note.isEmpty())
            out += QStringLiteral("<p class=\"note\">") + escapeHtml(table.note) + QStringLiteral("</p>");
    }
    return out;
}

class PdfLayout
{
public:
    PdfLayout(QPdfWriter &writer, QPainter &painter, const QString &footer, const charts::Theme &theme)
        : m_writer(writer), m_painter(painter), m_footer(footer), m_theme(theme)
    {
        // Lay out in 96-dpi "CSS pixels" so text and charts keep screen proportions.
        m_scale = writer.resolution() / 96.0;
        m_painter.scale(m_scale, m_scale);
        m_width = writer.width() / m_scale;
        m_bodyHeight = writer.height() / m_scale - kFooterHeight;
        m_font = QFont(QStringLiteral("DejaVu Sans"), 9);
    }

    void finish() { drawFooter(); }

    std::unique_ptr<QTextDocument> document(const QString &html) const
    {
        auto doc = std::make_unique<QTextDocument>();
        doc->setDefaultFont(m_font);
        doc->setDefaultStyleSheet(QString::fromLatin1(kPdfCss));
        doc->setDocumentMargin(0);
        doc->setHtml(html);
        doc->setTextWidth(m_width);
        return doc;
    }

    // keepWithNext: space that must remain below the block (a heading is not left alone).
    void html(const QString &html, double keepWithNext = 0)
    {
        auto doc = document(html);
        const double height = doc->size().height();
        ensureSpace(height + keepWithNext);
        draw(*doc, height);
    }

    void table(const Table &table)
    {
        int from = 0;
        bool continued = false;
        while (true) {
            auto doc = document(pdfTableHtml(table, from, int(table.rows.size()), continued));
            const double available = m_bodyHeight - m_y;
            if (doc->size().height() <= available || (m_y == 0 && table.rows.size() - from <= 1)) {
                draw(*doc, doc->size().height());
                return;
            }
            const int fit = rowsThatFit(*doc, available);
            if (fit <= 0 && m_y > 0) {
                newPage();
                continue;
            }
            const int to = from + std::max(1, fit);
            auto part = document(pdfTableHtml(table, from, to, continued));
            draw(*part, part->size().height());
            newPage();
            from = to;
            continued = true;
        }
    }

    void chart(const Chart &spec)
    {
        const double height = m_width * kReportChartHeight / kReportChartWidth;
        ensureSpace(height);
        std::unique_ptr<QChart> chart(charts::createChart(spec, m_theme));
        chart->resize(QSizeF(kReportChartWidth, kReportChartHeight));
        charts::renderTo(m_painter, QRectF(0, m_y, m_width, height), chart.get());
        m_y += height + kGap;
    }

private:
    static constexpr double kFooterHeight = 24;
    static constexpr double kGap = 8;

    void ensureSpace(double height)
    {
        if (m_y > 0 && m_y + height > m_bodyHeight)
            newPage();
    }

    void newPage()
    {
        drawFooter();
        m_writer.newPage();
        ++m_page;
        m_y = 0;
    }

    void drawFooter()
    {
        m_painter.save();
        QFont f = m_font;
        f.setPointSizeF(7);
        m_painter.setFont(f);
        m_painter.setPen(QColor(0x59, 0x63, 0x6e));
        const QRectF band(0, m_bodyHeight + 6, m_width, kFooterHeight - 6);
        m_painter.drawText(band, Qt::AlignLeft | Qt::AlignVCenter, m_footer);
        m_painter.drawText(band, Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("page %1").arg(m_page));
        m_painter.restore();
    }

    void draw(QTextDocument &doc, double height)
    {
        m_painter.save();
        m_painter.translate(0, m_y);
        doc.drawContents(&m_painter, QRectF(0, 0, m_width, std::min(height, m_bodyHeight - m_y)));
        m_painter.restore();
        m_y += height + kGap;
    }

    // How many data rows of the (only) table in `doc` end above `available`.
    static int rowsThatFit(QTextDocument &doc, double available)
    {
        QTextTable *table = nullptr;
        for (QTextFrame *frame : doc.rootFrame()->childFrames())
            if ((table = qobject_cast<QTextTable *>(frame)))
                break;
        if (!table)
            return 0;
        auto *layout = doc.documentLayout();
        int fit = 0;
        for (int r = 1; r < table->rows(); ++r) {
            const double bottom = r + 1 < table->rows()
                                      ? layout->blockBoundingRect(table->cellAt(r + 1, 0).firstCursorPosition().block()).top()
                                      : layout->frameBoundingRect(table).bottom();
            if (bottom + 6 > available)
                break;
            fit = r;
        }
        return fit;
    }

    QPdfWriter &m_writer;
    QPainter &m_painter;
    QString m_footer;
    charts::Theme m_theme;
    QFont m_font;
    double m_scale = 1;
    double m_width = 0;
    double m_bodyHeight = 0;
    double m_y = 0;
    int m_page = 1;
};

} // namespace

Status writePdf(const Report &report, const QString &path, const charts::Theme &theme)
{
    const QFileInfo info(path);
    if (!info.absoluteDir().exists() && !QDir().mkpath(info.absolutePath()))
        return Status::error(QStringLiteral("%1: cannot create the directory").arg(info.absolutePath()));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Status::error(QStringLiteral("%1: %2").arg(path, file.errorString()));
    const QString title = report.title.isEmpty() ? QStringLiteral("KernelLens report") : report.title;
    const QString generated = (report.generated.isValid() ? report.generated : QDateTime::currentDateTimeUtc())
                                  .toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
    {
        QPdfWriter writer(&file);
        writer.setTitle(stripControl(title));
        writer.setCreator(QStringLiteral("KernelLens " KERNELLENS_VERSION));
        writer.setResolution(300);
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait,
                                         QMarginsF(15, 15, 15, 12), QPageLayout::Millimeter));
        QPainter painter;
        if (!painter.begin(&writer))
            return Status::error(QStringLiteral("%1: cannot start the PDF writer").arg(path));
        PdfLayout pdf(writer, painter, stripControl(title) + QStringLiteral(" · KernelLens " KERNELLENS_VERSION), theme);

        pdf.html(QStringLiteral("<h1>%1</h1><p class=\"meta\">Generated %2 by KernelLens " KERNELLENS_VERSION ".</p>")
                     .arg(escapeHtml(title), escapeHtml(generated)));
        Table inputs;
        inputs.id = QStringLiteral("inputs");
        inputs.title = QStringLiteral("Inputs");
        inputs.columns = {{QStringLiteral("kind"), QStringLiteral("Kind")},
                          {QStringLiteral("location"), QStringLiteral("Location")},
                          {QStringLiteral("label"), QStringLiteral("Label")},
                          {QStringLiteral("watermark"), QStringLiteral("Ingested up to (watermark)")}};
        for (const auto &in : report.inputs)
            inputs.rows << QVariantList{in.kind, in.location, in.label, in.watermark};
        if (inputs.rows.isEmpty())
            inputs.note = QStringLiteral("No sources ingested.");
        pdf.table(inputs);

        for (const auto &section : report.sections) {
            QString head = QStringLiteral("<h2>%1</h2>").arg(escapeHtml(section.title.isEmpty() ? section.id : section.title));
            if (!section.method.isEmpty())
                head += QStringLiteral("<p class=\"method\"><b>Method.</b> ") + escapeHtml(section.method)
                        + QStringLiteral("</p>");
            if (section.tables.isEmpty() && section.charts.isEmpty())
                head += QStringLiteral("<p class=\"note\"><i>No data.</i></p>");
            pdf.html(head, 120);
            for (const auto &chart : section.charts)
                pdf.chart(chart);
            for (const auto &table : section.tables)
                pdf.table(table);
        }
        pdf.finish();
        if (!painter.end())
            return Status::error(QStringLiteral("%1: the PDF writer failed").arg(path));
    }
    if (!file.commit())
        return Status::error(QStringLiteral("%1: %2").arg(path, file.errorString()));
    return Status::ok();
}

Result<QStringList> writeReport(const Report &report, Format format, const QString &path)
{
    switch (format) {
    case Format::Html:
        KL_TRY(writeFile(path, toHtmlWithCharts(report).toUtf8()));
        return QStringList{path};
    case Format::Pdf:
        KL_TRY(writePdf(report, path));
        return QStringList{path};
    case Format::Markdown:
        KL_TRY(writeFile(path, toMarkdown(report).toUtf8()));
        return QStringList{path};
    case Format::Json:
        KL_TRY(writeFile(path, toJsonBytes(report)));
        return QStringList{path};
    case Format::Csv:
        return writeCsvDirectory(report, path);
    }
    return Status::error(QStringLiteral("unknown report format"));
}

} // namespace kl::report
