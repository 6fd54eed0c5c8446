// Crash safety of `kernellens-cli ingest mail` on a slice of the real linux-kbuild archive:
// a run killed (SIGKILL) at several points and then rerun gives the same store as a clean run,
// and readers during an ingest see consistent counts and never "database is locked".
// The slice (the first kSliceMessages commits of epoch 0) is made at test time in a temp dir.

#include <kernellens/index/search_index.h>
#include <kernellens/index/store.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace kl;

namespace {

// 4,000 messages: two transaction commits (every ~2,000 messages) before the end of the source,
// and a run time of ~15 s per clean ingest on a loaded 2-core machine.
constexpr int kSliceMessages = 4000;
const QString kList = QStringLiteral("linux-kbuild");

// Columns that record when or how long a run took, not what it found; a resumed run differs
// there by construction. Everything else must be identical.
//   sources.added_at, sources.last_run_at, watermarks.updated_at: wall-clock times of the run.
//   derive_state.seconds, .updated_at: how long / when a derivation last ran.
//   derive_state.items: rows the *last* run of a derivation recomputed (a resumed run may
//     finish a derivation that a killed run had half done, or skip one whose inputs the killed
//     run already derived).
//   derive_state.state: the fingerprint of a derivation's inputs, which includes the
//     updated_at of the derivations it reads (upstreamStamp() in derive_runner.cpp).
const QHash<QString, QStringList> kRunColumns = {
    {QStringLiteral("sources"), {QStringLiteral("added_at"), QStringLiteral("last_run_at")}},
    {QStringLiteral("watermarks"), {QStringLiteral("updated_at")}},
    {QStringLiteral("derive_state"),
     {QStringLiteral("seconds"), QStringLiteral("updated_at"), QStringLiteral("items"), QStringLiteral("state")}},
};

QByteArray git(const QString &gitDir, const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral("git"), QStringList{QStringLiteral("--git-dir"), gitDir} + args);
    if (!p.waitForFinished(120000) || p.exitCode() != 0)
        qFatal("git %s failed: %s", qPrintable(args.join(QLatin1Char(' '))), p.readAllStandardError().constData());
    return p.readAllStandardOutput();
}

QStringList ingestArgs(const QString &store, const QString &inbox)
{
    return {QStringLiteral("--db"), store, QStringLiteral("ingest"), QStringLiteral("mail"),
            QStringLiteral("--list"), kList, inbox};
}

// Messages committed to a store, or -1 while it cannot be read yet.
qint64 storedMessages(const QString &storeDir)
{
    auto store = Store::open(storeDir, Store::Mode::ReadOnly);
    if (!store)
        return -1;
    auto n = store->db().scalar(QStringLiteral("SELECT count(*) FROM messages"));
    return n ? n->toLongLong() : -1;
}

// Runs the ingest until `killNow(stderr so far)` says so, then SIGKILLs it. Returns the stderr
// seen, or an empty string when the run finished before the kill point was reached.
struct KilledRun
{
    bool killed = false;
    QString err;
    qint64 elapsedMs = 0;
};

KilledRun runAndKill(const QString &store, const QString &inbox, const std::function<bool(const QString &)> &killNow)
{
    QProcess p;
    p.start(QStringLiteral(KERNELLENS_CLI), ingestArgs(store, inbox));
    KilledRun run;
    QElapsedTimer timer;
    timer.start();
    if (!p.waitForStarted())
        return run;
    while (p.state() != QProcess::NotRunning) {
        p.waitForReadyRead(10);
        run.err += QString::fromUtf8(p.readAllStandardError());
        if (p.state() != QProcess::NotRunning && killNow(run.err)) {
            p.kill(); // SIGKILL: no handler, no flush, the lock file stays behind
            run.killed = true;
            break;
        }
        if (timer.elapsed() > 300000)
            qFatal("ingest did not finish within 5 minutes");
    }
    p.waitForFinished(30000);
    run.elapsedMs = timer.elapsed();
    return run;
}

// Every row of a table as text, ordered by its primary key (all columns when it has none),
// without the run-time columns of kRunColumns unless `withRunColumns`.
Result<QStringList> dumpTable(Store &store, const QString &table, bool withRunColumns = false)
{
    QStringList columns, key;
    Status s = store.db().forEachRow(QStringLiteral("SELECT name, pk FROM pragma_table_info(?) ORDER BY pk, cid"),
                                     {table}, [&](const Statement &row) {
                                         const QString name = row.text(0);
                                         if (!withRunColumns && kRunColumns.value(table).contains(name))
                                             return;
                                         columns << QLatin1Char('"') + name + QLatin1Char('"');
                                         if (row.int64(1) > 0)
                                             key << columns.last();
                                     });
    if (!s)
        return s;
    const QStringList order = key.isEmpty() ? columns : key;
    QStringList rows;
    s = store.db().forEachRow(QStringLiteral("SELECT %1 FROM \"%2\" ORDER BY %3")
                                  .arg(columns.join(QLatin1Char(',')), table, order.join(QLatin1Char(','))),
                              {}, [&](const Statement &row) {
                                  QStringList cells;
                                  for (int i = 0; i < row.columnCount(); ++i) {
                                      const QVariant v = row.value(i);
                                      cells << (v.isNull() ? QStringLiteral("NULL")
                                                : v.typeId() == QMetaType::QByteArray
                                                    ? QString::fromLatin1(v.toByteArray().toHex())
                                                    : v.toString());
                                  }
                                  rows << cells.join(QLatin1Char('|'));
                              });
    if (!s)
        return s;
    return rows;
}

// The stats counts of `kernellens-cli --json stats`, by what they count.
QHash<QString, qint64> statsCounts(const QByteArray &json)
{
    QHash<QString, qint64> counts;
    const QJsonArray tables = QJsonDocument::fromJson(json).object().value(QStringLiteral("tables")).toArray();
    for (const QJsonValue &t : tables) {
        if (t.toObject().value(QStringLiteral("id")).toString() != QLatin1String("stats.counts"))
            continue;
        for (const QJsonValue &r : t.toObject().value(QStringLiteral("rows")).toArray())
            counts.insert(r.toObject().value(QStringLiteral("what")).toString(),
                          r.toObject().value(QStringLiteral("count")).toInteger());
    }
    return counts;
}

// Rows that point at nothing, counted in one statement so that they come from one snapshot.
const QString kDanglingSql = QStringLiteral(
    "SELECT (SELECT count(*) FROM thread_nodes n WHERE n.message_id IS NOT NULL"
    "          AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = n.message_id))"
    "     + (SELECT count(*) FROM thread_nodes n WHERE NOT EXISTS (SELECT 1 FROM threads t WHERE t.id = n.thread_id))"
    "     + (SELECT count(*) FROM threads t WHERE t.root_message_id IS NOT NULL"
    "          AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = t.root_message_id))"
    "     + (SELECT count(*) FROM message_bodies b WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = b.message_id))"
    "     + (SELECT count(*) FROM messages m WHERE NOT EXISTS (SELECT 1 FROM message_bodies b WHERE b.message_id = m.id))");

} // namespace

class TestCrashSafety : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanRunWithReaders();
    void killedRunsResume();
    void storesIdentical();
    void searchIndexesIdentical();

private:
    QTemporaryDir m_dir;
    QString m_inbox;
    QString m_storeA;   // clean run
    QString m_storeB;   // killed runs, then resumed
    bool m_resumed = false;
};

void TestCrashSafety::initTestCase()
{
    const QString bundle = QStringLiteral(KERNELLENS_SHARED_DATA "/linux-kbuild-epoch0.bundle");
    if (!QFileInfo::exists(bundle))
        QSKIP("linux-kbuild-epoch0.bundle is not in the shared data");
    QVERIFY(m_dir.isValid());
    m_inbox = m_dir.filePath(QStringLiteral("kbuild-slice"));
    m_storeA = m_dir.filePath(QStringLiteral("store-clean"));
    m_storeB = m_dir.filePath(QStringLiteral("store-killed"));
    const QString epoch = m_inbox + QStringLiteral("/git/0.git");
    QVERIFY(QDir().mkpath(m_inbox + QStringLiteral("/git")));
    QProcess clone;
    clone.start(QStringLiteral("git"), {QStringLiteral("clone"), QStringLiteral("-q"), QStringLiteral("--mirror"), bundle, epoch});
    QVERIFY(clone.waitForFinished(300000));
    QVERIFY2(clone.exitCode() == 0, clone.readAllStandardError().constData());
    // The slice: master moved back to the kSliceMessages-th commit (one message per commit),
    // in the order the epoch reader walks (topological, oldest first).
    const QList<QByteArray> commits = git(epoch, {QStringLiteral("rev-list"), QStringLiteral("--topo-order"),
                                                  QStringLiteral("--reverse"), QStringLiteral("HEAD")}).split('\n');
    QVERIFY(commits.size() > kSliceMessages);
    git(epoch, {QStringLiteral("update-ref"), QStringLiteral("refs/heads/master"),
                QString::fromLatin1(commits.at(kSliceMessages - 1))});
}

// Store A: a clean run, while a reader runs `stats` and a consistency query again and again.
void TestCrashSafety::cleanRunWithReaders()
{
    QProcess ingest;
    ingest.start(QStringLiteral(KERNELLENS_CLI), ingestArgs(m_storeA, m_inbox));
    QVERIFY(ingest.waitForStarted());
    qint64 lastMessages = 0, lastThreads = 0;
    int reads = 0, readsWithMessages = 0;
    bool storeSeen = false;
    while (ingest.state() != QProcess::NotRunning) {
        QProcess stats;
        stats.start(QStringLiteral(KERNELLENS_CLI), {QStringLiteral("--db"), m_storeA, QStringLiteral("--json"), QStringLiteral("stats")});
        QVERIFY(stats.waitForFinished(60000));
        const QString err = QString::fromUtf8(stats.readAllStandardError());
        QVERIFY2(!err.contains(QLatin1String("locked")) && !err.contains(QLatin1String("busy")), qPrintable(err));
        if (stats.exitCode() != 0) {
            // Only before the writer has created the store.
            QVERIFY2(!storeSeen && err.contains(QLatin1String("no KernelLens store here")), qPrintable(err));
            ingest.waitForFinished(100);
            continue;
        }
        storeSeen = true;
        ++reads;
        const auto counts = statsCounts(stats.readAllStandardOutput());
        const qint64 messages = counts.value(QStringLiteral("messages"));
        const qint64 threads = counts.value(QStringLiteral("threads"));
        QVERIFY2(messages >= lastMessages, qPrintable(QStringLiteral("messages %1 after %2").arg(messages).arg(lastMessages)));
        QVERIFY2(threads >= lastThreads, qPrintable(QStringLiteral("threads %1 after %2").arg(threads).arg(lastThreads)));
        lastMessages = messages;
        lastThreads = threads;
        readsWithMessages += messages > 0 && messages < kSliceMessages ? 1 : 0;

        auto store = Store::open(m_storeA, Store::Mode::ReadOnly);
        QVERIFY2(store, qPrintable(store.errorMessage()));
        auto dangling = store->db().scalar(kDanglingSql);
        if (!dangling && dangling.errorMessage().contains(QLatin1String("no such table")))
            continue; // the schema is being created
        QVERIFY2(dangling, qPrintable(dangling.errorMessage()));
        QCOMPARE(dangling->toLongLong(), 0);
        ingest.waitForFinished(100);
    }
    QCOMPARE(ingest.exitStatus(), QProcess::NormalExit);
    QVERIFY2(ingest.exitCode() == 0, ingest.readAllStandardError().constData());
    QCOMPARE(storedMessages(m_storeA), qint64(kSliceMessages));
    qInfo("clean run: %d consistent reads during the ingest, %d of them between commits of a partial store",
          reads, readsWithMessages);
    QVERIFY(reads > 0);
}

// Store B: the same ingest killed at several points, each run resuming what the last left.
void TestCrashSafety::killedRunsResume()
{
    struct KillPoint
    {
        const char *what;
        std::function<bool(const QString &)> killNow;
    };
    QElapsedTimer since;
    qint64 before = 0;
    auto afterMs = [&](qint64 ms) { return [&since, ms](const QString &) { return since.elapsed() >= ms; }; };
    // The first commit a run makes shows as more messages than it started with.
    auto atNextCommit = [this, &before](const QString &) { return storedMessages(m_storeB) > before; };
    auto atPhase = [](const char *phase) {
        return [p = QStringLiteral("[%1]").arg(QLatin1String(phase))](const QString &err) { return err.contains(p); };
    };
    const KillPoint points[] = {
        {"opening the store / first batches (300 ms)", afterMs(300)},
        {"right after the first transaction commit", atNextCommit},
        {"between two commits (1.5 s into a run)", afterMs(1500)},
        // On a fast machine the run before may have reached the last commit already; then the
        // start of the derive stage is the same point (nothing stored since).
        {"right after the last commit", [&](const QString &err) {
             return atNextCommit(err) || atPhase("deriving threads")(err);
         }},
        {"derive: threads", atPhase("deriving threads")},
        {"derive: patch-ids", atPhase("patch-ids of patch mail")},
        {"derive: review", atPhase("review: reading series")},
    };
    for (const KillPoint &point : points) {
        before = std::max<qint64>(0, storedMessages(m_storeB));
        since.start();
        const KilledRun run = runAndKill(m_storeB, m_inbox, point.killNow);
        qInfo("kill point \"%s\": %s after %lld ms, %lld messages stored before, %lld after", point.what,
              run.killed ? "killed" : "finished first", run.elapsedMs, before, storedMessages(m_storeB));
        QVERIFY2(run.killed, qPrintable(QStringLiteral("the run ended before \"%1\": %2").arg(QLatin1String(point.what), run.err)));
    }
    QProcess rerun;
    rerun.start(QStringLiteral(KERNELLENS_CLI), ingestArgs(m_storeB, m_inbox));
    QVERIFY(rerun.waitForFinished(300000));
    QVERIFY2(rerun.exitCode() == 0, rerun.readAllStandardError().constData());
    QCOMPARE(storedMessages(m_storeB), qint64(kSliceMessages));
    m_resumed = true;
}

// Every table, row by row in primary-key order, minus the run-time columns.
void TestCrashSafety::storesIdentical()
{
    if (!m_resumed)
        QSKIP("the killed runs did not resume");
    auto a = Store::open(m_storeA, Store::Mode::ReadOnly);
    auto b = Store::open(m_storeB, Store::Mode::ReadOnly);
    QVERIFY2(a && b, "cannot open the stores");
    auto tablesOf = [](Store &store) {
        QStringList names;
        // sqlite_* tables are SQLite's own (sqlite_stat1: planner statistics of PRAGMA optimize).
        (void)store.db().forEachRow(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                   "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"),
                                    {}, [&](const Statement &row) { names << row.text(0); });
        return names;
    };
    const QStringList tables = tablesOf(*a);
    QCOMPARE(tablesOf(*b), tables);
    qint64 rows = 0;
    QStringList differences;
    for (const QString &table : tables) {
        auto rowsA = dumpTable(*a, table);
        auto rowsB = dumpTable(*b, table);
        QVERIFY2(rowsA && rowsB, qPrintable(table));
        rows += rowsA->size();
        if (*rowsA == *rowsB)
            continue;
        qsizetype i = 0;
        while (i < rowsA->size() && i < rowsB->size() && rowsA->at(i) == rowsB->at(i))
            ++i;
        differences << QStringLiteral("table %1 (%2 rows clean, %3 resumed), first at row %4:\n"
                                      "  clean:   %5\n  resumed: %6")
                           .arg(table).arg(rowsA->size()).arg(rowsB->size()).arg(i)
                           .arg(rowsA->value(i).left(300), rowsB->value(i).left(300));
    }
    QVERIFY2(differences.isEmpty(), qPrintable(differences.join(QLatin1Char('\n'))));
    // Which excluded columns did differ this time (the report of the test; they may by chance not).
    const QHash<QString, QString> keyOf = {{QStringLiteral("sources"), QStringLiteral("id")},
                                           {QStringLiteral("watermarks"), QStringLiteral("source_id, key")},
                                           {QStringLiteral("derive_state"), QStringLiteral("name")}};
    for (auto it = kRunColumns.cbegin(); it != kRunColumns.cend(); ++it) {
        for (const QString &column : it.value()) {
            const QString sql = QStringLiteral("SELECT group_concat(v, ',') FROM (SELECT quote(%1) AS v FROM %2 ORDER BY %3)")
                                    .arg(column, it.key(), keyOf.value(it.key()));
            auto va = a->db().scalar(sql), vb = b->db().scalar(sql);
            QVERIFY2(va && vb, qPrintable(sql));
            qInfo("excluded %s.%s: %s", qPrintable(it.key()), qPrintable(column),
                  *va == *vb ? "equal this time" : "differs");
        }
    }
    qInfo("%lld tables, %lld rows identical", qint64(tables.size()), rows);
}

// The Xapian index: the same documents, and the same answers to a few queries.
void TestCrashSafety::searchIndexesIdentical()
{
    if (!m_resumed)
        QSKIP("the killed runs did not resume");
    auto a = SearchIndex::open(m_storeA + QStringLiteral("/xapian"), SearchIndex::Mode::ReadOnly);
    auto b = SearchIndex::open(m_storeB + QStringLiteral("/xapian"), SearchIndex::Mode::ReadOnly);
    QVERIFY2(a && b, "cannot open the search indexes");
    QCOMPARE(a->documentCount(), qint64(kSliceMessages));
    QCOMPARE(b->documentCount(), a->documentCount());
    const QStringList queries = {QStringLiteral("kbuild"), QStringLiteral("s:PATCH AND modpost"),
                                 QStringLiteral("f:masahiro"), QStringLiteral("s:kconfig"),
                                 QStringLiteral("Makefile")};
    for (const QString &query : queries) {
        auto ra = a->search(query, 0, 50, SearchOrder::OldestFirst);
        auto rb = b->search(query, 0, 50, SearchOrder::OldestFirst);
        QVERIFY2(ra && rb, qPrintable(query));
        QVERIFY2(ra->estimatedTotal > 0, qPrintable(query));
        QCOMPARE(rb->estimatedTotal, ra->estimatedTotal);
        QList<qint64> idsA, idsB;
        for (const SearchHit &h : std::as_const(ra->hits))
            idsA << h.rowId;
        for (const SearchHit &h : std::as_const(rb->hits))
            idsB << h.rowId;
        QCOMPARE(idsB, idsA);
    }
}

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "tst_crash_safety.moc"
