#pragma once
// Pure parsers for the text of patch mail and commit messages: no I/O, no store. Mail ingest,
// git ingest and friction all build on them.

#include <QList>
#include <QString>
#include <QStringList>

namespace kl::text {

struct SubjectInfo
{
    bool isReply = false;        // Re:, RE:, Aw:, Fwd: ... (any number, any case)
    bool isPatch = false;        // a [PATCH ...] or [RFC ...] bracket
    bool isRfc = false;
    bool isResend = false;
    int version = 1;             // v3 -> 3
    int index = 0;               // 2/7 -> 2 (0 when not numbered; cover letter is 0 of n)
    int total = 0;               // 2/7 -> 7
    QStringList tags;            // other words in the patch bracket: net-next, 6.1.y, bpf ...
    QStringList prefixes;        // "rust: kernel: add foo" -> {"rust", "kernel"}
    QString title;               // without Re:/brackets, prefixes kept: "rust: kernel: add foo"
    QString normalized;          // case-folded, whitespace-collapsed title, for v1->v2 chains
};
SubjectInfo parseSubject(const QString &subject);

// The author's own text versus quoted text (">" lines and their "On ... wrote:" attribution),
// with the signature ("-- " line to the end) removed from `own`. git format-patch's "-- \n2.43.0"
// footer counts as a signature; the author's own patch stays in `own` (hunks are walked by their
// counts, so a removed line "-- " is not a signature). Quoted lines keep their '>' markers.
// See docs/mailtext.md for every rule.
struct SplitBody
{
    QString own;
    QString quoted;
    QString signature;
};
SplitBody splitQuoted(const QString &plainText);

struct FileDiff
{
    QString path;                // new path ("b/" side), or old path for deletions
    QString oldPath;             // differs from path for renames
    int added = 0;
    int removed = 0;
    bool binary = false;
    bool created = false;
    bool deleted = false;
};

struct DiffInfo
{
    QList<FileDiff> files;
    int added = 0;
    int removed = 0;
    qsizetype start = -1;        // offset in the text where the diff begins; -1 when none
};
// Finds unified diffs (git format-patch, plain diff -u) anywhere in the text.
DiffInfo parseDiff(const QString &text);

struct Trailer
{
    QString key;                 // canonical case: "Signed-off-by", "Reviewed-by", "Fixes", "Link", "Cc" ...
    QString value;               // the whole value as written
    QString name;                // for person trailers: the name part
    QString email;               // for person trailers: the address, without <>
};
// Trailers of the message part before the diff (and before the first "---", as git am), or of a
// commit message. Known keys (and any "Xxx-by") count on any unquoted line of their own, so a
// "Reviewed-by:" in the middle of a reply counts; other keys only in a final trailer paragraph.
QList<Trailer> parseTrailers(const QString &text);

// The Message-ID (without <>) a Link: or Message-ID: trailer names: "<id>",
// https://lore.kernel.org/r/<id>, https://lore.kernel.org/<list>/<id>/ (and /T/, /raw ...),
// https://patch.msgid.link/<id>, https://msgid.link/<id>, https://lkml.kernel.org/r/<id>;
// percent-escapes decoded. Empty when the value names no message (a bug tracker, a web page).
QString messageIdFromLink(const QString &value);

struct AppliedCommit
{
    int index = 0;               // [1/2] -> 1; 0 when the notice has no numbering
    QString subject;
    QString commit;              // abbreviated or full sha
};

struct AppliedNotice
{
    bool applied = false;
    QString branch;              // "Applied to kbuild (for-next)" -> what was named, if anything
    QList<AppliedCommit> commits;
};
// b4 ty ("Applied, thanks! [1/2] ... commit: <sha>") and the common hand-written forms.
AppliedNotice parseAppliedNotice(const QString &ownText);

// b4's "change-id: 20240101-topic-abcdef012345" line, or an empty string.
QString changeId(const QString &text);

} // namespace kl::text
