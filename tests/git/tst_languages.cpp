#include <kernellens/ingest/languages.h>

#include <QTemporaryDir>
#include <QTest>

using kl::ingest::LanguageMap;

class TestLanguages : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void builtin_data();
    void builtin();
    void override();
    void badDefinitions_data();
    void badDefinitions();
    void missingFileIsNamed();
};

void TestLanguages::builtin_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("language");
    QTest::newRow("rust") << "rust/kernel/lib.rs" << "Rust";
    QTest::newRow("rust driver") << "drivers/net/phy/ax88796b_rust.rs" << "Rust";
    QTest::newRow("c") << "kernel/sched/core.c" << "C";
    QTest::newRow("header") << "include/linux/fs.h" << "C";
    QTest::newRow("asm S") << "arch/x86/entry/entry_64.S" << "Assembly";
    QTest::newRow("asm s") << "arch/arm/lib/foo.s" << "Assembly";
    QTest::newRow("kconfig") << "drivers/block/Kconfig" << "Build";
    QTest::newRow("kconfig.debug") << "lib/Kconfig.debug" << "Build";
    QTest::newRow("makefile") << "Makefile" << "Build";
    QTest::newRow("kbuild") << "arch/x86/Kbuild" << "Build";
    QTest::newRow("mk") << "sys/modules/lua/Makefile.inc.mk" << "Build";
    QTest::newRow("docs tree") << "Documentation/rust/index.rst" << "Docs";
    QTest::newRow("docs any file") << "Documentation/devicetree/bindings/foo.yaml" << "Docs";
    QTest::newRow("rst outside") << "rust/README.rst" << "Docs";
    QTest::newRow("txt") << "LICENSES/preferred/GPL-2.0.txt" << "Docs";
    QTest::newRow("docs makefile is build") << "Documentation/Makefile" << "Build";
    QTest::newRow("shell") << "scripts/checkpatch.sh" << "Scripts";
    QTest::newRow("python") << "scripts/gdb/linux/utils.py" << "Scripts";
    QTest::newRow("perl") << "scripts/get_maintainer.pl" << "Scripts";
    QTest::newRow("lua") << "sys/modules/lua/lua.lua" << "Lua";
    QTest::newRow("other") << "MAINTAINERS" << "Other";
    QTest::newRow("dotfile") << ".mailmap" << "Other";
    QTest::newRow("rs in name only") << "drivers/foo.rs.orig" << "Other";
}

void TestLanguages::builtin()
{
    QFETCH(QString, path);
    QFETCH(QString, language);
    QCOMPARE(LanguageMap::builtin().classify(path), language);
}

void TestLanguages::override()
{
    auto map = LanguageMap::parse("# NetBSD\nLua: *.lua\nC: *.c *.h\nBuild: sys/**/Makefile* *.mk\n",
                                  QStringLiteral("netbsd.conf"));
    QVERIFY2(map, qPrintable(map.errorMessage()));
    QCOMPARE(map->classify(QStringLiteral("sys/modules/lua/lua.lua")), QStringLiteral("Lua"));
    QCOMPARE(map->classify(QStringLiteral("sys/modules/lua/Makefile")), QStringLiteral("Build"));
    QCOMPARE(map->classify(QStringLiteral("Makefile")), QStringLiteral("Other"));   // whole-path pattern
    QCOMPARE(map->classify(QStringLiteral("rust/lib.rs")), QStringLiteral("Other"));
    QCOMPARE(map->languages(), (QStringList{QStringLiteral("Lua"), QStringLiteral("C"), QStringLiteral("Build"), QStringLiteral("Other")}));
    QVERIFY(map->hasLanguage(QStringLiteral("Lua")));
    QVERIFY(!map->hasLanguage(QStringLiteral("Rust")));

    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("langs.conf"));
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("Go: *.go\n");
    f.close();
    auto fromFile = LanguageMap::fromFile(file);
    QVERIFY2(fromFile, qPrintable(fromFile.errorMessage()));
    QCOMPARE(fromFile->classify(QStringLiteral("cmd/main.go")), QStringLiteral("Go"));
}

void TestLanguages::badDefinitions_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("no colon") << QByteArray("Rust *.rs\n") << "x.conf: line 1: expected";
    QTest::newRow("no pattern") << QByteArray("# c\nRust:\n") << "x.conf: line 2: language Rust has no pattern";
    QTest::newRow("other is implicit") << QByteArray("Other: *\n") << "x.conf: line 1: \"Other\" is implicit";
    QTest::newRow("empty") << QByteArray("# nothing\n") << "x.conf: no language definitions";
}

void TestLanguages::badDefinitions()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, message);
    auto map = LanguageMap::parse(text, QStringLiteral("x.conf"));
    QVERIFY(!map);
    QVERIFY2(map.errorMessage().startsWith(message), qPrintable(map.errorMessage()));
}

void TestLanguages::missingFileIsNamed()
{
    auto map = LanguageMap::fromFile(QStringLiteral("/nonexistent/langs.conf"));
    QVERIFY(!map);
    QVERIFY(map.errorMessage().contains(QStringLiteral("/nonexistent/langs.conf")));
}

QTEST_GUILESS_MAIN(TestLanguages)
#include "tst_languages.moc"
