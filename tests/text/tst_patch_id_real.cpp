// patch-ids on real data against the installed git, every one:
//  - every commit of liburing.bundle (mirror clone): `git log -p --all | git patch-id --stable`,
//    git's default pipeline (rename detection on), against CommitPatchIds;
//  - every message of io-uring-liburing.mbox (split here, mboxrd ">From " unquoted): `git patch-id
//    --stable` on the message's bytes against patchIdStable on the same bytes.
// Any mismatch fails. Counts are printed (docs/mailtext.md, "patch-id", quotes them).

#include <kernellens/ingest/patch_id.h>

#include "git_runner.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace kl::text;
using kl::testing::runGit;

namespace {

const QString kData = QStringLiteral(KERNELLENS_SHARED_DATA);

// mboxrd: a message starts after a "From " line at the start of the file or after an empty line;
// ">From ", ">>From " ... lose one '>'. The empty line before the next separator is mbox's.
QList<QByteArray> splitMbox(const QByteArray &mbox)
{
    QList<QByteArray> messages;
    QByteArray current;
    bool inMessage = false;
    bool previousEmpty = true;
    static const QRegularExpression quotedFrom(QStringLiteral("^>+From "));
    qsizetype pos = 0;
    while (pos < mbox.size()) {
        qsizetype nl = mbox.indexOf('\n', pos);
        const qsizetype end = nl < 0 ? mbox.size() : nl + 1;
        QByteArray line = mbox.mid(pos, end - pos);
        pos = end;
        if (previousEmpty && line.startsWith("From ")) {
            if (inMessage) {
                if (current.endsWith("\n\n"))
                    current.chop(1);
                messages.append(current);
            }
            current.clear();
            inMessage = true;
            previousEmpty = false;
            continue;
        }
        previousEmpty = line == "\n" || line == "\r\n";
        if (line.startsWith('>') && quotedFrom.match(QString::fromLatin1(line.left(64))).hasMatch())
            line.remove(0, 1);
        current += line;
    }
    if (inMessage) {
        if (current.endsWith("\n\n"))
            current.chop(1);
        messages.append(current);
    }
    return messages;
}

} // namespace

class TestPatchIdReal : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void commits();
    void mails();

private:
    QTemporaryDir m_dir;
    QString m_repo;
};

void TestPatchIdReal::initTestCase()
{
    const QString bundle = kData + QStringLiteral("/liburing.bundle");
    if (!QFile::exists(bundle))
        QSKIP("liburing.bundle is not in the shared data");
    QVERIFY(m_dir.isValid());
    m_repo = m_dir.path() + QStringLiteral("/liburing.git");
    const auto clone = runGit({QStringLiteral("clone"), QStringLiteral("-q"), QStringLiteral("--mirror"), bundle, m_repo});
    QVERIFY2(clone.ok, clone.err.constData());
}

void TestPatchIdReal::commits()
{
    const auto list = runGit({QStringLiteral("rev-list"), QStringLiteral("--all"), QStringLiteral("--no-merges")}, {}, m_repo);
    QVERIFY(list.ok);
    const QList<QByteArray> commits = list.out.trimmed().split('\n');
    const auto merges = runGit({QStringLiteral("rev-list"), QStringLiteral("--all"), QStringLiteral("--merges")}, {}, m_repo);
    const QList<QByteArray> mergeCommits = merges.out.trimmed().isEmpty() ? QList<QByteArray>() : merges.out.trimmed().split('\n');

    QElapsedTimer gitTimer;
    gitTimer.start();
    const auto log = runGit({QStringLiteral("log"), QStringLiteral("-p"), QStringLiteral("--all")}, {}, m_repo);
    QVERIFY(log.ok);
    const auto ids = runGit({QStringLiteral("patch-id"), QStringLiteral("--stable")}, log.out);
    QVERIFY(ids.ok);
    const QHash<QByteArray, QByteArray> expected = kl::testing::parsePatchIds(ids.out);
    const qint64 gitMs = gitTimer.elapsed();

    auto reader = kl::git::CommitPatchIds::open(m_repo);
    QVERIFY2(reader, qPrintable(reader.errorMessage()));
    QElapsedTimer ourTimer;
    ourTimer.start();
    int equal = 0, mismatches = 0, errors = 0, withId = 0;
    for (const QByteArray &sha : commits) {
        auto id = reader->patchId(sha);
        if (!id) {
            if (++errors <= 5)
                qWarning("%s", qPrintable(id.errorMessage()));
            continue;
        }
        const QByteArray want = expected.value(sha);
        withId += want.isEmpty() ? 0 : 1;
        if (id.value() == want) {
            ++equal;
        } else if (++mismatches <= 10) {
            qWarning("commit %s: ours %s, git %s", sha.constData(), id->constData(), want.constData());
        }
    }
    const qint64 ourMs = ourTimer.elapsed();
    int mergesEmpty = 0;
    for (const QByteArray &sha : mergeCommits) {
        auto id = reader->patchId(sha);
        mergesEmpty += id && id->isEmpty() && !expected.contains(sha) ? 1 : 0;
    }
    qInfo("liburing: %lld non-merge commits (%d with a git id): %d equal, %d different, %d errors; "
          "%d of %lld merges without id as git; git log -p | patch-id %lld ms, CommitPatchIds %lld ms",
          qlonglong(commits.size()), withId, equal, mismatches, errors, mergesEmpty,
          qlonglong(mergeCommits.size()), gitMs, ourMs);
    QVERIFY(commits.size() > 3000);
    QCOMPARE(errors, 0);
    QCOMPARE(mismatches, 0);
    QCOMPARE(mergesEmpty, int(mergeCommits.size()));
}

void TestPatchIdReal::mails()
{
    QFile file(kData + QStringLiteral("/io-uring-liburing.mbox"));
    if (!file.open(QIODevice::ReadOnly))
        QSKIP("io-uring-liburing.mbox is not in the shared data");
    const QList<QByteArray> messages = splitMbox(file.readAll());
    QVERIFY(messages.size() > 2000);

    int withGitId = 0, equal = 0, mismatches = 0, broken = 0, brokenEqual = 0, noDiff = 0;
    qint64 ourNs = 0;
    QElapsedTimer timer;
    for (qsizetype i = 0; i < messages.size(); ++i) {
        const QByteArray &m = messages[i];
        const QByteArray git = kl::testing::gitPatchId(m);
        timer.start();
        const PatchIdResult ours = patchIdStable(m);
        ourNs += timer.nsecsElapsed();
        const PatchIdResult asGit = patchIdStable(m, TruncatedHunks::AsGit);
        withGitId += git.isEmpty() ? 0 : 1;
        noDiff += git.isEmpty() ? 1 : 0;
        if (ours.broken) {
            ++broken;
            brokenEqual += asGit.id == git ? 1 : 0;
            if (asGit.id != git)
                ++mismatches;
            if (broken <= 10)
                qInfo("message %lld broken: %s", qlonglong(i), qPrintable(ours.problem));
            continue;
        }
        if (ours.id == git) {
            ++equal;
        } else if (++mismatches <= 10) {
            qWarning("message %lld: ours %s, git %s", qlonglong(i), ours.id.constData(), git.constData());
        }
    }
    qInfo("io-uring mbox: %lld messages, %d with a git id, %d without: %d equal; %d broken (no id, "
          "and git's id equal when asked: %d); %d different; patchIdStable %.1f ms in all",
          qlonglong(messages.size()), withGitId, noDiff, equal, broken, brokenEqual, mismatches, ourNs / 1e6);
    QCOMPARE(mismatches, 0);
}

QTEST_GUILESS_MAIN(TestPatchIdReal)
#include "tst_patch_id_real.moc"
