#pragma once
// Dashboard: headline figures, each a card that opens its view.

#include "backends.h"
#include "store_overview.h"
#include "view.h"

#include <QFrame>
#include <QMap>

class QGridLayout;
class QLabel;

namespace kl::gui {

class HeadlineCard : public QFrame
{
    Q_OBJECT
public:
    HeadlineCard(const QString &caption, const QString &target, QWidget *parent = nullptr);
    void setFigure(const QString &figure, const QString &detail);
    QString figure() const;
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
    QLabel *m_detail = nullptr;
};

// A figure pulled from an analysis section for a card: "12.3 %", with a trend line.
struct Headline
{
    QString figure;
    QString detail;
};
Headline adoptionHeadline(const report::Section &section);
Headline coverageHeadline(const report::Section &section);
Headline frictionHeadline(const report::Section &section);
Headline onboardingHeadline(const report::Section &section);

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
    void pendingDone();

    QLabel *m_subtitle = nullptr;
    QMap<QString, HeadlineCard *> m_cards;
    int m_pending = 0;
};

} // namespace kl::gui
