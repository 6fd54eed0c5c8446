#pragma once
// Mail for display: a thread tree loaded from the store (ghost nodes included), and Qt item
// models over a thread and over search results. Loading does the I/O, on any thread with its
// own Store; the models get the loaded values and their data() never touches the store.

#include <kernellens/index/result.h>
#include <kernellens/index/search_index.h>
#include <kernellens/index/store.h>

#include <QAbstractItemModel>
#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>
#include <QString>

namespace kl::models {

// One node of a thread: a stored message, or a ghost (a Message-ID that replies reference but
// that the archive does not hold).
struct ThreadNode
{
    qint64 nodeId = 0;          // thread_nodes.id
    qint64 messageRowId = 0;    // messages.id; 0 for a ghost
    QString messageId;          // without <>
    int depth = 0;              // root 0; ghosts count
    int parent = -1;            // index into ThreadTree::nodes; -1 for a root
    int rowInParent = 0;        // position among the parent's children (or among the roots)
    QList<int> children;        // indexes into ThreadTree::nodes, by date
    QString subject;
    QString fromName;
    QString fromEmail;
    QDateTime date;             // UTC; invalid for ghosts and undated mail

    bool isGhost() const { return messageRowId == 0; }
    // "Name" when there is one, else the address; empty for a ghost.
    QString author() const;
};

struct ThreadTree
{
    qint64 threadId = 0;
    QString list;
    QString rootMessageId;
    QString subject;
    int messageCount = 0;
    int ghostCount = 0;
    int participants = 0;
    int maxDepth = 0;
    QList<ThreadNode> nodes;    // pre-order, as the ingester stored them
    QList<int> roots;           // indexes of the top-level nodes (one, unless the store is odd)
    int focus = -1;             // index of the node that was asked for
};

// Finds the thread holding a message and loads the whole tree. `messageIdOrRowId` is a
// Message-ID (with or without <>), the Message-ID of a ghost, or a messages.id row number.
// Errors name what was asked for: unknown Message-ID, threads not built yet, store errors.
Result<ThreadTree> loadThread(Store &store, const QString &messageIdOrRowId);
Result<ThreadTree> loadThreadById(Store &store, qint64 threadId);

// A thread as a tree: columns subject, from, date; named roles for views and QML-style access.
class ThreadModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { SubjectColumn, FromColumn, DateColumn, ColumnCount };
    enum Role {
        SubjectRole = Qt::UserRole + 1,
        FromRole,           // author(): name or address
        FromEmailRole,
        DateRole,           // QDateTime (UTC)
        MessageIdRole,
        MessageRowIdRole,   // qint64; 0 for a ghost
        GhostRole,          // bool
        DepthRole,          // int
        FocusRole,          // bool: the message the thread was opened for
    };

    explicit ThreadModel(QObject *parent = nullptr);

    void setThread(ThreadTree thread);
    const ThreadTree &thread() const { return m_thread; }
    void clear();
    QModelIndex indexOfNode(int node, int column = 0) const;
    QModelIndex focusIndex() const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    ThreadTree m_thread;
};

// Search hits as a table: columns date, list, from, subject.
class SearchResultsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { DateColumn, ListColumn, FromColumn, SubjectColumn, ColumnCount };
    enum Role {
        DateRole = Qt::UserRole + 1, // QDateTime (UTC)
        ListRole,
        FromRole,
        SubjectRole,
        MessageIdRole,
        RowIdRole,          // qint64: messages.id or commits.id
        KindRole,           // "message" or "commit"
        RelevanceRole,      // double, 0..100
    };

    explicit SearchResultsModel(QObject *parent = nullptr);

    void setResults(SearchResults results);
    // The next page of the same query (offset = rowCount()).
    void appendHits(const QList<SearchHit> &hits);
    const SearchResults &results() const { return m_results; }
    qint64 estimatedTotal() const { return m_results.estimatedTotal; }
    void clear();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    SearchResults m_results;
};

} // namespace kl::models
