#include <kernellens/index/database.h>
#include <kernellens/index/store.h>

#include <QTemporaryDir>
#include <QTest>

using namespace kl;

class TestStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void openCreatesAndMigrates();
    void secondWriterIsRefused();
    void readOnlyOnMissingStoreFails();
    void notADatabaseNamesTheFile();
    void watermarksRoundTrip();
    void identitiesMergeByEmail();
    void identitiesFollowCanonicalForm();
    void identitiesWithoutNameOrAddress();
    void normalization_data();
    void normalization();
    void transactionRollsBackUnlessCommitted();
    void statementErrorsCarrySql();
    void forEachRowVisitsEveryRow();
};

void TestStore::openCreatesAndMigrates()
{
    QTemporaryDir dir;
    auto store = Store::open(dir.path() + QStringLiteral("/s"), Store::Mode::ReadWrite);
    QVERIFY2(store, qPrintable(store.errorMessage()));
    auto versions = store->schemaVersions();
    QVERIFY(versions);
    QCOMPARE(versions->value(QStringLiteral("core")), 2);   // 2: release_series
    auto series = store->db().scalar(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'release_series'"));
    QVERIFY(series);
    QCOMPARE(series->toLongLong(), 1);
    auto mode = store->db().scalar(QStringLiteral("PRAGMA journal_mode"));
    QVERIFY(mode);
    QCOMPARE(mode->toString(), QStringLiteral("wal"));
}

void TestStore::secondWriterIsRefused()
{
    QTemporaryDir dir;
    auto first = Store::open(dir.path(), Store::Mode::ReadWrite);
    QVERIFY(first);
    auto second = Store::open(dir.path(), Store::Mode::ReadWrite);
    QVERIFY(!second);
    QVERIFY2(second.errorMessage().contains(QStringLiteral("another writer")), qPrintable(second.errorMessage()));
    // Readers never block on the writer.
    auto reader = Store::open(dir.path(), Store::Mode::ReadOnly);
    QVERIFY2(reader, qPrintable(reader.errorMessage()));
}

void TestStore::readOnlyOnMissingStoreFails()
{
    QTemporaryDir dir;
    auto store = Store::open(dir.path() + QStringLiteral("/nothing"), Store::Mode::ReadOnly);
    QVERIFY(!store);
    QVERIFY(store.errorMessage().contains(QStringLiteral("/nothing")));
}

void TestStore::notADatabaseNamesTheFile()
{
    QTemporaryDir dir;
    QFile junk(dir.path() + QStringLiteral("/kernellens.sqlite"));
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write(QByteArray(4096, 'x'));
    junk.close();
    auto store = Store::open(dir.path(), Store::Mode::ReadWrite);
    QVERIFY(!store);
    QVERIFY2(store.errorMessage().contains(QStringLiteral("kernellens.sqlite")), qPrintable(store.errorMessage()));
}

void TestStore::watermarksRoundTrip()
{
    QTemporaryDir dir;
    auto store = Store::open(dir.path(), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto source = store->ensureSource(SourceKind::Mbox, QStringLiteral("/x.mbox"), QStringLiteral("l"));
    QVERIFY(source);
    auto again = store->ensureSource(SourceKind::Mbox, QStringLiteral("/x.mbox"), QStringLiteral("l"));
    QCOMPARE(again.value(), source.value());
    QCOMPARE(store->watermark(*source, QStringLiteral("offset")).value(), QString());
    QVERIFY(store->setWatermark(*source, QStringLiteral("offset"), QStringLiteral("42")));
    QVERIFY(store->setWatermark(*source, QStringLiteral("offset"), QStringLiteral("43")));
    QCOMPARE(store->watermark(*source, QStringLiteral("offset")).value(), QStringLiteral("43"));
}

void TestStore::identitiesMergeByEmail()
{
    QTemporaryDir dir;
    auto store = Store::open(dir.path(), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto a = store->identity(QStringLiteral("Miguel Ojeda"), QStringLiteral("Ojeda@Kernel.org"));
    auto b = store->identity(QStringLiteral("Miguel  Ojeda "), QStringLiteral("ojeda@kernel.org"));
    auto c = store->identity(QStringLiteral("M. Ojeda"), QStringLiteral("<ojeda@kernel.org>"));
    auto d = store->identity(QStringLiteral("Someone Else"), QStringLiteral("else@example.org"));
    QVERIFY(a && b && c && d);
    QCOMPARE(a.value(), b.value());
    QVERIFY(a.value() != c.value());
    QCOMPARE(store->personOfIdentity(*a).value(), store->personOfIdentity(*c).value());
    QVERIFY(store->personOfIdentity(*a).value() != store->personOfIdentity(*d).value());
}

void TestStore::identitiesWithoutNameOrAddress()
{
    QTemporaryDir dir;
    auto store = Store::open(dir.path(), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto noName = store->identity(QString(), QStringLiteral("a@b.org"));
    QVERIFY2(noName, qPrintable(noName.errorMessage()));
    auto noAddress = store->identity(QStringLiteral("Anon"), QString());
    QVERIFY2(noAddress, qPrintable(noAddress.errorMessage()));
    auto neither = store->identity(QString(), QString());
    QVERIFY2(neither, qPrintable(neither.errorMessage()));
    QVERIFY(store->personOfIdentity(*noName).value() != store->personOfIdentity(*noAddress).value());
}

void TestStore::identitiesFollowCanonicalForm()
{
    QTemporaryDir dir;
    auto store = Store::open(dir.path(), Store::Mode::ReadWrite);
    QVERIFY(store);
    auto canonical = store->identity(QStringLiteral("Jane Doe"), QStringLiteral("jane@new.org"));
    auto old = store->identity(QStringLiteral("Jane D"), QStringLiteral("jd@old.org"),
                               QStringLiteral("Jane Doe"), QStringLiteral("jane@new.org"));
    QVERIFY(canonical && old);
    QCOMPARE(store->personOfIdentity(*old).value(), store->personOfIdentity(*canonical).value());
}

void TestStore::normalization_data()
{
    QTest::addColumn<QString>("email");
    QTest::addColumn<QString>("expected");
    QTest::newRow("plain") << QStringLiteral("a@b.org") << QStringLiteral("a@b.org");
    QTest::newRow("case") << QStringLiteral("A@B.Org") << QStringLiteral("a@b.org");
    QTest::newRow("angles") << QStringLiteral(" <a@b.org> ") << QStringLiteral("a@b.org");
    QTest::newRow("mailto") << QStringLiteral("mailto:a@b.org") << QStringLiteral("a@b.org");
    QTest::newRow("empty") << QString() << QString();
}

void TestStore::normalization()
{
    QFETCH(QString, email);
    QFETCH(QString, expected);
    QCOMPARE(normalizeEmail(email), expected);
}

void TestStore::transactionRollsBackUnlessCommitted()
{
    auto db = Database::open(QStringLiteral(":memory:"), Database::Mode::ReadWrite);
    QVERIFY(db);
    QVERIFY(db->exec(QStringLiteral("CREATE TABLE t(x INTEGER)")));
    {
        Transaction tx(*db);
        QVERIFY(tx.status());
        QVERIFY(db->exec(QStringLiteral("INSERT INTO t VALUES(1)")));
    }
    QCOMPARE(db->scalar(QStringLiteral("SELECT count(*) FROM t"))->toInt(), 0);
    {
        Transaction tx(*db);
        QVERIFY(db->exec(QStringLiteral("INSERT INTO t VALUES(1)")));
        QVERIFY(tx.commit());
    }
    QCOMPARE(db->scalar(QStringLiteral("SELECT count(*) FROM t"))->toInt(), 1);
}

void TestStore::statementErrorsCarrySql()
{
    auto db = Database::open(QStringLiteral(":memory:"), Database::Mode::ReadWrite);
    QVERIFY(db);
    auto bad = db->prepare(QStringLiteral("SELECT * FROM missing_table"));
    QVERIFY(!bad);
    QVERIFY(bad.errorMessage().contains(QStringLiteral("missing_table")));
    QVERIFY(db->exec(QStringLiteral("CREATE TABLE u(x INTEGER UNIQUE)")));
    auto insert = db->prepare(QStringLiteral("INSERT INTO u VALUES(?)"));
    QVERIFY(insert);
    insert->bind(1, 7);
    QVERIFY(insert->exec());
    insert->bind(1, 7);
    Status s = insert->exec();
    QVERIFY(!s);
    QVERIFY2(s.message().contains(QStringLiteral("UNIQUE")), qPrintable(s.message()));
}

void TestStore::forEachRowVisitsEveryRow()
{
    auto db = Database::open(QStringLiteral(":memory:"), Database::Mode::ReadWrite);
    QVERIFY(db);
    QVERIFY(db->exec(QStringLiteral("CREATE TABLE t(x INTEGER); INSERT INTO t VALUES(1),(2),(3)")));
    QList<qint64> seen;
    QVERIFY(db->forEachRow(QStringLiteral("SELECT x FROM t WHERE x >= ? ORDER BY x"), {2},
                           [&](const Statement &row) { seen << row.int64(0); }));
    QCOMPARE(seen, (QList<qint64>{2, 3}));
    Status bad = db->forEachRow(QStringLiteral("SELECT x FROM nowhere"), {}, [](const Statement &) {});
    QVERIFY(!bad);
    QVERIFY(bad.message().contains(QStringLiteral("nowhere")));
}

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
