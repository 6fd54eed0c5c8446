// The .deb: cpack builds it from this build tree, dpkg -x unpacks it into a scratch root, and the
// unpacked kernellens-cli prints its version and writes an HTML report with the unpacked
// render module. Also checks the Debian metadata and the desktop files.

#include <kernellens/index/store.h>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
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

private:
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

QTEST_GUILESS_MAIN(TestPackage)
#include "tst_package.moc"
