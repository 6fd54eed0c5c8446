#pragma once
// Shows one of a section's charts through the chart adapter, with a toggle between them
// (lines / files / commits / authors ...), values on hover, and export as PNG or SVG.

#include <kernellens/models/report.h>

#include <QWidget>

class QButtonGroup;
class QHBoxLayout;
class QLabel;
class QStackedWidget;
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

protected:
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    void showChart(int index);

    QList<report::Chart> m_charts;
    int m_current = -1;
    QHBoxLayout *m_toggleLayout = nullptr;
    QWidget *m_toggleBar = nullptr;
    QButtonGroup *m_toggleGroup = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_empty = nullptr;
    QChartView *m_view = nullptr;
};

} // namespace kl::gui
