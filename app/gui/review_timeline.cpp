#include "review_timeline.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMenu>
#include <QPainter>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace kl::gui {

using Kind = ReviewTimeline::Kind;

namespace {

constexpr int kRailX = 22;     // rail centre, from the item's left edge
constexpr int kTextX = 42;     // text column
constexpr int kPad = 7;        // vertical padding of a node item
constexpr int kLineGap = 2;

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

QString day(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(QStringLiteral("yyyy-MM-dd")) : QObject::tr("date unknown");
}

// "1 reply", "3 replies": English plurals without a translation file.
QString countOf(qint64 n, const QString &one, const QString &many)
{
    return QStringLiteral("%1 %2").arg(QLocale().toString(n), n == 1 ? one : many);
}

QString daysBetween(const QDateTime &from, const QDateTime &to)
{
    if (!from.isValid() || !to.isValid())
        return {};
    const qint64 secs = from.secsTo(to);
    const qint64 a = std::abs(secs);
    const QString when = secs < 0 ? QObject::tr("before v1") : QObject::tr("after v1");
    if (a < 3600)
        return QObject::tr("within an hour of v1");
    if (a < 86400)
        return countOf((a + 1800) / 3600, QObject::tr("hour"), QObject::tr("hours")) + QLatin1Char(' ') + when;
    return countOf((a + 43200) / 86400, QObject::tr("day"), QObject::tr("days")) + QLatin1Char(' ') + when;
}

// Tooltips are rich text when they look like it, so ours always are, built from escaped lines.
QString escapedTooltip(const QStringList &lines)
{
    QStringList escaped;
    for (const QString &line : lines)
        if (!line.isEmpty())
            escaped.append(line.toHtmlEscaped());
    return QStringLiteral("<p style=\"white-space:pre-wrap\">%1</p>").arg(escaped.join(QStringLiteral("<br/>")));
}

QFont monoFont(const QFont &like)
{
    QFont f = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    f.setPointSizeF(like.pointSizeF());
    return f;
}

} // namespace

// ---- painting ---------------------------------------------------------------------------

static int lineCount(const QModelIndex &index)
{
    int n = 1;
    if (!index.data(ReviewTimeline::TitleRole).toString().isEmpty())
        ++n;
    if (!index.data(ReviewTimeline::DetailRole).toString().isEmpty())
        ++n;
    return n;
}

QSize TimelineDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QFontMetrics fm(option.font);
    const int width = option.rect.width() > 0 ? option.rect.width() : 300;
    switch (Kind(index.data(ReviewTimeline::KindRole).toInt())) {
    case Kind::Heading:
        return {width, fm.height() + 18};
    case Kind::Reviewer:
        return {width, fm.height() + 10};
    case Kind::Version:
    case Kind::Commit:
    case Kind::End: {
        const int n = lineCount(index);
        return {width, 2 * kPad + n * fm.height() + (n - 1) * kLineGap + 4};
    }
    }
    return {width, fm.height() + 8};
}

void TimelineDelegate::paint(QPainter *p, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    p->save();
    p->setRenderHint(QPainter::Antialiasing);
    const QPalette &pal = option.palette;
    const bool dark = isDark(pal);
    const QRect r = option.rect;
    const auto kind = Kind(index.data(ReviewTimeline::KindRole).toInt());
    const bool selected = option.state & QStyle::State_Selected;
    const bool hover = option.state & QStyle::State_MouseOver;
    const QColor color = index.data(ReviewTimeline::ColorRole).value<QColor>();
    const QColor text = pal.color(QPalette::Text);
    const QColor dim = pal.color(QPalette::PlaceholderText);
    const QFontMetrics fm(option.font);

    if (kind != Kind::Heading && (selected || hover)) {
        QColor bg = pal.color(QPalette::Highlight);
        bg.setAlpha(selected ? (dark ? 90 : 48) : (dark ? 30 : 18));
        p->setPen(Qt::NoPen);
        p->setBrush(bg);
        p->drawRoundedRect(QRectF(r).adjusted(3, 1.5, -3, -1.5), 6, 6);
        if (selected && (option.state & QStyle::State_HasFocus)) {
            QColor edge = pal.color(QPalette::Highlight);
            edge.setAlpha(160);
            p->setPen(QPen(edge, 1));
            p->setBrush(Qt::NoBrush);
            p->drawRoundedRect(QRectF(r).adjusted(3.5, 2, -3.5, -2), 6, 6);
        }
    }

    const qreal railX = r.left() + kRailX;
    const qreal nodeY = r.top() + kPad + fm.height() / 2.0 + 1;
    QColor rail = dim;
    rail.setAlpha(dark ? 140 : 110);
    const QPen railPen(rail, 2, Qt::SolidLine, Qt::FlatCap);
    const bool above = index.data(ReviewTimeline::RailAboveRole).toBool();
    const bool below = index.data(ReviewTimeline::RailBelowRole).toBool();
    p->setPen(railPen);
    if (kind == Kind::Heading) {
        if (above && below)
            p->drawLine(QPointF(railX, r.top()), QPointF(railX, r.bottom() + 1));
    } else {
        if (above)
            p->drawLine(QPointF(railX, r.top()), QPointF(railX, nodeY));
        if (below)
            p->drawLine(QPointF(railX, nodeY), QPointF(railX, r.bottom() + 1));
    }

    const QColor base = pal.color(QPalette::Base);
    switch (kind) {
    case Kind::Version:
        p->setPen(QPen(base, 2.5));
        p->setBrush(color);
        p->drawEllipse(QPointF(railX, nodeY), 7.5, 7.5);
        break;
    case Kind::Commit:
        p->setPen(QPen(base, 2.5));
        p->setBrush(color);
        p->drawEllipse(QPointF(railX, nodeY), 8, 8);
        p->setPen(Qt::NoPen);
        p->setBrush(base);
        p->drawEllipse(QPointF(railX, nodeY), 3, 3);
        break;
    case Kind::End:
        p->setPen(QPen(color.isValid() ? color : dim, 2, Qt::DotLine));
        p->setBrush(base);
        p->drawEllipse(QPointF(railX, nodeY), 6.5, 6.5);
        break;
    case Kind::Reviewer:
        p->setPen(Qt::NoPen);
        p->setBrush(dim);
        p->drawEllipse(QPointF(railX, r.center().y() + 0.5), 3, 3);
        break;
    case Kind::Heading:
        break;
    }

    const int x = r.left() + kTextX;
    const int right = r.right() - 10;
    const int width = std::max(10, right - x);
    const QString headline = index.data(ReviewTimeline::HeadlineRole).toString();

    if (kind == Kind::Heading) {
        QFont f = option.font;
        f.setBold(true);
        f.setPointSizeF(f.pointSizeF() * 0.9);
        f.setCapitalization(QFont::AllUppercase);
        f.setLetterSpacing(QFont::PercentageSpacing, 106);
        p->setFont(f);
        p->setPen(dim);
        const QRect box(x, r.top(), width, r.height());
        p->drawText(box, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine,
                    QFontMetrics(f).elidedText(headline, Qt::ElideRight, width));
        p->restore();
        return;
    }
    if (kind == Kind::Reviewer) {
        // "Name <email> (2 trailers, 3 replies)": the counts dimmed.
        const QString all = headline;
        const qsizetype cut = all.lastIndexOf(QStringLiteral(" ("));
        const QString who = cut > 0 ? all.left(cut) : all;
        const QString counts = cut > 0 ? all.mid(cut + 1) : QString();
        p->setFont(option.font);
        // The name keeps up to two thirds of the row; the counts take what is left.
        const int countsWidth = counts.isEmpty() ? 0
                                                 : std::min(fm.horizontalAdvance(counts) + 2,
                                                            std::max(width / 3, width - fm.horizontalAdvance(who) - 8));
        const QString whoText = fm.elidedText(who, Qt::ElideRight, width - countsWidth - (counts.isEmpty() ? 0 : 8));
        const QRect box(x, r.top(), width, r.height());
        p->setPen(index.data(ReviewTimeline::ColorRole).value<QColor>().isValid() ? dim : text);
        p->drawText(box, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine, whoText);
        if (!counts.isEmpty()) {
            p->setPen(dim);
            const int cx = x + fm.horizontalAdvance(whoText) + 8;
            p->drawText(QRect(cx, r.top(), right - cx, r.height()), Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine,
                        fm.elidedText(counts, Qt::ElideRight, right - cx));
        }
        p->restore();
        return;
    }

    // Node items: headline (bold) with a badge, then title, then detail (dim).
    int y = r.top() + kPad;
    QFont headFont = kind == Kind::Commit ? monoFont(option.font) : option.font;
    headFont.setBold(true);
    const QFontMetrics hfm(headFont);
    p->setFont(headFont);
    p->setPen(kind == Kind::End ? dim : text);
    const QString head = hfm.elidedText(headline, Qt::ElideRight, width * 2 / 3);
    p->drawText(QRect(x, y, width, fm.height()), Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine, head);
    const QString badge = index.data(ReviewTimeline::BadgeRole).toString();
    if (!badge.isEmpty()) {
        QFont bf = option.font;
        bf.setPointSizeF(bf.pointSizeF() * 0.85);
        bf.setBold(true);
        const QFontMetrics bfm(bf);
        const int bx = x + hfm.horizontalAdvance(head) + 10;
        const int maxW = right - bx;
        if (maxW > 24) {
            const QString b = bfm.elidedText(badge, Qt::ElideRight, maxW - 14);
            const QRectF pill(bx, y + (fm.height() - bfm.height() - 4) / 2.0, bfm.horizontalAdvance(b) + 14, bfm.height() + 4);
            QColor fill = color.isValid() ? color : dim;
            fill.setAlpha(dark ? 85 : 40);
            p->setPen(Qt::NoPen);
            p->setBrush(fill);
            p->drawRoundedRect(pill, pill.height() / 2, pill.height() / 2);
            QColor ink = color.isValid() ? color : dim;
            ink = dark ? ink.lighter(150) : ink.darker(135);
            p->setPen(ink);
            p->setFont(bf);
            p->drawText(pill, Qt::AlignCenter | Qt::TextSingleLine, b);
        }
    }
    y += fm.height() + kLineGap;
    p->setFont(option.font);
    const QString title = index.data(ReviewTimeline::TitleRole).toString();
    if (!title.isEmpty()) {
        p->setPen(kind == Kind::End ? dim : text);
        p->drawText(QRect(x, y, width, fm.height()), Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine,
                    fm.elidedText(title, Qt::ElideRight, width));
        y += fm.height() + kLineGap;
    }
    const QString detail = index.data(ReviewTimeline::DetailRole).toString();
    if (!detail.isEmpty()) {
        p->setPen(dim);
        p->drawText(QRect(x, y, width, fm.height()), Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine,
                    fm.elidedText(detail, Qt::ElideRight, width));
    }
    p->restore();
}

// ---- the widget -------------------------------------------------------------------------

QColor ReviewTimeline::outcomeColor(const QString &outcome)
{
    if (outcome == QStringLiteral("merged"))
        return QColor(0x2e, 0x9d, 0x5b);
    if (outcome == QStringLiteral("superseded"))
        return QColor(0x5b, 0x7f, 0xb0);
    if (outcome == QStringLiteral("rejected"))
        return QColor(0xd1, 0x45, 0x3b);
    if (outcome == QStringLiteral("pending"))
        return QColor(0xd0, 0x8a, 0x12);
    if (outcome == QStringLiteral("ignored"))
        return QColor(0x8e, 0x95, 0x9e);
    return QColor(0x8a, 0x8f, 0x98);
}

QColor ReviewTimeline::commitColor()
{
    return QColor(0x7b, 0x5c, 0xd6);
}

QString ReviewTimeline::outcomeLabel(const QString &outcome)
{
    return outcome.isEmpty() ? tr("unknown") : outcome;
}

ReviewTimeline::ReviewTimeline(QWidget *parent) : QWidget(parent)
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_stack = new QStackedWidget(this);
    outer->addWidget(m_stack);

    m_placeholder = new QLabel(m_stack);
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setTextFormat(Qt::PlainText);
    m_placeholder->setForegroundRole(QPalette::PlaceholderText);
    m_placeholder->setMargin(24);
    m_stack->addWidget(m_placeholder);

    auto *page = new QWidget(m_stack);
    page->setAutoFillBackground(true);
    page->setBackgroundRole(QPalette::Base);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);

    auto *head = new QWidget(page);
    auto *headLayout = new QVBoxLayout(head);
    headLayout->setContentsMargins(10, 4, 10, 0);
    headLayout->setSpacing(3);
    auto *titleRow = new QHBoxLayout;
    titleRow->setSpacing(8);
    m_title = new QLabel(head);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.15);
    big.setBold(true);
    m_title->setFont(big);
    m_badge = new QLabel(head);
    m_badge->setTextFormat(Qt::PlainText);
    m_badge->setAlignment(Qt::AlignCenter);
    titleRow->addWidget(m_title, 1);
    titleRow->addWidget(m_badge, 0, Qt::AlignTop);
    headLayout->addLayout(titleRow);
    m_meta = new QLabel(head);
    m_meta->setTextFormat(Qt::PlainText);
    m_meta->setWordWrap(true);
    m_meta->setForegroundRole(QPalette::PlaceholderText);
    m_meta->setTextInteractionFlags(Qt::TextSelectableByMouse);
    headLayout->addWidget(m_meta);
    layout->addWidget(head);

    m_list = new QListWidget(page);
    m_list->setObjectName(QStringLiteral("reviewTimelineList"));
    m_list->setItemDelegate(new TimelineDelegate(m_list));
    m_list->setFrameShape(QFrame::NoFrame);
    m_list->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setMouseTracking(true);
    m_list->setUniformItemSizes(false);
    m_list->setContextMenuPolicy(Qt::CustomContextMenu);
    m_list->setAccessibleName(tr("Patch set timeline"));
    layout->addWidget(m_list, 1);

    auto *detailsFrame = new QFrame(page);
    detailsFrame->setFrameShape(QFrame::StyledPanel);
    detailsFrame->setAutoFillBackground(true);
    detailsFrame->setBackgroundRole(QPalette::AlternateBase);
    auto *detailsLayout = new QVBoxLayout(detailsFrame);
    detailsLayout->setContentsMargins(10, 6, 10, 6);
    detailsLayout->setSpacing(4);
    m_details = new QLabel(detailsFrame);
    m_details->setObjectName(QStringLiteral("reviewTimelineDetails"));
    m_details->setTextFormat(Qt::PlainText);
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_details->setMinimumHeight(m_details->fontMetrics().height() * 3);
    m_details->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    detailsLayout->addWidget(m_details);
    auto *buttons = new QHBoxLayout;
    buttons->setSpacing(6);
    m_openThread = new QPushButton(tr("Open &Thread"), detailsFrame);
    m_openThread->setToolTip(tr("Show this version's thread in the reader"));
    m_copyId = new QPushButton(detailsFrame);
    buttons->addWidget(m_openThread);
    buttons->addWidget(m_copyId);
    buttons->addStretch(1);
    detailsLayout->addLayout(buttons);
    layout->addWidget(detailsFrame);
    m_stack->addWidget(page);

    connect(m_list, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) { onCurrentChanged(item); });
    connect(m_list, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        if (item && Kind(item->data(KindRole).toInt()) == Kind::Version)
            Q_EMIT threadRequested(item->data(MessageIdRole).toString());
    });
    connect(m_list, &QWidget::customContextMenuRequested, this, &ReviewTimeline::showContextMenu);
    connect(m_openThread, &QPushButton::clicked, this, [this] {
        if (QListWidgetItem *item = m_list->currentItem())
            Q_EMIT threadRequested(item->data(MessageIdRole).toString());
    });
    connect(m_copyId, &QPushButton::clicked, this, [this] {
        QListWidgetItem *item = m_list->currentItem();
        if (!item)
            return;
        if (Kind(item->data(KindRole).toInt()) == Kind::Commit)
            copyText(item->data(OidRole).toString(), tr("commit id"));
        else
            copyText(item->data(MessageIdRole).toString(), tr("Message-ID"));
    });
    clear(tr("Select a patch set to see its versions, the commits it became and who reviewed it."));
}

void ReviewTimeline::clear(const QString &placeholder)
{
    m_hasTimeline = false;
    m_timeline = {};
    m_list->clear();
    m_placeholder->setText(placeholder);
    m_stack->setCurrentWidget(m_placeholder);
}

QString ReviewTimeline::headerTitle() const
{
    return m_title->text();
}

QString ReviewTimeline::detailsText() const
{
    return m_details->text();
}

QListWidgetItem *ReviewTimeline::addItem(Kind kind, const QString &headline, const QString &title, const QString &detail)
{
    auto *item = new QListWidgetItem(m_list);
    item->setData(KindRole, int(kind));
    item->setData(HeadlineRole, headline);
    item->setData(TitleRole, title);
    item->setData(DetailRole, detail);
    QStringList spoken{headline, title, detail};
    spoken.removeAll(QString());
    item->setData(Qt::DisplayRole, spoken.join(QStringLiteral(" — ")));
    if (kind == Kind::Heading)
        item->setFlags(Qt::ItemIsEnabled);
    return item;
}

void ReviewTimeline::setTimeline(const SeriesTimeline &t)
{
    m_timeline = t;
    m_hasTimeline = true;
    m_list->clear();

    m_title->setText(t.title.isEmpty() ? tr("(untitled patch set)") : t.title);
    QStringList meta;
    if (!t.author.isEmpty())
        meta << t.author;
    if (!t.list.isEmpty())
        meta << t.list;
    if (!t.language.isEmpty())
        meta << (t.language == QStringLiteral("second") ? tr("second language")
                                                         : t.language == QStringLiteral("c") ? QStringLiteral("C") : t.language);
    if (!t.subsystems.isEmpty())
        meta << t.subsystems.join(QStringLiteral(", "));
    m_meta->setText(meta.join(QStringLiteral("  ·  ")));
    m_meta->setVisible(!meta.isEmpty());
    const QColor c = outcomeColor(t.outcome);
    m_badge->setText(outcomeLabel(t.outcome));
    m_badge->setStyleSheet(QStringLiteral("QLabel { background-color: %1; color: white; border-radius: 9px; "
                                          "padding: 2px 10px; font-weight: bold; }")
                               .arg(c.name()));

    const QDateTime v1 = t.versions.isEmpty() ? QDateTime() : t.versions.first().posted;
    addItem(Kind::Heading, tr("Versions (%1)").arg(t.versions.size()));
    for (int i = 0; i < t.versions.size(); ++i) {
        const TimelineVersion &v = t.versions[i];
        QStringList detail;
        detail << countOf(v.patches, tr("patch"), tr("patches")) << countOf(v.replies, tr("reply"), tr("replies"));
        if (i > 0)
            detail << daysBetween(v1, v.posted);
        auto *item = addItem(Kind::Version, QStringLiteral("v%1   %2").arg(v.version).arg(day(v.posted)), v.title,
                             detail.join(QStringLiteral("  ·  ")));
        item->setData(BadgeRole, outcomeLabel(v.outcome));
        item->setData(ColorRole, outcomeColor(v.outcome));
        item->setData(MessageIdRole, v.firstMessageId);
        item->setData(IndexRole, i);
        item->setData(RailAboveRole, i > 0);
        item->setData(RailBelowRole, true);
        item->setToolTip(escapedTooltip({QStringLiteral("v%1 · %2").arg(v.version).arg(outcomeLabel(v.outcome)), v.title,
                                         v.posted.isValid() ? v.posted.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")) : QString(),
                                         v.firstMessageId.isEmpty() ? QString() : QLatin1Char('<') + v.firstMessageId + QLatin1Char('>'),
                                         tr("Double-click or Enter: open the thread")}));
    }
    if (!t.commits.isEmpty()) {
        auto *heading = addItem(Kind::Heading, tr("Merged as (%1)").arg(countOf(t.commits.size(), tr("commit"), tr("commits"))));
        heading->setData(RailAboveRole, true);
        heading->setData(RailBelowRole, true);
        for (int j = 0; j < t.commits.size(); ++j) {
            const TimelineCommit &commit = t.commits[j];
            QStringList detail;
            detail << tr("committed %1").arg(day(commit.committed));
            if (const QString after = daysBetween(v1, commit.committed); !after.isEmpty())
                detail << after;
            if (!commit.method.isEmpty())
                detail << tr("linked by %1 (confidence %2)").arg(commit.method, QLocale().toString(commit.confidence, 'f', 2));
            auto *item = addItem(Kind::Commit, commit.oid.left(12), commit.subject, detail.join(QStringLiteral("  ·  ")));
            item->setData(BadgeRole, commit.release.isEmpty() ? tr("unreleased") : commit.release);
            item->setData(ColorRole, commitColor());
            item->setData(OidRole, commit.oid);
            item->setData(IndexRole, j);
            item->setData(RailAboveRole, true);
            item->setData(RailBelowRole, j + 1 < t.commits.size());
            item->setToolTip(escapedTooltip({commit.oid, commit.subject,
                                             commit.release.isEmpty() ? tr("in no release tag of the store yet")
                                                                      : tr("first in %1").arg(commit.release)}));
        }
    } else {
        const bool merged = t.outcome == QStringLiteral("merged");
        // Merged without a commit: an "applied" reply names a commit no ingested history has.
        auto *item = merged ? addItem(Kind::End, tr("Applied"),
                                      tr("An “applied” reply says so; the commit is not in an ingested repository."),
                                      tr("Add the repository it went into to see the commit and its release."))
                            : addItem(Kind::End, tr("Not merged"), tr("No commit in the store is linked to this patch set."));
        item->setData(BadgeRole, outcomeLabel(t.outcome));
        item->setData(ColorRole, outcomeColor(t.outcome));
        item->setData(RailAboveRole, !t.versions.isEmpty());
        item->setData(RailBelowRole, false);
        item->setFlags(Qt::ItemIsEnabled);
    }
    addItem(Kind::Heading, tr("Reviewers (%1)").arg(t.reviewers.size()));
    for (const QString &reviewer : t.reviewers) {
        auto *item = addItem(Kind::Reviewer, reviewer);
        item->setToolTip(escapedTooltip({reviewer}));
    }
    if (t.reviewers.isEmpty()) {
        auto *item = addItem(Kind::Reviewer, tr("Nobody else replied or gave a trailer"));
        item->setData(ColorRole, QColor(Qt::gray)); // drawn dim
        item->setFlags(Qt::ItemIsEnabled);
    }
    m_details->setText(tr("Select a version to read its thread, or a commit to see its id and release."));
    m_openThread->hide();
    m_copyId->hide();
    m_stack->setCurrentIndex(1);
    m_list->scrollToTop();
}

bool ReviewTimeline::selectVersion(int index)
{
    if (m_timeline.versions.isEmpty())
        return false;
    if (index < 0)
        index = int(m_timeline.versions.size()) - 1;
    for (int row = 0; row < m_list->count(); ++row) {
        QListWidgetItem *item = m_list->item(row);
        if (Kind(item->data(KindRole).toInt()) == Kind::Version && item->data(IndexRole).toInt() == index) {
            m_list->setCurrentItem(item);
            m_list->scrollToItem(item);
            return true;
        }
    }
    return false;
}

bool ReviewTimeline::selectCommit(int index)
{
    for (int row = 0; row < m_list->count(); ++row) {
        QListWidgetItem *item = m_list->item(row);
        if (Kind(item->data(KindRole).toInt()) == Kind::Commit && item->data(IndexRole).toInt() == index) {
            m_list->setCurrentItem(item);
            m_list->scrollToItem(item);
            return true;
        }
    }
    return false;
}

void ReviewTimeline::onCurrentChanged(QListWidgetItem *item)
{
    showDetails(item);
    if (item && Kind(item->data(KindRole).toInt()) == Kind::Version)
        Q_EMIT threadRequested(item->data(MessageIdRole).toString());
}

void ReviewTimeline::showDetails(QListWidgetItem *item)
{
    m_openThread->hide();
    m_copyId->hide();
    if (!item) {
        m_details->clear();
        return;
    }
    const Kind kind = Kind(item->data(KindRole).toInt());
    const int i = item->data(IndexRole).toInt();
    if (kind == Kind::Version && i >= 0 && i < m_timeline.versions.size()) {
        const TimelineVersion &v = m_timeline.versions[i];
        QStringList lines;
        lines << tr("v%1 — %2").arg(v.version).arg(v.title);
        lines << tr("Posted %1  ·  %2  ·  %3  ·  %4")
                     .arg(v.posted.isValid() ? v.posted.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")) : tr("date unknown"),
                          outcomeLabel(v.outcome), countOf(v.patches, tr("patch"), tr("patches")),
                          countOf(v.replies, tr("reply"), tr("replies")));
        lines << (v.firstMessageId.isEmpty() ? tr("No stored message opens this version.")
                                             : tr("Message-ID: <%1>").arg(v.firstMessageId));
        m_details->setText(lines.join(QLatin1Char('\n')));
        m_openThread->setVisible(!v.firstMessageId.isEmpty());
        m_copyId->setText(tr("Copy Message-ID"));
        m_copyId->setVisible(!v.firstMessageId.isEmpty());
    } else if (kind == Kind::Commit && i >= 0 && i < m_timeline.commits.size()) {
        const TimelineCommit &c = m_timeline.commits[i];
        QStringList lines;
        lines << tr("Commit %1").arg(c.oid);
        lines << c.subject;
        QStringList facts;
        facts << tr("committed %1").arg(c.committed.isValid() ? c.committed.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"))
                                                             : tr("date unknown"));
        facts << (c.release.isEmpty() ? tr("in no release tag of the store yet") : tr("first in %1").arg(c.release));
        if (!c.method.isEmpty())
            facts << tr("linked by %1, confidence %2").arg(c.method, QLocale().toString(c.confidence, 'f', 2));
        lines << facts.join(QStringLiteral("  ·  "));
        m_details->setText(lines.join(QLatin1Char('\n')));
        m_copyId->setText(tr("Copy Commit ID"));
        m_copyId->setVisible(!c.oid.isEmpty());
    } else {
        m_details->setText(item->data(Qt::DisplayRole).toString());
    }
}

void ReviewTimeline::showContextMenu(const QPoint &pos)
{
    QListWidgetItem *item = m_list->itemAt(pos);
    if (!item)
        return;
    const Kind kind = Kind(item->data(KindRole).toInt());
    QMenu menu(this);
    if (kind == Kind::Version) {
        const QString msgid = item->data(MessageIdRole).toString();
        QAction *open = menu.addAction(tr("Open Thread"), this, [this, msgid] { Q_EMIT threadRequested(msgid); });
        open->setEnabled(!msgid.isEmpty());
        QAction *copy = menu.addAction(tr("Copy Message-ID"), this, [this, msgid] { copyText(msgid, tr("Message-ID")); });
        copy->setEnabled(!msgid.isEmpty());
        const QString title = item->data(TitleRole).toString();
        menu.addAction(tr("Copy Title"), this, [this, title] { copyText(title, tr("title")); });
    } else if (kind == Kind::Commit) {
        const QString oid = item->data(OidRole).toString();
        menu.addAction(tr("Copy Commit ID"), this, [this, oid] { copyText(oid, tr("commit id")); });
        const QString subject = item->data(TitleRole).toString();
        menu.addAction(tr("Copy Subject"), this, [this, subject] { copyText(subject, tr("subject")); });
    } else if (kind == Kind::Reviewer) {
        const QString reviewer = item->data(HeadlineRole).toString();
        menu.addAction(tr("Copy"), this, [this, reviewer] { copyText(reviewer, tr("reviewer")); });
    } else {
        return;
    }
    menu.exec(m_list->viewport()->mapToGlobal(pos));
}

void ReviewTimeline::copyText(const QString &text, const QString &what)
{
    if (text.isEmpty())
        return;
    QApplication::clipboard()->setText(text);
    Q_EMIT statusMessage(tr("Copied the %1: %2").arg(what, text.left(80)));
}

} // namespace kl::gui
