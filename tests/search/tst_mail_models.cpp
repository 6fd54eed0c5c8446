// The thread loader over a real store (rows written as the mail ingester writes them, see
// docs/mail.md), and the thread and search-results models under QAbstractItemModelTester.

#include <kernellens/index/store.h>
#include <kernellens/models/mail.h>

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace kl;
using namespace kl::models;

namespace {

// A thread of list "linux-kbuild":
//   root <p1@x>            (Miguel, 2024-01-01)
//     <r1@x>               (Masahiro, 2024-01-02)
//       <r3@x>             (Miguel, 2024-01-04)
//     <ghost@x>            (missing)
//       <r2@x>             (Kees, 2024-01-03)
// and a second thread with one message <lone@x>, not yet threaded message <new@x>.
struct Fixture
{
    QTemporaryDir dir;
    std::optional<Store> store;
    qint64 p1 = 0, r1 = 0, r2 = 0, r3 = 0, lone = 0, unthreaded = 0;
    qint64 threadId = 0;

    Status build()
    {
        auto opened = Store::open(dir.path(), Store::Mode::ReadWrite);
        if (!opened)
            return opened.status();
        store.emplace(std::move(opened.value()));
        Database &db = store->db();
        auto source = store->ensureSource(SourceKind::Mbox, QStringLiteral("/tmp/x.mbox"), QStringLiteral("linux-kbuild"));
        if (!source)
            return source.status();
        KL_TRY(db.exec(QStringLiteral("INSERT INTO lists(id, name) VALUES(1, 'linux-kbuild')")));
        auto add = [&](const QString &msgid, const QString &name, const QString &email, const QString &subject,
                       const QDate &day, qint64 &rowId) -> Status {
            auto identity = store->identity(name, email);
            if (!identity)
                return identity.status();
            auto stmt = db.prepare(QStringLiteral(
                "INSERT INTO messages(list_id, source_id, msgid, content_hash, from_identity, date, subject, "
                "size, raw_kind, raw_path) VALUES(1, ?, ?, ?, ?, ?, ?, 100, 'mboxrd', '/tmp/x.mbox')"));
            if (!stmt)
                return stmt.status();
            stmt->bind(1, *source).bind(2, msgid).bind(3, msgid.toUtf8()).bind(4, *identity)
                .bind(5, QDateTime(day, QTime(10, 0), Qt::UTC).toSecsSinceEpoch()).bind(6, subject);
            KL_TRY(stmt->exec());
            rowId = db.lastInsertRowId();
            return Status::ok();
        };
        const QString miguel = QStringLiteral("Miguel Ojeda"), migAddr = QStringLiteral("ojeda@kernel.org");
        KL_TRY(add(QStringLiteral("p1@x"), miguel, migAddr, QStringLiteral("[PATCH] kbuild: rust: tags"), QDate(2024, 1, 1), p1));
        KL_TRY(add(QStringLiteral("r1@x"), QStringLiteral("Masahiro Yamada"), QStringLiteral("masahiroy@kernel.org"),
                   QStringLiteral("Re: [PATCH] kbuild: rust: tags"), QDate(2024, 1, 2), r1));
        // An empty (not null) name: Store::identity() refuses a null one.
        KL_TRY(add(QStringLiteral("r2@x"), QStringLiteral(""), QStringLiteral("kees@kernel.org"),
                   QStringLiteral("Re: [PATCH] kbuild: rust: tags"), QDate(2024, 1, 3), r2));
        KL_TRY(add(QStringLiteral("r3@x"), miguel, migAddr, QStringLiteral("Re: [PATCH] kbuild: rust: tags"),
                   QDate(2024, 1, 4), r3));
        KL_TRY(add(QStringLiteral("lone@x"), miguel, migAddr, QStringLiteral("lonely"), QDate(2024, 2, 1), lone));
        KL_TRY(add(QStringLiteral("new@x"), miguel, migAddr, QStringLiteral("just arrived"), QDate(2024, 3, 1), unthreaded));

        KL_TRY(db.exec(QStringLiteral(
            "INSERT INTO threads(id, list_id, root_msgid, root_message_id, subject, message_count, ghost_count, "
            "participants, max_depth, first_date, last_date) VALUES "
            "(7, 1, 'p1@x', %1, '[PATCH] kbuild: rust: tags', 4, 1, 3, 2, 0, 0), "
            "(8, 1, 'lone@x', %2, 'lonely', 1, 0, 1, 0, 0, 0)").arg(p1).arg(lone)));
        threadId = 7;
        // Node ids deliberately not in pre-order: the loader must follow parent_node and position.
        KL_TRY(db.exec(QStringLiteral(
            "INSERT INTO thread_nodes(id, thread_id, parent_node, msgid, message_id, depth, position) VALUES "
            "(50, 7, NULL, 'p1@x', %1, 0, 0), "
            "(40, 7, 50, 'r1@x', %2, 1, 1), "
            "(30, 7, 40, 'r3@x', %3, 2, 2), "
            "(20, 7, 50, 'ghost@x', NULL, 1, 3), "
            "(10, 7, 20, 'r2@x', %4, 2, 4), "
            "(60, 8, NULL, 'lone@x', %5, 0, 0)").arg(p1).arg(r1).arg(r3).arg(r2).arg(lone)));
        KL_TRY(db.exec(QStringLiteral("UPDATE messages SET thread_id = 7 WHERE id IN (%1, %2, %3, %4)")
                           .arg(p1).arg(r1).arg(r2).arg(r3)));
        KL_TRY(db.exec(QStringLiteral("UPDATE messages SET thread_id = 8 WHERE id = %1").arg(lone)));
        return Status::ok();
    }
};

SearchHit hit(qint64 rowId, const QString &subject, int day)
{
    SearchHit h;
    h.rowId = rowId;
    h.subject = subject;
    h.from = QStringLiteral("Someone <someone@example.org>");
    h.list = QStringLiteral("linux-kbuild");
    h.messageId = QStringLiteral("m%1@x").arg(rowId);
    h.date = QDateTime(QDate(2024, 1, day), QTime(8, 30), Qt::UTC);
    h.relevance = 50;
    return h;
}

} // namespace

class TestMailModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void loadsTreeWithGhost();
    void findsByAnyForm_data();
    void findsByAnyForm();
    void unknownMessageIdIsAClearError();
    void unthreadedMessageIsAClearError();
    void threadModelShape();
    void threadModelUnderTester();
    void searchResultsModel();

private:
    Fixture m_fixture;
};

void TestMailModels::initTestCase()
{
    QVERIFY(m_fixture.dir.isValid());
    const Status s = m_fixture.build();
    QVERIFY2(s, qPrintable(s.message()));
}

void TestMailModels::loadsTreeWithGhost()
{
    auto tree = loadThread(*m_fixture.store, QStringLiteral("<r2@x>"));
    QVERIFY2(tree, qPrintable(tree.errorMessage()));
    QCOMPARE(tree->threadId, 7);
    QCOMPARE(tree->list, QStringLiteral("linux-kbuild"));
    QCOMPARE(tree->messageCount, 4);
    QCOMPARE(tree->ghostCount, 1);
    QCOMPARE(tree->nodes.size(), 5);
    QCOMPARE(tree->roots, QList<int>{0});

    QStringList preorder;
    QList<int> depths;
    for (const auto &node : tree->nodes) {
        preorder << node.messageId;
        depths << node.depth;
    }
    QCOMPARE(preorder, (QStringList{QStringLiteral("p1@x"), QStringLiteral("r1@x"), QStringLiteral("r3@x"),
                                    QStringLiteral("ghost@x"), QStringLiteral("r2@x")}));
    QCOMPARE(depths, (QList<int>{0, 1, 2, 1, 2}));

    const ThreadNode &root = tree->nodes[0];
    QCOMPARE(root.children, (QList<int>{1, 3}));
    QCOMPARE(root.author(), QStringLiteral("Miguel Ojeda"));
    QCOMPARE(root.fromEmail, QStringLiteral("ojeda@kernel.org"));
    QCOMPARE(root.date, QDateTime(QDate(2024, 1, 1), QTime(10, 0), Qt::UTC));
    QCOMPARE(root.subject, QStringLiteral("[PATCH] kbuild: rust: tags"));

    const ThreadNode &ghost = tree->nodes[3];
    QVERIFY(ghost.isGhost());
    QCOMPARE(ghost.parent, 0);
    QCOMPARE(ghost.rowInParent, 1);
    QVERIFY(ghost.subject.isEmpty());
    QVERIFY(!ghost.date.isValid());

    const ThreadNode &kees = tree->nodes[4];
    QCOMPARE(kees.parent, 3);
    QCOMPARE(kees.author(), QStringLiteral("kees@kernel.org")); // no name: the address
    QCOMPARE(tree->focus, 4);
}

void TestMailModels::findsByAnyForm_data()
{
    QTest::addColumn<QString>("asked");
    QTest::addColumn<QString>("focusMessageId");
    QTest::newRow("bare") << "r1@x" << "r1@x";
    QTest::newRow("brackets") << " <r3@x> " << "r3@x";
    QTest::newRow("ghost") << "ghost@x" << "ghost@x";
    QTest::newRow("root") << "p1@x" << "p1@x";
}

void TestMailModels::findsByAnyForm()
{
    QFETCH(QString, asked);
    QFETCH(QString, focusMessageId);
    auto tree = loadThread(*m_fixture.store, asked);
    QVERIFY2(tree, qPrintable(tree.errorMessage()));
    QCOMPARE(tree->threadId, 7);
    QVERIFY(tree->focus >= 0);
    QCOMPARE(tree->nodes[tree->focus].messageId, focusMessageId);

    auto byRow = loadThread(*m_fixture.store, QString::number(m_fixture.lone));
    QVERIFY2(byRow, qPrintable(byRow.errorMessage()));
    QCOMPARE(byRow->threadId, 8);
    QCOMPARE(byRow->nodes.size(), 1);
    QCOMPARE(byRow->focus, 0);
}

void TestMailModels::unknownMessageIdIsAClearError()
{
    auto tree = loadThread(*m_fixture.store, QStringLiteral("<nope@example.org>"));
    QVERIFY(!tree);
    QVERIFY2(tree.errorMessage().contains(QStringLiteral("nope@example.org")), qPrintable(tree.errorMessage()));
    QVERIFY2(tree.errorMessage().contains(QStringLiteral("no message")), qPrintable(tree.errorMessage()));
    QVERIFY(!loadThread(*m_fixture.store, QString()));
    QVERIFY(!loadThreadById(*m_fixture.store, 999));
}

void TestMailModels::unthreadedMessageIsAClearError()
{
    auto tree = loadThread(*m_fixture.store, QStringLiteral("new@x"));
    QVERIFY(!tree);
    QVERIFY2(tree.errorMessage().contains(QStringLiteral("not built yet")), qPrintable(tree.errorMessage()));
}

void TestMailModels::threadModelShape()
{
    auto tree = loadThread(*m_fixture.store, QStringLiteral("r2@x"));
    QVERIFY(tree);
    ThreadModel model;
    model.setThread(tree.value());
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.columnCount(), 3);
    const QModelIndex root = model.index(0, 0);
    QCOMPARE(root.data().toString(), QStringLiteral("[PATCH] kbuild: rust: tags"));
    QCOMPARE(model.rowCount(root), 2);
    const QModelIndex ghost = model.index(1, 0, root);
    QVERIFY(ghost.data(ThreadModel::GhostRole).toBool());
    QCOMPARE(ghost.data(ThreadModel::MessageIdRole).toString(), QStringLiteral("ghost@x"));
    QCOMPARE(ghost.data(ThreadModel::MessageRowIdRole).toLongLong(), 0);
    QVERIFY(ghost.data().toString().contains(QStringLiteral("ghost@x")));
    const QModelIndex kees = model.index(0, 0, ghost);
    QCOMPARE(kees.data(ThreadModel::DepthRole).toInt(), 2);
    QCOMPARE(kees.data(ThreadModel::MessageRowIdRole).toLongLong(), m_fixture.r2);
    QVERIFY(kees.data(ThreadModel::FocusRole).toBool());
    QCOMPARE(model.focusIndex(), kees);
    QCOMPARE(model.parent(kees), ghost);
    QCOMPARE(model.parent(ghost), root);
    QCOMPARE(model.index(0, ThreadModel::FromColumn, ghost).data().toString(), QStringLiteral("kees@kernel.org"));
    QCOMPARE(model.index(0, ThreadModel::DateColumn, root).data().toString(), QStringLiteral("2024-01-02 10:00"));
    QCOMPARE(model.headerData(ThreadModel::DateColumn, Qt::Horizontal).toString(), QStringLiteral("Date"));
    QVERIFY(model.roleNames().value(ThreadModel::GhostRole) == "ghost");
}

void TestMailModels::threadModelUnderTester()
{
    ThreadModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto tree = loadThread(*m_fixture.store, QStringLiteral("p1@x"));
    QVERIFY(tree);
    model.setThread(tree.value());
    auto lone = loadThread(*m_fixture.store, QStringLiteral("lone@x"));
    QVERIFY(lone);
    model.setThread(lone.value());
    QCOMPARE(model.rowCount(), 1);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    model.setThread(tree.value());
    QCOMPARE(model.rowCount(model.index(0, 0)), 2);
}

void TestMailModels::searchResultsModel()
{
    SearchResultsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    SearchResults results;
    results.hits = {hit(1, QStringLiteral("first"), 1), hit(2, QStringLiteral("second"), 2)};
    results.estimatedTotal = 3;
    model.setResults(results);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), 4);
    QCOMPARE(model.estimatedTotal(), 3);
    QCOMPARE(model.index(0, SearchResultsModel::SubjectColumn).data().toString(), QStringLiteral("first"));
    QCOMPARE(model.index(0, SearchResultsModel::DateColumn).data().toString(), QStringLiteral("2024-01-01 08:30"));
    QCOMPARE(model.index(1, SearchResultsModel::ListColumn).data().toString(), QStringLiteral("linux-kbuild"));
    QCOMPARE(model.index(1, 0).data(SearchResultsModel::RowIdRole).toLongLong(), 2);
    QCOMPARE(model.index(1, 0).data(SearchResultsModel::MessageIdRole).toString(), QStringLiteral("m2@x"));
    QCOMPARE(model.index(1, 0).data(SearchResultsModel::KindRole).toString(), QStringLiteral("message"));

    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    SearchHit commit = hit(3, QStringLiteral("third"), 3);
    commit.kind = SearchDocument::Kind::Commit;
    model.appendHits({commit});
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(2, SearchResultsModel::ListColumn).data().toString(), QStringLiteral("(commit)"));
    QCOMPARE(model.index(2, 0).data(SearchResultsModel::KindRole).toString(), QStringLiteral("commit"));
    model.appendHits({});
    QCOMPARE(inserted.size(), 1);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

QTEST_GUILESS_MAIN(TestMailModels)
#include "tst_mail_models.moc"
