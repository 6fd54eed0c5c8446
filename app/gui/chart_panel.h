#pragma once
// Shows one of a section's charts through the chart adapter, with a toggle between them
// (lines / files / commits / authors ...), values on hover, and export as PNG or SVG.
// Long category axes get a range selector under the chart (From/To, Last N / Last 2 years,
// All) plus wheel zoom and drag pan on the chart; it acts on the chart only, and an export draws
// the range on screen. Heat maps taller than the panel scroll.

#include <charts/chart_adapter.h>
#include <kernellens/models/report.h>

#include <QWidget>

class QButtonGroup;
class QComboBox;
class QHBoxLayout;
class QLabel;
class QScrollArea;
class QStackedWidget;
class QToolButton;
QT_BEGIN_NAMESPACE
class QChartView;
QT_END_NAMESPACE

namespace kl::gui {

class ChartPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ChartPanel(QWidget *parent = nullptr);

    void setCharts(const QList<report::Chart> &charts);
    void setEmptyText(const QString &text);
    bool hasChart() const;
    const report::Chart *currentSpec() const;
    int currentIndex() const { return m_current; }
    void setCurrentIndex(int index);

    // Export the chart on screen. Errors name the file.
    bool exportPng(const QString &path, QString *error = nullptr) const;
    bool exportSvg(const QString &path, QString *error = nullptr) const;
    void exportInteractively(); // asks for a file; the suffix picks PNG or SVG

    void refreshTheme();

    // The categories drawn now (zoom/pan); setting it updates the chart and the From/To boxes.
    charts::CategoryRange range() const { return m_range; }
    void setRange(charts::CategoryRange range);
    // What "Last …" selects: the last two years for month/quarter/year axes, else the last 20.
    charts::CategoryRange recentRange() const;
    QString recentRangeLabel() const;

protected:
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    void showChart(int index);
    void updateRangeBar();
    void fitViewHeight();
    int categoryCount() const;

    QList<report::Chart> m_charts;
    int m_current = -1;
    QHBoxLayout *m_toggleLayout = nullptr;
    QWidget *m_toggleBar = nullptr;
    QButtonGroup *m_toggleGroup = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_empty = nullptr;
    QScrollArea *m_scroll = nullptr;
    QChartView *m_view = nullptr;
    charts::CategoryRange m_range;
    QWidget *m_rangeBar = nullptr;
    QComboBox *m_from = nullptr;
    QComboBox *m_to = nullptr;
    QToolButton *m_recent = nullptr;
};

} // namespace kl::gui
