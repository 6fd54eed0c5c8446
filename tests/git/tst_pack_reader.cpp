// The direct pack reader against libgit2's own reading, on packs written by git itself.

#include "common/git_handles.h"
#include "git/pack_reader.h"
#include "scratch_repo.h"

#include <kernellens/index/store.h>
#include <kernellens/ingest/git_ingest.h>

#include <git2.h>

#include <QTest>

#include <cstring>
#include <utility>

using kl::testing::Scratch;

namespace {

using OdbHandle = std::unique_ptr<git_odb, decltype(&git_odb_free)>;
using RepositoryHandle = std::unique_ptr<git_repository, decltype(&git_repository_free)>;
using ObjectHandle = std::unique_ptr<git_odb_object, decltype(&git_odb_object_free)>;

// A file edited in every commit (so git stores most versions as deltas), a file over 64 KiB (copy
// instructions with wide offsets and the 0x10000 default length), binary bytes and a deletion.
void buildHistory(Scratch &repo, int first, int commits)
{
    QByteArray stream;
    for (int i = first; i < first + commits; ++i) {
        QByteArray source;
        for (int line = 0; line < 400; ++line)
            source += "static int value_" + QByteArray::number(line) + " = "
                + QByteArray::number(line % 37 == i % 37 ? i * 1000 + line : line) + ";\n";
        QByteArray big;
        for (int line = 0; line < 3000; ++line)
            big += "entry " + QByteArray::number(line) + (line == i * 7 ? " changed\n" : " steady\n");
        QByteArray binary(512, '\0');
        for (int b = 0; b < binary.size(); ++b)
            binary[b] = char((b * 31 + i) & 0xff);
        const QByteArray message = "commit " + QByteArray::number(i) + "\n";
        stream += "commit refs/heads/master\n";
        stream += "committer Ada Dev <ada@example.org> " + QByteArray::number(1700000000 + i * 3600) + " +0000\n";
        stream += "data " + QByteArray::number(message.size()) + "\n" + message;
        if (i == first && first > 0)
            stream += "from refs/heads/master^0\n";
        auto file = [&](const char *path, const QByteArray &content) {
            stream += "M 100644 inline " + QByteArray(path) + "\ndata " + QByteArray::number(content.size()) + "\n" + content + "\n";
        };
        file("kernel/core.c", source);
        file("drivers/big.c", big);
        file("firmware/blob.bin", binary);
        if (i % 5 == 4)
            stream += "D firmware/blob.bin\n";
        stream += "\n";
    }
    repo.git({QStringLiteral("fast-import"), QStringLiteral("--quiet")}, stream);
}

QStringList packIndexes(const Scratch &repo)
{
    const QString dir = repo.path() + QStringLiteral("/.git/objects/pack");
    QStringList out;
    for (const QString &name : QDir(dir).entryList({QStringLiteral("*.idx")}, QDir::Files, QDir::Name))
        out << dir + QLatin1Char('/') + name;
    return out;
}

// "oid -> offset" of every packed object, from git show-index.
QHash<QString, quint64> packOffsets(const Scratch &repo, const QString &indexPath)
{
    QFile index(indexPath);
    index.open(QIODevice::ReadOnly);
    const QString listing = repo.git({QStringLiteral("show-index")}, index.readAll());
    QHash<QString, quint64> offsets;
    for (const QString &line : listing.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        const QStringList fields = line.split(QLatin1Char(' '));
        offsets.insert(fields.value(1), fields.value(0).toULongLong());
    }
    return offsets;
}

git_oid oidOf(const QString &hex)
{
    git_oid oid;
    git_oid_fromstr(&oid, hex.toLatin1().constData());
    return oid;
}

// `commits` commits in one pack with deep delta chains; the .idx path.
QString packedHistory(Scratch &repo, int commits)
{
    buildHistory(repo, 0, commits);
    repo.git({QStringLiteral("repack"), QStringLiteral("-adf"), QStringLiteral("-q"), QStringLiteral("--depth=50")});
    return packIndexes(repo).value(0);
}

QString packOf(const QString &indexPath)
{
    return indexPath.left(indexPath.size() - 4) + QStringLiteral(".pack");
}

RepositoryHandle openScratch(const Scratch &repo)
{
    git_repository *raw = nullptr;
    if (git_repository_open(&raw, repo.path().toUtf8().constData()) != 0)
        qWarning("cannot open %s: %s", qPrintable(repo.path()), git_error_last()->message);
    return RepositoryHandle(raw, git_repository_free);
}

// An object database whose only backend is a pack reader over `repo`'s packs: whatever it
// returns came from the reader. Null (with the reason printed) when the packs do not open.
OdbHandle readerOnly(git_repository *repo, size_t cacheBytes)
{
    OdbHandle none(nullptr, git_odb_free);
    auto packs = kl::git::openPacks(repo);
    git_odb *raw = nullptr;
    if (!packs || git_odb_new(&raw) != 0) {
        qWarning("%s", qPrintable(packs ? QStringLiteral("git_odb_new failed") : packs.errorMessage()));
        return none;
    }
    OdbHandle odb(raw, git_odb_free);
    const auto added = kl::git::addPackReader(odb.get(), *packs, cacheBytes);
    if (!added.isOk()) {
        qWarning("%s", qPrintable(added.message()));
        return none;
    }
    return odb;
}


QByteArray be32(quint32 v)
{
    const char bytes[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
    return QByteArray(bytes, 4);
}

// A pack entry: type and size header, then the zlib stream of `data` (qCompress puts a 4-byte
// length before it).
QByteArray packEntry(int type, quint64 declaredSize, const QByteArray &data, qint64 back = 0)
{
    QByteArray entry;
    quint64 size = declaredSize;
    uchar c = uchar(type << 4 | (size & 15));
    for (size >>= 4; size; size >>= 7) {
        entry += char(c | 0x80);
        c = uchar(size & 0x7f);
    }
    entry += char(c);
    if (back > 0)
        entry += char(back);   // one byte of ofs-delta offset: the tests keep it under 128
    return entry + qCompress(data).mid(4);
}

// Writes a pack of `entries` at offsets after the header and a v2 index naming them 01.., 02..,
// into `repo`; the reader checks neither CRCs nor checksums, so they are zeros.
void writePack(const Scratch &repo, const QList<QByteArray> &entries)
{
    QByteArray pack = "PACK" + be32(2) + be32(quint32(entries.size()));
    QList<quint32> offsets;
    for (const QByteArray &entry : entries) {
        offsets << quint32(pack.size());
        pack += entry;
    }
    pack += QByteArray(20, '\0');
    QByteArray index = "\377tOc" + be32(2);
    for (int first = 0; first < 256; ++first)
        index += be32(quint32(std::min<qsizetype>(first, entries.size())));
    for (int i = 1; i <= entries.size(); ++i)
        index += QByteArray(1, char(i)) + QByteArray(19, '\0');
    index += QByteArray(4 * entries.size(), '\0');
    for (quint32 offset : offsets)
        index += be32(offset);
    index += QByteArray(40, '\0');
    const QString base = repo.path() + QStringLiteral("/.git/objects/pack/pack-handmade");
    QDir().mkpath(QFileInfo(base).path());
    for (const auto &[suffix, bytes] : {std::pair{".pack", pack}, std::pair{".idx", index}}) {
        QFile file(base + QLatin1String(suffix));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(bytes);
    }
}
} // namespace

class TestPackReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { kl::git::ensureInitialized(); }
    void readsEveryPackedObjectAsLibgit2Does_data();
    void readsEveryPackedObjectAsLibgit2Does();
    void objectsOutsideThePacksComeFromLibgit2();
    void corruptEntryIsNamed();
    void corruptIndexIsNamed();
    void damagedPacksFailCleanly();
    void implausibleSizesAreRefused_data();
    void implausibleSizesAreRefused();
};

void TestPackReader::readsEveryPackedObjectAsLibgit2Does_data()
{
    QTest::addColumn<QStringList>("config");       // for git repack
    QTest::addColumn<bool>("secondPack");
    QTest::addColumn<qulonglong>("cacheBytes");

    const QStringList offsetDeltas;
    const QStringList refDeltas{QStringLiteral("-c"), QStringLiteral("repack.useDeltaBaseOffset=false")};
    QTest::newRow("offset deltas") << offsetDeltas << false << qulonglong(kl::git::kDefaultDeltaCacheBytes);
    QTest::newRow("offset deltas, no room to cache") << offsetDeltas << false << qulonglong(1024);
    QTest::newRow("reference deltas") << refDeltas << false << qulonglong(kl::git::kDefaultDeltaCacheBytes);
    QTest::newRow("two packs") << offsetDeltas << true << qulonglong(64 << 10);
}

void TestPackReader::readsEveryPackedObjectAsLibgit2Does()
{
    QFETCH(QStringList, config);
    QFETCH(bool, secondPack);
    QFETCH(qulonglong, cacheBytes);

    Scratch repo;
    buildHistory(repo, 0, 60);
    repo.git(config + QStringList{QStringLiteral("repack"), QStringLiteral("-adf"), QStringLiteral("-q"),
                                  QStringLiteral("--depth=50"), QStringLiteral("--window=50")});
    if (secondPack) {
        buildHistory(repo, 60, 20);
        repo.git(config + QStringList{QStringLiteral("repack"), QStringLiteral("-d"), QStringLiteral("-q")});
    }
    QCOMPARE(packIndexes(repo).size(), secondPack ? 2 : 1);
    QVERIFY(repo.git({QStringLiteral("count-objects"), QStringLiteral("-v")}).contains(QStringLiteral("count: 0")));

    RepositoryHandle plain = openScratch(repo);
    QVERIFY(plain);
    OdbHandle direct = readerOnly(plain.get(), size_t(cacheBytes));
    QVERIFY(direct);

    git_odb *rawPlainOdb = nullptr;
    QCOMPARE(git_repository_odb(&rawPlainOdb, plain.get()), 0);
    OdbHandle plainOdb(rawPlainOdb, git_odb_free);
    std::vector<git_oid> all;
    git_odb_foreach(plainOdb.get(), [](const git_oid *oid, void *payload) {
        static_cast<std::vector<git_oid> *>(payload)->push_back(*oid);
        return 0;
    }, &all);
    int expected = 0;
    for (const QString &index : packIndexes(repo))
        expected += int(packOffsets(repo, index).size());
    QCOMPARE(int(all.size()), expected);

    int deltas = 0;
    for (const QString &index : packIndexes(repo)) {
        const QString verify = repo.git({QStringLiteral("verify-pack"), QStringLiteral("-v"), index});
        for (const QString &line : verify.split(QLatin1Char('\n')))
            deltas += line.split(QLatin1Char(' '), Qt::SkipEmptyParts).size() == 7 ? 1 : 0;
    }
    QVERIFY2(deltas > 100, "the history should be stored mostly as deltas");

    for (const git_oid &oid : all) {
        git_odb_object *a = nullptr;
        git_odb_object *b = nullptr;
        QCOMPARE(git_odb_read(&a, plainOdb.get(), &oid), 0);
        ObjectHandle theirs(a, git_odb_object_free);
        const int rc = git_odb_read(&b, direct.get(), &oid);
        QVERIFY2(rc == 0, git_error_last() ? git_error_last()->message : "read failed");
        ObjectHandle ours(b, git_odb_object_free);
        QCOMPARE(git_odb_object_type(ours.get()), git_odb_object_type(theirs.get()));
        QCOMPARE(git_odb_object_size(ours.get()), git_odb_object_size(theirs.get()));
        QVERIFY(std::memcmp(git_odb_object_data(ours.get()), git_odb_object_data(theirs.get()),
                            git_odb_object_size(theirs.get())) == 0);
        QVERIFY(git_odb_exists(direct.get(), &oid));
    }
    git_oid absent;
    git_oid_fromstr(&absent, "0123456789abcdef0123456789abcdef01234567");
    QVERIFY(!git_odb_exists(direct.get(), &absent));
    git_odb_object *none = nullptr;
    QCOMPARE(git_odb_read(&none, direct.get(), &absent), int(GIT_ENOTFOUND));
}

void TestPackReader::objectsOutsideThePacksComeFromLibgit2()
{
    Scratch repo;
    buildHistory(repo, 0, 5);
    repo.git({QStringLiteral("repack"), QStringLiteral("-adf"), QStringLiteral("-q")});
    repo.write(QStringLiteral("loose.txt"), "not packed\n");
    const QString commit = repo.commit(QStringLiteral("loose"));
    const QString blob = repo.git({QStringLiteral("rev-parse"), QStringLiteral("HEAD:loose.txt")});

    RepositoryHandle handle = openScratch(repo);
    QVERIFY(handle);
    std::shared_ptr<const kl::git::PackSet> packs;
    const auto added = kl::git::readPacksDirectly(handle.get(), packs);
    QVERIFY2(added.isOk(), qPrintable(added.message()));
    QVERIFY(packs);
    git_blob *rawBlob = nullptr;
    const git_oid blobId = oidOf(blob);
    QCOMPARE(git_blob_lookup(&rawBlob, handle.get(), &blobId), 0);
    QCOMPARE(QByteArray(static_cast<const char *>(git_blob_rawcontent(rawBlob)), int(git_blob_rawsize(rawBlob))),
             QByteArray("not packed\n"));
    git_blob_free(rawBlob);
    git_commit *rawCommit = nullptr;
    const git_oid commitId = oidOf(commit);
    QCOMPARE(git_commit_lookup(&rawCommit, handle.get(), &commitId), 0);
    QCOMPARE(QString::fromUtf8(git_commit_summary(rawCommit)), QStringLiteral("loose"));
    git_commit_free(rawCommit);
}

void TestPackReader::corruptEntryIsNamed()
{
    Scratch repo;
    const QString index = packedHistory(repo, 30);
    const QString packPath = packOf(index);
    const QString blob = repo.git({QStringLiteral("rev-parse"), QStringLiteral("HEAD:kernel/core.c")});
    const quint64 offset = packOffsets(repo, index).value(blob);
    QVERIFY(offset > 0);

    // Zeros where the entry's zlib stream starts (after at most a few header bytes).
    QFile pack(packPath);
    QVERIFY(pack.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    QVERIFY(pack.open(QIODevice::ReadWrite));
    QVERIFY(pack.seek(qint64(offset) + 6));
    pack.write(QByteArray(16, '\0'));
    pack.close();

    RepositoryHandle handle = openScratch(repo);
    QVERIFY(handle);
    std::shared_ptr<const kl::git::PackSet> packs;
    QVERIFY(kl::git::readPacksDirectly(handle.get(), packs).isOk());
    git_blob *rawBlob = nullptr;
    const git_oid blobId = oidOf(blob);
    QVERIFY(git_blob_lookup(&rawBlob, handle.get(), &blobId) != 0);
    const QString message = QString::fromUtf8(git_error_last()->message);
    QVERIFY2(message.contains(packPath) && message.contains(blob) && message.contains(QString::number(offset)),
             qPrintable(message));

    // Through the ingest: the run goes on (every commit stored), and the warnings name the pack
    // and the entry, whichever version of the file the walk reads first (older versions are
    // deltas on top of this one); no commit is left without its files.
    QTemporaryDir storeDir;
    auto store = kl::Store::open(storeDir.filePath(QStringLiteral("s")), kl::Store::Mode::ReadWrite);
    QVERIFY(store);
    kl::ingest::GitIngestOptions options;
    options.source = repo.path();
    auto ingested = kl::ingest::ingestGit(*store, options, kl::JobContext{});
    QVERIFY2(ingested, qPrintable(ingested.errorMessage()));
    QCOMPARE(ingested->commitsAdded, repo.git({QStringLiteral("rev-list"), QStringLiteral("--count"), QStringLiteral("HEAD")}).toLongLong());
    QVERIFY(ingested->objectsMissing > 0);
    auto warning = store->db().scalar(QStringLiteral(
        "SELECT message FROM parse_warnings WHERE kind = 'missing-object' AND location LIKE 'commit %' LIMIT 1"));
    QVERIFY(warning);
    QVERIFY2(warning->toString().contains(packPath) && warning->toString().contains(QString::number(offset)),
             qPrintable(warning->toString()));
    auto orphans = store->db().prepare(QStringLiteral(
        "SELECT count(*) FROM commits c WHERE c.parents <= 1 AND NOT EXISTS "
        "(SELECT 1 FROM commit_files f WHERE f.commit_id = c.id)"));
    QVERIFY(orphans);
    auto row = orphans->step();
    QVERIFY(row && *row);
    QCOMPARE(orphans->text(0), QStringLiteral("0"));
}

void TestPackReader::corruptIndexIsNamed()
{
    Scratch repo;
    buildHistory(repo, 0, 3);
    repo.git({QStringLiteral("repack"), QStringLiteral("-adf"), QStringLiteral("-q")});
    const QString index = packIndexes(repo).value(0);
    QFile file(index);
    QVERIFY(file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.resize(file.size() - 41));
    file.close();

    RepositoryHandle handle = openScratch(repo);
    QVERIFY(handle);
    auto packs = kl::git::openPacks(handle.get());
    QVERIFY(!packs);
    QVERIFY2(packs.errorMessage().contains(index), qPrintable(packs.errorMessage()));
}

// Mail and repositories are hostile input too: a pack with damaged bytes anywhere must give an
// error that names it, or (where zlib and the delta checks cannot tell) some bytes, never a
// crash or a read outside a buffer (CI runs this under ASan and UBSan).
void TestPackReader::damagedPacksFailCleanly()
{
    Scratch repo;
    const QString index = packedHistory(repo, 12);
    const QString packPath = packOf(index);
    QFile pack(packPath);
    QVERIFY(pack.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    QVERIFY(pack.open(QIODevice::ReadOnly));
    const QByteArray original = pack.readAll();
    pack.close();
    std::vector<git_oid> all;
    for (const QString &hex : packOffsets(repo, index).keys())
        all.push_back(oidOf(hex));

    quint32 seed = 12345;
    auto next = [&seed] { seed = seed * 1103515245u + 12345u; return seed >> 8; };
    int failures = 0;
    for (int round = 0; round < 150; ++round) {
        QByteArray damaged = original;
        // A few bytes past the 12-byte header and before the checksum, set to chosen values.
        for (int k = 0; k < 1 + round % 4; ++k) {
            const auto at = 12 + qsizetype(next() % quint32(damaged.size() - 32));
            damaged[at] = char(round % 3 == 0 ? 0xff : round % 3 == 1 ? 0x00 : next() & 0xff);
        }
        QVERIFY(pack.open(QIODevice::WriteOnly | QIODevice::Truncate));
        pack.write(damaged);
        pack.close();

        RepositoryHandle handle = openScratch(repo);
        QVERIFY(handle);
        OdbHandle direct = readerOnly(handle.get(), size_t(64) << 10);
        QVERIFY(direct);
        for (const git_oid &oid : all) {
            git_odb_object *object = nullptr;
            if (git_odb_read(&object, direct.get(), &oid) == 0) {
                git_odb_object_free(object);
                continue;
            }
            ++failures;
            const QString message = QString::fromUtf8(git_error_last()->message);
            QVERIFY2(message.contains(packPath), qPrintable(message));
        }
    }
    QVERIFY2(failures > 0, "damage should be detected somewhere");
}

// Found by fuzz/fuzz_pack_reader: a few damaged header bytes declared a 3.6 GB object, which the
// reader allocated before inflate could find the damage. A size the rest of the pack cannot hold
// (deflate compresses at most 1032:1) or that a delta's instructions do not write is refused.
void TestPackReader::implausibleSizesAreRefused_data()
{
    QTest::addColumn<QList<QByteArray>>("entries");
    QTest::addColumn<QString>("error");
    const quint64 huge = 3600000000;
    const QByteArray hello("hello");
    QTest::newRow("whole object") << QList<QByteArray>{packEntry(3, huge, hello)}
                                  << QStringLiteral("declared size 3600000000 is not plausible");
    // Base size 5, result size 3.6 GB as varints, then one copy of the 5 base bytes.
    QByteArray delta{"\x05"};
    for (quint64 size = huge; size; size >>= 7)
        delta += char((size & 0x7f) | (size >> 7 ? 0x80 : 0));
    delta += QByteArray("\x90\x05", 2);
    const QByteArray base = packEntry(3, 5, hello);
    QTest::newRow("delta result") << QList<QByteArray>{base, packEntry(6, quint64(delta.size()), delta, base.size())}
                                  << QStringLiteral("corrupt delta header");
}

void TestPackReader::implausibleSizesAreRefused()
{
    QFETCH(QList<QByteArray>, entries);
    QFETCH(QString, error);
    Scratch repo;
    writePack(repo, entries);
    RepositoryHandle handle = openScratch(repo);
    QVERIFY(handle);
    OdbHandle direct = readerOnly(handle.get(), size_t(64) << 10);
    QVERIFY(direct);
    git_oid last;
    std::memset(last.id, 0, sizeof last.id);
    last.id[0] = uchar(entries.size());
    git_odb_object *object = nullptr;
    QVERIFY(git_odb_read(&object, direct.get(), &last) != 0);
    const QString message = QString::fromUtf8(git_error_last()->message);
    QVERIFY2(message.contains(error), qPrintable(message));
}

QTEST_GUILESS_MAIN(TestPackReader)
#include "tst_pack_reader.moc"
