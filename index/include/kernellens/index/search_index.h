#pragma once
// Full-text search over messages and commit messages, on Xapian. Xapian headers stay in the
// .cpp; every Xapian exception is caught there and returned as a Status.
// Query syntax follows public-inbox/lore: s: f: t: c: a: l: m: b: nq: q: dfn: d:, phrases,
// AND/OR/NOT, wildcards.

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
    QDateTime date;
    QString subject;
    QString from;
    QString messageId;
    QString list;
};

enum class SearchOrder { Relevance, NewestFirst, OldestFirst };

struct SearchResults
{
    QList<SearchHit> hits;
    qint64 estimatedTotal = 0;
};

class SearchIndex
{
public:
    enum class Mode { ReadOnly, ReadWrite };

    SearchIndex(SearchIndex &&) noexcept;
    SearchIndex &operator=(SearchIndex &&) noexcept;
    ~SearchIndex();

    static Result<SearchIndex> open(const QString &path, Mode mode);

    // Adding a document with the same kind and rowId replaces it.
    Status add(const SearchDocument &document);
    Status remove(SearchDocument::Kind kind, qint64 rowId);
    Status commit();
    qint64 documentCount() const;

    Result<SearchResults> search(const QString &query, int offset, int limit,
                                 SearchOrder order = SearchOrder::NewestFirst) const;

private:
    SearchIndex();
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace kl
