#pragma once
// Review: patch sets through their versions to the commits that merged them.
//
// The "Patch sets" tab is a series browser (models' series table, newest first, filtered by
// outcome and author here and by date, list, subsystem and language through kl::models::Filter),
// the timeline of the selected patch set (ReviewTimeline) and the thread reader for the selected
// version. "Outcomes & latency" and "Newcomers by mail" draw the review and mail-onboarding
// report sections through the shared ChartPanel and TablePanel. Everything loads on workers.

#include "backends.h"
#include "view.h"

#include <kernellens/index/job.h>
#include <kernellens/models/report.h>

class QComboBox;
class QLabel;
class QLineEdit;
class QStackedWidget;
class QStyledItemDelegate;
class QStringListModel;
class QTabWidget;
class QTimer;

namespace kl::gui {

class MessageReader;
class ReviewTimeline;

// The series rows whose outcome is `outcome` (empty: any) and whose author contains `author`
// (case-insensitive; empty: any). Columns, id and title are kept.
report::Table filterSeriesTable(const report::Table &table, const QString &outcome, const QString &author);

// A report section on screen: one-line method note, its charts (with a toggle) and its tables.
class SectionPanel : public QWidget
{
    Q_OBJECT
public:
    explicit SectionPanel(QWidget *parent = nullptr);
    void setSection(const report::Section &section);
    void setMessage(const QString &text);   // loading, error or "nothing yet"
    const report::Section &section() const { return m_section; }
    ChartPanel *chartPanel() const;          // null when no chart is on screen
    TablePanel *currentTablePanel() const;
    void refreshTheme();

private:
    report::Section m_section;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_method = nullptr;
    ChartPanel *m_chart = nullptr;
    QTabWidget *m_tables = nullptr;
};

class ReviewView : public View
{
    Q_OBJECT
public:
    explicit ReviewView(QWidget *parent = nullptr);
    ~ReviewView() override;

    ChartPanel *currentChartPanel() const override;
    TablePanel *currentTablePanel() const override;
    void refreshTheme() override;

    TablePanel *seriesPanel() const { return m_series; }
    ReviewTimeline *timeline() const { return m_timeline; }
    MessageReader *reader() const { return m_reader; }
    QTabWidget *tabs() const { return m_tabs; }
    QComboBox *outcomeFilter() const { return m_outcome; }
    QComboBox *languageFilter() const { return m_language; }
    QLineEdit *authorFilter() const { return m_author; }
    SectionPanel *outcomesPanel() const { return m_outcomes; }
    SectionPanel *onboardingPanel() const { return m_onboarding; }
    const report::Table &allSeries() const { return m_allSeries; }
    // Selects a patch set in the browser (its timeline loads); false when it is filtered out.
    bool selectSeries(qint64 seriesId);

Q_SIGNALS:
    void timelineLoaded(qint64 seriesId);

protected:
    void load() override;

private:
    void pendingDone();
    void presentSeries();
    void updateOutcomeChoices();
    void onSeriesSelected(const QVariantList &row);
    void loadTimeline(qint64 seriesId, bool countsForReady);
    void openThread(const QString &messageId);

    QComboBox *m_language = nullptr;
    QComboBox *m_outcome = nullptr;
    QLineEdit *m_author = nullptr;
    QStringListModel *m_authors = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_banner = nullptr;
    QWidget *m_bannerBox = nullptr;    // "no git history": shown above the browser
    QTabWidget *m_tabs = nullptr;
    TablePanel *m_series = nullptr;
    ReviewTimeline *m_timeline = nullptr;
    MessageReader *m_reader = nullptr;
    SectionPanel *m_outcomes = nullptr;
    SectionPanel *m_onboarding = nullptr;
    QTimer *m_timelineTimer = nullptr;
    QStyledItemDelegate *m_outcomeDelegate = nullptr;

    report::Table m_allSeries;
    int m_pending = 0;
    CancelToken m_cancel;             // the current load's workers
    CancelToken m_timelineCancel;     // the current timeline's worker
    quint64 m_timelineGeneration = 0;
    qint64 m_selectedSeries = 0;      // chosen in the browser
    qint64 m_pendingSeries = 0;       // waiting for the debounce timer
    qint64 m_shownSeries = 0;         // the timeline on screen (or loading)
    bool m_initialTimeline = false;   // the next selection is the load's first: load it now
};

} // namespace kl::gui
