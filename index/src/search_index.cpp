// The Xapian side of the store. Terms follow public-inbox's naming where it has one, so a
// lore user's query means the same here:
//   S subject, A from, XTO to, XCC cc, XL list, XNQ own text, XQUOT quoted text,
//   XDFN diff file names, XMID Message-ID (boolean, exact), Q unique id (kind + row id).
// Subject and body text are stemmed (english); addresses, lists, ids and file names are not.

#include <kernellens/index/search_index.h>

#include <QCborArray>
#include <QCborValue>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <xapian.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace kl {

namespace {

constexpr Xapian::valueno kDateSlot = 0;
constexpr int kDocDataVersion = 1;
// Xapian's glass backend refuses terms longer than 245 bytes.
constexpr int kMaxTermBytes = 240;
// Enough positions between two addresses or two paths that no phrase spans them.
constexpr Xapian::termpos kFieldGap = 100;

const char *const kPrefixSubject = "S";
const char *const kPrefixFrom = "A";
const char *const kPrefixTo = "XTO";
const char *const kPrefixCc = "XCC";
const char *const kPrefixList = "XL";
const char *const kPrefixOwnText = "XNQ";
const char *const kPrefixQuoted = "XQUOT";
const char *const kPrefixDiffFile = "XDFN";
const char *const kPrefixMessageId = "XMID";
const char *const kPrefixUnique = "Q";

std::string utf8(const QString &s)
{
    const QByteArray bytes = s.toUtf8();
    return std::string(bytes.constData(), size_t(bytes.size()));
}

QString fromUtf8(const std::string &s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

QString describe(const Xapian::Error &e)
{
    return fromUtf8(e.get_description());
}

// Long Message-IDs exist (spam, broken mailers); the term keeps a readable head and a hash
// of the whole, computed the same way when indexing and when querying.
std::string boundedTerm(const char *prefix, const QString &value)
{
    std::string term = prefix + utf8(value);
    if (term.size() <= size_t(kMaxTermBytes))
        return term;
    const QByteArray hash = QCryptographicHash::hash(value.toUtf8(), QCryptographicHash::Sha1).toHex();
    std::string head = term.substr(0, size_t(kMaxTermBytes) - size_t(hash.size()) - 1);
    // Do not cut a UTF-8 sequence in half.
    while (!head.empty() && (static_cast<unsigned char>(head.back()) & 0xC0) == 0x80)
        head.pop_back();
    if (!head.empty() && (static_cast<unsigned char>(head.back()) & 0x80))
        head.pop_back();
    return head + '#' + std::string(hash.constData(), size_t(hash.size()));
}

std::string uniqueTerm(SearchDocument::Kind kind, qint64 rowId)
{
    return std::string(kPrefixUnique) + (kind == SearchDocument::Kind::Commit ? 'c' : 'm')
           + std::to_string(rowId);
}

// --- indexing ---------------------------------------------------------------------------

struct Tokeniser
{
    Xapian::TermGenerator generator;
    Tokeniser()
    {
        generator.set_stemmer(Xapian::Stem("english"));
        generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    }

    enum class Positions { Kept, Dropped };

    void text(const QString &value, const char *prefix, bool stemmed, Positions positions = Positions::Kept)
    {
        if (value.isEmpty())
            return;
        generator.set_stemming_strategy(stemmed ? Xapian::TermGenerator::STEM_SOME
                                                : Xapian::TermGenerator::STEM_NONE);
        if (positions == Positions::Dropped) {
            generator.index_text_without_positions(utf8(value), 1, prefix);
            return;
        }
        generator.index_text(utf8(value), 1, prefix);
        generator.increase_termpos(kFieldGap);
    }
};

Xapian::Document buildDocument(const SearchDocument &doc)
{
    // TermGenerator and Stem are not thread-safe; one per thread makes prepare() safe.
    thread_local Tokeniser tokeniser;
    Xapian::Document xdoc;
    tokeniser.generator.set_document(xdoc);
    tokeniser.generator.set_termpos(0);

    tokeniser.text(doc.subject, kPrefixSubject, true);
    tokeniser.text(doc.from, kPrefixFrom, false);
    for (const QString &to : doc.to)
        tokeniser.text(to, kPrefixTo, false);
    for (const QString &cc : doc.cc)
        tokeniser.text(cc, kPrefixCc, false);
    tokeniser.text(doc.list, kPrefixList, false);
    tokeniser.text(doc.ownText, kPrefixOwnText, true);
    // Quoted text repeats what the quoted message already indexed with positions, and its
    // positions were 40% of the ingest's CPU: q: matches words (stemmed as b: does), and a
    // phrase is found through the message that wrote it.
    tokeniser.text(doc.quotedText, kPrefixQuoted, true, Tokeniser::Positions::Dropped);
    // As public-inbox: a path is a phrase of its components, so dfn:Makefile matches every
    // Makefile and dfn:rust/Makefile the one under rust/ (and any deeper .../rust/Makefile).
    for (const QString &path : doc.diffFiles)
        tokeniser.text(path, kPrefixDiffFile, false);

    const QString messageId = normalizeMessageId(doc.messageId);
    if (!messageId.isEmpty())
        xdoc.add_boolean_term(boundedTerm(kPrefixMessageId, messageId));
    xdoc.add_boolean_term(uniqueTerm(doc.kind, doc.rowId));

    qint64 seconds = 0;
    const bool hasDate = doc.date.isValid();
    if (hasDate) {
        seconds = doc.date.toSecsSinceEpoch();
        xdoc.add_value(kDateSlot, Xapian::sortable_serialise(double(seconds)));
    }

    // What a hit shows, so search() never needs SQLite.
    QCborArray data{kDocDataVersion,
                    doc.kind == SearchDocument::Kind::Commit ? 1 : 0,
                    doc.rowId,
                    hasDate ? QCborValue(seconds) : QCborValue(),
                    doc.subject,
                    doc.from,
                    messageId,
                    doc.list};
    const QByteArray bytes = data.toCborValue().toCbor();
    xdoc.set_data(std::string(bytes.constData(), size_t(bytes.size())));
    // The generator holds a reference to the document, and Xapian's reference counts are not
    // atomic: drop it here, on this thread, before the document moves to the writer's.
    tokeniser.generator.set_document(Xapian::Document());
    return xdoc;
}

SearchHit hitFromData(const std::string &raw)
{
    SearchHit hit;
    const QCborArray data = QCborValue::fromCbor(QByteArray::fromRawData(raw.data(), qsizetype(raw.size())))
                                .toArray();
    if (data.size() < 8 || data.at(0).toInteger() != kDocDataVersion)
        return hit;
    hit.kind = data.at(1).toInteger() == 1 ? SearchDocument::Kind::Commit : SearchDocument::Kind::Message;
    hit.rowId = data.at(2).toInteger();
    if (data.at(3).isInteger())
        hit.date = QDateTime::fromSecsSinceEpoch(data.at(3).toInteger(), Qt::UTC);
    hit.subject = data.at(4).toString();
    hit.from = data.at(5).toString();
    hit.messageId = data.at(6).toString();
    hit.list = data.at(7).toString();
    return hit;
}

// --- querying ---------------------------------------------------------------------------

// d:BEGIN..END, either side optional. A bound is a period: YYYY, YYYY-MM, YYYY-MM-DD,
// YYYYMM, YYYYMMDD, YYYYMMDDHHMMSS; BEGIN is its first second and END its last, so
// d:..2024-06 includes all of June.
std::optional<std::pair<qint64, qint64>> parseDatePeriod(const QString &text)
{
    static const QRegularExpression dashed(
        QStringLiteral("^(\\d{4})(?:-(\\d{1,2})(?:-(\\d{1,2}))?)?$"));
    static const QRegularExpression compact(
        QStringLiteral("^(\\d{4})(\\d{2})?(\\d{2})?(?:(\\d{2})(\\d{2})(\\d{2}))?$"));
    QRegularExpressionMatch m = dashed.match(text);
    if (!m.hasMatch())
        m = compact.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    const int year = m.captured(1).toInt();
    const bool hasMonth = !m.captured(2).isEmpty();
    const bool hasDay = !m.captured(3).isEmpty();
    const int month = hasMonth ? m.captured(2).toInt() : 1;
    const int day = hasDay ? m.captured(3).toInt() : 1;
    const QDate first(year, month, day);
    if (!first.isValid())
        return std::nullopt;
    if (m.lastCapturedIndex() >= 6 && !m.captured(4).isEmpty()) {
        const QTime time(m.captured(4).toInt(), m.captured(5).toInt(), m.captured(6).toInt());
        if (!time.isValid())
            return std::nullopt;
        const qint64 at = QDateTime(first, time, Qt::UTC).toSecsSinceEpoch();
        return std::make_pair(at, at);
    }
    QDate next = hasDay ? first.addDays(1) : hasMonth ? first.addMonths(1) : first.addYears(1);
    return std::make_pair(QDateTime(first, QTime(0, 0), Qt::UTC).toSecsSinceEpoch(),
                          QDateTime(next, QTime(0, 0), Qt::UTC).toSecsSinceEpoch() - 1);
}

Xapian::Query dateQuery(std::optional<qint64> from, std::optional<qint64> to)
{
    if (from && to)
        return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, kDateSlot,
                             Xapian::sortable_serialise(double(*from)),
                             Xapian::sortable_serialise(double(*to)));
    if (from)
        return Xapian::Query(Xapian::Query::OP_VALUE_GE, kDateSlot,
                             Xapian::sortable_serialise(double(*from)));
    if (to)
        return Xapian::Query(Xapian::Query::OP_VALUE_LE, kDateSlot,
                             Xapian::sortable_serialise(double(*to)));
    return Xapian::Query::MatchAll;
}

// A date that cannot be read is reported after parsing: throwing from inside Xapian's parser
// leaks its half-built state (seen with LeakSanitizer in 1.4.22).
struct DateErrors
{
    std::string first;
};

std::optional<qint64> boundOf(const std::string &raw, bool isEnd, DateErrors &errors, bool &bad)
{
    const QString text = fromUtf8(raw).trimmed();
    if (text.isEmpty())
        return std::nullopt;
    auto period = parseDatePeriod(text);
    if (!period) {
        bad = true;
        if (errors.first.empty())
            errors.first = "d: cannot read the date '" + raw
                           + "' (use YYYY, YYYY-MM, YYYY-MM-DD, YYYYMMDD or YYYYMMDDHHMMSS)";
        return std::nullopt;
    }
    return isEnd ? period->second : period->first;
}

class DateRangeProcessor : public Xapian::RangeProcessor
{
public:
    explicit DateRangeProcessor(std::shared_ptr<DateErrors> errors)
        : Xapian::RangeProcessor(kDateSlot, "d:"), m_errors(std::move(errors))
    {
    }
    Xapian::Query operator()(const std::string &begin, const std::string &end) override
    {
        bool bad = false;
        const auto from = boundOf(begin, false, *m_errors, bad);
        const auto to = boundOf(end, true, *m_errors, bad);
        return bad ? Xapian::Query::MatchNothing : dateQuery(from, to);
    }

private:
    std::shared_ptr<DateErrors> m_errors;
};

// d:2024-06 without "..": the whole period.
class DateFieldProcessor : public Xapian::FieldProcessor
{
public:
    explicit DateFieldProcessor(std::shared_ptr<DateErrors> errors) : m_errors(std::move(errors)) {}
    Xapian::Query operator()(const std::string &text) override
    {
        bool bad = false;
        const auto from = boundOf(text, false, *m_errors, bad);
        const auto to = boundOf(text, true, *m_errors, bad);
        return bad ? Xapian::Query::MatchNothing : dateQuery(from, to);
    }

private:
    std::shared_ptr<DateErrors> m_errors;
};

// Addresses, list names and file names: not stemmed, so f:kees finds "Kees" and never
// "kee". Xapian 1.4 stems per parser, not per prefix, so these fields get a parser of their own.
class UnstemmedFieldProcessor : public Xapian::FieldProcessor
{
public:
    UnstemmedFieldProcessor(Xapian::Database db, std::vector<std::string> prefixes, bool partial)
        : m_db(std::move(db)), m_prefixes(std::move(prefixes)), m_partial(partial)
    {
    }

    Xapian::Query operator()(const std::string &text) override
    {
        Xapian::QueryParser parser;
        parser.set_database(m_db);
        parser.set_stemming_strategy(Xapian::QueryParser::STEM_NONE);
        parser.set_max_expansion(1000, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
        parser.set_default_op(Xapian::Query::OP_AND);
        for (const auto &prefix : m_prefixes)
            parser.add_prefix(std::string(), prefix);
        // The field's text arrives without its quotes: several words were a quoted phrase.
        std::string input = text;
        if (input.find_first_of(" \t") != std::string::npos) {
            input.erase(std::remove(input.begin(), input.end(), '"'), input.end());
            input = '"' + input + '"';
        }
        unsigned flags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_WILDCARD;
        if (m_partial)
            flags |= Xapian::QueryParser::FLAG_PARTIAL;
        return parser.parse_query(input, flags);
    }

private:
    Xapian::Database m_db;
    std::vector<std::string> m_prefixes;
    bool m_partial;
};

// q: searches quoted text, which is indexed without positions (see buildDocument): a quoted
// phrase becomes its words ANDed, stemmed as everywhere else, instead of matching nothing.
class QuotedFieldProcessor : public Xapian::FieldProcessor
{
public:
    QuotedFieldProcessor(Xapian::Database db, bool partial) : m_db(std::move(db)), m_partial(partial) {}

    Xapian::Query operator()(const std::string &text) override
    {
        Xapian::QueryParser parser;
        parser.set_database(m_db);
        parser.set_stemmer(Xapian::Stem("english"));
        parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
        parser.set_max_expansion(1000, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
        parser.set_default_op(Xapian::Query::OP_AND);
        parser.add_prefix(std::string(), kPrefixQuoted);
        std::string input = text;
        input.erase(std::remove(input.begin(), input.end(), '"'), input.end());
        unsigned flags = Xapian::QueryParser::FLAG_WILDCARD;
        if (m_partial)
            flags |= Xapian::QueryParser::FLAG_PARTIAL;
        return parser.parse_query(input, flags);
    }

private:
    Xapian::Database m_db;
    bool m_partial;
};

class MessageIdFieldProcessor : public Xapian::FieldProcessor
{
public:
    Xapian::Query operator()(const std::string &text) override
    {
        return Xapian::Query(boundedTerm(kPrefixMessageId, normalizeMessageId(fromUtf8(text))));
    }
};

Xapian::Query parseQuery(const Xapian::Database &db, const QString &query, bool partial)
{
    Xapian::QueryParser parser;
    parser.set_database(db);
    parser.set_stemmer(Xapian::Stem("english"));
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    parser.set_default_op(Xapian::Query::OP_AND);
    parser.set_max_expansion(1000, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);

    for (const char *prefix : {kPrefixSubject, kPrefixOwnText, kPrefixQuoted})
        parser.add_prefix(std::string(), prefix);
    parser.add_prefix("s", kPrefixSubject);
    parser.add_prefix("b", kPrefixOwnText);
    parser.add_prefix("b", kPrefixQuoted);
    parser.add_prefix("nq", kPrefixOwnText);
    parser.add_boolean_prefix("q", (new QuotedFieldProcessor(db, partial))->release(), false);

    auto unstemmed = [&](const char *field, std::vector<std::string> prefixes) {
        // A boolean prefix hands the processor the whole "a@b.c" or quoted text (a free-text
        // one only gets simple words in 1.4); exclusive=false ANDs repeats, as lore does.
        parser.add_boolean_prefix(field, (new UnstemmedFieldProcessor(db, std::move(prefixes), partial))->release(),
                                  false);
    };
    unstemmed("f", {kPrefixFrom});
    unstemmed("t", {kPrefixTo});
    unstemmed("c", {kPrefixCc});
    unstemmed("a", {kPrefixFrom, kPrefixTo, kPrefixCc});
    unstemmed("l", {kPrefixList});
    unstemmed("dfn", {kPrefixDiffFile});
    parser.add_boolean_prefix("m", (new MessageIdFieldProcessor)->release());
    auto dateErrors = std::make_shared<DateErrors>();
    parser.add_boolean_prefix("d", (new DateFieldProcessor(dateErrors))->release());
    parser.add_rangeprocessor((new DateRangeProcessor(dateErrors))->release());

    unsigned flags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN
                     | Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD
                     | Xapian::QueryParser::FLAG_BOOLEAN_ANY_CASE | Xapian::QueryParser::FLAG_PURE_NOT;
    if (partial)
        flags |= Xapian::QueryParser::FLAG_PARTIAL;
    Xapian::Query parsed = parser.parse_query(utf8(query), flags);
    if (!dateErrors->first.empty())
        throw Xapian::QueryParserError(dateErrors->first);
    return parsed;
}

} // namespace

QString normalizeMessageId(const QString &messageId)
{
    QString id = messageId.trimmed();
    if (id.startsWith(QLatin1Char('<')))
        id.remove(0, 1);
    if (id.endsWith(QLatin1Char('>')))
        id.chop(1);
    return id.trimmed();
}

// --- PreparedSearchDocument -------------------------------------------------------------

struct PreparedSearchDocument::Impl
{
    SearchDocument::Kind kind = SearchDocument::Kind::Message;
    qint64 rowId = 0;
    Xapian::Document document;
};

PreparedSearchDocument::PreparedSearchDocument() : d(std::make_unique<Impl>()) {}
PreparedSearchDocument::PreparedSearchDocument(PreparedSearchDocument &&) noexcept = default;
PreparedSearchDocument &PreparedSearchDocument::operator=(PreparedSearchDocument &&) noexcept = default;
PreparedSearchDocument::~PreparedSearchDocument() = default;
SearchDocument::Kind PreparedSearchDocument::kind() const { return d->kind; }
qint64 PreparedSearchDocument::rowId() const { return d->rowId; }

// --- SearchIndex ------------------------------------------------------------------------

namespace {

// Xapian 1.4 inverts postings on the thread that calls replace_document(), and that inverter
// (ordered maps of terms) is most of an ingest's CPU. The index is therefore split into shards,
// each written by its own thread, and read as one database through add_database(), as
// public-inbox and notmuch-style large archives do. A document's shard is its row id modulo
// the shard count, so a removal finds it without a lookup.
class ShardWriter
{
public:
    explicit ShardWriter(const std::string &path)
        : m_db(path, Xapian::DB_CREATE_OR_OPEN)
    {
        m_db.begin_transaction(true);
        m_thread = std::thread([this] { run(); });
    }
    ShardWriter(const ShardWriter &) = delete;
    ShardWriter &operator=(const ShardWriter &) = delete;

    ~ShardWriter()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
            m_queue.clear();
        }
        m_wake.notify_all();
        m_thread.join();
        // Uncommitted documents are dropped on purpose: a batch is durable only together with
        // its SQLite transaction, and the ingester says so by calling commit().
        try {
            m_db.cancel_transaction();
        } catch (const Xapian::Error &) {
            // No transaction open (a failed commit): nothing pending to drop.
        }
        try {
            m_db.close();
        } catch (const Xapian::Error &) {
            // Closing cannot be reported from a destructor; the next open checks the database.
        }
    }

    Xapian::WritableDatabase &database() { return m_db; }

    void replace(std::string uniqueTerm, Xapian::Document &&document)
    {
        push(Job{Job::Replace, std::move(uniqueTerm), std::move(document)});
    }
    void remove(std::string uniqueTerm) { push(Job{Job::Remove, std::move(uniqueTerm), {}}); }

    // Waits for everything queued, then commits; the first failure since the last commit
    // comes back here (the documents after it were dropped).
    std::optional<std::string> commit()
    {
        push(Job{Job::Commit, {}, {}});
        std::unique_lock lock(m_mutex);
        m_idle.wait(lock, [this] { return m_queue.empty() && !m_busy; });
        return std::exchange(m_error, std::nullopt);
    }

    // Waits for the queue to drain; a failure stays pending for commit(), which must drop
    // the transaction it spoiled.
    std::optional<std::string> waitIdle()
    {
        std::unique_lock lock(m_mutex);
        m_idle.wait(lock, [this] { return m_queue.empty() && !m_busy; });
        return m_error;
    }

private:
    struct Job
    {
        enum Kind { Replace, Remove, Commit } kind;
        std::string term;
        Xapian::Document document;
    };
    // Bounds the memory held by tokenised documents waiting for the inverter.
    static constexpr size_t kMaxQueued = 512;

    void push(Job &&job)
    {
        std::unique_lock lock(m_mutex);
        m_room.wait(lock, [this] { return m_queue.size() < kMaxQueued; });
        m_queue.push_back(std::move(job));
        lock.unlock();
        m_wake.notify_one();
    }

    void run()
    {
        std::unique_lock lock(m_mutex);
        while (true) {
            m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_stopping)
                return;
            Job job = std::move(m_queue.front());
            m_queue.pop_front();
            m_busy = true;
            const bool failed = m_error.has_value();
            lock.unlock();
            m_room.notify_one();
            std::optional<std::string> error = perform(job, failed);
            // The document's reference count is not atomic: release it on this thread.
            job.document = Xapian::Document();
            lock.lock();
            if (error && !m_error)
                m_error = std::move(error);
            m_busy = false;
            if (m_queue.empty())
                m_idle.notify_all();
        }
    }

    std::optional<std::string> perform(Job &job, bool failedEarlier)
    {
        try {
            switch (job.kind) {
            case Job::Replace:
                if (!failedEarlier)
                    m_db.replace_document(job.term, job.document);
                break;
            case Job::Remove:
                if (!failedEarlier)
                    m_db.delete_document(job.term);
                break;
            case Job::Commit:
                return finishTransaction(failedEarlier);
            }
        } catch (const Xapian::Error &e) {
            std::string message = job.kind == Job::Remove ? "cannot remove document "
                                                          : "cannot add document ";
            return message + job.term.substr(std::strlen(kPrefixUnique)) + ": " + e.get_description();
        }
        return std::nullopt;
    }

    // Commits (or, after a failure, drops) the open transaction and always opens the next one,
    // so one bad batch does not leave the shard writing outside a transaction.
    std::optional<std::string> finishTransaction(bool failedEarlier)
    {
        std::optional<std::string> error;
        try {
            if (failedEarlier)
                m_db.cancel_transaction();
            else
                m_db.commit_transaction();
        } catch (const Xapian::Error &e) {
            error = std::string("cannot commit: ") + e.get_description();
        }
        try {
            m_db.begin_transaction(true);
        } catch (const Xapian::InvalidOperationError &) {
            // Still inside the transaction that failed to commit: drop it, then start anew.
            try {
                m_db.cancel_transaction();
                m_db.begin_transaction(true);
            } catch (const Xapian::Error &e) {
                error = std::string("cannot start a transaction: ") + e.get_description();
            }
        } catch (const Xapian::Error &e) {
            error = std::string("cannot start a transaction: ") + e.get_description();
        }
        return error;
    }

    Xapian::WritableDatabase m_db;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_room;
    std::condition_variable m_idle;
    std::deque<Job> m_queue;
    std::optional<std::string> m_error;
    bool m_busy = false;
    bool m_stopping = false;
    std::thread m_thread;
};

// A search index is either one glass database in its directory (stores made before sharding)
// or numbered shard directories 0, 1, ... inside it.
bool isSingleDatabase(const QString &path)
{
    return QFileInfo::exists(path + QStringLiteral("/iamglass"));
}

QStringList shardPaths(const QString &path)
{
    QStringList shards;
    for (int i = 0;; ++i) {
        const QString shard = path + QLatin1Char('/') + QString::number(i);
        if (!QFileInfo::exists(shard + QStringLiteral("/iamglass")))
            break;
        shards << shard;
    }
    return shards;
}

int newShardCount()
{
    bool ok = false;
    const int fromEnvironment = qEnvironmentVariableIntValue("KERNELLENS_SEARCH_SHARDS", &ok);
    if (ok && fromEnvironment > 0)
        return std::min(fromEnvironment, 16);
    return int(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
}

} // namespace

struct SearchIndex::Impl
{
    QString path;
    bool writable = false;
    std::vector<std::unique_ptr<ShardWriter>> shards;
    // For a writer, the shards' databases; readers reopen it before each search.
    mutable Xapian::Database reader;

    ShardWriter &shardFor(qint64 rowId) { return *shards[size_t(rowId) % shards.size()]; }

    // Readers inside the writing process see only what the shard threads have finished.
    Status drain() const
    {
        Status status = Status::ok();
        for (const auto &shard : shards) {
            if (auto error = shard->waitIdle(); error && status)
                status = Status::error(QStringLiteral("%1: %2").arg(path, fromUtf8(*error)));
        }
        return status;
    }

    Status fail(const QString &what, const Xapian::Error &e) const
    {
        return Status::error(QStringLiteral("%1: %2: %3").arg(path, what, describe(e)));
    }
    Status notWritable() const
    {
        return Status::error(QStringLiteral("%1: the search index is open read-only").arg(path));
    }
};

SearchIndex::SearchIndex() : d(std::make_unique<Impl>()) {}
SearchIndex::SearchIndex(SearchIndex &&) noexcept = default;
SearchIndex &SearchIndex::operator=(SearchIndex &&) noexcept = default;
SearchIndex::~SearchIndex() = default;

QString SearchIndex::path() const { return d->path; }

int SearchIndex::shardCount() const
{
    return d->writable ? int(d->shards.size()) : int(d->reader.size());
}

Result<SearchIndex> SearchIndex::open(const QString &path, Mode mode)
{
    SearchIndex index;
    index.d->path = QDir(path).absolutePath();
    index.d->writable = mode == Mode::ReadWrite;
    const QString &root = index.d->path;
    try {
        if (mode == Mode::ReadWrite) {
            if (!QDir().mkpath(root))
                return Status::error(QStringLiteral("%1: cannot create the search index directory").arg(root));
            QStringList shards = isSingleDatabase(root) ? QStringList{root} : shardPaths(root);
            if (shards.isEmpty()) {
                for (int i = 0; i < newShardCount(); ++i)
                    shards << root + QLatin1Char('/') + QString::number(i);
            }
            for (const QString &shard : std::as_const(shards)) {
                index.d->shards.push_back(std::make_unique<ShardWriter>(utf8(shard)));
                index.d->reader.add_database(index.d->shards.back()->database());
            }
        } else {
            if (!QFileInfo(root).isDir())
                return Status::error(QStringLiteral("%1: no search index here (ingest mail or git first)").arg(root));
            const QStringList shards = isSingleDatabase(root) ? QStringList{root} : shardPaths(root);
            if (shards.isEmpty())
                return Status::error(QStringLiteral("%1: not a search index (no Xapian database in it)").arg(root));
            for (const QString &shard : shards)
                index.d->reader.add_database(Xapian::Database(utf8(shard)));
        }
    } catch (const Xapian::DatabaseLockError &e) {
        return index.d->fail(QStringLiteral("another process is writing the search index"), e);
    } catch (const Xapian::Error &e) {
        return index.d->fail(QStringLiteral("cannot open the search index"), e);
    }
    return index;
}

Result<PreparedSearchDocument> SearchIndex::prepare(const SearchDocument &document)
{
    PreparedSearchDocument prepared;
    prepared.d->kind = document.kind;
    prepared.d->rowId = document.rowId;
    try {
        prepared.d->document = buildDocument(document);
    } catch (const Xapian::Error &e) {
        return Status::error(QStringLiteral("%1 %2 <%3>: cannot index: %4")
                                 .arg(document.kind == SearchDocument::Kind::Commit
                                          ? QStringLiteral("commit") : QStringLiteral("message"))
                                 .arg(document.rowId)
                                 .arg(document.messageId, describe(e)));
    }
    return prepared;
}

Status SearchIndex::add(const SearchDocument &document)
{
    auto prepared = prepare(document);
    if (!prepared)
        return prepared.status().withContext(d->path);
    return add(std::move(prepared.value()));
}

Status SearchIndex::add(PreparedSearchDocument &&document)
{
    if (!d->writable)
        return d->notWritable();
    d->shardFor(document.d->rowId)
        .replace(uniqueTerm(document.d->kind, document.d->rowId), std::move(document.d->document));
    return Status::ok();
}

Status SearchIndex::remove(SearchDocument::Kind kind, qint64 rowId)
{
    if (!d->writable)
        return d->notWritable();
    d->shardFor(rowId).remove(uniqueTerm(kind, rowId));
    return Status::ok();
}

Status SearchIndex::commit()
{
    if (!d->writable)
        return d->notWritable();
    Status status = Status::ok();
    // Every shard commits even when one failed, so none is left holding a stale transaction.
    for (const auto &shard : d->shards) {
        if (auto error = shard->commit(); error && status)
            status = Status::error(QStringLiteral("%1: %2").arg(d->path, fromUtf8(*error)));
    }
    return status;
}

qint64 SearchIndex::documentCount() const
{
    try {
        if (!d->writable)
            d->reader.reopen();
        else if (!d->drain())
            return -1;
        return qint64(d->reader.get_doccount());
    } catch (const Xapian::Error &) {
        return -1;
    }
}

Result<SearchResults> SearchIndex::search(const QString &query, int offset, int limit,
                                          SearchOrder order) const
{
    SearchOptions options;
    options.order = order;
    return search(query, offset, limit, options);
}

Result<SearchResults> SearchIndex::search(const QString &query, int offset, int limit,
                                          const SearchOptions &options) const
{
    if (offset < 0 || limit < 0)
        return Status::error(QStringLiteral("search: offset and limit must not be negative"));

    auto run = [&]() -> SearchResults {
        const Xapian::Query parsed = query.trimmed().isEmpty()
                                         ? Xapian::Query::MatchAll
                                         : parseQuery(d->reader, query, options.partial);
        Xapian::Enquire enquire(d->reader);
        enquire.set_query(parsed);
        switch (options.order) {
        case SearchOrder::Relevance:
            enquire.set_sort_by_relevance_then_value(kDateSlot, true);
            break;
        case SearchOrder::NewestFirst:
            enquire.set_sort_by_value_then_relevance(kDateSlot, true);
            break;
        case SearchOrder::OldestFirst:
            enquire.set_sort_by_value_then_relevance(kDateSlot, false);
            break;
        }
        // Counting every match up to a bound makes "N matches" exact where people read it
        // (Xapian's estimate is often off by half); measured at a few ms on the kbuild index.
        const Xapian::doccount checkAtLeast =
            Xapian::doccount(std::max<qint64>(qint64(offset) + limit, options.exactCountUpTo));
        const Xapian::MSet mset = enquire.get_mset(Xapian::doccount(offset), Xapian::doccount(limit),
                                                   checkAtLeast);
        SearchResults results;
        results.estimatedTotal = qint64(mset.get_matches_estimated());
        results.hits.reserve(qsizetype(mset.size()));
        for (auto it = mset.begin(); it != mset.end(); ++it) {
            SearchHit hit = hitFromData(it.get_document().get_data());
            hit.relevance = it.get_percent();
            results.hits.push_back(std::move(hit));
        }
        return results;
    };

    const auto queryError = [&](const std::string &message) {
        return Status::error(QStringLiteral("invalid query '%1': %2").arg(query, fromUtf8(message)));
    };
    try {
        if (!d->writable)
            d->reader.reopen();
        else
            KL_TRY(d->drain());
        try {
            return run();
        } catch (const Xapian::DatabaseModifiedError &) {
            // The writer committed twice while we read; as Recoll does, reopen and retry once.
            d->reader.reopen();
            return run();
        }
    } catch (const Xapian::QueryParserError &e) {
        return queryError(e.get_msg());
    } catch (const Xapian::Error &e) {
        return d->fail(QStringLiteral("search '%1' failed").arg(query), e);
    }
}

} // namespace kl
