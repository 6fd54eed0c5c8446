// `kernellens-cli friction classify`: JSON lines in, JSON lines out, through the real binary.
// A malformed line gives a per-line error and the rest are still classified.

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestFrictionCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void classifyRoundTrip();
    void emptyStoreRanksNothing();
    void badDateIsAUsageError();
    void thresholdOverridesTheModel();
};

void TestFrictionCli::classifyRoundTrip()
{
    QProcess cli;
    cli.start(QStringLiteral(KERNELLENS_CLI), {QStringLiteral("friction"), QStringLiteral("classify")});
    QVERIFY(cli.waitForStarted());
    cli.write(R"({"id": 1, "text": "Thanks, applied to kbuild-next."})" "\n");
    cli.write(R"({"id": "b", "text": "NAK. This is utter crap, you idiot. What the hell?"})" "\n");
    cli.write("{not json at all\n");
    cli.write("\n");
    cli.write(R"({"id": 4, "body": "no text field"})" "\n");
    cli.write(R"({"id": [5], "text": "Kill the process and dump core if the watchdog fires."})" "\n");
    cli.closeWriteChannel();
    QVERIFY(cli.waitForFinished(30000));
    QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
    QCOMPARE(cli.exitCode(), 1); // some lines failed

    const QList<QByteArray> lines = cli.readAllStandardOutput().trimmed().split('\n');
    QCOMPARE(lines.size(), 5);
    auto obj = [&](int i) { return QJsonDocument::fromJson(lines[i]).object(); };

    QCOMPARE(obj(0).value(QStringLiteral("id")).toInt(), 1);
    QCOMPARE(obj(0).value(QStringLiteral("uncivil")).toBool(), false);
    QVERIFY(obj(0).value(QStringLiteral("score")).isDouble());

    QCOMPARE(obj(1).value(QStringLiteral("id")).toString(), QStringLiteral("b"));
    QCOMPARE(obj(1).value(QStringLiteral("uncivil")).toBool(), true);
    QCOMPARE(obj(1).value(QStringLiteral("naks")).toInt(), 1);
    const QJsonArray cats = obj(1).value(QStringLiteral("categories")).toArray();
    QVERIFY(cats.contains(QStringLiteral("rejection")));
    QVERIFY(cats.contains(QStringLiteral("vulgarity")));
    QVERIFY(!obj(1).value(QStringLiteral("evidence")).toArray().isEmpty());
    QVERIFY(obj(1).value(QStringLiteral("evidence")).toArray().first().toObject().contains(QStringLiteral("sentence")));

    QCOMPARE(obj(2).value(QStringLiteral("line")).toInt(), 3);
    QVERIFY(obj(2).value(QStringLiteral("error")).toString().contains(QStringLiteral("offset")));
    QCOMPARE(obj(3).value(QStringLiteral("line")).toInt(), 5);
    QVERIFY(obj(3).value(QStringLiteral("error")).toString().contains(QStringLiteral("text")));

    QCOMPARE(obj(4).value(QStringLiteral("id")).toArray().first().toInt(), 5);
    QCOMPARE(obj(4).value(QStringLiteral("uncivil")).toBool(), false);

    const QString err = QString::fromUtf8(cli.readAllStandardError());
    QVERIFY2(err.contains(QStringLiteral("stdin:3:")) && err.contains(QStringLiteral("stdin:5:")), qPrintable(err));
}

void TestFrictionCli::emptyStoreRanksNothing()
{
    QTemporaryDir dir;
    QProcess cli;
    cli.start(QStringLiteral(KERNELLENS_CLI), {QStringLiteral("--db"), dir.filePath(QStringLiteral("s")), QStringLiteral("--json"),
                                               QStringLiteral("friction"), QStringLiteral("--top"), QStringLiteral("5")});
    QVERIFY(cli.waitForFinished(30000));
    QCOMPARE(cli.exitCode(), 0);
    const QJsonDocument doc = QJsonDocument::fromJson(cli.readAllStandardOutput());
    QVERIFY(doc.isArray());
    QCOMPARE(doc.array().size(), 0);
}

void TestFrictionCli::badDateIsAUsageError()
{
    QTemporaryDir dir;
    QProcess cli;
    cli.start(QStringLiteral(KERNELLENS_CLI), {QStringLiteral("--db"), dir.path(), QStringLiteral("friction"),
                                               QStringLiteral("--since"), QStringLiteral("yesterday")});
    QVERIFY(cli.waitForFinished(30000));
    QCOMPARE(cli.exitCode(), 2);
    QVERIFY(cli.readAllStandardError().contains("yesterday"));
}

// --threshold decides "uncivil" from the score; the score itself does not change.
void TestFrictionCli::thresholdOverridesTheModel()
{
    auto run = [](const QStringList &extra) {
        QProcess cli;
        cli.start(QStringLiteral(KERNELLENS_CLI), QStringList{QStringLiteral("friction"), QStringLiteral("classify")} + extra);
        cli.write(R"({"id": 1, "text": "Thanks, applied to kbuild-next."})" "\n");
        cli.closeWriteChannel();
        cli.waitForFinished(30000);
        return std::pair(cli.exitCode(), QJsonDocument::fromJson(cli.readAllStandardOutput().trimmed()).object());
    };
    const auto [plainCode, plain] = run({});
    QCOMPARE(plainCode, 0);
    QCOMPARE(plain.value(QStringLiteral("uncivil")).toBool(), false);
    const auto [lowCode, low] = run({QStringLiteral("--threshold"), QStringLiteral("0")});
    QCOMPARE(lowCode, 0);
    QCOMPARE(low.value(QStringLiteral("uncivil")).toBool(), true);
    QCOMPARE(low.value(QStringLiteral("score")).toDouble(), plain.value(QStringLiteral("score")).toDouble());
    const auto [badCode, bad] = run({QStringLiteral("--threshold"), QStringLiteral("1.5")});
    QCOMPARE(badCode, 2);
}

QTEST_GUILESS_MAIN(TestFrictionCli)
#include "tst_friction_cli.moc"
