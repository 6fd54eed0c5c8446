// SearchIndex on a real Xapian database in a QTemporaryDir, filled with hand-made documents.
// Every query in the table names the row ids it must find, in any order.

#include <kernellens/index/search_index.h>

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <xapian.h>

#include <algorithm>

using namespace kl;

namespace {

QDateTime utc(int y, int m, int d, int h = 12)
{
    return QDateTime(QDate(y, m, d), QTime(h, 0), Qt::UTC);
}

SearchDocument message(qint64 rowId, const QString &subject, const QString &from, const QDateTime &date)
{
    SearchDocument doc;
    doc.rowId = rowId;
    doc.subject = subject;
    doc.from = from;
    doc.date = date;
    doc.list = QStringLiteral("linux-kbuild");
    doc.messageId = QStringLiteral("msg%1@example.org").arg(rowId);
    return doc;
}

QList<SearchDocument> corpus()
{
    QList<SearchDocument> docs;

    SearchDocument d1 = message(1, QStringLiteral("[PATCH v2 1/3] kbuild: rust: add tags.sh support"),
                                QStringLiteral("Miguel Ojeda <ojeda@kernel.org>"), utc(2023, 3, 5));
    d1.to = {QStringLiteral("Masahiro Yamada <masahiroy@kernel.org>")};
    d1.cc = {QStringLiteral("rust-for-linux@vger.kernel.org"), QStringLiteral("Kees Cook <kees@kernel.org>")};
    d1.ownText = QStringLiteral("This teaches scripts/tags.sh about Rust sources.\nSigned-off-by: Miguel Ojeda");
    d1.diffFiles = {QStringLiteral("scripts/tags.sh"), QStringLiteral("rust/Makefile")};
    docs << d1;

    SearchDocument d2 = message(2, QStringLiteral("Re: [PATCH v2 1/3] kbuild: rust: add tags.sh support"),
                                QStringLiteral("Masahiro Yamada <masahiroy@kernel.org>"), utc(2024, 1, 10));
    d2.to = {QStringLiteral("Miguel Ojeda <ojeda@kernel.org>")};
    d2.ownText = QStringLiteral("NAK. Please do not touch the top-level Makefile for this.");
    d2.quotedText = QStringLiteral("This teaches scripts/tags.sh about Rust sources.");
    docs << d2;

    SearchDocument d3 = message(3, QStringLiteral("[PATCH] kconfig: fix menuconfig crash"),
                                QStringLiteral("Kees Cook <kees@kernel.org>"), utc(2024, 6, 30, 23));
    d3.ownText = QStringLiteral("The menus were crashing when running make menuconfig with an empty file.");
    d3.diffFiles = {QStringLiteral("scripts/kconfig/menu.c"), QStringLiteral("Makefile")};
    docs << d3;

    SearchDocument d4 = message(4, QStringLiteral("Building modules with clang"),
                                QStringLiteral("Nathan Chancellor <nathan@kernel.org>"), utc(2024, 7, 1, 1));
    d4.list = QStringLiteral("llvm");
    d4.ownText = QStringLiteral("I am building modules with LLVM=1 and it crashed.\nNot a Rust issue.");
    d4.quotedText = QStringLiteral("> NAK from me");
    d4.diffFiles = {QStringLiteral("drivers/net/phy/ax88796b_rust.rs")};
    docs << d4;

    SearchDocument d5;
    d5.kind = SearchDocument::Kind::Commit;
    d5.rowId = 1; // same row id as message 1, different kind: a separate document
    d5.messageId = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
    d5.subject = QStringLiteral("rust: kernel: add the sync module");
    d5.from = QStringLiteral("Wedson Almeida Filho <wedsonaf@gmail.com>");
    d5.date = utc(2022, 12, 11);
    d5.ownText = QStringLiteral("Adds locks and reference counting.");
    d5.diffFiles = {QStringLiteral("rust/kernel/sync.rs"), QStringLiteral("rust/kernel/lib.rs")};
    docs << d5;

    SearchDocument d6 = message(6, QStringLiteral("The quick brown fox"), QStringLiteral("nobody <nobody@example.com>"),
                                utc(2025, 2, 2));
    d6.ownText = QStringLiteral("jumps over the lazy dog while reviewers are reviewing");
    d6.messageId = QStringLiteral("<odd-id.1234$x@[127.0.0.1]>");
    docs << d6;

    return docs;
}

// Commits are written as negative ids in the tables below, so one list can hold both kinds.
QList<qint64> keysOf(const QList<SearchHit> &hits)
{
    QList<qint64> keys;
    for (const auto &h : hits)
        keys << (h.kind == SearchDocument::Kind::Commit ? -h.rowId : h.rowId);
    return keys;
}

} // namespace

class TestSearchIndex : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void queries_data();
    void queries();
    void hitCarriesDisplayFields();
    void sortOrders();
    void offsetAndLimit();
    void readdReplaces();
    void removeDeletes();
    void invalidQueryIsAnError_data();
    void invalidQueryIsAnError();
    void uncommittedIsDropped();
    void readerSeesWriterCommits();
    void readOnlyMissingIndexFails();
    void readOnlyCannotWrite();
    void preparedOnThreadsMatchesDirect();
    void veryLongMessageId();
    void shardsAreSearchedAsOne();
    void shardCountStaysWithTheStore();
    void singleDatabaseLayoutStillOpens();

private:
    QTemporaryDir m_dir;
    QString m_path;
    std::optional<SearchIndex> m_index;
};

void TestSearchIndex::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.path() + QStringLiteral("/xapian");
    auto index = SearchIndex::open(m_path, SearchIndex::Mode::ReadWrite);
    QVERIFY2(index, qPrintable(index.errorMessage()));
    for (const auto &doc : corpus())
        QVERIFY2(index->add(doc), "add");
    QVERIFY(index->commit());
    QCOMPARE(index->documentCount(), 6);
    m_index.emplace(std::move(index.value()));
}

void TestSearchIndex::queries_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QList<qint64>>("expected");
    using L = QList<qint64>;

    // bare words: subject and body (own and quoted), stemmed
    QTest::newRow("bare word subject") << "menuconfig" << L{3};
    QTest::newRow("bare word stemmed") << "crash" << L{3, 4};
    QTest::newRow("bare word quoted body") << "teaches" << L{1, 2};
    QTest::newRow("bare words AND by default") << "rust sources" << L{1, 2};
    QTest::newRow("bare word not in addresses") << "masahiroy" << L{};
    // s:
    QTest::newRow("s:") << "s:rust" << L{1, 2, -1};
    QTest::newRow("s: capitalised") << "s:Rust" << L{1, 2, -1};
    QTest::newRow("s: phrase") << "s:\"tags.sh\"" << L{1, 2};
    QTest::newRow("s: dotted word unquoted") << "s:tags.sh" << L{1, 2};
    QTest::newRow("s: phrase across") << "s:\"add tags.sh support\"" << L{1, 2};
    QTest::newRow("s: phrase wrong order") << "s:\"support tags.sh\"" << L{};
    // f: t: c: a:
    QTest::newRow("f: local part") << "f:ojeda" << L{1};
    QTest::newRow("f: address") << "f:masahiroy@kernel.org" << L{2};
    QTest::newRow("f: name phrase") << "f:\"Masahiro Yamada\"" << L{2};
    QTest::newRow("f: not stemmed") << "f:kees" << L{3};
    QTest::newRow("f: wildcard") << "f:masa*" << L{2};
    QTest::newRow("f: repeated is AND") << "f:masahiroy f:yamada" << L{2};
    QTest::newRow("f: with text") << "menuconfig f:kees" << L{3};
    QTest::newRow("t:") << "t:masahiroy" << L{1};
    QTest::newRow("c:") << "c:kees" << L{1};
    QTest::newRow("c: list address") << "c:rust-for-linux@vger.kernel.org" << L{1};
    QTest::newRow("a: any address") << "a:kees" << L{1, 3};
    QTest::newRow("a: from or to") << "a:ojeda" << L{1, 2};
    // l:
    QTest::newRow("l:") << "l:llvm" << L{4};
    QTest::newRow("l: hyphenated") << "l:linux-kbuild" << L{1, 2, 3, 6};
    // m:
    QTest::newRow("m:") << "m:msg3@example.org" << L{3};
    QTest::newRow("m: with brackets") << "m:<msg3@example.org>" << L{3};
    QTest::newRow("m: odd characters") << "m:odd-id.1234$x@[127.0.0.1]" << L{6};
    QTest::newRow("m: exact only") << "m:msg3" << L{};
    QTest::newRow("m: commit oid") << "m:0123456789abcdef0123456789abcdef01234567" << L{-1};
    // b: nq: q:
    QTest::newRow("b: own") << "b:menuconfig" << L{3};
    QTest::newRow("b: quoted") << "b:teaches" << L{1, 2};
    QTest::newRow("nq:") << "nq:NAK" << L{2};
    QTest::newRow("nq: excludes quotes") << "nq:teaches" << L{1};
    QTest::newRow("q:") << "q:NAK" << L{4};
    QTest::newRow("q: quoted only") << "q:teaches" << L{2};
    QTest::newRow("q: stemmed") << "q:teach" << L{2};
    QTest::newRow("q: phrase is its words") << "q:\"Rust teaches\"" << L{2};
    QTest::newRow("q: phrase words all needed") << "q:\"teaches nothing\"" << L{};
    QTest::newRow("q: with other fields") << "q:teaches AND f:masahiroy" << L{2};
    QTest::newRow("b: stemmed") << "b:review" << L{6};
    // dfn:
    QTest::newRow("dfn: basename") << "dfn:Makefile" << L{1, 3};
    QTest::newRow("dfn: path") << "dfn:rust/Makefile" << L{1};
    QTest::newRow("dfn: full path") << "dfn:scripts/kconfig/menu.c" << L{3};
    QTest::newRow("dfn: component") << "dfn:kconfig" << L{3};
    QTest::newRow("dfn: extension") << "dfn:rs" << L{4, -1};
    QTest::newRow("dfn: directory phrase") << "dfn:rust/kernel" << L{-1};
    QTest::newRow("dfn: not across paths") << "dfn:\"Makefile rust\"" << L{};
    QTest::newRow("dfn: wildcard") << "dfn:ax88796b*" << L{4};
    QTest::newRow("dfn: underscore name") << "dfn:ax88796b_rust.rs" << L{4};
    // d:
    QTest::newRow("d: full range") << "d:2024-01-01..2024-12-31" << L{2, 3, 4};
    QTest::newRow("d: compact open end") << "d:20240701.." << L{4, 6};
    QTest::newRow("d: open start month") << "d:..2024-06" << L{1, 2, 3, -1};
    QTest::newRow("d: years") << "d:2022..2023" << L{1, -1};
    QTest::newRow("d: single day") << "d:2024-06-30" << L{3};
    QTest::newRow("d: single month") << "d:2024-07" << L{4};
    QTest::newRow("d: with text") << "d:2024-01-01..2024-12-31 AND s:rust" << L{2};
    // boolean operators
    QTest::newRow("AND") << "s:rust AND f:ojeda" << L{1};
    QTest::newRow("and lower case") << "s:rust and f:ojeda" << L{1};
    QTest::newRow("OR") << "f:ojeda OR f:kees" << L{1, 3};
    QTest::newRow("NOT") << "s:rust NOT s:re" << L{1, -1};
    QTest::newRow("pure NOT") << "NOT l:linux-kbuild" << L{4, -1};
    QTest::newRow("parentheses") << "(f:ojeda OR f:kees) AND d:2024.." << L{3};
    QTest::newRow("love hate") << "+rust -nak" << L{1, -1};
    QTest::newRow("XOR") << "s:kconfig XOR crash" << L{4};
    QTest::newRow("NEAR") << "crashing NEAR/6 menuconfig" << L{3};
    QTest::newRow("capitalised not stemmed") << "b:Crashing" << L{3};
    QTest::newRow("lower case stemmed") << "b:crashing" << L{3, 4};
    QTest::newRow("acceptance tags.sh from ojeda") << "s:\"tags.sh\" AND f:ojeda" << L{1};
    // phrases and wildcards
    QTest::newRow("phrase in body") << "\"lazy dog\"" << L{6};
    QTest::newRow("phrase wrong order") << "\"dog lazy\"" << L{};
    QTest::newRow("wildcard") << "menu*" << L{3};
    QTest::newRow("wildcard prefixed") << "s:kcon*" << L{3};
    QTest::newRow("no partial by default") << "menuc" << L{};
    QTest::newRow("empty query matches all") << "" << L{1, 2, 3, 4, 6, -1};
}

void TestSearchIndex::queries()
{
    QFETCH(QString, query);
    QFETCH(QList<qint64>, expected);
    auto results = m_index->search(query, 0, 100, SearchOrder::Relevance);
    QVERIFY2(results, qPrintable(results.errorMessage()));
    QList<qint64> got = keysOf(results->hits);
    std::sort(got.begin(), got.end());
    std::sort(expected.begin(), expected.end());
    QCOMPARE(got, expected);
    QCOMPARE(results->estimatedTotal, qint64(expected.size()));
}

void TestSearchIndex::hitCarriesDisplayFields()
{
    auto results = m_index->search(QStringLiteral("m:msg1@example.org"), 0, 10);
    QVERIFY(results);
    QCOMPARE(results->hits.size(), 1);
    const SearchHit &hit = results->hits.first();
    QCOMPARE(hit.kind, SearchDocument::Kind::Message);
    QCOMPARE(hit.rowId, 1);
    QCOMPARE(hit.subject, QStringLiteral("[PATCH v2 1/3] kbuild: rust: add tags.sh support"));
    QCOMPARE(hit.from, QStringLiteral("Miguel Ojeda <ojeda@kernel.org>"));
    QCOMPARE(hit.messageId, QStringLiteral("msg1@example.org"));
    QCOMPARE(hit.list, QStringLiteral("linux-kbuild"));
    QCOMPARE(hit.date, utc(2023, 3, 5));

    auto odd = m_index->search(QStringLiteral("m:odd-id.1234$x@[127.0.0.1]"), 0, 10);
    QVERIFY(odd);
    QCOMPARE(odd->hits.size(), 1);
    QCOMPARE(odd->hits.first().messageId, QStringLiteral("odd-id.1234$x@[127.0.0.1]"));
}

void TestSearchIndex::sortOrders()
{
    auto newest = m_index->search(QString(), 0, 100, SearchOrder::NewestFirst);
    QVERIFY(newest);
    QCOMPARE(keysOf(newest->hits), (QList<qint64>{6, 4, 3, 2, 1, -1}));
    auto oldest = m_index->search(QString(), 0, 100, SearchOrder::OldestFirst);
    QVERIFY(oldest);
    QCOMPARE(keysOf(oldest->hits), (QList<qint64>{-1, 1, 2, 3, 4, 6}));

    // 3 has both words (crash in subject and body), 4 only one: 3 ranks first though older.
    auto relevance = m_index->search(QStringLiteral("crash OR menuconfig"), 0, 100, SearchOrder::Relevance);
    QVERIFY(relevance);
    QCOMPARE(relevance->hits.size(), 2);
    QCOMPARE(relevance->hits.first().rowId, 3);
    QVERIFY(relevance->hits.first().relevance >= relevance->hits.last().relevance);
    QVERIFY(relevance->hits.first().relevance > 0);
}

void TestSearchIndex::offsetAndLimit()
{
    auto page = m_index->search(QString(), 2, 2, SearchOrder::NewestFirst);
    QVERIFY(page);
    QCOMPARE(keysOf(page->hits), (QList<qint64>{3, 2}));
    QCOMPARE(page->estimatedTotal, 6);
    auto beyond = m_index->search(QString(), 50, 10);
    QVERIFY(beyond);
    QVERIFY(beyond->hits.isEmpty());
    QVERIFY(!m_index->search(QString(), -1, 10));
}

void TestSearchIndex::readdReplaces()
{
    QTemporaryDir dir;
    auto index = SearchIndex::open(dir.path(), SearchIndex::Mode::ReadWrite);
    QVERIFY(index);
    SearchDocument doc = message(7, QStringLiteral("first subject"), QStringLiteral("a <a@b.c>"), utc(2024, 1, 1));
    QVERIFY(index->add(doc));
    QVERIFY(index->commit());
    doc.subject = QStringLiteral("second subject");
    QVERIFY(index->add(doc));
    QVERIFY(index->commit());
    QCOMPARE(index->documentCount(), 1);
    auto first = index->search(QStringLiteral("s:first"), 0, 10);
    QVERIFY(first);
    QCOMPARE(first->hits.size(), 0);
    auto second = index->search(QStringLiteral("s:second"), 0, 10);
    QVERIFY(second);
    QCOMPARE(second->hits.size(), 1);
    // A commit with the same row id is another document.
    doc.kind = SearchDocument::Kind::Commit;
    QVERIFY(index->add(doc));
    QVERIFY(index->commit());
    QCOMPARE(index->documentCount(), 2);
}

void TestSearchIndex::removeDeletes()
{
    QTemporaryDir dir;
    auto index = SearchIndex::open(dir.path(), SearchIndex::Mode::ReadWrite);
    QVERIFY(index);
    QVERIFY(index->add(message(1, QStringLiteral("one"), QString(), utc(2024, 1, 1))));
    QVERIFY(index->add(message(2, QStringLiteral("two"), QString(), utc(2024, 1, 2))));
    QVERIFY(index->commit());
    QVERIFY(index->remove(SearchDocument::Kind::Message, 1));
    QVERIFY(index->remove(SearchDocument::Kind::Message, 99)); // absent: not an error
    QVERIFY(index->commit());
    QCOMPARE(index->documentCount(), 1);
    auto all = index->search(QString(), 0, 10);
    QVERIFY(all);
    QCOMPARE(keysOf(all->hits), (QList<qint64>{2}));
}

void TestSearchIndex::invalidQueryIsAnError_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("bad date") << "d:2024-13-01..2024-12-31" << "2024-13-01";
    QTest::newRow("garbage date") << "d:yesterdayish.." << "yesterdayish";
    QTest::newRow("bad single date") << "d:notadate" << "notadate";
    QTest::newRow("dangling operator") << "s:rust AND" << "s:rust AND";
    QTest::newRow("leading operator") << "AND f:kees" << "AND f:kees";
    QTest::newRow("trailing NOT") << "rust NOT" << "rust NOT";
}

void TestSearchIndex::invalidQueryIsAnError()
{
    QFETCH(QString, query);
    QFETCH(QString, mentions);
    auto results = m_index->search(query, 0, 10);
    QVERIFY(!results);
    QVERIFY2(results.errorMessage().contains(QStringLiteral("invalid query")), qPrintable(results.errorMessage()));
    QVERIFY2(results.errorMessage().contains(mentions), qPrintable(results.errorMessage()));
}

void TestSearchIndex::uncommittedIsDropped()
{
    QTemporaryDir dir;
    {
        auto index = SearchIndex::open(dir.path(), SearchIndex::Mode::ReadWrite);
        QVERIFY(index);
        QVERIFY(index->add(message(1, QStringLiteral("kept"), QString(), utc(2024, 1, 1))));
        QVERIFY(index->commit());
        QVERIFY(index->add(message(2, QStringLiteral("dropped"), QString(), utc(2024, 1, 1))));
        // destroyed without commit: the batch was abandoned, as after Ctrl-C
    }
    auto reader = SearchIndex::open(dir.path(), SearchIndex::Mode::ReadOnly);
    QVERIFY2(reader, qPrintable(reader.errorMessage()));
    QCOMPARE(reader->documentCount(), 1);
}

void TestSearchIndex::readerSeesWriterCommits()
{
    QTemporaryDir dir;
    auto writer = SearchIndex::open(dir.path(), SearchIndex::Mode::ReadWrite);
    QVERIFY(writer);
    QVERIFY(writer->commit());
    auto reader = SearchIndex::open(dir.path(), SearchIndex::Mode::ReadOnly);
    QVERIFY2(reader, qPrintable(reader.errorMessage()));
    QCOMPARE(reader->documentCount(), 0);
    // Many commits while the reader stays open: it must never fail with DatabaseModifiedError.
    for (int i = 1; i <= 5; ++i) {
        QVERIFY(writer->add(message(i, QStringLiteral("batch %1").arg(i), QString(), utc(2024, 1, i))));
        QVERIFY(writer->commit());
        auto results = reader->search(QStringLiteral("batch"), 0, 100);
        QVERIFY2(results, qPrintable(results.errorMessage()));
        QCOMPARE(results->hits.size(), i);
    }
    QCOMPARE(reader->documentCount(), 5);
}

void TestSearchIndex::readOnlyMissingIndexFails()
{
    QTemporaryDir dir;
    const QString path = dir.path() + QStringLiteral("/nothing-here");
    auto index = SearchIndex::open(path, SearchIndex::Mode::ReadOnly);
    QVERIFY(!index);
    QVERIFY2(index.errorMessage().contains(path), qPrintable(index.errorMessage()));

    // A directory that is not a Xapian database: the error names it.
    auto notXapian = SearchIndex::open(dir.path(), SearchIndex::Mode::ReadOnly);
    QVERIFY(!notXapian);
    QVERIFY2(notXapian.errorMessage().contains(dir.path()), qPrintable(notXapian.errorMessage()));
}

void TestSearchIndex::readOnlyCannotWrite()
{
    auto reader = SearchIndex::open(m_path, SearchIndex::Mode::ReadOnly);
    QVERIFY(reader);
    const Status s = reader->add(message(9, QStringLiteral("x"), QString(), utc(2024, 1, 1)));
    QVERIFY(!s);
    QVERIFY2(s.message().contains(QStringLiteral("read-only")), qPrintable(s.message()));
}

void TestSearchIndex::preparedOnThreadsMatchesDirect()
{
    QTemporaryDir dir;
    auto index = SearchIndex::open(dir.path(), SearchIndex::Mode::ReadWrite);
    QVERIFY(index);
    const QList<SearchDocument> docs = corpus();
    std::vector<std::optional<PreparedSearchDocument>> prepared(size_t(docs.size()));
    QList<QThread *> threads;
    for (qsizetype i = 0; i < docs.size(); ++i) {
        threads << QThread::create([&, i] {
            auto p = SearchIndex::prepare(docs[i]);
            if (p)
                prepared[size_t(i)].emplace(std::move(p.value()));
        });
        threads.last()->start();
    }
    for (QThread *t : threads) {
        t->wait();
        delete t;
    }
    for (auto &p : prepared) {
        QVERIFY(p.has_value());
        QVERIFY(index->add(std::move(*p)));
    }
    QVERIFY(index->commit());
    auto results = index->search(QStringLiteral("dfn:rust/Makefile OR f:kees"), 0, 10);
    QVERIFY(results);
    QList<qint64> got = keysOf(results->hits);
    std::sort(got.begin(), got.end());
    QCOMPARE(got, (QList<qint64>{1, 3}));
}

void TestSearchIndex::veryLongMessageId()
{
    QTemporaryDir dir;
    auto index = SearchIndex::open(dir.path(), SearchIndex::Mode::ReadWrite);
    QVERIFY(index);
    SearchDocument doc = message(1, QStringLiteral("long id"), QString(), utc(2024, 1, 1));
    doc.messageId = QString(400, QLatin1Char('x')) + QStringLiteral("@example.org");
    QVERIFY(index->add(doc));
    QVERIFY(index->commit());
    auto results = index->search(QStringLiteral("m:") + doc.messageId, 0, 10);
    QVERIFY2(results, qPrintable(results.errorMessage()));
    QCOMPARE(results->hits.size(), 1);
    QCOMPARE(results->hits.first().messageId, doc.messageId);
}


namespace {
struct ShardEnvironment
{
    explicit ShardEnvironment(const QByteArray &count) { qputenv("KERNELLENS_SEARCH_SHARDS", count); }
    ~ShardEnvironment() { qunsetenv("KERNELLENS_SEARCH_SHARDS"); }
};
} // namespace

void TestSearchIndex::shardsAreSearchedAsOne()
{
    ShardEnvironment three("3");
    QTemporaryDir dir;
    auto index = SearchIndex::open(dir.path(), SearchIndex::Mode::ReadWrite);
    QVERIFY2(index, qPrintable(index.errorMessage()));
    QCOMPARE(index->shardCount(), 3);
    for (qint64 id = 1; id <= 10; ++id)
        QVERIFY(index->add(message(id, QStringLiteral("shard test %1").arg(id), QStringLiteral("a <a@b.c>"),
                                   utc(2024, 1, int(id)))));
    QVERIFY(index->commit());
    for (int shard = 0; shard < 3; ++shard)
        QVERIFY2(QFileInfo::exists(dir.path() + QStringLiteral("/%1/iamglass").arg(shard)), "shard directory");
    QCOMPARE(index->documentCount(), 10);
    // Newest first across shards: the order is the dates', not the shards'.
    auto all = index->search(QStringLiteral("s:shard"), 0, 20, SearchOrder::NewestFirst);
    QVERIFY(all);
    QCOMPARE(keysOf(all->hits), (QList<qint64>{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}));
    // Removal and replacement reach the document's own shard.
    QVERIFY(index->remove(SearchDocument::Kind::Message, 4));
    QVERIFY(index->add(message(5, QStringLiteral("replaced"), QString(), utc(2024, 1, 5))));
    QVERIFY(index->commit());
    auto reader = SearchIndex::open(dir.path(), SearchIndex::Mode::ReadOnly);
    QVERIFY(reader);
    QCOMPARE(reader->shardCount(), 3);
    QCOMPARE(reader->documentCount(), 9);
    auto shardHits = reader->search(QStringLiteral("s:shard"), 0, 20);
    QVERIFY(shardHits);
    QCOMPARE(shardHits->hits.size(), 8);
    auto replaced = reader->search(QStringLiteral("s:replaced"), 0, 20);
    QVERIFY(replaced);
    QCOMPARE(keysOf(replaced->hits), (QList<qint64>{5}));
}

void TestSearchIndex::shardCountStaysWithTheStore()
{
    QTemporaryDir dir;
    {
        ShardEnvironment two("2");
        auto index = SearchIndex::open(dir.path(), SearchIndex::Mode::ReadWrite);
        QVERIFY(index);
        QVERIFY(index->add(message(1, QStringLiteral("one"), QString(), utc(2024, 1, 1))));
        QVERIFY(index->add(message(2, QStringLiteral("two"), QString(), utc(2024, 1, 2))));
        QVERIFY(index->commit());
    }
    ShardEnvironment four("4");
    auto index = SearchIndex::open(dir.path(), SearchIndex::Mode::ReadWrite);
    QVERIFY(index);
    // A different count would send row 2's replacement to another shard and keep both.
    QCOMPARE(index->shardCount(), 2);
    QVERIFY(index->add(message(2, QStringLiteral("two again"), QString(), utc(2024, 1, 2))));
    QVERIFY(index->commit());
    QCOMPARE(index->documentCount(), 2);
    QVERIFY(!QFileInfo::exists(dir.path() + QStringLiteral("/2")));
}

void TestSearchIndex::singleDatabaseLayoutStillOpens()
{
    // Stores made before sharding hold one glass database in xapian/ itself.
    QTemporaryDir dir;
    {
        Xapian::WritableDatabase legacy(dir.path().toStdString(), Xapian::DB_CREATE);
        legacy.commit();
    }
    {
        auto index = SearchIndex::open(dir.path(), SearchIndex::Mode::ReadWrite);
        QVERIFY2(index, qPrintable(index.errorMessage()));
        QCOMPARE(index->shardCount(), 1);
        QVERIFY(index->add(message(3, QStringLiteral("legacy"), QString(), utc(2024, 1, 3))));
        QVERIFY(index->commit());
    }
    QVERIFY(!QFileInfo::exists(dir.path() + QStringLiteral("/0")));
    auto reader = SearchIndex::open(dir.path(), SearchIndex::Mode::ReadOnly);
    QVERIFY(reader);
    auto hits = reader->search(QStringLiteral("s:legacy"), 0, 10);
    QVERIFY(hits);
    QCOMPARE(keysOf(hits->hits), (QList<qint64>{3}));
}

QTEST_GUILESS_MAIN(TestSearchIndex)
#include "tst_search_index.moc"
