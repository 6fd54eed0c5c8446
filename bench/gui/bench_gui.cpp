// GUI benchmarks: first paint and data-on-screen time of the main window on a store, and the
// longest GUI-thread stall while an ingest runs in the background (a 10 ms timer probe).
//
//   bench-gui --db STORE [--view NAME]             first paint / first data
//   bench-gui --stall-mail SOURCE [--list NAME]    stall probe during a mail ingest into a temp store
//   bench-gui --make-store DIR [--messages N] [--features N] [--commits N]
//                                                  the synthetic long-history store (README.md)
//   bench-gui --views STORE                        stall probe while opening every view, after a floor
//   bench-gui --charts N                           chart create+render and range change at N categories
//   bench-gui --cards STORE                        time to compute each Dashboard card (worker-side cost)
//
// Prints one "figure: value" line per measurement.

#include "chart_bench.h"
#include "stall_probe.h"
#include "synthetic_store.h"
#include "view_bench.h"

#include <kernellens/index/store.h>
#include <kernellens/models/dashboard.h>

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
    const QCommandLineOption makeStore(QStringLiteral("make-store"), QStringLiteral("Build the synthetic store in DIR."),
                                       QStringLiteral("DIR"));
    const QCommandLineOption messages(QStringLiteral("messages"), QStringLiteral("Messages in the synthetic store."),
                                      QStringLiteral("N"), QStringLiteral("1000000"));
    const QCommandLineOption features(QStringLiteral("features"), QStringLiteral("Feature releases (x6 tags)."),
                                      QStringLiteral("N"), QStringLiteral("110"));
    const QCommandLineOption commits(QStringLiteral("commits"), QStringLiteral("Commits in the synthetic store."),
                                     QStringLiteral("N"), QStringLiteral("200000"));
    const QCommandLineOption viewsOption(QStringLiteral("views"), QStringLiteral("Open every view on STORE with the stall probe."),
                                   QStringLiteral("STORE"));
    const QCommandLineOption charts(QStringLiteral("charts"), QStringLiteral("Chart redraw figures at N categories."),
                                    QStringLiteral("N"));
    const QCommandLineOption cards(QStringLiteral("cards"), QStringLiteral("Time each Dashboard card on STORE."),
                                   QStringLiteral("STORE"));
    parser.addOptions({db, view, stallMail, list, makeStore, messages, features, commits, viewsOption, charts, cards});
    parser.process(app);
    QTextStream out(stdout);
    kl::gui::applyPalette(app, false);

    if (parser.isSet(makeStore)) {
        kl::bench::SyntheticSpec spec;
        spec.messages = parser.value(messages).toLongLong();
        spec.featureReleases = parser.value(features).toInt();
        spec.commits = parser.value(commits).toInt();
        auto built = kl::bench::buildSyntheticStore(parser.value(makeStore), spec);
        if (!built) {
            QTextStream(stderr) << "bench-gui: " << built.errorMessage() << "\n";
            return 1;
        }
        out << "synthetic_store: " << parser.value(makeStore) << "\n";
        out << "synthetic_releases: " << built->releases << "\n";
        out << "synthetic_commits: " << built->commits << "\n";
        out << "synthetic_messages: " << built->messages << "\n";
        out << "synthetic_threads: " << built->threads << "\n";
        out << "synthetic_patches: " << built->patches << "\n";
        out << "synthetic_build_s: " << QString::number(built->seconds, 'f', 1) << "\n";
        out.flush();
    }

    if (parser.isSet(viewsOption) && !kl::bench::runViewBench(parser.value(viewsOption), out))
        QTextStream(stderr) << "bench-gui: a view did not become ready within 300 s\n";

    if (parser.isSet(cards)) {
        auto store = kl::Store::open(parser.value(cards), kl::Store::Mode::ReadOnly);
        if (!store) {
            QTextStream(stderr) << "bench-gui: " << store.errorMessage() << "\n";
            return 1;
        }
        for (const QString &key : kl::models::dashboardCardKeys()) {
            QElapsedTimer clock;
            clock.start();
            auto card = kl::models::dashboardCard(*store, key, {});
            out << "card_" << key << "_ms: " << clock.elapsed()
                << (card ? QString() : QStringLiteral(" (error: %1)").arg(card.errorMessage())) << "\n";
            out.flush();
        }
    }

    if (parser.isSet(charts))
        kl::bench::runChartBench(parser.value(charts).toInt(), out);

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
        kl::bench::StallProbe probe([&window] { return window.currentView()->name(); });
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
        probe.start();
        browse.start();
        loop.exec();
        probe.stop();
        browse.stop();
        out << "stall_probe_source: " << parser.value(stallMail) << "\n";
        out << "ingest_result: " << job->resultText() << "\n";
        out << "ingest_wall_ms: " << clock.elapsed() << "\n";
        out << "probe_ticks: " << probe.ticks() << "\n";
        out << "max_gui_stall_ms: " << probe.maxGap() << "\n";
        out << "p99_tick_gap_ms: " << probe.percentile(99) << "\n";
        out << "gaps_over_50ms: " << probe.gapsOver(50) << "\n";
        out << "gaps_over_100ms: " << probe.gapsOver(100) << "\n";
        out << "slow_ticks: " << probe.slowTicks().join(QLatin1Char(' ')) << "\n";
        double load[3] = {0, 0, 0};
        if (getloadavg(load, 3) > 0)
            out << "load_average_1min: " << load[0] << "\n";
    }
    return 0;
}
