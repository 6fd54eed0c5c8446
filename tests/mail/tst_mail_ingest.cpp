// The ingest job end to end on small sources: mbox (rd and o), Maildir, a scratch public-inbox
// v2 inbox with a `d` removal, a v1 repository, file:// mirroring, incremental reruns, sniffing,
// reading messages back.

#include "mail/mail_sources.h"

#include <kernellens/index/search_index.h>
#include <kernellens/ingest/derive.h>
#include <kernellens/ingest/mail_ingest.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace kl;

namespace {

QString fixture(const QString &name)
{
    return QStringLiteral(KERNELLENS_FIXTURES "/") + name;
}

qint64 count(Store &store, const QString &sql, const QVariantList &params = {})
{
    auto v = store.db().scalar(sql, params);
    if (!v)
        qFatal("%s: %s", qPrintable(sql), qPrintable(v.errorMessage()));
    return v->toLongLong();
}

bool git(const QString &dir, const QStringList &args, const QByteArray &input = {})
{
    QProcess p;
    p.setWorkingDirectory(dir);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("GIT_AUTHOR_NAME"), QStringLiteral("t"));
    env.insert(QStringLiteral("GIT_AUTHOR_EMAIL"), QStringLiteral("t@example.org"));
    env.insert(QStringLiteral("GIT_COMMITTER_NAME"), QStringLiteral("t"));
    env.insert(QStringLiteral("GIT_COMMITTER_EMAIL"), QStringLiteral("t@example.org"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral("git"), args);
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    p.waitForFinished(60000);
    if (p.exitCode() != 0)
        qWarning("git %s: %s", qPrintable(args.join(QLatin1Char(' '))), p.readAllStandardError().constData());
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

QByteArray message(const char *id, const char *subject, const char *refs = nullptr, const char *body = "text\n")
{
    QByteArray m = "From: Tester <tester@example.org>\nSubject: " + QByteArray(subject)
                   + "\nDate: Mon, 01 Jan 2024 10:00:00 +0000\nMessage-ID: <" + id + ">\n";
    if (refs)
        m += "In-Reply-To: <" + QByteArray(refs) + ">\nReferences: <" + QByteArray(refs) + ">\n";
    return m + "\n" + body;
}

// Commits one public-inbox v2 step: blob `m` (add) or `d` (remove) in an otherwise empty tree.
bool commitMessage(const QString &work, const QByteArray &raw, bool removal)
{
    QFile::remove(work + QStringLiteral("/m"));
    QFile::remove(work + QStringLiteral("/d"));
    QFile f(work + (removal ? QStringLiteral("/d") : QStringLiteral("/m")));
    if (!f.open(QIODevice::WriteOnly))
        return false;
    f.write(raw);
    f.close();
    return git(work, {QStringLiteral("add"), QStringLiteral("-A")})
           && git(work, {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), QStringLiteral("x")});
}

// An ingest as the CLI runs it: the messages, then the derive stage's threads and series.
Result<ingest::MailIngestSummary> run(Store &store, const QString &list, const QStringList &sources)
{
    JobContext ctx;
    auto summary = ingest::ingestMail(store, {list, sources}, ctx);
    if (!summary)
        return summary;
    derive::DeriveOptions derive;
    derive.only = QStringList{QStringLiteral("threads")};
    auto derived = derive::runDerivations(store, derive, ctx);
    if (!derived)
        return derived.status();
    return summary;
}

} // namespace

class TestMailIngest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void mboxrdAndRerun();
    void mboxoUnescapes();
    void mboxAppendedAndRewritten();
    void maildirIncremental();
    void publicInboxV2WithRemoval();
    void publicInboxV1();
    void fileUrlIsMirroredAndFetched();
    void sniffing_data();
    void sniffing();
    void cancelThenResume();
    void truncatedMbox();
    void truncatedMboxCompletedReplacesPartial();
    void maildirSpecialEntries();
    void nulInMessageIdThreads();
    void corruptBlobIsSkippedWithAWarning();
};

void TestMailIngest::mboxrdAndRerun()
{
    QTemporaryDir dir;
    auto store = Store::open(dir.path() + QStringLiteral("/s"), Store::Mode::ReadWrite);
    QVERIFY2(store, qPrintable(store.errorMessage()));
    auto first = run(store.value(), QStringLiteral("test"), {fixture(QStringLiteral("rd.mbox"))});
    QVERIFY2(first, qPrintable(first.errorMessage()));
    QCOMPARE(first->messagesAdded, 3);
    QCOMPARE(first->warningsByKind.value(QStringLiteral("no-message-id")), 1);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM messages")), 3);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM patches WHERE is_cover = 1")), 1);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM series")), 1);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM threads")), 1);
    QCOMPARE(count(*store, QStringLiteral("SELECT max(depth) FROM messages")), 2);
    // Bob's Reviewed-by in his reply counts for the patch he answered.
    QCOMPARE(count(*store, QStringLiteral(
                 "SELECT count(*) FROM mail_trailers t JOIN messages m ON m.id = t.patch_message_id "
                 "WHERE t.key = 'Reviewed-by' AND m.msgid = 'p1@example.org'")), 1);
    QCOMPARE(count(*store, QStringLiteral(
                 "SELECT count(*) FROM patch_files WHERE path = 'rust/foo.rs' AND added = 2")), 1);

    // Read back from the file: mboxrd unescaping undoes one level of quoting.
    const qint64 p1 = count(*store, QStringLiteral("SELECT id FROM messages WHERE msgid = 'p1@example.org'"));
    auto view = ingest::readMessage(store.value(), p1);
    QVERIFY2(view, qPrintable(view.errorMessage()));
    QVERIFY2(view->body.contains(QLatin1String("\nFrom here on it is escaped.")) || view->body.startsWith(QLatin1String("From here")),
             qPrintable(view->body));
    QVERIFY(view->body.contains(QLatin1String("\n>From quoted was quoted once.")));
    QCOMPARE(view->subject, QStringLiteral("[PATCH v2 1/2] rust: add foo helper"));
    QVERIFY(view->rawLocation.contains(QLatin1String("rd.mbox:")));

    // Xapian holds one document per message.
    {
        auto search = SearchIndex::open(store->searchIndexPath(), SearchIndex::Mode::ReadOnly);
        QVERIFY2(search, qPrintable(search.errorMessage()));
        QCOMPARE(search->documentCount(), 3);
    }

    auto second = run(store.value(), QStringLiteral("test"), {fixture(QStringLiteral("rd.mbox"))});
    QVERIFY2(second, qPrintable(second.errorMessage()));
    QCOMPARE(second->messagesAdded, 0);
    QCOMPARE(second->messagesRead, 0);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM messages")), 3);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM parse_warnings")), 1);
}

void TestMailIngest::mboxoUnescapes()
{
    QTemporaryDir dir;
    auto store = Store::open(dir.path(), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto r = run(store.value(), QStringLiteral("o"), {fixture(QStringLiteral("o.mbox"))});
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(r->messagesAdded, 2);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM messages WHERE raw_kind = 'mboxo'")), 2);
    const qint64 id = count(*store, QStringLiteral("SELECT id FROM messages WHERE msgid = 'o1@example.org'"));
    auto view = ingest::readMessage(store.value(), id);
    QVERIFY2(view, qPrintable(view.errorMessage()));
    QCOMPARE(view->body, QStringLiteral("From here on it is escaped.\n"));
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM threads")), 1);
}

void TestMailIngest::mboxAppendedAndRewritten()
{
    QTemporaryDir dir;
    const QString mbox = dir.filePath(QStringLiteral("x.mbox"));
    QFile src(fixture(QStringLiteral("o.mbox")));
    QVERIFY(src.open(QIODevice::ReadOnly));
    const QByteArray all = src.readAll();
    const qsizetype second = all.indexOf("\nFrom bob") + 1;
    {
        QFile f(mbox);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(all.left(second));
    }
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto r1 = run(store.value(), QStringLiteral("x"), {mbox});
    QVERIFY2(r1, qPrintable(r1.errorMessage()));
    QCOMPARE(r1->messagesAdded, 1);
    {
        QFile f(mbox);
        QVERIFY(f.open(QIODevice::Append));
        f.write(all.mid(second));
    }
    auto r2 = run(store.value(), QStringLiteral("x"), {mbox});
    QVERIFY2(r2, qPrintable(r2.errorMessage()));
    QCOMPARE(r2->messagesRead, 1);
    QCOMPARE(r2->messagesAdded, 1);
    QCOMPARE(r2->warnings, 0);
    // Rewriting the start is noticed: re-scan, nothing doubled.
    {
        QFile f(mbox);
        QVERIFY(f.open(QIODevice::ReadWrite));
        f.seek(all.indexOf("Subject: one") + 9);
        f.write("ONE");
    }
    auto r3 = run(store.value(), QStringLiteral("x"), {mbox});
    QVERIFY2(r3, qPrintable(r3.errorMessage()));
    QCOMPARE(r3->warningsByKind.value(QStringLiteral("mbox-changed")), 1);
    QCOMPARE(r3->messagesRead, 2);
    QCOMPARE(r3->messagesAdded, 1);       // the edited message is new content
    QCOMPARE(r3->alreadyStored, 1);
    QCOMPARE(r3->duplicates, 1);          // same Message-ID, different content
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM messages")), 3);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(DISTINCT msgid) FROM messages")), 2);
}

void TestMailIngest::maildirIncremental()
{
    QTemporaryDir dir;
    const QString md = dir.filePath(QStringLiteral("md"));
    for (const char *sub : {"cur", "new", "tmp"})
        QVERIFY(QDir().mkpath(md + QLatin1Char('/') + QLatin1String(sub)));
    QVERIFY(QFile::copy(fixture(QStringLiteral("maildir/cur/1704186000.M1P1.host:2,S")),
                        md + QStringLiteral("/cur/1704186000.M1P1.host:2,S")));
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto r1 = run(store.value(), QStringLiteral("md"), {md});
    QVERIFY2(r1, qPrintable(r1.errorMessage()));
    QCOMPARE(r1->messagesAdded, 1);
    QVERIFY(QFile::copy(fixture(QStringLiteral("maildir/new/1704189600.M2P2.host")),
                        md + QStringLiteral("/new/1704189600.M2P2.host")));
    // A flag change renames the first file; it is not read again.
    QVERIFY(QFile::rename(md + QStringLiteral("/cur/1704186000.M1P1.host:2,S"),
                          md + QStringLiteral("/cur/1704186000.M1P1.host:2,RS")));
    auto r2 = run(store.value(), QStringLiteral("md"), {md});
    QVERIFY2(r2, qPrintable(r2.errorMessage()));
    QCOMPARE(r2->messagesRead, 1);
    QCOMPARE(r2->messagesAdded, 1);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM threads")), 1);
    // readMessage finds the renamed file.
    const qint64 id = count(*store, QStringLiteral("SELECT id FROM messages WHERE msgid = 'md1@example.org'"));
    auto view = ingest::readMessage(store.value(), id);
    QVERIFY2(view, qPrintable(view.errorMessage()));
    QCOMPARE(view->subject, QStringLiteral("maildir parent"));
    const qint64 reply = count(*store, QStringLiteral("SELECT id FROM messages WHERE msgid = 'md2@example.org'"));
    auto replyView = ingest::readMessage(store.value(), reply);
    QVERIFY(replyView);
    QCOMPARE(replyView->ownText.trimmed(), QStringLiteral("NAK, this is wrong."));
}

void TestMailIngest::publicInboxV2WithRemoval()
{
    QTemporaryDir dir;
    const QString work = dir.filePath(QStringLiteral("work"));
    QVERIFY(QDir().mkpath(work));
    QVERIFY(git(work, {QStringLiteral("init"), QStringLiteral("-q")}));
    const QByteArray a = message("a@x", "first");
    const QByteArray b = message("b@x", "Re: first", "a@x");
    const QByteArray spam = message("spam@x", "buy now");
    QVERIFY(commitMessage(work, a, false));
    QVERIFY(commitMessage(work, spam, false));
    const QString inbox = dir.filePath(QStringLiteral("inbox"));
    QVERIFY(QDir().mkpath(inbox + QStringLiteral("/git")));
    QVERIFY(git(dir.path(), {QStringLiteral("clone"), QStringLiteral("-q"), QStringLiteral("--mirror"), work,
                             inbox + QStringLiteral("/git/0.git")}));

    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto r1 = run(store.value(), QStringLiteral("pi"), {inbox});
    QVERIFY2(r1, qPrintable(r1.errorMessage()));
    QCOMPARE(r1->messagesAdded, 2);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM messages WHERE raw_kind = 'git' AND raw_epoch = 0")), 2);

    // The spam is removed with `d`, a reply arrives, then a second epoch starts.
    QVERIFY(commitMessage(work, spam, true));
    QVERIFY(commitMessage(work, b, false));
    QVERIFY(git(inbox + QStringLiteral("/git/0.git"), {QStringLiteral("fetch"), QStringLiteral("-q"), work,
                                                       QStringLiteral("+refs/heads/*:refs/heads/*")}));
    const QString work1 = dir.filePath(QStringLiteral("work1"));
    QVERIFY(QDir().mkpath(work1));
    QVERIFY(git(work1, {QStringLiteral("init"), QStringLiteral("-q")}));
    QVERIFY(commitMessage(work1, message("c@x", "Re: first", "b@x"), false));
    QVERIFY(git(dir.path(), {QStringLiteral("clone"), QStringLiteral("-q"), QStringLiteral("--mirror"), work1,
                             inbox + QStringLiteral("/git/1.git")}));

    auto r2 = run(store.value(), QStringLiteral("pi"), {inbox});
    QVERIFY2(r2, qPrintable(r2.errorMessage()));
    QCOMPARE(r2->messagesRemoved, 1);
    QCOMPARE(r2->messagesAdded, 2);
    QCOMPARE(r2->messagesRead, 3);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM messages")), 3);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM messages WHERE msgid = 'spam@x'")), 0);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM threads")), 1);
    QCOMPARE(count(*store, QStringLiteral("SELECT max(depth) FROM messages")), 2);
    {
        auto search = SearchIndex::open(store->searchIndexPath(), SearchIndex::Mode::ReadOnly);
        QVERIFY(search);
        QCOMPARE(search->documentCount(), 3);
    }
    const qint64 c = count(*store, QStringLiteral("SELECT id FROM messages WHERE msgid = 'c@x'"));
    auto view = ingest::readMessage(store.value(), c);
    QVERIFY2(view, qPrintable(view.errorMessage()));
    QVERIFY(view->rawLocation.contains(QLatin1String("epoch 1")));

    auto r3 = run(store.value(), QStringLiteral("pi"), {inbox});
    QVERIFY(r3);
    QCOMPARE(r3->messagesRead, 0);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM messages")), 3);
}

void TestMailIngest::publicInboxV1()
{
    QTemporaryDir dir;
    const QString work = dir.filePath(QStringLiteral("v1"));
    QVERIFY(QDir().mkpath(work + QStringLiteral("/ab")));
    QVERIFY(QDir().mkpath(work + QStringLiteral("/cd")));
    QVERIFY(git(work, {QStringLiteral("init"), QStringLiteral("-q")}));
    auto put = [&](const QString &path, const QByteArray &raw) {
        QFile f(work + QLatin1Char('/') + path);
        return f.open(QIODevice::WriteOnly) && f.write(raw) == raw.size();
    };
    const QString p1 = QStringLiteral("ab/") + QString(38, QLatin1Char('1'));
    const QString p2 = QStringLiteral("cd/") + QString(38, QLatin1Char('2'));
    QVERIFY(put(p1, message("v1a@x", "hello")));
    QVERIFY(git(work, {QStringLiteral("add"), QStringLiteral("-A")}));
    QVERIFY(git(work, {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), QStringLiteral("a")}));
    QVERIFY(put(p2, message("v1b@x", "Re: hello", "v1a@x")));
    QVERIFY(git(work, {QStringLiteral("add"), QStringLiteral("-A")}));
    QVERIFY(git(work, {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), QStringLiteral("b")}));
    QVERIFY(git(work, {QStringLiteral("rm"), QStringLiteral("-q"), p1}));
    QVERIFY(git(work, {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), QStringLiteral("rm")}));
    const QString bare = dir.filePath(QStringLiteral("v1.git"));
    QVERIFY(git(dir.path(), {QStringLiteral("clone"), QStringLiteral("-q"), QStringLiteral("--bare"), work, bare}));

    auto kind = ingest::mailSourceKind(bare);
    QVERIFY2(kind, qPrintable(kind.errorMessage()));
    QCOMPARE(kind.value(), ingest::MailSourceKind::PublicInboxV1);
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto r = run(store.value(), QStringLiteral("v1"), {bare});
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(r->messagesAdded, 2);
    QCOMPARE(r->messagesRemoved, 1);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM messages")), 1);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM thread_nodes WHERE message_id IS NULL")), 1);
}

void TestMailIngest::fileUrlIsMirroredAndFetched()
{
    QTemporaryDir dir;
    const QString work = dir.filePath(QStringLiteral("work"));
    QVERIFY(QDir().mkpath(work));
    QVERIFY(git(work, {QStringLiteral("init"), QStringLiteral("-q")}));
    QVERIFY(commitMessage(work, message("u1@x", "one"), false));
    const QString remote = dir.filePath(QStringLiteral("remote/list"));
    QVERIFY(QDir().mkpath(remote + QStringLiteral("/git")));
    QVERIFY(git(dir.path(), {QStringLiteral("clone"), QStringLiteral("-q"), QStringLiteral("--mirror"), work,
                             remote + QStringLiteral("/git/0.git")}));
    const QString url = QStringLiteral("file://") + remote;

    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto r1 = run(store.value(), QStringLiteral("lst"), {url});
    QVERIFY2(r1, qPrintable(r1.errorMessage()));
    QCOMPARE(r1->messagesAdded, 1);
    QVERIFY(QFileInfo::exists(store->directory() + QStringLiteral("/mirrors/lst/git/0.git/HEAD")));
    QVERIFY(!QFileInfo::exists(store->directory() + QStringLiteral("/mirrors/lst/git/1.git")));

    QVERIFY(commitMessage(work, message("u2@x", "Re: one", "u1@x"), false));
    QVERIFY(git(remote + QStringLiteral("/git/0.git"), {QStringLiteral("fetch"), QStringLiteral("-q"), work,
                                                        QStringLiteral("+refs/heads/*:refs/heads/*")}));
    // An epoch URL names one epoch.
    auto r2 = run(store.value(), QStringLiteral("lst"), {url + QStringLiteral("/0")});
    QVERIFY2(r2, qPrintable(r2.errorMessage()));
    QCOMPARE(r2->messagesAdded, 1);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM messages")), 2);

    auto bad = run(store.value(), QStringLiteral("nope"), {QStringLiteral("file://") + dir.filePath(QStringLiteral("missing"))});
    QVERIFY(!bad);
    QVERIFY2(bad.errorMessage().contains(QLatin1String("missing")), qPrintable(bad.errorMessage()));
}

void TestMailIngest::sniffing_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("kind");   // -1: error
    QTest::newRow("mbox") << fixture(QStringLiteral("rd.mbox")) << int(ingest::MailSourceKind::Mbox);
    QTest::newRow("maildir") << fixture(QStringLiteral("maildir")) << int(ingest::MailSourceKind::Maildir);
    QTest::newRow("url") << QStringLiteral("https://lore.kernel.org/rust-for-linux/0") << int(ingest::MailSourceKind::Url);
    QTest::newRow("eml is not an mbox") << fixture(QStringLiteral("rfc2047.eml")) << -1;
    QTest::newRow("missing") << fixture(QStringLiteral("does-not-exist")) << -1;
    QTest::newRow("plain directory") << QStringLiteral(KERNELLENS_FIXTURES) << -1;
}

void TestMailIngest::sniffing()
{
    QFETCH(QString, path);
    QFETCH(int, kind);
    auto r = ingest::mailSourceKind(path);
    if (kind < 0) {
        QVERIFY(!r);
        QVERIFY2(r.errorMessage().contains(path), qPrintable(r.errorMessage()));
    } else {
        QVERIFY2(r, qPrintable(r.errorMessage()));
        QCOMPARE(int(r.value()), kind);
    }
}

void TestMailIngest::cancelThenResume()
{
    // 5,000 messages in an mbox; cancel once 3/5 of its bytes are read, rerun, compare with a clean run.
    // A cancel drops what was written since the last commit (every ~2,000 messages), so the
    // store keeps the first committed part and nothing of the batches in flight.
    constexpr int kMessages = 5000;
    QTemporaryDir dir;
    const QString mbox = dir.filePath(QStringLiteral("big.mbox"));
    {
        QFile f(mbox);
        QVERIFY(f.open(QIODevice::WriteOnly));
        for (int i = 0; i < kMessages; ++i) {
            const QByteArray id = "m" + QByteArray::number(i) + "@x";
            const QByteArray parent = "m" + QByteArray::number(i / 2) + "@x";
            f.write("From x@y Mon Jan  1 00:00:00 2024\n");
            f.write(message(id.constData(), "Re: t", i ? parent.constData() : nullptr));
            f.write("\n");
        }
    }
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    JobContext ctx;
    int reports = 0;
    ProgressReporter reporter([&](const Progress &p) {
        if (p.phase.startsWith(QLatin1String("mbox")) && p.total > 0 && p.done * 5 >= p.total * 3 && ++reports == 1)
            ctx.cancel.cancel();
    }, 0);
    ctx.progress = &reporter;
    auto cancelled = ingest::ingestMail(store.value(), {QStringLiteral("big"), {mbox}}, ctx);
    QVERIFY(!cancelled);
    QVERIFY(cancelled.status().isCancelled());
    const qint64 partial = count(*store, QStringLiteral("SELECT count(*) FROM messages"));
    QVERIFY2(partial > 0 && partial < 3000, qPrintable(QString::number(partial)));
    // A cancelled run leaves threading to the derive stage of the next run, which the list's
    // stale flag asks for.
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM lists WHERE threads_stale <> 0")), 1);

    auto resumed = run(store.value(), QStringLiteral("big"), {mbox});
    QVERIFY2(resumed, qPrintable(resumed.errorMessage()));
    QCOMPARE(resumed->messagesRead + partial, kMessages);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM messages")), kMessages);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM threads")), 1);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM thread_nodes")), kMessages);
    auto search = SearchIndex::open(store->searchIndexPath(), SearchIndex::Mode::ReadOnly);
    QVERIFY(search);
    QCOMPARE(search->documentCount(), kMessages);
}

void TestMailIngest::truncatedMbox()
{
    QTemporaryDir dir;
    const QString mbox = dir.filePath(QStringLiteral("cut.mbox"));
    QFile src(fixture(QStringLiteral("rd.mbox")));
    QVERIFY(src.open(QIODevice::ReadOnly));
    const QByteArray all = src.readAll();
    {
        QFile f(mbox);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(all.left(all.size() - 40)); // cut in the middle of the last message
    }
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto r = run(store.value(), QStringLiteral("cut"), {mbox});
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(r->messagesAdded, 3);
    QCOMPARE(r->warningsByKind.value(QStringLiteral("mbox-truncated")), 1);
    const QString where = store->db().scalar(QStringLiteral(
        "SELECT location FROM parse_warnings WHERE kind = 'mbox-truncated'"))->toString();
    QVERIFY2(where.startsWith(mbox + QLatin1Char(':')), qPrintable(where));
}

void TestMailIngest::truncatedMboxCompletedReplacesPartial()
{
    QTemporaryDir dir;
    const QString mbox = dir.filePath(QStringLiteral("grow.mbox"));
    QFile src(fixture(QStringLiteral("rd.mbox")));
    QVERIFY(src.open(QIODevice::ReadOnly));
    const QByteArray all = src.readAll();
    auto write = [&](const QByteArray &bytes) {
        QFile f(mbox);
        return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
    };
    QVERIFY(write(all.left(all.size() - 40)));
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto first = run(store.value(), QStringLiteral("grow"), {mbox});
    QVERIFY2(first, qPrintable(first.errorMessage()));
    QCOMPARE(first->messagesAdded, 3);

    // The same truncated file again: nothing new, and the truncation is not warned twice.
    auto same = run(store.value(), QStringLiteral("grow"), {mbox});
    QVERIFY2(same, qPrintable(same.errorMessage()));
    QCOMPARE(same->messagesAdded, 0);
    QCOMPARE(same->warnings, 0);

    QVERIFY(write(all));
    auto completed = run(store.value(), QStringLiteral("grow"), {mbox});
    QVERIFY2(completed, qPrintable(completed.errorMessage()));
    QCOMPARE(completed->messagesAdded, 1);
    QCOMPARE(completed->messagesRemoved, 1);
    QCOMPARE(completed->warningsByKind.value(QStringLiteral("mbox-changed")), 0);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM messages")), 3);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(DISTINCT msgid) FROM messages")), 3);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM message_bodies")), 3);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM thread_nodes WHERE message_id IS NOT NULL")), 3);
    // The stored copy is the whole message: it ends where the file's last message ends.
    QCOMPARE(count(*store, QStringLiteral("SELECT max(raw_offset + raw_length) FROM messages")),
             qint64(all.size() - (all.endsWith("\n\n") ? 1 : 0)));
    auto search = SearchIndex::open(store->searchIndexPath(), SearchIndex::Mode::ReadOnly);
    QVERIFY(search);
    QCOMPARE(search->documentCount(), 3);

    auto rerun = run(store.value(), QStringLiteral("grow"), {mbox});
    QVERIFY2(rerun, qPrintable(rerun.errorMessage()));
    QCOMPARE(rerun->messagesRead, 0);
}

void TestMailIngest::maildirSpecialEntries()
{
    QTemporaryDir dir;
    const QString md = dir.filePath(QStringLiteral("Maildir"));
    for (const char *sub : {"cur", "new", "tmp", "store"})
        QVERIFY(QDir().mkpath(md + QLatin1Char('/') + QLatin1String(sub)));
    auto put = [](const QString &path, const QByteArray &bytes) {
        QFile f(path);
        return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
    };
    QVERIFY(put(md + QStringLiteral("/new/1.M1.host"), message("plain@x", "plain")));
    QVERIFY(put(md + QStringLiteral("/store/kept"), message("inside@x", "inside")));
    QVERIFY(put(dir.filePath(QStringLiteral("secret")), message("outside@x", "outside")));
    QVERIFY(QFile::link(md + QStringLiteral("/store/kept"), md + QStringLiteral("/new/2.M2.host")));
    QVERIFY(QFile::link(dir.filePath(QStringLiteral("secret")), md + QStringLiteral("/new/3.M3.host")));
    QVERIFY(QFile::link(md + QStringLiteral("/store/gone"), md + QStringLiteral("/cur/4.M4.host:2,S")));
    QVERIFY(QDir().mkpath(md + QStringLiteral("/cur/5.M5.host:2,")));
    QCOMPARE(::mkfifo(QFile::encodeName(md + QStringLiteral("/new/6.M6.host")).constData(), 0600), 0);

    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto r = run(store.value(), QStringLiteral("md"), {md});   // would hang on opening the FIFO
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(r->messagesAdded, 2);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM messages WHERE msgid = 'outside@x'")), 0);
    QCOMPARE(r->warningsByKind.value(QStringLiteral("maildir-link-outside")), 1);
    QCOMPARE(r->warningsByKind.value(QStringLiteral("maildir-broken-link")), 1);
    QCOMPARE(r->warningsByKind.value(QStringLiteral("maildir-not-a-file")), 2);
    for (const char *name : {"3.M3.host", "4.M4.host:2,S", "5.M5.host:2,", "6.M6.host"}) {
        QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM parse_warnings WHERE location LIKE ?"),
                       QVariantList{QString(QStringLiteral("%/") + QLatin1String(name))}), 1);
    }
}

void TestMailIngest::nulInMessageIdThreads()
{
    QTemporaryDir dir;
    const QString mbox = dir.filePath(QStringLiteral("nul.mbox"));
    {
        QFile f(mbox);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const QByteArray parent("From: a@example.org\nMessage-ID: <nul\0id@example.org>\nSubject: p\n"
                                "Date: Mon, 01 Jan 2024 10:00:00 +0000\n\nparent\n", 110);
        QVERIFY(!parent.endsWith('\0') && parent.contains('\0'));
        f.write("From x@y Mon Jan  1 00:00:00 2024\n" + parent + "\n");
        const QByteArray inReplyTo("In-Reply-To: <nul\0id@example.org>\n", 34);
        f.write("From x@y Mon Jan  1 00:00:00 2024\n" + inReplyTo + message("reply@example.org", "Re: p") + "\n");
    }
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto r = run(store.value(), QStringLiteral("nul"), {mbox});
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(r->messagesAdded, 2);
    QCOMPARE(r->warningsByKind.value(QStringLiteral("nul-in-header")), 2);
    const QString id = QStringLiteral("nul\u2400id@example.org");
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM messages WHERE msgid = ?"), QVariantList{id}), 1);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM messages WHERE in_reply_to = ?"), QVariantList{id}), 1);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM threads")), 1);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM thread_nodes WHERE message_id IS NULL")), 0);
}

void TestMailIngest::corruptBlobIsSkippedWithAWarning()
{
    QTemporaryDir dir;
    const QString work = dir.filePath(QStringLiteral("work"));
    QVERIFY(QDir().mkpath(work));
    QVERIFY(git(work, {QStringLiteral("init"), QStringLiteral("-q")}));
    QVERIFY(commitMessage(work, message("ok1@x", "one"), false));
    const QByteArray broken = message("broken@x", "two");
    QVERIFY(commitMessage(work, broken, false));
    QVERIFY(commitMessage(work, message("ok2@x", "three"), false));
    // Loose objects: remove the second message's blob.
    QProcess hash;
    hash.start(QStringLiteral("git"), {QStringLiteral("-C"), work, QStringLiteral("hash-object"), QStringLiteral("--stdin")});
    hash.write(broken);
    hash.closeWriteChannel();
    QVERIFY(hash.waitForFinished());
    const QString oid = QString::fromLatin1(hash.readAllStandardOutput().trimmed());
    QCOMPARE(oid.size(), 40);
    QVERIFY(QFile::remove(work + QStringLiteral("/.git/objects/") + oid.left(2) + QLatin1Char('/') + oid.mid(2)));

    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto r = run(store.value(), QStringLiteral("c"), {work + QStringLiteral("/.git")});
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(r->messagesAdded, 2);
    QCOMPARE(r->warningsByKind.value(QStringLiteral("corrupt-object")), 1);
    const QString message = store->db().scalar(QStringLiteral(
        "SELECT location || ' ' || message FROM parse_warnings WHERE kind = 'corrupt-object'"))->toString();
    QVERIFY2(message.contains(QLatin1String("epoch 0")) && message.contains(oid), qPrintable(message));
}

QTEST_GUILESS_MAIN(TestMailIngest)
#include "tst_mail_ingest.moc"
