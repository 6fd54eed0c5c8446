// Stable patch-ids of commits, equal to `git log -p | git patch-id --stable` with git's defaults
// (docs/mailtext.md, "patch-id"). libgit2 reads the objects and computes the line diffs (its
// xdiff is git's, with the indent heuristic git enables by default); the tree diff, git's rename
// detection and the lines `git log -p` prints are ours, fed to the same state machine as mail
// text. libgit2's own git_diff_patchid is not used: on liburing it gives a different id for 10 of
// 3,557 commits (similarity scores of renames, empty new files, form feeds).

#include <kernellens/ingest/patch_id.h>

#include "git_internal.h"
#include "text/patch_id_p.h"

#include <QDir>
#include <QFile>

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <vector>

namespace kl::git {

namespace {

constexpr quint32 kTypeMask = 0170000;
constexpr quint32 kDir = 0040000;
constexpr quint32 kRegular = 0100000;
constexpr quint32 kLink = 0120000;
constexpr quint32 kGitlink = 0160000;

// git's canon_mode: regular files are 100644 or 100755 (by the owner's x bit).
quint32 canonicalMode(quint32 mode)
{
    switch (mode & kTypeMask) {
    case kRegular: return (mode & 0100) ? 0100755 : 0100644;
    case kLink: return kLink;
    case kDir: return kDir;
    default: return kGitlink;
    }
}

bool isRegular(quint32 mode) { return (mode & kTypeMask) == kRegular; }

// git's rename scores (diffcore.h).
constexpr int kMaxScore = 60000;
constexpr int kMinimumScore = 30000;                                     // 50%
constexpr int kBasenameScore = kMinimumScore + (kMaxScore - kMinimumScore) / 2; // 75%
constexpr int kRenameLimit = 1000;                                       // diff.renameLimit
constexpr int kCandidatesPerDst = 4;

struct Side
{
    QByteArray path;
    git_oid oid{};
    quint32 mode = 0;
    bool valid = false;
};

// One entry of git's diff queue.
struct FilePair
{
    Side one;
    Side two;
    bool renamed = false;
    int score = 0;
    int renameUsed = 0;   // of `one`, when it is a deleted file
};

// The content of one side, as git's diff reads it.
struct Content
{
    Blob blob;
    QByteArray synthetic;   // a submodule: "Subproject commit <sha>\n"
    const char *data = nullptr;
    size_t size = 0;
};

// Chunks of a blob, as git's diffcore-delta counts them for rename scores: hash value -> bytes.
using SpanCounts = std::vector<std::pair<quint32, quint32>>;

bool bufferIsBinary(const char *data, size_t size)
{
    return size && std::memchr(data, 0, std::min<size_t>(size, 8000)) != nullptr;
}

SpanCounts hashChars(const char *data, size_t size)
{
    constexpr quint32 kHashBase = 107927;
    const bool text = !bufferIsBinary(data, size);
    std::vector<std::pair<quint32, quint32>> chunks;
    chunks.reserve(size / 32 + 1);
    const auto *buf = reinterpret_cast<const unsigned char *>(data);
    quint32 accum1 = 0, accum2 = 0, n = 0;
    while (size) {
        const quint32 c = *buf++;
        const quint32 old1 = accum1;
        --size;
        if (text && c == '\r' && size && *buf == '\n')
            continue;
        accum1 = (accum1 << 7) ^ (accum2 >> 25);
        accum2 = (accum2 << 7) ^ (old1 >> 25);
        accum1 += c;
        if (++n < 64 && c != '\n')
            continue;
        chunks.emplace_back((accum1 + accum2 * 0x61) % kHashBase, n);
        n = accum1 = accum2 = 0;
    }
    // git 2.39 drops the bytes after the last '\n' (a last line without newline) here; later
    // versions count them as one more chunk. tst_patch_id has a rename that this decides.
    std::sort(chunks.begin(), chunks.end());
    SpanCounts merged;
    merged.reserve(chunks.size());
    for (const auto &[hash, count] : chunks) {
        if (!merged.empty() && merged.back().first == hash)
            merged.back().second += count;
        else
            merged.emplace_back(hash, count);
    }
    return merged;
}

// Bytes of `dst` copied from `src`: the sum over chunk hashes of the smaller count.
quint64 copiedBytes(const SpanCounts &src, const SpanCounts &dst)
{
    quint64 copied = 0;
    size_t d = 0;
    for (const auto &[hash, count] : src) {
        while (d < dst.size() && dst[d].first < hash)
            ++d;
        if (d < dst.size() && dst[d].first == hash) {
            copied += std::min(count, dst[d].second);
            ++d;
        }
    }
    return copied;
}

// basename_same: the last path component is equal.
bool basenameSame(const QByteArray &a, const QByteArray &b)
{
    qsizetype i = a.size(), j = b.size();
    while (i && j) {
        const char c1 = a[--i];
        const char c2 = b[--j];
        if (c1 != c2)
            return false;
        if (c1 == '/')
            return true;
    }
    return (!i || a[i - 1] == '/') && (!j || b[j - 1] == '/');
}

QByteArrayView basename(const QByteArray &path)
{
    const qsizetype slash = path.lastIndexOf('/');
    return slash < 0 ? QByteArrayView(path) : QByteArrayView(path).sliced(slash + 1);
}

// git's quote_c_style with core.quotePath on: quoted when a byte is a control character, '"',
// '\\', DEL or not ASCII.
bool needsQuote(QByteArrayView name)
{
    for (const char ch : name) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f)
            return true;
    }
    return false;
}

void appendQuotedBody(QByteArray &out, QByteArrayView name)
{
    for (const char ch : name) {
        const auto c = static_cast<unsigned char>(ch);
        const char *escape = nullptr;
        switch (c) {
        case '\a': escape = "\\a"; break;
        case '\b': escape = "\\b"; break;
        case '\t': escape = "\\t"; break;
        case '\n': escape = "\\n"; break;
        case '\v': escape = "\\v"; break;
        case '\f': escape = "\\f"; break;
        case '\r': escape = "\\r"; break;
        case '"': escape = "\\\""; break;
        case '\\': escape = "\\\\"; break;
        default: break;
        }
        if (escape) {
            out.append(escape);
        } else if (c < 0x20 || c >= 0x7f) {
            const char octal[4] = {'\\', char('0' + (c >> 6)), char('0' + ((c >> 3) & 7)), char('0' + (c & 7))};
            out.append(octal, 4);
        } else {
            out.append(ch);
        }
    }
}

// quote_two(prefix, name)
QByteArray quoteTwo(const char *prefix, QByteArrayView name)
{
    QByteArray out;
    if (!needsQuote(name))
        return out.append(prefix).append(name);
    out.append('"').append(prefix);
    appendQuotedBody(out, name);
    return out.append('"');
}

QByteArray quoteOne(QByteArrayView name)
{
    if (!needsQuote(name))
        return name.toByteArray();
    QByteArray out("\"");
    appendQuotedBody(out, name);
    return out.append('"');
}

QByteArray octalMode(quint32 mode) { return QByteArray::number(mode, 8).rightJustified(6, '0'); }

// git's ordering of tree entries: a directory sorts as if its name ended in '/'.
int baseNameCompare(QByteArrayView a, bool aDir, QByteArrayView b, bool bDir)
{
    const qsizetype len = std::min(a.size(), b.size());
    if (const int cmp = std::memcmp(a.data(), b.data(), size_t(len)))
        return cmp;
    unsigned char c1 = len < a.size() ? static_cast<unsigned char>(a[len]) : 0;
    unsigned char c2 = len < b.size() ? static_cast<unsigned char>(b[len]) : 0;
    if (!c1 && aDir)
        c1 = '/';
    if (!c2 && bDir)
        c2 = '/';
    return c1 < c2 ? -1 : (c1 > c2 ? 1 : 0);
}

} // namespace

struct CommitPatchIds::Impl
{
    QString path;
    Repository repo;
    Odb odbHandle;
    git_odb *odb = nullptr;                          // odbHandle's
    std::shared_ptr<const PackSet> packs;
    git_diff_options diffOptions{};
    text::detail::StablePatchId state;

    using TreeMap = std::unordered_map<git_oid, Tree, OidHash, OidEqual>;
    TreeMap treesNow;     // trees read for this commit
    TreeMap treesBefore;  // ... and for the one before: a commit's parent tree is often the next
    std::unordered_map<git_oid, SpanCounts, OidHash, OidEqual> spans;   // per commit
    int abbrevLength = 0; // git's auto abbreviation for index lines, once needed

    QByteArray commitHex; // for error texts
    bool headerPending = false;
    QByteArray minusLine;
    QByteArray plusLine;
    QByteArray scratch;

    Status fail(const QString &what, int rc)
    {
        return error(path + QStringLiteral(": commit ") + QString::fromLatin1(commitHex) + QStringLiteral(": ") + what, rc);
    }

    Result<const git_tree *> tree(const git_oid &oid)
    {
        if (auto it = treesNow.find(oid); it != treesNow.end())
            return it->second.get();
        if (auto it = treesBefore.find(oid); it != treesBefore.end()) {
            const git_tree *t = it->second.get();
            treesNow.emplace(oid, std::move(it->second));
            treesBefore.erase(it);
            return t;
        }
        git_tree *raw = nullptr;
        if (const int rc = git_tree_lookup(&raw, repo.get(), &oid))
            return fail(QStringLiteral("tree %1").arg(oidToString(oid)), rc);
        treesNow.emplace(oid, Tree(raw));
        return static_cast<const git_tree *>(raw);
    }

    // The changed paths between two trees (either may be null: empty), in git's diff-queue
    // order (tree order, recursing into directories).
    Status diffTrees(const git_tree *a, const git_tree *b, QByteArray &prefix, std::vector<FilePair> &out)
    {
        const size_t na = a ? git_tree_entrycount(a) : 0;
        const size_t nb = b ? git_tree_entrycount(b) : 0;
        size_t i = 0, j = 0;
        while (i < na || j < nb) {
            const git_tree_entry *ea = i < na ? git_tree_entry_byindex(a, i) : nullptr;
            const git_tree_entry *eb = j < nb ? git_tree_entry_byindex(b, j) : nullptr;
            const QByteArrayView nameA = ea ? QByteArrayView(git_tree_entry_name(ea)) : QByteArrayView();
            const QByteArrayView nameB = eb ? QByteArrayView(git_tree_entry_name(eb)) : QByteArrayView();
            const quint32 modeA = ea ? canonicalMode(quint32(git_tree_entry_filemode_raw(ea))) : 0;
            const quint32 modeB = eb ? canonicalMode(quint32(git_tree_entry_filemode_raw(eb))) : 0;
            const bool dirA = (modeA & kTypeMask) == kDir;
            const bool dirB = (modeB & kTypeMask) == kDir;
            int cmp;
            if (!ea)
                cmp = 1;
            else if (!eb)
                cmp = -1;
            else
                cmp = baseNameCompare(nameA, dirA, nameB, dirB);

            if (cmp == 0 && git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) && modeA == modeB) {
                ++i, ++j;
                continue;
            }
            const qsizetype base = prefix.size();
            prefix.append(cmp <= 0 ? nameA : nameB);
            Status st;
            if (cmp == 0 && dirA) {
                prefix.append('/');
                st = subtrees(git_tree_entry_id(ea), git_tree_entry_id(eb), prefix, out);
            } else if (cmp == 0) {
                FilePair p;
                p.one = {prefix, *git_tree_entry_id(ea), modeA, true};
                p.two = {prefix, *git_tree_entry_id(eb), modeB, true};
                out.push_back(std::move(p));
            } else if (cmp < 0) {
                if (dirA) {
                    prefix.append('/');
                    st = subtrees(git_tree_entry_id(ea), nullptr, prefix, out);
                } else {
                    FilePair p;
                    p.one = {prefix, *git_tree_entry_id(ea), modeA, true};
                    p.two.path = prefix;
                    out.push_back(std::move(p));
                }
            } else {
                if (dirB) {
                    prefix.append('/');
                    st = subtrees(nullptr, git_tree_entry_id(eb), prefix, out);
                } else {
                    FilePair p;
                    p.one.path = prefix;
                    p.two = {prefix, *git_tree_entry_id(eb), modeB, true};
                    out.push_back(std::move(p));
                }
            }
            prefix.truncate(base);
            if (!st)
                return st;
            if (cmp <= 0)
                ++i;
            if (cmp >= 0)
                ++j;
        }
        return Status::ok();
    }

    Status subtrees(const git_oid *a, const git_oid *b, QByteArray &prefix, std::vector<FilePair> &out)
    {
        const git_tree *ta = nullptr, *tb = nullptr;
        if (a) {
            auto t = tree(*a);
            if (!t)
                return t.status();
            ta = t.value();
        }
        if (b) {
            auto t = tree(*b);
            if (!t)
                return t.status();
            tb = t.value();
        }
        return diffTrees(ta, tb, prefix, out);
    }

    // The bytes of one side, held by `out` only as long as the caller needs them (a commit
    // creating a whole tree must not keep every blob).
    Status content(const Side &side, Content &out)
    {
        if (!side.valid)
            return Status::ok();
        if ((side.mode & kTypeMask) == kGitlink) {
            out.synthetic = QByteArrayLiteral("Subproject commit ") + oidToString(side.oid).toLatin1() + '\n';
            out.data = out.synthetic.constData();
            out.size = size_t(out.synthetic.size());
            return Status::ok();
        }
        git_blob *raw = nullptr;
        if (const int rc = git_blob_lookup(&raw, repo.get(), &side.oid))
            return fail(QStringLiteral("blob %1 (%2)").arg(oidToString(side.oid), QString::fromUtf8(side.path)), rc);
        out.blob.reset(raw);
        out.data = static_cast<const char *>(git_blob_rawcontent(raw));
        out.size = size_t(git_blob_rawsize(raw));
        return Status::ok();
    }

    // estimate_similarity: 0..kMaxScore, how much of the larger file is copied from the source.
    Result<int> similarity(const Side &src, const Side &dst, int minimumScore)
    {
        if (!isRegular(src.mode) || !isRegular(dst.mode))
            return 0;
        size_t srcSize = 0, dstSize = 0;
        git_object_t type;
        if (const int rc = git_odb_read_header(&srcSize, &type, odb, &src.oid))
            return fail(QStringLiteral("blob %1").arg(oidToString(src.oid)), rc);
        if (const int rc = git_odb_read_header(&dstSize, &type, odb, &dst.oid))
            return fail(QStringLiteral("blob %1").arg(oidToString(dst.oid)), rc);
        const quint64 maxSize = std::max(srcSize, dstSize);
        const quint64 baseSize = std::min(srcSize, dstSize);
        const quint64 deltaSize = maxSize - baseSize;
        if (maxSize * quint64(kMaxScore - minimumScore) < deltaSize * quint64(kMaxScore))
            return 0;
        const SpanCounts *counts[2] = {};
        const Side *sides[2] = {&src, &dst};
        for (int k = 0; k < 2; ++k) {
            auto it = spans.find(sides[k]->oid);
            if (it == spans.end()) {
                Content c;
                KL_TRY(content(*sides[k], c));
                it = spans.emplace(sides[k]->oid, hashChars(c.data, c.size)).first;
            }
            counts[k] = &it->second;
        }
        if (!dstSize)
            return 0;
        return int(copiedBytes(*counts[0], *counts[1]) * quint64(kMaxScore) / maxSize);
    }

    // diffcore_rename with git log's defaults: renames only, no break detection.
    Status detectRenames(std::vector<FilePair> &queue)
    {
        std::vector<size_t> dsts, srcs;
        for (size_t i = 0; i < queue.size(); ++i) {
            if (!queue[i].one.valid && queue[i].two.valid)
                dsts.push_back(i);
            else if (queue[i].one.valid && !queue[i].two.valid)
                srcs.push_back(i);
        }
        if (dsts.empty() || srcs.empty())
            return Status::ok();
        auto record = [&](size_t dst, size_t src, int score) {
            FilePair &d = queue[dst];
            FilePair &s = queue[src];
            ++s.renameUsed;
            d.one = s.one;
            d.renamed = true;
            d.score = score;
        };
        auto pruneSources = [&] {
            srcs.erase(std::remove_if(srcs.begin(), srcs.end(), [&](size_t s) { return queue[s].renameUsed > 0; }),
                       srcs.end());
        };

        // Exact renames: the same blob; the source with the same basename first, else the first.
        int renames = 0;
        for (size_t dst : dsts) {
            const Side &target = queue[dst].two;
            int best = -1, bestScore = -1, budget = 100;
            for (size_t k = 0; k < srcs.size(); ++k) {
                const FilePair &s = queue[srcs[k]];
                if (!git_oid_equal(&s.one.oid, &target.oid))
                    continue;
                if ((!isRegular(s.one.mode) || !isRegular(target.mode)) && s.one.mode != target.mode)
                    continue;
                if (s.renameUsed)
                    continue;
                const int score = 1 + (basenameSame(s.one.path, target.path) ? 1 : 0);
                if (score > bestScore) {
                    best = int(k);
                    bestScore = score;
                    if (score == 2)
                        break;
                }
                if (!--budget)
                    break;
            }
            if (best >= 0) {
                record(dst, srcs[size_t(best)], kMaxScore);
                ++renames;
            }
        }
        pruneSources();

        // Files whose basename is unique among the sources left and among the destinations left.
        {
            QHash<QByteArrayView, qsizetype> sourceByName, destByName;
            for (size_t k = 0; k < srcs.size(); ++k) {
                const QByteArrayView base = basename(queue[srcs[k]].one.path);
                auto it = sourceByName.find(base);
                if (it == sourceByName.end())
                    sourceByName.insert(base, qsizetype(k));
                else
                    it.value() = -1;
            }
            for (size_t k = 0; k < dsts.size(); ++k) {
                if (queue[dsts[k]].renamed)
                    continue;
                const QByteArrayView base = basename(queue[dsts[k]].two.path);
                auto it = destByName.find(base);
                if (it == destByName.end())
                    destByName.insert(base, qsizetype(k));
                else
                    it.value() = -1;
            }
            for (size_t k = 0; k < srcs.size(); ++k) {
                const QByteArrayView base = basename(queue[srcs[k]].one.path);
                auto dIt = destByName.constFind(base);
                if (dIt == destByName.constEnd())
                    continue;
                if (sourceByName.value(base) == -1 || dIt.value() == -1)
                    continue;
                const size_t dst = dsts[size_t(dIt.value())];
                if (queue[dst].renamed)
                    continue;
                auto score = similarity(queue[srcs[k]].one, queue[dst].two, kBasenameScore);
                if (!score)
                    return score.status();
                if (score.value() < kBasenameScore)
                    continue;
                record(dst, srcs[k], score.value());
                ++renames;
            }
        }
        pruneSources();

        const qint64 destinations = qint64(dsts.size()) - renames;
        const qint64 sources = qint64(srcs.size());
        if (!destinations || !sources)
            return Status::ok();
        if (destinations * sources > qint64(kRenameLimit) * kRenameLimit)
            return Status::ok();

        // Inexact renames: the best four sources of each destination, then the best pairs first.
        struct Score
        {
            int src = -1;
            int dst = -1;
            int score = 0;
            int nameScore = 0;
        };
        auto compare = [](const Score &a, const Score &b) { // git's score_compare
            if (a.dst < 0)
                return b.dst >= 0 ? 1 : 0;
            if (b.dst < 0)
                return -1;
            if (a.score == b.score)
                return b.nameScore - a.nameScore;
            return b.score - a.score;
        };
        std::vector<Score> matrix;
        matrix.reserve(size_t(destinations) * kCandidatesPerDst);
        for (size_t dst : dsts) {
            if (queue[dst].renamed)
                continue;
            Score best[kCandidatesPerDst];
            for (size_t k = 0; k < srcs.size(); ++k) {
                auto score = similarity(queue[srcs[k]].one, queue[dst].two, kMinimumScore);
                if (!score)
                    return score.status();
                Score s{int(k), int(dst), int(static_cast<unsigned short>(score.value())),
                        basenameSame(queue[srcs[k]].one.path, queue[dst].two.path) ? 1 : 0};
                int worst = 0;
                for (int c = 1; c < kCandidatesPerDst; ++c) {
                    if (compare(best[c], best[worst]) > 0)
                        worst = c;
                }
                if (compare(best[worst], s) > 0)
                    best[worst] = s;
            }
            matrix.insert(matrix.end(), best, best + kCandidatesPerDst);
        }
        std::stable_sort(matrix.begin(), matrix.end(), [&](const Score &a, const Score &b) { return compare(a, b) < 0; });
        for (const Score &s : matrix) {
            if (s.dst < 0 || s.score < kMinimumScore)
                break;
            if (queue[size_t(s.dst)].renamed)
                continue;
            const size_t src = srcs[size_t(s.src)];
            if (queue[src].renameUsed)
                continue;
            record(size_t(s.dst), src, s.score);
        }
        return Status::ok();
    }

    void feedLine(const QByteArray &line) { state.feed(line); }

    // find_unique_abbrev with core.abbrev unset: at least the length git derives from the number
    // of packed objects, longer when another object shares the prefix.
    QByteArray abbrev(const git_oid &oid)
    {
        if (!abbrevLength)
            abbrevLength = autoAbbrevLength();
        const QByteArray hex = oidToString(oid).toLatin1();
        const bool exists = git_odb_exists(odb, &oid) == 1;
        for (int len = abbrevLength; len < GIT_OID_HEXSZ; ++len) {
            git_oid shortId, found;
            if (git_oid_fromstrn(&shortId, hex.constData(), size_t(len)) != 0)
                break;
            const int rc = git_odb_exists_prefix(&found, odb, &shortId, size_t(len));
            if (exists ? rc == 0 : rc == GIT_ENOTFOUND)
                return hex.left(len);
            git_error_clear();
        }
        return hex;
    }

    int autoAbbrevLength()
    {
        git_config *cfg = nullptr;
        if (git_repository_config_snapshot(&cfg, repo.get()) == 0) {
            git_buf value = GIT_BUF_INIT;
            int explicitLength = 0;
            if (git_config_get_string_buf(&value, cfg, "core.abbrev") == 0) {
                const QByteArray v = QByteArray(value.ptr, qsizetype(value.size)).trimmed().toLower();
                bool ok = false;
                const int n = v.toInt(&ok);
                if (ok)
                    explicitLength = std::clamp(n, 4, GIT_OID_HEXSZ);
                else if (v == "no" || v == "false" || v == "off")
                    explicitLength = GIT_OID_HEXSZ;
            }
            git_buf_dispose(&value);
            git_config_free(cfg);
            git_error_clear();
            if (explicitLength)
                return explicitLength;
        }
        // repo_approximate_object_count: the objects of the pack indexes (loose ones not counted).
        quint64 count = 0;
        const QDir packDir(QString::fromUtf8(git_repository_commondir(repo.get())) + QStringLiteral("objects/pack"));
        const QStringList indexes = packDir.entryList({QStringLiteral("*.idx")}, QDir::Files);
        for (const QString &name : indexes) {
            QFile f(packDir.filePath(name));
            if (!f.open(QIODevice::ReadOnly))
                continue;
            const QByteArray head = f.read(8 + 256 * 4);
            const bool v2 = head.startsWith("\377tOc");
            const qsizetype at = (v2 ? 8 : 0) + 255 * 4;
            if (head.size() < at + 4)
                continue;
            const auto *p = reinterpret_cast<const unsigned char *>(head.constData() + at);
            count += (quint32(p[0]) << 24) | (quint32(p[1]) << 16) | (quint32(p[2]) << 8) | p[3];
        }
        int bits = 0; // msb(count) + 1
        for (quint64 c = count; c > 1; c >>= 1)
            ++bits;
        ++bits;
        return std::max(7, (bits + 1) / 2);
    }

    static int onHunk(const git_diff_delta *, const git_diff_hunk *hunk, void *payload)
    {
        auto *self = static_cast<Impl *>(payload);
        if (self->headerPending) {
            self->feedLine(self->minusLine);
            self->feedLine(self->plusLine);
            self->headerPending = false;
        }
        QByteArray &s = self->scratch;
        s.clear();
        s.append("@@ -").append(QByteArray::number(hunk->old_start)).append(',').append(QByteArray::number(hunk->old_lines));
        s.append(" +").append(QByteArray::number(hunk->new_start)).append(',').append(QByteArray::number(hunk->new_lines));
        s.append(" @@\n");
        self->state.feed(s);
        return 0;
    }

    static int onLine(const git_diff_delta *, const git_diff_hunk *, const git_diff_line *line, void *payload)
    {
        auto *self = static_cast<Impl *>(payload);
        const char origin = line->origin;
        if (origin == GIT_DIFF_LINE_CONTEXT || origin == GIT_DIFF_LINE_ADDITION || origin == GIT_DIFF_LINE_DELETION)
            self->state.hunkLine(origin, QByteArrayView(line->content, qsizetype(line->content_len)));
        return 0; // "\ No newline at end of file" is not part of the id
    }

    // "@@ -1,N +0,0 @@" or "@@ -0,0 +1,N @@" and every line of `c` (the last one may lack '\n').
    void wholeFileHunk(const Content &c, char origin)
    {
        const char *p = c.data;
        const char *end = c.data + c.size;
        qsizetype lines = 0;
        for (const char *q = p; q < end; ++lines) {
            const void *nl = std::memchr(q, '\n', size_t(end - q));
            q = nl ? static_cast<const char *>(nl) + 1 : end;
        }
        const QByteArray n = QByteArray::number(lines);
        feedLine(origin == '-' ? QByteArray("@@ -1," + n + " +0,0 @@\n") : QByteArray("@@ -0,0 +1," + n + " @@\n"));
        while (p < end) {
            const void *nl = std::memchr(p, '\n', size_t(end - p));
            const char *next = nl ? static_cast<const char *>(nl) + 1 : end;
            state.hunkLine(origin, QByteArrayView(p, next - p));
            p = next;
        }
    }

    // The lines `git log -p` prints for one file pair (builtin_diff and fill_metainfo).
    Status emitFile(const Side &one, const Side &two, bool renamed, int score)
    {
        const QByteArray a = quoteTwo("a/", one.path);
        const QByteArray b = quoteTwo("b/", two.path);
        feedLine(QByteArrayLiteral("diff --git ") + a + ' ' + b + '\n');
        if (!one.valid)
            feedLine(QByteArrayLiteral("new file mode ") + octalMode(two.mode) + '\n');
        else if (!two.valid)
            feedLine(QByteArrayLiteral("deleted file mode ") + octalMode(one.mode) + '\n');
        else if (one.mode != two.mode) {
            feedLine(QByteArrayLiteral("old mode ") + octalMode(one.mode) + '\n');
            feedLine(QByteArrayLiteral("new mode ") + octalMode(two.mode) + '\n');
        }
        if (renamed) {
            feedLine(QByteArrayLiteral("similarity index ") + QByteArray::number(score * 100 / kMaxScore) + "%\n");
            feedLine(QByteArrayLiteral("rename from ") + quoteOne(one.path) + '\n');
            feedLine(QByteArrayLiteral("rename to ") + quoteOne(two.path) + '\n');
        }
        const git_oid none{};
        const git_oid &oldOid = one.valid ? one.oid : none;
        const git_oid &newOid = two.valid ? two.oid : none;
        if (git_oid_equal(&oldOid, &newOid))
            return Status::ok(); // a pure rename or mode change: the header is all
        Content oldContent, newContent;
        KL_TRY(content(one, oldContent));
        KL_TRY(content(two, newContent));
        const QByteArray lblA = one.valid ? a : QByteArrayLiteral("/dev/null");
        const QByteArray lblB = two.valid ? b : QByteArrayLiteral("/dev/null");
        if (bufferIsBinary(oldContent.data, oldContent.size) || bufferIsBinary(newContent.data, newContent.size)) {
            // Only here does the index line count: patch-id hashes its two blob names.
            QByteArray index = QByteArrayLiteral("index ") + abbrev(oldOid) + ".." + abbrev(newOid);
            if (one.mode == two.mode)
                index += ' ' + octalMode(one.mode);
            feedLine(index + '\n');
            feedLine(QByteArrayLiteral("Binary files ") + lblA + " and " + lblB + " differ\n");
            return Status::ok();
        }
        if (!oldContent.size || !newContent.size) {
            if (oldContent.size || newContent.size) {
                // All lines added or all removed: one hunk, as xdiff would make it, without xdiff.
                feedLine(QByteArrayLiteral("--- ") + lblA + '\n');
                feedLine(QByteArrayLiteral("+++ ") + lblB + '\n');
                wholeFileHunk(oldContent.size ? oldContent : newContent, oldContent.size ? '-' : '+');
            }
            return Status::ok();
        }
        headerPending = true;
        minusLine = QByteArrayLiteral("--- ") + lblA + '\n';
        plusLine = QByteArrayLiteral("+++ ") + lblB + '\n';
        const int rc = git_diff_buffers(oldContent.data, oldContent.size, nullptr, newContent.data, newContent.size,
                                        nullptr, &diffOptions, nullptr, nullptr, &Impl::onHunk, &Impl::onLine, this);
        headerPending = false;
        if (rc != 0)
            return fail(QStringLiteral("diff of %1").arg(QString::fromUtf8(two.path)), rc);
        return Status::ok();
    }

    Result<QByteArray> compute(const QByteArray &hex)
    {
        commitHex = hex;
        git_oid oid;
        if (hex.size() != GIT_OID_HEXSZ || git_oid_fromstrn(&oid, hex.constData(), size_t(hex.size())) != 0) {
            git_error_clear();
            return Status::error(path + QStringLiteral(": commit ") + QString::fromLatin1(hex) +
                                 QStringLiteral(": not a 40-digit object id"));
        }
        git_commit *rawCommit = nullptr;
        if (const int rc = git_commit_lookup(&rawCommit, repo.get(), &oid))
            return fail(QStringLiteral("not readable"), rc);
        const Commit commit(rawCommit);
        const unsigned parents = git_commit_parentcount(commit.get());
        if (parents > 1)
            return QByteArray(); // git log -p shows no diff for merges
        const git_tree *oldTree = nullptr;
        if (parents == 1) {
            git_commit *rawParent = nullptr;
            if (const int rc = git_commit_parent(&rawParent, commit.get(), 0))
                return fail(QStringLiteral("first parent"), rc);
            const Commit parent(rawParent);
            auto t = tree(*git_commit_tree_id(parent.get()));
            if (!t)
                return t.status();
            oldTree = t.value();
        }
        auto newTree = tree(*git_commit_tree_id(commit.get()));
        if (!newTree)
            return newTree.status();

        std::vector<FilePair> queue;
        QByteArray prefix;
        KL_TRY(diffTrees(oldTree, newTree.value(), prefix, queue));
        KL_TRY(detectRenames(queue));

        state.reset();
        for (const FilePair &p : queue) {
            if (p.one.valid && !p.two.valid && p.renameUsed)
                continue; // the source of a rename
            if (p.one.valid && p.two.valid && (p.one.mode & kTypeMask) != (p.two.mode & kTypeMask)) {
                // A file that became a symlink (or back) is shown as a deletion and a creation.
                Side gone = p.two;
                gone.valid = false;
                gone.mode = 0;
                gone.path = p.two.path;
                KL_TRY(emitFile(p.one, gone, false, 0));
                Side before = p.one;
                before.valid = false;
                before.mode = 0;
                KL_TRY(emitFile(before, p.two, false, 0));
                continue;
            }
            KL_TRY(emitFile(p.one, p.two, p.renamed, p.score));
        }
        if (state.patchLength() == 0)
            return QByteArray();
        return state.finish();
    }
};

CommitPatchIds::CommitPatchIds(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
CommitPatchIds::CommitPatchIds(CommitPatchIds &&other) noexcept = default;
CommitPatchIds &CommitPatchIds::operator=(CommitPatchIds &&other) noexcept = default;
CommitPatchIds::~CommitPatchIds() = default;

Result<CommitPatchIds> CommitPatchIds::open(const QString &repoPath)
{
    // As tuneForBulkReads does (process-wide): no SHA-1 re-hash of every object read, which git
    // does not do either. Its larger object cache is left out: our own tree cache covers what it
    // would, and it cost 67 MiB of peak RSS for no speed on liburing (docs/mailtext.md).
    ensureInitialized();
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    auto repo = openRepository(repoPath);
    if (!repo)
        return repo.status();
    auto impl = std::make_unique<Impl>();
    impl->path = repoPath;
    impl->repo = std::move(repo.value());
    // One reader thread walks commits in log order: the ingest's main-thread cache size is enough.
    KL_TRY(readPacksDirectly(impl->repo.get(), impl->packs, size_t(16) << 20).withContext(repoPath));
    git_odb *odb = nullptr;
    if (const int rc = git_repository_odb(&odb, impl->repo.get()))
        return error(repoPath + QStringLiteral(": object database"), rc);
    impl->odbHandle.reset(odb);
    impl->odb = odb;
    git_diff_options_init(&impl->diffOptions, GIT_DIFF_OPTIONS_VERSION);
    impl->diffOptions.flags = GIT_DIFF_FORCE_TEXT | GIT_DIFF_INDENT_HEURISTIC;
    impl->diffOptions.context_lines = 3;
    impl->diffOptions.interhunk_lines = 0;
    return CommitPatchIds(std::move(impl));
}

Result<QByteArray> CommitPatchIds::patchId(const QByteArray &commitHexOid)
{
    Result<QByteArray> id = d->compute(commitHexOid.toLower());
    // Trees of this commit stay for the next (its parent's tree is often this one); rename
    // counts do not.
    std::swap(d->treesBefore, d->treesNow);
    d->treesNow.clear();
    d->spans.clear();
    return id;
}

} // namespace kl::git
