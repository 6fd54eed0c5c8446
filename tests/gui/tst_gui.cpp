// Widget tests of the desktop application under the offscreen platform.

#include "main_window.h"
#include "message_reader.h"
#include "screenshot.h"
#include "search_view.h"
#include "sources_view.h"
#include "filter_bar.h"
#include "analysis_view.h"
#include "dashboard_view.h"
#include "review_timeline.h"
#include "review_view.h"
#include "table_panel.h"

#include <kernellens/models/table_model.h>
#include "theme.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace kl::gui;

class TestGui : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("KernelLensTest"));
        QCoreApplication::setApplicationName(QStringLiteral("kernellens-tst-gui"));
        QSettings().clear();
        QVERIFY(m_tmp.isValid());
    }

    void navigationByKeyboard()
    {
        MainWindow window;
        window.setStoreDirectory(m_tmp.filePath(QStringLiteral("empty-store")));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        const QStringList names = MainWindow::viewNames();
        QCOMPARE(names.size(), 8);
        for (int i = names.size() - 1; i >= 0; --i) {
            QTest::keyClick(&window, Qt::Key(Qt::Key_1 + i), Qt::ControlModifier);
            QCOMPARE(window.currentView()->name(), names[i]);
            QCOMPARE(window.navigation()->currentRow(), i);
        }
        QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
        QCOMPARE(window.currentView()->name(), QStringLiteral("search"));
        QVERIFY(window.searchView()->findChild<QLineEdit *>(QStringLiteral("searchQuery"))->hasFocus());
        // Clicking in the navigation list switches too.
        window.navigation()->setCurrentRow(2);
        QCOMPARE(window.currentView()->name(), QStringLiteral("adoption"));
    }

    void emptyStateOffersSources()
    {
        MainWindow window;
        window.setStoreDirectory(m_tmp.filePath(QStringLiteral("empty-store")));
        auto image = captureView(window, QStringLiteral("adoption"), QSize(1000, 700), 20000);
        QVERIFY2(image, qPrintable(image.errorMessage()));
        auto *empty = window.currentView()->findChild<EmptyState *>();
        QVERIFY(empty && empty->isVisible());
        QVERIFY2(empty->title().contains(QStringLiteral("Ingest a git repository")), qPrintable(empty->title()));
        auto *button = empty->findChild<QPushButton *>();
        QVERIFY(button && button->isVisible());
        QTest::mouseClick(button, Qt::LeftButton);
        QCOMPARE(window.currentView()->name(), QStringLiteral("sources"));
    }

    void filterStateIsRemembered()
    {
        kl::models::Filter f;
        f.since = QDate(2023, 1, 1);
        f.until = QDate(2024, 6, 30);
        f.subsystem = QStringLiteral("RUST");
        f.list = QStringLiteral("linux-kbuild");
        {
            MainWindow window;
            window.setStoreDirectory(m_tmp.filePath(QStringLiteral("remembered-store")));
            QSignalSpy changed(window.filterBar(), &FilterBar::filterChanged);
            window.filterBar()->setFilter(f);
            window.showView(QStringLiteral("coverage"));
            window.resize(1111, 777);
            window.saveState();
        }
        MainWindow again;
        again.restoreState();
        const kl::models::Filter g = again.filterBar()->filter();
        QCOMPARE(g.since, f.since);
        QCOMPARE(g.until, f.until);
        QCOMPARE(g.subsystem, f.subsystem);
        QCOMPARE(g.list, f.list);
        QCOMPARE(again.currentView()->name(), QStringLiteral("coverage"));
        QCOMPARE(QSettings().value(QStringLiteral("store/last")).toString(),
                 QDir(m_tmp.filePath(QStringLiteral("remembered-store"))).absolutePath());
        // An open range stays open.
        again.filterBar()->setFilter({});
        QVERIFY(!again.filterBar()->filter().since.isValid());
        QVERIFY(again.filterBar()->filter().subsystem.isEmpty());
    }

    void cancelButtonCancelsItsJob()
    {
        MainWindow window;
        const QString store = m_tmp.filePath(QStringLiteral("cancel-store"));
        window.setStoreDirectory(store);
        window.showView(QStringLiteral("sources"));
        window.show();
        SourcesView *sources = window.sourcesView();
        IngestJob::Spec spec;
        spec.kind = IngestJob::Kind::Mail;
        spec.storeDir = store;
        spec.listName = QStringLiteral("linux-kbuild");
        spec.sources = {QStringLiteral(KERNELLENS_SHARED_DATA "/linux-kbuild-rust.mbox")};
        IngestJob *first = sources->enqueue(spec);
        IngestJob *second = sources->enqueue(spec);
        QCOMPARE(second->state(), IngestJob::State::Queued); // one writer: the second waits
        QSignalSpy secondDone(second, &IngestJob::finished);
        // Each job row has its own Cancel button wired to its own token.
        const auto buttons = sources->findChildren<QPushButton *>(QStringLiteral("cancelJob"));
        QCOMPARE(buttons.size(), 2);
        auto buttonOf = [&](IngestJob *job) -> QPushButton * {
            for (QPushButton *b : buttons)
                if (b->parentWidget()->property("job").value<QObject *>() == job)
                    return b;
            return nullptr;
        };
        QVERIFY(buttonOf(first) && buttonOf(second) && buttonOf(first) != buttonOf(second));
        QTest::mouseClick(buttonOf(second), Qt::LeftButton);
        QCOMPARE(second->state(), IngestJob::State::Cancelled);
        QCOMPARE(secondDone.count(), 1);
        QSignalSpy firstDone(first, &IngestJob::finished);
        if (!first->isFinished()) {
            QTest::mouseClick(buttonOf(first), Qt::LeftButton);
            QVERIFY(firstDone.wait(60000));
        }
        QVERIFY(first->isFinished());
        // Cancelled, or (without the mail backend in this build) failed with a message.
        QVERIFY(first->state() != IngestJob::State::Running);
        QVERIFY(!first->resultText().isEmpty());
    }

    void everyViewRendersNonBlankOnAnEmptyStore()
    {
        for (bool dark : {false, true}) {
            applyPalette(*qApp, dark);
            MainWindow window;
            window.setStoreDirectory(m_tmp.filePath(QStringLiteral("no-store-here")));
            for (const QString &name : MainWindow::viewNames()) {
                auto image = captureView(window, name, QSize(1200, 800), 20000);
                QVERIFY2(image, qPrintable(name + QStringLiteral(": ") + image.errorMessage()));
                QVERIFY2(!isBlank(*image), qPrintable(name));
                QVERIFY2(distinctColours(*image) > 8, qPrintable(name));
                QCOMPARE(image->size(), QSize(1200, 800) * image->devicePixelRatio());
            }
        }
        applyPalette(*qApp, false);
    }

    void reviewViewOnAnEmptyStoreSaysWhatToIngest()
    {
        for (bool dark : {false, true}) {
            applyPalette(*qApp, dark);
            MainWindow window;
            window.setStoreDirectory(m_tmp.filePath(QStringLiteral("no-review-store")));
            auto image = captureView(window, QStringLiteral("review"), QSize(1000, 700), 20000);
            QVERIFY2(image, qPrintable(image.errorMessage()));
            QVERIFY(!isBlank(*image));
            QVERIFY(distinctColours(*image) > 8);
            auto *view = qobject_cast<ReviewView *>(window.currentView());
            QVERIFY(view);
            auto *empty = view->findChild<EmptyState *>();
            QVERIFY(empty && empty->isVisible());
            QVERIFY2(empty->title().contains(QStringLiteral("mail archive"))
                         && empty->title().contains(QStringLiteral("git repository")),
                     qPrintable(empty->title()));
        }
        applyPalette(*qApp, false);
    }

    void reviewSeriesFilterAndModel()
    {
        using kl::report::Column;
        kl::report::Table t;
        t.id = QStringLiteral("series");
        t.columns = {{QStringLiteral("series_id"), QStringLiteral("Series"), Column::Kind::Integer},
                     {QStringLiteral("title"), QStringLiteral("Title"), Column::Kind::Text},
                     {QStringLiteral("author"), QStringLiteral("Author"), Column::Kind::Text},
                     {QStringLiteral("outcome"), QStringLiteral("Outcome"), Column::Kind::Text},
                     {QStringLiteral("first_reply_hours"), QStringLiteral("Hours"), Column::Kind::Real}};
        t.rows = {{qint64(3), QStringLiteral("<b>x</b>"), QStringLiteral("Ann <ann@example.org>"), QStringLiteral("merged"), 1.5},
                  {qint64(2), QStringLiteral("y"), QStringLiteral("Bob <bob@example.org>"), QStringLiteral("pending"), QVariant()},
                  {qint64(1), QStringLiteral("z"), QStringLiteral("ann <ann@other.example>"), QStringLiteral("pending"), 0.25}};
        QCOMPARE(filterSeriesTable(t, {}, {}).rows.size(), 3);
        QCOMPARE(filterSeriesTable(t, QStringLiteral("pending"), {}).rows.size(), 2);
        QCOMPARE(filterSeriesTable(t, {}, QStringLiteral("ANN")).rows.size(), 2);
        const auto both = filterSeriesTable(t, QStringLiteral("pending"), QStringLiteral("ann"));
        QCOMPARE(both.rows.size(), 1);
        QCOMPARE(both.rows[0][0].toLongLong(), 1);
        QCOMPARE(both.columns.size(), t.columns.size());

        TablePanel panel;
        panel.setTable(filterSeriesTable(t, QStringLiteral("pending"), {}));
        QAbstractItemModelTester sourceTester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(panel.view()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        panel.setTable(t);
        panel.sortByColumnKey(QStringLiteral("first_reply_hours"), Qt::AscendingOrder);
        QCOMPARE(panel.visibleRowCount(), 3);
    }

    void reviewTimelineShowsVersionsCommitsAndPlainText()
    {
        SeriesTimeline t;
        t.seriesId = 7;
        t.title = QStringLiteral("<img src=\"http://evil.example/x.png\"> [PATCH v2] io_uring: fix <b>it</b>");
        t.author = QStringLiteral("Mallory <mallory@example.org>");
        t.list = QStringLiteral("io-uring");
        t.language = QStringLiteral("c");
        t.subsystems = {QStringLiteral("IO_URING")};
        t.outcome = QStringLiteral("merged");
        const QDateTime v1(QDate(2024, 3, 1), QTime(10, 0), Qt::UTC);
        t.versions = {{5, 1, QStringLiteral("[PATCH 0/2] <script>x</script>"), v1, QStringLiteral("superseded"), 2, 4,
                       QStringLiteral("v1@example.org")},
                      {7, 2, t.title, v1.addDays(9), QStringLiteral("merged"), 2, 1, QStringLiteral("v2@example.org")}};
        t.commits = {{QStringLiteral("0123456789abcdef0123456789abcdef01234567"), QStringLiteral("io_uring: fix <b>it</b>"),
                      v1.addDays(20), QStringLiteral("v6.9"), QStringLiteral("patch-id"), 1.0}};
        t.reviewers = {QStringLiteral("Jens <axboe@example.org> (1 trailers, 2 replies)")};

        ReviewTimeline timeline;
        QAbstractItemModelTester tester(timeline.list()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy thread(&timeline, &ReviewTimeline::threadRequested);
        timeline.resize(480, 640);
        timeline.setTimeline(t);
        timeline.show();
        QVERIFY(QTest::qWaitForWindowExposed(&timeline));
        // Headings, two versions, one commit, one reviewer.
        int versions = 0, commits = 0;
        for (int i = 0; i < timeline.list()->count(); ++i) {
            const auto kind = ReviewTimeline::Kind(timeline.list()->item(i)->data(ReviewTimeline::KindRole).toInt());
            versions += kind == ReviewTimeline::Kind::Version;
            commits += kind == ReviewTimeline::Kind::Commit;
            // Tooltips are escaped rich text: the mail's markup is shown, never interpreted.
            const QString tip = timeline.list()->item(i)->toolTip();
            QVERIFY2(!tip.contains(QStringLiteral("<img")) && !tip.contains(QStringLiteral("<script")), qPrintable(tip));
        }
        QCOMPARE(versions, 2);
        QCOMPARE(commits, 1);
        // The header shows the title verbatim as plain text.
        for (QLabel *label : timeline.findChildren<QLabel *>())
            QCOMPARE(label->textFormat(), Qt::PlainText);
        QCOMPARE(timeline.headerTitle(), t.title);
        // The latest version opens its thread; a commit shows its full id and release.
        QVERIFY(timeline.selectVersion());
        QCOMPARE(thread.count(), 1);
        QCOMPARE(thread.last().first().toString(), QStringLiteral("v2@example.org"));
        QVERIFY(timeline.selectCommit(0));
        QVERIFY(timeline.detailsText().contains(t.commits[0].oid));
        QVERIFY(timeline.detailsText().contains(QStringLiteral("v6.9")));
        QCOMPARE(thread.count(), 1);
        QVERIFY(!isBlank(timeline.grab().toImage()));
        timeline.clear(QStringLiteral("nothing"));
        QVERIFY(!timeline.hasTimeline());
    }

    void mailIsRenderedAsEscapedPlainText()
    {
        MessageText m;
        m.subject = QStringLiteral("<b>[PATCH]</b> & friends");
        m.from = QStringLiteral("Mallory <mallory@example.org>");
        m.body = QStringLiteral("Hi,\n<img src=\"http://evil.example/track.png\">\n<script>alert(1)</script>\n"
                                "> quoted one\n> quoted two\n> quoted three\n> quoted four\n> quoted five\n"
                                "NAK, this is   completely\nwrong.\n");
        const QString html = renderMessageHtml(m, {QStringLiteral("this is completely wrong.")}, {}, 3, false);
        QVERIFY(!html.contains(QStringLiteral("<img")));
        QVERIFY(!html.contains(QStringLiteral("<script")));
        QVERIFY(!html.contains(QStringLiteral("<b>")));
        QVERIFY(html.contains(QStringLiteral("&lt;img")));
        QVERIFY(html.contains(QStringLiteral("&lt;b&gt;[PATCH]&lt;/b&gt;&nbsp;&amp;")));
        // Five quoted lines fold into one link; unfolded they show.
        QVERIFY(html.contains(QStringLiteral("kl-unfold:0")));
        QVERIFY(!html.contains(QStringLiteral("quoted&nbsp;three")));
        const QString unfolded = renderMessageHtml(m, {}, {0}, 3, false);
        QVERIFY(unfolded.contains(QStringLiteral("quoted&nbsp;three")));
        // The evidence sentence is highlighted across the line break and the extra spaces.
        QVERIFY(html.contains(QStringLiteral("background-color")));
        QVERIFY(!unfolded.contains(QStringLiteral("background-color")));

        // The browser never loads anything, whatever the URL.
        PlainMailBrowser browser;
        QVERIFY(!browser.loadResource(QTextDocument::ImageResource, QUrl(QStringLiteral("http://evil.example/x.png"))).isValid());
        QVERIFY(!browser.loadResource(QTextDocument::ImageResource, QUrl(QStringLiteral("file:///etc/passwd"))).isValid());
        QVERIFY(!browser.openExternalLinks());
        QVERIFY(!browser.openLinks());
    }

    void searchHitsTableAndFilterTerms()
    {
        kl::SearchResults results;
        kl::SearchHit hit;
        hit.rowId = 42;
        hit.subject = QStringLiteral("[PATCH] kbuild: rust: x");
        hit.from = QStringLiteral("A <a@b>");
        hit.date = QDateTime(QDate(2024, 1, 2), QTime(3, 4), Qt::UTC);
        hit.relevance = 87.6;
        results.hits = {hit};
        const kl::report::Table table = hitsTable(results);
        QCOMPARE(table.rows.size(), 1);
        QCOMPARE(table.rows[0][table.columnIndex(QStringLiteral("message_row_id"))].toLongLong(), 42);
        kl::models::Filter f;
        f.list = QStringLiteral("linux-kbuild");
        f.since = QDate(2024, 1, 1);
        QCOMPARE(queryWithFilter(QStringLiteral("s:rust"), f), QStringLiteral("s:rust l:linux-kbuild d:2024-01-01.."));
        QCOMPARE(queryWithFilter(QStringLiteral("s:rust l:other"), f), QStringLiteral("s:rust l:other d:2024-01-01.."));
    }
};

QTEST_MAIN(TestGui)
#include "tst_gui.moc"
