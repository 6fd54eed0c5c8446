#pragma once
// Sources: what the store holds, and ingest runs in the background (one at a time, since the
// store has one writer), each with phase, done/total, rate, ETA and Cancel.

#include "ingest_job.h"
#include "store_overview.h"
#include "view.h"

#include <QList>
#include <QPointer>

class QVBoxLayout;
class QLabel;

namespace kl::gui {

class JobRow;

class SourcesView : public View
{
    Q_OBJECT
public:
    explicit SourcesView(QWidget *parent = nullptr);
    ~SourcesView() override;

    IngestJob *enqueue(const IngestJob::Spec &spec);
    QList<IngestJob *> jobs() const;
    bool hasRunningJob() const;
    void cancelAll();
    TablePanel *currentTablePanel() const override { return m_sourcesTable; }

public Q_SLOTS:
    void addGitRepository();
    void addMailArchive();

Q_SIGNALS:
    void storeContentChanged();

protected:
    void load() override;

private:
    void startNext();
    void present(const StoreOverview &overview);

    QVBoxLayout *m_jobsLayout = nullptr;
    QLabel *m_noJobs = nullptr;
    QLabel *m_storeLabel = nullptr;
    TablePanel *m_sourcesTable = nullptr;
    QList<QPointer<IngestJob>> m_jobs;
};

} // namespace kl::gui
