// Widget tests of the desktop application under the offscreen platform.

#include "main_window.h"
#include "message_reader.h"
#include "screenshot.h"
#include "search_view.h"
#include "sources_view.h"
#include "filter_bar.h"
#include "analysis_view.h"
#include "dashboard_view.h"
#include "theme.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
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
        QCOMPARE(names.size(), 7);
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

    void headlinesFromSections()
    {
        using kl::report::Column;
        kl::report::Section s;
        kl::report::Table t;
        t.columns = {{QStringLiteral("release"), QStringLiteral("Release"), Column::Kind::Text},
                     {QStringLiteral("rust_share"), QStringLiteral("Share"), Column::Kind::Percent}};
        t.rows = {{QStringLiteral("v6.1"), 0.001}, {QStringLiteral("v6.12"), 0.0035}};
        s.tables = {t};
        const Headline h = adoptionHeadline(s);
        QVERIFY2(h.figure.startsWith(QStringLiteral("0.3")) || h.figure.startsWith(QStringLiteral("0,3")), qPrintable(h.figure));
        QVERIFY(h.detail.contains(QStringLiteral("v6.12")));
        QVERIFY(adoptionHeadline({}).figure.isEmpty());
    }
};

QTEST_MAIN(TestGui)
#include "tst_gui.moc"
