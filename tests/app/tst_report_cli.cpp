// kernellens-cli report end to end: every format from a real store, without a display, with
// hostile text from mail and from the store's sources; and the CLI links no Qt Widgets.

#include <kernellens/index/store.h>
#include <kernellens/models/adoption.h>
#include <kernellens/models/coverage.h>
#include <kernellens/models/friction.h>
#include <kernellens/models/onboarding.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace kl;

namespace {

const QString kCli = QStringLiteral(KERNELLENS_CLI);

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

// The CLI runs as on a server: no display, no platform chosen for it.
Run runCli(const QStringList &args, int timeoutMs = 120000)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY", "KERNELLENS_RENDER_MODULE"})
        env.remove(QString::fromLatin1(name));
    p.setProcessEnvironment(env);
    p.start(kCli, args);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QString readText(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

bool hasControlCharacters(const QString &text)
{
    for (QChar c : text) {
        const char16_t u = c.unicode();
        if ((u < 0x20 && u != u'\n' && u != u'\t' && u != u'\r') || u == 0x7F || (u >= 0x80 && u <= 0x9F))
            return true;
    }
    return false;
}

const char kHostileMbox[] =
    "From mallory@example.org Mon Jan  1 00:00:00 2024\n"
    "From: \"<script>alert('from')</script> \\\"Mal\x01lory\\\"\" <mallory@example.org>\n"
    "To: rust-for-linux@vger.kernel.org\n"
    "Subject: [PATCH] rust: <script>alert(\"subject\")</script> \"quoted\" \x07 =?UTF-8?Q?ctl=01=1B[31m?=\n"
    "Message-ID: <hostile-1@example.org>\n"
    "Date: Mon, 1 Jan 2024 00:00:00 +0000\n"
    "\n"
    "NAK. <script>alert('body')</script>\n"
    "\n";

} // namespace

class TestReportCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cliLinksNoWidgets();
    void htmlWithoutDisplay();
    void everyTextFormat();
    void pdf();
    void hostileTextIsEscaped();
    void usageErrors();
    void reportShowsWhatTheGuiShows();

private:
    QTemporaryDir m_dir;
    QString m_store;
    bool m_mailIngested = false;
};

void TestReportCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_dir.setAutoRemove(qEnvironmentVariableIsEmpty("KL_KEEP"));
    qInfo("work dir %s", qPrintable(m_dir.path()));
    m_store = m_dir.filePath(QStringLiteral("store"));
    // Sources whose names come from the user's file system and list labels: hostile too.
    const QString hostileDir = m_dir.filePath(QStringLiteral("\"<script>alert(1)</script>'"));
    QVERIFY(QDir().mkpath(hostileDir));
    const QString mbox = hostileDir + QStringLiteral("/evil.mbox");
    {
        QFile f(mbox);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kHostileMbox);
    }
    // The real ingest when it is available; the store API otherwise.
    const Run ingest = runCli({QStringLiteral("--db"), m_store, QStringLiteral("--quiet"), QStringLiteral("ingest"),
                               QStringLiteral("mail"), QStringLiteral("--list"), QStringLiteral("rust-for-linux"), mbox});
    m_mailIngested = ingest.exitCode == 0;
    if (!m_mailIngested)
        qInfo("mail ingest not available (%s); sources are added through the store API", qPrintable(ingest.err.trimmed()));
    // kernel-mini (two releases) fills adoption, coverage and onboarding.
    const QString bundle = QStringLiteral(KERNELLENS_SHARED_DATA "/kernel-mini.bundle");
    if (QFile::exists(bundle)) {
        const QString repo = m_dir.filePath(QStringLiteral("kernel-mini.git"));
        QProcess git;
        git.start(QStringLiteral("git"), {QStringLiteral("clone"), QStringLiteral("--mirror"), QStringLiteral("--quiet"),
                                          bundle, repo});
        QVERIFY(git.waitForFinished(120000) && git.exitCode() == 0);
        const Run gitIngest = runCli({QStringLiteral("--db"), m_store, QStringLiteral("--quiet"), QStringLiteral("ingest"),
                                      QStringLiteral("git"), repo});
        if (gitIngest.exitCode != 0)
            qInfo("git ingest failed: %s", qPrintable(gitIngest.err.trimmed()));
    }
    auto store = Store::open(m_store, Store::Mode::ReadWrite);
    QVERIFY2(store, qPrintable(store.errorMessage()));
    auto source = store->ensureSource(SourceKind::Mbox, mbox, QStringLiteral("<b onclick=\"x\">list\x07</b>"));
    QVERIFY(source);
    QVERIFY(store->setWatermark(source.value(), QStringLiteral("offset"), QStringLiteral("12\x1b[31m34")));
    QVERIFY(store->identity(QStringLiteral("<script>alert('id')</script> \"Eve\""), QStringLiteral("eve@example.org")));
}

void TestReportCli::cliLinksNoWidgets()
{
    QProcess ldd;
    ldd.start(QStringLiteral("ldd"), {kCli});
    QVERIFY(ldd.waitForFinished(30000));
    const QString libs = QString::fromLocal8Bit(ldd.readAllStandardOutput());
    QVERIFY2(libs.contains(QLatin1String("libQt6Core")), qPrintable(libs));
    QCOMPARE(libs.count(QLatin1String("Widgets")), 0);
    QCOMPARE(libs.count(QLatin1String("Charts")), 0);
}

void TestReportCli::htmlWithoutDisplay()
{
    const QString out = m_dir.filePath(QStringLiteral("r.html"));
    const Run r = runCli({QStringLiteral("--db"), m_store, QStringLiteral("report"), QStringLiteral("--out"), out});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(r.out.trimmed(), out);
    QVERIFY2(r.err.contains(QLatin1String("kernellens-render")), qPrintable(r.err));
    const QString html = readText(out);
    QVERIFY(html.startsWith(QLatin1String("<!DOCTYPE html>")));
    QVERIFY(html.contains(QLatin1String("Inputs")));
    QVERIFY(html.contains(QLatin1String("evil.mbox")));
    QVERIFY(html.contains(QLatin1String("offset 12")));
    static const QRegularExpression remote(QStringLiteral("(src|href)\\s*=\\s*[\"']?\\s*(https?:|//)"),
                                           QRegularExpression::CaseInsensitiveOption);
    QVERIFY(!remote.match(html).hasMatch());
    for (const char *id : {"adoption", "coverage", "friction", "onboarding"})
        QVERIFY2(html.contains(QStringLiteral("id=\"section-%1\"").arg(QLatin1String(id))), id);
}

void TestReportCli::everyTextFormat()
{
    const QString md = m_dir.filePath(QStringLiteral("r.md"));
    Run r = runCli({QStringLiteral("--db"), m_store, QStringLiteral("report"), QStringLiteral("--format"),
                    QStringLiteral("md"), QStringLiteral("--out"), md});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(readText(md).contains(QLatin1String("## Inputs")));

    r = runCli({QStringLiteral("--db"), m_store, QStringLiteral("--quiet"), QStringLiteral("report"),
                QStringLiteral("--format=json"), QStringLiteral("--out"), QStringLiteral("-"),
                QStringLiteral("--since"), QStringLiteral("2024-01"), QStringLiteral("--subsystem"),
                QStringLiteral("RUST")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QJsonParseError error;
    const QJsonObject json = QJsonDocument::fromJson(r.out.toUtf8(), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(json.value(QLatin1String("schema_version")).toInt(), 1);
    QVERIFY(json.value(QLatin1String("title")).toString().contains(QLatin1String("subsystem RUST")));
    QCOMPARE(json.value(QLatin1String("sections")).toArray().size(), 5); // adoption, coverage, friction, onboarding, review
    QVERIFY(!json.value(QLatin1String("inputs")).toArray().isEmpty());

    const QString csv = m_dir.filePath(QStringLiteral("csv"));
    r = runCli({QStringLiteral("--db"), m_store, QStringLiteral("report"), QStringLiteral("--format"),
                QStringLiteral("csv"), QStringLiteral("--out"), csv});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(QFile::exists(csv + QStringLiteral("/inputs.csv")));
}

void TestReportCli::pdf()
{
    const QString out = m_dir.filePath(QStringLiteral("r.pdf"));
    const Run r = runCli({QStringLiteral("--db"), m_store, QStringLiteral("report"), QStringLiteral("--format"),
                          QStringLiteral("pdf"), QStringLiteral("--out"), out});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QFile f(out);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.read(5) == "%PDF-");
    QVERIFY(f.size() > 2000);
}

void TestReportCli::hostileTextIsEscaped()
{
    const QString html = readText(m_dir.filePath(QStringLiteral("r.html")));
    const QString md = readText(m_dir.filePath(QStringLiteral("r.md")));
    QVERIFY(!html.isEmpty() && !md.isEmpty());
    // Markdown keeps the text but backslash-escapes every '<', which renders it literally.
    static const QRegularExpression rawTag(QStringLiteral("(?<!\\\\)<(script|b )\\b"),
                                           QRegularExpression::CaseInsensitiveOption);
    for (const QString *text : {&html, &md}) {
        QVERIFY2(!rawTag.match(*text).hasMatch(), qPrintable(rawTag.match(*text).captured(0)));
        QVERIFY(!hasControlCharacters(*text));
    }
    QVERIFY(!html.contains(QLatin1String("<script"), Qt::CaseInsensitive));
    QVERIFY(!html.contains(QLatin1String("\"<script")));
    QVERIFY(html.contains(QLatin1String("&quot;&lt;script&gt;alert(1)&lt;/script&gt;&#39;")));
    QVERIFY(md.contains(QLatin1String("\\<script\\>alert(1)\\<")));
    // When a section shows the hostile message (friction, onboarding), it is escaped as well.
    if (m_mailIngested) {
        QVERIFY(!html.contains(QLatin1String("alert(\"subject\")")));
        QVERIFY(!html.contains(QLatin1String("alert('from')")));
        if (html.contains(QLatin1String("alert(&#39;from&#39;)")))
            qInfo("the hostile From of the ingested message is in the report, escaped");
    }
}

void TestReportCli::usageErrors()
{
    Run r = runCli({QStringLiteral("--db"), m_store, QStringLiteral("report"), QStringLiteral("--format"),
                    QStringLiteral("docx")});
    QCOMPARE(r.exitCode, 2);
    r = runCli({QStringLiteral("--db"), m_store, QStringLiteral("report"), QStringLiteral("--compare"),
                QStringLiteral("v6.1")});
    QCOMPARE(r.exitCode, 2);
    r = runCli({QStringLiteral("--db"), m_dir.filePath(QStringLiteral("missing")), QStringLiteral("report"),
                QStringLiteral("--format"), QStringLiteral("md"), QStringLiteral("--out"), QStringLiteral("-")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains(QLatin1String("missing")));
    r = runCli({QStringLiteral("report"), QStringLiteral("--help")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains(QLatin1String("--format")));
}

// The GUI's views call the same section builders (app/gui/backends.cpp); the report must carry
// exactly their tables and charts.
void TestReportCli::reportShowsWhatTheGuiShows()
{
    const Run r = runCli({QStringLiteral("--db"), m_store, QStringLiteral("--quiet"), QStringLiteral("report"),
                          QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("--out"), QStringLiteral("-")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QJsonArray sections = QJsonDocument::fromJson(r.out.toUtf8()).object().value(QLatin1String("sections")).toArray();
    QCOMPARE(sections.size(), 5);
    QCOMPARE(sections[4].toObject().value(QLatin1String("id")).toString(), QStringLiteral("review"));
    auto store = Store::open(m_store, Store::Mode::ReadOnly);
    QVERIFY2(store, qPrintable(store.errorMessage()));
    const models::Filter filter;
    using Builder = Result<report::Section> (*)(Store &, const models::Filter &);
    const QList<QPair<QString, Builder>> builders{
        {QStringLiteral("adoption"), &models::adoptionSection},
        {QStringLiteral("coverage"), &models::coverageSection},
        {QStringLiteral("friction"), &models::frictionSection},
        {QStringLiteral("onboarding"), &models::onboardingSection}};
    int compared = 0;
    for (int i = 0; i < builders.size(); ++i) {
        auto section = builders[i].second(store.value(), filter);
        const QJsonObject inReport = sections[i].toObject();
        QCOMPARE(inReport.value(QLatin1String("id")).toString(), builders[i].first);
        if (!section)
            continue; // the report says "Not available" for it
        const QJsonObject gui = report::toJson(section.value());
        QCOMPARE(inReport.value(QLatin1String("tables")), gui.value(QLatin1String("tables")));
        QCOMPARE(inReport.value(QLatin1String("charts")), gui.value(QLatin1String("charts")));
        ++compared;
    }
    qInfo("%d of 4 sections compared table by table", compared);
    QVERIFY(compared >= 1);
    if (QFile::exists(QStringLiteral(KERNELLENS_SHARED_DATA "/kernel-mini.bundle")))
        QCOMPARE(compared, 4);
}

QTEST_GUILESS_MAIN(TestReportCli)
#include "tst_report_cli.moc"
