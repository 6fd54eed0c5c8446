// Git ingest on partial and damaged repositories: a deleted loose blob, a corrupted pack, a real
// blob:none partial clone, and a run that fails (a missing tree) leaving no releases behind.

#include <kernellens/index/store.h>
#include <kernellens/ingest/git_ingest.h>
#include <kernellens/models/adoption.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "scratch_repo.h"

using namespace kl;
using kl::testing::lines;
using kl::testing::Scratch;

namespace {

Result<ingest::GitIngestSummary> ingestInto(Store &store, const QString &source)
{
    ingest::GitIngestOptions options;
    options.source = source;
    return ingest::ingestGit(store, options, JobContext{});
}

qint64 count(Store &store, const QString &sql)
{
    auto v = store.db().scalar(sql);
    return v ? v->toLongLong() : -1;
}

QString text(Store &store, const QString &sql)
{
    auto v = store.db().scalar(sql);
    return v ? v->toString() : v.errorMessage();
}

QString objectPath(const Scratch &repo, const QString &oid)
{
    return repo.path() + QStringLiteral("/.git/objects/") + oid.left(2) + QLatin1Char('/') + oid.mid(2);
}

// Three commits and two tags; "drivers/big.c" is added in the second commit and edited in the third.
void buildHistory(Scratch &repo)
{
    repo.write(QStringLiteral("kernel/core.c"), lines(40, "int"));
    repo.commit(QStringLiteral("initial"));
    repo.write(QStringLiteral("drivers/big.c"), lines(300, "driver"));
    repo.at(QStringLiteral("2023-02-01T12:00:00Z"));
    repo.commit(QStringLiteral("add the driver"));
    repo.tag(QStringLiteral("v1.0"));
    repo.write(QStringLiteral("drivers/big.c"), lines(310, "driver"));
    repo.write(QStringLiteral("kernel/core.c"), lines(45, "int"));
    repo.at(QStringLiteral("2023-03-01T12:00:00Z"));
    repo.commit(QStringLiteral("grow the driver"));
    repo.tag(QStringLiteral("v1.1"));
}

} // namespace

class TestGitPartial : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void deletedLooseBlob()
    {
        Scratch repo;
        buildHistory(repo);
        const QString addCommit = repo.git({QStringLiteral("rev-parse"), QStringLiteral("v1.0")});
        const QString blob = repo.git({QStringLiteral("rev-parse"), QStringLiteral("v1.0:drivers/big.c")});
        QVERIFY(QFile::remove(objectPath(repo, blob)));

        QTemporaryDir dir;
        auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
        QVERIFY(store);
        auto result = ingestInto(*store, repo.path());
        QVERIFY2(result, qPrintable(result.errorMessage()));
        QCOMPARE(result->commitsAdded, 3);
        QCOMPARE(result->objectsMissing, 1);
        QVERIFY(result->promisorRemote.isEmpty());
        // The blob is the new side of "add" and the old side of "grow": both rows are unknown.
        QCOMPARE(result->fileChangesUnknown, 2);
        QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM commits")), 3);
        QCOMPARE(text(*store, QStringLiteral(
                     "SELECT group_concat(coalesce(f.added, 'NULL') || '/' || coalesce(f.deleted, 'NULL') || '/' || f.unknown)"
                     " FROM commit_files f JOIN git_paths p ON p.id = f.path_id WHERE p.path = 'drivers/big.c'")),
                 QStringLiteral("NULL/NULL/1,NULL/NULL/1"));
        // The other file of the same commit is still counted.
        QCOMPARE(text(*store, QStringLiteral(
                     "SELECT f.added || '/' || f.deleted FROM commit_files f JOIN git_paths p ON p.id = f.path_id"
                     " JOIN commits c ON c.id = f.commit_id WHERE p.path = 'kernel/core.c' AND c.subject = 'grow the driver'")),
                 QStringLiteral("5/0"));
        // A counted warning naming commit, path and blob.
        const QString warning = text(*store, QStringLiteral(
            "SELECT message FROM parse_warnings WHERE kind = 'missing-object' AND location = 'commit %1: drivers/big.c'")
                                                 .arg(addCommit));
        QVERIFY2(warning.contains(QStringLiteral("blob ") + blob), qPrintable(warning));
        QCOMPARE(text(*store, QStringLiteral("SELECT count(*) FROM parse_warnings WHERE location LIKE 'commit %'")),
                 QStringLiteral("2"));
        QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM git_missing_objects")), 1);
        // The v1.0 tree holds the blob: its snapshot says it is incomplete.
        QCOMPARE(result->snapshotsIncomplete, 1);
        QCOMPARE(text(*store, QStringLiteral("SELECT group_concat(files || '/' || missing_files) FROM release_snapshots")),
                 QStringLiteral("2/1,2/0"));
        QCOMPARE(text(*store, QStringLiteral(
                     "SELECT group_concat(location) FROM parse_warnings WHERE kind = 'missing-object' AND location LIKE 'tag %'")),
                 QStringLiteral("tag v1.0"));
        // The adoption report does not pass the missing lines off as complete.
        models::Filter filter;
        auto adoption = models::adoption(*store, filter);
        QVERIFY2(adoption, qPrintable(adoption.errorMessage()));
        QCOMPARE(adoption->incomplete.size(), 1);
        QVERIFY(adoption->incomplete.constFirst().contains(QStringLiteral("v1.0")));

        // A rerun retries the incomplete snapshots without storing their warnings twice.
        auto again = ingestInto(*store, repo.path());
        QVERIFY2(again, qPrintable(again.errorMessage()));
        QCOMPARE(again->commitsAdded, 0);
        QCOMPARE(again->objectsMissing, 0);   // already recorded
        QCOMPARE(count(*store, QStringLiteral(
                     "SELECT count(*) FROM parse_warnings WHERE kind = 'missing-object' AND location LIKE 'tag %'")), 1);
    }

    void corruptedPack()
    {
        Scratch repo;
        buildHistory(repo);
        const QString blob = repo.git({QStringLiteral("rev-parse"), QStringLiteral("v1.1:drivers/big.c")});
        repo.git({QStringLiteral("repack"), QStringLiteral("-adq"), QStringLiteral("--window=0")});
        const QString packDir = repo.path() + QStringLiteral("/.git/objects/pack");
        const QStringList idx = QDir(packDir).entryList({QStringLiteral("*.idx")});
        QCOMPARE(idx.size(), 1);
        const QString packPath = packDir + QLatin1Char('/') + idx.constFirst().chopped(4) + QStringLiteral(".pack");
        // verify-pack -v: "<oid> blob <size> <size-in-pack> <offset>"
        const QString listing = repo.git({QStringLiteral("verify-pack"), QStringLiteral("-v"), packDir + QLatin1Char('/') + idx.constFirst()});
        qint64 offset = -1, packed = 0;
        for (const QString &line : listing.split(QLatin1Char('\n'))) {
            const QStringList f = line.simplified().split(QLatin1Char(' '));
            if (f.size() >= 5 && f[0] == blob) {
                packed = f[3].toLongLong();
                offset = f[4].toLongLong();
            }
        }
        QVERIFY2(offset > 0 && packed > 16, qPrintable(listing));
        {
            QFile pack(packPath);
            QVERIFY(pack.setPermissions(pack.permissions() | QFileDevice::WriteOwner));
            QVERIFY(pack.open(QIODevice::ReadWrite));
            QVERIFY(pack.seek(offset + packed / 2));   // inside the object's zlib stream
            QVERIFY(pack.write(QByteArray(8, '\xAA')) == 8);
        }

        QTemporaryDir dir;
        auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
        QVERIFY(store);
        auto result = ingestInto(*store, repo.path());
        QVERIFY2(result, qPrintable(result.errorMessage()));
        QCOMPARE(result->commitsAdded, 3);
        QCOMPARE(result->objectsMissing, 1);
        QCOMPARE(result->fileChangesUnknown, 1);   // the "grow" commit's new side
        const QString warning = text(*store, QStringLiteral(
            "SELECT location || ' | ' || message FROM parse_warnings WHERE kind = 'missing-object' AND location LIKE 'commit %'"));
        QVERIFY2(warning.contains(QStringLiteral("drivers/big.c")) && warning.contains(blob), qPrintable(warning));
        QCOMPARE(text(*store, QStringLiteral("SELECT group_concat(missing_files) FROM release_snapshots")),
                 QStringLiteral("0,1"));
    }

    void partialClone()
    {
        Scratch repo;
        buildHistory(repo);
        repo.git({QStringLiteral("config"), QStringLiteral("uploadpack.allowFilter"), QStringLiteral("true")});
        const QString clone = repo.tempPath() + QStringLiteral("/partial");
        repo.git({QStringLiteral("clone"), QStringLiteral("-q"), QStringLiteral("--bare"), QStringLiteral("--filter=blob:none"),
                  QStringLiteral("--no-local"), QStringLiteral("file://") + repo.path(), clone});
        QVERIFY(QFileInfo::exists(clone + QStringLiteral("/objects")));

        QTemporaryDir dir;
        auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
        QVERIFY(store);
        auto result = ingestInto(*store, clone);
        QVERIFY2(result, qPrintable(result.errorMessage()));
        QCOMPARE(result->promisorRemote, QStringLiteral("origin"));
        QCOMPARE(result->commitsAdded, 3);
        // No blob was fetched: every file row is unknown, every distinct blob missing.
        QCOMPARE(result->fileChangesUnknown, result->fileChangesAdded);
        QCOMPARE(result->fileChangesUnknown, 4);
        QCOMPARE(result->objectsMissing, 4);   // core.c x2, big.c x2
        QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM commit_files WHERE added IS NOT NULL")), 0);
        QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM git_missing_objects")), 4);
        // Said once, not once per blob.
        QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM parse_warnings WHERE kind = 'partial-clone'")), 1);
        QVERIFY(count(*store, QStringLiteral("SELECT count(*) FROM parse_warnings WHERE kind = 'missing-object'")) > 1);

        // Newer git also sets extensions.partialClone, which libgit2 alone refuses.
        QProcess::execute(QStringLiteral("git"), {QStringLiteral("-C"), clone, QStringLiteral("config"),
                                                  QStringLiteral("extensions.partialClone"), QStringLiteral("origin")});
        QTemporaryDir dir2;
        auto store2 = Store::open(dir2.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
        QVERIFY(store2);
        auto second = ingestInto(*store2, clone);
        QVERIFY2(second, qPrintable(second.errorMessage()));
        QCOMPARE(second->promisorRemote, QStringLiteral("origin"));
        QCOMPARE(second->commitsAdded, 3);
    }

    void failedRunLeavesNoReleases()
    {
        Scratch repo;
        buildHistory(repo);
        // The drivers/ tree of the last commit: the diff needs it, so the run fails after the
        // releases were inserted.
        const QString tree = repo.git({QStringLiteral("rev-parse"), QStringLiteral("v1.1:drivers")});
        QVERIFY(QFile::remove(objectPath(repo, tree)));

        QTemporaryDir dir;
        auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
        QVERIFY(store);
        for (int run = 0; run < 2; ++run) {
            auto result = ingestInto(*store, repo.path());
            QVERIFY(!result);
            QVERIFY2(result.errorMessage().contains(tree), qPrintable(result.errorMessage()));
            QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM releases")), 0);
        }
    }

    void failedRerunKeepsEarlierReleases()
    {
        Scratch repo;
        buildHistory(repo);
        QTemporaryDir dir;
        auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
        QVERIFY(store);
        QVERIFY(ingestInto(*store, repo.path()));
        repo.write(QStringLiteral("drivers/sub/new.c"), lines(5, "x"));
        repo.at(QStringLiteral("2023-04-01T12:00:00Z"));
        repo.commit(QStringLiteral("new subdirectory"));
        repo.tag(QStringLiteral("v1.2"));
        const QString tree = repo.git({QStringLiteral("rev-parse"), QStringLiteral("v1.2:drivers/sub")});
        QVERIFY(QFile::remove(objectPath(repo, tree)));
        QVERIFY(!ingestInto(*store, repo.path()));
        QCOMPARE(text(*store, QStringLiteral("SELECT group_concat(tag) FROM releases ORDER BY ordinal")),
                 QStringLiteral("v1.0,v1.1"));
        QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM commits WHERE release_id IS NULL")), 0);
    }
};

QTEST_GUILESS_MAIN(TestGitPartial)
#include "tst_git_partial.moc"
