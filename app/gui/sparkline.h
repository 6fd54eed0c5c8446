#pragma once
// A sparkline: a card's trend as a small line, its newest point marked. Painted directly, not
// through Qt Charts: a dozen points need no axes, and eight of them must not cost a chart each.

#include <QList>
#include <QString>
#include <QWidget>

namespace kl::gui {

class Sparkline : public QWidget
{
    Q_OBJECT
public:
    struct Point
    {
        QString label;
        double value = 0;
    };

    explicit Sparkline(QWidget *parent = nullptr);
    void setPoints(const QList<Point> &points);
    const QList<Point> &points() const { return m_points; }

    QSize sizeHint() const override { return {160, 36}; }
    QSize minimumSizeHint() const override { return {60, 24}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QList<Point> m_points;
};

} // namespace kl::gui
