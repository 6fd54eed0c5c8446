// The GUI on the real kbuild store (CTest fixture kbuild_store): every view renders with data,
// search finds real mail and the reader shows it as plain text.

#include "main_window.h"
#include "message_reader.h"
#include "screenshot.h"
#include "search_view.h"
#include "table_panel.h"
#include "dashboard_view.h"
#include "sparkline.h"
#include "review_timeline.h"
#include "review_view.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QComboBox>
#include <QListWidget>
#include <QTableView>
#include <QTextBrowser>

using namespace kl::gui;

class TestGuiKbuild : public QObject
{
    Q_OBJECT
    QString m_store = QStringLiteral(KERNELLENS_TEST_BINARY_DIR "/fixtures/kbuild-store");

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("KernelLensTest"));
        QCoreApplication::setApplicationName(QStringLiteral("kernellens-tst-gui-kbuild"));
        if (!QFileInfo::exists(QDir(m_store).filePath(QStringLiteral("kernellens.sqlite"))))
            QSKIP("the kbuild_store fixture has not been built");
    }

    void everyViewRendersWithData()
    {
        MainWindow window;
        window.setStoreDirectory(m_store);
        for (const QString &name : MainWindow::viewNames()) {
            QElapsedTimer clock;
            clock.start();
            auto image = captureView(window, name, QSize(1400, 900), 120000);
            QVERIFY2(image, qPrintable(name + QStringLiteral(": ") + image.errorMessage()));
            QVERIFY2(!isBlank(*image), qPrintable(name));
            QVERIFY2(distinctColours(*image) > 8, qPrintable(name));
            qInfo("%s: on screen in %lld ms", qPrintable(name), clock.elapsed());
        }
        auto *dashboard = qobject_cast<DashboardView *>(window.view(QStringLiteral("dashboard")));
        QVERIFY(dashboard);
        const QString messages = dashboard->card(QStringLiteral("messages"))->figure();
        QVERIFY2(messages != QStringLiteral("–") && messages != QStringLiteral("0"), qPrintable(messages));
        // Real mail has months to draw; the newest cohort is a real release, never "(unreleased)".
        QVERIFY(dashboard->card(QStringLiteral("messages"))->sparkline()->points().size() >= 2);
        const QString newcomers = dashboard->card(QStringLiteral("newcomers"))->detail();
        QVERIFY2(!newcomers.contains(QStringLiteral("(unreleased)")), qPrintable(newcomers));
    }

    void searchAndReadRealMail()
    {
        MainWindow window;
        window.setStoreDirectory(m_store);
        SearchView *search = window.searchView();
        search->setQuery(QStringLiteral("s:rust"));
        auto image = captureView(window, QStringLiteral("search"), QSize(1400, 900), 120000);
        QVERIFY2(image, qPrintable(image.errorMessage()));
        QVERIFY2(search->lastTotal() > 100, qPrintable(QString::number(search->lastTotal())));
        const kl::report::Table &hits = search->currentTablePanel()->table();
        QVERIFY(!hits.rows.isEmpty());
        const int subject = hits.columnIndex(QStringLiteral("subject"));
        QVERIFY(hits.rows.first()[subject].toString().contains(QStringLiteral("rust"), Qt::CaseInsensitive));
        // The first hit is opened in the reader: its subject is shown, as text.
        auto *browser = search->reader()->findChild<QTextBrowser *>();
        QVERIFY(browser);
        QTRY_VERIFY_WITH_TIMEOUT(browser->toPlainText().contains(QStringLiteral("From:")), 20000);
    }

    void reviewListsSeriesAndFillsTheTimeline()
    {
        MainWindow window;
        window.setStoreDirectory(m_store);
        auto image = captureView(window, QStringLiteral("review"), QSize(1400, 900), 120000);
        QVERIFY2(image, qPrintable(image.errorMessage()));
        auto *review = qobject_cast<ReviewView *>(window.currentView());
        QVERIFY(review);
        const kl::report::Table &series = review->allSeries();
        QVERIFY2(series.rows.size() > 10, qPrintable(QString::number(series.rows.size())));
        QVERIFY(review->seriesPanel()->visibleRowCount() > 10);
        // The first (newest) patch set's timeline is on screen after loading.
        ReviewTimeline *timeline = review->timeline();
        QVERIFY(timeline->hasTimeline());
        QVERIFY(!timeline->timeline().versions.isEmpty());

        // Selecting another patch set fills the timeline with that one.
        const int idCol = series.columnIndex(QStringLiteral("series_id"));
        const int versionsCol = series.columnIndex(QStringLiteral("versions"));
        int pick = -1;
        for (int r = 1; r < series.rows.size() && pick < 0; ++r)
            if (series.rows[r].value(versionsCol).toInt() > 1)
                pick = r;
        if (pick < 0)
            pick = 1;
        const qint64 id = series.rows[pick].value(idCol).toLongLong();
        QSignalSpy loaded(review, &ReviewView::timelineLoaded);
        QVERIFY(review->selectSeries(id));
        QVERIFY(loaded.wait(30000));
        QCOMPARE(loaded.last().first().toLongLong(), id);
        QCOMPARE(timeline->timeline().seriesId, id);
        // Every posting of the chain is a node (a resent v2 too), so at least the distinct versions.
        QVERIFY(timeline->timeline().versions.size() >= series.rows[pick].value(versionsCol).toInt());
        QCOMPARE(timeline->headerTitle(), series.rows[pick].value(series.columnIndex(QStringLiteral("title"))).toString());
        // The latest version's thread opens in the reader, as text.
        auto *browser = review->reader()->findChild<QTextBrowser *>();
        QVERIFY(browser);
        QTRY_VERIFY_WITH_TIMEOUT(browser->toPlainText().contains(QStringLiteral("From:")), 20000);

        // The outcome filter keeps only that outcome.
        QComboBox *outcome = review->outcomeFilter();
        const int pending = outcome->findData(QStringLiteral("pending"));
        QVERIFY(pending > 0);
        outcome->setCurrentIndex(pending);
        Q_EMIT outcome->activated(pending);
        const kl::report::Table &shown = review->seriesPanel()->table();
        const int outcomeCol = shown.columnIndex(QStringLiteral("outcome"));
        for (const QVariantList &row : shown.rows)
            QCOMPARE(row.value(outcomeCol).toString(), QStringLiteral("pending"));

        // The language picker goes through the Filter: the view reloads with only those patch sets.
        QComboBox *language = review->languageFilter();
        const int second = language->findData(QStringLiteral("second"));
        QVERIFY(second > 0);
        const qsizetype everyLanguage = series.rows.size(); // `series` is the view's table: it is replaced
        QSignalSpy ready(review, &View::ready);
        language->setCurrentIndex(second);
        Q_EMIT language->activated(second);
        QVERIFY(ready.wait(60000));
        const kl::report::Table &all = review->allSeries();
        QVERIFY(!all.rows.isEmpty());
        QVERIFY(all.rows.size() < everyLanguage);
        const int languageCol = all.columnIndex(QStringLiteral("language"));
        for (const QVariantList &row : all.rows)
            QCOMPARE(row.value(languageCol).toString(), QStringLiteral("second"));
    }
};

QTEST_MAIN(TestGuiKbuild)
#include "tst_gui_kbuild.moc"
