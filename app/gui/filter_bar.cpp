#include "filter_bar.h"

#include <QComboBox>
#include <QDateEdit>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QToolButton>

#include <algorithm>

namespace kl::gui {

// The earliest date stands for "open": QDateEdit shows its special text there.
static const QDate kOpenDate(1990, 1, 1);

static QDateEdit *makeDateEdit(QWidget *parent, const QString &openText)
{
    auto *edit = new QDateEdit(parent);
    edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    edit->setCalendarPopup(true);
    edit->setMinimumDate(kOpenDate);
    edit->setMaximumDate(QDate(2100, 1, 1));
    edit->setSpecialValueText(openText);
    edit->setDate(kOpenDate);
    return edit;
}

FilterBar::FilterBar(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    auto addLabel = [&](const QString &text, QWidget *buddy) {
        auto *label = new QLabel(text, this);
        label->setBuddy(buddy);
        label->setMinimumWidth(label->sizeHint().width() + 4);   // offscreen metrics clipped "To" to "Tc"
        layout->addWidget(label);
        layout->addWidget(buddy);
    };
    m_since = makeDateEdit(this, tr("any"));
    m_until = makeDateEdit(this, tr("any"));
    m_subsystem = new QComboBox(this);
    m_subsystem->setEditable(true);
    m_subsystem->setInsertPolicy(QComboBox::NoInsert);
    m_subsystem->setMinimumContentsLength(18);
    m_subsystem->lineEdit()->setPlaceholderText(tr("all subsystems"));
    m_list = new QComboBox(this);
    m_list->setEditable(true);
    m_list->setInsertPolicy(QComboBox::NoInsert);
    m_list->setMinimumContentsLength(14);
    m_list->lineEdit()->setPlaceholderText(tr("all lists"));
    addLabel(tr("&From"), m_since);
    addLabel(tr("&To"), m_until);
    layout->addSpacing(12);
    addLabel(tr("S&ubsystem"), m_subsystem);
    addLabel(tr("&List"), m_list);
    layout->addSpacing(12);
    m_releases = new QComboBox(this);
    m_releases->addItem(tr("Feature releases"), int(models::ReleaseSet::Feature));
    m_releases->addItem(tr("All tags"), int(models::ReleaseSet::All));
    m_releases->setToolTip(tr("Per-release charts and tables: feature releases (v6.12), with maintenance releases "
                              "(v6.12.3) and release candidates (v6.12-rc4) counted under theirs; or every tag on its own"));
    addLabel(tr("&Releases"), m_releases);
    auto *reset = new QToolButton(this);
    reset->setText(tr("Clear filters"));
    reset->setAutoRaise(true);
    layout->addWidget(reset);
    layout->addStretch(1);

    connect(m_since, &QDateEdit::dateChanged, this, &FilterBar::emitChanged);
    connect(m_until, &QDateEdit::dateChanged, this, &FilterBar::emitChanged);
    connect(m_subsystem->lineEdit(), &QLineEdit::editingFinished, this, &FilterBar::emitChanged);
    connect(m_subsystem, &QComboBox::activated, this, &FilterBar::emitChanged);
    connect(m_list->lineEdit(), &QLineEdit::editingFinished, this, &FilterBar::emitChanged);
    connect(m_list, &QComboBox::activated, this, &FilterBar::emitChanged);
    connect(m_releases, &QComboBox::currentIndexChanged, this, &FilterBar::emitChanged);
    connect(reset, &QToolButton::clicked, this, [this] { setFilter({}); emitChanged(); });
}

models::Filter FilterBar::filter() const
{
    models::Filter f;
    if (m_since->date() != kOpenDate)
        f.since = m_since->date();
    if (m_until->date() != kOpenDate)
        f.until = m_until->date();
    f.subsystem = m_subsystem->currentText().trimmed();
    f.list = m_list->currentText().trimmed();
    f.releases = models::ReleaseSet(m_releases->currentData().toInt());
    return f;
}

void FilterBar::setFilter(const models::Filter &filter)
{
    m_blocking = true;
    m_since->setDate(filter.since.isValid() ? filter.since : kOpenDate);
    m_until->setDate(filter.until.isValid() ? filter.until : kOpenDate);
    m_subsystem->setEditText(filter.subsystem);
    m_list->setEditText(filter.list);
    m_releases->setCurrentIndex(std::max(0, m_releases->findData(int(filter.releases))));
    m_blocking = false;
}

void FilterBar::setChoices(const QStringList &subsystems, const QStringList &lists)
{
    const models::Filter current = filter();
    m_blocking = true;
    m_subsystem->clear();
    m_subsystem->addItem(QString());
    m_subsystem->addItems(subsystems);
    m_list->clear();
    m_list->addItem(QString());
    m_list->addItems(lists);
    m_blocking = false;
    setFilter(current);
}

void FilterBar::save(QSettings &settings) const
{
    const models::Filter f = filter();
    settings.beginGroup(QStringLiteral("filter"));
    settings.setValue(QStringLiteral("since"), f.since);
    settings.setValue(QStringLiteral("until"), f.until);
    settings.setValue(QStringLiteral("subsystem"), f.subsystem);
    settings.setValue(QStringLiteral("list"), f.list);
    settings.setValue(QStringLiteral("releases"), models::releaseSetName(f.releases));
    settings.endGroup();
}

void FilterBar::restore(QSettings &settings)
{
    models::Filter f;
    settings.beginGroup(QStringLiteral("filter"));
    f.since = settings.value(QStringLiteral("since")).toDate();
    f.until = settings.value(QStringLiteral("until")).toDate();
    f.subsystem = settings.value(QStringLiteral("subsystem")).toString();
    f.list = settings.value(QStringLiteral("list")).toString();
    f.releases = models::releaseSetFromName(settings.value(QStringLiteral("releases")).toString()).value_or(models::ReleaseSet::Feature);
    settings.endGroup();
    setFilter(f);
}

void FilterBar::emitChanged()
{
    if (!m_blocking)
        Q_EMIT filterChanged(filter());
}

} // namespace kl::gui
