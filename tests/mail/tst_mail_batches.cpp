// The re-thread in batches of whole threads (mail_components.h, mail_postpass.cpp): batches
// never cut a thread, and the stored threads, nodes, series, revision links and trailer/notice
// attribution are the same whatever the batch size (one thread per batch or the whole list).

#include "mail/mail_components.h"
#include "mail/mail_postpass.h"

#include <kernellens/ingest/mail_ingest.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <optional>
#include <set>

using namespace kl;

namespace {

struct Mail
{
    Mail(QString i, QString s, QStringList r, QString b = QStringLiteral("Some text.\n"),
         QString f = QStringLiteral("Ann Author <ann@example.org>"))
        : id(std::move(i)), subject(std::move(s)), refs(std::move(r)), body(std::move(b)), from(std::move(f))
    {
    }
    QString id;
    QString subject;
    QStringList refs;   // oldest first; the last one is also In-Reply-To
    QString body;
    QString from;
};

QString diffBody(const QString &file)
{
    return QStringLiteral("Change it.\n\nSigned-off-by: Ann Author <ann@example.org>\n---\n"
                          "diff --git a/%1 b/%1\nindex 1111111..2222222 100644\n--- a/%1\n+++ b/%1\n"
                          "@@ -1 +1 @@\n-old\n+new\n").arg(file);
}

// Copy k of a set of threads of every shape the threading knows: a series with cover letter,
// review and applied notice; its v2 in a thread of its own (a revision link across threads);
// siblings under a ghost; a reference loop; a duplicated Message-ID; a lone message.
QList<Mail> threadsOfCopy(int k)
{
    const QString s = QStringLiteral(".%1@example.org").arg(k);
    auto id = [&](const char *local) -> QString { return QString::fromLatin1(local) + s; };
    const QString title = QStringLiteral("kbuild: tidy the rules %1").arg(k);
    QList<Mail> m;
    m << Mail{id("c1"), QStringLiteral("[PATCH 0/2] ") + title, QStringList()};
    m << Mail{id("p1"), QStringLiteral("[PATCH 1/2] kbuild: first %1").arg(k), QStringList() << id("c1"), diffBody(QStringLiteral("a%1").arg(k))};
    m << Mail{id("p2"), QStringLiteral("[PATCH 2/2] kbuild: second %1").arg(k), QStringList() << id("c1"), diffBody(QStringLiteral("b%1").arg(k))};
    m << Mail{id("r1"), QStringLiteral("Re: [PATCH 1/2] kbuild: first %1").arg(k), QStringList() << id("c1") << id("p1"),
              QStringLiteral("> Change it.\n\nReviewed-by: Rita Reviewer <rita@example.org>\n"),
              QStringLiteral("Rita Reviewer <rita@example.org>")};
    m << Mail{id("a1"), QStringLiteral("Re: [PATCH 0/2] ") + title, QStringList() << id("c1"),
              QStringLiteral("Applied to kbuild-next, thanks!\n\n[1/2] kbuild: first %1\n      commit: 0123456789ab\n").arg(k),
              QStringLiteral("Mark Maintainer <mark@example.org>")};
    m << Mail{id("c2"), QStringLiteral("[PATCH v2 0/2] ") + title, QStringList()};
    m << Mail{id("q1"), QStringLiteral("[PATCH v2 1/2] kbuild: first %1").arg(k), QStringList() << id("c2"), diffBody(QStringLiteral("a%1").arg(k))};
    m << Mail{id("g1"), QStringLiteral("Re: lost root %1").arg(k), QStringList() << id("ghost")};
    m << Mail{id("g2"), QStringLiteral("Re: lost root %1").arg(k), QStringList() << id("ghost") << id("g1")};
    m << Mail{id("g3"), QStringLiteral("Re: lost root %1").arg(k), QStringList() << id("ghost")};
    m << Mail{id("l1"), QStringLiteral("loop one %1").arg(k), QStringList() << id("l2")};
    m << Mail{id("l2"), QStringLiteral("loop two %1").arg(k), QStringList() << id("l1")};
    m << Mail{id("d1"), QStringLiteral("dup %1").arg(k), QStringList(), QStringLiteral("first copy\n")};
    m << Mail{id("d1"), QStringLiteral("dup %1").arg(k), QStringList(), QStringLiteral("second copy\n")};
    m << Mail{id("dr"), QStringLiteral("Re: dup %1").arg(k), QStringList() << id("d1")};
    m << Mail{id("solo"), QStringLiteral("a question %1").arg(k), QStringList()};
    return m;
}

QByteArray mbox(const QList<Mail> &mails)
{
    QByteArray out;
    int n = 0;
    for (const Mail &m : mails) {
        const QString date = QStringLiteral("Mon, 1 Jan 2024 %1:%2:00 +0000").arg(n / 60 % 24, 2, 10, QLatin1Char('0'))
                                 .arg(n % 60, 2, 10, QLatin1Char('0'));
        ++n;
        QString text = QStringLiteral("From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: %1\nTo: list@example.org\n"
                                      "Subject: %2\nDate: %3\nMessage-ID: <%4>\n").arg(m.from, m.subject, date, m.id);
        if (!m.refs.isEmpty()) {
            text += QStringLiteral("In-Reply-To: <%1>\n").arg(m.refs.last());
            text += QStringLiteral("References: <%1>\n").arg(m.refs.join(QStringLiteral("> <")));
        }
        text += QLatin1Char('\n') + m.body + QLatin1Char('\n');
        out += text.toUtf8();
    }
    return out;
}

QStringList rows(Store &store, const QString &sql)
{
    QStringList out;
    const Status s = store.db().forEachRow(sql, {}, [&](const Statement &row) {
        QStringList cells;
        for (int c = 0; c < row.columnCount(); ++c)
            cells << (row.isNull(c) ? QStringLiteral("NULL") : row.text(c));
        out << cells.join(QLatin1Char('|'));
    });
    if (!s)
        qFatal("%s: %s", qPrintable(sql), qPrintable(s.message()));
    return out;
}

// What the post-pass wrote, by natural keys (thread and series ids follow the writing order).
QStringList structure(Store &store)
{
    QStringList all;
    all << rows(store, QStringLiteral(
        "SELECT root_msgid, root_message_id, subject, message_count, ghost_count, participants, max_depth, "
        "first_date, last_date FROM threads ORDER BY root_msgid"));
    all << rows(store, QStringLiteral(
        "SELECT t.root_msgid, n.msgid, n.message_id, p.msgid, n.depth, n.position FROM thread_nodes n "
        "JOIN threads t ON t.id = n.thread_id LEFT JOIN thread_nodes p ON p.id = n.parent_node "
        "ORDER BY t.root_msgid, n.position"));
    all << rows(store, QStringLiteral(
        "SELECT m.id, t.root_msgid, m.depth FROM messages m LEFT JOIN threads t ON t.id = m.thread_id ORDER BY m.id"));
    all << rows(store, QStringLiteral(
        "SELECT s.series_key, s.cover_message_id, s.first_message_id, s.version, s.total, s.patch_count, s.title, "
        "s.author_person, s.first_date, prev.series_key, s.accepted_count FROM series s "
        "LEFT JOIN series prev ON prev.id = s.previous_series_id ORDER BY s.series_key"));
    all << rows(store, QStringLiteral(
        "SELECT p.message_id, s.series_key, p.accepted_commit, p.accepted_message_id FROM patches p "
        "LEFT JOIN series s ON s.id = p.series_id ORDER BY p.message_id"));
    all << rows(store, QStringLiteral("SELECT id, message_id, patch_message_id, key FROM mail_trailers ORDER BY id"));
    all << rows(store, QStringLiteral("SELECT id, message_id, patch_message_id FROM applied_notices ORDER BY id"));
    return all;
}

} // namespace

class TestMailBatches : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void batchesHoldWholeThreads();
    void resultDoesNotDependOnTheBatchSize();

private:
    QTemporaryDir m_dir;
    std::optional<Store> m_store;
    qint64 m_list = 0;
};

void TestMailBatches::init()
{
    QVERIFY(m_dir.isValid());
    QList<Mail> mails;
    for (int k = 0; k < 4; ++k)
        mails << threadsOfCopy(k);
    const QString path = m_dir.filePath(QStringLiteral("list.mbox"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(mbox(mails));
    f.close();
    m_store.reset();
    QDir(m_dir.filePath(QStringLiteral("s"))).removeRecursively();
    auto store = Store::open(m_dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY2(store, qPrintable(store.errorMessage()));
    m_store.emplace(std::move(store.value()));
    auto summary = ingest::ingestMail(*m_store, {QStringLiteral("t"), {path}}, JobContext{});
    QVERIFY2(summary, qPrintable(summary.errorMessage()));
    QCOMPARE(summary->messagesAdded, qint64(mails.size()));
    auto list = m_store->db().scalar(QStringLiteral("SELECT id FROM lists WHERE name = 't'"));
    QVERIFY(list);
    m_list = list->toLongLong();
}

void TestMailBatches::batchesHoldWholeThreads()
{
    auto one = mail::threadBatches(m_store->db(), m_list, 1);
    QVERIFY2(one, qPrintable(one.errorMessage()));
    // Per copy: the two series threads, the ghost's, the loop, the duplicate's and the lone one.
    QCOMPARE(one->ends.size(), size_t(4 * 6));
    QCOMPARE(one->rows.size(), size_t(4 * 16));
    QVERIFY(mail::rebuildListStructure(*m_store, m_list, 1));
    // Every batch maps to exactly the threads of its messages, which no other batch has.
    std::set<qint64> seen;
    size_t begin = 0;
    for (size_t end : one->ends) {
        std::set<qint64> threads;
        for (size_t i = begin; i < end; ++i) {
            auto t = m_store->db().scalar(QStringLiteral("SELECT thread_id FROM messages WHERE id = ?"), {one->rows[i]});
            QVERIFY(t && !t->isNull());
            threads.insert(t->toLongLong());
        }
        for (qint64 t : threads)
            QVERIFY2(seen.insert(t).second, "a thread spans two batches");
        begin = end;
    }
    auto all = mail::threadBatches(m_store->db(), m_list, 1000000);
    QVERIFY(all);
    QCOMPARE(all->ends.size(), size_t(1));
    QCOMPARE(all->rows.size(), size_t(4 * 16));
}

void TestMailBatches::resultDoesNotDependOnTheBatchSize()
{
    auto whole = mail::rebuildListStructure(*m_store, m_list, 1000000);
    QVERIFY2(whole, qPrintable(whole.errorMessage()));
    const QStringList expected = structure(*m_store);
    // The fixture exercises what spans a thread's parts: ghosts, revision links, attribution.
    QCOMPARE(m_store->db().scalar(QStringLiteral("SELECT count(*) FROM threads WHERE root_message_id IS NULL"))->toInt(), 4);
    QCOMPARE(m_store->db().scalar(QStringLiteral("SELECT count(*) FROM series WHERE previous_series_id IS NOT NULL"))->toInt(), 4);
    QCOMPARE(m_store->db().scalar(QStringLiteral(
                 "SELECT count(*) FROM mail_trailers t JOIN messages m ON m.id = t.message_id "
                 "WHERE m.msgid LIKE 'r1.%' AND t.patch_message_id = (SELECT id FROM messages p WHERE p.msgid = "
                 "replace(m.msgid, 'r1.', 'p1.'))"))->toInt(), 4);
    for (size_t batch : {size_t(1), size_t(2), size_t(7), size_t(1000000)}) {
        auto counts = mail::rebuildListStructure(*m_store, m_list, batch);
        QVERIFY2(counts, qPrintable(counts.errorMessage()));
        QCOMPARE(counts->threads, whole->threads);
        QCOMPARE(counts->series, whole->series);
        QCOMPARE(counts->ghosts, whole->ghosts);
        const QStringList got = structure(*m_store);
        QCOMPARE(got.size(), expected.size());
        for (qsizetype i = 0; i < got.size(); ++i)
            QCOMPARE(got[i], expected[i]);
    }
}

QTEST_GUILESS_MAIN(TestMailBatches)
#include "tst_mail_batches.moc"
