// git patch-id --stable of a text (docs/mailtext.md, "patch-id"). Implemented from the semantics
// of git 2.39's builtin/patch-id.c, which tests/text/tst_patch_id compares against on every case.

#include <kernellens/ingest/patch_id.h>

#include "patch_id_p.h"

#include <climits>
#include <cstring>

namespace kl::text {

namespace detail {

namespace {

bool startsWith(QByteArrayView line, const char *prefix)
{
    const size_t n = std::strlen(prefix);
    return size_t(line.size()) >= n && std::memcmp(line.data(), prefix, n) == 0;
}

bool isHexDigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// get_oid_hex: 40 hex digits at the start; whatever follows does not matter.
bool startsWithOid(QByteArrayView p)
{
    if (p.size() < 40)
        return false;
    for (int i = 0; i < 40; ++i) {
        if (!isHexDigit(p[i]))
            return false;
    }
    return true;
}

bool isAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The byte at `i`, or NUL past the end, as a C string reads.
char at(QByteArrayView s, qsizetype i) { return i < s.size() ? s[i] : '\0'; }

qsizetype digitsAt(QByteArrayView s, qsizetype i)
{
    qsizetype n = 0;
    while (i + n < s.size() && s[i + n] >= '0' && s[i + n] <= '9')
        ++n;
    return n;
}

// atoi as glibc has it: (int) strtol(s, NULL, 10), C-locale spaces and a sign accepted.
int cAtoi(QByteArrayView s, qsizetype i)
{
    auto cSpace = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
    while (i < s.size() && cSpace(s[i]))
        ++i;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-'))
        negative = s[i++] == '-';
    constexpr unsigned long long kLimit = (unsigned long long)LONG_MAX + 1; // |LONG_MIN|
    unsigned long long value = 0;
    bool overflow = false;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
        const unsigned digit = unsigned(s[i] - '0');
        if (value > (kLimit - digit) / 10) {
            overflow = true;
            break;
        }
        value = value * 10 + digit;
    }
    long l;
    if (overflow || (!negative && value > (unsigned long long)LONG_MAX))
        l = negative ? LONG_MIN : LONG_MAX;
    else
        l = negative ? (value == kLimit ? LONG_MIN : -long(value)) : long(value);
    // strtol's long cut to int, as glibc's atoi does (modulo 2^32).
    return int(static_cast<unsigned int>(static_cast<unsigned long>(l)));
}

const char kHex[] = "0123456789abcdef";

// Bytes hashStripped leaves out: git's spaces, and NUL (which ends a line for git).
constexpr std::array<bool, 256> kSkip = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c)
        t[size_t(c)] = c == 0 || isGitSpace(static_cast<unsigned char>(c));
    return t;
}();

} // namespace

void StablePatchId::hashStripped(QByteArrayView bytes)
{
    // Whitespace is dropped and the rest gathered, so SHA-1 sees few and large updates.
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
    const auto *end = p + bytes.size();
    for (; p < end; ++p) {
        const unsigned char c = *p;
        if (kSkip[c]) {
            if (c == 0)
                break; // git reads C strings
            continue;
        }
        m_pending[m_pendingUsed++] = char(c);
        ++m_patchLength;
        if (m_pendingUsed == m_pending.size()) {
            m_sha.addData(QByteArrayView(m_pending.data(), qsizetype(m_pendingUsed)));
            m_pendingUsed = 0;
        }
    }
}

// Bytes hashed as they are (the blob names of a binary file keep a '\r').
void StablePatchId::hashRaw(QByteArrayView bytes)
{
    for (const char c : bytes) {
        m_pending[m_pendingUsed++] = c;
        if (m_pendingUsed == m_pending.size()) {
            m_sha.addData(QByteArrayView(m_pending.data(), qsizetype(m_pendingUsed)));
            m_pendingUsed = 0;
        }
    }
}

// The 20-byte sum, with carry, of the SHA-1 of every hunk group: what makes --stable independent
// of the order of the files.
void StablePatchId::flushHunk()
{
    if (m_pendingUsed) {
        m_sha.addData(QByteArrayView(m_pending.data(), qsizetype(m_pendingUsed)));
        m_pendingUsed = 0;
    }
    const QByteArrayView digest = m_sha.resultView();
    unsigned carry = 0;
    for (size_t i = 0; i < m_sum.size(); ++i) {
        carry += unsigned(m_sum[i]) + static_cast<unsigned char>(digest[qsizetype(i)]);
        m_sum[i] = std::uint8_t(carry);
        carry >>= 8;
    }
    m_sha.reset();
}

// "@@ -a[,b] +c[,d]" sets the counts to b and d (1 when absent); the line numbers are ignored.
// As git does, a count parsed before the header turns out malformed stays set.
void StablePatchId::scanHunkHeader(QByteArrayView line)
{
    qsizetype q = 4;
    qsizetype n = digitsAt(line, q);
    if (at(line, q + n) == ',') {
        q += n + 1;
        m_before = cAtoi(line, q);
        n = digitsAt(line, q);
    } else {
        m_before = 1;
    }
    if (n == 0 || at(line, q + n) != ' ' || at(line, q + n + 1) != '+')
        return;
    qsizetype r = q + n + 2;
    n = digitsAt(line, r);
    if (at(line, r + n) == ',') {
        r += n + 1;
        m_after = cAtoi(line, r);
    } else {
        m_after = 1;
    }
}

StablePatchId::Step StablePatchId::feed(QByteArrayView line)
{
    if (const void *nul = std::memchr(line.data(), 0, size_t(line.size())))
        line = line.first(static_cast<const char *>(nul) - line.data());

    // A "\ No newline at end of file" marker (any "\ " line longer than 12 bytes) is ignored.
    if (startsWith(line, "\\ ") && line.size() > 12)
        return Step::Next;
    QByteArrayView p = line;
    if (startsWith(line, "commit "))
        p = line.sliced(7);
    else if (startsWith(line, "From "))
        p = line.sliced(5);
    if (startsWithOid(p))
        return Step::Header;

    // The commit message before the first "diff " line.
    if (m_patchLength == 0 && !startsWith(line, "diff "))
        return Step::Next;

    if (m_before == -1) { // the header of a file
        if (startsWith(line, "GIT binary patch") || startsWith(line, "Binary files")) {
            // A binary file counts by the blob names of its index line only.
            m_binary = true;
            m_before = 0;
            hashRaw(m_preOid);
            hashRaw(m_postOid);
            flushHunk();
            return Step::Next;
        }
        if (startsWith(line, "index ")) {
            const qsizetype dots = line.indexOf("..");
            if (dots >= 0) {
                qsizetype end = line.indexOf(' ', dots);
                if (end < 0)
                    end = line.size() - 1;
                m_preOid = line.sliced(6, dots - 6).first(std::min<qsizetype>(dots - 6, 64)).toByteArray();
                const qsizetype from = dots + 2;
                const qsizetype len = std::max<qsizetype>(0, end - from);
                m_postOid = line.sliced(std::min(from, line.size())).first(std::min<qsizetype>(len, 64)).toByteArray();
            }
            return Step::Next;
        }
        if (startsWith(line, "--- "))
            m_before = m_after = 1;
        else if (line.isEmpty() || !isAsciiAlpha(line[0]))
            return Step::End;
    }

    if (m_binary) { // everything up to the next file is the binary payload
        if (startsWith(line, "diff ")) {
            m_binary = false;
            m_before = -1;
            ++m_files;
        }
        return Step::Next;
    }

    if (m_before == 0 && m_after == 0) { // between hunks
        if (startsWith(line, "@@ -")) {
            scanHunkHeader(line);
            return Step::Next;
        }
        if (!startsWith(line, "diff "))
            return Step::End;
        flushHunk();
        m_before = m_after = -1;
    }

    if (m_before == -1 && startsWith(line, "diff "))
        ++m_files;
    const char first = line.isEmpty() ? '\0' : line[0];
    if (first == '-' || first == ' ')
        --m_before;
    if (first == '+' || first == ' ')
        --m_after;
    hashStripped(line);
    return Step::Next;
}

QByteArray StablePatchId::finish()
{
    flushHunk();
    QByteArray hex(40, Qt::Uninitialized);
    for (size_t i = 0; i < m_sum.size(); ++i) {
        hex[qsizetype(2 * i)] = kHex[m_sum[i] >> 4];
        hex[qsizetype(2 * i + 1)] = kHex[m_sum[i] & 15];
    }
    return hex;
}

void StablePatchId::reset()
{
    m_sha.reset();
    m_pendingUsed = 0;
    m_sum.fill(0);
    m_before = m_after = -1;
    m_binary = false;
    m_patchLength = 0;
    m_files = 0;
    m_preOid.clear();
    m_postOid.clear();
}

} // namespace detail

PatchIdResult patchIdStable(QByteArrayView text, TruncatedHunks truncated)
{
    detail::StablePatchId state;
    PatchIdResult result;
    QByteArray fileLine;      // the "diff " line of the file being read, for the problem text
    qsizetype hunkLine = 0;   // 1-based line number of the last hunk header
    qsizetype lineNumber = 0;
    qsizetype pos = 0;
    const qsizetype size = text.size();

    auto cutShort = [&](const QString &where) {
        if (!result.problem.isEmpty())
            return;
        result.problem = QStringLiteral("the hunk at line %1 (%2) is cut short: %3 old and %4 new line(s) "
                                        "missing %5")
                             .arg(hunkLine)
                             .arg(QString::fromUtf8(fileLine.trimmed()))
                             .arg(std::max(0, state.missingOld()))
                             .arg(std::max(0, state.missingNew()))
                             .arg(where);
    };
    auto finish = [&](bool atEnd) {
        if (atEnd && state.insideHunk())
            cutShort(QStringLiteral("where the patch ends"));
        result.files = state.files();
        result.broken = !result.problem.isEmpty();
        const QByteArray id = state.finish();
        if (!result.broken || truncated == TruncatedHunks::AsGit)
            result.id = id;
        return result;
    };

    while (pos < size) {
        const char *start = text.data() + pos;
        const void *nl = std::memchr(start, '\n', size_t(size - pos));
        const qsizetype len = nl ? static_cast<const char *>(nl) - start + 1 : size - pos;
        const QByteArrayView line(start, len);
        pos += len;
        ++lineNumber;

        const bool inHunk = state.insideHunk();
        // git reads a new file or hunk header inside a hunk as one more line of it: the hunk
        // before was shorter than its header says (cut, or blank lines stripped by a mailer).
        if (inHunk && (line.startsWith("diff ") || line.startsWith("@@ -")))
            cutShort(QStringLiteral("before line %1").arg(lineNumber));
        const detail::StablePatchId::Step step = state.feed(line);
        if (step == detail::StablePatchId::Step::Next) {
            if (!inHunk && line.startsWith("diff ") && state.patchLength() > 0)
                fileLine = line.toByteArray();
            else if (!inHunk && line.startsWith("@@ -"))
                hunkLine = lineNumber;
            continue;
        }
        // A patch ends at the next patch's header line or at a line that cannot follow it;
        // text before the first diff (a "From <sha>" line, the message) starts over.
        if (state.patchLength() > 0)
            return finish(step == detail::StablePatchId::Step::Header);
        state.reset();
        result.problem.clear();
    }
    if (state.patchLength() > 0)
        return finish(true);
    return result;
}

} // namespace kl::text
