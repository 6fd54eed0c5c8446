// The thread loader over a real store (rows written as the mail ingester writes them, see
// docs/mail.md), and the thread and search-results models under QAbstractItemModelTester.

#include <kernellens/index/store.h>
#include <kernellens/models/mail.h>

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "mail_fixture.h"

using namespace kl;
using namespace kl::models;

namespace {

using kl::testing::Fixture;

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
