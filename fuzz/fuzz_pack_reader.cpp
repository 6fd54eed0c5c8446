// A pack and its v2 index through the direct pack reader: open (index and pack header checks),
// then every object the index names read through the reader alone (entry headers, inflate,
// ofs/ref delta chains, the delta-base cache).
//
// Input: a 4-byte big-endian length N, N bytes of .idx, the rest is the .pack (make-seed.sh in
// fuzz/ builds seeds this way from real packs). The reader maps files, so the pair is written
// to a bare repository made once in a temporary directory.
#include "fuzz_common.h"

#include "common/git_handles.h"
#include "git/pack_reader.h"

#include <QFile>
#include <QTemporaryDir>

#include <git2.h>

#include <algorithm>
#include <cstdlib>

namespace {

constexpr size_t kMaxReads = 64;
constexpr size_t kCacheBytes = size_t(1) << 20;

quint32 be32(const uint8_t *p)
{
    return quint32(p[0]) << 24 | quint32(p[1]) << 16 | quint32(p[2]) << 8 | quint32(p[3]);
}

struct Fixture
{
    QTemporaryDir dir;
    kl::git::Repository repo;
    QString packDir;

    Fixture()
    {
        kl::git::ensureInitialized();
        git_repository *raw = nullptr;
        if (git_repository_init(&raw, QFile::encodeName(dir.filePath(QStringLiteral("repo.git"))).constData(), 1) != 0)
            std::abort();
        repo.reset(raw);
        packDir = QString::fromUtf8(git_repository_path(raw)) + QStringLiteral("objects/pack/");
    }

    void write(const QString &name, const uint8_t *data, size_t size) const
    {
        QFile file(packDir + name);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || file.write(reinterpret_cast<const char *>(data), qint64(size)) != qint64(size))
            std::abort();
    }
};

// Reads (up to kMaxReads of) the objects the index names; the reader checked its layout.
void readIndexedObjects(git_odb *odb, const uint8_t *index, size_t indexSize)
{
    constexpr size_t kNames = 8 + 1024;
    const size_t count = be32(index + 8 + 4 * 255);
    for (size_t i = 0; i < std::min(count, kMaxReads) && kNames + (i + 1) * GIT_OID_RAWSZ <= indexSize; ++i) {
        git_oid oid;
        git_oid_fromraw(&oid, index + kNames + i * GIT_OID_RAWSZ);
        git_odb_object *object = nullptr;
        if (git_odb_read(&object, odb, &oid) == 0)
            git_odb_object_free(object);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static Fixture fixture;
    if (size < 4)
        return 0;
    const size_t indexSize = std::min<size_t>(be32(data), size - 4);
    const uint8_t *index = data + 4;
    fixture.write(QStringLiteral("pack-fuzz.idx"), index, indexSize);
    fixture.write(QStringLiteral("pack-fuzz.pack"), index + indexSize, size - 4 - indexSize);

    auto packs = kl::git::openPacks(fixture.repo.get());
    if (!packs)
        return 0;
    git_odb *rawOdb = nullptr;
    if (git_odb_new(&rawOdb) != 0)
        std::abort();
    kl::git::Odb odb(rawOdb);
    if (!kl::git::addPackReader(odb.get(), packs.value(), kCacheBytes))
        return 0;
    readIndexedObjects(odb.get(), index, indexSize);
    return 0;
}
