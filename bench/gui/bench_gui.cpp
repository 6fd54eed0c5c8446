// GUI benchmarks: first paint and data-on-screen time of the main window on a store, and the
// longest GUI-thread stall while an ingest runs in the background (a 10 ms timer probe).
//
//   bench-gui --db STORE [--view NAME]             first paint / first data
//   bench-gui --stall-mail SOURCE [--list NAME]    stall probe during a mail ingest into a temp store
//
// Prints one "figure: value" line per measurement.

#include "backends.h"
#include "main_window.h"
#include "sources_view.h"
#include "theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <cstdlib>

namespace {

QElapsedTimer g_sinceStart;

class FirstPaintProbe : public QObject
{
public:
    qint64 firstPaintMs = -1;
protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint && firstPaintMs < 0)
            firstPaintMs = g_sinceStart.elapsed();
        return QObject::eventFilter(watched, event);
    }
};

} // namespace

int main(int argc, char *argv[])
{
    g_sinceStart.start();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("KernelLensBench"));
    QApplication::setApplicationName(QStringLiteral("bench-gui"));
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption db(QStringLiteral("db"), QStringLiteral("Store for the first-paint figure."), QStringLiteral("DIR"));
    const QCommandLineOption view(QStringLiteral("view"), QStringLiteral("View to open (default dashboard)."),
                                  QStringLiteral("NAME"), QStringLiteral("dashboard"));
    const QCommandLineOption stallMail(QStringLiteral("stall-mail"), QStringLiteral("Mail source to ingest during the stall probe."),
                                       QStringLiteral("SOURCE"));
    const QCommandLineOption list(QStringLiteral("list"), QStringLiteral("List name for --stall-mail."), QStringLiteral("NAME"),
                                  QStringLiteral("linux-kbuild"));
    parser.addOptions({db, view, stallMail, list});
    parser.process(app);
    QTextStream out(stdout);
    kl::gui::applyPalette(app, false);

    if (parser.isSet(db)) {
        kl::gui::MainWindow window;
        FirstPaintProbe probe;
        window.installEventFilter(&probe);
        window.setStoreDirectory(parser.value(db));
        window.showView(parser.value(view));
        window.resize(1400, 900);
        window.show();
        kl::gui::View *current = window.currentView();
        if (current->isLoading()) {
            QEventLoop loop;
            QObject::connect(current, &kl::gui::View::ready, &loop, &QEventLoop::quit);
            QTimer::singleShot(120000, &loop, &QEventLoop::quit);
            loop.exec();
        }
        const qint64 dataMs = g_sinceStart.elapsed();
        // Let the first paint with data happen.
        QEventLoop settle;
        QTimer::singleShot(0, &settle, &QEventLoop::quit);
        settle.exec();
        out << "store: " << parser.value(db) << "\n";
        out << "view: " << parser.value(view) << "\n";
        out << "first_paint_ms: " << probe.firstPaintMs << "\n";
        out << "data_on_screen_ms: " << dataMs << "\n";
        out.flush();
    }

    if (parser.isSet(stallMail)) {
        if (!kl::gui::mailIngestAvailable()) {
            out << "stall_probe: skipped (mail ingest not in this build)\n";
            return 0;
        }
        QTemporaryDir tmp;
        kl::gui::MainWindow window;
        window.setStoreDirectory(tmp.filePath(QStringLiteral("store")));
        window.resize(1400, 900);
        window.show();
        kl::gui::IngestJob::Spec spec;
        spec.kind = kl::gui::IngestJob::Kind::Mail;
        spec.storeDir = tmp.filePath(QStringLiteral("store"));
        spec.listName = parser.value(list);
        spec.sources = {parser.value(stallMail)};
        QElapsedTimer clock;
        clock.start();
        qint64 last = 0, maxGap = 0, ticks = 0, over100 = 0, over50 = 0;
        QList<qint64> gaps;
        QStringList slow;
        QTimer probe;
        probe.setInterval(10);
        probe.setTimerType(Qt::PreciseTimer);
        QObject::connect(&probe, &QTimer::timeout, [&] {
            const qint64 now = clock.elapsed();
            const qint64 gap = now - last;
            last = now;
            ++ticks;
            gaps.append(gap);
            maxGap = std::max(maxGap, gap);
            if (gap > 100)
                ++over100;
            if (gap > 50) {
                ++over50;
                slow.append(QStringLiteral("%1ms@%2(%3)").arg(gap).arg(now).arg(window.currentView()->name()));
            }
        });
        // The user keeps browsing: switch views while the ingest runs, which makes every view
        // reload from the store being written.
        const QStringList views = kl::gui::MainWindow::viewNames();
        int next = 0;
        QTimer browse;
        browse.setInterval(700);
        QObject::connect(&browse, &QTimer::timeout, [&] { window.showView(views[next++ % views.size()]); });
        kl::gui::IngestJob *job = window.sourcesView()->enqueue(spec);
        QEventLoop loop;
        QObject::connect(job, &kl::gui::IngestJob::finished, &loop, &QEventLoop::quit);
        last = clock.elapsed();
        probe.start();
        browse.start();
        loop.exec();
        probe.stop();
        browse.stop();
        std::sort(gaps.begin(), gaps.end());
        const qint64 p99 = gaps.isEmpty() ? 0 : gaps[std::min<qsizetype>(gaps.size() - 1, gaps.size() * 99 / 100)];
        out << "stall_probe_source: " << parser.value(stallMail) << "\n";
        out << "ingest_result: " << job->resultText() << "\n";
        out << "ingest_wall_ms: " << clock.elapsed() << "\n";
        out << "probe_ticks: " << ticks << "\n";
        out << "max_gui_stall_ms: " << maxGap << "\n";
        out << "p99_tick_gap_ms: " << p99 << "\n";
        out << "gaps_over_50ms: " << over50 << "\n";
        out << "gaps_over_100ms: " << over100 << "\n";
        out << "slow_ticks: " << slow.join(QLatin1Char(' ')) << "\n";
        double load[3] = {0, 0, 0};
        if (getloadavg(load, 3) > 0)
            out << "load_average_1min: " << load[0] << "\n";
    }
    return 0;
}
