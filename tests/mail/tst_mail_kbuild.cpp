// Acceptance on the real archive (issue 2): the linux-kbuild epoch 0 ingested by the
// kbuild_store fixture, a no-op rerun, and the Rust mbox.

#include <kernellens/index/search_index.h>
#include <kernellens/index/store.h>
#include <kernellens/ingest/mail_ingest.h>

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace kl;

namespace {

const QString kStore = QStringLiteral(KERNELLENS_TEST_BINARY_DIR "/fixtures/kbuild-store");
const QString kInbox = QStringLiteral(KERNELLENS_TEST_BINARY_DIR "/fixtures/kbuild-inbox");

qint64 count(Store &store, const QString &sql)
{
    auto v = store.db().scalar(sql);
    if (!v)
        qFatal("%s: %s", qPrintable(sql), qPrintable(v.errorMessage()));
    return v->toLongLong();
}

QJsonObject cliJson(const QStringList &args, int *exitCode = nullptr)
{
    QProcess p;
    p.start(QStringLiteral(KERNELLENS_CLI), args);
    p.waitForFinished(600000);
    if (exitCode)
        *exitCode = p.exitCode();
    return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
}

} // namespace

class TestMailKbuild : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void epochCounts();
    void rerunAddsNothing();
    void rustMbox();
    void statsCommand();
};

void TestMailKbuild::epochCounts()
{
    auto store = Store::open(kStore, Store::Mode::ReadOnly);
    QVERIFY2(store, qPrintable(store.errorMessage()));
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM messages")), 31699);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(DISTINCT msgid) FROM messages")), 31677);
    QCOMPARE(count(*store, QStringLiteral(
                 "SELECT count(*) FROM (SELECT msgid FROM messages GROUP BY msgid HAVING count(*) > 1)")), 19);
    // Every message is threaded, and every stored message has its body.
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM messages WHERE thread_id IS NULL")), 0);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM message_bodies")), 31699);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM thread_nodes WHERE message_id IS NOT NULL")), 31699);
    // Measured 2026-11: 4,820 threads, 10,438 patches, 4,075 series (994 with a previous version).
    const qint64 threads = count(*store, QStringLiteral("SELECT count(*) FROM threads"));
    QVERIFY2(threads > 4000 && threads < 6000, qPrintable(QString::number(threads)));
    QVERIFY(count(*store, QStringLiteral("SELECT count(*) FROM patches")) > 5000);
    QVERIFY(count(*store, QStringLiteral("SELECT count(*) FROM series")) > 2000);
    QVERIFY(count(*store, QStringLiteral("SELECT count(*) FROM series WHERE previous_series_id IS NOT NULL")) > 100);
    QVERIFY(count(*store, QStringLiteral(
                "SELECT count(*) FROM mail_trailers t JOIN messages m ON m.id = t.message_id "
                "WHERE t.key = 'Reviewed-by' AND m.is_reply = 1 AND t.patch_message_id IS NOT NULL")) > 100);
    QVERIFY(count(*store, QStringLiteral("SELECT count(*) FROM patches WHERE accepted_commit IS NOT NULL")) > 50);
    QVERIFY(count(*store, QStringLiteral("SELECT count(*) FROM patch_files WHERE path = 'rust/Makefile'")) > 10);
    auto search = SearchIndex::open(store->searchIndexPath(), SearchIndex::Mode::ReadOnly);
    QVERIFY2(search, qPrintable(search.errorMessage()));
    QCOMPARE(search->documentCount(), 31699);

    // A message reads back from its epoch blob.
    const qint64 id = count(*store, QStringLiteral("SELECT min(id) FROM messages"));
    auto view = ingest::readMessage(store.value(), id);
    QVERIFY2(view, qPrintable(view.errorMessage()));
    QVERIFY(!view->subject.isEmpty());
    QVERIFY(view->rawLocation.contains(QLatin1String("epoch 0")));
}

void TestMailKbuild::rerunAddsNothing()
{
    QElapsedTimer timer;
    timer.start();
    int code = -1;
    const QJsonObject summary = cliJson({QStringLiteral("--db"), kStore, QStringLiteral("--json"), QStringLiteral("--quiet"),
                                         QStringLiteral("ingest"), QStringLiteral("mail"), QStringLiteral("--list"),
                                         QStringLiteral("linux-kbuild"), kInbox},
                                        &code);
    QCOMPARE(code, 0);
    QCOMPARE(summary.value(QStringLiteral("messages_added")).toInteger(), 0);
    QCOMPARE(summary.value(QStringLiteral("messages_read")).toInteger(), 0);
    qInfo("no-op rerun: %lld ms", timer.elapsed());
    auto store = Store::open(kStore, Store::Mode::ReadOnly);
    QVERIFY(store);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM messages")), 31699);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(DISTINCT msgid) FROM messages")), 31677);
}

void TestMailKbuild::rustMbox()
{
    QTemporaryDir dir;
    int code = -1;
    const QJsonObject summary = cliJson({QStringLiteral("--db"), dir.path(), QStringLiteral("--json"), QStringLiteral("--quiet"),
                                         QStringLiteral("ingest"), QStringLiteral("mail"), QStringLiteral("--list"),
                                         QStringLiteral("linux-kbuild"),
                                         QStringLiteral(KERNELLENS_SHARED_DATA "/linux-kbuild-rust.mbox")},
                                        &code);
    QCOMPARE(code, 0);
    QCOMPARE(summary.value(QStringLiteral("messages_read")).toInteger(), 2672);
    QCOMPARE(summary.value(QStringLiteral("messages_added")).toInteger(), 2672);
    auto store = Store::open(dir.path(), Store::Mode::ReadOnly);
    QVERIFY(store);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM messages")), 2672);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM messages WHERE raw_kind = 'mboxrd'")), 2672);
    const qint64 id = count(*store, QStringLiteral("SELECT max(id) FROM messages"));
    auto view = ingest::readMessage(store.value(), id);
    QVERIFY2(view, qPrintable(view.errorMessage()));
    QVERIFY(view->rawLocation.contains(QLatin1String("linux-kbuild-rust.mbox:")));
}

void TestMailKbuild::statsCommand()
{
    QProcess p;
    p.start(QStringLiteral(KERNELLENS_CLI), {QStringLiteral("--db"), kStore, QStringLiteral("--csv"), QStringLiteral("stats")});
    QVERIFY(p.waitForFinished(120000));
    QCOMPARE(p.exitCode(), 0);
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    QVERIFY2(out.contains(QLatin1String("messages,31699")), qPrintable(out));
    QVERIFY2(out.contains(QLatin1String("distinct Message-IDs,31677")), qPrintable(out));
    QVERIFY2(out.contains(QLatin1String("duplicated Message-IDs,19")), qPrintable(out));
}

QTEST_GUILESS_MAIN(TestMailKbuild)
#include "tst_mail_kbuild.moc"
