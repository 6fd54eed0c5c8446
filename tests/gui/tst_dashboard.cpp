// The Dashboard: its cards' figures, trends, change texts and missing-data texts (models/
// dashboard.h) on values and on small fixture stores, and the view that draws them.

#include "../git/scratch_repo.h"

#include "dashboard_view.h"
#include "main_window.h"
#include "screenshot.h"
#include "filter_bar.h"
#include "sparkline.h"

#include <kernellens/index/store.h>
#include <kernellens/ingest/derive.h>
#include <kernellens/ingest/git_ingest.h>
#include <kernellens/ingest/mail_ingest.h>
#include <kernellens/models/dashboard.h>

#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace kl;
using namespace kl::gui;
using kl::models::ChangeStyle;
using kl::models::TrendPoint;

Q_DECLARE_METATYPE(kl::models::ChangeStyle)

namespace {

const QString kMinus = QStringLiteral("\u2212");

// Four tags' worth of newcomers: v1.0 one, v1.1 two, v1.2 three, and one after the last tag.
void buildHistory(testing::Scratch &repo)
{
    struct Step { const char *date; const char *who; const char *file; int lines; const char *tag; };
    const Step steps[] = {
        {"2023-01-10T12:00:00Z", "alice", "kernel/core.c", 30, "v1.0"},
        {"2023-02-10T12:00:00Z", "bob", "rust/lib.rs", 10, nullptr},
        {"2023-02-11T12:00:00Z", "carol", "kernel/b.c", 10, "v1.1"},
        {"2023-03-10T12:00:00Z", "dave", "rust/more.rs", 10, nullptr},
        {"2023-03-11T12:00:00Z", "erin", "kernel/c.c", 10, nullptr},
        {"2023-03-12T12:00:00Z", "gina", "kernel/d.c", 10, "v1.2"},
        {"2023-04-10T12:00:00Z", "frank", "kernel/e.c", 5, nullptr},
    };
    for (const Step &s : steps) {
        repo.at(QString::fromLatin1(s.date));
        repo.as(QString::fromLatin1(s.who), QString::fromLatin1(s.who) + QStringLiteral("@example.org"));
        repo.write(QString::fromLatin1(s.file), testing::lines(s.lines, "x"));
        repo.commit(QStringLiteral("add ") + QString::fromLatin1(s.file));
        if (s.tag)
            repo.tag(QString::fromLatin1(s.tag));
    }
}

// Mail over three months: 2 in January (a thread), 3 in February (one a patch), 1 in March.
QByteArray mailArchive()
{
    struct Mail { const char *date; const char *subject; const char *id; const char *reply; };
    const Mail mails[] = {
        {"Mon, 08 Jan 2024 10:00:00 +0000", "question", "m1", nullptr},
        {"Mon, 08 Jan 2024 11:00:00 +0000", "Re: question", "m2", "m1"},
        {"Mon, 05 Feb 2024 10:00:00 +0000", "[PATCH] kbuild: fix the thing", "m3", nullptr},
        {"Mon, 05 Feb 2024 11:00:00 +0000", "Re: [PATCH] kbuild: fix the thing", "m4", "m3"},
        {"Tue, 06 Feb 2024 11:00:00 +0000", "another topic", "m5", nullptr},
        {"Mon, 04 Mar 2024 10:00:00 +0000", "march", "m6", nullptr},
    };
    QByteArray out;
    for (const Mail &m : mails) {
        out += "From someone@example.org Mon Jan  1 00:00:00 2024\n";
        out += "From: Someone <someone@example.org>\n";
        out += QByteArray("Subject: ") + m.subject + "\nDate: " + m.date + "\nMessage-ID: <" + m.id + "@example.org>\n";
        if (m.reply)
            out += QByteArray("In-Reply-To: <") + m.reply + "@example.org>\n";
        out += "\nbody\n\n";
    }
    return out;
}

QStringList labels(const QList<TrendPoint> &points)
{
    QStringList out;
    for (const TrendPoint &p : points)
        out << p.label;
    return out;
}

QList<double> values(const QList<TrendPoint> &points)
{
    QList<double> out;
    for (const TrendPoint &p : points)
        out << p.value;
    return out;
}

} // namespace

class TestDashboard : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    testing::Scratch m_repo;
    QString m_full;    // git + mail
    QString m_empty;   // a store with no source

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_tmp.isValid());
        buildHistory(m_repo);
        m_full = m_tmp.filePath(QStringLiteral("full"));
        m_empty = m_tmp.filePath(QStringLiteral("empty"));
        {
            auto store = Store::open(m_full, Store::Mode::ReadWrite);
            QVERIFY2(store, qPrintable(store.errorMessage()));
            ingest::GitIngestOptions git;
            git.source = m_repo.path();
            auto g = ingest::ingestGit(*store, git, JobContext{});
            QVERIFY2(g, qPrintable(g.errorMessage()));
            const QString mbox = m_tmp.filePath(QStringLiteral("list.mbox"));
            QFile f(mbox);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(mailArchive());
            f.close();
            auto m = ingest::ingestMail(*store, {QStringLiteral("kbuild"), {mbox}}, JobContext{});
            QVERIFY2(m, qPrintable(m.errorMessage()));
            QCOMPARE(m->messagesAdded, 6);
            auto derived = derive::runDerivations(*store, {}, JobContext{});   // threads, series, scores
            QVERIFY2(derived, qPrintable(derived.errorMessage()));
        }
        QVERIFY(Store::open(m_empty, Store::Mode::ReadWrite));
    }

    void changeText_data()
    {
        QTest::addColumn<double>("current");
        QTest::addColumn<double>("previous");
        QTest::addColumn<QString>("label");
        QTest::addColumn<ChangeStyle>("style");
        QTest::addColumn<QString>("expected");
        QTest::newRow("count up") << 40.0 << 37.0 << QStringLiteral("v6.11") << ChangeStyle::Count << QStringLiteral("+3 since v6.11");
        QTest::newRow("count down") << 25.0 << 37.0 << QStringLiteral("v6.11") << ChangeStyle::Count
                                    << kMinus + QStringLiteral("12 since v6.11");
        QTest::newRow("count same") << 5.0 << 5.0 << QStringLiteral("v1.1") << ChangeStyle::Count << QStringLiteral("+0 since v1.1");
        QTest::newRow("relative down") << 88.0 << 100.0 << QStringLiteral("2024-Q2") << ChangeStyle::Relative
                                       << kMinus + QStringLiteral("12 % vs 2024-Q2");
        QTest::newRow("relative small") << 103.0 << 100.0 << QStringLiteral("2024-04") << ChangeStyle::Relative
                                        << QStringLiteral("+3.0 % vs 2024-04");
        QTest::newRow("relative from zero") << 4.0 << 0.0 << QStringLiteral("2024-04") << ChangeStyle::Relative
                                            << QStringLiteral("+4 vs 2024-04");
        QTest::newRow("points") << 0.0035 << 0.001 << QStringLiteral("v6.1") << ChangeStyle::Points
                                << QStringLiteral("+0.25 points since v6.1");
        QTest::newRow("no value") << qQNaN() << 1.0 << QStringLiteral("v6.1") << ChangeStyle::Points << QString();
    }

    void changeText()
    {
        QFETCH(double, current);
        QFETCH(double, previous);
        QFETCH(QString, label);
        QFETCH(ChangeStyle, style);
        QFETCH(QString, expected);
        QCOMPARE(models::changeText(current, previous, label, style), expected);
    }

    void trendKeepsTheNewestPoints()
    {
        QList<TrendPoint> points;
        for (int i = 0; i < 20; ++i)
            points.append({QStringLiteral("p%1").arg(i), double(i)});
        const QList<TrendPoint> last = models::lastPoints(points);
        QCOMPARE(last.size(), models::dashboardTrendLength);
        QCOMPARE(last.first().label, QStringLiteral("p8"));
        QCOMPARE(last.last().label, QStringLiteral("p19"));
        QCOMPARE(models::lastPoints(points.mid(0, 3)).size(), 3);
    }

    void wholeAndPartialMonths()
    {
        const QList<TrendPoint> months = {{QStringLiteral("2024-04"), 100}, {QStringLiteral("2024-05"), 88}};
        const models::DashboardCard whole = models::monthlyCountCard(QStringLiteral("messages"), 188, months, QDate(2024, 5, 31));
        QCOMPARE(whole.change, kMinus + QStringLiteral("12 % vs 2024-04"));
        QCOMPARE(whole.detail, QStringLiteral("88 in 2024-05, the latest month"));
        const models::DashboardCard cut = models::monthlyCountCard(QStringLiteral("messages"), 188, months, QDate(2024, 5, 3));
        QVERIFY(cut.change.isEmpty());   // one whole month only
        QCOMPARE(cut.trend.size(), 2);   // the partial month stays on the sparkline
        QVERIFY(models::monthlyCountCard(QStringLiteral("messages"), 0, {}).isMissing());
    }

    void frictionByQuarter()
    {
        auto month = [](const char *m, int threads, int friction) {
            models::FrictionTrendPoint p;
            p.month = QString::fromLatin1(m);
            p.threads = threads;
            p.frictionThreads = friction;
            return p;
        };
        QList<models::FrictionTrendPoint> trend = {month("2024-01", 10, 2), month("2024-03", 10, 2),
                                                   month("2024-04", 10, 1), month("2024-06", 10, 2)};
        models::DashboardCard card = models::frictionCard(trend);
        QCOMPARE(labels(card.trend), (QStringList{QStringLiteral("2024-Q1"), QStringLiteral("2024-Q2")}));
        QCOMPARE(values(card.trend), (QList<double>{4, 3}));
        QCOMPARE(card.figure, QStringLiteral("3"));
        QCOMPARE(card.change, kMinus + QStringLiteral("25 % vs 2024-Q1"));
        // The mail ends in July: Q3 is partial, the change compares Q2 with Q1.
        trend.append(month("2024-07", 10, 0));
        card = models::frictionCard(trend);
        QCOMPARE(card.figure, QStringLiteral("0"));
        QCOMPARE(card.change, QStringLiteral("2024-Q2: ") + kMinus + QStringLiteral("25 % vs 2024-Q1"));
        QVERIFY(card.detail.contains(QStringLiteral("up to 2024-07")));
        // No thread at all: what to ingest.
        QVERIFY(models::frictionCard({}).isMissing());
    }

    void unreleasedCohortIsNotARelease()
    {
        models::OnboardingResult r;
        r.cohorts = {{QStringLiteral("v6.11"), QDate(2024, 9, 15), 37},
                     {QStringLiteral("v6.12"), QDate(2024, 11, 17), 40},
                     {QStringLiteral("(unreleased)"), QDate(), 5}};
        const models::DashboardCard card = models::newcomersCard(r, models::Period::Release);
        QCOMPARE(card.figure, QStringLiteral("40"));
        QCOMPARE(card.change, QStringLiteral("+3 since v6.11"));
        QCOMPARE(labels(card.trend), (QStringList{QStringLiteral("v6.11"), QStringLiteral("v6.12")}));
        QCOMPARE(card.detail, QStringLiteral("newcomers in v6.12; 5 more since v6.12, not yet released"));
        // Only unreleased work: no release to name, so say what is missing rather than "(unreleased)".
        r.cohorts = {{QStringLiteral("(unreleased)"), QDate(), 5}};
        const models::DashboardCard none = models::newcomersCard(r, models::Period::Release);
        QVERIFY(none.isMissing());
        QVERIFY(none.figure.isEmpty());
        QVERIFY(!none.missing.contains(QStringLiteral("unreleased")));
    }

    void gitCardsOnAFixtureStore()
    {
        auto store = Store::open(m_full, Store::Mode::ReadOnly);
        QVERIFY(store);
        auto newcomers = models::dashboardCard(*store, QStringLiteral("newcomers"), {});
        QVERIFY2(newcomers, qPrintable(newcomers.errorMessage()));
        QVERIFY(!newcomers->isMissing());
        QCOMPARE(labels(newcomers->trend), (QStringList{QStringLiteral("v1.0"), QStringLiteral("v1.1"), QStringLiteral("v1.2")}));
        QCOMPARE(values(newcomers->trend), (QList<double>{1, 2, 3}));
        QCOMPARE(newcomers->figure, QStringLiteral("3"));
        QCOMPARE(newcomers->change, QStringLiteral("+1 since v1.1"));
        QCOMPARE(newcomers->detail, QStringLiteral("newcomers in v1.2; 1 more since v1.2, not yet released"));
        QCOMPARE(newcomers->view, QStringLiteral("onboarding"));

        auto share = models::dashboardCard(*store, QStringLiteral("share"), {});
        QVERIFY2(share, qPrintable(share.errorMessage()));
        // Rust lines over (Rust + C): v1.0 0/30, v1.1 10/50, v1.2 20/80.
        QCOMPARE(labels(share->trend), (QStringList{QStringLiteral("v1.0"), QStringLiteral("v1.1"), QStringLiteral("v1.2")}));
        QCOMPARE(values(share->trend), (QList<double>{0.0, 0.2, 0.25}));
        QCOMPARE(share->figure, QStringLiteral("25.0 %"));
        QCOMPARE(share->change, QStringLiteral("+5.00 points since v1.1"));
    }

    void mailCardsOnAFixtureStore()
    {
        auto store = Store::open(m_full, Store::Mode::ReadOnly);
        QVERIFY(store);
        auto messages = models::dashboardCard(*store, QStringLiteral("messages"), {});
        QVERIFY2(messages, qPrintable(messages.errorMessage()));
        QCOMPARE(messages->figure, QStringLiteral("6"));
        QCOMPARE(labels(messages->trend), (QStringList{QStringLiteral("2024-01"), QStringLiteral("2024-02"), QStringLiteral("2024-03")}));
        QCOMPARE(values(messages->trend), (QList<double>{2, 3, 1}));
        // The data end on 2024-03-04: March is partial, so the change compares February with January.
        QCOMPARE(messages->change, QStringLiteral("2024-02: +50 % vs 2024-01"));
        QCOMPARE(messages->detail, QStringLiteral("1 in 2024-03 up to 2024-03-04, where the data end"));

        auto threads = models::dashboardCard(*store, QStringLiteral("threads"), {});
        QVERIFY2(threads, qPrintable(threads.errorMessage()));
        QCOMPARE(threads->figure, QStringLiteral("4"));
        QCOMPARE(values(threads->trend), (QList<double>{1, 2, 1}));

        auto sources = models::dashboardCard(*store, QStringLiteral("sources"), {});
        QVERIFY2(sources, qPrintable(sources.errorMessage()));
        QCOMPARE(sources->figure, QStringLiteral("2"));
        QCOMPARE(sources->detail, QStringLiteral("1 git · 1 mbox"));

        auto patches = models::dashboardCard(*store, QStringLiteral("patches"), {});
        QVERIFY2(patches, qPrintable(patches.errorMessage()));
        QCOMPARE(patches->figure, QStringLiteral("1"));
        QVERIFY(patches->change.isEmpty());   // one month: nothing to compare with

        // The filter's dates bound the counts.
        models::Filter february;
        february.since = QDate(2024, 2, 1);
        february.until = QDate(2024, 2, 29);
        auto inFebruary = models::dashboardCard(*store, QStringLiteral("messages"), february);
        QVERIFY(inFebruary);
        QCOMPARE(inFebruary->figure, QStringLiteral("3"));
        QCOMPARE(labels(inFebruary->trend), QStringList{QStringLiteral("2024-02")});
        models::Filter otherList;
        otherList.list = QStringLiteral("no-such-list");
        auto none = models::dashboardCard(*store, QStringLiteral("messages"), otherList);
        QVERIFY(none);
        QVERIFY(none->isMissing());
    }

    void emptyStoreSaysWhatToIngest()
    {
        auto store = Store::open(m_empty, Store::Mode::ReadOnly);
        QVERIFY(store);
        for (const QString &key : models::dashboardCardKeys()) {
            auto card = models::dashboardCard(*store, key, {});
            QVERIFY2(card, qPrintable(key + QStringLiteral(": ") + card.errorMessage()));
            QVERIFY2(card->isMissing(), qPrintable(key));
            QVERIFY2(card->figure.isEmpty(), qPrintable(key));
            QCOMPARE(card->missing, models::missingDashboardCard(key).missing);
            QVERIFY2(card->missing.contains(QStringLiteral("git repository")) || card->missing.contains(QStringLiteral("mail archive")),
                     qPrintable(card->missing));
        }
    }

    void viewDrawsTrendsAndOpensViewsWithTheFilter()
    {
        MainWindow window;
        window.setStoreDirectory(m_full);
        auto image = captureView(window, QStringLiteral("dashboard"), QSize(1280, 800), 60000);
        QVERIFY2(image, qPrintable(image.errorMessage()));
        auto *dashboard = qobject_cast<DashboardView *>(window.view(QStringLiteral("dashboard")));
        QVERIFY(dashboard);
        HeadlineCard *newcomers = dashboard->card(QStringLiteral("newcomers"));
        QCOMPARE(newcomers->figure(), QStringLiteral("3"));
        QCOMPARE(newcomers->change(), QStringLiteral("+1 since v1.1"));
        QCOMPARE(newcomers->sparkline()->points().size(), 3);
        QVERIFY(!newcomers->detail().contains(QStringLiteral("(unreleased)")));
        QCOMPARE(dashboard->card(QStringLiteral("messages"))->sparkline()->points().size(), 3);

        models::Filter f;
        f.since = QDate(2023, 2, 1);
        f.until = QDate(2024, 12, 31);
        window.filterBar()->setFilter(f);
        Q_EMIT window.filterBar()->filterChanged(window.filterBar()->filter());   // as an edit does
        QTest::mouseClick(newcomers, Qt::LeftButton);
        QCOMPARE(window.currentView()->name(), QStringLiteral("onboarding"));
        QCOMPARE(window.currentView()->context().filter.since, f.since);
        QCOMPARE(window.currentView()->context().filter.until, f.until);
    }

    void viewOnNoStoreShowsMissingTexts()
    {
        MainWindow window;
        window.setStoreDirectory(m_tmp.filePath(QStringLiteral("never-created")));
        auto image = captureView(window, QStringLiteral("dashboard"), QSize(1280, 800), 20000);
        QVERIFY2(image, qPrintable(image.errorMessage()));
        auto *dashboard = qobject_cast<DashboardView *>(window.view(QStringLiteral("dashboard")));
        for (const QString &key : models::dashboardCardKeys()) {
            HeadlineCard *card = dashboard->card(key);
            QVERIFY2(card->isMissing(), qPrintable(key));
            QCOMPARE(card->detail(), models::missingDashboardCard(key).missing);
            QVERIFY(card->figure().isEmpty());
        }
    }
};

QTEST_MAIN(TestDashboard)
#include "tst_dashboard.moc"
