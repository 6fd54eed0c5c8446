#include "view_bench.h"

#include "stall_probe.h"

#include "main_window.h"
#include "view.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <cstdlib>
#include <sys/resource.h>

namespace kl::bench {

namespace {

void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

struct ViewTiming
{
    qint64 readyMs = -1;     // -1: not ready within the timeout
    qint64 maxStallMs = 0;
    double guiCpuMs = 0;     // CPU the GUI thread itself used: a stall far above it was spent
                             // waiting (for a lock, or for a CPU on a loaded machine)
    QStringList slow;
};

double guiThreadCpuMs()   // called on the GUI thread
{
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0
           + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
}

// Shows the view and waits for its data on screen, then lets the paints that follow settle.
ViewTiming openView(gui::MainWindow &window, const QString &name, StallProbe &probe)
{
    gui::View *view = window.view(name);
    ViewTiming timing;
    QElapsedTimer clock;
    QEventLoop loop;
    bool ready = false;
    const auto connection = QObject::connect(view, &gui::View::ready, &loop, [&] { ready = true; loop.quit(); });
    const double cpuBefore = guiThreadCpuMs();
    probe.start();
    clock.start();
    window.showView(name);
    if (!view->isLoading())
        ready = true;
    if (!ready) {
        QTimer::singleShot(300000, &loop, &QEventLoop::quit);
        loop.exec();
    }
    QObject::disconnect(connection);
    if (ready)
        timing.readyMs = clock.elapsed();
    spin(300);
    probe.stop();
    timing.guiCpuMs = guiThreadCpuMs() - cpuBefore;
    timing.maxStallMs = probe.maxGap();
    timing.slow = probe.slowTicks();
    return timing;
}

} // namespace

bool runViewBench(const QString &storeDir, QTextStream &out)
{
    QString current;
    StallProbe probe([&current] { return current; });

    // Floor 1: an idle event loop with the window on screen.
    QTemporaryDir tmp;
    {
        gui::MainWindow window;
        window.setStoreDirectory(tmp.filePath(QStringLiteral("empty")));
        window.resize(1400, 900);
        window.show();
        spin(500);
        probe.start();
        spin(2000);
        probe.stop();
        out << "floor_idle_max_tick_gap_ms: " << probe.maxGap() << "\n";
        out << "floor_idle_p99_tick_gap_ms: " << probe.percentile(99) << "\n";
        // Floor 2: every view on an empty store (all the work but the data).
        qint64 worst = 0;
        for (const QString &name : gui::MainWindow::viewNames()) {
            current = name;
            worst = std::max(worst, openView(window, name, probe).maxStallMs);
        }
        out << "floor_empty_store_max_stall_ms: " << worst << "\n";
        out.flush();
    }

    gui::MainWindow window;
    window.resize(1400, 900);
    bool allReady = true;
    qint64 worst = 0;
    QString worstView;
    // The dashboard first: it is what the window opens on.
    QStringList names = gui::MainWindow::viewNames();
    window.setStoreDirectory(storeDir);
    window.show();
    for (const QString &name : names) {
        current = name;
        const ViewTiming t = openView(window, name, probe);
        out << "view_" << name << "_ready_ms: " << t.readyMs << "\n";
        out << "view_" << name << "_max_stall_ms: " << t.maxStallMs << "\n";
        out << "view_" << name << "_gui_thread_cpu_ms: " << QString::number(t.guiCpuMs, 'f', 0) << "\n";
        if (!t.slow.isEmpty())
            out << "view_" << name << "_slow_ticks: " << t.slow.join(QLatin1Char(' ')) << "\n";
        out.flush();
        allReady = allReady && t.readyMs >= 0;
        if (t.maxStallMs > worst) {
            worst = t.maxStallMs;
            worstView = name;
        }
    }
    out << "max_gui_stall_ms: " << worst << " (" << worstView << ")\n";
    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) > 0)   // the machine is shared: stalls include waiting for a CPU
        out << "load_average_1min: " << load[0] << "\n";
    return allReady;
}

} // namespace kl::bench
