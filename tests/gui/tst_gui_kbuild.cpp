// The GUI on the real kbuild store (CTest fixture kbuild_store): every view renders with data,
// search finds real mail and the reader shows it as plain text.

#include "main_window.h"
#include "message_reader.h"
#include "screenshot.h"
#include "search_view.h"
#include "table_panel.h"
#include "dashboard_view.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
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
};

QTEST_MAIN(TestGuiKbuild)
#include "tst_gui_kbuild.moc"
