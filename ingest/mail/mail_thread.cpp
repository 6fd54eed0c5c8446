#include "mail_thread.h"

#include <QHash>

#include <algorithm>
#include <limits>

namespace kl::mail {

namespace {

struct Container
{
    QString messageId;
    int input = -1;             // index into the input, -1 for a ghost
    QList<int> duplicates;      // further inputs with the same Message-ID
    int parent = -1;
    QList<int> children;
    qint64 sortDate = std::numeric_limits<qint64>::max();
};

class Threader
{
public:
    explicit Threader(const QList<ThreadInput> &in) : input(in) {}

    ThreadForest run()
    {
        // Lowest row first, so the first-stored copy of a duplicated Message-ID is the primary.
        QList<int> order(input.size());
        for (int i = 0; i < input.size(); ++i)
            order[i] = i;
        std::sort(order.begin(), order.end(),
                  [&](int a, int b) { return input[a].rowId < input[b].rowId; });
        for (int i : std::as_const(order))
            place(i);

        for (int c = 0; c < containers.size(); ++c) {
            if (containers[c].parent >= 0)
                containers[containers[c].parent].children << c;
        }
        computeSortDates();
        ThreadForest forest;
        QList<int> roots;
        for (int c = 0; c < containers.size(); ++c) {
            const Container &k = containers[c];
            // A ghost with nothing under it only existed in a loop that was broken.
            if (k.parent < 0 && (k.input >= 0 || !k.children.isEmpty()))
                roots << c;
        }
        sortByDate(roots);
        for (int r : std::as_const(roots)) {
            const int rootIndex = int(forest.nodes.size());
            forest.roots << rootIndex;
            emitTree(r, -1, 0, rootIndex, forest);
        }
        return forest;
    }

private:
    int container(const QString &id)
    {
        auto it = byId.constFind(id);
        if (it != byId.cend())
            return *it;
        Container c;
        c.messageId = id;
        containers << c;
        const int index = int(containers.size()) - 1;
        byId.insert(id, index);
        return index;
    }

    // True when `ancestor` is `node` or above it.
    bool isAncestor(int ancestor, int node) const
    {
        int guard = 0;
        for (int n = node; n >= 0 && guard < 100000; n = containers[n].parent, ++guard) {
            if (n == ancestor)
                return true;
        }
        return false;
    }

    void place(int i)
    {
        const ThreadInput &m = input[i];
        const int self = container(m.messageId);
        if (containers[self].input >= 0) {
            containers[self].duplicates << i;
            return; // the first copy's references already placed it
        }
        containers[self].input = i;

        QList<int> chain;
        for (const QString &ref : m.references) {
            if (ref.isEmpty() || ref == m.messageId)
                continue; // self-reference
            chain << container(ref);
        }
        // Link the References chain where nothing links it yet, never creating a loop.
        for (int k = 1; k < chain.size(); ++k) {
            const int parent = chain[k - 1];
            const int child = chain[k];
            if (parent == child || containers[child].parent >= 0 || isAncestor(child, parent))
                continue;
            containers[child].parent = parent;
        }
        // The message's own last reference is its parent, overriding a guess from others.
        int parent = chain.isEmpty() ? -1 : chain.last();
        if (parent >= 0 && (parent == self || isAncestor(self, parent)))
            parent = -1; // loop: keep the message a root rather than cut it off
        containers[self].parent = parent;
    }

    qint64 dateOf(int c) const
    {
        const Container &k = containers[c];
        return k.input >= 0 ? input[k.input].date : std::numeric_limits<qint64>::max();
    }

    void computeSortDates()
    {
        // A ghost sorts by its earliest descendant; iterative post-order to survive deep threads.
        for (int c = 0; c < containers.size(); ++c)
            containers[c].sortDate = dateOf(c);
        QList<int> stack;
        QList<int> post;
        QList<bool> visited(containers.size(), false);
        for (int c = 0; c < containers.size(); ++c) {
            if (containers[c].parent >= 0)
                continue;
            stack << c;
            while (!stack.isEmpty()) {
                const int n = stack.takeLast();
                if (visited[n])
                    continue;
                visited[n] = true;
                post << n;
                for (int ch : std::as_const(containers[n].children))
                    stack << ch;
            }
        }
        for (qsizetype k = post.size() - 1; k >= 0; --k) {
            const int n = post[k];
            const int p = containers[n].parent;
            if (p >= 0 && containers[n].sortDate < containers[p].sortDate && containers[p].input < 0)
                containers[p].sortDate = containers[n].sortDate;
        }
    }

    void sortByDate(QList<int> &list) const
    {
        std::sort(list.begin(), list.end(), [&](int a, int b) {
            if (containers[a].sortDate != containers[b].sortDate)
                return containers[a].sortDate < containers[b].sortDate;
            return containers[a].messageId < containers[b].messageId;
        });
    }

    void emitTree(int rootContainer, int parentNode, int rootDepth, int rootIndex, ThreadForest &forest)
    {
        struct Item { int container; int parentNode; int depth; };
        QList<Item> stack{{rootContainer, parentNode, rootDepth}};
        while (!stack.isEmpty()) {
            const Item item = stack.takeLast();
            const Container &k = containers[item.container];
            ThreadNode node;
            node.messageId = k.messageId;
            node.rowId = k.input >= 0 ? input[k.input].rowId : 0;
            node.parent = item.parentNode;
            node.depth = item.depth;
            node.root = rootIndex;
            const int nodeIndex = int(forest.nodes.size());
            forest.nodes << node;
            for (int d : k.duplicates) {
                ThreadNode dup = node;
                dup.rowId = input[d].rowId;
                forest.nodes << dup;
            }
            QList<int> children = k.children;
            sortByDate(children);
            for (qsizetype c = children.size() - 1; c >= 0; --c)
                stack << Item{children[c], nodeIndex, item.depth + 1};
        }
    }

    const QList<ThreadInput> &input;
    QList<Container> containers;
    QHash<QString, int> byId;
};

} // namespace

ThreadForest threadMessages(const QList<ThreadInput> &messages)
{
    return Threader(messages).run();
}

} // namespace kl::mail
