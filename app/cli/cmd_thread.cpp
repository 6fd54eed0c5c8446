// kernellens-cli thread MSGID: the thread around a message, as an indented tree (text), nested
// JSON, or a flat CSV table with a depth column. Read-only.

#include "cli.h"

#include <kernellens/models/mail.h>
#include <kernellens/models/visible_text.h>

#include <QJsonArray>
#include <QJsonObject>

namespace kl::cli {

namespace {

using models::ThreadNode;
using models::ThreadTree;

// Mail text reaches a terminal: control characters (escape sequences) and bidi overrides are
// shown, never acted on.
QString printable(const QString &s)
{
    return report::visibleText(s);
}

QString dateText(const QDateTime &date)
{
    return date.isValid() ? date.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QStringLiteral("(no date)").leftJustified(16);
}

QJsonObject nodeToJson(const ThreadTree &tree, int index)
{
    const ThreadNode &node = tree.nodes[index];
    QJsonObject json{
        {QStringLiteral("message_id"), node.messageId},
        {QStringLiteral("ghost"), node.isGhost()},
        {QStringLiteral("depth"), node.depth},
    };
    if (!node.isGhost()) {
        json.insert(QStringLiteral("id"), node.messageRowId);
        json.insert(QStringLiteral("subject"), node.subject);
        json.insert(QStringLiteral("from"), QJsonObject{{QStringLiteral("name"), node.fromName},
                                                        {QStringLiteral("email"), node.fromEmail}});
        json.insert(QStringLiteral("date"), node.date.isValid() ? QJsonValue(node.date.toUTC().toString(Qt::ISODate))
                                                                : QJsonValue());
    }
    if (index == tree.focus)
        json.insert(QStringLiteral("focus"), true);
    QJsonArray children;
    for (int child : node.children)
        children.append(nodeToJson(tree, child));
    json.insert(QStringLiteral("children"), children);
    return json;
}

// Each level indents by three columns; a 5,000-deep reply chain would print 38 MB of them.
// Deeper than this, the branches stay where they are and the depth is written as a number.
constexpr int kIndentLevels = 16;

void printTree(QTextStream &out, const ThreadTree &tree, bool showIds)
{
    out << printable(tree.subject) << '\n';
    out << QStringLiteral("thread %1 in %2: %3 messages, %4 missing, %5 participants, depth %6\n\n")
               .arg(tree.threadId)
               .arg(printable(tree.list))
               .arg(tree.messageCount)
               .arg(tree.ghostCount)
               .arg(tree.participants)
               .arg(tree.maxDepth);
    if (tree.maxDepth > kIndentLevels)
        out << QStringLiteral("replies deeper than %1 levels are not indented further but marked [depth N]; "
                              "this thread goes %2 levels deep\n\n")
                   .arg(kIndentLevels)
                   .arg(tree.maxDepth);

    // Authors in one column so the tree and the subjects line up.
    qsizetype authorWidth = 6;
    for (const auto &node : tree.nodes)
        authorWidth = std::max(authorWidth, std::min<qsizetype>(node.author().size(), 28));

    // Walk in pre-order with the tree's own structure, drawing the branches.
    struct Frame { int node; QString prefix; bool last; bool top; int level; };
    QList<Frame> stack;
    for (qsizetype i = tree.roots.size() - 1; i >= 0; --i)
        stack.append({tree.roots[i], QString(), i == tree.roots.size() - 1, true, 0});
    while (!stack.isEmpty()) {
        const Frame frame = stack.takeLast();
        const ThreadNode &node = tree.nodes[frame.node];
        const QString branch = frame.top ? QString() : frame.prefix + (frame.last ? QStringLiteral("└─ ") : QStringLiteral("├─ "));
        QString author = printable(node.author());
        if (author.size() > 28)
            author = author.left(27) + QChar(0x2026);
        const QString marker = frame.node == tree.focus ? QStringLiteral("* ") : QStringLiteral("  ");
        const QString depth = frame.level > kIndentLevels ? QStringLiteral("[depth %1] ").arg(node.depth) : QString();
        if (node.isGhost()) {
            out << marker << QString(16, QLatin1Char(' ')) << "  " << QString(authorWidth, QLatin1Char(' ')) << "  "
                << branch << depth << "[not in the archive] <" << printable(node.messageId) << ">\n";
        } else {
            out << marker << dateText(node.date) << "  " << author.leftJustified(authorWidth) << "  " << branch
                << depth << printable(node.subject);
            if (showIds)
                out << "  <" << printable(node.messageId) << '>';
            out << '\n';
        }
        QString childPrefix = frame.prefix;
        if (frame.top)
            childPrefix.clear();
        else if (frame.level < kIndentLevels)
            childPrefix += frame.last ? QStringLiteral("   ") : QStringLiteral("│  ");
        for (qsizetype i = node.children.size() - 1; i >= 0; --i)
            stack.append({node.children[i], childPrefix, i == node.children.size() - 1, false, frame.level + 1});
    }
    out.flush();
}

} // namespace

int thread(Context &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Show the thread holding a message: a tree with dates, authors and subjects; missing "
        "messages that replies refer to are shown as ghosts. MSGID is a Message-ID (with or "
        "without <>) or a message row id as `search --json` prints it."));
    parser.addPositionalArgument(QStringLiteral("msgid"), QStringLiteral("the Message-ID"), QStringLiteral("MSGID"));
    const QCommandLineOption idsOption(QStringLiteral("ids"), QStringLiteral("print each message's Message-ID too"));
    parser.addOption(idsOption);
    int exitCode = ExitOk;
    if (!parseOrExit(ctx, parser, args, exitCode))
        return exitCode;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return ctx.usage(QStringLiteral("thread needs exactly one MSGID"));

    auto store = ctx.openStore(Store::Mode::ReadOnly);
    if (!store)
        return ctx.fail(store.status());
    auto tree = models::loadThread(*store, positional.first());
    if (!tree)
        return ctx.fail(tree.status());

    switch (ctx.format) {
    case OutputFormat::Json: {
        QJsonArray roots;
        for (int root : tree->roots)
            roots.append(nodeToJson(*tree, root));
        ctx.printJson(QJsonObject{
            {QStringLiteral("thread_id"), tree->threadId},
            {QStringLiteral("list"), tree->list},
            {QStringLiteral("subject"), tree->subject},
            {QStringLiteral("root_message_id"), tree->rootMessageId},
            {QStringLiteral("message_count"), tree->messageCount},
            {QStringLiteral("ghost_count"), tree->ghostCount},
            {QStringLiteral("participants"), tree->participants},
            {QStringLiteral("max_depth"), tree->maxDepth},
            {QStringLiteral("focus_message_id"), tree->focus >= 0 ? tree->nodes[tree->focus].messageId : QString()},
            {QStringLiteral("tree"), roots},
        });
        return ExitOk;
    }
    case OutputFormat::Csv: {
        report::Table table;
        table.id = QStringLiteral("thread.nodes");
        table.columns = {
            {QStringLiteral("depth"), QStringLiteral("Depth"), report::Column::Kind::Integer},
            {QStringLiteral("date"), QStringLiteral("Date"), report::Column::Kind::DateTime},
            {QStringLiteral("from_name"), QStringLiteral("From"), report::Column::Kind::Text},
            {QStringLiteral("from_email"), QStringLiteral("Address"), report::Column::Kind::Text},
            {QStringLiteral("subject"), QStringLiteral("Subject"), report::Column::Kind::Text},
            {QStringLiteral("message_id"), QStringLiteral("Message-ID"), report::Column::Kind::Text},
            {QStringLiteral("parent_message_id"), QStringLiteral("Parent"), report::Column::Kind::Text},
            {QStringLiteral("ghost"), QStringLiteral("Ghost"), report::Column::Kind::Integer},
        };
        for (const auto &node : tree->nodes) {
            table.rows.append(QVariantList{
                node.depth, node.date.isValid() ? QVariant(node.date) : QVariant(), node.fromName, node.fromEmail,
                node.subject, node.messageId,
                node.parent >= 0 ? QVariant(tree->nodes[node.parent].messageId) : QVariant(),
                node.isGhost() ? 1 : 0});
        }
        ctx.print(table);
        return ExitOk;
    }
    case OutputFormat::Text:
        printTree(ctx.out, *tree, parser.isSet(idsOption));
        return ExitOk;
    }
    return ExitOk;
}

} // namespace kl::cli
