#pragma once
// The line state machine of `git patch-id --stable` (git 2.39, builtin/patch-id.c semantics),
// shared by the mail-text reader (patch_id.cpp) and the commit reader (git/commit_patch_id.cpp),
// which feeds it the lines `git log -p` would print. Private to ingest/.

#include <QByteArray>
#include <QByteArrayView>
#include <QCryptographicHash>

#include <array>
#include <cstdint>

namespace kl::text::detail {

// git's isspace (sane_ctype): space, \t, \n, \r only; \v and \f are not spaces.
constexpr bool isGitSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class StablePatchId
{
public:
    enum class Step {
        Next,    // the line belongs to the patch (or precedes it); go on
        Header,  // a "commit <sha>", "From <sha>" or "<sha>" line: the next patch starts here
        End,     // a line that cannot follow the patch: it ends here
    };

    StablePatchId() : m_sha(QCryptographicHash::Sha1) {}

    // One line, with its '\n' when it has one; bytes from a NUL on are ignored, as git reads
    // lines as C strings.
    Step feed(QByteArrayView line);

    // A hunk line ' ', '+' or '-' followed by `content` (the line without its origin), the same
    // as feed(origin + content) but without building the line. Only inside a hunk.
    void hunkLine(char origin, QByteArrayView content)
    {
        if (!insideHunk()) {
            QByteArray line;
            line.reserve(content.size() + 1);
            line.append(origin).append(content);
            feed(line);
            return;
        }
        if (origin == '-' || origin == ' ')
            --m_before;
        if (origin == '+' || origin == ' ')
            --m_after;
        if (origin != ' ')
            hashStripped(QByteArrayView(&origin, 1));
        hashStripped(content);
    }

    // Inside a hunk whose header's counts are not used up (what a text that ends here cuts short).
    bool insideHunk() const { return !m_binary && m_before != -1 && !(m_before == 0 && m_after == 0); }
    int missingOld() const { return m_before; }
    int missingNew() const { return m_after; }
    // Bytes hashed so far: git prints an id only when this is not zero.
    qint64 patchLength() const { return m_patchLength; }
    int files() const { return m_files; }

    // Ends the patch: the last flush and the id in lower-case hex.
    QByteArray finish();
    // Starts over, for the next patch of a text.
    void reset();

private:
    void hashStripped(QByteArrayView bytes);
    void hashRaw(QByteArrayView bytes);
    void flushHunk();
    void scanHunkHeader(QByteArrayView line);

    QCryptographicHash m_sha;
    std::array<std::uint8_t, 20> m_sum{};
    std::array<char, 8192> m_pending; // stripped bytes not yet given to m_sha
    size_t m_pendingUsed = 0;
    int m_before = -1;
    int m_after = -1;
    bool m_binary = false;
    qint64 m_patchLength = 0;
    int m_files = 0;
    QByteArray m_preOid;   // from the last "index a..b" line: hashed for binary files
    QByteArray m_postOid;
};

} // namespace kl::text::detail
