// Acceptance on the NetBSD fixture tree (tests/maintainers/fixtures/netbsd-src): ingested as a
// scratch repository with the NetBSD settings (shipped language definitions, "Lua bindings" as
// the second language, directory subsystems under roots, the scripting binding model), the Lua
// bindings are counted per subsystem, every registered function is found, adoption has the three
// Lua series, and the CLI shows the figures and a changed setting.

#include <kernellens/index/store.h>
#include <kernellens/ingest/derive.h>
#include <kernellens/ingest/git_ingest.h>
#include <kernellens/models/adoption.h>
#include <kernellens/models/coverage.h>

#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "../git/scratch_repo.h"

using namespace kl;
using kl::testing::Scratch;

namespace {

const QString kScheme = QStringLiteral("dirs:sys/*,sys/modules/*,external/mit/*:1");

void copyFixture(Scratch &repo)
{
    const QString root = QStringLiteral(KERNELLENS_NETBSD_FIXTURE);
    QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString relative = QDir(root).relativeFilePath(path);
        if (relative == QLatin1String("README.md"))
            continue;
        QFile f(path);
        if (f.open(QIODevice::ReadOnly))
            repo.write(relative, f.readAll());
    }
    repo.commit(QStringLiteral("NetBSD fixture"));
    repo.tag(QStringLiteral("netbsd-10-0-RELEASE"));
}

ingest::GitIngestOptions netbsdOptions(const QString &path)
{
    ingest::GitIngestOptions o;
    o.source = path;
    o.languagesFile = QStringLiteral("netbsd");
    o.secondLanguage = QStringLiteral("Lua bindings");
    o.tagPattern = QStringLiteral("netbsd-*");
    o.subsystemScheme = kScheme;
    o.bindingModel = QStringLiteral("scripting");
    return o;
}

Status ingestAndDerive(Store &store, const ingest::GitIngestOptions &options)
{
    auto s = ingest::ingestGit(store, options, JobContext{});
    if (!s)
        return s.status();
    derive::DeriveOptions only;
    only.only = QStringList{QStringLiteral("release-trees")};
    auto d = derive::runDerivations(store, only, JobContext{});
    return d ? Status::ok() : d.status();
}

QStringList column(Store &store, const QString &sql)
{
    QStringList out;
    const Status s = store.db().forEachRow(sql, {}, [&](const Statement &row) { out << row.text(0); });
    if (!s)
        out << s.message();
    return out;
}

} // namespace

class TestNetBsdLua : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void bindingsPerSubsystem();
    void registeredFunctions();
    void adoptionSeries();
    void cliShowsCoverageAndChanges();
    void unrecognisedMaintainersIsSaid();

private:
    Scratch m_repo;
    QTemporaryDir m_dir;
    std::optional<Store> m_store;
};

void TestNetBsdLua::initTestCase()
{
    copyFixture(m_repo);
    auto store = Store::open(m_dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    m_store.emplace(std::move(*store));
    const Status s = ingestAndDerive(*m_store, netbsdOptions(m_repo.path()));
    QVERIFY2(s, qPrintable(s.message()));
}

void TestNetBsdLua::bindingsPerSubsystem()
{
    auto snap = models::coverageSnapshot(*m_store, QString());
    QVERIFY2(snap, qPrintable(snap.errorMessage()));
    QVERIFY(snap->release.hasSecondLanguage);
    const models::SubsystemCoverage *kern = snap->find(QStringLiteral("sys/kern"));
    QVERIFY(kern);
    QCOMPARE(kern->helpers, 23);      // exposed functions wrapping sys/kern: systm 10, core 10, pmf 3
    QCOMPARE(kern->modules, 3);       // systm, core, pmf
    QCOMPARE(kern->exported, 16);     // KNF definitions of subr_prf.c (12) and kern_pmf.c (4)
    QCOMPARE(kern->referenced, 13);   // of which wrapped
    QCOMPARE(kern->level, 3);
    const models::SubsystemCoverage *lua = snap->find(QStringLiteral("sys/modules/lua"));
    QVERIFY(lua);
    QCOMPARE(lua->helpers, 1);        // require: wraps nothing defined in the tree, so its own file
    QCOMPARE(lua->drivers, 2);        // test.lua, infinite.lua
    const models::SubsystemCoverage *systm = snap->find(QStringLiteral("sys/modules/luasystm"));
    QVERIFY(systm);
    QCOMPARE(systm->helpers, 0);
    QCOMPARE(systm->drivers, 1);
    const models::SubsystemCoverage *interpreter = snap->find(QStringLiteral("external/mit/lua"));
    QVERIFY(interpreter);
    QCOMPARE(interpreter->level, 0);  // the interpreter is neither binding nor kernel API
    QCOMPARE(interpreter->exported, 0);
}

void TestNetBsdLua::registeredFunctions()
{
    const QStringList names = column(*m_store, QStringLiteral("SELECT name FROM cov_items WHERE kind = 'helper' ORDER BY name"));
    QStringList expected{QStringLiteral("require")};
    for (const char *m : {"core", "systm"})
        for (const char *f : {"aprint_debug", "aprint_error", "aprint_get_error_count", "aprint_naive", "aprint_normal",
                              "aprint_verbose", "panic", "print", "print_nolog", "uprint"})
            expected << QStringLiteral("%1.%2").arg(QLatin1String(m), QLatin1String(f));
    expected << QStringLiteral("pmf.get_platform") << QStringLiteral("pmf.set_platform") << QStringLiteral("pmf.system_shutdown");
    expected.sort();
    QCOMPARE(names, expected);
    const QStringList detail = column(*m_store, QStringLiteral("SELECT detail FROM cov_items WHERE name = 'pmf.system_shutdown'"));
    QCOMPARE(detail, QStringList{QStringLiteral("system_shutdown wraps pmf_system_shutdown (sys/kern/kern_pmf.c)")});
    const QStringList used = column(*m_store, QStringLiteral("SELECT value FROM source_settings WHERE name = 'subsystem_scheme_used'"));
    QCOMPARE(used, QStringList{kScheme});
}

void TestNetBsdLua::adoptionSeries()
{
    auto a = models::adoption(*m_store, models::Filter{});
    QVERIFY2(a, qPrintable(a.errorMessage()));
    QCOMPARE(a->secondLanguage, QStringLiteral("Lua bindings"));
    QCOMPARE(a->periods.size(), 1);
    const auto &languages = a->periods.at(0).languages;
    // Bindings: luasystm.c, luacore.c, luapmf.c, lua.c, sys/sys/lua.h; scripts: 3 .lua files;
    // interpreter: lprefix.h, lzio.c. sys/kern stays C.
    QCOMPARE(languages.value(QStringLiteral("Lua bindings")).files, 5);
    QCOMPARE(languages.value(QStringLiteral("Lua")).files, 3);
    QCOMPARE(languages.value(QStringLiteral("Lua interpreter")).files, 2);
    QCOMPARE(languages.value(QStringLiteral("C")).files, 2);
    for (const char *l : {"Lua bindings", "Lua", "Lua interpreter"})
        QVERIFY2(a->languages.contains(QLatin1String(l)), l);
}

void TestNetBsdLua::cliShowsCoverageAndChanges()
{
    QProcess cli;
    cli.start(QStringLiteral(KERNELLENS_CLI), {QStringLiteral("--db"), m_dir.filePath(QStringLiteral("s")), QStringLiteral("coverage")});
    QVERIFY(cli.waitForFinished(60000));
    QCOMPARE(cli.exitCode(), 0);
    const QString out = QString::fromUtf8(cli.readAllStandardOutput());
    QVERIFY2(out.contains(QStringLiteral("Exposed functions")) && out.contains(QStringLiteral("Lua scripts")), qPrintable(out));
    QVERIFY2(!out.contains(QStringLiteral("[RUST]")), qPrintable(out));
    QVERIFY2(out.contains(QRegularExpression(QStringLiteral("sys/kern +3 +81.25% +13 +16 +23 +3 +0"))), qPrintable(out));

    // A changed scheme is printed and redoes the inventory: depth 2 of every directory. The CLI
    // needs the store's writer lock.
    m_store.reset();
    cli.start(QStringLiteral(KERNELLENS_CLI), {QStringLiteral("--db"), m_dir.filePath(QStringLiteral("s")), QStringLiteral("ingest"),
                                               QStringLiteral("git"), m_repo.path(), QStringLiteral("--subsystems"), QStringLiteral("dirs:2")});
    QVERIFY(cli.waitForFinished(60000));
    QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
    const QString changed = QString::fromUtf8(cli.readAllStandardOutput());
    auto reopened = Store::open(m_dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(reopened);
    m_store.emplace(std::move(*reopened));
    QVERIFY2(changed.contains(QStringLiteral("subsystem scheme: dirs:2 (was %1)").arg(kScheme)), qPrintable(changed));
    auto snap = models::coverageSnapshot(*m_store, QString());
    QVERIFY(snap);
    QVERIFY(snap->find(QStringLiteral("sys/modules")));
    QCOMPARE(snap->find(QStringLiteral("sys/modules"))->helpers, 1);
    QVERIFY(!snap->find(QStringLiteral("sys/modules/lua")));
    const Status back = ingestAndDerive(*m_store, netbsdOptions(m_repo.path()));   // restore for the other tests
    QVERIFY2(back, qPrintable(back.message()));
}

void TestNetBsdLua::unrecognisedMaintainersIsSaid()
{
    Scratch repo;
    repo.write(QStringLiteral("MAINTAINERS"), "The NetBSD Foundation maintains this tree.\nAsk on tech-kern.\n");
    repo.write(QStringLiteral("sys/kern/kern_x.c"), "int\nx(void)\n{\n}\n");
    repo.commit(QStringLiteral("prose"));
    repo.tag(QStringLiteral("netbsd-1-0-RELEASE"));
    QTemporaryDir dir;
    auto store = Store::open(dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    ingest::GitIngestOptions o;
    o.source = repo.path();
    o.tagPattern = QStringLiteral("netbsd-*");
    const Status s = ingestAndDerive(*store, o);
    QVERIFY2(s, qPrintable(s.message()));
    const QStringList warnings = column(*store, QStringLiteral("SELECT location || ': ' || message FROM parse_warnings WHERE kind = 'subsystem-scheme'"));
    QCOMPARE(warnings.size(), 1);
    QVERIFY2(warnings.at(0).startsWith(QStringLiteral("netbsd-1-0-RELEASE: MAINTAINERS is not a Linux-style or FreeBSD")), qPrintable(warnings.at(0)));
    QVERIFY2(warnings.at(0).contains(QStringLiteral("scheme used instead: dirs:2")), qPrintable(warnings.at(0)));
    QCOMPARE(column(*store, QStringLiteral("SELECT value FROM source_settings WHERE name = 'subsystem_scheme_used'")),
             QStringList{QStringLiteral("dirs:2 (asked: auto)")});
}

QTEST_GUILESS_MAIN(TestNetBsdLua)
#include "tst_netbsd_lua.moc"
