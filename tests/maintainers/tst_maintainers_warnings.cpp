// MAINTAINERS warnings of the release inventory on scratch repositories: stored once per
// MAINTAINERS blob (not once per release sharing it), an invalid F: pattern named by file and
// line, and a MAINTAINERS blob that cannot be read marking the release incomplete.

#include <kernellens/index/store.h>
#include <kernellens/ingest/git_ingest.h>
#include <kernellens/ingest/release_inventory.h>

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "../git/scratch_repo.h"

using namespace kl;
using kl::testing::Scratch;

namespace {

QString text(Store &store, const QString &sql)
{
    auto v = store.db().scalar(sql);
    return v ? v->toString() : v.errorMessage();
}

const QByteArray kMaintainers("DRIVERS\nM:\tAda Dev <ada@example.org>\nF:\tdrivers/a[/\nF:\tdrivers/\n");

// v1 and v2 share the MAINTAINERS blob; v3 changes it (the bad pattern moves to line 4).
void buildHistory(Scratch &repo)
{
    repo.write(QStringLiteral("MAINTAINERS"), kMaintainers);
    repo.write(QStringLiteral("drivers/x.c"), "int x;\n");
    repo.commit(QStringLiteral("one"));
    repo.tag(QStringLiteral("v1"));
    repo.write(QStringLiteral("drivers/y.c"), "int y;\n");
    repo.commit(QStringLiteral("two"));
    repo.tag(QStringLiteral("v2"));
    repo.write(QStringLiteral("MAINTAINERS"), "\n" + kMaintainers);
    repo.commit(QStringLiteral("three"));
    repo.tag(QStringLiteral("v3"));
}

Result<qint64> ingestAndAnalyse(Store &store, const QString &path)
{
    ingest::GitIngestOptions options;
    options.source = path;
    auto ingested = ingest::ingestGit(store, options, JobContext{});
    if (!ingested)
        return ingested.status();
    KL_TRY(ingest::analyzeReleaseTrees(store, ingested->sourceId, ingested->repositoryPath, JobContext{}));
    return ingested->sourceId;
}

} // namespace

class TestMaintainersWarnings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void storedOncePerBlob()
    {
        QTest::failOnWarning(QRegularExpression(QStringLiteral("invalid QRegularExpression")));
        Scratch repo;
        buildHistory(repo);
        QTemporaryDir dir;
        auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
        QVERIFY(store);
        auto source = ingestAndAnalyse(*store, repo.path());
        QVERIFY2(source, qPrintable(source.errorMessage()));
        const QString blob1 = repo.git({QStringLiteral("rev-parse"), QStringLiteral("v1:MAINTAINERS")});
        const QString blob3 = repo.git({QStringLiteral("rev-parse"), QStringLiteral("v3:MAINTAINERS")});
        QCOMPARE(text(*store, QStringLiteral(
                     "SELECT group_concat(location, ' | ') FROM (SELECT location FROM parse_warnings"
                     " WHERE kind = 'maintainers' ORDER BY id)")),
                 QStringLiteral("v1:MAINTAINERS:3 (blob %1) | v3:MAINTAINERS:4 (blob %2)").arg(blob1, blob3));
        QVERIFY(text(*store, QStringLiteral("SELECT message FROM parse_warnings WHERE kind = 'maintainers' LIMIT 1"))
                    .contains(QStringLiteral("F: pattern 'drivers/a[/' is not a valid pattern")));
        // The bad pattern matches nothing; the good one still maps the files.
        QCOMPARE(text(*store, QStringLiteral("SELECT count(*) FROM maint_releases WHERE incomplete IS NULL")),
                 QStringLiteral("3"));
    }

    void unreadableMaintainersMarksTheRelease()
    {
        Scratch repo;
        buildHistory(repo);
        const QString blob3 = repo.git({QStringLiteral("rev-parse"), QStringLiteral("v3:MAINTAINERS")});
        QVERIFY(QFile::remove(repo.path() + QStringLiteral("/.git/objects/") + blob3.left(2) + QLatin1Char('/') + blob3.mid(2)));
        QTemporaryDir dir;
        auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
        QVERIFY(store);
        auto source = ingestAndAnalyse(*store, repo.path());
        QVERIFY2(source, qPrintable(source.errorMessage()));
        QCOMPARE(text(*store, QStringLiteral(
                     "SELECT group_concat(r.tag || '=' || coalesce(m.maintainers_blob, 'dirs') || '/' || (m.incomplete IS NOT NULL))"
                     " FROM maint_releases m JOIN releases r ON r.id = m.release_id")),
                 QStringLiteral("v1=%1/0,v2=%1/0,v3=dirs/1")
                     .arg(repo.git({QStringLiteral("rev-parse"), QStringLiteral("v1:MAINTAINERS")})));
        const QString warning = text(*store, QStringLiteral(
            "SELECT location || ' | ' || message FROM parse_warnings WHERE kind = 'missing-object' AND location LIKE 'v3:%'"));
        QVERIFY2(warning.contains(QStringLiteral("MAINTAINERS could not be read")) && warning.contains(blob3),
                 qPrintable(warning));
    }
};

QTEST_GUILESS_MAIN(TestMaintainersWarnings)
#include "tst_maintainers_warnings.moc"
