#include "dashboard_view.h"

#include "background.h"
#include "backends.h"
#include "sparkline.h"

#include <QDir>
#include <QFileInfo>
#include <QGridLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QVBoxLayout>

#include <optional>

namespace kl::gui {

HeadlineCard::HeadlineCard(const QString &caption, const QString &target, QWidget *parent)
    : QFrame(parent), m_target(target)
{
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    setCursor(Qt::PointingHandCursor);
    setFocusPolicy(Qt::StrongFocus);
    setToolTip(tr("Open %1").arg(target));
    setMinimumSize(220, 120);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 12);
    m_caption = new QLabel(caption, this);
    m_caption->setForegroundRole(QPalette::PlaceholderText);
    m_caption->setWordWrap(true);
    m_figure = new QLabel(QStringLiteral("–"), this);
    QFont big = m_figure->font();
    big.setPointSizeF(big.pointSizeF() * 2.2);
    big.setBold(true);
    m_figure->setFont(big);
    m_figure->setTextFormat(Qt::PlainText);
    m_change = new QLabel(this);
    m_change->setTextFormat(Qt::PlainText);
    m_change->setObjectName(QStringLiteral("change"));
    m_sparkline = new Sparkline(this);
    m_detail = new QLabel(this);
    m_detail->setWordWrap(true);
    m_detail->setTextFormat(Qt::PlainText);
    m_change->setWordWrap(true);   // "2025-12: −60 % vs 2025-11" must not be cut on a narrow card
    layout->addWidget(m_caption);
    layout->addWidget(m_figure);
    layout->addWidget(m_change);
    layout->addWidget(m_sparkline);
    layout->addWidget(m_detail);
    layout->addStretch(1);
}

void HeadlineCard::setFigure(const QString &figure, const QString &detail)
{
    m_missing = false;
    m_figure->setText(figure);
    m_figure->setVisible(true);
    m_change->clear();
    m_change->setVisible(false);
    m_sparkline->setPoints({});
    m_detail->setText(detail);
    m_detail->setForegroundRole(QPalette::WindowText);
}

void HeadlineCard::setCard(const models::DashboardCard &card)
{
    m_missing = card.isMissing();
    if (m_missing) {
        // What to ingest, where the figure would be: a 0 would claim a fact the store lacks.
        m_figure->clear();
        m_figure->setVisible(false);
        m_change->clear();
        m_change->setVisible(false);
        m_sparkline->setPoints({});
        m_sparkline->setVisible(false);
        m_detail->setText(card.missing);
        m_detail->setForegroundRole(QPalette::PlaceholderText);
        return;
    }
    m_figure->setVisible(true);
    m_figure->setText(card.figure);
    m_change->setText(card.change);
    m_change->setVisible(!card.change.isEmpty());
    QList<Sparkline::Point> points;
    for (const models::TrendPoint &p : card.trend)
        points.append({p.label, p.value});
    m_sparkline->setPoints(points);
    m_sparkline->setVisible(points.size() >= 2);
    m_detail->setText(card.detail);
    m_detail->setForegroundRole(QPalette::WindowText);
}

QString HeadlineCard::figure() const
{
    return m_figure->text();
}

QString HeadlineCard::detail() const
{
    return m_detail->text();
}

QString HeadlineCard::change() const
{
    return m_change->text();
}

void HeadlineCard::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && rect().contains(event->position().toPoint()))
        Q_EMIT clicked(m_target);
    QFrame::mouseReleaseEvent(event);
}

void HeadlineCard::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter || event->key() == Qt::Key_Space) {
        Q_EMIT clicked(m_target);
        return;
    }
    QFrame::keyPressEvent(event);
}

// ---- the view -----------------------------------------------------------------------------

DashboardView::DashboardView(QWidget *parent) : View(QStringLiteral("dashboard"), tr("Dashboard"), parent)
{
    auto *content = new QWidget(this);
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(16, 12, 16, 12);
    auto *heading = new QLabel(tr("Dashboard"), content);
    QFont font = heading->font();
    font.setPointSizeF(font.pointSizeF() * 1.6);
    font.setBold(true);
    heading->setFont(font);
    layout->addWidget(heading);
    m_subtitle = new QLabel(content);
    m_subtitle->setTextFormat(Qt::PlainText);
    m_subtitle->setForegroundRole(QPalette::PlaceholderText);
    m_subtitle->setWordWrap(true);
    layout->addWidget(m_subtitle);
    layout->addSpacing(8);

    auto *grid = new QGridLayout;
    grid->setSpacing(12);
    // Targets come from models::dashboardCardView(key); captions are the GUI's words.
    struct Spec { const char *key; QString caption; };
    const QList<Spec> specs = {
        {"share", tr("Second-language share of (Rust + C) lines")},
        {"coverage", tr("Subsystems with bindings")},
        {"friction", tr("Friction threads per quarter")},
        {"newcomers", tr("Newcomers (first commit)")},
        {"messages", tr("Messages in the store")},
        {"threads", tr("Threads")},
        {"patches", tr("Patches posted")},
        {"sources", tr("Sources ingested")},
    };
    for (int i = 0; i < specs.size(); ++i) {
        const QString key = QString::fromLatin1(specs[i].key);
        auto *card = new HeadlineCard(specs[i].caption, models::dashboardCardView(key), content);
        grid->addWidget(card, i / 4, i % 4);
        m_cards.insert(key, card);
        connect(card, &HeadlineCard::clicked, this, &View::navigateRequested);
    }
    for (int column = 0; column < 4; ++column)   // equal cards, whatever their texts' lengths
        grid->setColumnStretch(column, 1);
    layout->addLayout(grid);
    layout->addStretch(1);
    setContent(content);
}

void DashboardView::presentOverview(const StoreOverview &o)
{
    if (!o.exists) {
        m_subtitle->setText(tr("Store %1 — nothing ingested yet.").arg(o.directory));
    } else {
        QString range;
        if (o.firstMessage.isValid())
            range = tr("; mail from %1 to %2").arg(o.firstMessage.date().toString(Qt::ISODate),
                                                   o.lastMessage.date().toString(Qt::ISODate));
        m_subtitle->setText(tr("Store %1 — %2 source(s), %3 list(s), %4 release(s)%5")
                                .arg(o.directory)
                                .arg(o.sources.size())
                                .arg(o.lists.size())
                                .arg(o.releases.size())
                                .arg(range));
    }
}

void DashboardView::pendingDone()
{
    if (--m_pending == 0)
        finishLoading();
}

void DashboardView::load()
{
    showContent();
    const quint64 generation = nextGeneration();
    const ViewContext ctx = context();
    const bool storeExists = !ctx.storeDir.isEmpty()
                             && QFileInfo::exists(QDir(ctx.storeDir).filePath(QStringLiteral("kernellens.sqlite")));
    m_pending = 1;
    runInBackground(this, [dir = ctx.storeDir] { return loadStoreOverview(dir); },
                    [this, generation](Result<StoreOverview> overview) {
                        if (generation != this->generation())
                            return;
                        if (overview)
                            presentOverview(*overview);
                        else
                            m_subtitle->setText(tr("Cannot read the store: %1").arg(overview.errorMessage()));
                        pendingDone();
                    });

    for (const QString &key : models::dashboardCardKeys()) {
        if (!storeExists)
            m_cards[key]->setCard(models::missingDashboardCard(key));
        else
            loadCard(key, generation);
    }
}

// Which analysis a card needs, for builds without it.
static std::optional<Analysis> analysisOfCard(const QString &key)
{
    if (key == QLatin1String("share"))
        return Analysis::Adoption;
    if (key == QLatin1String("coverage"))
        return Analysis::Coverage;
    if (key == QLatin1String("friction"))
        return Analysis::Friction;
    if (key == QLatin1String("newcomers"))
        return Analysis::Onboarding;
    return std::nullopt;
}

void DashboardView::loadCard(const QString &key, quint64 generation)
{
    HeadlineCard *card = m_cards[key];
    if (const auto analysis = analysisOfCard(key); analysis && !analysisAvailable(*analysis)) {
        card->setFigure(QStringLiteral("–"), tr("not in this build yet"));
        return;
    }
    card->setFigure(QStringLiteral("…"), tr("computing"));
    ++m_pending;
    runInBackground(this, [ctx = context(), key]() -> Result<models::DashboardCard> {
        auto store = Store::open(ctx.storeDir, Store::Mode::ReadOnly);
        if (!store)
            return store.status();
        return models::dashboardCard(*store, key, ctx.filter);
    }, [this, generation, card](Result<models::DashboardCard> result) {
        if (generation != this->generation())
            return;
        if (result)
            card->setCard(*result);
        else
            card->setFigure(QStringLiteral("–"), result.errorMessage());
        pendingDone();
    });
}

} // namespace kl::gui
