#include "ingest_job.h"

#include "backends.h"

#include <QFileInfo>
#include <QMetaObject>
#include <QThread>

namespace kl::gui {

IngestJob::IngestJob(Spec spec, QObject *parent) : QObject(parent), m_spec(std::move(spec)) {}

IngestJob::~IngestJob()
{
    m_cancel.cancel();
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
    }
}

QString IngestJob::title() const
{
    const QString what = m_spec.sources.join(QStringLiteral(", "));
    if (m_spec.kind == Kind::Git)
        return tr("Git history: %1").arg(what);
    return tr("Mail (%1): %2").arg(m_spec.listName, what);
}

double IngestJob::etaSeconds() const
{
    if (m_rate <= 0 || m_progress.total <= 0 || m_progress.done >= m_progress.total)
        return -1;
    return double(m_progress.total - m_progress.done) / m_rate;
}

void IngestJob::start()
{
    if (m_thread)
        return;
    m_state = State::Running;
    m_clock.start();
    const Spec spec = m_spec;
    const CancelToken cancel = m_cancel;
    m_thread = QThread::create([this, spec, cancel] {
        ProgressReporter reporter([this](const Progress &p) {
            QMetaObject::invokeMethod(this, [this, p] { onProgress(p); }, Qt::QueuedConnection);
        });
        JobContext ctx;
        ctx.cancel = cancel;
        ctx.progress = &reporter;
        Result<QString> result = Status::error(QStringLiteral("not run"));
        auto store = Store::open(spec.storeDir, Store::Mode::ReadWrite);
        if (!store) {
            result = store.status().withContext(spec.storeDir);
        } else if (spec.kind == Kind::Git) {
            result = runGitIngest(*store, spec.sources.value(0), spec.branch, spec.gitSettings, ctx);
        } else {
            result = runMailIngest(*store, spec.listName, spec.sources, ctx);
        }
        const bool ok = result.isOk();
        const bool cancelled = !ok && (result.status().isCancelled() || cancel.isCancelled());
        const QString text = ok ? result.value() : result.errorMessage();
        QMetaObject::invokeMethod(this, [this, ok, cancelled, text] { onDone(ok, cancelled, text); },
                                  Qt::QueuedConnection);
    });
    m_thread->setObjectName(QStringLiteral("ingest"));
    m_thread->start(QThread::LowPriority);
    Q_EMIT progressChanged();
}

void IngestJob::cancel()
{
    m_cancel.cancel();
    if (m_state == State::Queued) {
        m_state = State::Cancelled;
        m_resultText = tr("Cancelled before it started");
        Q_EMIT finished();
    }
}

bool IngestJob::wait(int msecs)
{
    return !m_thread || m_thread->wait(QDeadlineTimer(msecs));
}

void IngestJob::onProgress(const Progress &progress)
{
    if (isFinished())
        return;
    if (progress.phase != m_progress.phase) {
        m_rateDone = progress.done;
        m_rateAt = m_clock.elapsed();
        m_rate = 0;
    }
    m_progress = progress;
    const qint64 now = m_clock.elapsed();
    // A rate over the last second or more, smoothed so the ETA does not jump.
    if (now - m_rateAt >= 1000) {
        const double instant = double(progress.done - m_rateDone) * 1000.0 / double(now - m_rateAt);
        m_rate = m_rate <= 0 ? instant : 0.7 * m_rate + 0.3 * instant;
        m_rateDone = progress.done;
        m_rateAt = now;
    }
    Q_EMIT progressChanged();
}

void IngestJob::onDone(bool ok, bool cancelled, const QString &text)
{
    m_state = ok ? State::Succeeded : cancelled ? State::Cancelled : State::Failed;
    m_resultText = cancelled ? tr("Cancelled; what was committed stays, a rerun resumes") : text;
    Q_EMIT progressChanged();
    Q_EMIT finished();
}

} // namespace kl::gui
