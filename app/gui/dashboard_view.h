#pragma once
// Dashboard: headline figures with their trend, each a card that opens its view (through the
// same shared filter). The figures come from models::dashboardCard.

#include "store_overview.h"
#include "view.h"

#include <kernellens/models/dashboard.h>

#include <QFrame>
#include <QMap>

class QGridLayout;
class QLabel;

namespace kl::gui {

class Sparkline;

class HeadlineCard : public QFrame
{
    Q_OBJECT
public:
    HeadlineCard(const QString &caption, const QString &target, QWidget *parent = nullptr);
    void setFigure(const QString &figure, const QString &detail);   // a note: "…", "computing"
    void setCard(const models::DashboardCard &card);
    QString figure() const;
    QString detail() const;
    QString change() const;
    bool isMissing() const { return m_missing; }
    Sparkline *sparkline() const { return m_sparkline; }
    QString target() const { return m_target; }
Q_SIGNALS:
    void clicked(const QString &target);
protected:
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
private:
    QString m_target;
    QLabel *m_caption = nullptr;
    QLabel *m_figure = nullptr;
    QLabel *m_change = nullptr;
    QLabel *m_detail = nullptr;
    Sparkline *m_sparkline = nullptr;
    bool m_missing = false;
};

class DashboardView : public View
{
    Q_OBJECT
public:
    explicit DashboardView(QWidget *parent = nullptr);
    HeadlineCard *card(const QString &key) const { return m_cards.value(key); }
    QList<HeadlineCard *> cards() const { return m_cards.values(); }

protected:
    void load() override;

private:
    void presentOverview(const StoreOverview &overview);
    void loadCard(const QString &key, quint64 generation);
    void pendingDone();

    QLabel *m_subtitle = nullptr;
    QMap<QString, HeadlineCard *> m_cards;
    int m_pending = 0;
};

} // namespace kl::gui
