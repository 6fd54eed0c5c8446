// Release series from tag names: feature, maintenance and candidate releases, and the feature
// release each tag rolls up to (kernellens/ingest/release_series.h, docs/git.md).
// The tags are real tag names of the projects named in each row.

#include <kernellens/ingest/release_series.h>

#include <QTest>

using kl::ingest::classifyReleaseTags;
using kl::ingest::releaseKindName;

namespace {

QStringList tagList(std::initializer_list<const char *> items)
{
    QStringList list;
    for (const char *item : items)
        list << QString::fromUtf8(item);
    return list;
}

} // namespace

class TestReleaseSeries : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void classify_data();
    void classify();
    void orderDoesNotMatter();
    void unrelatedPrefixesAreNotCompared();
};

// Each row: the project's tag set, then "tag=kind>rollup" for the tags checked ("-" = none).
void TestReleaseSeries::classify_data()
{
    QTest::addColumn<QStringList>("tags");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("linux mainline") << tagList({"v6.11", "v6.12-rc1", "v6.12-rc7", "v6.12", "v6.13-rc1"})
        << tagList({"v6.11=feature>v6.11", "v6.12-rc1=candidate>v6.12", "v6.12=feature>v6.12", "v6.13-rc1=candidate>-"});
    QTest::newRow("linux stable") << tagList({"v6.12", "v6.12.1", "v6.12.3", "v6.13"})
        << tagList({"v6.12.1=maintenance>v6.12", "v6.12.3=maintenance>v6.12", "v6.13=feature>v6.13"});
    QTest::newRow("linux 3.x") << tagList({"v3.0", "v3.0.1", "v3.1-rc1", "v3.1", "v3.1.10", "v3.2"})
        << tagList({"v3.0=feature>v3.0", "v3.0.1=maintenance>v3.0", "v3.1=feature>v3.1", "v3.1.10=maintenance>v3.1",
                       "v3.1-rc1=candidate>v3.1", "v3.2=feature>v3.2"});
    QTest::newRow("linux 2.6") << tagList({"v2.6.11", "v2.6.31", "v2.6.32-rc8", "v2.6.32", "v2.6.32.1", "v2.6.32.71"})
        << tagList({"v2.6.11=feature>v2.6.11", "v2.6.32=feature>v2.6.32", "v2.6.32.71=maintenance>v2.6.32",
                       "v2.6.32-rc8=candidate>v2.6.32"});
    QTest::newRow("git") << tagList({"v2.54.0", "v2.55.0-rc0", "v2.55.0-rc2", "v2.55.0", "v2.55.1", "v2.55.2", "v2.56.0"})
        << tagList({"v2.54.0=feature>v2.54.0", "v2.55.0=feature>v2.55.0", "v2.55.1=maintenance>v2.55.0",
                       "v2.55.2=maintenance>v2.55.0", "v2.55.0-rc0=candidate>v2.55.0", "v2.56.0=feature>v2.56.0"});
    QTest::newRow("git old") << tagList({"v0.99", "v0.99.7", "v0.99.7a", "v1.0rc1", "v1.0.0", "v1.7.10", "v1.7.10.1"})
        << tagList({"v0.99.7a=maintenance>v0.99", "v0.99.7=maintenance>v0.99", "v1.0rc1=candidate>v1.0.0",
                       "v1.0.0=feature>v1.0.0", "v1.7.10=feature>v1.7.10", "v1.7.10.1=maintenance>v1.7.10"});
    QTest::newRow("liburing") << tagList({"liburing-0.7", "liburing-2.0", "liburing-2.10-rc1", "liburing-2.10", "liburing-2.9"})
        << tagList({"liburing-0.7=feature>liburing-0.7", "liburing-2.0=feature>liburing-2.0",
                       "liburing-2.10-rc1=candidate>liburing-2.10", "liburing-2.10=feature>liburing-2.10"});
    QTest::newRow("freebsd") << tagList({"release/4.6.0", "release/4.6.2", "release/13.2.0", "release/14.0.0", "release/14.1.0"})
        << tagList({"release/4.6.2=maintenance>release/4.6.0", "release/13.2.0=feature>release/13.2.0",
                       "release/14.0.0=feature>release/14.0.0", "release/14.1.0=feature>release/14.1.0"});
    QTest::newRow("netbsd") << tagList({"netbsd-7-0-RELEASE", "netbsd-7-1-RELEASE", "netbsd-7-1-1-RELEASE",
                                           "netbsd-9-0-RELEASE", "netbsd-9-3-RELEASE", "netbsd-10-0-RC1", "netbsd-10-0-RELEASE"})
        << tagList({"netbsd-7-0-RELEASE=feature>netbsd-7-0-RELEASE", "netbsd-7-1-RELEASE=maintenance>netbsd-7-0-RELEASE",
                       "netbsd-7-1-1-RELEASE=maintenance>netbsd-7-0-RELEASE", "netbsd-9-3-RELEASE=maintenance>netbsd-9-0-RELEASE",
                       "netbsd-10-0-RC1=candidate>netbsd-10-0-RELEASE", "netbsd-10-0-RELEASE=feature>netbsd-10-0-RELEASE"});
    QTest::newRow("netbsd branch without its major release") << tagList({"netbsd-9-2-RELEASE", "netbsd-9-3-RELEASE"})
        << tagList({"netbsd-9-2-RELEASE=maintenance>netbsd-9-2-RELEASE", "netbsd-9-3-RELEASE=maintenance>netbsd-9-2-RELEASE"});
    QTest::newRow("unversioned tags stand alone") << tagList({"v2.6.11-tree", "latest", "v1.0"})
        << tagList({"v2.6.11-tree=feature>v2.6.11-tree", "latest=feature>latest", "v1.0=feature>v1.0"});
}

void TestReleaseSeries::classify()
{
    QFETCH(QStringList, tags);
    QFETCH(QStringList, expected);
    const auto classes = classifyReleaseTags(tags);
    QCOMPARE(classes.size(), tags.size());
    for (const QString &item : expected) {
        const QString tag = item.section(QLatin1Char('='), 0, 0);
        const qsizetype i = tags.indexOf(tag);
        QVERIFY2(i >= 0, qPrintable(tag));
        const int rollup = classes[i].rollup;
        const QString got = tag + QLatin1Char('=') + releaseKindName(classes[i].kind) + QLatin1Char('>')
                            + (rollup < 0 ? QStringLiteral("-") : tags.value(rollup));
        QCOMPARE(got, item);
    }
}

void TestReleaseSeries::orderDoesNotMatter()
{
    const QStringList tags = tagList({"v2.55.2", "v2.55.0-rc1", "v2.55.1", "v2.55.0"});
    QStringList reversed = tags;
    std::reverse(reversed.begin(), reversed.end());
    const auto a = classifyReleaseTags(tags), b = classifyReleaseTags(reversed);
    for (int i = 0; i < tags.size(); ++i) {
        const int j = int(reversed.indexOf(tags[i]));
        QCOMPARE(a[i].kind, b[j].kind);
        QCOMPARE(tags.value(a[i].rollup), reversed.value(b[j].rollup));
    }
}

void TestReleaseSeries::unrelatedPrefixesAreNotCompared()
{
    const auto classes = classifyReleaseTags(tagList({"v1.0", "liburing-1.0.1", "liburing-1.0.0", "v1.0.1"}));
    QCOMPARE(classes[0].kind, kl::ingest::ReleaseKind::Feature);
    QCOMPARE(classes[1].kind, kl::ingest::ReleaseKind::Maintenance);
    QCOMPARE(classes[1].rollup, 2);
    QCOMPARE(classes[3].kind, kl::ingest::ReleaseKind::Maintenance);
    QCOMPARE(classes[3].rollup, 0);
}

QTEST_GUILESS_MAIN(TestReleaseSeries)
#include "tst_release_series.moc"
