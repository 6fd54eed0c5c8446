#include "sparkline.h"

#include <QLocale>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace kl::gui {

Sparkline::Sparkline(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setMinimumHeight(minimumSizeHint().height());
}

void Sparkline::setPoints(const QList<Point> &points)
{
    m_points = points;
    // The first and the newest point name the span; the figures themselves are on the card.
    setToolTip(points.size() >= 2 ? tr("%1 … %2: %3 … %4")
                                        .arg(points.first().label, points.last().label,
                                             QLocale().toString(points.first().value, 'g', 4),
                                             QLocale().toString(points.last().value, 'g', 4))
                                  : QString());
    update();
}

void Sparkline::paintEvent(QPaintEvent *)
{
    if (m_points.size() < 2)
        return;
    const auto [lo, hi] = std::minmax_element(m_points.begin(), m_points.end(),
                                              [](const Point &a, const Point &b) { return a.value < b.value; });
    // A flat series sits mid-height rather than on the floor, so it does not read as "zero".
    const double span = hi->value - lo->value;
    const QRectF area = QRectF(rect()).adjusted(3, 3, -3, -3);
    auto at = [&](int i) {
        const double x = area.left() + area.width() * i / (m_points.size() - 1);
        const double y = span > 0 ? area.bottom() - area.height() * (m_points[i].value - lo->value) / span
                                  : area.center().y();
        return QPointF(x, y);
    };
    QPainterPath line(at(0));
    for (int i = 1; i < m_points.size(); ++i)
        line.lineTo(at(i));
    QPainterPath fill = line;
    fill.lineTo(area.right(), area.bottom());
    fill.lineTo(area.left(), area.bottom());
    fill.closeSubpath();

    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    QColor accent = palette().color(QPalette::Highlight);
    QColor shade = accent;
    shade.setAlphaF(0.15);
    p.fillPath(fill, shade);
    p.setPen(QPen(accent, 1.6));
    p.drawPath(line);
    p.setBrush(accent);
    p.drawEllipse(at(int(m_points.size()) - 1), 2.6, 2.6);
}

} // namespace kl::gui
