// Feature releases end to end: a scratch repository with feature, maintenance and candidate
// tags, ingested and derived; the stored release series, and adoption and onboarding per release
// under --releases feature (the default) and all.

#include <kernellens/index/store.h>
#include <kernellens/ingest/derive.h>
#include <kernellens/ingest/git_ingest.h>
#include <kernellens/models/adoption.h>
#include <kernellens/models/onboarding.h>

#include <QTemporaryDir>
#include <QTest>

#include "scratch_repo.h"

using namespace kl;
using kl::testing::lines;
using kl::testing::Scratch;

class TestFeatureReleases : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void storedSeries();
    void adoptionFollowsTheReleaseSet();
    void onboardingCohortsFollowTheReleaseSet();

private:
    QHash<QString, qint64> adoptionCommits(models::ReleaseSet set);
    QHash<QString, int> newcomers(models::ReleaseSet set);

    Scratch m_repo;
    QTemporaryDir m_dir;
    std::optional<Store> m_store;
};

// One commit per step, each by the author named, then the tag (empty: none).
void TestFeatureReleases::initTestCase()
{
    const QList<std::array<const char *, 3>> steps = {
        {"Ada", "2023-01-10T12:00:00Z", "v1.0"},         {"Bob", "2023-02-10T12:00:00Z", "v1.0.1"},
        {"Cy", "2023-03-10T12:00:00Z", "v1.1-rc1"},      {"Ada", "2023-04-10T12:00:00Z", "v1.1"},
        {"Dee", "2023-05-10T12:00:00Z", "v1.1.1"},       {"Ed", "2023-06-10T12:00:00Z", "v1.2-rc1"},
        {"Ada", "2023-07-10T12:00:00Z", ""},
    };
    int n = 0;
    for (const auto &[author, date, tag] : steps) {
        const QString name = QString::fromUtf8(author);
        m_repo.as(name, name.toLower() + QStringLiteral("@example.org"));
        m_repo.at(QString::fromUtf8(date));
        m_repo.write(QStringLiteral("rust/kernel/m%1.rs").arg(n), lines(10 + n, "fn"));
        m_repo.write(QStringLiteral("kernel/f%1.c").arg(n), lines(20, "int"));
        m_repo.commit(QStringLiteral("step %1").arg(n++));
        if (*tag)
            m_repo.tag(QString::fromUtf8(tag));
    }
    auto store = Store::open(m_dir.path(), Store::Mode::ReadWrite);
    QVERIFY2(store, qPrintable(store.errorMessage()));
    m_store.emplace(std::move(*store));
    ingest::GitIngestOptions options;
    options.source = m_repo.path();
    options.includeRcTags = true;
    auto summary = ingest::ingestGit(*m_store, options, JobContext{});
    QVERIFY2(summary, qPrintable(summary.errorMessage()));
    auto derived = derive::runDerivations(*m_store, {}, JobContext{});
    QVERIFY2(derived, qPrintable(derived.errorMessage()));
}

void TestFeatureReleases::storedSeries()
{
    QStringList rows;
    QVERIFY(m_store->db().forEachRow(QStringLiteral(
        "SELECT r.tag, s.kind, ifnull(t.tag, '-') FROM releases r JOIN release_series s ON s.release_id = r.id"
        " LEFT JOIN releases t ON t.id = s.rollup_id ORDER BY r.ordinal"), {}, [&](const Statement &row) {
            rows << row.text(0) + QLatin1Char(' ') + row.text(1) + QLatin1Char(' ') + row.text(2);
        }).isOk());
    const QStringList expected = {
        QStringLiteral("v1.0 feature v1.0"), QStringLiteral("v1.0.1 maintenance v1.0"),
        QStringLiteral("v1.1-rc1 candidate v1.1"), QStringLiteral("v1.1 feature v1.1"),
        QStringLiteral("v1.1.1 maintenance v1.1"), QStringLiteral("v1.2-rc1 candidate -")};
    QCOMPARE(rows, expected);
}

QHash<QString, qint64> TestFeatureReleases::adoptionCommits(models::ReleaseSet set)
{
    models::Filter filter;
    filter.releases = set;
    auto result = models::adoption(*m_store, filter);
    [&] { QVERIFY2(result, qPrintable(result.errorMessage())); }();
    QHash<QString, qint64> commits;
    for (const models::AdoptionPeriod &p : result->periods)
        commits.insert(p.period, p.secondCommits);
    return commits;
}

void TestFeatureReleases::adoptionFollowsTheReleaseSet()
{
    const QHash<QString, qint64> feature = adoptionCommits(models::ReleaseSet::Feature);
    const QHash<QString, qint64> expectedFeature = {{QStringLiteral("v1.0"), 2}, {QStringLiteral("v1.1"), 3},
                                                    {QStringLiteral("(unreleased)"), 2}};
    QCOMPARE(feature, expectedFeature);
    const QHash<QString, qint64> all = adoptionCommits(models::ReleaseSet::All);
    QCOMPARE(all.size(), 7);
    QCOMPARE(all.value(QStringLiteral("v1.0.1")), 1);
    QCOMPARE(all.value(QStringLiteral("v1.2-rc1")), 1);
    QCOMPARE(all.value(QStringLiteral("(unreleased)")), 1);
}

QHash<QString, int> TestFeatureReleases::newcomers(models::ReleaseSet set)
{
    models::Filter filter;
    filter.period = models::Period::Release;
    filter.releases = set;
    auto result = models::onboarding(*m_store, filter);
    [&] { QVERIFY2(result, qPrintable(result.errorMessage())); }();
    QHash<QString, int> cohorts;
    for (const models::OnboardingCohort &c : result->cohorts)
        cohorts.insert(c.period, int(c.newcomers));
    return cohorts;
}

// Bob's first work is in v1.0.1 and Dee's in v1.1.1: in feature releases they are v1.0's and
// v1.1's first-time contributors. Ed's is in v1.2-rc1, whose release has no tag yet.
void TestFeatureReleases::onboardingCohortsFollowTheReleaseSet()
{
    const QHash<QString, int> expectedFeature = {{QStringLiteral("v1.0"), 2}, {QStringLiteral("v1.1"), 2},
                                                 {QStringLiteral("(unreleased)"), 1}};
    QCOMPARE(newcomers(models::ReleaseSet::Feature), expectedFeature);
    const QHash<QString, int> all = newcomers(models::ReleaseSet::All);
    QCOMPARE(all.value(QStringLiteral("v1.0")), 1);
    QCOMPARE(all.value(QStringLiteral("v1.0.1")), 1);
    QCOMPARE(all.value(QStringLiteral("v1.1")), 0);
    QCOMPARE(all.value(QStringLiteral("v1.2-rc1")), 1);
}

QTEST_GUILESS_MAIN(TestFeatureReleases)
#include "tst_feature_releases.moc"
