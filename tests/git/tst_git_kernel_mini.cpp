// Integration: ingest ../shared/data/kernel-mini.bundle (a real subset of Linux v6.1 and v6.12)
// and check the whole-tree Rust figures and the per-subsystem figures of both tags.

#include <kernellens/index/store.h>
#include <kernellens/ingest/derive.h>
#include <kernellens/ingest/git_ingest.h>
#include <kernellens/models/adoption.h>

#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace kl;

class TestGitKernelMini : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void rustFiguresPerRelease();
    void perSubsystemFiguresForBothTags();
    void subsystemFilter();

private:
    QTemporaryDir m_dir;
    std::optional<Store> m_store;
};

void TestGitKernelMini::initTestCase()
{
    const QString bundle = QStringLiteral(KERNELLENS_SHARED_DATA "/kernel-mini.bundle");
    if (!QFileInfo::exists(bundle))
        QSKIP("kernel-mini.bundle is not available");
    const QString repo = m_dir.filePath(QStringLiteral("kernel-mini.git"));
    QProcess git;
    git.start(QStringLiteral("git"), {QStringLiteral("clone"), QStringLiteral("-q"), QStringLiteral("--mirror"), bundle, repo});
    QVERIFY(git.waitForFinished(120000));
    QCOMPARE(git.exitCode(), 0);
    auto store = Store::open(m_dir.filePath(QStringLiteral("store")), Store::Mode::ReadWrite);
    QVERIFY2(store, qPrintable(store.errorMessage()));
    m_store.emplace(std::move(store.value()));
    ingest::GitIngestOptions options;
    options.source = repo;
    auto summary = ingest::ingestGit(*m_store, options, JobContext{});
    QVERIFY2(summary, qPrintable(summary.errorMessage()));
    // The MAINTAINERS inventory behind the subsystem figures is the derive stage's, as after a CLI ingest.
    auto derived = derive::runDerivations(*m_store, {}, JobContext{});
    QVERIFY2(derived, qPrintable(derived.errorMessage()));
    QCOMPARE(summary->commitsAdded, 2);
    QCOMPARE(summary->releasesTotal, 2);
    QCOMPARE(summary->snapshotsAdded, 2);
}

void TestGitKernelMini::rustFiguresPerRelease()
{
    auto result = models::adoption(*m_store, models::Filter{});
    QVERIFY2(result, qPrintable(result.errorMessage()));
    QCOMPARE(result->periods.size(), 2);
    const auto &v61 = result->periods[0];
    const auto &v612 = result->periods[1];
    QCOMPARE(v61.period, QStringLiteral("v6.1"));
    QCOMPARE(v61.languages.value(QStringLiteral("Rust")).files, 29);
    QCOMPARE(v61.languages.value(QStringLiteral("Rust")).lines, 10453);
    QCOMPARE(v612.period, QStringLiteral("v6.12"));
    QCOMPARE(v612.languages.value(QStringLiteral("Rust")).files, 79);
    QCOMPARE(v612.languages.value(QStringLiteral("Rust")).lines, 20576);
    QVERIFY(v612.share > v61.share);
    QVERIFY(v61.share > 0.0 && v612.share < 0.1);
}

void TestGitKernelMini::perSubsystemFiguresForBothTags()
{
    auto section = models::adoptionSection(*m_store, models::Filter{});
    QVERIFY2(section, qPrintable(section.errorMessage()));
    const report::Table *bySubsystem = nullptr;
    for (const auto &t : section->tables)
        if (t.id == QLatin1String("adoption.by-subsystem"))
            bySubsystem = &t;
    QVERIFY(bySubsystem);
    QSet<QString> releases;
    qint64 rustFiles612 = 0;
    const int release = bySubsystem->columnIndex(QStringLiteral("release"));
    const int subsystem = bySubsystem->columnIndex(QStringLiteral("subsystem"));
    const int files = bySubsystem->columnIndex(QStringLiteral("second_files"));
    QStringList subsystems612;
    for (const auto &row : bySubsystem->rows) {
        releases.insert(row[release].toString());
        if (row[release].toString() == QLatin1String("v6.12")) {
            rustFiles612 += row[files].toLongLong();
            subsystems612 << row[subsystem].toString();
        }
    }
    QCOMPARE(releases, (QSet<QString>{QStringLiteral("v6.1"), QStringLiteral("v6.12")}));
    QVERIFY2(subsystems612.size() >= 3, qPrintable(subsystems612.join(QStringLiteral(", "))));
    QVERIFY(rustFiles612 >= 79);   // a file in several sections counts in each
}

void TestGitKernelMini::subsystemFilter()
{
    auto all = models::adoption(*m_store, models::Filter{});
    QVERIFY(all);
    QVERIFY(!all->bySubsystem.isEmpty());
    const QString name = all->bySubsystem.constLast().subsystem;   // some v6.12 subsystem with Rust
    models::Filter filter;
    filter.subsystem = name;
    auto one = models::adoption(*m_store, filter);
    QVERIFY2(one, qPrintable(one.errorMessage()));
    QCOMPARE(one->periods.size(), 2);
    QVERIFY(one->periods[1].languages.value(QStringLiteral("Rust")).files > 0);
    QVERIFY(one->periods[1].languages.value(QStringLiteral("Rust")).files < 79);
    models::Filter bad;
    bad.subsystem = QStringLiteral("NO SUCH SUBSYSTEM");
    auto none = models::adoption(*m_store, bad);
    QVERIFY(!none);
    QVERIFY(none.errorMessage().contains(QStringLiteral("NO SUCH SUBSYSTEM")));
}

QTEST_GUILESS_MAIN(TestGitKernelMini)
#include "tst_git_kernel_mini.moc"
