#include "chart_panel.h"

#include "theme.h"

#include <QAbstractButton>
#include <QButtonGroup>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDate>
#include <QRegularExpression>
#include <QScrollArea>
#include <QScrollBar>
#include <QWheelEvent>
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
#include <functional>

namespace kl::gui {

namespace {

// Range bars appear from this many categories on; fewer fit without zooming.
constexpr int kRangeBarFrom = 13;
// Heat map rows keep at least this height; taller maps scroll.
constexpr int kHeatRowPixels = 18;

// A chart view that turns the wheel into zoom and a left drag into pan on the category axis.
// On heat maps (which scroll) the wheel zooms only with Ctrl.
class ZoomPanChartView : public QChartView
{
public:
    using RangeHandler = std::function<void(charts::CategoryRange)>;
    ZoomPanChartView(QWidget *parent, RangeHandler onRange) : QChartView(parent), m_onRange(std::move(onRange)) {}

protected:
    void wheelEvent(QWheelEvent *event) override
    {
        const report::Chart *spec = chart() ? charts::chartSpec(chart()) : nullptr;
        const bool heat = spec && spec->kind == report::Chart::Kind::HeatMap;
        if (!spec || spec->categories.size() < kRangeBarFrom || (heat && !(event->modifiers() & Qt::ControlModifier))
            || event->angleDelta().y() == 0) {
            event->ignore(); // let a scroll area scroll
            return;
        }
        const charts::CategoryRange r = charts::chartRange(chart());
        const int visible = r.last - r.first + 1;
        const double factor = event->angleDelta().y() > 0 ? 0.8 : 1.25;
        const int wanted = std::clamp(int(std::lround(visible * factor)), 5, int(spec->categories.size()));
        if (wanted == visible)
            return;
        // Keep the category under the pointer where it is.
        const double at = std::clamp(categoryAt(event->position()), double(r.first), double(r.last));
        const double share = visible > 1 ? (at - r.first) / (visible - 1) : 0.5;
        const int first = int(std::lround(at - share * (wanted - 1)));
        m_onRange(shifted({first, first + wanted - 1}, int(spec->categories.size())));
        event->accept();
    }
    void mousePressEvent(QMouseEvent *event) override
    {
        if (event->button() == Qt::LeftButton && chart() && charts::chartSpec(chart())
            && charts::chartSpec(chart())->categories.size() >= kRangeBarFrom) {
            m_dragFrom = event->position();
            m_dragRange = charts::chartRange(chart());
            m_dragging = true;
            setCursor(Qt::ClosedHandCursor);
        }
        QChartView::mousePressEvent(event);
    }
    void mouseMoveEvent(QMouseEvent *event) override
    {
        if (m_dragging && chart()) {
            const int visible = m_dragRange.last - m_dragRange.first + 1;
            const double perCategory = chart()->plotArea().width() / std::max(1, visible);
            const int delta = int(std::lround((m_dragFrom.x() - event->position().x()) / std::max(1.0, perCategory)));
            const int count = int(charts::chartSpec(chart())->categories.size());
            m_onRange(shifted({m_dragRange.first + delta, m_dragRange.last + delta}, count));
        }
        QChartView::mouseMoveEvent(event);
    }
    void mouseReleaseEvent(QMouseEvent *event) override
    {
        if (m_dragging) {
            m_dragging = false;
            unsetCursor();
        }
        QChartView::mouseReleaseEvent(event);
    }

private:
    double categoryAt(QPointF pos) const
    {
        const QList<QAbstractSeries *> series = chart()->series();
        return series.isEmpty() ? 0.0 : chart()->mapToValue(chart()->mapFromScene(mapToScene(pos.toPoint())), series.first()).x();
    }
    // Moves a range back inside 0..count-1 keeping its width (panning stops at the ends).
    static charts::CategoryRange shifted(charts::CategoryRange r, int count)
    {
        const int width = r.last - r.first;
        if (r.first < 0)
            r = {0, width};
        if (r.last > count - 1)
            r = {std::max(0, count - 1 - width), count - 1};
        return r;
    }

    RangeHandler m_onRange;
    QPointF m_dragFrom;
    charts::CategoryRange m_dragRange;
    bool m_dragging = false;
};

// The date a month ("2024-05"), quarter ("2024-Q2") or year ("2024") category starts on.
QDate categoryDate(const QString &category)
{
    static const QRegularExpression pattern(QStringLiteral("^(\\d{4})(?:-(\\d{2})|-Q([1-4]))?$"));
    const auto match = pattern.match(category);
    if (!match.hasMatch())
        return {};
    const int year = match.captured(1).toInt();
    if (!match.captured(2).isEmpty())
        return QDate(year, match.captured(2).toInt(), 1);
    if (!match.captured(3).isEmpty())
        return QDate(year, (match.captured(3).toInt() - 1) * 3 + 1, 1);
    return QDate(year, 1, 1);
}

} // namespace

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
    m_scroll = new QScrollArea(m_stack);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setWidgetResizable(true);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_view = new ZoomPanChartView(m_scroll, [this](charts::CategoryRange r) { setRange(r); });
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setFrameShape(QFrame::NoFrame);
    m_scroll->setWidget(m_view);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_scroll);
    layout->addWidget(m_stack, 1);

    m_rangeBar = new QWidget(this);
    auto *rangeLayout = new QHBoxLayout(m_rangeBar);
    rangeLayout->setContentsMargins(0, 0, 0, 0);
    rangeLayout->setSpacing(4);
    m_from = new QComboBox(m_rangeBar);
    m_to = new QComboBox(m_rangeBar);
    for (QComboBox *box : {m_from, m_to}) {
        box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        box->setMaxVisibleItems(20);
    }
    m_from->setToolTip(tr("First category drawn (wheel on the chart zooms, drag pans)"));
    m_to->setToolTip(tr("Last category drawn"));
    auto *fromLabel = new QLabel(tr("&From"), m_rangeBar);
    fromLabel->setBuddy(m_from);
    auto *toLabel = new QLabel(tr("&To"), m_rangeBar);
    toLabel->setBuddy(m_to);
    // Offscreen font metrics cut "To" to "Tc" at the exact size hint (as in the filter bar).
    for (QLabel *label : {fromLabel, toLabel})
        label->setMinimumWidth(label->sizeHint().width() + 4);
    m_recent = new QToolButton(m_rangeBar);
    m_recent->setAutoRaise(true);
    auto *all = new QToolButton(m_rangeBar);
    all->setText(tr("All"));
    all->setAutoRaise(true);
    all->setToolTip(tr("Show every category"));
    rangeLayout->addWidget(fromLabel);
    rangeLayout->addWidget(m_from);
    rangeLayout->addWidget(toLabel);
    rangeLayout->addWidget(m_to);
    rangeLayout->addWidget(m_recent);
    rangeLayout->addWidget(all);
    rangeLayout->addStretch(1);
    connect(m_from, &QComboBox::activated, this, [this](int index) { setRange({index, std::max(index, m_range.last)}); });
    connect(m_to, &QComboBox::activated, this, [this](int index) { setRange({std::min(index, m_range.first), index}); });
    connect(m_recent, &QToolButton::clicked, this, [this] { setRange(recentRange()); });
    connect(all, &QToolButton::clicked, this, [this] { setRange({}); });
    layout->addWidget(m_rangeBar);
    m_rangeBar->hide();
    setMinimumHeight(220);
}

int ChartPanel::categoryCount() const
{
    const report::Chart *spec = currentSpec();
    return spec ? int(spec->categories.size()) : 0;
}

void ChartPanel::setRange(charts::CategoryRange range)
{
    m_range = charts::clampRange(range, categoryCount());
    if (hasChart())
        charts::setRange(m_view->chart(), m_range);
    updateRangeBar();
}

charts::CategoryRange ChartPanel::recentRange() const
{
    const report::Chart *spec = currentSpec();
    const int count = categoryCount();
    if (!spec || count == 0)
        return {};
    const QDate last = categoryDate(spec->categories.last());
    if (last.isValid()) {
        const QDate from = last.addYears(-2);
        int first = count - 1;
        while (first > 0 && categoryDate(spec->categories[first - 1]).isValid()
               && categoryDate(spec->categories[first - 1]) > from)
            --first;
        return {first, count - 1};
    }
    return {std::max(0, count - 20), count - 1};
}

QString ChartPanel::recentRangeLabel() const
{
    const report::Chart *spec = currentSpec();
    if (spec && !spec->categories.isEmpty() && categoryDate(spec->categories.last()).isValid())
        return tr("Last 2 years");
    return tr("Last 20");
}

void ChartPanel::updateRangeBar()
{
    const report::Chart *spec = currentSpec();
    const bool show = hasChart() && categoryCount() >= kRangeBarFrom;
    m_rangeBar->setVisible(show);
    if (!show)
        return;
    if (m_from->count() != spec->categories.size() || m_from->itemText(0) != spec->categories.first()
        || m_from->itemText(m_from->count() - 1) != spec->categories.last()) {
        m_from->clear();
        m_to->clear();
        m_from->addItems(spec->categories);
        m_to->addItems(spec->categories);
    }
    m_from->setCurrentIndex(m_range.first);
    m_to->setCurrentIndex(m_range.last);
    m_recent->setText(recentRangeLabel());
    m_recent->setToolTip(tr("Show the %1").arg(recentRangeLabel().toLower()));
}

// Heat map rows keep a readable height; when they do not fit, the panel scrolls.
void ChartPanel::fitViewHeight()
{
    const report::Chart *spec = hasChart() ? charts::chartSpec(m_view->chart()) : nullptr;
    const bool heat = spec && spec->kind == report::Chart::Kind::HeatMap;
    m_view->setMinimumHeight(heat ? int(spec->series.size()) * kHeatRowPixels + 150 : 0);
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
    return m_current >= 0 && m_stack->currentWidget() == m_scroll;
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
    // Charts over the same categories (a section's toggles) keep the range; others show all.
    const report::Chart *previous = currentSpec();
    if (!previous || index < 0 || index >= m_charts.size() || previous->categories != m_charts[index].categories)
        m_range = {};
    m_current = index;
    if (auto *button = m_toggleGroup->button(index))
        button->setChecked(true);
    if (index < 0 || !hasValues(m_charts[index])) {
        if (index >= 0)
            m_empty->setText(tr("“%1” has no values for the current filters.").arg(m_charts[index].title));
        m_stack->setCurrentWidget(m_empty);
        m_rangeBar->hide();
        return;
    }
    m_range = charts::clampRange(m_range, int(m_charts[index].categories.size()));
    QPointer<QChartView> view(m_view);
    QChart *chart = charts::createChart(m_charts[index], chartTheme(), [view](const charts::HoverInfo &info) {
        if (!view)
            return;
        // Hover text carries mail subjects and tag names: escaped, so a tooltip never renders
        // their markup (QToolTip would guess rich text from a leading tag).
        if (info.active)
            QToolTip::showText(QCursor::pos(),
                               QStringLiteral("<p style=\"white-space:pre\">%1</p>").arg(info.text.toHtmlEscaped()), view);
        else
            QToolTip::hideText();
    }, m_range, m_view->width() < 300 ? QSizeF() : QSizeF(m_view->size()));
    QChart *old = m_view->chart();
    m_view->setChart(chart);
    // QChartView keeps a default chart it owns; the ones we set are ours to delete.
    if (old && old != chart)
        old->deleteLater();
    m_stack->setCurrentWidget(m_scroll);
    fitViewHeight();
    updateRangeBar();
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
