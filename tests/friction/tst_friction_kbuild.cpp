// End to end on the real linux-kbuild archive (the mail part's kbuild_store fixture): score
// every message and rank threads through the CLI, on a copy so the fixture stays read-only.

#include <kernellens/index/database.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestFrictionKbuild : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void ranksTopThreadsWithEvidence();
    void trendCoversTheArchive();

private:
    QTemporaryDir m_dir;
    QString m_store;
};

void TestFrictionKbuild::initTestCase()
{
    const QString fixture = QStringLiteral(KERNELLENS_TEST_BINARY_DIR) + QStringLiteral("/fixtures/kbuild-store");
    if (!QFile::exists(fixture + QStringLiteral("/kernellens.sqlite")))
        QSKIP("the kbuild_store fixture did not produce a store");
    m_store = m_dir.filePath(QStringLiteral("store"));
    QVERIFY(QDir().mkpath(m_store));
    for (const char *name : {"kernellens.sqlite", "kernellens.sqlite-wal", "kernellens.sqlite-shm"}) {
        const QString from = fixture + QLatin1Char('/') + QLatin1String(name);
        if (QFile::exists(from))
            QVERIFY(QFile::copy(from, m_store + QLatin1Char('/') + QLatin1String(name)));
    }
    // Score from scratch, whatever the fixture already holds.
    auto db = kl::Database::open(m_store + QStringLiteral("/kernellens.sqlite"), kl::Database::Mode::ReadWrite);
    QVERIFY2(db, qPrintable(db.errorMessage()));
    auto hasTable = db->scalar(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'friction_messages'"));
    QVERIFY(hasTable);
    if (hasTable->toInt() > 0)
        QVERIFY(db->exec(QStringLiteral("DELETE FROM friction_messages")));
}

void TestFrictionKbuild::ranksTopThreadsWithEvidence()
{
    QProcess cli;
    QElapsedTimer timer;
    timer.start();
    cli.start(QStringLiteral(KERNELLENS_CLI), {QStringLiteral("--db"), m_store, QStringLiteral("--json"), QStringLiteral("--quiet"),
                                               QStringLiteral("friction"), QStringLiteral("--top"), QStringLiteral("20")});
    QVERIFY(cli.waitForFinished(240000));
    const qint64 ms = timer.elapsed();
    QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
    const QJsonArray threads = QJsonDocument::fromJson(cli.readAllStandardOutput()).array();
    QCOMPARE(threads.size(), 20);
    double previous = 1e9;
    for (const QJsonValue &v : threads) {
        const QJsonObject t = v.toObject();
        QVERIFY(t.value(QStringLiteral("score")).toDouble() <= previous);
        previous = t.value(QStringLiteral("score")).toDouble();
        QVERIFY(!t.value(QStringLiteral("participants")).toArray().isEmpty());
        QVERIFY(!t.value(QStringLiteral("first_date")).toString().isEmpty());
    }
    const QJsonObject top = threads.first().toObject();
    QVERIFY(top.value(QStringLiteral("friction")).toBool());
    QVERIFY(!top.value(QStringLiteral("evidence")).toArray().isEmpty());
    qInfo("kbuild: scored and ranked in %lld ms", ms);

    // Everything is scored now: a second run only ranks.
    timer.restart();
    QProcess again;
    again.start(QStringLiteral(KERNELLENS_CLI), {QStringLiteral("--db"), m_store, QStringLiteral("--json"), QStringLiteral("--quiet"),
                                                 QStringLiteral("friction"), QStringLiteral("--top"), QStringLiteral("20")});
    QVERIFY(again.waitForFinished(120000));
    QCOMPARE(again.exitCode(), 0);
    QCOMPARE(QJsonDocument::fromJson(again.readAllStandardOutput()).array(), threads);
    qInfo("kbuild: ranked again in %lld ms", timer.elapsed());
}

void TestFrictionKbuild::trendCoversTheArchive()
{
    QProcess cli;
    cli.start(QStringLiteral(KERNELLENS_CLI), {QStringLiteral("--db"), m_store, QStringLiteral("--csv"), QStringLiteral("--quiet"),
                                               QStringLiteral("friction"), QStringLiteral("trend")});
    QVERIFY(cli.waitForFinished(120000));
    QCOMPARE(cli.exitCode(), 0);
    const QList<QByteArray> lines = cli.readAllStandardOutput().trimmed().split('\n');
    QVERIFY(lines.first().startsWith("month,threads,friction_threads"));
    QVERIFY2(lines.size() > 60, "the archive spans 2019-07 .. 2026");
    QVERIFY(lines.at(1).startsWith("2019-"));
}

QTEST_GUILESS_MAIN(TestFrictionKbuild)
#include "tst_friction_kbuild.moc"
