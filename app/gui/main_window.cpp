#include "main_window.h"

#include "analysis_view.h"
#include "background.h"
#include "chart_panel.h"
#include "dashboard_view.h"
#include "filter_bar.h"
#include "review_view.h"
#include "search_view.h"
#include "sources_view.h"
#include "store_overview.h"
#include "table_panel.h"
#include "theme.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QShortcut>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QVBoxLayout>

namespace kl::gui {

QString defaultStoreDirectory()
{
    // The same default as kernellens-cli, so both see the same store out of the box.
    const QByteArray env = qgetenv("KERNELLENS_DB");
    if (!env.isEmpty())
        return QString::fromLocal8Bit(env);
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/kernellens/default");
}

QStringList MainWindow::viewNames()
{
    return {QStringLiteral("dashboard"), QStringLiteral("sources"), QStringLiteral("adoption"),
            QStringLiteral("coverage"), QStringLiteral("friction"), QStringLiteral("onboarding"),
            QStringLiteral("review"), QStringLiteral("search")};
}

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(QStringLiteral("KernelLens"));
    auto *central = new QWidget(this);
    auto *outer = new QHBoxLayout(central);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(0);

    m_nav = new QListWidget(central);
    m_nav->setObjectName(QStringLiteral("navigation"));
    m_nav->setFixedWidth(170);
    m_nav->setIconSize(QSize(20, 20));
    m_nav->setFrameShape(QFrame::NoFrame);
    m_nav->setSpacing(2);
    QFont navFont = m_nav->font();
    navFont.setPointSizeF(navFont.pointSizeF() * 1.1);
    m_nav->setFont(navFont);
    outer->addWidget(m_nav);

    auto *right = new QWidget(central);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->setSpacing(0);
    m_filterBar = new FilterBar(right);
    rightLayout->addWidget(m_filterBar);
    auto *line = new QFrame(right);
    line->setFrameShape(QFrame::HLine);
    line->setFrameShadow(QFrame::Sunken);
    rightLayout->addWidget(line);
    m_stack = new QStackedWidget(right);
    rightLayout->addWidget(m_stack, 1);
    outer->addWidget(right, 1);
    setCentralWidget(central);

    QStyle *s = style();
    m_dashboard = new DashboardView(m_stack);
    m_sources = new SourcesView(m_stack);
    m_search = new SearchView(m_stack);
    addView(m_dashboard, s->standardIcon(QStyle::SP_ComputerIcon));
    addView(m_sources, s->standardIcon(QStyle::SP_DriveHDIcon));
    addView(new AnalysisView(Analysis::Adoption, m_stack), s->standardIcon(QStyle::SP_FileDialogDetailedView));
    addView(new AnalysisView(Analysis::Coverage, m_stack), s->standardIcon(QStyle::SP_FileDialogListView));
    addView(new AnalysisView(Analysis::Friction, m_stack), s->standardIcon(QStyle::SP_MessageBoxWarning));
    addView(new AnalysisView(Analysis::Onboarding, m_stack), s->standardIcon(QStyle::SP_DialogYesButton));
    addView(new ReviewView(m_stack), s->standardIcon(QStyle::SP_FileDialogInfoView));
    addView(m_search, s->standardIcon(QStyle::SP_FileDialogContentsView));

    connect(m_nav, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);
    connect(m_filterBar, &FilterBar::filterChanged, this, [this](const models::Filter &filter) {
        models::Filter merged = filter;
        merged.release = m_context.filter.release;
        merged.compareRelease = m_context.filter.compareRelease;
        if (sameFilter(merged, m_context.filter))
            return;
        m_context.filter = merged;
        applyContext();
    });
    connect(m_sources, &SourcesView::storeContentChanged, this, [this] {
        ++m_context.revision;
        applyContext();
        refreshChoices();
    });

    m_storeStatus = new QLabel(this);
    m_storeStatus->setTextFormat(Qt::PlainText);
    statusBar()->addPermanentWidget(m_storeStatus);
    buildMenus();
    m_nav->setCurrentRow(0);
    resize(1280, 820);
}

MainWindow::~MainWindow()
{
    // Views outlive this body (they are children); none may call back into a half-destroyed window.
    for (View *v : m_views)
        v->disconnect(this);
}

void MainWindow::addView(View *view, const QIcon &icon)
{
    m_views.append(view);
    m_stack->addWidget(view);
    auto *item = new QListWidgetItem(icon, view->title(), m_nav);
    item->setData(Qt::UserRole, view->name());
    item->setSizeHint(QSize(0, 34));
    connect(view, &View::navigateRequested, this, [this](const QString &name) { showView(name); });
    connect(view, &View::statusMessage, this, [this](const QString &text) { statusBar()->showMessage(text, 8000); });
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open Store…"), QKeySequence::Open,
                    this, &MainWindow::openStore);
    file->addSeparator();
    file->addAction(tr("Add &Git Repository…"), m_sources, [this] { showView(QStringLiteral("sources")); m_sources->addGitRepository(); });
    file->addAction(tr("Add &Mail Archive…"), m_sources, [this] { showView(QStringLiteral("sources")); m_sources->addMailArchive(); });
    file->addSeparator();
    file->addAction(tr("Export &Chart as PNG/SVG…"), QKeySequence(Qt::CTRL | Qt::Key_E), this, &MainWindow::exportChart);
    file->addAction(tr("Export &Table as CSV…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E), this, &MainWindow::exportTable);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu *viewMenu = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_views.size(); ++i) {
        View *v = m_views[i];
        viewMenu->addAction(v->title(), QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)), this,
                            [this, i] { m_nav->setCurrentRow(i); });
    }
    viewMenu->addSeparator();
    viewMenu->addAction(tr("&Reload"), QKeySequence::Refresh, this, &MainWindow::reloadCurrent);
    m_darkAction = viewMenu->addAction(tr("&Dark Theme"));
    m_darkAction->setCheckable(true);
    m_darkAction->setChecked(isDarkPalette());
    connect(m_darkAction, &QAction::toggled, this, &MainWindow::setDarkTheme);

    auto *find = new QAction(tr("Search"), this);
    find->setShortcut(QKeySequence::Find);
    connect(find, &QAction::triggered, this, [this] {
        showView(QStringLiteral("search"));
        m_search->focusQuery();
    });
    addAction(find);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About KernelLens"), this, [this] {
        QMessageBox::about(this, tr("About KernelLens"),
                           tr("KernelLens %1\nHow a kernel community adopts a second language: adoption, "
                              "binding coverage, friction and onboarding, from git history and mailing lists.")
                               .arg(QStringLiteral(KERNELLENS_VERSION)));
    });
}

bool MainWindow::showView(const QString &name)
{
    for (int i = 0; i < m_views.size(); ++i)
        if (m_views[i]->name() == name) {
            m_nav->setCurrentRow(i);
            return true;
        }
    return false;
}

View *MainWindow::currentView() const
{
    return qobject_cast<View *>(m_stack->currentWidget());
}

View *MainWindow::view(const QString &name) const
{
    for (View *v : m_views)
        if (v->name() == name)
            return v;
    return nullptr;
}

void MainWindow::setStoreDirectory(const QString &directory)
{
    m_context.storeDir = QDir(directory).absolutePath();
    ++m_context.revision;
    m_storeStatus->setText(tr("Store: %1").arg(QDir::toNativeSeparators(m_context.storeDir)));
    setWindowTitle(tr("KernelLens — %1").arg(QDir(m_context.storeDir).dirName()));
    applyContext();
    refreshChoices();
}

void MainWindow::applyContext()
{
    for (View *v : m_views) {
        ViewContext ctx = m_context;
        // Coverage keeps its own release picks; the shared bar does not know them.
        ctx.filter.release = v->context().filter.release;
        ctx.filter.compareRelease = v->context().filter.compareRelease;
        v->setContext(ctx);
    }
}

void MainWindow::refreshChoices()
{
    runInBackground(this, [dir = m_context.storeDir] { return loadStoreOverview(dir); },
                    [this](Result<StoreOverview> overview) {
                        if (overview)
                            m_filterBar->setChoices(overview->subsystems, overview->lists);
                    });
}

void MainWindow::reloadCurrent()
{
    if (View *v = currentView())
        v->reload();
}

void MainWindow::openStore()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Store"), m_context.storeDir);
    if (!dir.isEmpty())
        setStoreDirectory(dir);
}

void MainWindow::exportChart()
{
    View *v = currentView();
    ChartPanel *panel = v ? v->currentChartPanel() : nullptr;
    if (!panel) {
        QMessageBox::information(this, tr("Export Chart"), tr("This view shows no chart to export."));
        return;
    }
    panel->exportInteractively();
}

void MainWindow::exportTable()
{
    View *v = currentView();
    TablePanel *panel = v ? v->currentTablePanel() : nullptr;
    if (!panel) {
        QMessageBox::information(this, tr("Export Table"), tr("This view shows no table to export."));
        return;
    }
    panel->exportInteractively();
}

void MainWindow::setDarkTheme(bool dark)
{
    if (auto *app = qobject_cast<QApplication *>(QCoreApplication::instance()))
        applyPalette(*app, dark);
    if (m_darkAction && m_darkAction->isChecked() != dark)
        m_darkAction->setChecked(dark);
    for (View *v : m_views)
        v->refreshTheme();
}

void MainWindow::saveState() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), QMainWindow::saveState());
    settings.setValue(QStringLiteral("window/view"), currentView() ? currentView()->name() : QString());
    settings.setValue(QStringLiteral("store/last"), m_context.storeDir);
    settings.setValue(QStringLiteral("ui/dark"), isDarkPalette());
    m_filterBar->save(settings);
}

void MainWindow::restoreState()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    QMainWindow::restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_filterBar->restore(settings);
    m_context.filter = m_filterBar->filter();
    const QString viewName = settings.value(QStringLiteral("window/view")).toString();
    if (!viewName.isEmpty())
        showView(viewName);
}

void MainWindow::setReleaseSet(models::ReleaseSet set)
{
    models::Filter f = m_filterBar->filter();
    f.releases = set;
    m_filterBar->setFilter(f);
    m_context.filter.releases = set;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_sources->hasRunningJob()) {
        const auto answer = QMessageBox::question(
            this, tr("Ingest running"),
            tr("An ingest is running. Cancel it and quit? What was committed stays, and a rerun resumes."));
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        m_sources->cancelAll();
    }
    saveState();
    QMainWindow::closeEvent(event);
}

} // namespace kl::gui
