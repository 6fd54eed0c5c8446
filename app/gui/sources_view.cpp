#include "sources_view.h"

#include "git_source_dialog.h"

#include "background.h"
#include "backends.h"
#include "table_panel.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QStyle>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace kl::gui {

static QString formatDuration(double seconds)
{
    if (seconds < 0)
        return QStringLiteral("–");
    const qint64 s = qint64(seconds + 0.5);
    if (s < 60)
        return QObject::tr("%1 s").arg(s);
    if (s < 3600)
        return QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60);
    return QObject::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

// One job on screen: title, phase, bar, figures, Cancel.
class JobRow : public QFrame
{
public:
    JobRow(IngestJob *job, QWidget *parent) : QFrame(parent), m_job(job)
    {
        setFrameShape(QFrame::StyledPanel);
        setObjectName(QStringLiteral("jobRow"));
        setProperty("job", QVariant::fromValue<QObject *>(job));
        auto *layout = new QVBoxLayout(this);
        auto *top = new QHBoxLayout;
        m_title = new QLabel(job->title(), this);
        m_title->setTextFormat(Qt::PlainText);
        QFont bold = m_title->font();
        bold.setBold(true);
        m_title->setFont(bold);
        m_title->setWordWrap(true);
        m_cancel = new QPushButton(tr("Cancel"), this);
        m_cancel->setObjectName(QStringLiteral("cancelJob"));
        m_dismiss = new QToolButton(this);
        m_dismiss->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
        m_dismiss->setAutoRaise(true);
        m_dismiss->setToolTip(tr("Dismiss"));
        m_dismiss->hide();
        top->addWidget(m_title, 1);
        top->addWidget(m_cancel);
        top->addWidget(m_dismiss);
        layout->addLayout(top);
        m_bar = new QProgressBar(this);
        m_bar->setTextVisible(true);
        layout->addWidget(m_bar);
        m_detail = new QLabel(this);
        m_detail->setTextFormat(Qt::PlainText);
        m_detail->setWordWrap(true);
        m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
        layout->addWidget(m_detail);
        connect(m_cancel, &QPushButton::clicked, job, &IngestJob::cancel);
        connect(m_dismiss, &QToolButton::clicked, this, &QObject::deleteLater);
        connect(job, &IngestJob::progressChanged, this, [this] { update(); });
        connect(job, &IngestJob::finished, this, [this] { update(); });
        update();
    }

private:
    void update()
    {
        const Progress &p = m_job->progress();
        const QLocale locale;
        switch (m_job->state()) {
        case IngestJob::State::Queued:
            m_bar->setRange(0, 0);
            m_bar->setFormat(tr("waiting"));
            m_detail->setText(tr("Waiting for the running ingest to finish (the store has one writer)."));
            return;
        case IngestJob::State::Running: {
            if (p.total > 0) {
                // QProgressBar is int-based: scale to per-mille.
                m_bar->setRange(0, 1000);
                m_bar->setValue(int(std::min<qint64>(1000, p.done * 1000 / p.total)));
                m_bar->setFormat(QStringLiteral("%1 — %p%").arg(p.phase.isEmpty() ? tr("working") : p.phase));
            } else {
                m_bar->setRange(0, 0);
                m_bar->setFormat(p.phase);
            }
            QString text = p.phase.isEmpty() ? tr("Starting…") : p.phase;
            if (p.done > 0 || p.total > 0) {
                text += QStringLiteral(" · ") + locale.toString(p.done);
                if (p.total > 0)
                    text += QStringLiteral(" / ") + locale.toString(p.total);
                if (!p.unit.isEmpty())
                    text += QLatin1Char(' ') + p.unit;
            }
            if (m_job->ratePerSecond() > 0)
                text += tr(" · %1 %2/s").arg(locale.toString(m_job->ratePerSecond(), 'f', 0),
                                             p.unit.isEmpty() ? tr("items") : p.unit);
            if (m_job->etaSeconds() >= 0)
                text += tr(" · ETA %1").arg(formatDuration(m_job->etaSeconds()));
            m_detail->setText(text);
            return;
        }
        case IngestJob::State::Succeeded:
        case IngestJob::State::Failed:
        case IngestJob::State::Cancelled:
            break;
        }
        m_cancel->hide();
        m_dismiss->show();
        m_bar->setRange(0, 1);
        m_bar->setValue(m_job->state() == IngestJob::State::Succeeded ? 1 : 0);
        const QString label = m_job->state() == IngestJob::State::Succeeded ? tr("Done")
                              : m_job->state() == IngestJob::State::Cancelled ? tr("Cancelled")
                                                                               : tr("Failed");
        m_bar->setFormat(label);
        m_detail->setText(m_job->resultText());
        if (m_job->state() == IngestJob::State::Failed) {
            QPalette pal = m_detail->palette();
            pal.setColor(QPalette::WindowText, QColor(0xd0, 0x3a, 0x3a));
            m_detail->setPalette(pal);
        }
    }

    IngestJob *m_job;
    QLabel *m_title = nullptr;
    QLabel *m_detail = nullptr;
    QProgressBar *m_bar = nullptr;
    QPushButton *m_cancel = nullptr;
    QToolButton *m_dismiss = nullptr;
};

SourcesView::SourcesView(QWidget *parent) : View(QStringLiteral("sources"), tr("Sources"), parent)
{
    auto *content = new QWidget(this);
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(12, 8, 12, 8);
    auto *header = new QHBoxLayout;
    auto *heading = new QLabel(tr("Sources"), content);
    QFont font = heading->font();
    font.setPointSizeF(font.pointSizeF() * 1.4);
    font.setBold(true);
    heading->setFont(font);
    header->addWidget(heading);
    m_storeLabel = new QLabel(content);
    m_storeLabel->setTextFormat(Qt::PlainText);
    m_storeLabel->setForegroundRole(QPalette::PlaceholderText);
    header->addWidget(m_storeLabel, 1);
    auto *addGit = new QPushButton(tr("Add &Git Repository…"), content);
    auto *addMail = new QPushButton(tr("Add &Mail Archive…"), content);
    addGit->setEnabled(gitIngestAvailable());
    addMail->setEnabled(mailIngestAvailable());
    if (!gitIngestAvailable())
        addGit->setToolTip(tr("Git ingest is not part of this build yet"));
    if (!mailIngestAvailable())
        addMail->setToolTip(tr("Mail ingest is not part of this build yet"));
    header->addWidget(addGit);
    header->addWidget(addMail);
    layout->addLayout(header);
    connect(addGit, &QPushButton::clicked, this, &SourcesView::addGitRepository);
    connect(addMail, &QPushButton::clicked, this, &SourcesView::addMailArchive);

    auto *jobsTitle = new QLabel(tr("Ingest runs"), content);
    jobsTitle->setFont([&] { QFont f = jobsTitle->font(); f.setBold(true); return f; }());
    layout->addWidget(jobsTitle);
    auto *jobs = new QWidget(content);
    m_jobsLayout = new QVBoxLayout(jobs);
    m_jobsLayout->setContentsMargins(0, 0, 0, 0);
    m_noJobs = new QLabel(tr("No ingest running. Add a git repository (path or URL) or a list archive "
                             "(public-inbox directory, epoch, mbox, Maildir or lore URL); the rest of the "
                             "application stays usable while it runs."), jobs);
    m_noJobs->setWordWrap(true);
    m_noJobs->setForegroundRole(QPalette::PlaceholderText);
    m_jobsLayout->addWidget(m_noJobs);
    auto *scroll = new QScrollArea(content);
    scroll->setWidget(jobs);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMaximumHeight(260);
    scroll->setMinimumHeight(90);
    layout->addWidget(scroll);

    auto *sourcesTitle = new QLabel(tr("In the store"), content);
    sourcesTitle->setFont(jobsTitle->font());
    layout->addWidget(sourcesTitle);
    m_sourcesTable = new TablePanel(content);
    layout->addWidget(m_sourcesTable, 1);
    setContent(content);
    showContent();
}

SourcesView::~SourcesView()
{
    // Cancelling emits finished; nothing may react to it while the window is being torn down.
    blockSignals(true);
    for (const auto &job : m_jobs)
        if (job)
            job->disconnect(this);
    cancelAll();
}

QList<IngestJob *> SourcesView::jobs() const
{
    QList<IngestJob *> out;
    for (const auto &job : m_jobs)
        if (job)
            out.append(job);
    return out;
}

bool SourcesView::hasRunningJob() const
{
    for (const auto &job : m_jobs)
        if (job && job->state() == IngestJob::State::Running)
            return true;
    return false;
}

void SourcesView::cancelAll()
{
    for (const auto &job : m_jobs)
        if (job)
            job->cancel();
}

IngestJob *SourcesView::enqueue(const IngestJob::Spec &spec)
{
    auto *job = new IngestJob(spec, this);
    m_jobs.append(job);
    auto *row = new JobRow(job, m_jobsLayout->parentWidget());
    m_jobsLayout->insertWidget(0, row);
    m_noJobs->hide();
    connect(job, &IngestJob::finished, this, [this] {
        Q_EMIT storeContentChanged();
        startNext();
    });
    startNext();
    return job;
}

void SourcesView::startNext()
{
    if (hasRunningJob())
        return;
    for (const auto &job : m_jobs)
        if (job && job->state() == IngestJob::State::Queued) {
            job->start();
            Q_EMIT statusMessage(tr("Ingest started: %1").arg(job->title()));
            return;
        }
}

void SourcesView::addGitRepository()
{
    GitSourceDialog dialog(GitSourceDialog::storedGitSettings(context().storeDir), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const GitSourceRequest request = dialog.request();
    if (request.source.isEmpty())
        return;
    IngestJob::Spec spec;
    spec.kind = IngestJob::Kind::Git;
    spec.storeDir = context().storeDir;
    spec.sources = {request.source};
    spec.branch = request.branch;
    spec.gitSettings = request.settings;
    enqueue(spec);
}

void SourcesView::addMailArchive()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Add Mail Archive"));
    auto *form = new QFormLayout(&dialog);
    auto *list = new QLineEdit(&dialog);
    list->setPlaceholderText(tr("e.g. linux-kbuild"));
    auto *source = new QLineEdit(&dialog);
    source->setPlaceholderText(tr("inbox directory, epoch, mbox, Maildir or lore URL"));
    auto *browseDir = new QPushButton(tr("Directory…"), &dialog);
    auto *browseFile = new QPushButton(tr("File…"), &dialog);
    auto *row = new QHBoxLayout;
    row->addWidget(source, 1);
    row->addWidget(browseDir);
    row->addWidget(browseFile);
    form->addRow(tr("List name"), list);
    form->addRow(tr("Archive"), row);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Ingest"));
    form->addRow(buttons);
    connect(browseDir, &QPushButton::clicked, &dialog, [&] {
        const QString dir = QFileDialog::getExistingDirectory(&dialog, tr("Inbox, epoch or Maildir"));
        if (!dir.isEmpty())
            source->setText(dir);
    });
    connect(browseFile, &QPushButton::clicked, &dialog, [&] {
        const QString file = QFileDialog::getOpenFileName(&dialog, tr("mbox file"));
        if (!file.isEmpty())
            source->setText(file);
    });
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted)
        return;
    if (list->text().trimmed().isEmpty() || source->text().trimmed().isEmpty()) {
        QMessageBox::warning(this, tr("Add Mail Archive"), tr("Both a list name and an archive are needed."));
        return;
    }
    IngestJob::Spec spec;
    spec.kind = IngestJob::Kind::Mail;
    spec.storeDir = context().storeDir;
    spec.listName = list->text().trimmed();
    spec.sources = {source->text().trimmed()};
    enqueue(spec);
}

void SourcesView::load()
{
    m_storeLabel->setText(tr("Store: %1").arg(context().storeDir));
    const quint64 generation = nextGeneration();
    const QString dir = context().storeDir;
    runInBackground(this, [dir] { return loadStoreOverview(dir); }, [this, generation](Result<StoreOverview> overview) {
        if (generation != this->generation())
            return;
        if (!overview) {
            report::Table table;
            m_sourcesTable->setTable(table);
            Q_EMIT statusMessage(tr("Cannot read the store: %1").arg(overview.errorMessage()));
        } else {
            present(*overview);
        }
        finishLoading();
    });
}

void SourcesView::present(const StoreOverview &overview)
{
    using report::Column;
    report::Table table;
    table.id = QStringLiteral("sources");
    table.title = tr("Sources");
    table.columns = {{QStringLiteral("kind"), tr("Kind"), Column::Kind::Text},
                     {QStringLiteral("label"), tr("List"), Column::Kind::Text},
                     {QStringLiteral("location"), tr("Location"), Column::Kind::Text},
                     {QStringLiteral("added"), tr("Added"), Column::Kind::DateTime},
                     {QStringLiteral("last_run"), tr("Last run"), Column::Kind::DateTime},
                     {QStringLiteral("warnings"), tr("Warnings"), Column::Kind::Integer},
                     {QStringLiteral("watermarks"), tr("Ingested up to"), Column::Kind::Text}};
    for (const SourceInfo &s : overview.sources) {
        QStringList marks;
        for (auto it = s.watermarks.cbegin(); it != s.watermarks.cend(); ++it)
            marks.append(it.key() + QLatin1Char('=') + it.value().left(16));
        table.rows.append({s.kind, s.label, s.location, s.addedAt, s.lastRunAt.isValid() ? QVariant(s.lastRunAt) : QVariant(),
                           s.warnings, marks.join(QStringLiteral(", "))});
    }
    if (!overview.exists)
        table.note = tr("The store %1 is empty: nothing has been ingested yet.").arg(overview.directory);
    else if (overview.sources.isEmpty())
        table.note = tr("No sources yet.");
    m_sourcesTable->setTable(table);
}

} // namespace kl::gui
