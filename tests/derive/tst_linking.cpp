// The derive stage on a small real history and list: a scratch git repository built with the git
// CLI, patch mail made by `git format-patch` from it (and edited the way people edit patches),
// ingested by the real mail and git ingest, then derived. One patch for every link method, every
// series outcome and every kind of bad input the linker must skip with a counted warning.

#include "../git/scratch_repo.h"

#include <kernellens/index/store.h>
#include <kernellens/ingest/derive.h>
#include <kernellens/ingest/git_ingest.h>
#include <kernellens/ingest/mail_ingest.h>

#include <QRegularExpression>
#include <QTest>

using namespace kl;
using kl::testing::Scratch;

namespace {

// One message of the mbox: headers we set, then a body (a format-patch body or prose).
QByteArray message(const QString &from, const QString &date, const QString &msgid, const QString &subject,
                   const QByteArray &body, const QString &inReplyTo = {})
{
    QByteArray m = "From mboxrd@z Thu Jan  1 00:00:00 1970\n";
    m += "From: " + from.toUtf8() + "\n";
    if (!date.isEmpty())
        m += "Date: " + date.toUtf8() + "\n";
    m += "Message-ID: <" + msgid.toUtf8() + ">\n";
    if (!inReplyTo.isEmpty())
        m += "In-Reply-To: <" + inReplyTo.toUtf8() + ">\nReferences: <" + inReplyTo.toUtf8() + ">\n";
    m += "Subject: " + subject.toUtf8() + "\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n";
    m += body;
    if (!m.endsWith('\n'))
        m += '\n';
    return m + '\n';
}

// The part of `git format-patch` output after its headers: message, ---, diffstat, diff.
QByteArray patchBody(Scratch &repo, const QString &sha)
{
    const QString out = repo.git({QStringLiteral("format-patch"), QStringLiteral("-1"), QStringLiteral("--stdout"),
                                  QStringLiteral("--no-signature"), sha});
    const qsizetype blank = out.indexOf(QStringLiteral("\n\n"));
    return out.mid(blank + 2).toUtf8() + '\n';
}

QString gitPatchId(Scratch &repo, const QByteArray &text)
{
    return repo.git({QStringLiteral("patch-id"), QStringLiteral("--stable")}, text).section(QLatin1Char(' '), 0, 0);
}

qint64 count(Store &store, const QString &sql, const QVariantList &params = {})
{
    auto v = store.db().scalar(sql, params);
    return v ? v->toLongLong() : -1;
}

QString text(Store &store, const QString &sql, const QVariantList &params = {})
{
    auto v = store.db().scalar(sql, params);
    return v ? v->toString() : QStringLiteral("<error>");
}

} // namespace

class TestLinking : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void eachMethodDecides_data();
    void eachMethodDecides();
    void laterVersionIsMergedEarlierIsRevision();
    void seriesOutcomes_data();
    void seriesOutcomes();
    void latenciesAndReviewers();
    void patchIdsEqualGit();
    void badInputIsCountedAndSkipped();
    void methodsCanBeChosenAndEvaluated();
    void unchangedInputsAreSkippedAndNewMailRedoesOnlyItself();

private:
    void derive(const QStringList &methods = {});
    QString linkOf(const QString &msgid, QString *method = nullptr, QString *role = nullptr);
    QString outcomeOf(const QString &msgid);

    QTemporaryDir m_dir;
    Scratch m_repo;
    QString m_store;
    QString m_mbox;
    QHash<QString, QString> m_commits; // name -> sha
};

void TestLinking::initTestCase()
{
    Scratch &r = m_repo;
    for (const char *f : {"a.c", "b.c", "c.c", "d.c", "e.c", "g.c", "h.c", "k.c"})
        r.write(QString::fromLatin1(f), kl::testing::lines(20, f));
    r.write(QStringLiteral("rust/f.rs"), kl::testing::lines(10, "fn"));
    r.at(QStringLiteral("2023-01-01T10:00:00Z"));
    m_commits[QStringLiteral("root")] = r.commit(QStringLiteral("initial import"));

    QByteArray mbox;
    const QString ada = QStringLiteral("Ada Dev <ada@example.org>");
    const QString max = QStringLiteral("Max Maintainer <max@example.org>");
    const QString rita = QStringLiteral("Rita Reviewer <rita@example.org>");

    // trailer: the commit's Link: names the posting.
    r.write(QStringLiteral("a.c"), kl::testing::lines(21, "a.c"));
    r.at(QStringLiteral("2023-02-01T10:00:00Z"));
    m_commits[QStringLiteral("trailer")] = r.commit(QStringLiteral("a: extend alpha\n\nLink: https://lore.kernel.org/r/trailer%40test"));
    mbox += message(ada, QStringLiteral("Wed, 25 Jan 2023 10:00:00 +0000"), QStringLiteral("trailer@test"),
                    QStringLiteral("[PATCH] a: extend alpha"), patchBody(r, m_commits[QStringLiteral("trailer")]));

    // applied: a b4 ty reply names the commit; the posting differs from it in diff, subject and date.
    r.write(QStringLiteral("b.c"), kl::testing::lines(22, "b.c"));
    r.at(QStringLiteral("2023-02-10T10:00:00Z"));
    m_commits[QStringLiteral("applied")] = r.commit(QStringLiteral("b: grow beta"));
    QByteArray appliedBody = patchBody(r, m_commits[QStringLiteral("applied")]);
    appliedBody.replace("+b.c 21", "+b.c twenty-one");
    mbox += message(ada, QStringLiteral("Fri, 03 Feb 2023 09:00:00 +0000"), QStringLiteral("applied@test"),
                    QStringLiteral("[PATCH] b: make beta larger"), appliedBody);
    mbox += message(max, QStringLiteral("Fri, 10 Feb 2023 11:00:00 +0000"), QStringLiteral("applied-ty@test"),
                    QStringLiteral("Re: [PATCH] b: make beta larger"),
                    "Applied, thanks!\n\n[1/1] b: make beta larger\n      commit: " + m_commits[QStringLiteral("applied")].left(12).toUtf8() + "\n",
                    QStringLiteral("applied@test"));

    // patch-id: same diff, another subject, sender and date.
    r.write(QStringLiteral("c.c"), kl::testing::lines(23, "c.c"));
    r.at(QStringLiteral("2023-02-20T10:00:00Z"));
    m_commits[QStringLiteral("patch-id")] = r.commit(QStringLiteral("c: gamma gets longer"));
    mbox += message(QStringLiteral("Paula Poster <paula@example.org>"), QStringLiteral("Mon, 13 Feb 2023 08:00:00 +0000"),
                    QStringLiteral("patchid@test"), QStringLiteral("[PATCH] c: lengthen gamma"),
                    patchBody(r, m_commits[QStringLiteral("patch-id")]).replace("Subject: ", "X-Was: "));

    // author-date: same author, author date and files; the maintainer changed the diff and subject.
    r.as(QStringLiteral("Dee Author"), QStringLiteral("dee@example.org"));
    r.write(QStringLiteral("d.c"), kl::testing::lines(24, "d.c"));
    r.at(QStringLiteral("2023-03-01T10:00:00Z"));
    m_commits[QStringLiteral("author-date")] = r.commit(QStringLiteral("d: delta, reworded by the maintainer"));
    QByteArray deltaBody = patchBody(r, m_commits[QStringLiteral("author-date")]);
    deltaBody.replace("+d.c 23", "+d.c 23 (first version)");
    mbox += message(QStringLiteral("Dee Author <dee@example.org>"), QStringLiteral("Wed, 01 Mar 2023 10:00:00 +0000"),
                    QStringLiteral("authordate@test"), QStringLiteral("[PATCH] d: delta"), deltaBody);

    // subject: same subject, author and file; another diff and date.
    r.as(QStringLiteral("Sam Subject"), QStringLiteral("sam@example.org"));
    r.write(QStringLiteral("e.c"), kl::testing::lines(25, "e.c"));
    r.at(QStringLiteral("2023-04-10T10:00:00Z"));
    m_commits[QStringLiteral("subject")] = r.commit(QStringLiteral("e: epsilon tweak"));
    QByteArray epsilonBody = patchBody(r, m_commits[QStringLiteral("subject")]);
    epsilonBody.replace("+e.c 24", "+e.c 24 draft");
    mbox += message(QStringLiteral("Sam Subject <sam@example.org>"), QStringLiteral("Sat, 01 Apr 2023 10:00:00 +0000"),
                    QStringLiteral("subject@test"), QStringLiteral("[PATCH] e: epsilon tweak"), epsilonBody);

    // v1 -> v2 -> merged; v1 reviewed by Rita; a Rust file (the second language).
    r.as(QStringLiteral("Ada Dev"), QStringLiteral("ada@example.org"));
    r.write(QStringLiteral("rust/f.rs"), kl::testing::lines(12, "fn"));
    r.at(QStringLiteral("2023-05-20T10:00:00Z"));
    m_commits[QStringLiteral("v2")] = r.commit(QStringLiteral("rust: f: add phi"));
    QByteArray v1Body = patchBody(r, m_commits[QStringLiteral("v2")]);
    v1Body.replace("+fn 11", "+fn eleven");
    mbox += message(ada, QStringLiteral("Mon, 01 May 2023 10:00:00 +0000"), QStringLiteral("v1@test"),
                    QStringLiteral("[PATCH] rust: f: add phi"), v1Body);
    mbox += message(rita, QStringLiteral("Tue, 02 May 2023 10:00:00 +0000"), QStringLiteral("v1-review@test"),
                    QStringLiteral("Re: [PATCH] rust: f: add phi"), "Looks fine.\n\nReviewed-by: Rita Reviewer <rita@example.org>\n",
                    QStringLiteral("v1@test"));
    mbox += message(ada, QStringLiteral("Wed, 10 May 2023 10:00:00 +0000"), QStringLiteral("v2@test"),
                    QStringLiteral("[PATCH v2] rust: f: add phi"), patchBody(r, m_commits[QStringLiteral("v2")]));

    // rejected: a NAK from the maintainer.
    QByteArray gBody = "Make g louder.\n\nSigned-off-by: Ada Dev <ada@example.org>\n---\n"
                       "diff --git a/g.c b/g.c\n--- a/g.c\n+++ b/g.c\n@@ -1,2 +1,2 @@\n-g.c 0\n+G.C 0\n g.c 1\n";
    mbox += message(ada, QStringLiteral("Thu, 01 Jun 2023 10:00:00 +0000"), QStringLiteral("rejected@test"),
                    QStringLiteral("[PATCH] g: louder"), gBody);
    mbox += message(max, QStringLiteral("Thu, 01 Jun 2023 12:00:00 +0000"), QStringLiteral("rejected-nak@test"),
                    QStringLiteral("Re: [PATCH] g: louder"), "No, we do not want this.\n\nNacked-by: Max Maintainer <max@example.org>\n",
                    QStringLiteral("rejected@test"));
    // ignored: nobody answers, and the list goes on for months.
    QByteArray hBody = gBody;
    hBody.replace("g.c", "h.c").replace("G.C", "H.C").replace("g louder", "h quieter");
    mbox += message(ada, QStringLiteral("Sun, 15 Jan 2023 10:00:00 +0000"), QStringLiteral("ignored@test"),
                    QStringLiteral("[PATCH] h: quieter"), hBody);
    // pending: answered, not merged, not refused, the last word days before the archive ends.
    QByteArray kBody = gBody;
    kBody.replace("g.c", "k.c").replace("G.C", "K.C").replace("g louder", "k kinder");
    mbox += message(ada, QStringLiteral("Mon, 10 Jul 2023 10:00:00 +0000"), QStringLiteral("pending@test"),
                    QStringLiteral("[PATCH] k: kinder"), kBody);
    mbox += message(rita, QStringLiteral("Tue, 11 Jul 2023 10:00:00 +0000"), QStringLiteral("pending-q@test"),
                    QStringLiteral("Re: [PATCH] k: kinder"), "Why is this needed?\n", QStringLiteral("pending@test"));

    // Bad input: a hunk shorter than its header says; no Date:; a commit linking to mail we lack.
    mbox += message(ada, QStringLiteral("Wed, 12 Jul 2023 10:00:00 +0000"), QStringLiteral("broken@test"),
                    QStringLiteral("[PATCH] x: broken"),
                    "Broken.\n---\ndiff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1,5 +1,5 @@\n-x\n+y\n");
    mbox += message(ada, QString(), QStringLiteral("nodate@test"), QStringLiteral("[PATCH] y: no date"),
                    "No date.\n---\ndiff --git a/y.c b/y.c\nnew file mode 100644\n--- /dev/null\n+++ b/y.c\n@@ -0,0 +1 @@\n+y\n");
    mbox += message(ada, QStringLiteral("Wed, 12 Jul 2023 11:00:00 +0000"), QStringLiteral("binary@test"),
                    QStringLiteral("[PATCH] firmware: update the blob"),
                    "New firmware.\n---\ndiff --git a/fw.bin b/fw.bin\nindex 1111111..2222222 100644\n"
                    "Binary files a/fw.bin and b/fw.bin differ\n");
    mbox += message(ada, QStringLiteral("Thu, 01 Jan 2099 10:00:00 +0000"), QStringLiteral("future@test"),
                    QStringLiteral("[PATCH] w: from the future"),
                    "Future.\n---\ndiff --git a/w.c b/w.c\nnew file mode 100644\n--- /dev/null\n+++ b/w.c\n@@ -0,0 +1 @@\n+w\n");
    r.write(QStringLiteral("k.c"), kl::testing::lines(26, "k.c"));
    r.at(QStringLiteral("2023-07-01T10:00:00Z"));
    m_commits[QStringLiteral("missing-link")] = r.commit(QStringLiteral("k: unrelated\n\nLink: https://patch.msgid.link/not-here@test"));
    r.tag(QStringLiteral("v1.0"));

    m_mbox = m_dir.filePath(QStringLiteral("list.mbox"));
    QFile f(m_mbox);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(mbox);
    f.close();

    m_store = m_dir.filePath(QStringLiteral("store"));
    auto store = Store::open(m_store, Store::Mode::ReadWrite);
    QVERIFY2(store, qPrintable(store.errorMessage()));
    ingest::GitIngestOptions git;
    git.source = r.path();
    auto ingested = ingest::ingestGit(*store, git, JobContext{});
    QVERIFY2(ingested, qPrintable(ingested.errorMessage()));
    auto mail = ingest::ingestMail(*store, {QStringLiteral("test-list"), {m_mbox}}, JobContext{});
    QVERIFY2(mail, qPrintable(mail.errorMessage()));
    auto derived = derive::runDerivations(*store, {}, JobContext{});
    QVERIFY2(derived, qPrintable(derived.errorMessage()));
    for (const derive::DerivationRun &run : derived->runs)
        qInfo("%s: %s", qPrintable(run.name), qPrintable(run.note));
}

QString TestLinking::linkOf(const QString &msgid, QString *method, QString *role)
{
    auto store = Store::open(m_store, Store::Mode::ReadOnly);
    auto stmt = store->db().prepare(QStringLiteral(
        "SELECT c.oid, l.method, l.role FROM patch_links l JOIN messages m ON m.id = l.message_id "
        "JOIN commits c ON c.id = l.commit_id WHERE m.msgid = ?"));
    stmt->bind(1, msgid);
    auto row = stmt->step();
    if (!row || !row.value())
        return {};
    if (method)
        *method = stmt->text(1);
    if (role)
        *role = stmt->text(2);
    return stmt->text(0);
}

QString TestLinking::outcomeOf(const QString &msgid)
{
    auto store = Store::open(m_store, Store::Mode::ReadOnly);
    return text(*store, QStringLiteral("SELECT r.outcome FROM series_review r JOIN patches p ON p.series_id = r.series_id "
                                       "JOIN messages m ON m.id = p.message_id WHERE m.msgid = ?"),
                QVariantList{msgid});
}

void TestLinking::derive(const QStringList &methods)
{
    auto store = Store::open(m_store, Store::Mode::ReadWrite);
    QVERIFY2(store, qPrintable(store.errorMessage()));
    derive::DeriveOptions options;
    options.linkMethods = methods;
    auto derived = derive::runDerivations(*store, options, JobContext{});
    QVERIFY2(derived, qPrintable(derived.errorMessage()));
}

void TestLinking::eachMethodDecides_data()
{
    QTest::addColumn<QString>("msgid");
    QTest::addColumn<QString>("commit");
    QTest::addColumn<QString>("method");
    QTest::newRow("trailer") << "trailer@test" << "trailer" << "trailer";
    QTest::newRow("applied") << "applied@test" << "applied" << "applied";
    QTest::newRow("patch-id") << "patchid@test" << "patch-id" << "patch-id";
    QTest::newRow("author-date") << "authordate@test" << "author-date" << "author-date";
    QTest::newRow("subject") << "subject@test" << "subject" << "subject";
}

void TestLinking::eachMethodDecides()
{
    QFETCH(QString, msgid);
    QFETCH(QString, commit);
    QFETCH(QString, method);
    QString decided;
    QCOMPARE(linkOf(msgid, &decided), m_commits.value(commit));
    QCOMPARE(decided, method);
}

void TestLinking::laterVersionIsMergedEarlierIsRevision()
{
    QString method, role;
    QCOMPARE(linkOf(QStringLiteral("v2@test"), &method, &role), m_commits.value(QStringLiteral("v2")));
    QCOMPARE(role, QStringLiteral("merged"));
    QCOMPARE(linkOf(QStringLiteral("v1@test"), &method, &role), m_commits.value(QStringLiteral("v2")));
    QCOMPARE(role, QStringLiteral("earlier"));
    QVERIFY2(method == QLatin1String("revision") || method == QLatin1String("author-date") || method == QLatin1String("subject"),
             qPrintable(method));
}

void TestLinking::seriesOutcomes_data()
{
    QTest::addColumn<QString>("msgid");
    QTest::addColumn<QString>("outcome");
    QTest::newRow("merged") << "trailer@test" << "merged";
    QTest::newRow("superseded") << "v1@test" << "superseded";
    QTest::newRow("merged v2") << "v2@test" << "merged";
    QTest::newRow("rejected") << "rejected@test" << "rejected";
    QTest::newRow("ignored") << "ignored@test" << "ignored";
    QTest::newRow("pending") << "pending@test" << "pending";
}

void TestLinking::seriesOutcomes()
{
    QFETCH(QString, msgid);
    QFETCH(QString, outcome);
    QCOMPARE(outcomeOf(msgid), outcome);
}

void TestLinking::latenciesAndReviewers()
{
    auto store = Store::open(m_store, Store::Mode::ReadOnly);
    // v1 posted 2023-05-01 10:00, Rita's Reviewed-by a day later; merged on 2023-05-20 in v1.0.
    const QString sql = QStringLiteral(
        "SELECT %1 FROM series_review r JOIN patches p ON p.series_id = r.series_id JOIN messages m ON m.id = p.message_id "
        "WHERE m.msgid = 'v2@test'");
    QCOMPARE(count(*store, sql.arg(QStringLiteral("r.first_review_at - r.chain_first_posted"))), 0); // v2 itself had no review
    QCOMPARE(count(*store, sql.arg(QStringLiteral("r.versions"))), 2);
    QCOMPARE(text(*store, sql.arg(QStringLiteral("r.language"))), QStringLiteral("second"));
    QCOMPARE(text(*store, QStringLiteral("SELECT rel.tag FROM series_review r JOIN releases rel ON rel.id = r.release_id "
                                         "JOIN patches p ON p.series_id = r.series_id JOIN messages m ON m.id = p.message_id "
                                         "WHERE m.msgid = 'v2@test'")),
             QStringLiteral("v1.0"));
    const QString v1 = QStringLiteral(
        "SELECT %1 FROM series_review r JOIN patches p ON p.series_id = r.series_id JOIN messages m ON m.id = p.message_id "
        "WHERE m.msgid = 'v1@test'");
    QCOMPARE(count(*store, v1.arg(QStringLiteral("r.first_review_at - r.chain_first_posted"))), 86400);
    QCOMPARE(count(*store, v1.arg(QStringLiteral("r.first_reply_at - r.chain_first_posted"))), 86400);
    QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM series_reviewers r JOIN persons p ON p.id = r.person_id "
                                          "WHERE p.email = 'rita@example.org' AND r.trailers = 1")),
             1);
}

void TestLinking::patchIdsEqualGit()
{
    auto store = Store::open(m_store, Store::Mode::ReadOnly);
    const QString sha = m_commits.value(QStringLiteral("patch-id"));
    const QString expected = gitPatchId(m_repo, m_repo.git({QStringLiteral("show"), sha}).toUtf8() + '\n');
    QVERIFY(!expected.isEmpty());
    QCOMPARE(text(*store, QStringLiteral("SELECT x.patch_id FROM commit_patch_ids x JOIN commits c ON c.id = x.commit_id "
                                         "WHERE c.oid = ?"), QVariantList{sha}),
             expected);
    QCOMPARE(text(*store, QStringLiteral("SELECT x.patch_id FROM mail_patch_ids x JOIN messages m ON m.id = x.message_id "
                                         "WHERE m.msgid = 'patchid@test'")),
             expected);
    // The root commit has a patch-id against the empty tree.
    QVERIFY(!text(*store, QStringLiteral("SELECT x.patch_id FROM commit_patch_ids x JOIN commits c ON c.id = x.commit_id "
                                         "WHERE c.oid = ?"), QVariantList{m_commits.value(QStringLiteral("root"))}).isEmpty());
}

void TestLinking::badInputIsCountedAndSkipped()
{
    auto store = Store::open(m_store, Store::Mode::ReadOnly);
    auto warned = [&](const QString &kind, const QString &location) {
        return count(*store, QStringLiteral("SELECT count(*) FROM derive_warnings WHERE kind = ? AND location LIKE ?"),
                     QVariantList{kind, QString(QLatin1Char('%') + location + QLatin1Char('%'))});
    };
    QCOMPARE(warned(QStringLiteral("broken-diff"), QStringLiteral("broken@test")), 1);
    QCOMPARE(warned(QStringLiteral("no-date"), QStringLiteral("nodate@test")), 1);
    QCOMPARE(warned(QStringLiteral("future-date"), QStringLiteral("future@test")), 1);
    QCOMPARE(warned(QStringLiteral("binary-only"), QStringLiteral("binary@test")), 1);
    QCOMPARE(warned(QStringLiteral("link-not-in-archive"), m_commits.value(QStringLiteral("missing-link"))), 1);
    QVERIFY(linkOf(QStringLiteral("broken@test")).isEmpty());
    QVERIFY(linkOf(QStringLiteral("nodate@test")).isEmpty());
}

void TestLinking::methodsCanBeChosenAndEvaluated()
{
    derive({QStringLiteral("patch-id"), QStringLiteral("author-date"), QStringLiteral("subject")});
    QString method;
    // Without trailers the trailer posting is still found: its diff is the commit's.
    QCOMPARE(linkOf(QStringLiteral("trailer@test"), &method), m_commits.value(QStringLiteral("trailer")));
    QCOMPARE(method, QStringLiteral("patch-id"));
    // Without applied notices nothing else links the reworked beta posting.
    QVERIFY(linkOf(QStringLiteral("applied@test")).isEmpty());

    auto store = Store::open(m_store, Store::Mode::ReadOnly);
    auto rows = derive::evaluateLinkMethods(*store, {}, JobContext{});
    QVERIFY2(rows, qPrintable(rows.errorMessage()));
    QHash<QString, derive::MethodEvaluation> byMethod;
    for (const auto &e : rows.value())
        byMethod.insert(e.method, e);
    QCOMPARE(byMethod.value(QStringLiteral("patch-id")).truth, 1);
    QCOMPARE(byMethod.value(QStringLiteral("patch-id")).correct, 1);
    QCOMPARE(byMethod.value(QStringLiteral("patch-id")).precision, 1.0);
    // The trailer posting kept the commit's subject, author and file, but not its author date.
    QCOMPARE(byMethod.value(QStringLiteral("subject")).correct, 1);
    QCOMPARE(byMethod.value(QStringLiteral("author-date")).answered, 0);
    derive();                                                         // back to all methods
    QCOMPARE(linkOf(QStringLiteral("applied@test"), &method), m_commits.value(QStringLiteral("applied")));
}

void TestLinking::unchangedInputsAreSkippedAndNewMailRedoesOnlyItself()
{
    auto store = Store::open(m_store, Store::Mode::ReadWrite);
    QVERIFY(store);
    auto again = derive::runDerivations(*store, {}, JobContext{});
    QVERIFY2(again, qPrintable(again.errorMessage()));
    for (const derive::DerivationRun &run : again->runs)
        QVERIFY2(run.skipped, qPrintable(run.name));

    QFile f(m_mbox);
    QVERIFY(f.open(QIODevice::Append));
    f.write(message(QStringLiteral("Ada Dev <ada@example.org>"), QStringLiteral("Thu, 13 Jul 2023 10:00:00 +0000"),
                    QStringLiteral("late@test"), QStringLiteral("[PATCH] z: late"),
                    "Late.\n---\ndiff --git a/z.c b/z.c\nnew file mode 100644\n--- /dev/null\n+++ b/z.c\n@@ -0,0 +1 @@\n+z\n"));
    f.close();
    QVERIFY(ingest::ingestMail(*store, {QStringLiteral("test-list"), {m_mbox}}, JobContext{}));
    auto after = derive::runDerivations(*store, {}, JobContext{});
    QVERIFY2(after, qPrintable(after.errorMessage()));
    for (const derive::DerivationRun &run : after->runs) {
        if (run.name == QLatin1String("patch-ids"))
            QCOMPARE(run.items, 1); // the new patch only: commits and older mail keep their ids
        if (run.name == QLatin1String("release-trees"))
            QVERIFY(run.skipped);   // no new release
    }
    QCOMPARE(outcomeOf(QStringLiteral("late@test")), QStringLiteral("pending"));
}

QTEST_GUILESS_MAIN(TestLinking)
#include "tst_linking.moc"
