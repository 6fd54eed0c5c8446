// The .deb: cpack builds it from this build tree, dpkg -x unpacks it into a scratch root, and the
// unpacked kernellens-cli prints its version and writes an HTML report with the unpacked
// render module. Also checks the Debian metadata and the desktop files, and that every Qt plugin
// and font the unpacked programs load at run time (offscreen screenshot, PDF report) comes from a
// package the .deb depends on: dpkg-shlibdeps only sees what is linked.

#include <kernellens/index/store.h>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace kl;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run run(const QString &program, const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(),
        const QString &workDir = QString(), int timeoutMs = 300000)
{
    QProcess p;
    p.setProcessEnvironment(env);
    if (!workDir.isEmpty())
        p.setWorkingDirectory(workDir);
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace

class TestPackage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void debianMetadata();
    void layout();
    void desktopFilesValidate();
    void unpackedCliRuns();
    void runtimeFilesAreDeclared();

private:
    QStringList dependsPackages() const;
    QTemporaryDir m_dir;
    QString m_deb;
    QString m_root;
};

void TestPackage::initTestCase()
{
    if (QStandardPaths::findExecutable(QStringLiteral("dpkg-deb")).isEmpty())
        QSKIP("dpkg-deb is not installed");
    const QString build = QStringLiteral(KERNELLENS_TEST_BINARY_DIR);
    const QString pkgDir = m_dir.filePath(QStringLiteral("pkg"));
    // gzip instead of xz: the same package, packed faster for the test.
    const Run cpack = run(QStringLiteral(KERNELLENS_CPACK),
                          {QStringLiteral("-G"), QStringLiteral("DEB"), QStringLiteral("-B"), pkgDir,
                           QStringLiteral("-D"), QStringLiteral("CPACK_DEBIAN_COMPRESSION_TYPE=gzip"),
                           QStringLiteral("--config"), build + QStringLiteral("/CPackConfig.cmake")},
                          QProcessEnvironment::systemEnvironment(), build);
    QVERIFY2(cpack.exitCode == 0, qPrintable(cpack.out + cpack.err));
    const QStringList debs = QDir(pkgDir).entryList({QStringLiteral("*.deb")}, QDir::Files);
    QCOMPARE(debs.size(), 1);
    m_deb = QDir(pkgDir).filePath(debs.first());
    qInfo("%s: %lld bytes", qPrintable(debs.first()), QFileInfo(m_deb).size());
    m_root = m_dir.filePath(QStringLiteral("root"));
    const Run unpack = run(QStringLiteral("dpkg-deb"), {QStringLiteral("-x"), m_deb, m_root});
    QVERIFY2(unpack.exitCode == 0, qPrintable(unpack.err));
}

void TestPackage::debianMetadata()
{
    const Run fields = run(QStringLiteral("dpkg-deb"), {QStringLiteral("-f"), m_deb, QStringLiteral("Package"),
                                                       QStringLiteral("Version"), QStringLiteral("Depends")});
    QVERIFY2(fields.exitCode == 0, qPrintable(fields.err));
    qInfo("%s", qPrintable(fields.out.trimmed()));
    QVERIFY(fields.out.contains(QLatin1String("Package: kernellens")));
    QVERIFY(fields.out.contains(QLatin1String("Version: " KERNELLENS_VERSION)));
    // dpkg-shlibdeps found the Debian 12 libraries the programs link.
    for (const char *dep : {"libqt6core6", "libqt6gui6", "libqt6widgets6", "libqt6charts6", "libqt6svg6", "libgit2-",
                            "libxapian30", "libsqlite3-0", "libc6"})
        QVERIFY2(fields.out.contains(QLatin1String(dep)), dep);
}

void TestPackage::layout()
{
    for (const char *path : {"usr/bin/kernellens-cli", "usr/bin/kernellens",
                             "usr/share/applications/io.github.kernellens.KernelLens.desktop",
                             "usr/share/metainfo/io.github.kernellens.KernelLens.metainfo.xml",
                             "usr/share/icons/hicolor/scalable/apps/kernellens.svg",
                             "usr/share/icons/hicolor/48x48/apps/kernellens.png",
                             "usr/share/icons/hicolor/256x256/apps/kernellens.png",
                             "usr/share/man/man1/kernellens-cli.1", "usr/share/man/man1/kernellens.1",
                             "usr/share/bash-completion/completions/kernellens-cli",
                             "usr/share/doc/kernellens/README.md"})
        QVERIFY2(QFile::exists(QDir(m_root).filePath(QString::fromLatin1(path))), path);
    bool module = false;
    QDirIterator it(QDir(m_root).filePath(QStringLiteral("usr/lib")), {QStringLiteral("kernellens-render.so")},
                    QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        module = path.contains(QLatin1String("/kernellens/"));
    }
    QVERIFY2(module, "the render module is under <libdir>/kernellens/");
    const QString man = QString::fromUtf8([&] {
        QFile f(QDir(m_root).filePath(QStringLiteral("usr/share/man/man1/kernellens-cli.1")));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }());
    QVERIFY(man.startsWith(QLatin1String(".\\\"")));
    QVERIFY(man.contains(QLatin1String(".SH COMMANDS")));
    QVERIFY(man.contains(QLatin1String("\\-\\-format")));
}

void TestPackage::desktopFilesValidate()
{
    const QString desktop = QDir(m_root).filePath(QStringLiteral("usr/share/applications/io.github.kernellens.KernelLens.desktop"));
    if (!QStandardPaths::findExecutable(QStringLiteral("desktop-file-validate")).isEmpty()) {
        const Run r = run(QStringLiteral("desktop-file-validate"), {desktop});
        QVERIFY2(r.exitCode == 0 && r.out.trimmed().isEmpty(), qPrintable(r.out + r.err));
    }
    if (!QStandardPaths::findExecutable(QStringLiteral("appstreamcli")).isEmpty()) {
        const Run r = run(QStringLiteral("appstreamcli"),
                          {QStringLiteral("validate"), QStringLiteral("--no-net"),
                           QDir(m_root).filePath(QStringLiteral("usr/share/metainfo/io.github.kernellens.KernelLens.metainfo.xml"))});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    }
}

void TestPackage::unpackedCliRuns()
{
    const QString cli = QDir(m_root).filePath(QStringLiteral("usr/bin/kernellens-cli"));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY", "KERNELLENS_RENDER_MODULE"})
        env.remove(QString::fromLatin1(name));
    Run r = run(cli, {QStringLiteral("--version")}, env);
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out.trimmed(), QStringLiteral("kernellens-cli " KERNELLENS_VERSION));

    const QString storeDir = m_dir.filePath(QStringLiteral("store"));
    {
        auto store = Store::open(storeDir, Store::Mode::ReadWrite);
        QVERIFY2(store, qPrintable(store.errorMessage()));
        QVERIFY(store->ensureSource(SourceKind::Git, QStringLiteral("/data/kernel-mini.git"), QStringLiteral("")));
    }
    const QString out = m_dir.filePath(QStringLiteral("report.html"));
    r = run(cli, {QStringLiteral("--db"), storeDir, QStringLiteral("report"), QStringLiteral("--out"), out}, env);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    // The unpacked module drew the charts, found relative to the unpacked executable.
    QVERIFY2(r.err.contains(m_root), qPrintable(r.err));
    QFile html(out);
    QVERIFY(html.open(QIODevice::ReadOnly));
    QVERIFY(html.readAll().contains("kernel-mini.git"));
}

// The package names of the Depends line, alternatives included, without versions.
QStringList TestPackage::dependsPackages() const
{
    const Run fields = run(QStringLiteral("dpkg-deb"), {QStringLiteral("-f"), m_deb, QStringLiteral("Depends")});
    QStringList names;
    static const QRegularExpression separators(QStringLiteral("[,|]"));
    for (QString item : fields.out.split(separators, Qt::SkipEmptyParts)) {
        item = item.section(QLatin1Char('('), 0, 0).trimmed();
        if (!item.isEmpty())
            names << item.section(QLatin1Char(':'), 0, 0);
    }
    return names;
}

// Runs the unpacked GUI's --screenshot and the CLI's PDF report offscreen with the dynamic
// loader's and Qt's plugin logs on, collects every plugin and font file they open, and checks
// that dpkg says each comes from a package named in Depends.
void TestPackage::runtimeFilesAreDeclared()
{
    const QString gui = QDir(m_root).filePath(QStringLiteral("usr/bin/kernellens"));
    const QString cli = QDir(m_root).filePath(QStringLiteral("usr/bin/kernellens-cli"));
    if (!QFile::exists(gui))
        QSKIP("built without the GUI");
    const QString storeDir = m_dir.filePath(QStringLiteral("runtime-store"));
    {
        auto store = Store::open(storeDir, Store::Mode::ReadWrite);
        QVERIFY2(store, qPrintable(store.errorMessage()));
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "KERNELLENS_RENDER_MODULE", "QT_PLUGIN_PATH"})
        env.remove(QString::fromLatin1(name));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("QT_DEBUG_PLUGINS"), QStringLiteral("1"));
    env.insert(QStringLiteral("FC_DEBUG"), QStringLiteral("1024")); // fontconfig: files scanned

    const QString png = m_dir.filePath(QStringLiteral("shot.png"));
    const Run shot = run(gui, {QStringLiteral("--db"), storeDir, QStringLiteral("--screenshot"), png,
                               QStringLiteral("--view"), QStringLiteral("dashboard")}, env);
    QVERIFY2(shot.exitCode == 0, qPrintable(shot.err.right(2000)));
    QVERIFY2(QFileInfo(png).size() > 5000, "the offscreen screenshot was written");
    const QString pdf = m_dir.filePath(QStringLiteral("r.pdf"));
    const Run report = run(cli, {QStringLiteral("--db"), storeDir, QStringLiteral("report"), QStringLiteral("--format"),
                                 QStringLiteral("pdf"), QStringLiteral("--out"), pdf}, env);
    QVERIFY2(report.exitCode == 0, qPrintable(report.err.right(2000)));
    QFile pdfFile(pdf);
    QVERIFY(pdfFile.open(QIODevice::ReadOnly));
    QVERIFY2(pdfFile.readAll().contains("/FontFile2"), "the PDF embeds a real font (fontconfig found one)");

    // "loaded library" lines from QT_DEBUG_PLUGINS; font files from the PDF's embedded names are
    // not paths, so fonts are checked through fontconfig's own match instead.
    QSet<QString> files;
    // Qt 6.4 logs `qt.core.library: "/usr/lib/…/plugins/platforms/libqoffscreen.so" loaded library`.
    static const QRegularExpression loaded(QStringLiteral("\"([^\"]+\\.so)\" loaded library"));
    for (const QString &log : {shot.err, report.err}) {
        auto it = loaded.globalMatch(log);
        while (it.hasNext())
            files.insert(QFileInfo(it.next().captured(1)).canonicalFilePath());
    }
    files.remove(QString());
    const Run font = run(QStringLiteral("fc-match"), {QStringLiteral("-f"), QStringLiteral("%{file}"), QStringLiteral("sans-serif")});
    if (font.exitCode == 0 && !font.out.isEmpty())
        files.insert(QFileInfo(font.out).canonicalFilePath());
    QStringList plugins;
    for (const QString &f : std::as_const(files))
        if (f.contains(QLatin1String("/plugins/")))
            plugins << f;
    qInfo("runtime plugins loaded: %s", qPrintable(plugins.join(QLatin1String(", "))));
    QVERIFY2(!plugins.isEmpty(), "QT_DEBUG_PLUGINS reported the platform plugin");

    const QStringList depends = dependsPackages();
    for (const QString &f : std::as_const(files)) {
        if (f.startsWith(m_root))
            continue; // shipped in the .deb itself
        const Run owner = run(QStringLiteral("dpkg-query"), {QStringLiteral("-S"), f});
        QVERIFY2(owner.exitCode == 0, qPrintable(QStringLiteral("no package owns %1").arg(f)));
        const QString pkg = owner.out.section(QLatin1Char(':'), 0, 0).trimmed();
        QVERIFY2(depends.contains(pkg),
                 qPrintable(QStringLiteral("%1 is loaded at run time from %2, which Depends does not name (%3)")
                                .arg(f, pkg, depends.join(QLatin1String(", ")))));
    }
}

QTEST_GUILESS_MAIN(TestPackage)
#include "tst_package.moc"
