#include "screenshot.h"

#include "analysis_view.h"
#include "main_window.h"
#include "message_reader.h"

#include <QEventLoop>
#include <QPixmap>
#include <QSet>
#include <QTimer>

namespace kl::gui {

static bool waitFor(QObject *sender, const char *signal, int timeoutMs)
{
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, [&loop] { loop.exit(1); });
    QObject::connect(sender, signal, &loop, SLOT(quit()));
    timer.start(timeoutMs);
    return loop.exec() == 0;
}

Result<QImage> captureView(MainWindow &window, const QString &viewName, QSize size, int timeoutMs)
{
    window.resize(size);
    if (!window.isVisible())
        window.show();
    if (!window.showView(viewName))
        return Status::error(QStringLiteral("no view named '%1' (views: %2)")
                                 .arg(viewName, MainWindow::viewNames().join(QStringLiteral(", "))));
    View *view = window.currentView();
    if (view->isStale())
        view->reload();
    if (view->isLoading() && !waitFor(view, SIGNAL(ready()), timeoutMs))
        return Status::error(QStringLiteral("view '%1' did not finish loading within %2 s").arg(viewName).arg(timeoutMs / 1000));
    // A selected thread or message loads after the list; give it its own worker round trip.
    if (auto *reader = view->findChild<MessageReader *>(); reader && reader->isVisible())
        waitFor(reader, SIGNAL(loaded()), 5000);
    if (auto *analysis = qobject_cast<AnalysisView *>(view); analysis && analysis->isDrillDownPending())
        waitFor(analysis, SIGNAL(drillDownLoaded()), 5000);
    // Let layouts and the chart scene settle before grabbing. One event-loop turn was not enough:
    // a chart relabelled for its final width (liburing, All tags: 16 → 11 labels) redraws its
    // axis only after Qt Charts' deferred layout, and the grab showed the stale, colliding labels.
    QEventLoop settle;
    QTimer::singleShot(300, &settle, &QEventLoop::quit);
    settle.exec();
    return window.grab().toImage();
}

bool isBlank(const QImage &image)
{
    if (image.isNull())
        return true;
    const QRgb first = image.pixel(0, 0);
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if (image.pixel(x, y) != first)
                return false;
    return true;
}

int distinctColours(const QImage &image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    return int(colours.size());
}

} // namespace kl::gui
