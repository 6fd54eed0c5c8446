// kernellens-cli against hostile text and against Ctrl-C, through the real binary.
// - No command writes a raw control character (ESC, BEL, C1, DEL) or a bidi override to the
//   terminal or to a CSV file, whatever the mail and the repository contain; JSON keeps the
//   exact text, escaped.
// - Ctrl-C stops an ingest with exit status 130 and a rerun completes it; a second Ctrl-C stops at
//   once and says what it left and how to resume.

#include "../git/scratch_repo.h"

#include <QDir>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

namespace {

// Hostile strings, each with what a terminal would act on: a screen clear, a window title (OSC 0),
// a hyperlink (OSC 8), BEL, a C1 CSI, DEL and a right-to-left override.
// Big enough that an ingest is still running when the interrupt comes, even without sanitizers.
constexpr int kBigMessages = 6000;
const QString kHostileName = QStringLiteral("Mal\x1b]0;owned\x07lory \u202Eevil\u202C");
const QString kHostileSubject = QStringLiteral("[PATCH] rust: fix \x1b[2J\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\ \u009b31m \x7f");

QByteArray hostileMbox()
{
    const QByteArray name = kHostileName.toUtf8();
    const QByteArray subject = kHostileSubject.toUtf8();
    QByteArray mbox;
    auto message = [&](const QByteArray &id, const QByteArray &inReplyTo, const QByteArray &subj,
                       const QByteArray &body, int minute) {
        mbox += "From mallory@example.org Mon Jan  1 00:00:00 2024\n";
        mbox += "From: " + name + " <mallory@example.org>\n";
        mbox += "To: rust-for-linux@vger.kernel.org\n";
        mbox += "Subject: " + subj + "\n";
        mbox += "Message-ID: <" + id + ">\n";
        if (!inReplyTo.isEmpty())
            mbox += "In-Reply-To: <" + inReplyTo + ">\nReferences: <" + inReplyTo + ">\n";
        mbox += "Date: Mon, 1 Jan 2024 00:" + QByteArray::number(minute).rightJustified(2, '0') + ":00 +0000\n";
        mbox += "Content-Type: text/plain; charset=utf-8\n\n" + body + "\n";
    };
    message("hostile-1@example.org", {}, subject,
            "Add a binding.\n\n"
            "Signed-off-by: " + name + " <mallory@example.org>\n"
            "---\n"
            "diff --git a/rust/kernel/evil.rs b/rust/kernel/evil.rs\n"
            "new file mode 100644\n"
            "--- /dev/null\n"
            "+++ b/rust/kernel/evil.rs\n"
            "@@ -0,0 +1 @@\n"
            "+// \x1b[31mred\x1b[0m\n",
            0);
    message("hostile-2@example.org", "hostile-1@example.org", "Re: " + subject,
            "NAK. You are an idiot \x1b[2J and this is stupid garbage \xe2\x80\xae reversed.\n"
            "What is the point of this crap? Stop sending this nonsense \x07 immediately.\n",
            5);
    message("hostile-3@example.org", "hostile-2@example.org", "Re: " + subject,
            "Reviewed-by: " + name + " <mallory@example.org>\n", 9);
    return mbox;
}

// What a terminal or a spreadsheet would act on. Line feeds and tabs are text; a carriage return
// only as the CSV record separator.
QString firstUnsafeCharacter(const QByteArray &bytes, bool csv)
{
    const QString text = QString::fromUtf8(bytes);
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t u = text[i].unicode();
        if (u == u'\n' || u == u'\t')
            continue;
        if (u == u'\r' && csv && i + 1 < text.size() && text[i + 1] == QLatin1Char('\n'))
            continue;
        const bool control = u < 0x20 || u == 0x7F || (u >= 0x80 && u <= 0x9F);
        const bool bidi = u == 0x061C || u == 0x200E || u == 0x200F || (u >= 0x202A && u <= 0x202E)
                          || (u >= 0x2066 && u <= 0x2069);
        if (control || bidi)
            return QStringLiteral("U+%1 at %2 in: %3")
                .arg(u, 4, 16, QLatin1Char('0'))
                .arg(i)
                .arg(text.mid(std::max<qsizetype>(0, i - 40), 80).toHtmlEscaped());
    }
    return {};
}

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

} // namespace

class TestCliSafety : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void noControlCharacterReachesTheTerminal_data();
    void noControlCharacterReachesTheTerminal();
    void reportCsvFilesAreClean();
    void jsonKeepsTheExactText();
    void ctrlCStopsAndARerunResumes();
    void secondCtrlCSaysWhatItLeft();

private:
    Run run(const QStringList &args, const QString &store = {}) const;
    QString writeBigMbox(int messages) const;
    // Starts an ingest of `mbox`, interrupts it `signals` times once it is under way, and returns
    // its exit code and stderr.
    Run interruptIngest(const QString &store, const QString &mbox, int interrupts) const;

    QTemporaryDir m_dir;
    QString m_store;
    kl::testing::Scratch m_repo;
};

Run TestCliSafety::run(const QStringList &args, const QString &store) const
{
    QProcess p;
    p.start(QStringLiteral(KERNELLENS_CLI), QStringList{QStringLiteral("--db"), store.isEmpty() ? m_store : store} + args);
    Run r;
    if (!p.waitForFinished(180000)) {
        p.kill();
        p.waitForFinished();
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

void TestCliSafety::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_dir.setAutoRemove(qEnvironmentVariableIsEmpty("KL_KEEP"));
    m_store = m_dir.filePath(QStringLiteral("store"));

    // A repository whose author, tag message and commit subjects are hostile too.
    m_repo.as(kHostileName, QStringLiteral("mallory@example.org"));
    m_repo.write(QStringLiteral("MAINTAINERS"), "RUST\nM:\t" + kHostileName.toUtf8() + " <mallory@example.org>\nF:\trust/\n");
    m_repo.write(QStringLiteral("rust/kernel/lib.rs"), "// lib\n");
    m_repo.commit(QStringLiteral("rust: start \x1b[2J\u202Etxet"));
    m_repo.git({QStringLiteral("tag"), QStringLiteral("v1.0")});
    m_repo.write(QStringLiteral("rust/kernel/evil.rs"), "// \x1b[31mred\n");
    m_repo.commit(kHostileSubject);
    m_repo.git({QStringLiteral("tag"), QStringLiteral("v1.1")});

    QFile mbox(m_dir.filePath(QStringLiteral("hostile.mbox")));
    QVERIFY(mbox.open(QIODevice::WriteOnly));
    mbox.write(hostileMbox());
    mbox.close();

    const Run git = run({QStringLiteral("ingest"), QStringLiteral("git"), m_repo.path()});
    QVERIFY2(git.exitCode == 0, git.err.constData());
    const Run mail = run({QStringLiteral("ingest"), QStringLiteral("mail"), QStringLiteral("--list"),
                          QStringLiteral("rust\x1b[2Jlist"), mbox.fileName()});
    QVERIFY2(mail.exitCode == 0, mail.err.constData());
    QVERIFY2(firstUnsafeCharacter(git.out + git.err + mail.out + mail.err, false).isEmpty(),
             qPrintable(firstUnsafeCharacter(git.out + git.err + mail.out + mail.err, false)));
}

void TestCliSafety::noControlCharacterReachesTheTerminal_data()
{
    QTest::addColumn<QStringList>("args");
    const QStringList commands[] = {
        {QStringLiteral("search"), QStringLiteral("rust")},
        {QStringLiteral("search"), QStringLiteral("s:fix")},
        {QStringLiteral("thread"), QStringLiteral("hostile-2@example.org")},
        {QStringLiteral("stats")},
        {QStringLiteral("adoption")},
        {QStringLiteral("onboarding")},
        {QStringLiteral("coverage")},
        {QStringLiteral("friction")},
        {QStringLiteral("patches")},
        {QStringLiteral("series")},
        {QStringLiteral("review")},
        {QStringLiteral("derive"), QStringLiteral("--force")},
        {QStringLiteral("report"), QStringLiteral("--format"), QStringLiteral("md")},
    };
    for (const QStringList &command : commands) {
        for (const QString &format : {QStringLiteral("text"), QStringLiteral("csv")}) {
            QStringList args = command;
            if (format == QLatin1String("csv"))
                args.prepend(QStringLiteral("--csv"));
            QTest::newRow(qPrintable(command.join(QLatin1Char(' ')) + QLatin1Char('/') + format)) << args;
        }
    }
}

void TestCliSafety::noControlCharacterReachesTheTerminal()
{
    QFETCH(QStringList, args);
    const Run r = run(args);
    // Some commands have nothing to say on this tiny store (exit 1 with a message): the message
    // is text for the terminal too.
    QVERIFY2(r.exitCode == 0 || r.exitCode == 1, r.err.constData());
    const bool csv = args.contains(QStringLiteral("--csv"));
    const QString outIssue = firstUnsafeCharacter(r.out, csv);
    QVERIFY2(outIssue.isEmpty(), qPrintable(QStringLiteral("stdout: ") + outIssue));
    const QString errIssue = firstUnsafeCharacter(r.err, false);
    QVERIFY2(errIssue.isEmpty(), qPrintable(QStringLiteral("stderr: ") + errIssue));
}

void TestCliSafety::reportCsvFilesAreClean()
{
    const QString dir = m_dir.filePath(QStringLiteral("csv-report"));
    const Run r = run({QStringLiteral("report"), QStringLiteral("--format"), QStringLiteral("csv"),
                       QStringLiteral("--out"), dir});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    int files = 0;
    bool sawHostileName = false;
    for (QDirIterator it(dir, {QStringLiteral("*.csv")}, QDir::Files); it.hasNext();) {
        QFile f(it.next());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        const QString issue = firstUnsafeCharacter(bytes, true);
        QVERIFY2(issue.isEmpty(), qPrintable(f.fileName() + QStringLiteral(": ") + issue));
        // The hostile text is there, shown: ESC as its Control Picture.
        sawHostileName = sawHostileName || QString::fromUtf8(bytes).contains(QStringLiteral("Mal\u241B]0;owned\u2407lory"));
        ++files;
    }
    QVERIFY(files > 0);
    QVERIFY2(sawHostileName, "the hostile author name is in some CSV file, made visible");
}

void TestCliSafety::jsonKeepsTheExactText()
{
    const Run r = run({QStringLiteral("--json"), QStringLiteral("thread"), QStringLiteral("hostile-2@example.org")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(firstUnsafeCharacter(r.out, false).isEmpty(), "JSON escapes control characters");
    const QJsonDocument doc = QJsonDocument::fromJson(r.out);
    QVERIFY(!doc.isNull());
    const QString text = QString::fromUtf8(doc.toJson());
    // Parsed back, the subject is exactly what the mail said, escape sequences and all.
    QVERIFY2(QString::fromUtf8(QJsonDocument(doc).toJson()).contains(QStringLiteral("\\u001b[2J")), qPrintable(text.left(400)));
    std::function<bool(const QJsonValue &)> hasSubject = [&](const QJsonValue &v) {
        if (v.isObject()) {
            const QJsonObject o = v.toObject();
            if (o.value(QStringLiteral("subject")).toString() == kHostileSubject)
                return true;
            for (const QJsonValue &child : o)
                if (hasSubject(child))
                    return true;
        } else if (v.isArray()) {
            for (const QJsonValue &child : v.toArray())
                if (hasSubject(child))
                    return true;
        }
        return false;
    };
    QVERIFY(hasSubject(doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array())));
}

QString TestCliSafety::writeBigMbox(int messages) const
{
    const QString path = m_dir.filePath(QStringLiteral("big-%1.mbox").arg(messages));
    if (QFile::exists(path))
        return path;
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    for (int i = 0; i < messages; ++i) {
        const QByteArray n = QByteArray::number(i);
        f.write("From dev@example.org Mon Jan  1 00:00:00 2024\n"
                "From: Dev " + n + " <dev" + n + "@example.org>\n"
                "Subject: [PATCH " + n + "] kbuild: message number " + n + "\n"
                "Message-ID: <big-" + n + "@example.org>\n"
                + (i % 5 ? "In-Reply-To: <big-" + QByteArray::number(i - i % 5) + "@example.org>\n" : QByteArray())
                + "Date: Mon, 1 Jan 2024 00:00:00 +0000\n\n"
                "Body of message " + n + " with a few words to index and search.\n\n");
    }
    return path;
}

Run TestCliSafety::interruptIngest(const QString &store, const QString &mbox, int interrupts) const
{
    QProcess p;
    p.start(QStringLiteral(KERNELLENS_CLI), {QStringLiteral("--db"), store, QStringLiteral("ingest"),
                                             QStringLiteral("mail"), QStringLiteral("--list"),
                                             QStringLiteral("big"), mbox});
    Run r;
    if (!p.waitForStarted())
        return r;
    // Taken while the child runs: after it exits, processId() is 0, and kill(0, ...) would
    // interrupt this test's whole process group (ctest and CI with it).
    const pid_t pid = pid_t(p.processId());
    // Under way: the first progress line has been written.
    QByteArray err;
    while (!err.contains('[') && p.state() == QProcess::Running) {
        p.waitForReadyRead(50);
        err += p.readAllStandardError();
    }
    for (int i = 0; i < interrupts && pid > 0; ++i) {
        // QProcess reaps the child only from the event loop, so while it still says Running
        // the pid cannot have been reused.
        if (p.state() != QProcess::Running)
            break;
        ::kill(pid, SIGINT);
        if (i + 1 < interrupts)
            QTest::qWait(30);
    }
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = err + p.readAllStandardError();
    return r;
}

void TestCliSafety::ctrlCStopsAndARerunResumes()
{
    const QString mbox = writeBigMbox(kBigMessages);
    QVERIFY(!mbox.isEmpty());
    const QString store = m_dir.filePath(QStringLiteral("interrupted"));
    const Run stopped = interruptIngest(store, mbox, 1);
    QCOMPARE(stopped.exitCode, 130);
    QVERIFY2(stopped.err.contains("stopping; press Ctrl-C again"), stopped.err.constData());
    QVERIFY2(stopped.err.contains("rerun the same command to resume"), stopped.err.constData());

    const Run resumed = run({QStringLiteral("ingest"), QStringLiteral("mail"), QStringLiteral("--list"),
                             QStringLiteral("big"), mbox}, store);
    QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
    const Run stats = run({QStringLiteral("--json"), QStringLiteral("stats")}, store);
    QVERIFY2(stats.exitCode == 0, stats.err.constData());
    QVERIFY2(stats.out.contains(QByteArray::number(kBigMessages)), stats.out.left(2000).constData());
}

void TestCliSafety::secondCtrlCSaysWhatItLeft()
{
    const QString mbox = writeBigMbox(kBigMessages);
    const QString store = m_dir.filePath(QStringLiteral("interrupted-twice"));
    const Run stopped = interruptIngest(store, mbox, 2);
    QCOMPARE(stopped.exitCode, 130);
    // Either the second interrupt came while the first was still being honoured (the note), or the
    // first had already ended the run.
    const bool note = stopped.err.contains("stopped at once during \"");
    QVERIFY2(note || stopped.err.contains("cancelled; rerun"), stopped.err.constData());
    if (note) {
        QVERIFY2(stopped.err.contains("Rerun the same command to resume"), stopped.err.constData());
        QVERIFY2(stopped.err.contains("the work since the last commit is not"), stopped.err.constData());
    }
    const Run resumed = run({QStringLiteral("ingest"), QStringLiteral("mail"), QStringLiteral("--list"),
                             QStringLiteral("big"), mbox}, store);
    QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
}

QTEST_GUILESS_MAIN(TestCliSafety)
#include "tst_cli_safety.moc"
