// Subsystem schemes (parse, directory roots and depth, auto and its stated fallback) and the
// scanners of the in-kernel scripting binding model, on small inputs and the NetBSD fixture files.

#include <kernellens/ingest/subsystem_scheme.h>

#include "maintainers/binding_scripting.h"

#include <QFile>
#include <QTest>

using namespace kl;
using namespace kl::ingest;

namespace {

const QStringList kPaths = {
    QStringLiteral("Makefile"),
    QStringLiteral("sys/kern/subr_prf.c"),
    QStringLiteral("sys/net/if.c"),
    QStringLiteral("sys/netinet/ip_input.c"),
    QStringLiteral("sys/dev/pci/pci.c"),
    QStringLiteral("sys/dev/pci/ixgbe/ixgbe.c"),
    QStringLiteral("sys/dev/usb/usb.c"),
    QStringLiteral("sys/fs/tmpfs/tmpfs_vfsops.c"),
    QStringLiteral("sys/modules/luasystm/luasystm.c"),
    QStringLiteral("usr.bin/lua/lua.c"),
};

QSet<QString> directoriesOf(const QStringList &paths)
{
    QSet<QString> dirs;
    for (const QString &p : paths)
        for (qsizetype slash = p.indexOf(QLatin1Char('/')); slash > 0; slash = p.indexOf(QLatin1Char('/'), slash + 1))
            dirs.insert(p.left(slash));
    return dirs;
}

QByteArray fixture(const QString &path)
{
    QFile f(QStringLiteral(KERNELLENS_NETBSD_FIXTURE "/") + path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

const QByteArray kLinuxMaintainers("NETWORKING\nM:\tAda Dev <ada@example.org>\nF:\tsys/net/\n");
const QByteArray kFreeBsdMaintainers(
    "subsystem\tlogin\tnotes\n"
    "-----------------------------\n"
    "sys/dev/pci\tada\tPre-commit review requested.\n");

} // namespace

class TestSubsystemScheme : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data();
    void parse();
    void directoryRoots_data();
    void directoryRoots();
    void unmatchedRootIsSaid();
    void autoAndFallback_data();
    void autoAndFallback();
    void luaRegistrations_data();
    void luaRegistrations();
    void luaCallees();
    void knfDefinitions();
    void factsRoundTrip();
};

void TestSubsystemScheme::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("canonical");   // empty: an error
    QTest::newRow("empty is auto") << QString() << QStringLiteral("auto");
    QTest::newRow("auto") << QStringLiteral("auto") << QStringLiteral("auto");
    QTest::newRow("linux") << QStringLiteral("linux") << QStringLiteral("linux");
    QTest::newRow("freebsd") << QStringLiteral("freebsd") << QStringLiteral("freebsd");
    QTest::newRow("dirs") << QStringLiteral("dirs") << QStringLiteral("dirs:2");
    QTest::newRow("dirs depth") << QStringLiteral("dirs:3") << QStringLiteral("dirs:3");
    QTest::newRow("roots") << QStringLiteral("dirs:sys/dev/*,sys/kern") << QStringLiteral("dirs:sys/dev/*,sys/kern:1");
    QTest::newRow("roots depth") << QStringLiteral("dirs:sys/dev/*:2") << QStringLiteral("dirs:sys/dev/*:2");
    QTest::newRow("unknown") << QStringLiteral("bsd") << QString();
    QTest::newRow("depth 0") << QStringLiteral("dirs:0") << QString();
    QTest::newRow("bad depth") << QStringLiteral("dirs:sys/kern:x") << QString();
    QTest::newRow("too many parts") << QStringLiteral("dirs:a:1:2") << QString();
}

void TestSubsystemScheme::parse()
{
    QFETCH(QString, text);
    QFETCH(QString, canonical);
    auto scheme = parseSubsystemScheme(text);
    if (canonical.isEmpty()) {
        QVERIFY(!scheme);
        QVERIFY2(scheme.errorMessage().contains(text.isEmpty() ? QStringLiteral("scheme") : text.section(QLatin1Char(':'), 0, 0)),
                 qPrintable(scheme.errorMessage()));
        return;
    }
    QVERIFY2(scheme, qPrintable(scheme.errorMessage()));
    QCOMPARE(schemeName(*scheme), canonical);
    auto again = parseSubsystemScheme(canonical);
    QVERIFY(again);
    QCOMPARE(schemeName(*again), canonical);
}

void TestSubsystemScheme::directoryRoots_data()
{
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("subsystem");
    const QString roots = QStringLiteral("dirs:sys/dev/*,sys/kern,sys/net*,sys/fs/*");
    QTest::newRow("glob root") << roots << QStringLiteral("sys/dev/pci/pci.c") << QStringLiteral("sys/dev/pci");
    QTest::newRow("below a root, depth 1") << roots << QStringLiteral("sys/dev/pci/ixgbe/ixgbe.c") << QStringLiteral("sys/dev/pci");
    QTest::newRow("plain root") << roots << QStringLiteral("sys/kern/subr_prf.c") << QStringLiteral("sys/kern");
    QTest::newRow("prefix glob net") << roots << QStringLiteral("sys/net/if.c") << QStringLiteral("sys/net");
    QTest::newRow("prefix glob netinet") << roots << QStringLiteral("sys/netinet/ip_input.c") << QStringLiteral("sys/netinet");
    QTest::newRow("under no root") << roots << QStringLiteral("usr.bin/lua/lua.c") << QStringLiteral("(other)");
    QTest::newRow("top file") << roots << QStringLiteral("Makefile") << QStringLiteral("(other)");
    QTest::newRow("depth 2") << QStringLiteral("dirs:sys/dev/*:2") << QStringLiteral("sys/dev/pci/ixgbe/ixgbe.c")
                             << QStringLiteral("sys/dev/pci/ixgbe");
    QTest::newRow("depth 2, file in root") << QStringLiteral("dirs:sys/dev/*:2") << QStringLiteral("sys/dev/pci/pci.c")
                                           << QStringLiteral("sys/dev/pci");
    QTest::newRow("deepest root wins") << QStringLiteral("dirs:sys/*,sys/dev/*") << QStringLiteral("sys/dev/usb/usb.c")
                                       << QStringLiteral("sys/dev/usb");
    QTest::newRow("every directory, depth 2") << QStringLiteral("dirs") << QStringLiteral("sys/dev/usb/usb.c")
                                              << QStringLiteral("sys/dev");
}

void TestSubsystemScheme::directoryRoots()
{
    QFETCH(QString, scheme);
    QFETCH(QString, path);
    QFETCH(QString, subsystem);
    auto parsed = parseSubsystemScheme(scheme);
    QVERIFY(parsed);
    const SubsystemChoice choice = chooseSubsystems(*parsed, std::nullopt, directoriesOf(kPaths), kPaths);
    QCOMPARE(choice.used, schemeName(*parsed));
    QVERIFY2(choice.warning.isEmpty(), qPrintable(choice.warning));
    QCOMPARE(choice.map.sectionsFor(path), QStringList{subsystem});
}

void TestSubsystemScheme::unmatchedRootIsSaid()
{
    auto parsed = parseSubsystemScheme(QStringLiteral("dirs:sys/kern,sys/arch/*"));
    QVERIFY(parsed);
    const SubsystemChoice choice = chooseSubsystems(*parsed, std::nullopt, directoriesOf(kPaths), kPaths);
    QVERIFY2(choice.warning.contains(QStringLiteral("sys/arch/*")), qPrintable(choice.warning));
    QCOMPARE(choice.map.sectionsFor(QStringLiteral("sys/kern/subr_prf.c")), QStringList{QStringLiteral("sys/kern")});
}

void TestSubsystemScheme::autoAndFallback_data()
{
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<QByteArray>("maintainers");
    QTest::addColumn<bool>("hasMaintainers");
    QTest::addColumn<QString>("used");
    QTest::addColumn<QString>("warning");   // a substring; empty: no warning
    QTest::newRow("auto, Linux file") << QStringLiteral("auto") << kLinuxMaintainers << true << QStringLiteral("linux") << QString();
    QTest::newRow("auto, FreeBSD file") << QStringLiteral("auto") << kFreeBsdMaintainers << true << QStringLiteral("freebsd") << QString();
    QTest::newRow("auto, no file") << QStringLiteral("auto") << QByteArray() << false << QStringLiteral("dirs:2") << QString();
    QTest::newRow("auto, unknown format") << QStringLiteral("auto") << QByteArray("just some prose\nand more\n") << true
                                          << QStringLiteral("dirs:2")
                                          << QStringLiteral("MAINTAINERS is not a Linux-style or FreeBSD table-format MAINTAINERS "
                                                            "(subsystem scheme auto); subsystems are directories (scheme used instead: dirs:2)");
    QTest::newRow("linux asked, FreeBSD file") << QStringLiteral("linux") << kFreeBsdMaintainers << true << QStringLiteral("dirs:2")
                                               << QStringLiteral("not a Linux-style MAINTAINERS (subsystem scheme linux)");
    QTest::newRow("freebsd asked, Linux file") << QStringLiteral("freebsd") << kLinuxMaintainers << true << QStringLiteral("dirs:2")
                                               << QStringLiteral("scheme used instead: dirs:2");
    QTest::newRow("linux asked, no file") << QStringLiteral("linux") << QByteArray() << false << QStringLiteral("dirs:2")
                                          << QStringLiteral("the tree has no MAINTAINERS");
    QTest::newRow("dirs ignores the file") << QStringLiteral("dirs:sys/*") << kLinuxMaintainers << true
                                           << QStringLiteral("dirs:sys/*:1") << QString();
}

void TestSubsystemScheme::autoAndFallback()
{
    QFETCH(QString, scheme);
    QFETCH(QByteArray, maintainers);
    QFETCH(bool, hasMaintainers);
    QFETCH(QString, used);
    QFETCH(QString, warning);
    auto parsed = parseSubsystemScheme(scheme);
    QVERIFY(parsed);
    const auto text = hasMaintainers ? std::optional<QByteArray>(maintainers) : std::nullopt;
    const SubsystemChoice choice = chooseSubsystems(*parsed, text, directoriesOf(kPaths), kPaths);
    QCOMPARE(choice.used, used);
    if (warning.isEmpty())
        QVERIFY2(choice.warning.isEmpty(), qPrintable(choice.warning));
    else
        QVERIFY2(choice.warning.contains(warning), qPrintable(choice.warning));
    QCOMPARE(choice.fromMaintainers, used == QLatin1String("linux") || used == QLatin1String("freebsd"));
    QVERIFY(!choice.map.sections().isEmpty());
}

void TestSubsystemScheme::luaRegistrations_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QStringList>("modules");
    QTest::addColumn<QStringList>("functions");   // "lua name=C function"
    const QStringList printing = {QStringLiteral("print=print"), QStringLiteral("print_nolog=print_nolog"),
                                  QStringLiteral("uprint=uprint")};
    QStringList systm = printing, core = printing;
    for (const char *f : {"aprint_normal", "aprint_naive", "aprint_verbose", "aprint_debug", "aprint_error",
                          "aprint_get_error_count", "panic"}) {
        systm << QStringLiteral("%1=systm_%1").arg(QLatin1String(f));
        core << QStringLiteral("%1=core_%1").arg(QLatin1String(f));
    }
    QTest::newRow("luasystm: luaL_Reg + luaL_newlib") << QStringLiteral("sys/modules/luasystm/luasystm.c")
                                                     << QStringList{QStringLiteral("systm")} << systm;
    QTest::newRow("luacore: own struct table") << QStringLiteral("sys/modules/luacore/luacore.c")
                                              << QStringList{QStringLiteral("core")} << core;
    QTest::newRow("luapmf: luaL_register") << QStringLiteral("sys/modules/luapmf/luapmf.c") << QStringList{QStringLiteral("pmf")}
                                          << QStringList{QStringLiteral("system_shutdown=system_shutdown"),
                                                         QStringLiteral("set_platform=set_platform"),
                                                         QStringLiteral("get_platform=get_platform")};
    QTest::newRow("lua(4): pushcfunction + setglobal") << QStringLiteral("sys/modules/lua/lua.c") << QStringList{}
                                                       << QStringList{QStringLiteral("require=lua_require")};
    QTest::newRow("the interpreter registers nothing here") << QStringLiteral("external/mit/lua/dist/src/lzio.c")
                                                            << QStringList{} << QStringList{};
}

void TestSubsystemScheme::luaRegistrations()
{
    QFETCH(QString, file);
    QFETCH(QStringList, modules);
    QFETCH(QStringList, functions);
    const QByteArray text = fixture(file);
    QVERIFY(!text.isEmpty());
    const coverage::LuaBindings b = coverage::scanLuaBindings(text);
    QCOMPARE(b.modules, modules);
    QStringList found;
    for (const auto &f : b.functions)
        found << f.luaName + QLatin1Char('=') + f.cFunction;
    QCOMPARE(found, functions);
}

void TestSubsystemScheme::luaCallees()
{
    const coverage::LuaBindings pmf = coverage::scanLuaBindings(fixture(QStringLiteral("sys/modules/luapmf/luapmf.c")));
    QCOMPARE(pmf.functions.size(), 3);
    QCOMPARE(pmf.functions.at(0).callees, QStringList{QStringLiteral("pmf_system_shutdown")});   // lua_tointeger left out
    QCOMPARE(pmf.functions.at(2).callees, QStringList{QStringLiteral("pmf_get_platform")});
    const QByteArray inline_("static int f(lua_State *L) { if (x) foo(lua_tostring(L, 1)); return bar(); }\n"
                             "static const luaL_Reg t[] = { { \"f\", f }, { NULL, NULL } };\n");
    const coverage::LuaBindings b = coverage::scanLuaBindings(inline_);
    QCOMPARE(b.functions.size(), 1);
    QCOMPARE(b.functions.at(0).callees, (QStringList{QStringLiteral("foo"), QStringLiteral("bar")}));
    QVERIFY(coverage::scanLuaBindings("{ \"a\", b }\n").functions.isEmpty());   // no lua_State: not a binding file
}

void TestSubsystemScheme::knfDefinitions()
{
    const QStringList pmf = coverage::scanKnfDefinitions(fixture(QStringLiteral("sys/kern/kern_pmf.c")));
    QCOMPARE(pmf, (QStringList{QStringLiteral("pmf_device_deregister"), QStringLiteral("pmf_get_platform"),
                               QStringLiteral("pmf_set_platform"), QStringLiteral("pmf_system_shutdown")}));   // shutdown_all is static
    const QStringList prf = coverage::scanKnfDefinitions(fixture(QStringLiteral("sys/kern/subr_prf.c")));
    QVERIFY(prf.contains(QStringLiteral("aprint_normal")));
    QVERIFY(!prf.contains(QStringLiteral("aprint_normal_internal")));   // static
    QVERIFY(!prf.contains(QStringLiteral("__KERNEL_RCSID")));           // a macro after #include lines
    QCOMPARE(prf.size(), 12);
}

void TestSubsystemScheme::factsRoundTrip()
{
    const coverage::LuaBindings b = coverage::scanLuaBindings(fixture(QStringLiteral("sys/modules/luasystm/luasystm.c")));
    const coverage::LuaBindings back = coverage::luaBindingsFromFacts(coverage::luaBindingFacts(b));
    QCOMPARE(back.modules, b.modules);
    QCOMPARE(back.functions.size(), b.functions.size());
    for (qsizetype i = 0; i < b.functions.size(); ++i) {
        QCOMPARE(back.functions.at(i).luaName, b.functions.at(i).luaName);
        QCOMPARE(back.functions.at(i).callees, b.functions.at(i).callees);
    }
}

QTEST_GUILESS_MAIN(TestSubsystemScheme)
#include "tst_subsystem_scheme.moc"
