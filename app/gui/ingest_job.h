#pragma once
// One ingest run in the background. The worker thread opens its own ReadWrite store; progress
// reaches this object (which lives in the GUI thread) as queued calls; Cancel trips the job's
// own CancelToken. Destroying the job cancels it and waits for the worker.

#include <kernellens/index/job.h>

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QStringList>

class QThread;

namespace kl::gui {

class IngestJob : public QObject
{
    Q_OBJECT
public:
    enum class Kind { Git, Mail };
    enum class State { Queued, Running, Succeeded, Failed, Cancelled };

    struct Spec
    {
        Kind kind = Kind::Mail;
        QString storeDir;
        QString listName;      // mail
        QStringList sources;   // mail: paths or URLs; git: one path or URL
        QString branch;        // git
        QHash<QString, QString> gitSettings;   // git: per-source settings (source_settings.h names)
    };

    explicit IngestJob(Spec spec, QObject *parent = nullptr);
    ~IngestJob() override;

    const Spec &spec() const { return m_spec; }
    QString title() const;
    State state() const { return m_state; }
    const Progress &progress() const { return m_progress; }
    double ratePerSecond() const { return m_rate; }
    double etaSeconds() const;  // < 0 when unknown
    QString resultText() const { return m_resultText; }

    void start();
    void cancel();
    bool isFinished() const { return m_state != State::Queued && m_state != State::Running; }
    bool wait(int msecs);

Q_SIGNALS:
    void progressChanged();
    void finished();

private:
    void onProgress(const Progress &progress);
    void onDone(bool ok, bool cancelled, const QString &text);

    Spec m_spec;
    State m_state = State::Queued;
    CancelToken m_cancel;
    Progress m_progress;
    QElapsedTimer m_clock;
    qint64 m_rateDone = 0;
    qint64 m_rateAt = 0;
    double m_rate = 0;
    QString m_resultText;
    QThread *m_thread = nullptr;
};

} // namespace kl::gui
