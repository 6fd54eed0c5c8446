// Git ingest on scratch repositories built with the git CLI in QTemporaryDir.

#include <kernellens/index/store.h>
#include <kernellens/ingest/git_ingest.h>
#include <kernellens/models/adoption.h>
#include <kernellens/models/onboarding.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include "scratch_repo.h"

using namespace kl;
using kl::testing::lines;
using kl::testing::Scratch;

namespace {

Result<ingest::GitIngestSummary> ingestInto(Store &store, const QString &source, ingest::GitIngestOptions options = {})
{
    options.source = source;
    return ingest::ingestGit(store, options, JobContext{});
}

QStringList column(Store &store, const QString &sql)
{
    QStringList out;
    auto stmt = store.db().prepare(sql);
    if (!stmt)
        return {stmt.errorMessage()};
    while (true) {
        auto row = stmt->step();
        if (!row || !*row)
            break;
        QStringList cells;
        for (int i = 0; i < stmt->columnCount(); ++i)
            cells << (stmt->isNull(i) ? QStringLiteral("-") : stmt->text(i));
        out << cells.join(QLatin1Char(' '));
    }
    return out;
}

// A history with additions, edits, deletions, a binary file, a file without a final newline,
// a mode change, a rename (counted as delete + add, as --no-renames does) and a merge.
void buildHistory(Scratch &repo)
{
    repo.write(QStringLiteral("kernel/core.c"), lines(40, "int"));
    repo.write(QStringLiteral("README"), "hello");   // no final newline
    repo.write(QStringLiteral(".mailmap"), "Ada Dev <ada@example.org> <ada@old.example>\n");
    repo.commit(QStringLiteral("initial\n\nSigned-off-by: Ada Dev <ada@example.org>"));
    repo.tag(QStringLiteral("v1.0"));

    repo.at(QStringLiteral("2023-03-01T12:00:00Z"));
    repo.as(QStringLiteral("Ada Dev"), QStringLiteral("ada@old.example"));
    QByteArray core = lines(40, "int");
    core.replace("int 7\n", "long 7\nlong 7b\n");
    core += "tail\n";
    repo.write(QStringLiteral("kernel/core.c"), core);
    repo.write(QStringLiteral("README"), "hello\nworld\n");
    repo.write(QStringLiteral("fw.bin"), QByteArray("\x00\x01\x02\nxx", 6));
    repo.commit(QStringLiteral("edit\n\nReviewed-by: Bob Rev <bob@example.org>\nSigned-off-by: Ada Dev <ada@old.example>"));

    repo.git({QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("topic")});
    repo.at(QStringLiteral("2023-04-01T12:00:00Z"));
    repo.as(QStringLiteral("Rusty Newcomer"), QStringLiteral("rusty@example.org"));
    repo.write(QStringLiteral("rust/kernel/lib.rs"), lines(25, "let"));
    repo.commit(QStringLiteral("rust: add the kernel crate"));
    repo.git({QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("master")});
    repo.at(QStringLiteral("2023-04-02T12:00:00Z"));
    repo.as(QStringLiteral("Ada Dev"), QStringLiteral("ada@example.org"));
    repo.write(QStringLiteral("scripts/run.sh"), "#!/bin/sh\necho hi\n");
    repo.commit(QStringLiteral("scripts: add run.sh"));
    repo.git({QStringLiteral("update-index"), QStringLiteral("--chmod=+x"), QStringLiteral("scripts/run.sh")});
    repo.git({QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), QStringLiteral("scripts: make run.sh executable")});
    repo.at(QStringLiteral("2023-04-03T12:00:00Z"));
    repo.git({QStringLiteral("merge"), QStringLiteral("-q"), QStringLiteral("--no-ff"), QStringLiteral("-m"), QStringLiteral("Merge branch 'topic'"), QStringLiteral("topic")});
    repo.tag(QStringLiteral("v1.1"));

    repo.at(QStringLiteral("2023-05-01T12:00:00Z"));
    repo.git({QStringLiteral("mv"), QStringLiteral("README"), QStringLiteral("README.txt")});
    repo.remove(QStringLiteral("fw.bin"));
    repo.commit(QStringLiteral("rename README, drop firmware"));
}

} // namespace

class TestGitIngest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void numstatEqualsGitLog();
    void mergesCarryNoFiles();
    void mailmapMergesIdentities();
    void trailersAreStored();
    void releasesAndIncrementalRerun();
    void snapshotsCountLines();
    void luaAsSecondLanguage();
    void notARepository();
    void shallowClone();
    void missingBranch();
    void corruptObject();
    void cloneFromFileUrl();
};

void TestGitIngest::numstatEqualsGitLog()
{
    Scratch repo;
    buildHistory(repo);
    QTemporaryDir dir;
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto summary = ingestInto(*store, repo.path());
    QVERIFY2(summary, qPrintable(summary.errorMessage()));

    QStringList expected;
    QString commit;
    const QString log = repo.git({QStringLiteral("log"), QStringLiteral("--all"), QStringLiteral("--numstat"), QStringLiteral("--no-renames"), QStringLiteral("--format=C %H")});
    for (const QString &line : log.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        if (line.startsWith(QLatin1String("C "))) {
            commit = line.mid(2);
            continue;
        }
        const QStringList f = line.split(QLatin1Char('\t'));
        if (f.size() == 3)
            expected << QStringLiteral("%1 %2 %3 %4").arg(commit, f[0], f[1], f[2]);
    }
    QStringList actual = column(*store, QStringLiteral(
        "SELECT c.oid, coalesce(f.added, '-'), coalesce(f.deleted, '-'), p.path FROM commit_files f"
        " JOIN commits c ON c.id = f.commit_id JOIN git_paths p ON p.id = f.path_id"));
    expected.sort();
    actual.sort();
    QVERIFY(expected.size() >= 10);
    QCOMPARE(actual, expected);
}

void TestGitIngest::mergesCarryNoFiles()
{
    Scratch repo;
    buildHistory(repo);
    QTemporaryDir dir;
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto summary = ingestInto(*store, repo.path());
    QVERIFY2(summary, qPrintable(summary.errorMessage()));
    QCOMPARE(summary->mergesAdded, 1);
    QCOMPARE(column(*store, QStringLiteral("SELECT count(*) FROM commits c JOIN commit_files f ON f.commit_id = c.id WHERE c.parents > 1")),
             QStringList{QStringLiteral("0")});
    QCOMPARE(column(*store, QStringLiteral("SELECT count(*) FROM commits WHERE parents > 1")), QStringList{QStringLiteral("1")});

    // --first-parent: the merge carries its first-parent diff and the topic commit is not walked.
    QTemporaryDir dir2;
    auto fp = Store::open(dir2.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(fp);
    ingest::GitIngestOptions options;
    options.firstParent = true;
    auto s2 = ingestInto(*fp, repo.path(), options);
    QVERIFY2(s2, qPrintable(s2.errorMessage()));
    QCOMPARE(s2->commitsAdded, summary->commitsAdded - 1);
    QCOMPARE(column(*fp, QStringLiteral("SELECT p.path, f.added FROM commits c JOIN commit_files f ON f.commit_id = c.id"
                                        " JOIN git_paths p ON p.id = f.path_id WHERE c.parents > 1")),
             QStringList{QStringLiteral("rust/kernel/lib.rs 25")});
}

void TestGitIngest::mailmapMergesIdentities()
{
    Scratch repo;
    buildHistory(repo);
    QTemporaryDir dir;
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    QVERIFY(ingestInto(*store, repo.path()));
    // ada@old.example is mapped to ada@example.org by .mailmap: two identities, one person.
    QCOMPARE(column(*store, QStringLiteral("SELECT count(DISTINCT author_id), count(DISTINCT author_person) FROM commits c"
                                           " JOIN identities i ON i.id = c.author_id WHERE i.name = 'Ada Dev'")),
             QStringList{QStringLiteral("2 1")});
    QCOMPARE(column(*store, QStringLiteral("SELECT p.email FROM commits c JOIN persons p ON p.id = c.author_person"
                                           " JOIN identities i ON i.id = c.author_id WHERE i.email = 'ada@old.example' LIMIT 1")),
             QStringList{QStringLiteral("ada@example.org")});
}

void TestGitIngest::trailersAreStored()
{
    Scratch repo;
    buildHistory(repo);
    QTemporaryDir dir;
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    QVERIFY(ingestInto(*store, repo.path()));
    QCOMPARE(column(*store, QStringLiteral("SELECT t.kind, i.email FROM commit_trailers t JOIN identities i ON i.id = t.identity_id"
                                           " JOIN commits c ON c.id = t.commit_id WHERE c.subject = 'edit' ORDER BY t.kind")),
             (QStringList{QStringLiteral("Reviewed-by bob@example.org"), QStringLiteral("Signed-off-by ada@old.example")}));
}

void TestGitIngest::releasesAndIncrementalRerun()
{
    Scratch repo;
    buildHistory(repo);
    QTemporaryDir dir;
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto first = ingestInto(*store, repo.path());
    QVERIFY2(first, qPrintable(first.errorMessage()));
    QCOMPARE(first->commitsAdded, 7);
    QCOMPARE(first->releasesAdded, 2);
    // First release containing each commit (as git describe --contains).
    QCOMPARE(column(*store, QStringLiteral("SELECT c.subject, coalesce(r.tag, '-') FROM commits c LEFT JOIN releases r ON r.id = c.release_id ORDER BY c.author_time, c.subject")),
             (QStringList{QStringLiteral("initial v1.0"), QStringLiteral("edit v1.1"),
                          QStringLiteral("rust: add the kernel crate v1.1"), QStringLiteral("scripts: add run.sh v1.1"),
                          QStringLiteral("scripts: make run.sh executable v1.1"), QStringLiteral("Merge branch 'topic' v1.1"),
                          QStringLiteral("rename README, drop firmware -")}));

    auto again = ingestInto(*store, repo.path());
    QVERIFY2(again, qPrintable(again.errorMessage()));
    QCOMPARE(again->commitsAdded, 0);
    QCOMPARE(again->snapshotsAdded, 0);

    // Two new commits and a new tag: only they are read; the unreleased commit joins v1.2.
    repo.at(QStringLiteral("2023-06-01T12:00:00Z"));
    repo.write(QStringLiteral("kernel/new.c"), lines(3, "x"));
    repo.commit(QStringLiteral("new file"));
    repo.tag(QStringLiteral("v1.2"));
    repo.write(QStringLiteral("kernel/new.c"), lines(4, "x"));
    repo.commit(QStringLiteral("after v1.2"));
    auto third = ingestInto(*store, repo.path());
    QVERIFY2(third, qPrintable(third.errorMessage()));
    QCOMPARE(third->commitsAdded, 2);
    QCOMPARE(third->commitsReassigned, 1);
    QCOMPARE(third->releasesAdded, 1);
    QCOMPARE(third->snapshotsAdded, 1);
    QCOMPARE(column(*store, QStringLiteral("SELECT c.subject, coalesce(r.tag, '-') FROM commits c LEFT JOIN releases r ON r.id = c.release_id WHERE c.author_time >= 1682942400 ORDER BY c.author_time, c.subject")),
             (QStringList{QStringLiteral("rename README, drop firmware v1.2"), QStringLiteral("after v1.2 -"), QStringLiteral("new file v1.2")}));
    QCOMPARE(column(*store, QStringLiteral("SELECT count(*) FROM commits")), QStringList{QStringLiteral("9")});
    QCOMPARE(column(*store, QStringLiteral("SELECT tag, ordinal FROM releases ORDER BY ordinal")),
             (QStringList{QStringLiteral("v1.0 0"), QStringLiteral("v1.1 1"), QStringLiteral("v1.2 2")}));
}

void TestGitIngest::snapshotsCountLines()
{
    Scratch repo;
    buildHistory(repo);
    QTemporaryDir dir;
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    QVERIFY(ingestInto(*store, repo.path()));
    // v1.1: core.c 42 lines, README 2, lib.rs 25, run.sh 2, fw.bin 1 newline, .mailmap 1.
    QCOMPARE(column(*store, QStringLiteral("SELECT st.language, st.files, st.lines FROM release_stats st JOIN releases r ON r.id = st.release_id"
                                           " WHERE r.tag = 'v1.1' ORDER BY st.language, st.top")),
             (QStringList{QStringLiteral("C 1 42"), QStringLiteral("Other 3 4"), QStringLiteral("Rust 1 25"), QStringLiteral("Scripts 1 2")}));
    auto adoption = models::adoption(*store, models::Filter{});
    QVERIFY2(adoption, qPrintable(adoption.errorMessage()));
    QCOMPARE(adoption->periods.size(), 3);   // v1.0, v1.1, (unreleased)
    QCOMPARE(adoption->periods[1].period, QStringLiteral("v1.1"));
    QCOMPARE(adoption->periods[2].period, QStringLiteral("(unreleased)"));
    QCOMPARE(adoption->periods[2].commits, 1);
    QCOMPARE(adoption->periods[1].share, 25.0 / 67.0);
    QCOMPARE(adoption->periods[1].secondCommits, 1);
    QCOMPARE(adoption->periods[1].firstTimeSecondAuthors, 1);
    models::Filter quarters;
    quarters.period = models::Period::Quarter;
    auto onboarding = models::onboarding(*store, quarters);
    QVERIFY2(onboarding, qPrintable(onboarding.errorMessage()));
    QCOMPARE(onboarding->cohorts.size(), 2);   // 2023-Q1 (Ada), 2023-Q2 (Rusty)
    QCOMPARE(onboarding->cohorts[1].newcomers, 1);
    QCOMPARE(onboarding->cohorts[1].firstTouchedSecond, 1);
}

void TestGitIngest::luaAsSecondLanguage()
{
    Scratch repo;
    repo.write(QStringLiteral("sys/modules/lua/lua.c"), lines(30, "c"));
    repo.write(QStringLiteral("sys/modules/lua/init.lua"), lines(10, "local"));
    repo.commit(QStringLiteral("lua module"));
    repo.tag(QStringLiteral("netbsd-10-0-RELEASE"));
    QTemporaryDir dir;
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    ingest::GitIngestOptions options;
    options.secondLanguage = QStringLiteral("Lua");
    options.tagPattern = QStringLiteral("netbsd-*-RELEASE");
    auto summary = ingestInto(*store, repo.path(), options);
    QVERIFY2(summary, qPrintable(summary.errorMessage()));
    auto adoption = models::adoption(*store, models::Filter{});
    QVERIFY2(adoption, qPrintable(adoption.errorMessage()));
    QCOMPARE(adoption->secondLanguage, QStringLiteral("Lua"));
    QCOMPARE(adoption->periods.size(), 1);
    QCOMPARE(adoption->periods[0].languages.value(QStringLiteral("Lua")).lines, 10);
    QCOMPARE(adoption->periods[0].share, 10.0 / 40.0);
    QCOMPARE(adoption->periods[0].secondCommits, 1);

    ingest::GitIngestOptions unknown;
    unknown.secondLanguage = QStringLiteral("Cobol");
    auto bad = ingestInto(*store, repo.path(), unknown);
    QVERIFY(!bad);
    QVERIFY2(bad.errorMessage().contains(QStringLiteral("Cobol")), qPrintable(bad.errorMessage()));
}

void TestGitIngest::notARepository()
{
    QTemporaryDir dir;
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    const QString plain = dir.filePath(QStringLiteral("plain"));
    QDir().mkpath(plain);
    auto r = ingestInto(*store, plain);
    QVERIFY(!r);
    QVERIFY2(r.errorMessage().contains(plain) && r.errorMessage().contains(QStringLiteral("not a git repository")), qPrintable(r.errorMessage()));
    auto missing = ingestInto(*store, dir.filePath(QStringLiteral("nope")));
    QVERIFY(!missing);
    QVERIFY2(missing.errorMessage().contains(QStringLiteral("nope")), qPrintable(missing.errorMessage()));
}

void TestGitIngest::shallowClone()
{
    Scratch repo;
    buildHistory(repo);
    const QString shallow = repo.tempPath() + QStringLiteral("/shallow");
    repo.git({QStringLiteral("clone"), QStringLiteral("-q"), QStringLiteral("--depth=1"), QStringLiteral("file://") + repo.path(), shallow});
    QTemporaryDir dir;
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto r = ingestInto(*store, shallow);
    QVERIFY(!r);
    QVERIFY2(r.errorMessage().contains(QStringLiteral("shallow")) && r.errorMessage().contains(shallow), qPrintable(r.errorMessage()));
}

void TestGitIngest::missingBranch()
{
    Scratch repo;
    buildHistory(repo);
    QTemporaryDir dir;
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    ingest::GitIngestOptions options;
    options.branch = QStringLiteral("no-such-branch");
    auto r = ingestInto(*store, repo.path(), options);
    QVERIFY(!r);
    QVERIFY2(r.errorMessage().contains(QStringLiteral("no-such-branch")), qPrintable(r.errorMessage()));
}

void TestGitIngest::corruptObject()
{
    Scratch repo;
    repo.write(QStringLiteral("a.c"), lines(5, "a"));
    repo.commit(QStringLiteral("one"));
    repo.write(QStringLiteral("a.c"), lines(6, "a"));
    repo.commit(QStringLiteral("two"));
    // Loose objects: remove the root tree of the second commit. A missing blob is not fatal
    // (tst_git_partial); a missing tree or commit still is, and the error names it.
    const QString tree = repo.git({QStringLiteral("rev-parse"), QStringLiteral("HEAD^{tree}")});
    QVERIFY(QFile::remove(repo.path() + QStringLiteral("/.git/objects/") + tree.left(2) + QLatin1Char('/') + tree.mid(2)));
    QTemporaryDir dir;
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto r = ingestInto(*store, repo.path());
    QVERIFY(!r);
    QVERIFY2(r.errorMessage().contains(tree) && r.errorMessage().contains(QStringLiteral("tree")), qPrintable(r.errorMessage()));
    // Nothing half-written: no commit rows without their files.
    QCOMPARE(column(*store, QStringLiteral("SELECT count(*) FROM commits c WHERE c.parents <= 1 AND NOT EXISTS (SELECT 1 FROM commit_files f WHERE f.commit_id = c.id)")),
             QStringList{QStringLiteral("0")});
}

void TestGitIngest::cloneFromFileUrl()
{
    Scratch repo;
    buildHistory(repo);
    QTemporaryDir dir;
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    const QString url = QStringLiteral("file://") + repo.path();
    auto r = ingestInto(*store, url);
    QVERIFY2(r, qPrintable(r.errorMessage()));
    QCOMPARE(r->commitsAdded, 7);
    QVERIFY(r->repositoryPath.startsWith(dir.filePath(QStringLiteral("s/mirrors/"))));
    auto again = ingestInto(*store, url);   // fetches into the mirror
    QVERIFY2(again, qPrintable(again.errorMessage()));
    QCOMPARE(again->commitsAdded, 0);
}

QTEST_GUILESS_MAIN(TestGitIngest)
#include "tst_git_ingest.moc"
