// MAINTAINERS parsing, get_maintainer.pl path semantics, roll-up of [RUST] sections, and the
// binding inventory's text scanners.
#include <kernellens/ingest/subsystems.h>

#include "maintainers/binding_scan.h"

#include <QRegularExpression>
#include <QTest>

using namespace kl;

namespace {

const char kSample[] =
    "List of maintainers\n"
    "\tM: *Mail* patches to: FullName <address@domain>\n"
    "\n"
    "Maintainers List\n"
    "----------------\n"
    "\n"
    "ETHERNET PHY LIBRARY\n"
    "M:\tAndrew Lunn <andrew@lunn.ch>\n"
    "R:\t\"Russell King\" <linux@armlinux.org.uk>\n"
    "L:\tnetdev@vger.kernel.org\n"
    "S:\tMaintained\n"
    "W:\thttps://example.org/phy\n"
    "Q:\thttps://patchwork.kernel.org/project/netdevbpf/list/\n"
    "B:\thttps://bugzilla.kernel.org\n"
    "C:\tirc://irc.libera.chat/netdev\n"
    "P:\tDocumentation/process/maintainer-netdev.rst\n"
    "T:\tgit git://git.kernel.org/pub/scm/linux/kernel/git/netdev/net.git\n"
    "F:\tdrivers/net/phy/\n"
    "F:\tinclude/linux/phy.h\n"
    "F:\tinclude/linux/*mdio*.h\n"
    "X:\tdrivers/net/phy/excluded/\n"
    "K:\tphylink\n"
    "\n"
    "ETHERNET PHY LIBRARY [RUST]\n"
    "M:\tFUJITA Tomonori <fujita.tomonori@gmail.com>\n"
    "S:\tMaintained\n"
    "F:\trust/kernel/net/phy.rs\n"
    "\n"
    "ASIX PHY DRIVER [RUST]\n"
    "M:\tFUJITA Tomonori <fujita.tomonori@gmail.com>\n"
    "S:\tMaintained\n"
    "F:\tdrivers/net/phy/ax88796b_rust.rs\n"
    "\n"
    "BLOCK LAYER\n"
    "M:\tJens Axboe <axboe@kernel.dk>\n"
    "S:\tMaintained\n"
    "F:\tblock/\n"
    "F:\tdrivers/block\n"
    "F:\tinclude/linux/blk*\n"
    "F:\tkernel/trace/blktrace.c\n"
    "\n"
    "BLOCK LAYER DEVICE DRIVER API [RUST]\n"
    "M:\tAndreas Hindborg <a.hindborg@kernel.org>\n"
    "S:\tSupported\n"
    "F:\trust/kernel/block.rs\n"
    "F:\trust/kernel/block/\n"
    "\n"
    "QUALCOMM\n"
    "S:\tMaintained\n"
    "N:\tqcom\n"
    "N:\t[^a-z]tegra\n"
    "X:\tdrivers/net/phy/\n"
    "\n"
    "PHY PREFIX QUIRK\n"
    "S:\tMaintained\n"
    "F:\tdrivers/net/phy/phy\n"
    "F:\tdrivers/gpu/drm/i915?/\n"
    "F:\tdrivers/gpu/drm/a.c\n"
    "\n"
    "RUST\n"
    "M:\tMiguel Ojeda <ojeda@kernel.org>\n"
    "S:\tSupported\n"
    "F:\trust/\n"
    "\n"
    "RUST [ALLOC]\n"
    "M:\tDanilo Krummrich <dakr@kernel.org>\n"
    "S:\tMaintained\n"
    "F:\trust/kernel/alloc.rs\n"
    "\n"
    "THE REST\n"
    "M:\tLinus Torvalds <torvalds@linux-foundation.org>\n"
    "S:\tBuried alive in reporters\n"
    "F:\t*\n"
    "F:\t*/\n";

SubsystemMap sampleMap()
{
    return SubsystemMap::fromMaintainers(QByteArray(kSample),
                                         {QStringLiteral("drivers"), QStringLiteral("drivers/block"),
                                          QStringLiteral("drivers/net"), QStringLiteral("drivers/net/phy")});
}

} // namespace

class TestMaintainersParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesEveryField();
    void parsesPeople();
    void sections_data();
    void sections();
    void malformedLines_data();
    void malformedLines();
    void invalidFilePatternMatchesNothing();
    void directoryFallback();
    void rollUp_data();
    void rollUp();
    void scanExports_data();
    void scanExports();
    void scanBindings_data();
    void scanBindings();
    void scanHelpers();
    void scanIncludes();
};

void TestMaintainersParser::parsesEveryField()
{
    const SubsystemMap map = sampleMap();
    QVERIFY2(map.warnings().isEmpty(), qPrintable(map.warnings().value(0).message));
    QCOMPARE(map.sections().size(), 10);
    const MaintainersSection &phy = map.sections().at(0);
    QCOMPARE(phy.name, QStringLiteral("ETHERNET PHY LIBRARY"));
    QCOMPARE(phy.line, 7);
    QCOMPARE(phy.status(), QStringLiteral("Maintained"));
    QString types;
    for (const auto &f : phy.fields)
        types += f.type;
    QCOMPARE(types, QStringLiteral("MRLSWQBCPTFFFXK"));
    QCOMPARE(phy.values(QLatin1Char('K')), QStringList{QStringLiteral("phylink")});
    QCOMPARE(phy.values(QLatin1Char('T')).value(0),
             QStringLiteral("git git://git.kernel.org/pub/scm/linux/kernel/git/netdev/net.git"));
    QCOMPARE(phy.fields.at(1).line, 9);
    QCOMPARE(map.sectionIndex(QStringLiteral("THE REST")), 9);
    QCOMPARE(map.sections().at(9).status(), QStringLiteral("Buried alive in reporters"));
}

void TestMaintainersParser::parsesPeople()
{
    const auto people = sampleMap().sections().at(0).people();
    QCOMPARE(people.size(), 2);
    QCOMPARE(people.at(0).role, QLatin1Char('M'));
    QCOMPARE(people.at(0).name, QStringLiteral("Andrew Lunn"));
    QCOMPARE(people.at(0).email, QStringLiteral("andrew@lunn.ch"));
    QCOMPARE(people.at(1).role, QLatin1Char('R'));
    QCOMPARE(people.at(1).name, QStringLiteral("Russell King"));
}

void TestMaintainersParser::sections_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QStringList>("expected");
    const QString rest = QStringLiteral("THE REST");
    const QString phy = QStringLiteral("ETHERNET PHY LIBRARY");
    const QString quirk = QStringLiteral("PHY PREFIX QUIRK");
    const QString block = QStringLiteral("BLOCK LAYER");
    // Trailing '/' is recursive.
    QTest::newRow("dir/ recursive") << "drivers/net/phy/mscc/mscc_main.c" << QStringList{phy, rest};
    // A file pattern matches as a prefix at the same depth: "phy" matches phy_device.c too.
    QTest::newRow("prefix same depth") << "drivers/net/phy/phy_device.c" << QStringList{phy, quirk, rest};
    QTest::newRow("prefix other depth") << "drivers/net/phy/phy/x.c" << QStringList{phy, rest};
    // Globs match at the same depth only.
    QTest::newRow("glob same depth") << "include/linux/of_mdio.h" << QStringList{phy, rest};
    QTest::newRow("glob deeper") << "include/linux/mdio/mdio-xgene.h" << QStringList{rest};
    QTest::newRow("glob blk") << "include/linux/blkdev.h" << QStringList{block, rest};
    // A pattern that names a directory of the tree becomes recursive.
    QTest::newRow("directory without slash") << "drivers/block/null_blk/main.c" << QStringList{block, rest};
    QTest::newRow("exact file") << "kernel/trace/blktrace.c" << QStringList{block, rest};
    // X: excludes from its own section only.
    QTest::newRow("X: excludes") << "drivers/net/phy/excluded/a.c" << QStringList{rest};
    // N: is a regex anywhere in the path; X: excludes N: matches too.
    QTest::newRow("N: regex") << "drivers/clk/qcom/gcc.c" << QStringList{QStringLiteral("QUALCOMM"), rest};
    QTest::newRow("N: class") << "drivers/gpu/host1x/tegra.c" << QStringList{QStringLiteral("QUALCOMM"), rest};
    QTest::newRow("N: class no match") << "drivers/gpu/host1x/xtegra.c" << QStringList{rest};
    QTest::newRow("N: excluded by X:") << "drivers/net/phy/qcom/qca808x.c" << QStringList{phy, rest};
    // '?' is one character; '.' is literal.
    QTest::newRow("? glob") << "drivers/gpu/drm/i915x/a.c" << QStringList{quirk, rest};
    QTest::newRow("? needs a character") << "drivers/gpu/drm/i915/a.c" << QStringList{rest};
    QTest::newRow("literal dot") << "drivers/gpu/drm/abc" << QStringList{rest};
    QTest::newRow("dot matches dot") << "drivers/gpu/drm/a.c" << QStringList{quirk, rest};
    // Several sections.
    QTest::newRow("rust + [RUST]") << "rust/kernel/block/mq.rs"
                                   << QStringList{QStringLiteral("BLOCK LAYER DEVICE DRIVER API [RUST]"),
                                                  QStringLiteral("RUST"), rest};
    QTest::newRow("top-level file") << "Makefile" << QStringList{rest};
}

void TestMaintainersParser::sections()
{
    QFETCH(QString, path);
    QFETCH(QStringList, expected);
    QStringList got = sampleMap().sectionsFor(path);
    got.sort();
    expected.sort();
    QCOMPARE(got, expected);
}

void TestMaintainersParser::malformedLines_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("fragment");
    QTest::addColumn<int>("sections");
    QTest::newRow("unknown type") << QByteArray("A\nM:\tx <x@y>\nZ:\twhat\n") << 3 << "unknown field type 'Z:'" << 1;
    QTest::newRow("not a field") << QByteArray("A\nM:\tx <x@y>\nF drivers/foo\nF:\tb/\n") << 3
                                 << "is not a field" << 2;
    QTest::newRow("heading without fields") << QByteArray("A\nM:\tx <x@y>\n\nB\n\nC\nM:\ty <y@z>\n") << 4 << "has no fields" << 2;
    QTest::newRow("empty value") << QByteArray("A\nM:\tx <x@y>\nF:\n") << 3 << "empty F: field" << 1;
    QTest::newRow("M without email") << QByteArray("A\nM:\tNobody\n") << 2 << "without an e-mail" << 1;
    QTest::newRow("bad N: regex") << QByteArray("A\nM:\tx <x@y>\nN:\tfoo[\n") << 3 << "not a valid regular" << 1;
    QTest::newRow("bad F: pattern") << QByteArray("A\nM:\tx <x@y>\nF:\tdrivers/foo[/\n") << 3
                                    << "F: pattern 'drivers/foo[/' is not a valid pattern" << 1;
    QTest::newRow("bad X: pattern") << QByteArray("A\nM:\tx <x@y>\nF:\tdrivers/\nX:\tdrivers/(x\n") << 4
                                    << "X: pattern 'drivers/(x' is not a valid pattern" << 1;
}

void TestMaintainersParser::malformedLines()
{
    QFETCH(QByteArray, text);
    QFETCH(int, line);
    QFETCH(QString, fragment);
    QFETCH(int, sections);
    const SubsystemMap map = SubsystemMap::fromMaintainers(text);
    QCOMPARE(map.sections().size(), sections);
    bool found = false;
    for (const auto &w : map.warnings())
        if (w.line == line && w.message.contains(fragment))
            found = true;
    QVERIFY2(found, qPrintable(map.warnings().isEmpty() ? QStringLiteral("no warnings") : map.warnings().first().message));
    // Parsing continues after the bad line: the first section still maps paths.
    QCOMPARE(map.sections().first().name, map.sections().first().name.trimmed());
}

// An invalid F: pattern is a warning with its line, matches nothing, and never reaches Qt's
// "called on an invalid QRegularExpression object".
void TestMaintainersParser::invalidFilePatternMatchesNothing()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral("invalid QRegularExpression")));
    const SubsystemMap map = SubsystemMap::fromMaintainers(
        QByteArray("A\nM:\tx <x@y>\nF:\tdrivers/a[/\nF:\tdrivers/b/\n"));
    QCOMPARE(map.warnings().size(), 1);
    QCOMPARE(map.warnings().first().line, 3);
    QCOMPARE(map.sectionsFor(QStringLiteral("drivers/a[/x.c")), QStringList());
    QCOMPARE(map.sectionsFor(QStringLiteral("drivers/a/x.c")), QStringList());
    QCOMPARE(map.sectionsFor(QStringLiteral("drivers/b/x.c")), QStringList{QStringLiteral("A")});
}

void TestMaintainersParser::directoryFallback()
{
    const QStringList paths = {QStringLiteral("sys/kern/kern_fork.c"), QStringLiteral("sys/dev/usb/usb.c"),
                               QStringLiteral("bin/ls/ls.c"), QStringLiteral("Makefile"), QStringLiteral("README.md")};
    const SubsystemMap map = SubsystemMap::fromDirectories(paths, 2);
    QVERIFY(map.isDirectoryBased());
    QCOMPARE(map.sectionsFor(QStringLiteral("sys/kern/kern_fork.c")), QStringList{QStringLiteral("sys/kern")});
    QCOMPARE(map.sectionsFor(QStringLiteral("sys/dev/usb/usb.c")), QStringList{QStringLiteral("sys/dev")});
    QCOMPARE(map.sectionsFor(QStringLiteral("Makefile")), QStringList{QStringLiteral("(top)")});
    QCOMPARE(map.sections().size(), 4);
    const SubsystemMap top = SubsystemMap::fromDirectories(paths, 1);
    QCOMPARE(top.sectionsFor(QStringLiteral("sys/dev/usb/usb.c")), QStringList{QStringLiteral("sys")});
}

void TestMaintainersParser::rollUp_data()
{
    QTest::addColumn<QString>("section");
    QTest::addColumn<QString>("parent");
    QTest::newRow("same name") << "ETHERNET PHY LIBRARY [RUST]" << "ETHERNET PHY LIBRARY";
    QTest::newRow("word prefix") << "BLOCK LAYER DEVICE DRIVER API [RUST]" << "BLOCK LAYER";
    QTest::newRow("co-owner") << "ASIX PHY DRIVER [RUST]" << "ETHERNET PHY LIBRARY";
    QTest::newRow("not a [RUST] section") << "RUST [ALLOC]" << "";
    QTest::newRow("C section") << "BLOCK LAYER" << "";
}

void TestMaintainersParser::rollUp()
{
    QFETCH(QString, section);
    QFETCH(QString, parent);
    const SubsystemMap map = sampleMap();
    QHash<QString, int> coOwners;
    for (const QString &s : map.sectionsFor(QStringLiteral("drivers/net/phy/ax88796b_rust.rs")))
        coOwners[s] += 1;
    QCOMPARE(rollUpParent(section, map, coOwners), parent);
    QVERIFY(isLanguageCoreSection(QStringLiteral("RUST [ALLOC]")));
    QVERIFY(!isSecondLanguageSection(QStringLiteral("RUST")));
}

void TestMaintainersParser::scanExports_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("all forms") << QByteArray("int a;\nEXPORT_SYMBOL(a);\nEXPORT_SYMBOL_GPL( b );\n"
                                             "EXPORT_SYMBOL_NS(c, FOO);\nEXPORT_SYMBOL_NS_GPL(d, \"BAR\");\n")
                               << QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"),
                                              QStringLiteral("d")};
    QTest::newRow("not exports") << QByteArray("#define EXPORT_SYMBOL(sym) x\nEXPORT_SYMBOL_FOO(z);\nMY_EXPORT_SYMBOL(q);\n"
                                               "EXPORT_TRACEPOINT_SYMBOL(t);\n")
                                 << QStringList();
    QTest::newRow("duplicates") << QByteArray("EXPORT_SYMBOL(a);\nEXPORT_SYMBOL(a);\n") << QStringList{QStringLiteral("a")};
}

void TestMaintainersParser::scanExports()
{
    QFETCH(QByteArray, text);
    QFETCH(QStringList, expected);
    QCOMPARE(coverage::scanExports(text), expected);
}

void TestMaintainersParser::scanBindings_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("paths") << QByteArray("unsafe { bindings::phy_read(p, r) };\nlet x = kernel::bindings::GFP_KERNEL;\n"
                                         "$crate::bindings::queue_work_on(1);\n")
                           << QStringList{QStringLiteral("GFP_KERNEL"), QStringLiteral("phy_read"),
                                          QStringLiteral("queue_work_on")};
    QTest::newRow("braces") << QByteArray("use kernel::bindings::{self, mdiobus_read, phy_device as Dev};\n")
                            << QStringList{QStringLiteral("mdiobus_read"), QStringLiteral("phy_device")};
    QTest::newRow("other crate") << QByteArray("uapi_bindings::foo();\n") << QStringList();
}

void TestMaintainersParser::scanBindings()
{
    QFETCH(QByteArray, text);
    QFETCH(QStringList, expected);
    QCOMPARE(coverage::scanBindingsReferences(text), expected);
}

void TestMaintainersParser::scanHelpers()
{
    const QByteArray text(
        "#include <linux/workqueue.h>\n"
        "/* rust_helper_commented(void) { nope(); } */\n"
        "void rust_helper_init_work_with_key(struct work_struct *work, work_func_t func,\n"
        "\t\t\t\t      bool onstack, const char *name, struct lock_class_key *key)\n"
        "{\n"
        "\t__init_work(work, onstack);\n"
        "#ifdef CONFIG_LOCKDEP\n"
        "\tlockdep_init_map(&work->lockdep_map, name, key, 0);\n"
        "#endif\n"
        "\tif (x)\n"
        "\t\tINIT_LIST_HEAD(&work->entry);\n"
        "}\n"
        "EXPORT_SYMBOL_GPL(rust_helper_init_work_with_key);\n"
        "__rust_helper void *rust_helper_blk_mq_rq_to_pdu(struct request *rq) { return blk_mq_rq_to_pdu(rq); }\n");
    const auto helpers = coverage::scanHelpers(text);
    QCOMPARE(helpers.size(), 2);
    QCOMPARE(helpers.at(0).name, QStringLiteral("init_work_with_key"));
    QCOMPARE(helpers.at(0).callees, (QStringList{QStringLiteral("__init_work"), QStringLiteral("lockdep_init_map"),
                                                 QStringLiteral("INIT_LIST_HEAD")}));
    QCOMPARE(helpers.at(1).name, QStringLiteral("blk_mq_rq_to_pdu"));
    QCOMPARE(helpers.at(1).callees, QStringList{QStringLiteral("blk_mq_rq_to_pdu")});
}

void TestMaintainersParser::scanIncludes()
{
    const QByteArray text("#include <linux/phy.h>\n  # include \"local.h\"\n// #include <not/this.h>x\n"
                          "#include <uapi/linux/mii.h>\n#include <linux/phy.h>\n");
    QCOMPARE(coverage::scanIncludes(text),
             (QStringList{QStringLiteral("linux/phy.h"), QStringLiteral("local.h"), QStringLiteral("uapi/linux/mii.h")}));
}

QTEST_GUILESS_MAIN(TestMaintainersParser)
#include "tst_maintainers_parser.moc"
