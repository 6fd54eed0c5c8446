#include "pack_reader.h"

#include "common/git_handles.h"

#include <git2/sys/odb_backend.h>
#include <zlib.h>

#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cstring>
#include <limits>
#include <list>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kl::git {

namespace {

quint32 be32(const uchar *p)
{
    return (quint32(p[0]) << 24) | (quint32(p[1]) << 16) | (quint32(p[2]) << 8) | quint32(p[3]);
}

quint64 be64(const uchar *p)
{
    return (quint64(be32(p)) << 32) | be32(p + 4);
}

constexpr int kObjCommit = 1, kObjTag = 4, kObjOfsDelta = 6, kObjRefDelta = 7;
constexpr size_t kOidSize = 20;
// A longer chain than any git writes (its --depth is at most 4095) means a cycle in a corrupt pack.
constexpr size_t kMaxChain = 10000;
// A declared size beyond this is a corrupt header, not an object we should try to allocate.
constexpr quint64 kMaxObjectSize = quint64(1) << 32;
// deflate cannot compress better than 1032:1, so an entry cannot inflate to more than this many
// times the bytes left after it in the pack.
constexpr quint64 kMaxDeflateRatio = 1032;
constexpr quint64 kDropResidentEvery = quint64(32) << 20;

} // namespace

// One pack and its v2 index, mapped read-only. Immutable after open, so threads share it.
struct Pack
{
    QString packPath;
    QString indexPath;
    const uchar *map = nullptr;   // the whole pack, read-only, shared by every thread
    quint64 packSize = 0;
    // Bytes read through the mapping since its pages were last dropped from the resident set.
    mutable std::atomic<quint64> touched{0};
    void *indexMap = MAP_FAILED;
    size_t indexSize = 0;
    quint32 count = 0;
    const uchar *fanout = nullptr;
    const uchar *names = nullptr;
    const uchar *offsets32 = nullptr;
    const uchar *offsets64 = nullptr;
    quint64 offsets64Count = 0;

    Pack() = default;
    Pack(const Pack &) = delete;
    Pack &operator=(const Pack &) = delete;
    ~Pack()
    {
        if (indexMap != MAP_FAILED)
            munmap(indexMap, indexSize);
        if (map)
            munmap(const_cast<uchar *>(map), packSize);
    }

    // Pack offset of `oid`, or 0 when this pack does not hold it (no object starts at 0: the
    // pack header is there).
    quint64 find(const git_oid &oid) const
    {
        const uchar first = oid.id[0];
        quint32 lo = first == 0 ? 0 : be32(fanout + 4 * (first - 1));
        quint32 hi = be32(fanout + 4 * first);
        // Object names are uniformly distributed, so interpolating on the next eight bytes lands
        // next to the entry; a plain binary search over a kernel-sized index touches ~20
        // cache lines per lookup, and the walk looks up millions of objects.
        const quint64 key = be64(oid.id + 1);
        for (int round = 0; round < 3 && hi - lo > 16; ++round) {
            const quint64 keyLo = be64(names + size_t(lo) * kOidSize + 1);
            const quint64 keyHi = be64(names + size_t(hi - 1) * kOidSize + 1);
            if (key <= keyLo || key >= keyHi || keyHi == keyLo)
                break;
            const double fraction = double(key - keyLo) / double(keyHi - keyLo);
            const auto guess = std::min(hi - 1, lo + quint32(fraction * double(hi - 1 - lo)));
            const int c = std::memcmp(names + size_t(guess) * kOidSize, oid.id, kOidSize);
            if (c == 0)
                return offsetAt(guess);
            // Check a neighbour a few entries away: the entry is almost always in between.
            constexpr quint32 kSlack = 8;
            quint32 probe;
            if (c < 0) {
                lo = guess + 1;
                probe = std::min(hi - 1, guess + kSlack);
            } else {
                hi = guess;
                probe = guess - std::min(guess - lo, kSlack);
            }
            if (probe < lo || probe >= hi)
                continue;
            const int cp = std::memcmp(names + size_t(probe) * kOidSize, oid.id, kOidSize);
            if (cp == 0)
                return offsetAt(probe);
            if (cp < 0)
                lo = probe + 1;
            else
                hi = probe;
        }
        while (lo < hi) {
            const quint32 mid = lo + (hi - lo) / 2;
            const int c = std::memcmp(names + size_t(mid) * kOidSize, oid.id, kOidSize);
            if (c == 0)
                return offsetAt(mid);
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        return 0;
    }

    quint64 offsetAt(quint32 i) const
    {
        const quint32 v = be32(offsets32 + 4 * size_t(i));
        if (!(v & 0x80000000u))
            return v;
        const quint64 k = v & 0x7fffffffu;
        return k < offsets64Count ? be64(offsets64 + 8 * k) : 0;   // 0: corrupt, read as absent
    }
};

class PackSet
{
public:
    std::vector<std::unique_ptr<Pack>> packs;
};

namespace {

Status openIndex(Pack &pack)
{
    const QByteArray indexFile = QFile::encodeName(pack.indexPath);
    const int indexFd = open(indexFile.constData(), O_RDONLY | O_CLOEXEC);
    if (indexFd < 0)
        return Status::error(pack.indexPath + QStringLiteral(": ") + QString::fromLocal8Bit(std::strerror(errno)));
    struct stat st{};
    if (fstat(indexFd, &st) != 0 || st.st_size < 8 + 1024 + 40) {
        close(indexFd);
        return Status::error(pack.indexPath + QStringLiteral(": too short for a pack index"));
    }
    pack.indexSize = size_t(st.st_size);
    pack.indexMap = mmap(nullptr, pack.indexSize, PROT_READ, MAP_PRIVATE, indexFd, 0);
    close(indexFd);
    if (pack.indexMap == MAP_FAILED)
        return Status::error(pack.indexPath + QStringLiteral(": cannot map: ") + QString::fromLocal8Bit(std::strerror(errno)));
    const auto *base = static_cast<const uchar *>(pack.indexMap);
    if (std::memcmp(base, "\377tOc", 4) != 0 || be32(base + 4) != 2)
        return Status::error(pack.indexPath + QStringLiteral(": not a version 2 pack index"));
    pack.fanout = base + 8;
    pack.count = be32(pack.fanout + 4 * 255);
    for (int i = 1; i < 256; ++i) {
        if (be32(pack.fanout + 4 * i) < be32(pack.fanout + 4 * (i - 1)))
            return Status::error(pack.indexPath + QStringLiteral(": corrupt fan-out table"));
    }
    const quint64 fixed = 8 + 1024 + quint64(pack.count) * (kOidSize + 4 + 4) + 2 * kOidSize;
    if (fixed > pack.indexSize || (pack.indexSize - fixed) % 8 != 0)
        return Status::error(pack.indexPath + QStringLiteral(": size does not match its %1 objects").arg(pack.count));
    pack.names = pack.fanout + 1024;
    pack.offsets32 = pack.names + size_t(pack.count) * (kOidSize + 4);   // after the CRCs
    pack.offsets64 = pack.offsets32 + size_t(pack.count) * 4;
    pack.offsets64Count = (pack.indexSize - fixed) / 8;
    return Status::ok();
}

Result<std::unique_ptr<Pack>> openPack(const QString &indexPath)
{
    auto pack = std::make_unique<Pack>();
    pack->indexPath = indexPath;
    pack->packPath = indexPath.left(indexPath.size() - 4) + QStringLiteral(".pack");
    KL_TRY(openIndex(*pack));
    const QByteArray packFile = QFile::encodeName(pack->packPath);
    const int fd = open(packFile.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return Status::error(pack->packPath + QStringLiteral(": ") + QString::fromLocal8Bit(std::strerror(errno)));
    struct stat st{};
    if (fstat(fd, &st) != 0 || st.st_size < 12 + 20) {
        close(fd);
        return Status::error(pack->packPath + QStringLiteral(": too short for a pack"));
    }
    pack->packSize = quint64(st.st_size);
    void *map = mmap(nullptr, size_t(pack->packSize), PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (map == MAP_FAILED) {
        pack->packSize = 0;
        return Status::error(pack->packPath + QStringLiteral(": cannot map: ") + QString::fromLocal8Bit(std::strerror(errno)));
    }
    pack->map = static_cast<const uchar *>(map);
    const uchar *header = pack->map;
    if (std::memcmp(header, "PACK", 4) != 0 || be32(header + 4) < 2 || be32(header + 4) > 3)
        return Status::error(pack->packPath + QStringLiteral(": not a pack file"));
    if (be32(header + 8) != pack->count)
        return Status::error(pack->packPath + QStringLiteral(": holds %1 objects, its index %2")
                                 .arg(be32(header + 8)).arg(pack->count));
    return pack;
}

// An object's bytes, uninitialised when made (zero-filling what inflate or a delta overwrites
// would cost a page clear per page), shared between the delta-base cache and a chain being built.
struct Bytes
{
    explicit Bytes(size_t n) : data(std::make_unique_for_overwrite<uchar[]>(n + 1)), size(n) {}
    std::unique_ptr<uchar[]> data;   // one spare byte: inflate's overrun check
    size_t size;
};
using SharedBytes = std::shared_ptr<const Bytes>;

// The delta bases recently built, by pack and offset, least recently used first out: a walk reads
// the versions of a file one after another, and they share the bases of their delta chains.
class DeltaBaseCache
{
public:
    explicit DeltaBaseCache(size_t limit) : m_limit(limit) {}

    struct Entry
    {
        quint64 key;
        int type;
        SharedBytes bytes;
    };

    const Entry *find(quint64 key)
    {
        auto it = m_index.find(key);
        if (it == m_index.end())
            return nullptr;
        m_lru.splice(m_lru.end(), m_lru, it->second);
        return &*it->second;
    }

    void insert(quint64 key, int type, const SharedBytes &bytes)
    {
        // One object that would take most of the budget would push out everything else.
        if (bytes->size > m_limit / 4 || m_index.count(key))
            return;
        m_used += bytes->size;
        m_lru.push_back(Entry{key, type, bytes});
        m_index.emplace(key, std::prev(m_lru.end()));
        while (m_used > m_limit && !m_lru.empty()) {
            m_used -= m_lru.front().bytes->size;
            m_index.erase(m_lru.front().key);
            m_lru.pop_front();
        }
    }

private:
    size_t m_limit;
    size_t m_used = 0;
    std::list<Entry> m_lru;
    std::unordered_map<quint64, std::list<Entry>::iterator> m_index;
};

quint64 cacheKey(size_t packIndex, quint64 offset)
{
    return (quint64(packIndex) << 48) | offset;
}

struct EntryHeader
{
    int type = 0;
    quint64 size = 0;        // of the inflated data: the object, or the delta
    quint64 dataOffset = 0;  // where the zlib stream starts
    quint64 baseOffset = 0;  // for an offset delta
    git_oid baseOid{};       // for a reference delta
};

// Reading failed for a reason that belongs in the error message; `passthrough` means "let libgit2
// try" (a reference delta whose base is in another pack).
struct ReadError
{
    QString message;
    quint64 entryOffset = 0;   // the entry at fault: the object's own, or a base of its chain
    bool passthrough = false;
};

class Reader;

// libgit2 hands the backend pointer back to the callbacks; a standard-layout struct with the
// backend first makes the way back to the reader well defined.
struct BackendShim
{
    git_odb_backend backend;
    Reader *reader;
};

class Reader
{
public:
    Reader(std::shared_ptr<const PackSet> packs, size_t cacheBytes)
        : m_packs(std::move(packs)), m_cache(cacheBytes)
    {
        std::memset(&m_shim, 0, sizeof m_shim);
        m_shim.reader = this;
    }
    ~Reader()
    {
        if (m_zlibReady)
            inflateEnd(&m_zlib);
    }
    Reader(const Reader &) = delete;
    Reader &operator=(const Reader &) = delete;

    Status init()
    {
        if (git_odb_init_backend(&m_shim.backend, GIT_ODB_BACKEND_VERSION) != 0)
            return Status::error(QStringLiteral("libgit2 refused the pack reader's backend version"));
        std::memset(&m_zlib, 0, sizeof m_zlib);
        if (inflateInit(&m_zlib) != Z_OK)
            return Status::error(QStringLiteral("zlib: cannot initialise an inflate stream"));
        m_zlibReady = true;
        m_shim.backend.read = &Reader::readCallback;
        m_shim.backend.exists = &Reader::existsCallback;
        m_shim.backend.free = &Reader::freeCallback;
        return Status::ok();
    }

    git_odb_backend *backend() { return &m_shim.backend; }

private:
    static Reader *self(git_odb_backend *b) { return reinterpret_cast<BackendShim *>(b)->reader; }

    static int existsCallback(git_odb_backend *b, const git_oid *oid)
    {
        for (const auto &pack : self(b)->m_packs->packs) {
            if (pack->find(*oid) != 0)
                return 1;
        }
        return 0;
    }

    static void freeCallback(git_odb_backend *b) { delete self(b); }

    static int readCallback(void **data, size_t *size, git_object_t *type, git_odb_backend *b,
                            const git_oid *oid)
    {
        Reader *reader = self(b);
        // No exception may unwind into libgit2's C frames.
        try {
            std::lock_guard lock(reader->m_mutex);
            return reader->read(data, size, type, *oid);
        } catch (const std::bad_alloc &) {
            git_error_set_oom();
        } catch (...) {
            git_error_set_str(GIT_ERROR_ODB, "pack reader: unexpected failure");
        }
        return GIT_ERROR;
    }

    int read(void **data, size_t *size, git_object_t *type, const git_oid &oid)
    {
        const auto &packs = m_packs->packs;
        for (size_t p = 0; p < packs.size(); ++p) {
            const quint64 offset = packs[p]->find(oid);
            if (offset == 0)
                continue;
            ReadError error;
            const bool ok = readObject(p, offset, data, size, type, error);
            boundResidentPages(*packs[p]);
            if (ok)
                return 0;
            if (error.passthrough)
                return GIT_PASSTHROUGH;
            QString message = packs[p]->packPath + QStringLiteral(": object ") + oidToString(oid)
                + QStringLiteral(" at offset %1: ").arg(offset);
            if (error.entryOffset != 0 && error.entryOffset != offset)
                message += QStringLiteral("its delta base at offset %1: ").arg(error.entryOffset);
            message += error.message;
            git_error_set_str(GIT_ERROR_ODB, message.toUtf8().constData());
            return GIT_ERROR;
        }
        return GIT_ENOTFOUND;
    }

    bool readHeader(const Pack &pack, quint64 offset, EntryHeader &h, ReadError &error)
    {
        error.entryOffset = offset;
        // The pack ends with a 20-byte checksum: no entry starts inside it.
        if (offset < 12 || offset >= pack.packSize - kOidSize) {
            error.message = QStringLiteral("offset outside the pack");
            return false;
        }
        const uchar *buf = pack.map + offset;
        const quint64 n = std::min<quint64>(32, pack.packSize - kOidSize - offset);
        size_t at = 0;
        uchar c = buf[at++];
        h.type = (c >> 4) & 7;
        h.size = c & 15;
        int shift = 4;
        while (c & 0x80) {
            if (at >= size_t(n) || shift > 60) {
                error.message = QStringLiteral("corrupt object header");
                return false;
            }
            c = buf[at++];
            h.size |= quint64(c & 0x7f) << shift;
            shift += 7;
        }
        if (h.type == kObjOfsDelta) {
            if (at >= size_t(n)) {
                error.message = QStringLiteral("corrupt delta header");
                return false;
            }
            c = buf[at++];
            quint64 back = c & 0x7f;
            while (c & 0x80) {
                if (at >= size_t(n) || back > (quint64(1) << 56)) {
                    error.message = QStringLiteral("corrupt delta base offset");
                    return false;
                }
                c = buf[at++];
                back = ((back + 1) << 7) | (c & 0x7f);
            }
            if (back == 0 || back > offset) {
                error.message = QStringLiteral("delta base offset outside the pack");
                return false;
            }
            h.baseOffset = offset - back;
        } else if (h.type == kObjRefDelta) {
            if (at + kOidSize > size_t(n)) {
                error.message = QStringLiteral("corrupt delta header");
                return false;
            }
            std::memcpy(h.baseOid.id, buf + at, kOidSize);
            at += kOidSize;
        } else if (h.type < kObjCommit || h.type > kObjTag) {
            error.message = QStringLiteral("unknown object type %1").arg(h.type);
            return false;
        }
        h.dataOffset = offset + at;
        // A few damaged header bytes must not allocate gigabytes before inflate finds the damage.
        const quint64 left = pack.packSize - kOidSize - h.dataOffset;
        if (h.size > kMaxObjectSize || h.size > left * kMaxDeflateRatio) {
            error.message = QStringLiteral("declared size %1 is not plausible").arg(h.size);
            return false;
        }
        return true;
    }

    // Inflates exactly `size` bytes from the zlib stream at `at` into `out` (which has room for
    // one more byte, so a stream longer than its header says is caught).
    bool inflateAt(const Pack &pack, quint64 entry, quint64 at, uchar *out, quint64 size, ReadError &error)
    {
        error.entryOffset = entry;
        if (at >= pack.packSize - kOidSize) {
            error.message = QStringLiteral("zlib stream starts past the end of the pack");
            return false;
        }
        inflateReset(&m_zlib);
        m_zlib.next_in = const_cast<uchar *>(pack.map + at);   // zlib 1.2 lacks const input (ZLIB_CONST)
        m_zlib.avail_in = uInt(std::min<quint64>(pack.packSize - kOidSize - at, std::numeric_limits<uInt>::max()));
        m_zlib.next_out = out;
        m_zlib.avail_out = uInt(size + 1);
        // All input and room for all output: Z_FINISH lets zlib inflate without its sliding window.
        const int rc = inflate(&m_zlib, Z_FINISH);
        pack.touched += m_zlib.total_in;
        if (rc != Z_STREAM_END) {
            error.message = rc == Z_BUF_ERROR && m_zlib.avail_out == 0
                ? QStringLiteral("inflates to more than its declared %1 bytes").arg(size)
                : QStringLiteral("zlib: ") + QString::fromLatin1(m_zlib.msg ? m_zlib.msg : "truncated or corrupt stream");
            return false;
        }
        if (m_zlib.total_out != size) {
            error.message = QStringLiteral("inflates to %1 bytes, its header says %2").arg(m_zlib.total_out).arg(size);
            return false;
        }
        return true;
    }

    // Pages of a mapping count in the resident set once touched, and a walk touches the whole
    // pack; dropping them now and then keeps the peak bounded (they stay in the page cache, so a
    // later touch is a minor fault).
    static void boundResidentPages(const Pack &pack)
    {
        if (pack.touched.load(std::memory_order_relaxed) < kDropResidentEvery)
            return;
        if (pack.touched.exchange(0) >= kDropResidentEvery)
            madvise(const_cast<uchar *>(pack.map), size_t(pack.packSize), MADV_DONTNEED);
    }

    static bool deltaVarint(const uchar *&p, const uchar *end, quint64 &value)
    {
        value = 0;
        int shift = 0;
        uchar c;
        do {
            if (p >= end || shift > 56)
                return false;
            c = *p++;
            value |= quint64(c & 0x7f) << shift;
            shift += 7;
        } while (c & 0x80);
        return true;
    }

    // The size of the object a delta makes, from its header. False unless its instructions write
    // exactly that many bytes: the header alone could ask for gigabytes (applyDelta checks the
    // rest of the instructions).
    static bool deltaResultSize(const std::vector<uchar> &delta, quint64 &size)
    {
        const uchar *p = delta.data();
        const uchar *end = p + delta.size();
        quint64 baseSize;
        if (!deltaVarint(p, end, baseSize) || !deltaVarint(p, end, size) || size > kMaxObjectSize)
            return false;
        quint64 written = 0;
        for (size_t at = size_t(p - delta.data()); at < delta.size() && written <= size;) {
            const uchar op = delta[at++];
            if (op & 0x80) {
                at += size_t(std::popcount(unsigned(op & 0x0f)));   // offset bytes
                quint64 length = 0;
                for (int i = 0; i < 3; ++i) {
                    if ((op & (0x10 << i)) && at < delta.size())
                        length |= quint64(delta[at++]) << (8 * i);
                }
                written += length == 0 ? 0x10000 : length;
            } else {
                at += op;   // inserted bytes
                written += op;
            }
        }
        return written == size;
    }

    static bool applyDelta(const uchar *base, size_t baseSize, const std::vector<uchar> &delta,
                           uchar *out, size_t outSize, ReadError &error)
    {
        const uchar *p = delta.data();
        const uchar *end = p + delta.size();
        quint64 declaredBase, declaredOut;
        if (!deltaVarint(p, end, declaredBase) || !deltaVarint(p, end, declaredOut)
            || declaredBase != baseSize || declaredOut != outSize) {
            error.message = QStringLiteral("delta does not fit its base");
            return false;
        }
        uchar *o = out;
        uchar *const outEnd = out + outSize;
        while (p < end) {
            const uchar op = *p++;
            if (op & 0x80) {
                quint64 from = 0, length = 0;
                for (int i = 0; i < 4; ++i) {
                    if (op & (1 << i)) {
                        if (p >= end)
                            goto corrupt;
                        from |= quint64(*p++) << (8 * i);
                    }
                }
                for (int i = 0; i < 3; ++i) {
                    if (op & (0x10 << i)) {
                        if (p >= end)
                            goto corrupt;
                        length |= quint64(*p++) << (8 * i);
                    }
                }
                if (length == 0)
                    length = 0x10000;
                if (from + length > baseSize || length > size_t(outEnd - o))
                    goto corrupt;
                std::memcpy(o, base + from, length);
                o += length;
            } else if (op != 0) {
                if (op > size_t(end - p) || op > size_t(outEnd - o))
                    goto corrupt;
                std::memcpy(o, p, op);
                o += op;
                p += op;
            } else {
                goto corrupt;   // reserved opcode
            }
        }
        if (o == outEnd)
            return true;
    corrupt:
        error.message = QStringLiteral("corrupt delta");
        return false;
    }

    struct Link
    {
        quint64 offset;
        EntryHeader header;
    };

    // Resolves the object at `offset`: follows its delta chain down to a full object or a cached
    // base, then applies the deltas back up, caching every intermediate base as git does.
    bool readObject(size_t packIndex, quint64 offset, void **data, size_t *size, git_object_t *type,
                    ReadError &error)
    {
        const Pack &pack = *m_packs->packs[packIndex];
        m_chain.clear();
        SharedBytes current;
        int baseType = 0;
        quint64 at = offset;
        for (;;) {
            if (const auto *hit = m_cache.find(cacheKey(packIndex, at))) {
                baseType = hit->type;
                current = hit->bytes;
                if (m_chain.empty())
                    return deliver(current->data.get(), current->size, baseType, data, size, type);
                break;
            }
            EntryHeader h;
            if (!readHeader(pack, at, h, error))
                return false;
            if (h.type == kObjOfsDelta || h.type == kObjRefDelta) {
                if (m_chain.size() >= kMaxChain) {
                    error.message = QStringLiteral("delta chain longer than %1 (a cycle?)").arg(kMaxChain);
                    return false;
                }
                m_chain.push_back(Link{at, h});
                if (h.type == kObjOfsDelta) {
                    at = h.baseOffset;
                } else {
                    at = pack.find(h.baseOid);
                    if (at == 0) {
                        error.passthrough = true;   // its base is elsewhere: libgit2 can look
                        return false;
                    }
                }
                continue;
            }
            baseType = h.type;
            if (m_chain.empty()) {
                // A whole object: inflate straight into libgit2's buffer.
                auto *out = allocate(h.size);
                if (!inflateAt(pack, at, h.dataOffset, out, h.size, error)) {
                    git_odb_backend_data_free(&m_shim.backend, out);
                    return false;
                }
                return hand(out, h.size, baseType, data, size, type);
            }
            auto base = std::make_shared<Bytes>(size_t(h.size));
            if (!inflateAt(pack, at, h.dataOffset, base->data.get(), h.size, error))
                return false;
            current = std::move(base);
            m_cache.insert(cacheKey(packIndex, at), baseType, current);
            break;
        }
        // Apply the deltas from the base up; the last one writes into libgit2's buffer.
        for (size_t i = m_chain.size(); i-- > 0;) {
            const Link &link = m_chain[i];
            m_delta.resize(size_t(link.header.size) + 1);
            if (!inflateAt(pack, link.offset, link.header.dataOffset, m_delta.data(), link.header.size, error))
                return false;
            m_delta.resize(size_t(link.header.size));
            quint64 resultSize = 0;
            if (!deltaResultSize(m_delta, resultSize)) {
                error.message = QStringLiteral("corrupt delta header");
                return false;
            }
            if (i == 0) {
                auto *out = allocate(resultSize);
                if (!applyDelta(current->data.get(), current->size, m_delta, out, size_t(resultSize), error)) {
                    git_odb_backend_data_free(&m_shim.backend, out);
                    return false;
                }
                return hand(out, resultSize, baseType, data, size, type);
            }
            auto built = std::make_shared<Bytes>(size_t(resultSize));
            if (!applyDelta(current->data.get(), current->size, m_delta, built->data.get(), built->size, error))
                return false;
            current = std::move(built);
            m_cache.insert(cacheKey(packIndex, link.offset), baseType, current);
        }
        return false;   // not reached: the loop returns at i == 0
    }

    // libgit2's buffer for an object of `length` bytes, with room for the NUL its parsers expect.
    uchar *allocate(quint64 length)
    {
        auto *out = static_cast<uchar *>(git_odb_backend_data_alloc(&m_shim.backend, size_t(length) + 1));
        if (!out)
            throw std::bad_alloc();
        return out;
    }

    static bool hand(uchar *out, quint64 length, int objectType, void **data, size_t *size, git_object_t *type)
    {
        out[length] = 0;
        *data = out;
        *size = size_t(length);
        *type = git_object_t(objectType);
        return true;
    }

    bool deliver(const uchar *bytes, size_t length, int objectType, void **data, size_t *size,
                 git_object_t *type)
    {
        auto *out = allocate(length);
        std::memcpy(out, bytes, length);
        return hand(out, length, objectType, data, size, type);
    }

    BackendShim m_shim;
    std::shared_ptr<const PackSet> m_packs;
    DeltaBaseCache m_cache;
    std::mutex m_mutex;
    z_stream m_zlib;
    bool m_zlibReady = false;
    std::vector<uchar> m_delta;
    std::vector<Link> m_chain;
};

} // namespace

Result<std::shared_ptr<const PackSet>> openPacks(git_repository *repo)
{
    auto set = std::make_shared<PackSet>();
    const QString objects = QString::fromUtf8(git_repository_path(repo)) + QStringLiteral("objects/pack");
    const QStringList indexes = QDir(objects).entryList({QStringLiteral("pack-*.idx")}, QDir::Files, QDir::Name);
    for (const QString &name : indexes) {
        const QString indexPath = objects + QLatin1Char('/') + name;
        if (!QFileInfo::exists(indexPath.left(indexPath.size() - 4) + QStringLiteral(".pack")))
            continue;   // being written or removed: libgit2 decides what to do with it
        auto pack = openPack(indexPath);
        if (!pack)
            return pack.status();
        set->packs.push_back(std::move(pack.value()));
    }
    return std::shared_ptr<const PackSet>(std::move(set));
}

bool packReaderEnabled()
{
    return qEnvironmentVariable("KERNELLENS_GIT_PACK_READER") != QLatin1String("0");
}

Status addPackReader(git_odb *odb, std::shared_ptr<const PackSet> packs, size_t deltaCacheBytes)
{
    if (packs->packs.empty())
        return Status::ok();
    auto reader = std::make_unique<Reader>(std::move(packs), deltaCacheBytes);
    KL_TRY(reader->init());
    // libgit2 asks backends in descending priority; its own pack and loose backends use 1 and 2.
    constexpr int kPriority = 100;
    if (int rc = git_odb_add_backend(odb, reader->backend(), kPriority))
        return error(QStringLiteral("adding the pack reader"), rc);
    reader.release();   // the object database owns it now and frees it through freeCallback
    return Status::ok();
}

Status addPackReader(git_repository *repo, std::shared_ptr<const PackSet> packs, size_t deltaCacheBytes)
{
    git_odb *rawOdb = nullptr;
    if (int rc = git_repository_odb(&rawOdb, repo))
        return error(QString::fromUtf8(git_repository_path(repo)) + QStringLiteral(": object database"), rc);
    Odb odb(rawOdb);
    return addPackReader(odb.get(), std::move(packs), deltaCacheBytes);
}

Status readPacksDirectly(git_repository *repo, std::shared_ptr<const PackSet> &packs, size_t deltaCacheBytes)
{
    if (!packReaderEnabled())
        return Status::ok();
    if (!packs) {
        auto opened = openPacks(repo);
        if (!opened)
            return opened.status();
        packs = std::move(opened.value());
    }
    return addPackReader(repo, packs, deltaCacheBytes);
}

} // namespace kl::git
