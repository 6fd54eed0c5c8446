#include "message_reader.h"

#include "background.h"
#include "theme.h"

#include <kernellens/models/visible_text.h>

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QRegularExpression>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace kl::gui {

PlainMailBrowser::PlainMailBrowser(QWidget *parent) : QTextBrowser(parent)
{
    setOpenLinks(false);
    setOpenExternalLinks(false);
    setUndoRedoEnabled(false);
    setReadOnly(true);
}

QVariant PlainMailBrowser::loadResource(int, const QUrl &)
{
    return {};
}

static QString escaped(QStringView raw)
{
    // Controls and bidi overrides first become visible symbols; then HTML is escaped.
    const QString text = kl::report::visibleText(raw, kl::report::LineBreaks::Keep);
    QString out;
    out.reserve(text.size() + 16);
    for (QChar c : text) {
        switch (c.unicode()) {
        case '<': out += QStringLiteral("&lt;"); break;
        case '>': out += QStringLiteral("&gt;"); break;
        case '&': out += QStringLiteral("&amp;"); break;
        case '"': out += QStringLiteral("&quot;"); break;
        case ' ': out += QStringLiteral("&nbsp;"); break;
        case '\t': out += QStringLiteral("&nbsp;&nbsp;&nbsp;&nbsp;"); break;
        case '\r': break;
        default:
            out += c;
        }
    }
    return out;
}

// Marks the characters covered by any evidence phrase; whitespace in a phrase matches any run
// of whitespace (the classifier collapsed it, the body did not).
static QList<bool> evidenceMask(const QString &body, const QStringList &evidence)
{
    QList<bool> mask(body.size(), false);
    for (const QString &phrase : evidence) {
        const QStringList words = phrase.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (words.isEmpty())
            continue;
        QStringList parts;
        for (const QString &w : words)
            parts.append(QRegularExpression::escape(w));
        const QRegularExpression re(parts.join(QStringLiteral("\\s+(?:>\\s*)*")),
                                    QRegularExpression::CaseInsensitiveOption);
        auto it = re.globalMatch(body);
        while (it.hasNext()) {
            const auto m = it.next();
            for (qsizetype i = m.capturedStart(); i < m.capturedEnd(); ++i)
                mask[i] = true;
        }
    }
    return mask;
}

QString renderMessageHtml(const MessageText &message, const QStringList &evidence,
                          const QSet<int> &unfolded, int foldAfter, bool dark)
{
    const QString quoteColor = dark ? QStringLiteral("#8fb3d9") : QStringLiteral("#35608f");
    const QString dimColor = dark ? QStringLiteral("#9aa0a8") : QStringLiteral("#666b73");
    const QString markBg = dark ? QStringLiteral("#7a5d00") : QStringLiteral("#ffe38a");
    QString html;
    html += QStringLiteral("<div style=\"font-family: sans-serif\"><h3 style=\"margin:0\">%1</h3>")
                .arg(escaped(message.subject.isEmpty() ? QStringLiteral("(no subject)") : message.subject));
    auto header = [&](const QString &name, const QString &value) {
        if (!value.isEmpty())
            html += QStringLiteral("<div><span style=\"color:%1\">%2:</span> %3</div>")
                        .arg(dimColor, escaped(name), escaped(value));
    };
    header(QObject::tr("From"), message.from);
    header(QObject::tr("To"), message.to.join(QStringLiteral(", ")));
    header(QObject::tr("Cc"), message.cc.join(QStringLiteral(", ")));
    header(QObject::tr("Date"), message.date.isValid() ? message.date.toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")) : QString());
    header(QObject::tr("List"), message.list);
    header(QObject::tr("Message-ID"), message.messageId.isEmpty() ? QString() : QLatin1Char('<') + message.messageId + QLatin1Char('>'));
    header(QObject::tr("Attachments"), message.attachments.join(QStringLiteral(", ")));
    html += QStringLiteral("</div><hr/><div style=\"font-family: monospace; white-space: pre-wrap\">");

    const QString &body = message.body;
    const QList<bool> mask = evidenceMask(body, evidence);
    auto renderLine = [&](qsizetype start, qsizetype end) {
        QString out;
        bool inMark = false;
        qsizetype runStart = start;
        for (qsizetype i = start; i <= end; ++i) {
            const bool marked = i < end && mask[i];
            if (i == end || marked != inMark) {
                const QString piece = escaped(QStringView(body).mid(runStart, i - runStart));
                out += inMark ? QStringLiteral("<span style=\"background-color:%1\">%2</span>").arg(markBg, piece) : piece;
                runStart = i;
                inMark = marked;
            }
        }
        return out;
    };

    // Lines with their offsets, grouped into quoted and unquoted runs.
    struct Line { qsizetype start; qsizetype end; bool quoted; };
    QList<Line> lines;
    qsizetype pos = 0;
    while (pos <= body.size()) {
        qsizetype nl = body.indexOf(QLatin1Char('\n'), pos);
        if (nl < 0)
            nl = body.size();
        const QStringView text = QStringView(body).mid(pos, nl - pos).trimmed();
        lines.append({pos, nl, text.startsWith(QLatin1Char('>'))});
        pos = nl + 1;
    }
    int quoteRun = 0;
    for (qsizetype i = 0; i < lines.size();) {
        if (!lines[i].quoted) {
            html += renderLine(lines[i].start, lines[i].end) + QStringLiteral("<br/>");
            ++i;
            continue;
        }
        qsizetype j = i;
        bool runHasEvidence = false;
        while (j < lines.size() && lines[j].quoted) {
            for (qsizetype k = lines[j].start; k < lines[j].end && !runHasEvidence; ++k)
                runHasEvidence = mask[k];
            ++j;
        }
        const int run = quoteRun++;
        const qsizetype count = j - i;
        if (count > foldAfter && !unfolded.contains(run) && !runHasEvidence) {
            html += QStringLiteral("<a href=\"kl-unfold:%1\" style=\"color:%2\">▸ %3</a><br/>")
                        .arg(run)
                        .arg(quoteColor, QObject::tr("%n quoted line(s) — show", nullptr, int(count)));
        } else {
            html += QStringLiteral("<span style=\"color:%1\">").arg(quoteColor);
            for (qsizetype k = i; k < j; ++k)
                html += renderLine(lines[k].start, lines[k].end) + QStringLiteral("<br/>");
            html += QStringLiteral("</span>");
        }
        i = j;
    }
    html += QStringLiteral("</div>");
    return html;
}

MessageReader::MessageReader(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    m_tree = new QTreeWidget(splitter);
    m_tree->setHeaderLabels({tr("Subject"), tr("From"), tr("Date")});
    m_tree->setRootIsDecorated(true);
    m_tree->setUniformRowHeights(true);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_browser = new PlainMailBrowser(splitter);
    splitter->addWidget(m_tree);
    splitter->addWidget(m_browser);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    layout->addWidget(splitter);
    connect(m_tree, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (item && item->data(0, Qt::UserRole).toLongLong() > 0)
            showMessage(item->data(0, Qt::UserRole).toLongLong());
    });
    connect(m_browser, &QTextBrowser::anchorClicked, this, [this](const QUrl &url) {
        if (url.scheme() == QStringLiteral("kl-unfold")) {
            m_unfolded.insert(url.path().toInt());
            render();
        }
        // Every other link is inert: mail never opens anything.
    });
    clear();
}

void MessageReader::clear(const QString &placeholder)
{
    ++m_generation;
    m_tree->clear();
    m_message = {};
    m_browser->setHtml(QStringLiteral("<p style=\"color:gray\">%1</p>")
                           .arg(escaped(placeholder.isEmpty() ? tr("Select a thread or a message to read it.") : placeholder)));
}

QString MessageReader::currentHtml() const
{
    return m_browser->toHtml();
}

void MessageReader::showThreadOfMessage(qint64 messageRowId)
{
    const quint64 generation = ++m_generation;
    const QString dir = m_storeDir;
    runInBackground(this, [dir, messageRowId]() -> Result<QList<ThreadNode>> {
        auto store = Store::open(dir, Store::Mode::ReadOnly);
        if (!store)
            return store.status();
        return loadThreadOf(*store, QString::number(messageRowId));
    }, [this, generation, messageRowId](Result<QList<ThreadNode>> nodes) {
        if (generation != m_generation)
            return;
        setNodes(nodes ? *nodes : QList<ThreadNode>{}, messageRowId);
        if (!nodes || nodes->isEmpty())
            showMessage(messageRowId);
    });
}

void MessageReader::showThreadOfMessageId(const QString &messageId)
{
    showLoadedThread([messageId](Store &store) { return loadThreadOf(store, messageId); });
}

void MessageReader::showThread(qint64 threadId)
{
    showLoadedThread([threadId](Store &store) { return loadThread(store, threadId); });
}

// Loads a thread off the GUI thread and selects its first real (non-ghost) message.
void MessageReader::showLoadedThread(std::function<Result<QList<ThreadNode>>(Store &)> load)
{
    const quint64 generation = ++m_generation;
    const QString dir = m_storeDir;
    runInBackground(this, [dir, load = std::move(load)]() -> Result<QList<ThreadNode>> {
        auto store = Store::open(dir, Store::Mode::ReadOnly);
        if (!store)
            return store.status();
        return load(*store);
    }, [this, generation](Result<QList<ThreadNode>> nodes) {
        if (generation != m_generation)
            return;
        if (!nodes) {
            m_browser->setPlainText(tr("Cannot load the thread: %1").arg(nodes.errorMessage()));
            Q_EMIT loaded();
            return;
        }
        qint64 first = 0;
        for (const ThreadNode &n : *nodes)
            if (n.messageRowId > 0) {
                first = n.messageRowId;
                break;
            }
        setNodes(*nodes, first);
        if (!first)
            Q_EMIT loaded();
    });
}

void MessageReader::setNodes(const QList<ThreadNode> &nodes, qint64 select)
{
    m_tree->clear();
    QList<QTreeWidgetItem *> parents;
    QTreeWidgetItem *selected = nullptr;
    for (const ThreadNode &node : nodes) {
        while (parents.size() > node.depth)
            parents.removeLast();
        auto *item = parents.isEmpty() ? new QTreeWidgetItem(m_tree) : new QTreeWidgetItem(parents.last());
        item->setText(0, node.subject);
        item->setText(1, node.from);
        item->setText(2, node.date.isValid() ? node.date.toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QString());
        item->setData(0, Qt::UserRole, node.messageRowId);
        item->setToolTip(0, node.subject);
        if (node.messageRowId == 0)
            item->setForeground(0, palette().brush(QPalette::PlaceholderText));
        while (parents.size() < node.depth)
            parents.append(item); // ghosts of skipped depths: keep the tree consistent
        parents.append(item);
        if (node.messageRowId == select)
            selected = item;
    }
    m_tree->expandAll();
    if (selected) {
        QSignalBlocker block(m_tree);
        m_tree->setCurrentItem(selected);
    }
    if (select > 0 && !nodes.isEmpty())
        showMessage(select);
}

void MessageReader::showMessage(qint64 messageRowId)
{
    const quint64 generation = ++m_generation;
    const QString dir = m_storeDir;
    runInBackground(this, [dir, messageRowId]() -> Result<MessageText> {
        auto store = Store::open(dir, Store::Mode::ReadOnly);
        if (!store)
            return store.status();
        return readMessage(*store, messageRowId);
    }, [this, generation](Result<MessageText> message) {
        if (generation != m_generation)
            return;
        m_unfolded.clear();
        if (!message) {
            m_message = {};
            m_browser->setPlainText(tr("Cannot read the message: %1").arg(message.errorMessage()));
        } else {
            m_message = *message;
            render();
        }
        Q_EMIT loaded();
    });
}

void MessageReader::render()
{
    m_browser->setHtml(renderMessageHtml(m_message, m_evidence, m_unfolded, 3, isDarkPalette()));
}

} // namespace kl::gui
