// Thread scoring on a small synthetic store: the mail tables come from the real migrations and
// the rows are inserted directly, then messages are scored and threads ranked.

#include <kernellens/index/store.h>
#include <kernellens/ingest/friction.h>
#include <kernellens/models/friction.h>

#include <QTemporaryDir>
#include <QTimeZone>
#include <QTest>

#include <cmath>
#include <limits>

Q_DECLARE_METATYPE(kl::models::FrictionTrendPoint)

using namespace kl;

class TestFrictionThreads : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void heatedThreadRanksFirst();
    void calmThreadIsNotFriction();
    void misfiresWithinTheListRateDoNotAccumulate();
    void filtersByListAndDate();
    void trendCountsSecondLanguageThreads();
    void rescoringIsIncremental();
    void sectionHasTablesAndChart();
    void monthsAreFilledAndPooled_data();
    void monthsAreFilledAndPooled();
    void marksShowVisibleSubjects();

private:
    qint64 person(const QString &name, const QString &email);
    qint64 addThread(qint64 list, const QString &subject, const QList<std::tuple<qint64, QString, int>> &messages,
                     qint64 firstDate, const QStringList &patchFiles = {}, bool applied = false);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::optional<Store> m_store;
    qint64 m_source = 0;
    qint64 m_kbuild = 0;
    qint64 m_other = 0;
    int m_counter = 0;
    qint64 m_alice = 0, m_bob = 0, m_carol = 0;
    qint64 m_heated = 0, m_calm = 0, m_otherList = 0;
};

qint64 TestFrictionThreads::person(const QString &name, const QString &email)
{
    auto identity = m_store->identity(name, email);
    if (!identity)
        qFatal("identity: %s", qPrintable(identity.errorMessage()));
    return *identity;
}

// messages: (identity, own text, index of the parent message or -1)
qint64 TestFrictionThreads::addThread(qint64 list, const QString &subject,
                                      const QList<std::tuple<qint64, QString, int>> &messages, qint64 firstDate,
                                      const QStringList &patchFiles, bool applied)
{
    Database &db = m_store->db();
    const QString root = QStringLiteral("root%1@test").arg(++m_counter);
    auto t = db.prepare(QStringLiteral(
        "INSERT INTO threads(list_id, root_msgid, subject, message_count, ghost_count, participants, max_depth, first_date, last_date) "
        "VALUES (?1, ?2, ?3, ?4, 0, 2, ?5, ?6, ?7)"));
    t->bind(1, list).bind(2, root).bind(3, subject).bind(4, int(messages.size())).bind(5, int(messages.size()) - 1)
        .bind(6, firstDate).bind(7, firstDate + 3600 * messages.size());
    if (!t->exec())
        qFatal("thread insert");
    const qint64 thread = db.lastInsertRowId();
    QList<qint64> ids, nodes;
    for (int i = 0; i < messages.size(); ++i) {
        const auto &[identity, text, parent] = messages[i];
        const qint64 p = m_store->personOfIdentity(identity).value();
        const QString msgid = i == 0 ? root : QStringLiteral("m%1.%2@test").arg(m_counter).arg(i);
        auto m = db.prepare(QStringLiteral(
            "INSERT INTO messages(list_id, source_id, msgid, content_hash, from_identity, from_person, date, subject, "
            "is_reply, size, raw_kind, raw_path, thread_id, depth) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 100, 'mboxrd', '/x', ?10, ?11)"));
        m->bind(1, list).bind(2, m_source).bind(3, msgid).bind(4, msgid.toUtf8()).bind(5, identity).bind(6, p)
            .bind(7, firstDate + 3600 * i).bind(8, i ? QStringLiteral("Re: ") + subject : subject).bind(9, i ? 1 : 0)
            .bind(10, thread).bind(11, i);
        if (!m->exec())
            qFatal("message insert");
        const qint64 id = db.lastInsertRowId();
        ids << id;
        auto b = db.prepare(QStringLiteral(
            "INSERT INTO message_bodies(message_id, own_text, quoted_text, own_chars, quoted_chars) VALUES (?1, ?2, ?3, ?4, 0)"));
        b->bind(1, id).bind(2, qCompress(text.toUtf8())).bind(3, qCompress(QByteArray())).bind(4, int(text.size()));
        if (!b->exec())
            qFatal("body insert");
        auto n = db.prepare(QStringLiteral(
            "INSERT INTO thread_nodes(thread_id, parent_node, msgid, message_id, depth, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
        n->bind(1, thread);
        if (parent >= 0)
            n->bind(2, nodes[parent]);
        else
            n->bindNull(2);
        n->bind(3, msgid).bind(4, id).bind(5, i).bind(6, i);
        if (!n->exec())
            qFatal("node insert");
        nodes << db.lastInsertRowId();
    }
    for (const QString &path : patchFiles) {
        auto f = db.prepare(QStringLiteral("INSERT INTO patch_files(message_id, path, added, removed) VALUES (?1, ?2, 10, 2)"));
        f->bind(1, ids.first()).bind(2, path);
        if (!f->exec())
            qFatal("patch file insert");
    }
    if (!patchFiles.isEmpty()) {
        auto p = db.prepare(QStringLiteral("INSERT INTO patches(message_id, title, prefixes) VALUES (?1, ?2, '')"));
        p->bind(1, ids.first()).bind(2, subject);
        if (!p->exec())
            qFatal("patch insert");
    }
    if (applied) {
        auto a = db.prepare(QStringLiteral("INSERT INTO applied_notices(message_id, patch_message_id, subject, commit_sha) VALUES (?1, ?2, ?3, 'abc')"));
        a->bind(1, ids.last()).bind(2, ids.first()).bind(3, subject);
        if (!a->exec())
            qFatal("applied insert");
    }
    return thread;
}

void TestFrictionThreads::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    auto store = Store::open(m_dir->path(), Store::Mode::ReadWrite);
    QVERIFY2(store, qPrintable(store.errorMessage()));
    m_store.emplace(std::move(store.value()));
    Database &db = m_store->db();
    auto src = m_store->ensureSource(SourceKind::Mbox, QStringLiteral("/x"), QStringLiteral("linux-kbuild"));
    QVERIFY(src);
    m_source = *src;
    QVERIFY(db.exec(QStringLiteral("INSERT INTO lists(name) VALUES ('linux-kbuild'), ('other')")));
    m_kbuild = 1;
    m_other = 2;
    m_alice = person(QStringLiteral("Alice Rust"), QStringLiteral("alice@example.org"));
    m_bob = person(QStringLiteral("Bob C"), QStringLiteral("bob@example.org"));
    m_carol = person(QStringLiteral("Carol"), QStringLiteral("carol@example.org"));
    const qint64 may2024 = QDateTime(QDate(2024, 5, 3), QTime(10, 0), QTimeZone::utc()).toSecsSinceEpoch();
    const qint64 june2024 = QDateTime(QDate(2024, 6, 10), QTime(10, 0), QTimeZone::utc()).toSecsSinceEpoch();

    m_heated = addThread(m_kbuild, QStringLiteral("[PATCH] rust: kbuild: add foo"),
                         {{m_alice, QStringLiteral("This adds foo so that rust code can use it."), -1},
                          {m_bob, QStringLiteral("NAK.\n\nWe do not want this in the build system."), 0},
                          {m_alice, QStringLiteral("Could you explain why? The C side needs the same thing."), 1},
                          {m_bob, QStringLiteral("I already told you. This is utter crap and a waste of my time, you idiot."), 2},
                          {m_alice, QStringLiteral("That is not a reason. Please review the code instead."), 3},
                          {m_bob, QStringLiteral("STOP SENDING THESE BROKEN PATCHES. I will not apply this."), 4}},
                         may2024, {QStringLiteral("rust/kernel/foo.rs"), QStringLiteral("scripts/Makefile.build")});
    m_calm = addThread(m_kbuild, QStringLiteral("[PATCH] kbuild: fix typo"),
                       {{m_carol, QStringLiteral("Fix a typo in the help text."), -1},
                        {m_bob, QStringLiteral("Thanks, applied to kbuild-next."), 0}},
                       june2024, {QStringLiteral("scripts/Kconfig")}, true);
    m_otherList = addThread(m_other, QStringLiteral("question"),
                            {{m_carol, QStringLiteral("How do I build this?"), -1},
                             {m_bob, QStringLiteral("Did you even read the documentation? lol, what a joke. Learn to read, idiot."), 0}},
                            june2024);

    auto classifier = friction::FrictionClassifier::load();
    QVERIFY2(classifier, qPrintable(classifier.errorMessage()));
    auto scored = friction::scoreStoreMessages(*m_store, *classifier, JobContext{});
    QVERIFY2(scored, qPrintable(scored.errorMessage()));
    QCOMPARE(*scored, qint64(10));
}

void TestFrictionThreads::cleanup()
{
    m_store.reset();
    m_dir.reset();
}

void TestFrictionThreads::heatedThreadRanksFirst()
{
    models::Filter filter;
    filter.top = 10;
    auto threads = models::frictionThreads(*m_store, filter);
    QVERIFY2(threads, qPrintable(threads.errorMessage()));
    QCOMPARE(threads->size(), 3);
    const models::FrictionThread &t = threads->first();
    QCOMPARE(t.threadId, m_heated);
    QVERIFY(t.isFriction);
    QCOMPARE(t.naks, 1);
    QVERIFY(t.uncivilMessages >= 1);
    QCOMPARE(t.shoutingMessages, 1);
    QCOMPARE(t.refusals, 1);
    QCOMPARE(t.escalation, 5);
    QCOMPARE(t.escalationPair, QStringLiteral("Alice Rust <-> Bob C"));
    QVERIFY(t.secondLanguage);
    QVERIFY(t.languagesMeet);
    QCOMPARE(t.outcome, QStringLiteral("not applied"));
    QCOMPARE(t.maintainers, 1); // Bob sends "applied" notices on the list
    QCOMPARE(t.participants.size(), 2);
    QVERIFY(t.participants.first().secondLanguage || t.participants.last().secondLanguage);
    QVERIFY(!t.reasons.isEmpty());
    // Evidence sentences carry the message they belong to, in thread order.
    QVERIFY(t.evidence.size() >= 3);
    QCOMPARE(t.evidence.first().category, QStringLiteral("nak"));
    QCOMPARE(t.evidence.first().author, QStringLiteral("Bob C"));
    QVERIFY(t.evidence.first().messageId > 0);
    bool idiot = false;
    for (const models::FrictionEvidence &e : t.evidence)
        idiot = idiot || e.sentence.contains(QStringLiteral("idiot"));
    QVERIFY(idiot);
}

void TestFrictionThreads::calmThreadIsNotFriction()
{
    models::Filter filter;
    filter.top = 0;
    auto threads = models::frictionThreads(*m_store, filter);
    QVERIFY(threads);
    for (const models::FrictionThread &t : *threads) {
        if (t.threadId != m_calm)
            continue;
        QVERIFY(!t.isFriction);
        QVERIFY(t.score < 1.0);
        QCOMPARE(t.outcome, QStringLiteral("applied"));
        QVERIFY(t.evidence.isEmpty());
        return;
    }
    QFAIL("calm thread missing");
}

void TestFrictionThreads::misfiresWithinTheListRateDoNotAccumulate()
{
    // A long calm review where the classifier misfires a few times: as long as the uncivil
    // calls stay within what the list's rate predicts for 40 messages, only the strongest one
    // counts, so a third misfire scores the thread exactly like two.
    QList<std::tuple<qint64, QString, int>> messages;
    for (int i = 0; i < 40; ++i)
        messages.append({i % 2 ? m_alice : m_carol, QStringLiteral("Thanks, that version looks fine to me."), i - 1});
    const qint64 july2024 = QDateTime(QDate(2024, 7, 1), QTime(10, 0), QTimeZone::utc()).toSecsSinceEpoch();
    const qint64 longThread = addThread(m_kbuild, QStringLiteral("[PATCH] kbuild: a long calm review"), messages, july2024);
    auto classifier = friction::FrictionClassifier::load();
    QVERIFY(classifier);
    QVERIFY(friction::scoreStoreMessages(*m_store, *classifier, JobContext{}));
    auto misfire = [&](int count) -> models::FrictionThread {
        const QString sql = QStringLiteral(
            "UPDATE friction_messages SET uncivil = 1, score = 0.6 WHERE message_id IN "
            "(SELECT id FROM messages WHERE thread_id = %1 ORDER BY id LIMIT %2)").arg(longThread).arg(count);
        if (!m_store->db().exec(sql))
            return {};
        models::Filter filter;
        filter.top = 0;
        auto threads = models::frictionThreads(*m_store, filter);
        for (const models::FrictionThread &t : threads.value())
            if (t.threadId == longThread)
                return t;
        return {};
    };
    const models::FrictionThread two = misfire(2);
    const models::FrictionThread three = misfire(3);
    QCOMPARE(two.uncivilMessages, 2);
    QCOMPARE(three.uncivilMessages, 3);
    QVERIFY(two.isFriction); // one uncivil message still makes a friction thread
    QVERIFY2(qAbs(three.score - two.score) < 1e-9, qPrintable(QStringLiteral("%1 vs %2").arg(three.score).arg(two.score)));
}

void TestFrictionThreads::filtersByListAndDate()
{
    models::Filter filter;
    filter.list = QStringLiteral("other");
    auto threads = models::frictionThreads(*m_store, filter);
    QVERIFY(threads);
    QCOMPARE(threads->size(), 1);
    QCOMPARE(threads->first().threadId, m_otherList);
    QVERIFY(threads->first().isFriction);

    filter.list.clear();
    filter.since = QDate(2024, 6, 1);
    filter.until = QDate(2024, 6, 10);
    threads = models::frictionThreads(*m_store, filter);
    QVERIFY(threads);
    QCOMPARE(threads->size(), 2);
    filter.until = QDate(2024, 6, 9);
    threads = models::frictionThreads(*m_store, filter);
    QVERIFY(threads);
    QCOMPARE(threads->size(), 0);
}

void TestFrictionThreads::trendCountsSecondLanguageThreads()
{
    auto trend = models::frictionTrend(*m_store, models::Filter{});
    QVERIFY2(trend, qPrintable(trend.errorMessage()));
    QCOMPARE(trend->size(), 2);
    QCOMPARE(trend->at(0).month, QStringLiteral("2024-05"));
    QCOMPARE(trend->at(0).threads, 1);
    QCOMPARE(trend->at(0).frictionThreads, 1);
    QCOMPARE(trend->at(0).secondLanguageThreads, 1);
    QCOMPARE(trend->at(0).secondLanguageFrictionThreads, 1);
    QCOMPARE(trend->at(1).month, QStringLiteral("2024-06"));
    QCOMPARE(trend->at(1).threads, 2);
    QCOMPARE(trend->at(1).frictionThreads, 1);
    QCOMPARE(trend->at(1).secondLanguageThreads, 0);
}

void TestFrictionThreads::rescoringIsIncremental()
{
    auto classifier = friction::FrictionClassifier::load();
    QVERIFY(classifier);
    auto again = friction::scoreStoreMessages(*m_store, *classifier, JobContext{});
    QVERIFY(again);
    QCOMPARE(*again, qint64(0));
    // A different model version rescores everything.
    QVERIFY(m_store->db().exec(QStringLiteral("UPDATE friction_messages SET model_version = 'old' WHERE message_id <= 3")));
    again = friction::scoreStoreMessages(*m_store, *classifier, JobContext{});
    QVERIFY(again);
    QCOMPARE(*again, qint64(3));
}

void TestFrictionThreads::sectionHasTablesAndChart()
{
    auto section = models::frictionSection(*m_store, models::Filter{});
    QVERIFY2(section, qPrintable(section.errorMessage()));
    QCOMPARE(section->id, QStringLiteral("friction"));
    QCOMPARE(section->tables.size(), 2);
    QCOMPARE(section->tables[0].rows.size(), 3);
    QCOMPARE(section->tables[1].rows.size(), 2);
    QCOMPARE(section->charts.size(), 2);
    const report::Chart &counts = section->charts[0];
    QCOMPARE(counts.id, QStringLiteral("friction.counts"));
    QCOMPARE(counts.categories, (QStringList{QStringLiteral("2024-05"), QStringLiteral("2024-06")}));
    QCOMPARE(counts.series[0].values, (QList<double>{1, 1}));
    QCOMPARE(counts.series[1].values, (QList<double>{1, 0}));
    // The friction threads are marked on their month, at that month's count, with their subject.
    QCOMPARE(counts.marks.size(), 2);
    QCOMPARE(counts.marks[0].label.left(3), QStringLiteral("#1 "));
    for (const report::Mark &m : counts.marks) {
        QVERIFY(m.category == 0 || m.category == 1);
        QCOMPARE(m.value, 1.0);
    }
    const report::Chart &share = section->charts[1];
    QCOMPARE(share.id, QStringLiteral("friction.trend"));
    QVERIFY(share.percent);
    // 3 threads in two months: sparse, so the share is pooled over 3 months.
    QVERIFY(share.title.contains(QStringLiteral("3-month")));
    QCOMPARE(share.series[0].values, (QList<double>{1.0, 2.0 / 3.0}));
    // Too few second-language threads for a share.
    QVERIFY(std::isnan(share.series[1].values[0]) && std::isnan(share.series[1].values[1]));
}

static models::FrictionTrendPoint month(const char *name, int threads, int friction, int sl = 0, int slFriction = 0)
{
    return {QString::fromLatin1(name), threads, friction, sl, slFriction};
}

void TestFrictionThreads::monthsAreFilledAndPooled_data()
{
    QTest::addColumn<QList<models::FrictionTrendPoint>>("trend");
    QTest::addColumn<QStringList>("months");
    QTest::addColumn<int>("window");
    QTest::addColumn<QList<double>>("share");
    QTest::newRow("quiet list, gap filled, pooled")
        << QList<models::FrictionTrendPoint>{month("2024-11", 4, 1), month("2025-02", 6, 0)}
        << QStringList{QStringLiteral("2024-11"), QStringLiteral("2024-12"), QStringLiteral("2025-01"), QStringLiteral("2025-02")} << 3
        << QList<double>{0.25, 0.25, 0.25, 0.0};
    QTest::newRow("busy list, month by month")
        << QList<models::FrictionTrendPoint>{month("2024-01", 200, 2), month("2024-02", 100, 0), month("2024-03", 400, 4)}
        << QStringList{QStringLiteral("2024-01"), QStringLiteral("2024-02"), QStringLiteral("2024-03")} << 1 << QList<double>{0.01, 0.0, 0.01};
    QTest::newRow("a year change inside the window")
        << QList<models::FrictionTrendPoint>{month("2023-12", 2, 2), month("2024-01", 0, 0), month("2024-02", 2, 0)}
        << QStringList{QStringLiteral("2023-12"), QStringLiteral("2024-01"), QStringLiteral("2024-02")} << 3 << QList<double>{1.0, 1.0, 0.5};
    QTest::newRow("empty") << QList<models::FrictionTrendPoint>{} << QStringList{} << 1 << QList<double>{};
}

void TestFrictionThreads::monthsAreFilledAndPooled()
{
    QFETCH(QList<models::FrictionTrendPoint>, trend);
    QFETCH(QStringList, months);
    QFETCH(int, window);
    QFETCH(QList<double>, share);
    QStringList filled;
    for (const auto &p : models::filledMonths(trend))
        filled << p.month;
    QCOMPARE(filled, months);
    QCOMPARE(models::frictionShareWindow(trend), window);
    const report::Chart chart = models::frictionTrendChart(trend);
    QCOMPARE(chart.categories, months);
    QCOMPARE(chart.series[0].values.size(), share.size());
    for (qsizetype i = 0; i < share.size(); ++i)
        QVERIFY2(qFuzzyCompare(1 + chart.series[0].values[i], 1 + share[i]),
                 qPrintable(QStringLiteral("%1: %2 vs %3").arg(months[i]).arg(chart.series[0].values[i]).arg(share[i])));
}

// Subjects are hostile mail text: the marks carry them as visible, plain text.
void TestFrictionThreads::marksShowVisibleSubjects()
{
    models::FrictionThread thread;
    thread.subject = QStringLiteral("[PATCH] \x1b]0;pwned\x07 <b>rust</b> \u202Eevil");
    thread.firstDate = QDateTime(QDate(2024, 6, 3), QTime(12, 0), Qt::UTC);
    thread.isFriction = true;
    thread.score = 2.5;
    thread.messages = 12;
    const report::Chart chart = models::frictionCountChart({month("2024-06", 3, 1)}, {thread});
    QCOMPARE(chart.marks.size(), 1);
    const QString label = chart.marks[0].label;
    QVERIFY(!label.contains(QChar(0x1b)));
    QVERIFY(!label.contains(QChar(0x202E)));
    QVERIFY(label.contains(QStringLiteral("<b>rust</b>"))); // plain text: drawn, not interpreted
    QVERIFY(label.contains(QStringLiteral("score 2.50, 12 messages")));
}

QTEST_GUILESS_MAIN(TestFrictionThreads)
#include "tst_friction_threads.moc"
