// The author's own text versus what they quote, and the signature.
//
// Decisions (see docs/mailtext.md):
// - Quoted: lines starting with '>' (">", "> >", ">>"), the attribution right before a quote
//   block (one to three lines, at most one blank line between it and the quote), and everything
//   after an Outlook "-----Original Message-----" line.
// - Signature: from the first unquoted line that is exactly "-- " to the end. git format-patch's
//   footer "-- \n2.43.0" is such a signature (the tool signs the mail) and goes there too; the
//   patch itself stays in `own`. Quoted lines after a signature (top-posting) still go to
//   `quoted`, not to the signature.
// - Lines inside a unified-diff hunk of the author's own text are never quote, attribution or
//   signature: a removed line "-- " is a diff line, walked by the hunk header's counts.

#include <kernellens/ingest/mailtext.h>

#include "lines_p.h"

#include <QRegularExpression>

namespace kl::text {
namespace {

using detail::Line;

enum class Kind : unsigned char { Own, Quoted, Signature };

const QRegularExpression &attributionEnd()
{
    // "... wrote:", "... writes:", "... said:", and the common non-English mailers.
    static const QRegularExpression re(
        QStringLiteral("(?:\\bwrote|\\bwrites|\\bsaid|\\bschrieb|\\bskrev|\\bkirjoitti|\\bscrisse|\\bescribi\\x{f3}|"
                       "\\bnapisa\\x{142}\\(a\\)|\\bnapisal\\(a\\)|a \\x{e9}crit|\\bwrote on [^:]*)[ \\t]*:[ \\t]*$"),
        QRegularExpression::CaseInsensitiveOption | QRegularExpression::UseUnicodePropertiesOption);
    return re;
}

const QRegularExpression &attributionStart()
{
    // The first line of a wrapped attribution: "On Mon, ...", "Am ...", "Le ...", "Quoting ...",
    // mutt's "* John <j@x> [2024-01-01 10:00]:".
    static const QRegularExpression re(QStringLiteral("^(?:On|Am|Le|El|Il|Op|Den|Quoting|At|\\*)\\s"));
    return re;
}

bool endsAttribution(QStringView line)
{
    const QStringView t = line.trimmed();
    if (t.isEmpty() || !t.endsWith(u':') || t.size() > 300)
        return false;
    if (attributionEnd().match(t).hasMatch())
        return true;
    if (t.startsWith(u"Quoting "))
        return true;
    // mutt: "* John Doe <j@x> [2024-01-01 10:00:00 +0100]:"
    return t.startsWith(u"* ") && t.endsWith(u"]:");
}

bool isSnipMarker(QStringView line)
{
    const QStringView t = line.trimmed();
    return t == u"[...]" || t == u"[..]" || t == u"..." || t == u"[ ... ]" || t == u"[snip]" || t == u"<snip>"
        || t == u"[ snip ]" || t == u"<...>";
}

bool isOutlookSeparator(QStringView line)
{
    const QStringView t = line.trimmed();
    return t.startsWith(u"-----Original Message-----") || t == u"-----Urspr\u00fcngliche Nachricht-----";
}

} // namespace

SplitBody splitQuoted(const QString &plainText)
{
    const QList<Line> lines = detail::splitLines(plainText);
    const qsizetype n = lines.size();
    QList<Kind> kind(n, Kind::Own);
    QList<bool> inDiff(n, false);

    // Pass 1: hunks of the author's own patch, and where the signature starts.
    qsizetype signatureStart = -1;
    qsizetype outlookStart = -1;
    for (qsizetype i = 0; i < n; ++i) {
        const QStringView l = lines[i].text;
        detail::HunkHeader h;
        if (detail::parseHunkHeader(l, h)) {
            const qsizetype len = detail::walkHunk(lines, i + 1, h, nullptr, nullptr);
            for (qsizetype k = i; k <= i + len; ++k)
                inDiff[k] = true;
            i += len;
            continue;
        }
        if (signatureStart < 0 && l == u"-- ")
            signatureStart = i;
        if (outlookStart < 0 && isOutlookSeparator(l))
            outlookStart = i;
    }
    if (signatureStart >= 0) {
        for (qsizetype i = signatureStart; i < n; ++i)
            kind[i] = Kind::Signature;
    }
    if (outlookStart >= 0 && (signatureStart < 0 || outlookStart < signatureStart)) {
        for (qsizetype i = outlookStart; i < n; ++i)
            kind[i] = Kind::Quoted;
    }

    // Pass 2: quote blocks and their attribution.
    for (qsizetype i = 0; i < n; ++i) {
        if (inDiff[i] || !detail::isQuoted(lines[i].text))
            continue;
        kind[i] = Kind::Quoted;
        const bool blockStart = i == 0 || !detail::isQuoted(lines[i - 1].text) || inDiff[i - 1];
        if (!blockStart)
            continue;
        // Between the attribution and the quote may stand up to two blank lines and snip
        // markers ("[...]").
        qsizetype j = i - 1;
        for (int skipped = 0; j >= 0 && !inDiff[j] && skipped < 4; ++skipped) {
            if (!detail::isBlank(lines[j].text) && !isSnipMarker(lines[j].text))
                break;
            --j;
        }
        if (j < 0 || inDiff[j] || !endsAttribution(lines[j].text))
            continue;
        // Mark the attribution, following it up over at most two wrapped lines.
        qsizetype top = j;
        if (!attributionStart().match(lines[j].text).hasMatch()) {
            for (qsizetype k = j - 1; k >= 0 && k >= j - 2; --k) {
                const QStringView l = lines[k].text;
                if (inDiff[k] || detail::isBlank(l) || detail::isQuoted(l))
                    break;
                if (attributionStart().match(l).hasMatch()) {
                    top = k;
                    break;
                }
            }
        }
        for (qsizetype k = top; k < i; ++k)
            kind[k] = Kind::Quoted;
    }

    SplitBody out;
    auto append = [](QString &target, QStringView line) {
        if (!target.isEmpty())
            target += u'\n';
        target += line;
    };
    bool ownGap = false;         // a quote block was cut out since the last own line
    for (qsizetype i = 0; i < n; ++i) {
        const QStringView l = lines[i].text;
        switch (kind[i]) {
        case Kind::Own:
            if (ownGap && !out.own.isEmpty()) {
                // One blank line stands where the quote was, so paragraphs do not run together.
                const bool ownEndsBlank = out.own.endsWith(u'\n');
                if (detail::isBlank(l) && ownEndsBlank)
                    break;
                if (!ownEndsBlank && !detail::isBlank(l))
                    out.own += u'\n';
            }
            ownGap = false;
            append(out.own, l);
            break;
        case Kind::Quoted:
            ownGap = true;
            append(out.quoted, l);
            break;
        case Kind::Signature:
            append(out.signature, l);
            break;
        }
    }
    // Trailing blank lines carry nothing; leading ones neither.
    auto trimBlankLines = [](QString &s) {
        // Drop whole blank lines at both ends; a line's own spaces ("-- ") stay.
        qsizetype end = s.size();
        while (end > 0) {
            const qsizetype nl = s.lastIndexOf(u'\n', end - 1);
            if (!QStringView(s).mid(nl + 1, end - nl - 1).trimmed().isEmpty())
                break;
            end = nl < 0 ? 0 : nl;
        }
        s.truncate(end);
        qsizetype start = 0;
        while (start < s.size()) {
            const qsizetype nl = s.indexOf(u'\n', start);
            if (nl < 0 || !QStringView(s).mid(start, nl - start).trimmed().isEmpty())
                break;
            start = nl + 1;
        }
        s.remove(0, start);
    };
    trimBlankLines(out.own);
    trimBlankLines(out.quoted);
    trimBlankLines(out.signature);
    return out;
}

} // namespace kl::text
