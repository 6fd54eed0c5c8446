#pragma once
// JWZ threading (https://www.jwz.org/doc/threading.html) on Message-ID, References and
// In-Reply-To, without subject merging. Missing parents become ghost nodes, which are kept
// (a thread whose root was never archived still hangs together under its ghost). Loops and
// self-references are broken. Pure and deterministic: the same input gives the same forest.

#include <QList>
#include <QString>
#include <QStringList>

namespace kl::mail {

struct ThreadInput
{
    qint64 rowId = 0;
    QString messageId;
    QStringList references;     // oldest first, In-Reply-To last
    qint64 date = 0;
};

struct ThreadNode
{
    QString messageId;
    qint64 rowId = 0;           // 0 for a ghost
    int parent = -1;            // index into ThreadForest::nodes, -1 for a root
    int depth = 0;
    int root = 0;               // index of the thread's root node
};

struct ThreadForest
{
    // Threads one after the other, each in pre-order (children by date, then Message-ID).
    QList<ThreadNode> nodes;
    QList<int> roots;           // index of each root node, in the order of `nodes`
};

ThreadForest threadMessages(const QList<ThreadInput> &messages);

} // namespace kl::mail
