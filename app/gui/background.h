#pragma once
// Runs work on the application's worker pool and hands its value to the GUI thread. The value is
// delivered through the application object and dropped when the receiver has gone, so a view
// closed mid-computation is never touched from a worker or after its destruction.

#include <QCoreApplication>
#include <QMetaObject>
#include <QPointer>
#include <QThreadPool>

#include <memory>
#include <utility>

namespace kl::gui {

// The application's own workers. Never QThreadPool::globalInstance(): Qt's raster engine and
// image code split large fills and conversions over the global pool and wait for those pieces
// on the GUI thread, so a global pool busy with a long query stalls every paint until the query
// ends (bench/gui measured 2.1 s on the Dashboard of a 1M-message store).
inline QThreadPool *workerPool()
{
    static QPointer<QThreadPool> pool;
    if (!pool) {
        pool = new QThreadPool(QCoreApplication::instance());   // waits for its tasks on exit
        pool->setObjectName(QStringLiteral("kernellens-workers"));
    }
    return pool;
}

template<typename Work, typename Done>
void runInBackground(QObject *receiver, Work work, Done done)
{
    QPointer<QObject> guard(receiver);
    workerPool()->start(
        [guard, work = std::move(work), done = std::move(done)]() mutable {
            auto result = std::make_shared<decltype(work())>(work());
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [guard, done = std::move(done), result]() mutable {
                    if (guard)
                        done(std::move(*result));
                },
                Qt::QueuedConnection);
        });
}

} // namespace kl::gui
