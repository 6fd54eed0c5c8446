#include "view.h"

#include <QLabel>
#include <QPushButton>
#include <QStackedLayout>
#include <QVBoxLayout>

namespace kl::gui {

EmptyState::EmptyState(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->addStretch(2);
    m_title = new QLabel(this);
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    m_title->setFont(big);
    m_title->setAlignment(Qt::AlignCenter);
    m_title->setWordWrap(true);
    m_detail = new QLabel(this);
    m_detail->setAlignment(Qt::AlignCenter);
    m_detail->setWordWrap(true);
    m_detail->setForegroundRole(QPalette::PlaceholderText);
    m_detail->setTextFormat(Qt::PlainText);
    m_action = new QPushButton(this);
    m_action->setDefault(true);
    layout->addWidget(m_title);
    layout->addWidget(m_detail);
    auto *row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(m_action);
    row->addStretch(1);
    layout->addSpacing(8);
    layout->addLayout(row);
    layout->addStretch(3);
    connect(m_action, &QPushButton::clicked, this, &EmptyState::actionTriggered);
}

void EmptyState::set(const QString &title, const QString &detail, const QString &actionText)
{
    m_title->setText(title);
    m_detail->setText(detail);
    m_detail->setVisible(!detail.isEmpty());
    m_action->setText(actionText);
    m_action->setVisible(!actionText.isEmpty());
}

QString EmptyState::title() const
{
    return m_title->text();
}

View::View(const QString &name, const QString &title, QWidget *parent)
    : QWidget(parent), m_name(name), m_title(title)
{
    m_stack = new QStackedLayout(this);
    m_empty = new EmptyState(this);
    m_loadingLabel = new QLabel(this);
    m_loadingLabel->setAlignment(Qt::AlignCenter);
    m_loadingLabel->setForegroundRole(QPalette::PlaceholderText);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_loadingLabel);
    connect(m_empty, &EmptyState::actionTriggered, this, [this] {
        if (!m_emptyActionView.isEmpty())
            Q_EMIT navigateRequested(m_emptyActionView);
    });
}

void View::setContent(QWidget *content)
{
    m_content = content;
    m_stack->addWidget(content);
}

void View::showContent()
{
    if (m_content)
        m_stack->setCurrentWidget(m_content);
}

void View::showEmpty(const QString &title, const QString &detail, const QString &actionText,
                     const QString &actionView)
{
    m_empty->set(title, detail, actionText);
    m_emptyActionView = actionView;
    m_stack->setCurrentWidget(m_empty);
}

void View::showLoading(const QString &text)
{
    m_loadingLabel->setText(text.isEmpty() ? tr("Loading %1…").arg(m_title) : text);
    // Keep what is on screen while refreshing; only a first load shows the note.
    if (m_stack->currentWidget() != m_content)
        m_stack->setCurrentWidget(m_loadingLabel);
}

void View::setContext(const ViewContext &context)
{
    m_context = context;
    m_stale = true;
    if (isVisible())
        reload();
}

void View::reload()
{
    m_stale = false;
    m_loading = true;
    load();
}

void View::finishLoading()
{
    m_loading = false;
    Q_EMIT ready();
}

void View::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_stale)
        reload();
}

bool sameFilter(const models::Filter &a, const models::Filter &b)
{
    return a.since == b.since && a.until == b.until && a.subsystem == b.subsystem && a.list == b.list
           && a.release == b.release && a.compareRelease == b.compareRelease && a.period == b.period
           && a.top == b.top && a.releases == b.releases;
}

} // namespace kl::gui
