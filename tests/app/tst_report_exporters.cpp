// Every export format on a hand-made report: self-contained HTML with inline SVG charts, PDF,
// Markdown, JSON, CSV; and the escaping of text that comes from mail or git.

#include "report_fixture.h"

#include <report/report_render.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace kl;

class TestReportExporters : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void htmlIsSelfContained();
    void htmlEscapesEverything();
    void markdownTablesAndEscaping();
    void markdownEscape_data();
    void markdownEscape();
    void htmlEscape();
    void jsonSchema();
    void csvOneFilePerTable();
    void pdfIsPaginatedVectorPdf();
    void writeReportEveryFormat();
    void formatNames();
};

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

void TestReportExporters::htmlIsSelfContained()
{
    const auto report = testing::sampleReport();
    const QString html = report::toHtmlWithCharts(report);
    QVERIFY(html.startsWith(QLatin1String("<!DOCTYPE html>")));
    // One inline SVG per chart, the CSS inline, nothing loaded from anywhere.
    QCOMPARE(html.count(QLatin1String("<svg")), 5);
    QVERIFY(html.contains(QLatin1String("<style>")));
    QVERIFY(!html.contains(QLatin1String("<link"), Qt::CaseInsensitive));
    QVERIFY(!html.contains(QLatin1String("<script"), Qt::CaseInsensitive));
    QVERIFY(!html.contains(QLatin1String("<img"), Qt::CaseInsensitive));
    QVERIFY(!html.contains(QLatin1String("@import"), Qt::CaseInsensitive));
    QVERIFY(!html.contains(QLatin1String("url("), Qt::CaseInsensitive));
    static const QRegularExpression remote(QStringLiteral("(src|href)\\s*=\\s*[\"']?\\s*(https?:|//|ftp:|file:|data:)"),
                                           QRegularExpression::CaseInsensitiveOption);
    QVERIFY2(!remote.match(html).hasMatch(), qPrintable(remote.match(html).captured(0)));
    static const QRegularExpression anySrc(QStringLiteral("\\ssrc\\s*="), QRegularExpression::CaseInsensitiveOption);
    QVERIFY(!anySrc.match(html).hasMatch());
    // What a reader needs: method notes, generation time, inputs with watermarks, tables.
    QVERIFY(html.contains(QLatin1String("Physical lines per language")));
    QVERIFY(html.contains(QLatin1String("2026-11-21 18:00:00 UTC")));
    QVERIFY(html.contains(QLatin1String("offset 1234")));
    QVERIFY(html.contains(QLatin1String("20,576")));
    QVERIFY(html.contains(QLatin1String("1.23 %")));
    QVERIFY(html.contains(QLatin1String("No data: ingest")));
    QVERIFY(html.contains(QLatin1String("Content-Security-Policy")));
}

void TestReportExporters::htmlEscapesEverything()
{
    const QString html = report::toHtmlWithCharts(testing::sampleReport());
    QVERIFY(!html.contains(QLatin1String("<script>")));
    QVERIFY(!html.contains(QLatin1String("alert(\"x\")")));
    QVERIFY(!html.contains(QLatin1String("'q'")));
    QVERIFY(html.contains(QLatin1String("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &#39;q&#39; &amp;")));
    QVERIFY(!testing::hasControlCharacters(html));
}

void TestReportExporters::markdownTablesAndEscaping()
{
    const QString md = report::toMarkdown(testing::sampleReport());
    QVERIFY(md.startsWith(QLatin1String("# Sample ")));
    QVERIFY(!md.contains(QLatin1String("<script>")));
    QVERIFY(md.contains(QLatin1String("\\<script\\>")));
    QVERIFY(!testing::hasControlCharacters(md));
    QVERIFY(md.contains(QLatin1String("| Release | Date | Rust lines | Rust share | Ratio |")));
    QVERIFY(md.contains(QLatin1String("| :--- | :--- | ---: | ---: | ---: |")));
    QVERIFY(md.contains(QStringLiteral("| v6.12 | 2024-11-17 | 20,576 | 2.01 % | – |")));
    QVERIFY(md.contains(QLatin1String("*Method.* Physical lines")));
    // Every row of a table has as many unescaped pipes as its header: no cell broke out.
    static const QRegularExpression pipe(QStringLiteral("(?<!\\\\)\\|"));
    int expected = -1;
    for (const QString &line : md.split(QLatin1Char('\n'))) {
        if (!line.startsWith(QLatin1String("| ")) ) {
            expected = -1;
            continue;
        }
        const int pipes = int(line.count(pipe));
        if (expected < 0)
            expected = pipes;
        QCOMPARE(pipes, expected);
    }
}

void TestReportExporters::markdownEscape_data()
{
    QTest::addColumn<QString>("in");
    QTest::addColumn<QString>("out");
    QTest::newRow("pipe") << QStringLiteral("a|b") << QStringLiteral("a\\|b");
    QTest::newRow("emphasis") << QStringLiteral("*x* _y_") << QStringLiteral("\\*x\\* \\_y\\_");
    QTest::newRow("code") << QStringLiteral("`rm`") << QStringLiteral("\\`rm\\`");
    QTest::newRow("html") << QStringLiteral("<b>") << QStringLiteral("\\<b\\>");
    QTest::newRow("link") << QStringLiteral("[a](b)") << QStringLiteral("\\[a\\](b)");
    QTest::newRow("backslash") << QStringLiteral("a\\|") << QStringLiteral("a\\\\\\|");
    QTest::newRow("newline") << QStringLiteral("a\nb\r\n") << QStringLiteral("a b  ");
    QTest::newRow("control") << QStringLiteral("a\x01\x1b\x7f" "b") << QStringLiteral("ab");
    QTest::newRow("bidi") << QStringLiteral("a\u202eb") << QStringLiteral("ab");
    QTest::newRow("unicode") << QStringLiteral("Miguel Ojeda ✓ 🦀") << QStringLiteral("Miguel Ojeda ✓ 🦀");
}

void TestReportExporters::markdownEscape()
{
    QFETCH(QString, in);
    QFETCH(QString, out);
    QCOMPARE(report::escapeMarkdown(in), out);
}

void TestReportExporters::htmlEscape()
{
    QCOMPARE(report::escapeHtml(QStringLiteral("<a href=\"x\">'&'</a>")),
             QStringLiteral("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"));
    QCOMPARE(report::escapeHtml(QStringLiteral("a\x01\x1b[0mb\u202e")), QStringLiteral("a[0mb"));
    QCOMPARE(report::escapeHtml(QStringLiteral("🦀")), QStringLiteral("🦀"));
    QCOMPARE(report::stripControl(QStringLiteral("a\tb\x07")), QStringLiteral("a\tb"));
}

void TestReportExporters::jsonSchema()
{
    const auto report = testing::sampleReport();
    QJsonParseError error;
    const auto doc = QJsonDocument::fromJson(report::toJsonBytes(report), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    const QJsonObject o = doc.object();
    QCOMPARE(o.value(QLatin1String("schema")).toString(), QStringLiteral("kernellens-report"));
    QCOMPARE(o.value(QLatin1String("schema_version")).toInt(), report::Report::schemaVersion);
    QCOMPARE(o.value(QLatin1String("generated")).toString(), QStringLiteral("2026-11-21T18:00:00Z"));
    QCOMPARE(o.value(QLatin1String("inputs")).toArray().size(), 2);
    const auto sections = o.value(QLatin1String("sections")).toArray();
    QCOMPARE(sections.size(), 3);
    const auto table = sections[0].toObject().value(QLatin1String("tables")).toArray()[0].toObject();
    const auto row = table.value(QLatin1String("rows")).toArray()[1].toObject();
    QCOMPARE(row.value(QLatin1String("rust_lines")).toInteger(), 20576);
    QCOMPARE(row.value(QLatin1String("date")).toString(), QStringLiteral("2024-11-17"));
    QVERIFY(row.value(QLatin1String("ratio")).isNull());
    // JSON keeps text exactly (escaping is structural), so consumers see what mail said.
    QCOMPARE(o.value(QLatin1String("title")).toString(), report.title);
    QCOMPARE(sections[0].toObject().value(QLatin1String("charts")).toArray().size(), 5);
}

void TestReportExporters::csvOneFilePerTable()
{
    QTemporaryDir dir;
    auto written = report::writeCsvDirectory(testing::sampleReport(), dir.filePath(QStringLiteral("csv")));
    QVERIFY2(written, qPrintable(written.errorMessage()));
    QCOMPARE(written->size(), 3); // inputs + 2 tables
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("csv/adoption.by-release.csv"))));
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("csv/friction.threads.csv"))));
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("csv/inputs.csv"))));
    const QByteArray csv = readAll(dir.filePath(QStringLiteral("csv/adoption.by-release.csv")));
    QVERIFY(csv.startsWith("release,date,rust_lines,share,ratio\r\n"));
    QVERIFY(csv.contains("v6.12,2024-11-17,20576,0.0201,\r\n"));
    const QByteArray threads = readAll(dir.filePath(QStringLiteral("csv/friction.threads.csv")));
    QCOMPARE(threads.count("\r\n"), 81);
}

void TestReportExporters::pdfIsPaginatedVectorPdf()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("r.pdf"));
    const Status st = report::writePdf(testing::sampleReport(), path);
    QVERIFY2(st, qPrintable(st.message()));
    const QByteArray pdf = readAll(path);
    QVERIFY(pdf.startsWith("%PDF-"));
    QVERIFY(pdf.size() > 20000);
    QVERIFY(pdf.trimmed().endsWith("%%EOF"));
    // 5 charts and an 80-row table do not fit one A4 page.
    static const QRegularExpression page(QStringLiteral("/Type\\s*/Page\\b"));
    const int pages = int(QString::fromLatin1(pdf).count(page));
    QVERIFY2(pages >= 3, qPrintable(QStringLiteral("%1 pages").arg(pages)));
    QVERIFY2(!pdf.contains("/Subtype /Image"), "charts are vectors, not images");
}

void TestReportExporters::writeReportEveryFormat()
{
    QTemporaryDir dir;
    const auto report = testing::sampleReport();
    for (auto format : {report::Format::Html, report::Format::Pdf, report::Format::Markdown, report::Format::Json,
                        report::Format::Csv}) {
        const QString path = dir.filePath(report::defaultFileName(format));
        auto written = report::writeReport(report, format, path);
        QVERIFY2(written, qPrintable(written.errorMessage()));
        QVERIFY(!written->isEmpty());
        for (const QString &file : written.value())
            QVERIFY2(QFileInfo(file).size() > 0, qPrintable(file));
    }
    // A path that cannot be written names itself in the error.
    const QString blocked = dir.filePath(QStringLiteral("blocker"));
    QFile(blocked).open(QIODevice::WriteOnly);
    auto failed = report::writeReport(report, report::Format::Markdown, blocked + QStringLiteral("/r.md"));
    QVERIFY(!failed);
    QVERIFY(failed.errorMessage().contains(QLatin1String("blocker")));
}

void TestReportExporters::formatNames()
{
    QCOMPARE(report::formatFromName(QStringLiteral("HTML")), report::Format::Html);
    QCOMPARE(report::formatFromName(QStringLiteral("markdown")), report::Format::Markdown);
    QCOMPARE(report::formatFromName(QStringLiteral("md")), report::Format::Markdown);
    QVERIFY(!report::formatFromName(QStringLiteral("docx")));
}

QTEST_MAIN(TestReportExporters)
#include "tst_report_exporters.moc"
