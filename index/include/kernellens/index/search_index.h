#pragma once
// Full-text search over messages and commit messages, on Xapian. Xapian headers stay in the
// .cpp; every Xapian exception is caught there and returned as a Status.
// Query syntax follows public-inbox/lore: s: f: t: c: a: l: m: b: nq: q: dfn: d:, phrases,
// AND/OR/NOT, wildcards (see docs/search.md).
//
// Threading: a SearchIndex object is used by one thread at a time. prepare() is the exception:
// it touches no database and may run on any number of worker threads at once, so ingest can
// tokenise in parallel and leave only the store to the single writer.

#include <kernellens/index/result.h>

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace kl {

struct SearchDocument
{
    enum class Kind { Message, Commit };
    Kind kind = Kind::Message;
    qint64 rowId = 0;           // messages.id or commits.id in SQLite
    QString list;               // list name (messages only)
    QString messageId;          // without angle brackets; commit oid for commits
    QString subject;
    QString from;               // "Name <addr>"
    QStringList to;
    QStringList cc;
    QDateTime date;
    QString ownText;            // what the author wrote (quotes and signature removed)
    QString quotedText;
    QStringList diffFiles;      // paths touched by a patch or commit
};

struct SearchHit
{
    SearchDocument::Kind kind = SearchDocument::Kind::Message;
    qint64 rowId = 0;
    double relevance = 0;       // Xapian's percent, 0..100
    QDateTime date;             // UTC; invalid when the document had none
    QString subject;
    QString from;
    QString messageId;
    QString list;
};

enum class SearchOrder { Relevance, NewestFirst, OldestFirst };

struct SearchResults
{
    QList<SearchHit> hits;
    qint64 estimatedTotal = 0;  // exact up to SearchOptions::exactCountUpTo; Xapian's estimate beyond
};

// Search behaviour beyond the order; defaults are what `kernellens-cli search` uses.
struct SearchOptions
{
    SearchOrder order = SearchOrder::NewestFirst;
    // Treat the last word as a prefix (search-as-you-type in the GUI).
    bool partial = false;
    // estimatedTotal is exact up to this many matches, an estimate beyond.
    qint64 exactCountUpTo = 10000;
};

// A document already turned into Xapian terms and values. Opaque; made by SearchIndex::prepare().
class PreparedSearchDocument
{
public:
    PreparedSearchDocument();
    PreparedSearchDocument(PreparedSearchDocument &&) noexcept;
    PreparedSearchDocument &operator=(PreparedSearchDocument &&) noexcept;
    ~PreparedSearchDocument();

    SearchDocument::Kind kind() const;
    qint64 rowId() const;

private:
    friend class SearchIndex;
    struct Impl;
    std::unique_ptr<Impl> d;
};

class SearchIndex
{
public:
    enum class Mode { ReadOnly, ReadWrite };

    SearchIndex(SearchIndex &&) noexcept;
    SearchIndex &operator=(SearchIndex &&) noexcept;
    ~SearchIndex();

    // ReadWrite creates the database when missing; ReadOnly fails on a missing one, never
    // blocks on a writer, and sees each commit() of the writer at its next search().
    static Result<SearchIndex> open(const QString &path, Mode mode);

    QString path() const;
    // Shards written in parallel (one writer thread each) and searched as one; a store keeps
    // the count it was created with. KERNELLENS_SEARCH_SHARDS overrides it for new stores.
    int shardCount() const;

    // Tokenises a document (the expensive part of indexing). Thread-safe; no database needed.
    static Result<PreparedSearchDocument> prepare(const SearchDocument &document);

    // Adding a document with the same kind and rowId replaces it.
    Status add(const SearchDocument &document);
    Status add(PreparedSearchDocument &&document);
    Status remove(SearchDocument::Kind kind, qint64 rowId);
    // add() and remove() queue the work for the document's shard thread and return at once;
    // a failure among them is returned by the next commit(), which waits for every shard and
    // makes everything added so far durable and visible to readers. Re-adding the same
    // documents after a crash is harmless.
    Status commit();
    // -1 when the database cannot be read.
    qint64 documentCount() const;

    // An invalid query (unbalanced quotes, a bad d: date, ...) is an error Status naming the
    // query, never an exception.
    Result<SearchResults> search(const QString &query, int offset, int limit,
                                 SearchOrder order = SearchOrder::NewestFirst) const;
    Result<SearchResults> search(const QString &query, int offset, int limit,
                                 const SearchOptions &options) const;

private:
    SearchIndex();
    struct Impl;
    std::unique_ptr<Impl> d;
};

// The form a Message-ID is indexed and looked up in: no angle brackets or surrounding space.
QString normalizeMessageId(const QString &messageId);

} // namespace kl
