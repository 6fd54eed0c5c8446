// Per-source settings of a git source (issue 17): stored with the source, kept by a rerun that
// does not give them, changes reported, and the language options reaching the analyses.

#include <kernellens/index/store.h>
#include <kernellens/ingest/derive.h>
#include <kernellens/ingest/git_ingest.h>
#include <kernellens/ingest/source_settings.h>
#include <kernellens/models/adoption.h>

#include <QFile>
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

void buildLuaTree(Scratch &repo)
{
    repo.write(QStringLiteral("sys/modules/luasystm/luasystm.c"), lines(30, "c"));
    repo.write(QStringLiteral("sys/dev/pci/pci.c"), lines(20, "c"));
    repo.write(QStringLiteral("share/examples/lua/hello.lua"), lines(10, "local"));
    repo.commit(QStringLiteral("lua module"));
    repo.tag(QStringLiteral("netbsd-10-0-RELEASE"));
    repo.tag(QStringLiteral("v1.0"));   // matches only the default pattern
}

} // namespace

class TestSourceSettings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaultsOnFirstRun();
    void keptByRerun();
    void changeIsReported();
    void languagesFileKeptWhenGone();
    void badSettingStoresNothing();
    void secondLanguageReachesCoverage();
};

void TestSourceSettings::defaultsOnFirstRun()
{
    Scratch repo;
    buildLuaTree(repo);
    QTemporaryDir dir;
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto s = ingestInto(*store, repo.path());
    QVERIFY2(s, qPrintable(s.errorMessage()));
    QVERIFY(s->settingChanges.isEmpty());
    QCOMPARE(s->settings.value(ingest::setting::secondLanguage()), QStringLiteral("Rust"));
    QCOMPARE(s->settings.value(ingest::setting::tagPattern()), QStringLiteral("v*"));
    QCOMPARE(s->settings.value(ingest::setting::subsystemScheme()), QStringLiteral("auto"));
    QCOMPARE(s->settings.value(ingest::setting::bindingModel()), QStringLiteral("linux"));
    QCOMPARE(s->releasesTotal, 1);
    auto stored = store->settings(s->sourceId);
    QVERIFY(stored);
    QCOMPARE(stored->value(ingest::setting::secondLanguage()), QStringLiteral("Rust"));
    QCOMPARE(stored->value(ingest::setting::subsystemScheme()), QStringLiteral("auto"));
}

void TestSourceSettings::keptByRerun()
{
    Scratch repo;
    buildLuaTree(repo);
    QTemporaryDir dir;
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    ingest::GitIngestOptions netbsd;
    netbsd.secondLanguage = QStringLiteral("Lua");
    netbsd.tagPattern = QStringLiteral("netbsd-*-RELEASE");
    netbsd.subsystemScheme = QStringLiteral("dirs:sys/dev/*:1");
    netbsd.bindingModel = QStringLiteral("scripting");
    auto first = ingestInto(*store, repo.path(), netbsd);
    QVERIFY2(first, qPrintable(first.errorMessage()));

    repo.write(QStringLiteral("share/examples/lua/more.lua"), lines(5, "local"));
    repo.commit(QStringLiteral("more lua"));
    auto second = ingestInto(*store, repo.path());   // no settings given: the stored ones
    QVERIFY2(second, qPrintable(second.errorMessage()));
    QVERIFY2(second->settingChanges.isEmpty(), qPrintable(second->settingChanges.join(QLatin1Char('\n'))));
    QCOMPARE(second->settings, first->settings);
    QCOMPARE(second->settings.value(ingest::setting::secondLanguage()), QStringLiteral("Lua"));
    QCOMPARE(second->releasesTotal, 1);   // still netbsd-*-RELEASE, not v*
    QCOMPARE(second->commitsAdded, 1);
    auto adoption = models::adoption(*store, models::Filter{});
    QVERIFY2(adoption, qPrintable(adoption.errorMessage()));
    QCOMPARE(adoption->secondLanguage, QStringLiteral("Lua"));   // not reset to Rust
    auto scheme = store->setting(second->sourceId, ingest::setting::subsystemScheme());
    QVERIFY(scheme);
    QCOMPARE(*scheme, QStringLiteral("dirs:sys/dev/*:1"));
}

void TestSourceSettings::changeIsReported()
{
    Scratch repo;
    buildLuaTree(repo);
    QTemporaryDir dir;
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto first = ingestInto(*store, repo.path());
    QVERIFY(first);
    ingest::GitIngestOptions change;
    change.subsystemScheme = QStringLiteral("dirs:sys/dev/*:1");
    change.secondLanguage = QStringLiteral("Rust");   // given but unchanged: not reported
    auto second = ingestInto(*store, repo.path(), change);
    QVERIFY2(second, qPrintable(second.errorMessage()));
    QCOMPARE(second->settingChanges, QStringList{QStringLiteral("subsystem scheme: dirs:sys/dev/*:1 (was auto)")});
    auto third = ingestInto(*store, repo.path());
    QVERIFY(third);
    QVERIFY(third->settingChanges.isEmpty());
    QCOMPARE(third->settings.value(ingest::setting::subsystemScheme()), QStringLiteral("dirs:sys/dev/*:1"));
}

void TestSourceSettings::languagesFileKeptWhenGone()
{
    Scratch repo;
    buildLuaTree(repo);
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("netbsd.conf"));
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("Lua bindings: sys/modules/lua*/*.c\nLua: *.lua\nC: *.c *.h\n");
    }
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    ingest::GitIngestOptions options;
    options.languagesFile = file;
    options.secondLanguage = QStringLiteral("Lua bindings");
    auto first = ingestInto(*store, repo.path(), options);
    QVERIFY2(first, qPrintable(first.errorMessage()));
    QVERIFY(QFile::remove(file));
    auto second = ingestInto(*store, repo.path());   // the stored definitions, not the file
    QVERIFY2(second, qPrintable(second.errorMessage()));
    QCOMPARE(second->settings.value(ingest::setting::languagesFile()), file);
    auto adoption = models::adoption(*store, models::Filter{});
    QVERIFY(adoption);
    QCOMPARE(adoption->periods.at(0).languages.value(QStringLiteral("Lua bindings")).lines, 30);

    ingest::GitIngestOptions builtin;
    builtin.languagesFile = QStringLiteral("builtin");
    builtin.secondLanguage = QStringLiteral("Lua");
    auto third = ingestInto(*store, repo.path(), builtin);
    QVERIFY2(third, qPrintable(third.errorMessage()));
    QCOMPARE(third->settingChanges,
             (QStringList{QStringLiteral("second language: Lua (was Lua bindings)"),
                          QStringLiteral("languages file: built-in (was %1)").arg(file)}));
}

void TestSourceSettings::badSettingStoresNothing()
{
    Scratch repo;
    buildLuaTree(repo);
    QTemporaryDir dir;
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    ingest::GitIngestOptions lua;
    lua.secondLanguage = QStringLiteral("Lua");
    auto first = ingestInto(*store, repo.path(), lua);
    QVERIFY(first);
    ingest::GitIngestOptions cobol;
    cobol.secondLanguage = QStringLiteral("Cobol");
    auto bad = ingestInto(*store, repo.path(), cobol);
    QVERIFY(!bad);
    QVERIFY2(bad.errorMessage().contains(QStringLiteral("Cobol")), qPrintable(bad.errorMessage()));
    auto kept = store->setting(first->sourceId, ingest::setting::secondLanguage());
    QVERIFY(kept);
    QCOMPARE(*kept, QStringLiteral("Lua"));

    // A first run with a bad setting leaves no empty source row (and its settings) behind.
    Scratch other;
    buildLuaTree(other);
    auto refused = ingestInto(*store, other.path(), cobol);
    QVERIFY(!refused);
    auto sources = store->db().scalar(QStringLiteral("SELECT count(*) FROM sources"));
    QVERIFY(sources);
    QCOMPARE(sources->toLongLong(), 1);
}

// Before, the inventory always looked for .rs files and rust/: the stored second language now
// decides (suffix from its definition line, its own directory).
void TestSourceSettings::secondLanguageReachesCoverage()
{
    Scratch repo;
    repo.write(QStringLiteral("lua/core.lua"), lines(5, "local"));
    repo.write(QStringLiteral("drivers/gpio/gpio.lua"), lines(3, "local"));
    repo.write(QStringLiteral("drivers/gpio/gpio.rs"), lines(3, "fn"));
    repo.write(QStringLiteral("drivers/gpio/gpio.c"), lines(8, "int"));
    repo.commit(QStringLiteral("tree"));
    repo.tag(QStringLiteral("v1.0"));
    QTemporaryDir dir;
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    ingest::GitIngestOptions lua;
    lua.secondLanguage = QStringLiteral("Lua");
    auto s = ingestInto(*store, repo.path(), lua);
    QVERIFY2(s, qPrintable(s.errorMessage()));
    derive::DeriveOptions only;
    only.only = QStringList{QStringLiteral("release-trees")};
    auto d = derive::runDerivations(*store, only, JobContext{});
    QVERIFY2(d, qPrintable(d.errorMessage()));
    auto has = store->db().scalar(QStringLiteral("SELECT has_second_language FROM maint_releases"));
    QVERIFY(has);
    QCOMPARE(has->toInt(), 1);   // lua/ exists; there is no rust/
    auto drivers = store->db().scalar(QStringLiteral("SELECT group_concat(name) FROM cov_items WHERE kind = 'driver'"));
    QVERIFY(drivers);
    QCOMPARE(drivers->toString(), QStringLiteral("drivers/gpio/gpio.lua"));   // not gpio.rs
}

QTEST_GUILESS_MAIN(TestSourceSettings)
#include "tst_source_settings.moc"
