#pragma once
// What every page of the main window is: it shows the store through the current filters,
// loads its data on a worker when it becomes visible (or stale while visible), says when that
// data is on screen (ready), and offers its chart and table for export.

#include <kernellens/models/filter.h>

#include <QWidget>

class QLabel;
class QPushButton;
class QStackedLayout;

namespace kl::gui {

class ChartPanel;
class TablePanel;

struct ViewContext
{
    QString storeDir;
    models::Filter filter;
    int revision = 0;   // bumped whenever the store's content changed (an ingest finished)
};

// A friendly "nothing here yet" page with an action.
class EmptyState : public QWidget
{
    Q_OBJECT
public:
    explicit EmptyState(QWidget *parent = nullptr);
    void set(const QString &title, const QString &detail, const QString &actionText = {});
    QString title() const;
Q_SIGNALS:
    void actionTriggered();
private:
    QLabel *m_title = nullptr;
    QLabel *m_detail = nullptr;
    QPushButton *m_action = nullptr;
};

class View : public QWidget
{
    Q_OBJECT
public:
    explicit View(const QString &name, const QString &title, QWidget *parent = nullptr);

    QString name() const { return m_name; }
    QString title() const { return m_title; }
    const ViewContext &context() const { return m_context; }
    void setContext(const ViewContext &context);
    bool isLoading() const { return m_loading; }
    bool isStale() const { return m_stale; }

    // Loads now (visible or not): the screenshot mode and tests use it.
    void reload();

    virtual ChartPanel *currentChartPanel() const { return nullptr; }
    virtual TablePanel *currentTablePanel() const { return nullptr; }
    virtual void refreshTheme() {}

Q_SIGNALS:
    void ready();                                // this view's data is on screen
    void navigateRequested(const QString &view); // e.g. "sources" from an empty state
    void statusMessage(const QString &text);

protected:
    virtual void load() = 0;      // start loading; call finishLoading() when shown
    void finishLoading();
    void showEvent(QShowEvent *event) override;

    // Body: either the content, an empty state, or a loading note.
    void setContent(QWidget *content);
    void showContent();
    void showEmpty(const QString &title, const QString &detail, const QString &actionText = {},
                   const QString &actionView = QStringLiteral("sources"));
    void showLoading(const QString &text = {});
    EmptyState *emptyState() const { return m_empty; }
    quint64 generation() const { return m_generation; }
    quint64 nextGeneration() { return ++m_generation; }

private:
    QString m_name;
    QString m_title;
    ViewContext m_context;
    bool m_stale = true;
    bool m_loading = false;
    quint64 m_generation = 0;
    QString m_emptyActionView;
    QStackedLayout *m_stack = nullptr;
    QWidget *m_content = nullptr;
    EmptyState *m_empty = nullptr;
    QLabel *m_loadingLabel = nullptr;
};

bool sameFilter(const models::Filter &a, const models::Filter &b);

} // namespace kl::gui
