#include "chart_panel.h"

#include "theme.h"

#include <QAbstractButton>
#include <QButtonGroup>
#include <QChart>
#include <QChartView>
#include <QContextMenuEvent>
#include <QCursor>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPointer>
#include <QSaveFile>
#include <QStackedWidget>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>

#include <cmath>

namespace kl::gui {

static bool hasValues(const report::Chart &chart)
{
    for (const report::Series &series : chart.series)
        for (double v : series.values)
            if (std::isfinite(v))
                return true;
    return false;
}

ChartPanel::ChartPanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    m_toggleBar = new QWidget(this);
    m_toggleLayout = new QHBoxLayout(m_toggleBar);
    m_toggleLayout->setContentsMargins(0, 0, 0, 0);
    m_toggleLayout->setSpacing(2);
    m_toggleGroup = new QButtonGroup(this);
    m_toggleGroup->setExclusive(true);
    connect(m_toggleGroup, &QButtonGroup::idClicked, this, &ChartPanel::showChart);
    layout->addWidget(m_toggleBar);
    m_toggleBar->hide();

    m_stack = new QStackedWidget(this);
    m_empty = new QLabel(tr("No chart"), m_stack);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_view = new QChartView(m_stack);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setFrameShape(QFrame::NoFrame);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_view);
    layout->addWidget(m_stack, 1);
    setMinimumHeight(220);
}

void ChartPanel::setEmptyText(const QString &text)
{
    m_empty->setText(text);
}

void ChartPanel::setCharts(const QList<report::Chart> &charts)
{
    m_charts = charts;
    const auto buttons = m_toggleGroup->buttons();
    for (QAbstractButton *b : buttons) {
        m_toggleGroup->removeButton(b);
        delete b;
    }
    for (int i = 0; i < m_charts.size(); ++i) {
        auto *button = new QToolButton(m_toggleBar);
        button->setText(m_charts[i].title.isEmpty() ? m_charts[i].id : m_charts[i].title);
        button->setCheckable(true);
        button->setAutoRaise(true);
        button->setToolTip(tr("Show %1").arg(button->text()));
        m_toggleGroup->addButton(button, i);
        m_toggleLayout->addWidget(button);
    }
    m_toggleLayout->addStretch(1);
    m_toggleBar->setVisible(m_charts.size() > 1);
    showChart(m_charts.isEmpty() ? -1 : std::clamp(m_current, 0, int(m_charts.size()) - 1));
}

bool ChartPanel::hasChart() const
{
    return m_current >= 0 && m_stack->currentWidget() == m_view;
}

const report::Chart *ChartPanel::currentSpec() const
{
    return m_current >= 0 && m_current < m_charts.size() ? &m_charts[m_current] : nullptr;
}

void ChartPanel::setCurrentIndex(int index)
{
    if (index >= 0 && index < m_charts.size())
        showChart(index);
}

void ChartPanel::showChart(int index)
{
    m_current = index;
    if (auto *button = m_toggleGroup->button(index))
        button->setChecked(true);
    if (index < 0 || !hasValues(m_charts[index])) {
        if (index >= 0)
            m_empty->setText(tr("“%1” has no values for the current filters.").arg(m_charts[index].title));
        m_stack->setCurrentWidget(m_empty);
        return;
    }
    QPointer<QChartView> view(m_view);
    QChart *chart = charts::createChart(m_charts[index], chartTheme(), [view](const charts::HoverInfo &info) {
        if (!view)
            return;
        if (info.active)
            QToolTip::showText(QCursor::pos(), info.text, view);
        else
            QToolTip::hideText();
    });
    QChart *old = m_view->chart();
    m_view->setChart(chart);
    // QChartView keeps a default chart it owns; the ones we set are ours to delete.
    if (old && old != chart)
        old->deleteLater();
    m_stack->setCurrentWidget(m_view);
}

void ChartPanel::refreshTheme()
{
    if (hasChart())
        charts::applyTheme(m_view->chart(), chartTheme());
    else if (m_current >= 0)
        showChart(m_current);
}

bool ChartPanel::exportPng(const QString &path, QString *error) const
{
    if (!hasChart()) {
        if (error)
            *error = tr("there is no chart to export");
        return false;
    }
    const QSize size = m_view->size().expandedTo(QSize(800, 500));
    const QImage image = charts::renderImage(m_view->chart(), size, std::max<qreal>(2.0, devicePixelRatioF()));
    if (!image.save(path, "PNG")) {
        if (error)
            *error = tr("%1: cannot write the PNG file").arg(path);
        return false;
    }
    return true;
}

bool ChartPanel::exportSvg(const QString &path, QString *error) const
{
    if (!hasChart()) {
        if (error)
            *error = tr("there is no chart to export");
        return false;
    }
    const QByteArray svg = charts::renderSvg(m_view->chart(), m_view->size().expandedTo(QSize(800, 500)));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(svg) != svg.size() || !file.commit()) {
        if (error)
            *error = tr("%1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void ChartPanel::exportInteractively()
{
    const report::Chart *spec = currentSpec();
    const QString base = spec ? spec->id : QStringLiteral("chart");
    QString selected;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Chart"), base + QStringLiteral(".png"),
                                                      tr("PNG image (*.png);;SVG image (*.svg)"), &selected);
    if (path.isEmpty())
        return;
    QString error;
    const bool svg = path.endsWith(QStringLiteral(".svg"), Qt::CaseInsensitive)
                     || (!path.endsWith(QStringLiteral(".png"), Qt::CaseInsensitive) && selected.contains(QStringLiteral("SVG")));
    const bool ok = svg ? exportSvg(path, &error) : exportPng(path, &error);
    if (!ok)
        QMessageBox::warning(this, tr("Export Chart"), error);
}

void ChartPanel::contextMenuEvent(QContextMenuEvent *event)
{
    if (!hasChart())
        return;
    QMenu menu(this);
    menu.addAction(tr("Export as PNG…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export Chart as PNG"),
            (currentSpec() ? currentSpec()->id : QStringLiteral("chart")) + QStringLiteral(".png"), tr("PNG image (*.png)"));
        QString error;
        if (!path.isEmpty() && !exportPng(path, &error))
            QMessageBox::warning(this, tr("Export Chart"), error);
    });
    menu.addAction(tr("Export as SVG…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export Chart as SVG"),
            (currentSpec() ? currentSpec()->id : QStringLiteral("chart")) + QStringLiteral(".svg"), tr("SVG image (*.svg)"));
        QString error;
        if (!path.isEmpty() && !exportSvg(path, &error))
            QMessageBox::warning(this, tr("Export Chart"), error);
    });
    menu.exec(event->globalPos());
}

} // namespace kl::gui
