#pragma once
// The GUI-thread stall probe: a 10 ms precise timer on the GUI thread; the gap between two of its
// ticks is how long the event loop could not run. Reset it before each phase you measure.

#include <QElapsedTimer>
#include <QList>
#include <QStringList>
#include <QTimer>

#include <algorithm>
#include <functional>

namespace kl::bench {

class StallProbe
{
public:
    // `where` names what was on screen when a slow tick happened ("adoption").
    explicit StallProbe(std::function<QString()> where = {}) : m_where(std::move(where))
    {
        m_timer.setInterval(10);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, [this] { tick(); });
        m_clock.start();
    }
    void start() { reset(); m_timer.start(); }
    void stop() { m_timer.stop(); }
    void reset()
    {
        m_last = m_clock.elapsed();
        m_gaps.clear();
        m_slow.clear();
    }

    qint64 maxGap() const { return m_gaps.isEmpty() ? 0 : *std::max_element(m_gaps.begin(), m_gaps.end()); }
    qint64 ticks() const { return m_gaps.size(); }
    qint64 gapsOver(qint64 ms) const { return std::count_if(m_gaps.begin(), m_gaps.end(), [ms](qint64 g) { return g > ms; }); }
    qint64 percentile(int p) const
    {
        if (m_gaps.isEmpty())
            return 0;
        QList<qint64> sorted = m_gaps;
        std::sort(sorted.begin(), sorted.end());
        return sorted[std::min<qsizetype>(sorted.size() - 1, sorted.size() * p / 100)];
    }
    const QStringList &slowTicks() const { return m_slow; }   // "120ms@5300(adoption)", over 50 ms

private:
    void tick()
    {
        const qint64 now = m_clock.elapsed();
        const qint64 gap = now - m_last;
        m_last = now;
        m_gaps.append(gap);
        if (gap > 50)
            m_slow.append(QStringLiteral("%1ms@%2(%3)").arg(gap).arg(now).arg(m_where ? m_where() : QString()));
    }

    std::function<QString()> m_where;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    QList<qint64> m_gaps;
    QStringList m_slow;
};

} // namespace kl::bench
