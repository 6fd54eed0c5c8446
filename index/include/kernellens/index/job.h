#pragma once
// The contract for long work: a per-job cancel token the worker checks, and throttled
// phase/done/total progress. Both are plain values so they cross threads without Qt's help.

#include <QElapsedTimer>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace kl {

class CancelToken
{
public:
    CancelToken() : m_flag(std::make_shared<std::atomic_bool>(false)) {}
    void cancel() const { m_flag->store(true, std::memory_order_relaxed); }
    bool isCancelled() const { return m_flag->load(std::memory_order_relaxed); }

private:
    std::shared_ptr<std::atomic_bool> m_flag;
};

struct Progress
{
    QString phase;      // "reading epoch 0", "indexing", ...
    qint64 done = 0;
    qint64 total = -1;  // -1 when unknown
    QString unit;       // "messages", "commits", "bytes"
};

using ProgressSink = std::function<void(const Progress &)>;

// Drops updates that come faster than the interval so a hot loop can report every item.
class ProgressReporter
{
public:
    explicit ProgressReporter(ProgressSink sink = {}, int minIntervalMs = 100)
        : m_sink(std::move(sink)), m_minIntervalMs(minIntervalMs)
    {
        m_timer.start();
    }

    void report(const QString &phase, qint64 done, qint64 total, const QString &unit = {},
                bool force = false)
    {
        if (!m_sink)
            return;
        const bool phaseChanged = phase != m_lastPhase;
        if (!force && !phaseChanged && m_timer.elapsed() < m_minIntervalMs)
            return;
        m_timer.restart();
        m_lastPhase = phase;
        m_sink(Progress{phase, done, total, unit});
    }

private:
    ProgressSink m_sink;
    int m_minIntervalMs;
    QElapsedTimer m_timer;
    QString m_lastPhase;
};

struct JobContext
{
    CancelToken cancel;
    ProgressReporter *progress = nullptr;

    void report(const QString &phase, qint64 done, qint64 total, const QString &unit = {},
                bool force = false) const
    {
        if (progress)
            progress->report(phase, done, total, unit, force);
    }
};

} // namespace kl
