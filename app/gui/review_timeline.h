#pragma once
// The Review view's timeline of one patch set: v1 -> v2 -> ... -> the merged commit(s) with their
// release, then who reviewed it. A list painted as a rail with one node per version and commit,
// a header (title, author, list, language, subsystems, outcome) and a details pane for the
// selected node (Open Thread, Copy Message-ID, Copy Commit ID).
//
// Titles and subjects come from mail, which is hostile: everything is drawn as plain text
// (QPainter::drawText, Qt::PlainText labels) and tooltips are built from escaped text.

#include "backends.h"

#include <QStyledItemDelegate>
#include <QWidget>

class QLabel;
class QListWidget;
class QListWidgetItem;
class QPushButton;
class QStackedWidget;

namespace kl::gui {

class TimelineDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

class ReviewTimeline : public QWidget
{
    Q_OBJECT
public:
    enum class Kind { Heading, Version, Commit, End, Reviewer };
    enum Role {
        KindRole = Qt::UserRole + 1,
        HeadlineRole,   // first line: "v2  2024-03-05" or the short commit id
        TitleRole,      // second line: patch set title or commit subject
        DetailRole,     // third line: counts, dates, link method
        BadgeRole,      // outcome or release
        ColorRole,      // node and badge colour
        MessageIdRole,  // versions: the Message-ID whose thread opens
        OidRole,        // commits: the full commit id
        RailAboveRole,  // draw the rail above / below the node
        RailBelowRole,
        IndexRole       // index into the timeline's versions or commits
    };

    explicit ReviewTimeline(QWidget *parent = nullptr);

    void setTimeline(const SeriesTimeline &timeline);
    void clear(const QString &placeholder);
    const SeriesTimeline &timeline() const { return m_timeline; }
    bool hasTimeline() const { return m_hasTimeline; }
    QListWidget *list() const { return m_list; }
    QString detailsText() const;
    QString headerTitle() const;

    // Selects a version (index into timeline().versions; -1 = the latest) or a commit.
    bool selectVersion(int index = -1);
    bool selectCommit(int index);

    static QColor outcomeColor(const QString &outcome);
    static QColor commitColor();
    static QString outcomeLabel(const QString &outcome);

Q_SIGNALS:
    // A version was selected or activated: open its thread.
    void threadRequested(const QString &messageId);
    void statusMessage(const QString &text);

private:
    void onCurrentChanged(QListWidgetItem *item);
    void showDetails(QListWidgetItem *item);
    void showContextMenu(const QPoint &pos);
    void copyText(const QString &text, const QString &what);
    QListWidgetItem *addItem(Kind kind, const QString &headline, const QString &title = {},
                             const QString &detail = {});

    SeriesTimeline m_timeline;
    bool m_hasTimeline = false;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_placeholder = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_meta = nullptr;
    QLabel *m_badge = nullptr;
    QListWidget *m_list = nullptr;
    QLabel *m_details = nullptr;
    QPushButton *m_openThread = nullptr;
    QPushButton *m_copyId = nullptr;
};

} // namespace kl::gui
