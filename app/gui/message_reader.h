#pragma once
// The thread and message reader shared by Friction and Search: the thread tree on the left, the
// message as plain text on the right, quoted runs folded, evidence sentences highlighted.
// Mail is hostile: every character is escaped before it reaches the text browser, links are not
// followed and no resource (remote or local) is ever loaded.

#include "backends.h"

#include <QSet>
#include <QTextBrowser>
#include <QWidget>

#include <functional>

class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace kl::gui {

class PlainMailBrowser : public QTextBrowser
{
    Q_OBJECT
public:
    explicit PlainMailBrowser(QWidget *parent = nullptr);
    QVariant loadResource(int type, const QUrl &name) override; // always empty: nothing is loaded
};

// Renders a message as safe HTML: escaped text in <pre>-like blocks, quoted runs longer than
// `foldAfter` lines folded unless their index is in `unfolded`, evidence phrases highlighted.
QString renderMessageHtml(const MessageText &message, const QStringList &evidence,
                          const QSet<int> &unfolded, int foldAfter = 3, bool dark = false);

class MessageReader : public QWidget
{
    Q_OBJECT
public:
    explicit MessageReader(QWidget *parent = nullptr);

    void setStoreDirectory(const QString &directory) { m_storeDir = directory; }
    void setEvidence(const QStringList &evidence) { m_evidence = evidence; }
    void showThreadOfMessage(qint64 messageRowId);
    // The thread holding a Message-ID; its first stored message is shown.
    void showThreadOfMessageId(const QString &messageId);
    void showThread(qint64 threadId);
    void clear(const QString &placeholder = {});
    QString currentHtml() const;

Q_SIGNALS:
    void loaded();

private:
    void showMessage(qint64 messageRowId);
    void setNodes(const QList<ThreadNode> &nodes, qint64 select);
    void showLoadedThread(std::function<Result<QList<ThreadNode>>(Store &)> load);
    void render();

    QString m_storeDir;
    QStringList m_evidence;
    QTreeWidget *m_tree = nullptr;
    PlainMailBrowser *m_browser = nullptr;
    MessageText m_message;
    QSet<int> m_unfolded;
    quint64 m_generation = 0;
};

} // namespace kl::gui
