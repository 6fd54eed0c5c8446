// Integration: the binding inventory of kernel-mini's v6.1 and v6.12 releases, coverage figures,
// the v6.1 -> v6.12 diff, reuse of unchanged blobs, trees without rust/ or without MAINTAINERS,
// malformed MAINTAINERS lines, and `kernellens-cli coverage` (--json, --fail-under exit code).
#include <kernellens/index/store.h>
#include <kernellens/ingest/release_inventory.h>
#include <kernellens/models/coverage.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace kl;

namespace {

QString git(const QString &repo, const QStringList &args, bool *ok = nullptr)
{
    QProcess p;
    p.start(QStringLiteral("git"), QStringList{QStringLiteral("-C"), repo} + args);
    p.waitForFinished(120000);
    if (ok)
        *ok = p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

// What `ingest git` does for releases: one row per tag.
Result<qint64> registerReleases(Store &store, const QString &repo, const QStringList &tags)
{
    auto source = store.ensureSource(SourceKind::Git, repo, QStringLiteral(""));
    if (!source)
        return source.status();
    int ordinal = 0;
    for (const QString &tag : tags) {
        auto stmt = store.db().prepare(QStringLiteral(
            "INSERT OR IGNORE INTO releases(source_id, tag, commit_oid, tree_oid, date, ordinal) VALUES(?,?,?,?,?,?)"));
        if (!stmt)
            return stmt.status();
        stmt->bind(1, *source).bind(2, tag)
            .bind(3, git(repo, {QStringLiteral("rev-parse"), tag + QStringLiteral("^{commit}")}))
            .bind(4, git(repo, {QStringLiteral("rev-parse"), tag + QStringLiteral("^{tree}")}))
            .bind(5, git(repo, {QStringLiteral("log"), QStringLiteral("-1"), QStringLiteral("--format=%ct"), tag}).toLongLong())
            .bind(6, ordinal++);
        KL_TRY(stmt->exec());
    }
    return *source;
}

// A small repository with the given files, committed and tagged.
bool makeRepo(const QString &dir, const QHash<QString, QByteArray> &files, const QString &tag)
{
    bool ok = true;
    QDir().mkpath(dir);
    git(dir, {QStringLiteral("init"), QStringLiteral("-q")}, &ok);
    for (auto it = files.constBegin(); it != files.constEnd(); ++it) {
        const QString path = dir + QLatin1Char('/') + it.key();
        QDir().mkpath(QFileInfo(path).path());
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return false;
        f.write(it.value());
    }
    git(dir, {QStringLiteral("add"), QStringLiteral("-A")}, &ok);
    git(dir, {QStringLiteral("-c"), QStringLiteral("user.name=T"), QStringLiteral("-c"), QStringLiteral("user.email=t@example.invalid"),
              QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), QStringLiteral("tree")}, &ok);
    git(dir, {QStringLiteral("tag"), tag}, &ok);
    return ok;
}

int runCli(const QStringList &args, QByteArray *out, QByteArray *err)
{
    QProcess p;
    p.start(QStringLiteral(KERNELLENS_CLI), args);
    p.waitForFinished(120000);
    *out = p.readAllStandardOutput();
    *err = p.readAllStandardError();
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

} // namespace

class TestCoverageInventory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void storesMaintainersPerRelease();
    void figuresAtV612();
    void diffListsNewAbstractions();
    void reusesUnchangedBlobs();
    void rerunIsIdempotent();
    void cancelLeavesNothingHalfWritten();
    void cliJsonAndFailUnder();
    void treeWithoutRustIsCoverageZero();
    void treeWithoutMaintainersUsesDirectories();

private:
    QTemporaryDir m_dir;
    QString m_repo;
    QString m_storeDir;
    qint64 m_source = 0;
};

void TestCoverageInventory::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_repo = m_dir.path() + QStringLiteral("/mini.git");
    bool ok = false;
    git(m_dir.path(), {QStringLiteral("clone"), QStringLiteral("-q"), QStringLiteral("--mirror"),
                       QStringLiteral(KERNELLENS_SHARED_DATA "/kernel-mini.bundle"), m_repo}, &ok);
    QVERIFY(ok);
    m_storeDir = m_dir.path() + QStringLiteral("/store");
    auto store = Store::open(m_storeDir, Store::Mode::ReadWrite);
    QVERIFY2(store, qPrintable(store.errorMessage()));
    auto source = registerReleases(*store, m_repo, {QStringLiteral("v6.1"), QStringLiteral("v6.12")});
    QVERIFY2(source, qPrintable(source.errorMessage()));
    m_source = *source;
    JobContext ctx;
    const Status status = ingest::analyzeReleaseTrees(*store, m_source, m_repo, ctx);
    QVERIFY2(status, qPrintable(status.message()));
}

void TestCoverageInventory::storesMaintainersPerRelease()
{
    auto store = Store::open(m_storeDir, Store::Mode::ReadOnly);
    QVERIFY(store);
    auto count = store->db().scalar(QStringLiteral(
        "SELECT count(*) FROM maint_sections s JOIN releases r ON r.id = s.release_id WHERE r.tag = 'v6.12'"));
    QVERIFY(count);
    QVERIFY2(count->toInt() > 2800, qPrintable(count->toString()));
    // The [RUST] section rolls up into its C parent, with its people and fields.
    auto parent = store->db().scalar(QStringLiteral(
        "SELECT s.subsystem FROM maint_sections s JOIN releases r ON r.id = s.release_id "
        "WHERE r.tag = 'v6.12' AND s.name = 'BLOCK LAYER DEVICE DRIVER API [RUST]'"));
    QVERIFY(parent);
    QCOMPARE(parent->toString(), QStringLiteral("BLOCK LAYER"));
    auto maintainer = store->db().scalar(QStringLiteral(
        "SELECT p.email FROM maint_people p JOIN maint_sections s ON s.id = p.section_id JOIN releases r ON r.id = s.release_id "
        "WHERE r.tag = 'v6.12' AND s.name = 'ETHERNET PHY LIBRARY [RUST]' AND p.role = 'M'"));
    QVERIFY(maintainer);
    QCOMPARE(maintainer->toString(), QStringLiteral("fujita.tomonori@gmail.com"));
    // The path -> sections map the git part joins with.
    auto sections = store->db().scalar(QStringLiteral(
        "SELECT group_concat(s.name, '|') FROM (SELECT s.name FROM maint_path_sections ps "
        "JOIN maint_paths p ON p.id = ps.path_id JOIN maint_sections s ON s.id = ps.section_id "
        "JOIN releases r ON r.id = ps.release_id WHERE r.tag = 'v6.12' AND p.path = 'drivers/net/phy/ax88796b_rust.rs' "
        "ORDER BY s.name) s"));
    QVERIFY(sections);
    QCOMPARE(sections->toString(), QStringLiteral("ASIX PHY DRIVER [RUST]|ETHERNET PHY LIBRARY|NETWORKING DRIVERS|THE REST"));
}

void TestCoverageInventory::figuresAtV612()
{
    auto store = Store::open(m_storeDir, Store::Mode::ReadOnly);
    QVERIFY(store);
    auto snap = models::coverageSnapshot(*store, QStringLiteral("v6.12"));
    QVERIFY2(snap, qPrintable(snap.errorMessage()));
    const auto *phy = snap->find(QStringLiteral("ETHERNET PHY LIBRARY"));
    QVERIFY(phy);
    // kernel-mini holds drivers/net/phy/ but not every file of the section: referenced equals
    // the full tree's 18, exported is a subset.
    QCOMPARE(phy->referenced, 18);
    QVERIFY(phy->exported > 300);
    QCOMPARE(phy->level, 5);
    QCOMPARE(phy->drivers, 2);
    QCOMPARE(phy->modules, 2);
    const auto *block = snap->find(QStringLiteral("BLOCK LAYER"));
    QVERIFY(block);
    QCOMPARE(block->referenced, 10);
    QCOMPARE(block->level, 5);
    QVERIFY(block->modules >= 7);
    QVERIFY(block->helpers >= 2);
    const auto *fw = snap->find(QStringLiteral("FIRMWARE LOADER (request_firmware)"));
    QVERIFY(fw);
    QCOMPARE(fw->level, 3);
    auto old = models::coverageSnapshot(*store, QStringLiteral("v6.1"));
    QVERIFY(old);
    QCOMPARE(old->find(QStringLiteral("ETHERNET PHY LIBRARY"))->level, 0);
    QCOMPARE(old->find(QStringLiteral("BLOCK LAYER"))->level, 0);
}

void TestCoverageInventory::diffListsNewAbstractions()
{
    auto store = Store::open(m_storeDir, Store::Mode::ReadOnly);
    QVERIFY(store);
    auto diff = models::coverageDiff(*store, QStringLiteral("v6.1"), QStringLiteral("v6.12"));
    QVERIFY2(diff, qPrintable(diff.errorMessage()));
    auto has = [&](const QString &subsystem, const QString &kind, const QString &name) {
        for (const auto &r : diff->rows)
            if (r.added && r.subsystem == subsystem && r.kind == kind && r.name == name)
                return true;
        return false;
    };
    QVERIFY(has(QStringLiteral("BLOCK LAYER"), QStringLiteral("module"), QStringLiteral("kernel::block::mq")));
    QVERIFY(has(QStringLiteral("BLOCK LAYER"), QStringLiteral("driver"), QStringLiteral("drivers/block/rnull.rs")));
    QVERIFY(has(QStringLiteral("ETHERNET PHY LIBRARY"), QStringLiteral("module"), QStringLiteral("kernel::net::phy")));
    QVERIFY(has(QStringLiteral("ETHERNET PHY LIBRARY"), QStringLiteral("referenced-export"), QStringLiteral("phy_drivers_register")));
    bool levelChange = false;
    for (const auto &c : diff->changes)
        if (c.subsystem == QLatin1String("ETHERNET PHY LIBRARY") && c.levelFrom == 0 && c.levelTo == 5)
            levelChange = true;
    QVERIFY(levelChange);
}

void TestCoverageInventory::reusesUnchangedBlobs()
{
    auto store = Store::open(m_storeDir, Store::Mode::ReadOnly);
    QVERIFY(store);
    auto reused = store->db().scalar(QStringLiteral(
        "SELECT m.blobs_reused FROM maint_releases m JOIN releases r ON r.id = m.release_id WHERE r.tag = 'v6.12'"));
    QVERIFY(reused);
    QVERIFY2(reused->toInt() > 0, "v6.12 should reuse the facts of blobs unchanged since v6.1");
}

void TestCoverageInventory::rerunIsIdempotent()
{
    auto store = Store::open(m_storeDir, Store::Mode::ReadWrite);
    QVERIFY(store);
    auto before = store->db().scalar(QStringLiteral("SELECT count(*) FROM cov_items"));
    QVERIFY(before);
    JobContext ctx;
    QVERIFY(ingest::analyzeReleaseTrees(*store, m_source, m_repo, ctx));
    auto after = store->db().scalar(QStringLiteral("SELECT count(*) FROM cov_items"));
    QVERIFY(after);
    QCOMPARE(after->toLongLong(), before->toLongLong());
    // Nothing pending: a cancelled token has nothing to stop.
    JobContext cancelled;
    cancelled.cancel.cancel();
    QVERIFY(ingest::analyzeReleaseTrees(*store, m_source, m_repo, cancelled).isOk());
}

void TestCoverageInventory::cancelLeavesNothingHalfWritten()
{
    auto store = Store::open(m_dir.path() + QStringLiteral("/store-cancel"), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto source = registerReleases(*store, m_repo, {QStringLiteral("v6.12")});
    QVERIFY(source);
    JobContext cancelled;
    cancelled.cancel.cancel();
    const Status status = ingest::analyzeReleaseTrees(*store, *source, m_repo, cancelled);
    QVERIFY(status.isCancelled());
    auto rows = store->db().scalar(QStringLiteral("SELECT (SELECT count(*) FROM maint_releases) + (SELECT count(*) FROM cov_items)"));
    QVERIFY(rows);
    QCOMPARE(rows->toInt(), 0);
    JobContext ctx;
    QVERIFY(ingest::analyzeReleaseTrees(*store, *source, m_repo, ctx));
    auto done = store->db().scalar(QStringLiteral("SELECT count(*) FROM maint_releases"));
    QVERIFY(done);
    QCOMPARE(done->toInt(), 1);
}

void TestCoverageInventory::cliJsonAndFailUnder()
{
    QByteArray out, err;
    int rc = runCli({QStringLiteral("--db"), m_storeDir, QStringLiteral("--json"), QStringLiteral("coverage"),
                     QStringLiteral("--release"), QStringLiteral("v6.12"), QStringLiteral("--compare"), QStringLiteral("v6.1")},
                    &out, &err);
    QVERIFY2(rc == 0, err.constData());
    const QJsonObject section = QJsonDocument::fromJson(out).object();
    QCOMPARE(section.value(QStringLiteral("id")).toString(), QStringLiteral("coverage"));
    QStringList tableIds;
    for (const auto &t : section.value(QStringLiteral("tables")).toArray())
        tableIds.append(t.toObject().value(QStringLiteral("id")).toString());
    QVERIFY2(tableIds.contains(QStringLiteral("coverage.diff")), qPrintable(tableIds.join(QLatin1Char(','))));
    QVERIFY(tableIds.contains(QStringLiteral("coverage.subsystems")));

    // BLOCK LAYER is at 10/296 = 3.4% in kernel-mini.
    rc = runCli({QStringLiteral("--db"), m_storeDir, QStringLiteral("coverage"), QStringLiteral("--fail-under"),
                 QStringLiteral("BLOCK LAYER=50"), QStringLiteral("--fail-under"), QStringLiteral("ETHERNET PHY LIBRARY=1")},
                &out, &err);
    QCOMPARE(rc, 3);
    QVERIFY2(err.contains("BLOCK LAYER"), err.constData());
    QVERIFY2(!err.contains("ETHERNET PHY LIBRARY"), err.constData());
    rc = runCli({QStringLiteral("--db"), m_storeDir, QStringLiteral("coverage"), QStringLiteral("--fail-under"),
                 QStringLiteral("BLOCK LAYER=1")},
                &out, &err);
    QCOMPARE(rc, 0);
    rc = runCli({QStringLiteral("--db"), m_storeDir, QStringLiteral("coverage"), QStringLiteral("--fail-under"),
                 QStringLiteral("BLOCK LAYER")},
                &out, &err);
    QCOMPARE(rc, 2);
    rc = runCli({QStringLiteral("--db"), m_storeDir, QStringLiteral("coverage"), QStringLiteral("--release"),
                 QStringLiteral("v9.9")},
                &out, &err);
    QCOMPARE(rc, 1);
    QVERIFY2(err.contains("v9.9"), err.constData());
}

void TestCoverageInventory::treeWithoutRustIsCoverageZero()
{
    const QString repo = m_dir.path() + QStringLiteral("/norust");
    QVERIFY(makeRepo(repo,
                     {{QStringLiteral("MAINTAINERS"),
                       QByteArray("FOO\nM:\tA <a@example.org>\nS:\tMaintained\nF:\tfoo/\nbad line inside\nF:\tbar/\n")},
                      {QStringLiteral("foo/foo.c"), QByteArray("int foo(void) { return 0; }\nEXPORT_SYMBOL(foo);\n")},
                      {QStringLiteral("include/linux/foo.h"), QByteArray("int foo(void);\n")}},
                     QStringLiteral("v1.0")));
    const QString storeDir = m_dir.path() + QStringLiteral("/store-norust");
    {
        auto store = Store::open(storeDir, Store::Mode::ReadWrite);
        QVERIFY(store);
        auto source = registerReleases(*store, repo, {QStringLiteral("v1.0")});
        QVERIFY(source);
        JobContext ctx;
        const Status status = ingest::analyzeReleaseTrees(*store, *source, repo, ctx);
        QVERIFY2(status, qPrintable(status.message()));
        auto snap = models::coverageSnapshot(*store, QStringLiteral("v1.0"));
        QVERIFY2(snap, qPrintable(snap.errorMessage()));
        QVERIFY(!snap->release.hasSecondLanguage);
        const auto *foo = snap->find(QStringLiteral("FOO"));
        QVERIFY(foo);
        QCOMPARE(foo->exported, 1);
        QCOMPARE(foo->referenced, 0);
        QCOMPARE(foo->level, 0);
        // The malformed line is a warning with its line number.
        auto warning = store->db().scalar(QStringLiteral(
            "SELECT location FROM parse_warnings WHERE kind = 'maintainers' AND message LIKE '%is not a field%'"));
        QVERIFY(warning);
        QVERIFY2(warning->toString().contains(QStringLiteral("MAINTAINERS:5")), qPrintable(warning->toString()));
    }
    QByteArray out, err;
    const int rc = runCli({QStringLiteral("--db"), storeDir, QStringLiteral("coverage"), QStringLiteral("--fail-under"),
                           QStringLiteral("FOO=0")},
                          &out, &err);
    QVERIFY2(rc == 0, err.constData());
    QVERIFY2(out.contains("no rust/ directory"), out.constData());
}

void TestCoverageInventory::treeWithoutMaintainersUsesDirectories()
{
    const QString repo = m_dir.path() + QStringLiteral("/bsd");
    QVERIFY(makeRepo(repo,
                     {{QStringLiteral("sys/kern/kern_fork.c"), QByteArray("int fork1(void) { return 0; }\n")},
                      {QStringLiteral("sys/dev/usb/usb.c"), QByteArray("int usb(void) { return 0; }\n")},
                      {QStringLiteral("Makefile"), QByteArray("all:\n")}},
                     QStringLiteral("release/14.0")));
    auto store = Store::open(m_dir.path() + QStringLiteral("/store-bsd"), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto source = registerReleases(*store, repo, {QStringLiteral("release/14.0")});
    QVERIFY(source);
    JobContext ctx;
    ingest::ReleaseInventoryOptions options;
    options.directoryDepth = 2;
    const Status status = ingest::analyzeReleaseTrees(*store, *source, repo, ctx, options);
    QVERIFY2(status, qPrintable(status.message()));
    auto names = store->db().scalar(QStringLiteral("SELECT group_concat(name, '|') FROM (SELECT name FROM maint_sections ORDER BY name)"));
    QVERIFY(names);
    QCOMPARE(names->toString(), QStringLiteral("(top)|sys/dev|sys/kern"));
    auto depth = store->db().scalar(QStringLiteral("SELECT directory_depth FROM maint_releases"));
    QVERIFY(depth);
    QCOMPARE(depth->toInt(), 2);
}

QTEST_GUILESS_MAIN(TestCoverageInventory)
#include "tst_coverage_inventory.moc"
