// Scanners of the out-of-tree binding crate model (ingest/maintainers/binding_crate.h) on lines
// of the KPI crate's bindings.h and Rust sources, and on the real FreeBSD headers of the fixture
// tree; and the error for a binding repository without bindings.h.
#include <kernellens/ingest/binding_crate.h>
#include <kernellens/index/store.h>
#include <kernellens/ingest/git_ingest.h>
#include <kernellens/models/crate_coverage.h>

#include "maintainers/binding_crate.h"
#include "../git/scratch_repo.h"

#include <QFile>
#include <QTest>

using namespace kl;

namespace {

QByteArray fixture(const char *path)
{
    QFile f(QStringLiteral(KERNELLENS_FREEBSD_FIXTURE "/") + QLatin1String(path));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Excerpt of the crate's bindings.h (freebsd-kpi-rs 48b89d9a8e5c).
const char kBindings[] =
    "/* licence */\n"
    "#if !defined(__has_include)\n#error \"Please preprocess\"\n#endif\n"
    "#include \"opt_platform.h\"\n"
    "#include <sys/param.h>\n"
    "#ifdef INTRNG\n#include <sys/intr.h>\n#endif\n"
    "#if !defined(__x86_64__)\n#include <machine/machdep.h>\n#endif\n"
    "#ifdef FDT\n#include <dev/ofw/openfirm.h>\n#include \"ofw_bus_if.h\"\n#endif // FDT\n"
    "#if __has_include(<dev/virtio/virtio.h>) && !defined(KERNCONF_APPLE)\n#include <dev/virtio/virtio.h>\n#endif\n"
    "#ifdef SMP\n#include <machine/smp.h>\n#else\n#include <sys/nosmp.h>\n#endif\n"
    "void\nrust_bindings_CPU_SET(u_int cpu, cpuset_t *set) {\n    CPU_SET(cpu, set);\n}\n"
    "#define FN1(macro, ret, ty1) \\\n    ret fn_##macro(ty1 a) { \\\n        return macro(a); \\\n    }\n"
    "FN1(mtx_lock, void, struct mtx*);\n"
    "#define BUS_N(n, ty) \\\n    ty fn_bus_read_##n(struct resource *res, bus_size_t offset) { \\\n"
    "        return bus_read_##n(res, offset); \\\n    }\n"
    "BUS_N(4, uint32_t);\n";

QStringList names(const char *spaceSeparated)
{
    return QString::fromLatin1(spaceSeparated).split(QLatin1Char(' '));
}

} // namespace

class TestBindingCrateScan : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void boundIncludes_data()
    {
        QTest::addColumn<QString>("header");
        QTest::addColumn<QString>("condition");
        QTest::addColumn<bool>("generated");
        QTest::newRow("generated option header") << "opt_platform.h" << "!defined(__has_include)" << true;
        QTest::newRow("unconditional") << "sys/param.h" << "" << false;
        QTest::newRow("ifdef") << "sys/intr.h" << "INTRNG" << false;
        QTest::newRow("if !defined") << "machine/machdep.h" << "!defined(__x86_64__)" << false;
        QTest::newRow("ifdef with comment") << "dev/ofw/openfirm.h" << "FDT" << false;
        QTest::newRow("kobj interface") << "ofw_bus_if.h" << "FDT" << true;
        QTest::newRow("__has_include") << "dev/virtio/virtio.h"
                                       << "__has_include(<dev/virtio/virtio.h>) && !defined(KERNCONF_APPLE)" << false;
        QTest::newRow("if branch") << "machine/smp.h" << "SMP" << false;
        QTest::newRow("else branch") << "sys/nosmp.h" << "!(SMP)" << false;
    }
    void boundIncludes()
    {
        QFETCH(QString, header);
        QFETCH(QString, condition);
        QFETCH(bool, generated);
        const auto includes = coverage::scanBoundIncludes(kBindings);
        QCOMPARE(includes.size(), 9);
        for (const auto &inc : includes) {
            if (inc.header != header)
                continue;
            // The #error line's #if encloses nothing: only the includes after its #endif count.
            if (header == QLatin1String("opt_platform.h"))
                condition.clear();
            QCOMPARE(inc.condition, condition);
            QCOMPARE(inc.generated, generated);
            return;
        }
        QFAIL("header not found");
    }

    void wrappers()
    {
        const auto w = coverage::scanWrappers(kBindings);
        QCOMPARE(w.value(QStringLiteral("fn_mtx_lock")), QStringLiteral("mtx_lock"));
        QCOMPARE(w.value(QStringLiteral("fn_bus_read_4")), QStringLiteral("bus_read_4"));
        QCOMPARE(w.value(QStringLiteral("rust_bindings_CPU_SET")), QStringLiteral("CPU_SET"));
        QVERIFY(!w.contains(QStringLiteral("fn_")));
    }

    void declaredFunctions_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QStringList>("functions");
        QTest::newRow("sglist.h (real)") << fixture("sys/sys/sglist.h")
                                         << names("sglist_alloc sglist_append sglist_append_mbuf sglist_append_phys sglist_append_uio sglist_append_user sglist_build sglist_clone sglist_consume_uio sglist_count sglist_free sglist_hold sglist_init sglist_join sglist_length sglist_reset sglist_slice sglist_split");
        // Macro bodies, the function-pointer typedef and TASKQUEUE_DECLARE(x); are not functions.
        QTest::newRow("taskqueue.h (real)") << fixture("sys/sys/taskqueue.h")
                                            << names("taskqueue_block taskqueue_create taskqueue_create_fast taskqueue_drain taskqueue_enqueue taskqueue_enqueue_fast taskqueue_free taskqueue_member taskqueue_run taskqueue_start_threads taskqueue_thread_enqueue taskqueue_thread_loop taskqueue_unblock");
        QTest::newRow("refcount.h (real, static inline)") << fixture("sys/sys/refcount.h")
                                                          << names("refcount_acquire refcount_init refcount_release");
        QTest::newRow("pointers, arrays, initialisers")
            << QByteArray("int (*hook)(int);\nextern int table[4];\nstatic struct foo f = { .a = g(1) };\n"
                          "void *malloc(unsigned long size, struct malloc_type *type, int flags) __malloc_like;\n"
                          "const char *\ndevice_get_name(device_t dev);\n")
            << names("device_get_name malloc");
        // Pre-ANSI prototypes of old headers (systm.h at the fixture's revision).
        QTest::newRow("__P prototypes") << QByteArray("int\tnullop __P((void));\nvoid\tpanic __P((const char *, ...)) __dead2;\n")
                                        << names("nullop panic");
        // Userland interfaces beside the kernel's, as socket.h and sysctl.h have them.
        QTest::newRow("#ifndef _KERNEL")
            << QByteArray("#ifdef _KERNEL\nint soclose(struct socket *);\n#else\nint close(int);\n#endif\n"
                          "#ifndef _KERNEL\nint socket(int, int, int);\n#if __BSD_VISIBLE\nint accept4(int);\n#endif\n"
                          "#else\nint sosend(struct socket *);\n#endif\n"
                          "#if !defined(_KERNEL)\nint sysctl(int *);\n#endif\n"
                          "#if defined(_KERNEL) || defined(_WANT_X)\nint kern_x(void);\n#endif\n")
            << names("kern_x soclose sosend");
    }
    void declaredFunctions()
    {
        QFETCH(QByteArray, text);
        QFETCH(QStringList, functions);
        QVERIFY(!text.isEmpty());
        QCOMPARE(coverage::scanDeclaredFunctions(text), functions);
    }

    void publicItems()
    {
        const QByteArray rust = "pub struct Mutex<T> {\n}\npub(crate) fn hidden() {}\npub unsafe fn raw() {}\n"
                                "pub mod dma;\nfn private() {}\n#[macro_export]\nmacro_rules! driver {\n}\n"
                                "macro_rules! local {\n}\npub const fn new() -> Self {}\n";
        QCOMPARE(coverage::scanPublicItems(rust),
                 QString::fromLatin1("fn new|fn raw|macro driver|mod dma|struct Mutex").split(QLatin1Char('|')));
    }

    void headerPaths_data()
    {
        QTest::addColumn<QString>("include");
        QTest::addColumn<QString>("path");
        QTest::newRow("sys") << "sys/mutex.h" << "sys/sys/mutex.h";
        QTest::newRow("dev") << "dev/ofw/openfirm.h" << "sys/dev/ofw/openfirm.h";
        QTest::newRow("machine") << "machine/bus.h" << "sys/amd64/include/bus.h";
        QTest::newRow("machine, x86 only") << "machine/smp.h" << "sys/x86/include/smp.h";
        QTest::newRow("absent") << "sys/proc.h" << "";
    }
    void headerPaths()
    {
        QFETCH(QString, include);
        QFETCH(QString, path);
        const QSet<QString> tree = {QStringLiteral("sys/sys/mutex.h"), QStringLiteral("sys/dev/ofw/openfirm.h"),
                                    QStringLiteral("sys/amd64/include/bus.h"), QStringLiteral("sys/x86/include/smp.h")};
        QCOMPARE(coverage::resolveKernelHeader(include, tree), path);
    }

    void moduleNames()
    {
        QCOMPARE(coverage::crateModuleName(QStringLiteral("kpi/src/bus/dma.rs")), QStringLiteral("kpi::bus::dma"));
        QCOMPARE(coverage::crateModuleName(QStringLiteral("kpi/src/bus/mod.rs")), QStringLiteral("kpi::bus"));
        QCOMPARE(coverage::crateModuleName(QStringLiteral("kpi/src/lib.rs")), QStringLiteral("kpi"));
        QCOMPARE(coverage::crateModuleName(QStringLiteral("demos/echodev/echodev.rs")), QString());
    }

    void repositoryWithoutBindingsHeader()
    {
        testing::Scratch tree;
        tree.write(QStringLiteral("sys/sys/uio.h"), fixture("sys/sys/uio.h"));
        tree.commit(QStringLiteral("tree"));
        testing::Scratch crate;
        crate.write(QStringLiteral("kpi/src/lib.rs"), "pub fn f() { bindings::uiomove(); }\n");
        crate.commit(QStringLiteral("no bindings.h"));
        QTemporaryDir dir;
        auto store = Store::open(dir.path(), Store::Mode::ReadWrite);
        QVERIFY(store);
        auto source = store->ensureSource(SourceKind::Git, crate.path(), QStringLiteral(""));
        QVERIFY(source);
        JobContext ctx;
        Status s = ingest::analyzeBindingCrate(*store, *source, crate.path(), tree.path(), ctx);
        QVERIFY(!s.isOk());
        QVERIFY2(s.message().contains(QStringLiteral("no bindings.h at the root")), qPrintable(s.message()));
        QVERIFY(s.message().contains(crate.path()));

        // With bindings.h: uiomove is referenced, through the fixture's real uio.h.
        crate.write(QStringLiteral("bindings.h"), "#include <sys/uio.h>\n");
        crate.commit(QStringLiteral("bindings.h"));
        s = ingest::analyzeBindingCrate(*store, *source, crate.path(), tree.path(), ctx);
        QVERIFY2(s, qPrintable(s.message()));
        QCOMPARE(store->db().scalar(QStringLiteral("SELECT group_concat(referenced_functions) FROM crate_commits"))->toString(),
                 QStringLiteral("0,1"));
        QCOMPARE(store->db().scalar(QStringLiteral("SELECT subsystem_scheme FROM crate_runs"))->toString(),
                 QStringLiteral("dirs"));
    }

    // A binding repository with release tags gets a trend per tag: a tag on the first-parent line
    // has its commit's figures, one on a side branch those of the first-parent commit before it.
    void trendPerTag()
    {
        testing::Scratch tree;
        tree.write(QStringLiteral("sys/sys/uio.h"), fixture("sys/sys/uio.h"));
        tree.commit(QStringLiteral("tree"));
        testing::Scratch crate;
        crate.write(QStringLiteral("bindings.h"), "#include <sys/uio.h>\n");
        crate.write(QStringLiteral("kpi/src/lib.rs"), "pub fn f() {}\n");
        crate.at(QStringLiteral("2025-01-01T12:00:00Z"));
        crate.commit(QStringLiteral("first"));
        crate.tag(QStringLiteral("v0.1"));
        crate.write(QStringLiteral("kpi/src/lib.rs"), "pub fn f() { bindings::uiomove(); }\npub fn g() {}\n");
        crate.at(QStringLiteral("2025-02-01T12:00:00Z"));
        crate.commit(QStringLiteral("uiomove"));
        crate.git({QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("side")});
        crate.write(QStringLiteral("kpi/src/side.rs"), "pub fn s() {}\n");
        crate.at(QStringLiteral("2025-03-01T12:00:00Z"));
        const QString sideOid = crate.commit(QStringLiteral("side"));
        crate.tag(QStringLiteral("v0.2"));
        crate.git({QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("master")});
        crate.write(QStringLiteral("kpi/src/bus.rs"), "pub fn b() {}\n");
        crate.at(QStringLiteral("2025-04-01T12:00:00Z"));
        crate.commit(QStringLiteral("bus"));
        crate.git({QStringLiteral("merge"), QStringLiteral("-q"), QStringLiteral("--no-ff"), QStringLiteral("-m"),
                   QStringLiteral("merge side"), QStringLiteral("side")});
        crate.tag(QStringLiteral("v0.3"));

        QTemporaryDir dir;
        auto store = Store::open(dir.path(), Store::Mode::ReadWrite);
        QVERIFY(store);
        ingest::GitIngestOptions options;
        options.source = crate.path();
        JobContext ctx;
        auto summary = ingest::ingestGit(*store, options, ctx);
        QVERIFY2(summary, qPrintable(summary.errorMessage()));
        QVERIFY2(ingest::analyzeBindingCrate(*store, summary->sourceId, summary->repositoryPath, tree.path(), ctx), "crate");
        auto section = models::crateCoverageSection(*store, summary->sourceId);
        QVERIFY2(section, qPrintable(section.errorMessage()));
        const report::Table *tags = nullptr;
        for (const auto &t : section->tables)
            if (t.id == QLatin1String("coverage.crate.tags"))
                tags = &t;
        QVERIFY(tags);
        QCOMPARE(tags->rows.size(), 3);
        // tag, bound headers, referenced functions, modules, api items (first-parent: first, uiomove, bus, merge)
        auto row = [&](int i) {
            const auto &r = tags->rows.at(i);
            return QStringList{r.at(tags->columnIndex(QStringLiteral("tag"))).toString(),
                               r.at(tags->columnIndex(QStringLiteral("bound_headers"))).toString(),
                               r.at(tags->columnIndex(QStringLiteral("referenced_functions"))).toString(),
                               r.at(tags->columnIndex(QStringLiteral("modules"))).toString(),
                               r.at(tags->columnIndex(QStringLiteral("api_items"))).toString()};
        };
        QCOMPARE(row(0), QStringLiteral("v0.1,1,0,1,1").split(QLatin1Char(',')));
        QCOMPARE(row(1), QStringLiteral("v0.2,1,1,1,2").split(QLatin1Char(','))); // side commit: figures of "uiomove"
        QVERIFY(tags->rows.at(1).at(tags->columnIndex(QStringLiteral("measured_at"))).toString().contains(QLatin1String("side branch")));
        QCOMPARE(tags->rows.at(1).at(1).toString(), sideOid.left(12));
        QCOMPARE(row(2), QStringLiteral("v0.3,1,1,3,4").split(QLatin1Char(',')));
        QCOMPARE(tags->rows.at(2).at(tags->columnIndex(QStringLiteral("measured_at"))).toString(), QStringLiteral("the tagged commit"));
        bool chart = false;
        for (const auto &c : section->charts)
            chart |= c.id == QLatin1String("coverage.crate.tags") && c.categories.size() == 3;
        QVERIFY(chart);
    }
};

QTEST_GUILESS_MAIN(TestBindingCrateScan)
#include "tst_binding_crate_scan.moc"
