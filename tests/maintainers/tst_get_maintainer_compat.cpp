// Integration: path -> sections must equal what the kernel's scripts/get_maintainer.pl reports
// (--subsystem, no git), on a sample of the kernel-mini v6.12 tree.
//
// get_maintainer.pl is not in kernel-mini. The test uses $KERNELLENS_GET_MAINTAINER, else
// <build>/get_maintainer-6.12/scripts/get_maintainer.pl, which it fetches once with
// bench/maintainers/fetch-get-maintainer.sh (Debian's linux-source-6.12; ~15 s). Without perl or
// without network it skips.
#include <kernellens/ingest/subsystems.h>

#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace kl;

namespace {

bool run(const QString &program, const QStringList &args, const QString &cwd = {}, QByteArray *out = nullptr,
         int timeoutMs = 300000)
{
    QProcess p;
    if (!cwd.isEmpty())
        p.setWorkingDirectory(cwd);
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs))
        return false;
    if (out)
        *out = p.readAllStandardOutput();
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

} // namespace

class TestGetMaintainerCompat : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void sameSectionsAsGetMaintainer();

private:
    QString m_perl;
    QString m_script;
    QTemporaryDir m_dir;
    QString m_tree;
};

void TestGetMaintainerCompat::initTestCase()
{
    m_perl = QStandardPaths::findExecutable(QStringLiteral("perl"));
    if (m_perl.isEmpty())
        QSKIP("perl is not installed");
    m_script = qEnvironmentVariable("KERNELLENS_GET_MAINTAINER");
    if (m_script.isEmpty()) {
        const QString cache = QStringLiteral(KERNELLENS_TEST_BINARY_DIR "/get_maintainer-6.12");
        m_script = cache + QStringLiteral("/scripts/get_maintainer.pl");
        if (!QFile::exists(m_script)
            && !run(QStringLiteral("bash"), {QStringLiteral(KERNELLENS_FETCH_GET_MAINTAINER), cache}))
            QSKIP("could not fetch get_maintainer.pl from Debian's linux-source-6.12 (no network?)");
    }
    QVERIFY2(QFile::exists(m_script), qPrintable(m_script));

    QVERIFY(m_dir.isValid());
    m_tree = m_dir.path() + QStringLiteral("/linux");
    const QString bundle = QStringLiteral(KERNELLENS_SHARED_DATA "/kernel-mini.bundle");
    QVERIFY2(QFile::exists(bundle), qPrintable(bundle));
    QVERIFY(run(QStringLiteral("git"), {QStringLiteral("clone"), QStringLiteral("-q"), QStringLiteral("--no-checkout"),
                                        bundle, m_tree}));
    QVERIFY(run(QStringLiteral("git"), {QStringLiteral("-C"), m_tree, QStringLiteral("checkout"), QStringLiteral("-q"),
                                        QStringLiteral("v6.12")}));
    // Without .git, get_maintainer.pl judges files by the file system only, as we judge by the tree.
    QVERIFY(QDir(m_tree + QStringLiteral("/.git")).removeRecursively());
}

void TestGetMaintainerCompat::sameSectionsAsGetMaintainer()
{
    QStringList files;
    QSet<QString> directories;
    QDirIterator it(m_tree, QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString abs = it.next();
        const QString rel = abs.mid(m_tree.size() + 1);
        if (it.fileInfo().isDir())
            directories.insert(rel);
        else
            files.append(rel);
    }
    files.sort();
    QVERIFY(files.size() > 4000);
    QFile maintainersFile(m_tree + QStringLiteral("/MAINTAINERS"));
    QVERIFY(maintainersFile.open(QIODevice::ReadOnly));
    const SubsystemMap map = SubsystemMap::fromMaintainers(maintainersFile.readAll(), directories);

    // Every 150th file, plus the paths the coverage figures rest on.
    QStringList sample;
    for (int i = 0; i < files.size(); i += 150)
        sample.append(files.at(i));
    sample += {QStringLiteral("drivers/net/phy/ax88796b_rust.rs"), QStringLiteral("rust/kernel/block/mq.rs"),
               QStringLiteral("rust/kernel/net/phy.rs"), QStringLiteral("include/linux/phy.h"),
               QStringLiteral("block/blk-mq.c"), QStringLiteral("drivers/block/rnull.rs"),
               QStringLiteral("include/uapi/linux/mii.h"), QStringLiteral("include/linux/blkdev.h")};

    int mismatches = 0;
    for (const QString &path : std::as_const(sample)) {
        QByteArray out;
        QVERIFY2(run(m_perl,
                     {m_script, QStringLiteral("--nogit"), QStringLiteral("--nogit-fallback"), QStringLiteral("--notree"),
                      QStringLiteral("--subsystem"), QStringLiteral("--noemail"), QStringLiteral("--nostatus"),
                      QStringLiteral("--norolestats"), QStringLiteral("--nol"), QStringLiteral("--nom"),
                      QStringLiteral("--nor"), QStringLiteral("--nokeywords"), QStringLiteral("-f"), path},
                     m_tree, &out, 60000),
                 qPrintable(path));
        QStringList expected;
        for (const QByteArray &line : out.split('\n'))
            if (!line.trimmed().isEmpty())
                expected.append(QString::fromUtf8(line).trimmed());
        expected.removeDuplicates();
        expected.sort();
        QStringList got = map.sectionsFor(path);
        got.removeDuplicates();
        got.sort();
        if (got != expected) {
            ++mismatches;
            qWarning("%s: get_maintainer.pl %s, KernelLens %s", qPrintable(path),
                     qPrintable(expected.join(QLatin1Char('|'))), qPrintable(got.join(QLatin1Char('|'))));
        }
    }
    QCOMPARE(mismatches, 0);
}

QTEST_GUILESS_MAIN(TestGetMaintainerCompat)
#include "tst_get_maintainer_compat.moc"
