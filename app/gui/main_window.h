#pragma once
// The main window: navigation on the left, the views in a stack, the shared filter bar on top,
// menus for the store, export and views. Window geometry, the last store and the filters are
// remembered in QSettings.

#include "view.h"

#include <QMainWindow>

class QActionGroup;
class QLabel;
class QListWidget;
class QStackedWidget;

namespace kl::gui {

class AnalysisView;
class DashboardView;
class FilterBar;
class SearchView;
class SourcesView;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // The view names, in navigation order (Ctrl+1 … Ctrl+8).
    static QStringList viewNames();

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    void setStoreDirectory(const QString &directory);
    QString storeDirectory() const { return m_context.storeDir; }
    bool showView(const QString &name);
    View *currentView() const;
    View *view(const QString &name) const;
    FilterBar *filterBar() const { return m_filterBar; }
    SourcesView *sourcesView() const { return m_sources; }
    SearchView *searchView() const { return m_search; }
    QListWidget *navigation() const { return m_nav; }

    void saveState() const;
    void restoreState();
    // Which releases the per-release views count in (the command line's --releases).
    void setReleaseSet(models::ReleaseSet set);
    void setDarkTheme(bool dark);

public Q_SLOTS:
    void openStore();
    void exportChart();
    void exportTable();
    void reloadCurrent();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void addView(View *view, const QIcon &icon);
    void buildMenus();
    void applyContext();
    void refreshChoices();

    ViewContext m_context;
    QListWidget *m_nav = nullptr;
    QStackedWidget *m_stack = nullptr;
    FilterBar *m_filterBar = nullptr;
    QLabel *m_storeStatus = nullptr;
    QList<View *> m_views;
    DashboardView *m_dashboard = nullptr;
    SourcesView *m_sources = nullptr;
    SearchView *m_search = nullptr;
    QAction *m_darkAction = nullptr;
};

QString defaultStoreDirectory();

} // namespace kl::gui
