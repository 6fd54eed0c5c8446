// kernellens-cli search and thread, run as a user runs them, over a small store and index.

#include "mail_fixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace kl;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run runCli(const QString &store, const QStringList &args)
{
    QProcess process;
    process.start(QStringLiteral(KERNELLENS_CLI), QStringList{QStringLiteral("--db"), store} + args);
    Run run;
    if (!process.waitForFinished(30000))
        return run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

} // namespace

class TestSearchCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void searchText();
    void searchJson();
    void searchOptions();
    void searchErrors();
    void threadText();
    void threadJson();
    void threadCsv();
    void threadUnknown();
    void threadDeepChainIsNotIndentedWithoutEnd();

private:
    testing::Fixture m_fixture;
    QString m_store;
};

void TestSearchCli::initTestCase()
{
    QVERIFY(m_fixture.dir.isValid());
    Status s = m_fixture.build();
    QVERIFY2(s, qPrintable(s.message()));
    s = m_fixture.buildSearchIndex();
    QVERIFY2(s, qPrintable(s.message()));
    m_store = m_fixture.dir.path();
}

void TestSearchCli::searchText()
{
    const Run run = runCli(m_store, {QStringLiteral("search"), QStringLiteral("s:tags AND f:ojeda")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains(QStringLiteral("[PATCH] kbuild: rust: tags")), qPrintable(run.out));
    QVERIFY(run.out.contains(QStringLiteral("r3@x")));
    QVERIFY(run.out.contains(QStringLiteral("2024-01-04 10:00")));
    QVERIFY(!run.out.contains(QStringLiteral("r1@x"))); // from Masahiro
    QVERIFY2(run.out.contains(QStringLiteral("1-2 of about 2 matches")), qPrintable(run.out));
    // newest first by default
    QVERIFY(run.out.indexOf(QStringLiteral("r3@x")) < run.out.indexOf(QStringLiteral("p1@x")));
}

void TestSearchCli::searchJson()
{
    const Run run = runCli(m_store, {QStringLiteral("search"), QStringLiteral("dfn:rust/Makefile"), QStringLiteral("--json")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const QJsonObject json = QJsonDocument::fromJson(run.out.toUtf8()).object();
    QCOMPARE(json.value(QStringLiteral("total_estimate")).toInt(), 1);
    const QJsonArray hits = json.value(QStringLiteral("hits")).toArray();
    QCOMPARE(hits.size(), 1);
    const QJsonObject hit = hits.first().toObject();
    QCOMPARE(hit.value(QStringLiteral("message_id")).toString(), QStringLiteral("p1@x"));
    QCOMPARE(hit.value(QStringLiteral("id")).toInteger(), m_fixture.p1);
    QCOMPARE(hit.value(QStringLiteral("list")).toString(), QStringLiteral("linux-kbuild"));
    QCOMPARE(hit.value(QStringLiteral("date")).toString(), QStringLiteral("2024-01-01T10:00:00Z"));
    QCOMPARE(hit.value(QStringLiteral("kind")).toString(), QStringLiteral("message"));
}

void TestSearchCli::searchOptions()
{
    const Run oldest = runCli(m_store, {QStringLiteral("--json"), QStringLiteral("search"), QStringLiteral("--sort"),
                                        QStringLiteral("oldest"), QStringLiteral("--limit"), QStringLiteral("2"),
                                        QStringLiteral("--offset"), QStringLiteral("1"), QStringLiteral("f:ojeda")});
    QVERIFY2(oldest.exitCode == 0, qPrintable(oldest.err));
    const QJsonArray hits = QJsonDocument::fromJson(oldest.out.toUtf8()).object().value(QStringLiteral("hits")).toArray();
    QCOMPARE(hits.size(), 2);
    // Miguel's messages oldest first: p1, r3, lone, new; offset 1 limit 2 gives r3, lone.
    QCOMPARE(hits[0].toObject().value(QStringLiteral("message_id")).toString(), QStringLiteral("r3@x"));
    QCOMPARE(hits[1].toObject().value(QStringLiteral("message_id")).toString(), QStringLiteral("lone@x"));

    // Several words are one query.
    const Run words = runCli(m_store, {QStringLiteral("search"), QStringLiteral("f:kees"), QStringLiteral("s:tags")});
    QVERIFY2(words.exitCode == 0, qPrintable(words.err));
    QVERIFY(words.out.contains(QStringLiteral("r2@x")));
    QVERIFY(!words.out.contains(QStringLiteral("p1@x")));
}

void TestSearchCli::searchErrors()
{
    const Run badDate = runCli(m_store, {QStringLiteral("search"), QStringLiteral("d:2024-13-01..")});
    QCOMPARE(badDate.exitCode, 1);
    QVERIFY2(badDate.err.contains(QStringLiteral("invalid query")), qPrintable(badDate.err));
    QVERIFY2(badDate.err.contains(QStringLiteral("2024-13-01")), qPrintable(badDate.err));

    QCOMPARE(runCli(m_store, {QStringLiteral("search"), QStringLiteral("--sort"), QStringLiteral("bogus"),
                              QStringLiteral("x")}).exitCode, 2);
    QCOMPARE(runCli(m_store, {QStringLiteral("search"), QStringLiteral("--limit"), QStringLiteral("x"),
                              QStringLiteral("x")}).exitCode, 2);
    QCOMPARE(runCli(m_store, {QStringLiteral("search")}).exitCode, 2);

    QTemporaryDir empty;
    const Run noStore = runCli(empty.path() + QStringLiteral("/none"), {QStringLiteral("search"), QStringLiteral("x")});
    QCOMPARE(noStore.exitCode, 1);
    QVERIFY2(noStore.err.contains(QStringLiteral("no KernelLens store")), qPrintable(noStore.err));
}

void TestSearchCli::threadText()
{
    const Run run = runCli(m_store, {QStringLiteral("thread"), QStringLiteral("<r2@x>")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const QStringList lines = run.out.split(QLatin1Char('\n'));
    QVERIFY2(run.out.contains(QStringLiteral("4 messages, 1 missing, 3 participants")), qPrintable(run.out));
    QVERIFY2(run.out.contains(QStringLiteral("[not in the archive] <ghost@x>")), qPrintable(run.out));
    // the tree: r3 under r1, r2 under the ghost, which is the last child of the root
    QVERIFY2(run.out.contains(QStringLiteral("├─ Re: [PATCH] kbuild: rust: tags")), qPrintable(run.out));
    QVERIFY2(run.out.contains(QStringLiteral("│  └─ Re: [PATCH]")), qPrintable(run.out));
    QVERIFY2(run.out.contains(QStringLiteral("└─ [not in the archive]")), qPrintable(run.out));
    QVERIFY2(run.out.contains(QStringLiteral("   └─ Re: [PATCH]")), qPrintable(run.out));
    QVERIFY(run.out.contains(QStringLiteral("Masahiro Yamada")));
    QVERIFY(run.out.contains(QStringLiteral("2024-01-03 10:00")));
    // the message asked for is marked
    bool marked = false;
    for (const QString &line : lines)
        if (line.startsWith(QStringLiteral("* ")) && line.contains(QStringLiteral("kees@kernel.org")))
            marked = true;
    QVERIFY2(marked, qPrintable(run.out));

    const Run ids = runCli(m_store, {QStringLiteral("thread"), QStringLiteral("--ids"), QStringLiteral("p1@x")});
    QVERIFY2(ids.exitCode == 0, qPrintable(ids.err));
    QVERIFY(ids.out.contains(QStringLiteral("<r3@x>")));
}

void TestSearchCli::threadJson()
{
    const Run run = runCli(m_store, {QStringLiteral("thread"), QStringLiteral("r2@x"), QStringLiteral("--json")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const QJsonObject json = QJsonDocument::fromJson(run.out.toUtf8()).object();
    QCOMPARE(json.value(QStringLiteral("message_count")).toInt(), 4);
    QCOMPARE(json.value(QStringLiteral("focus_message_id")).toString(), QStringLiteral("r2@x"));
    const QJsonArray tree = json.value(QStringLiteral("tree")).toArray();
    QCOMPARE(tree.size(), 1);
    const QJsonObject root = tree.first().toObject();
    QCOMPARE(root.value(QStringLiteral("message_id")).toString(), QStringLiteral("p1@x"));
    QCOMPARE(root.value(QStringLiteral("from")).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("Miguel Ojeda"));
    const QJsonArray children = root.value(QStringLiteral("children")).toArray();
    QCOMPARE(children.size(), 2);
    const QJsonObject ghost = children[1].toObject();
    QVERIFY(ghost.value(QStringLiteral("ghost")).toBool());
    QVERIFY(!ghost.contains(QStringLiteral("subject")));
    const QJsonObject kees = ghost.value(QStringLiteral("children")).toArray().first().toObject();
    QCOMPARE(kees.value(QStringLiteral("message_id")).toString(), QStringLiteral("r2@x"));
    QCOMPARE(kees.value(QStringLiteral("depth")).toInt(), 2);
    QVERIFY(kees.value(QStringLiteral("focus")).toBool());
    QCOMPARE(kees.value(QStringLiteral("date")).toString(), QStringLiteral("2024-01-03T10:00:00Z"));
}

void TestSearchCli::threadCsv()
{
    const Run run = runCli(m_store, {QStringLiteral("--csv"), QStringLiteral("thread"), QStringLiteral("p1@x")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const QStringList lines = run.out.trimmed().split(QRegularExpression(QStringLiteral("\r?\n")));
    QCOMPARE(lines.size(), 6); // header + 5 nodes
    QVERIFY(lines.first().startsWith(QStringLiteral("depth,")));
}

void TestSearchCli::threadDeepChainIsNotIndentedWithoutEnd()
{
    // A reply chain 5,000 messages deep, through the real ingest.
    QTemporaryDir dir;
    QFile mbox(dir.filePath(QStringLiteral("deep.mbox")));
    QVERIFY(mbox.open(QIODevice::WriteOnly));
    for (int i = 0; i < 5000; ++i) {
        QByteArray m = "From x@y Mon Jan  1 00:00:00 2024\nFrom: Tester <t@example.org>\nSubject: Re: deep\n"
                       "Date: Mon, 01 Jan 2024 10:00:00 +0000\nMessage-ID: <d" + QByteArray::number(i) + "@x>\n";
        if (i > 0)
            m += "In-Reply-To: <d" + QByteArray::number(i - 1) + "@x>\n";
        mbox.write(m + "\nmessage\n\n");
    }
    mbox.close();
    const QString store = dir.filePath(QStringLiteral("store"));
    const Run ingest = runCli(store, {QStringLiteral("-q"), QStringLiteral("ingest"), QStringLiteral("mail"),
                                      QStringLiteral("--list"), QStringLiteral("deep"), mbox.fileName()});
    QVERIFY2(ingest.exitCode == 0, qPrintable(ingest.err));

    const Run run = runCli(store, {QStringLiteral("thread"), QStringLiteral("d0@x")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.size() < 1000000, qPrintable(QString::number(run.out.size())));
    QVERIFY(run.out.contains(QStringLiteral("this thread goes 4999 levels deep")));
    const QStringList lines = run.out.split(QLatin1Char('\n'));
    qsizetype longest = 0;
    for (const QString &line : lines)
        longest = std::max(longest, line.size());
    QVERIFY2(longest < 200, qPrintable(QString::number(longest)));
    // Indented up to 16 levels, then numbered.
    QVERIFY(run.out.contains(QString(45, QLatin1Char(' ')) + QStringLiteral("└─ Re: deep\n")));
    QVERIFY(!run.out.contains(QStringLiteral("[depth 16]")));
    QVERIFY(run.out.contains(QStringLiteral("└─ [depth 17] Re: deep\n")));
    QVERIFY(run.out.contains(QStringLiteral("└─ [depth 4999] Re: deep\n")));
}

void TestSearchCli::threadUnknown()
{
    const Run run = runCli(m_store, {QStringLiteral("thread"), QStringLiteral("<nope@example.org>")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(QStringLiteral("nope@example.org")), qPrintable(run.err));
    QVERIFY2(run.err.contains(QStringLiteral("no message")), qPrintable(run.err));
    QCOMPARE(runCli(m_store, {QStringLiteral("thread")}).exitCode, 2);
}

QTEST_GUILESS_MAIN(TestSearchCli)
#include "tst_search_cli.moc"
