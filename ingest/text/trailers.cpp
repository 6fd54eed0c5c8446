// Trailers ("Signed-off-by: Name <mail>") of commit messages, patch mail and review replies.
//
// Rules, and why:
// - Only the part before the diff counts: a "---" line (format-patch's separator before the
//   diffstat), "diff --git", a hunk, or a signature "-- " line ends the search. Quoted lines
//   (">") never count: a reviewer quoting the patch does not sign it again.
// - Known keys (the kernel's usual set, and any "Xxx-by") count on any line of their own, not
//   only in the last paragraph, because reviewers write "Reviewed-by: ..." in the middle of a
//   reply, after the quoted patch. Other "Key: value" lines count only inside the final
//   paragraph when that paragraph is made of trailers (git interpret-trailers' idea).
// - A line starting with whitespace right after a trailer continues its value.

#include <kernellens/ingest/mailtext.h>

#include "lines_p.h"

#include <QHash>
#include <QRegularExpression>
#include <QUrl>

namespace kl::text {
namespace {

using detail::Line;

const QHash<QString, QString> &canonicalKeys()
{
    static const QHash<QString, QString> keys = [] {
        QHash<QString, QString> k;
        const char *names[] = {"Signed-off-by", "Reviewed-by",  "Acked-by",      "Tested-by",
                               "Reported-by",   "Suggested-by", "Co-developed-by", "Nacked-by",
                               "Fixes",         "Link",         "Closes",        "Cc",
                               "Message-ID",    "Reported-and-tested-by",
                               "Requested-by",  "Debugged-by",  "Helped-by",     "Originally-by",
                               "Based-on-patch-by", "Assisted-by", "Bisected-by", "Analyzed-by",
                               "Cc-stable",     "BugLink",      "Change-Id"};
        for (const char *n : names) {
            const QString name = QString::fromLatin1(n);
            k.insert(name.toLower(), name);
        }
        k.insert(QStringLiteral("nack-by"), QStringLiteral("Nacked-by"));
        k.insert(QStringLiteral("nak-by"), QStringLiteral("Nacked-by"));
        k.insert(QStringLiteral("naked-by"), QStringLiteral("Nacked-by"));
        k.insert(QStringLiteral("message-id"), QStringLiteral("Message-ID"));
        return k;
    }();
    return keys;
}

// "Key: value" with a key of letters, digits and dashes, at the start of the line.
const QRegularExpression &trailerLine()
{
    static const QRegularExpression re(QStringLiteral("^([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)[ \\t]*:[ \\t]*(\\S.*)$"));
    return re;
}

struct Candidate
{
    QString key;                 // canonical, or as written for unknown keys
    bool known = false;
    QString value;
};

bool parseCandidate(QStringView line, Candidate &out)
{
    if (line.isEmpty() || !line[0].isLetter())
        return false;
    // Cheap test before the expression: a key is short and ends at the first colon.
    const qsizetype colon = line.left(64).indexOf(u':');
    if (colon < 1)
        return false;
    for (qsizetype i = 1; i < colon; ++i) {
        const QChar c = line[i];
        if (!(c.isLetterOrNumber() || c == u'-' || c == u' ' || c == u'\t'))
            return false;
    }
    const auto m = trailerLine().match(line);
    if (!m.hasMatch())
        return false;
    const QString key = m.captured(1);
    const QString lower = key.toLower();
    const auto it = canonicalKeys().constFind(lower);
    if (it != canonicalKeys().constEnd()) {
        out.key = *it;
        out.known = true;
    } else if (lower.endsWith(u"-by") && lower.size() > 3) {
        // "Reviewd-by", "Compile-tested-by": keep the spelling, fix only the case.
        out.key = lower;
        out.key[0] = out.key[0].toUpper();
        out.known = true;
    } else {
        out.key = key;
        out.known = false;
    }
    out.value = m.captured(2).trimmed();
    return true;
}

bool startsWithCommitId(const QString &value)
{
    qsizetype hex = 0;
    auto isHex = [](QChar c) {
        return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
    };
    while (hex < value.size() && isHex(value[hex]))
        ++hex;
    return hex >= 7 && (hex == value.size() || value[hex] == u' ');
}

bool isPersonKey(const QString &key)
{
    return key.endsWith(u"-by") || key == u"Cc";
}

bool endsMessagePart(QStringView line)
{
    if (line == u"---" || line == u"-- " || line.startsWith(u"diff --git ") || line.startsWith(u"@@ -"))
        return true;
    // "--- a/file" directly starts a plain diff.
    return line.startsWith(u"--- a/") || line.startsWith(u"Index: ");
}

void fillPerson(Trailer &t)
{
    QString v = t.value;
    // A comment after the address: "stable@vger.kernel.org # v6.1+", "Name <a@b> [v2]".
    const qsizetype close = v.lastIndexOf(u'>');
    qsizetype hash = v.indexOf(u'#', close >= 0 ? close : 0);
    if (hash >= 0)
        v.truncate(hash);
    if (close >= 0) {
        const qsizetype open = v.lastIndexOf(u'<', close);
        if (open >= 0) {
            const QString email = v.mid(open + 1, close - open - 1).trimmed();
            if (email.contains(u'@') || email.contains(QLatin1String(" at "))) {
                t.email = email;
                QString name = v.left(open).trimmed();
                if (name.size() >= 2 && name.startsWith(u'"') && name.endsWith(u'"'))
                    name = name.mid(1, name.size() - 2).trimmed();
                t.name = name;
                return;
            }
        }
    }
    v = v.trimmed();
    // A bare address, possibly with a trailing comment in brackets: "a@b.c (Name)".
    const qsizetype space = v.indexOf(u' ');
    const QString first = space < 0 ? v : v.left(space);
    if (first.contains(u'@') && !first.startsWith(u'@')) {
        t.email = first;
        if (space >= 0) {
            QString rest = v.mid(space + 1).trimmed();
            if (rest.startsWith(u'(') && rest.endsWith(u')'))
                t.name = rest.mid(1, rest.size() - 2).trimmed();
        }
        return;
    }
    // "Name (Company) <...>" handled above; here only a name without address.
    if (close < 0)
        t.name = v;
}

} // namespace

QList<Trailer> parseTrailers(const QString &text)
{
    const QList<Line> lines = detail::splitLines(text);
    qsizetype end = lines.size();
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (endsMessagePart(lines[i].text)) {
            end = i;
            break;
        }
    }

    // The final paragraph before `end`: unknown keys are accepted there when every line of it
    // is a trailer or a continuation line.
    qsizetype lastParaEnd = end;
    while (lastParaEnd > 0 && detail::isBlank(lines[lastParaEnd - 1].text))
        --lastParaEnd;
    qsizetype lastParaStart = lastParaEnd;
    while (lastParaStart > 0 && !detail::isBlank(lines[lastParaStart - 1].text))
        --lastParaStart;
    bool lastParaIsTrailers = lastParaStart < lastParaEnd;
    bool lastParaHasKnown = false;
    for (qsizetype i = lastParaStart; i < lastParaEnd && lastParaIsTrailers; ++i) {
        const QStringView l = lines[i].text;
        Candidate c;
        const bool continuation = i > lastParaStart && (l.startsWith(u' ') || l.startsWith(u'\t'));
        if (continuation)
            continue;
        if (!parseCandidate(l, c))
            lastParaIsTrailers = false;
        else
            lastParaHasKnown = lastParaHasKnown || c.known;
    }
    lastParaIsTrailers = lastParaIsTrailers && lastParaHasKnown;

    QList<Trailer> out;
    bool lastWasTrailer = false;
    for (qsizetype i = 0; i < end; ++i) {
        const QStringView l = lines[i].text;
        if (lastWasTrailer && !l.isEmpty() && (l[0] == u' ' || l[0] == u'\t') && !detail::isBlank(l)) {
            out.last().value += u' ' + l.trimmed().toString();
            continue;
        }
        lastWasTrailer = false;
        if (detail::isQuoted(l))
            continue;
        Candidate c;
        if (!parseCandidate(l, c))
            continue;
        const bool inTrailerBlock = lastParaIsTrailers && i >= lastParaStart && i < lastParaEnd;
        if (!c.known && !inTrailerBlock)
            continue;
        // Outside the trailer block, "Fixes:" in prose ("Fixes: hash too.") is not a trailer;
        // the real one names a commit.
        if (c.key == u"Fixes" && !inTrailerBlock && !startsWithCommitId(c.value))
            continue;
        Trailer t;
        t.key = c.key;
        t.value = c.value;
        out.append(t);
        lastWasTrailer = true;
    }
    for (Trailer &t : out) {
        if (isPersonKey(t.key))
            fillPerson(t);
    }
    return out;
}

QString messageIdFromLink(const QString &value)
{
    const QString v = value.trimmed();
    if (v.startsWith(QLatin1Char('<'))) {
        const qsizetype close = v.indexOf(QLatin1Char('>'));
        const QString id = v.mid(1, close < 0 ? -1 : close - 1).trimmed();
        return id.contains(QLatin1Char('@')) ? id : QString();
    }
    // Only archives that address messages by Message-ID: any other URL with an '@' in it
    // (a mailto:, a user page) names no message.
    static const QRegularExpression archive(QStringLiteral(
        "^https?://(?:lore\\.kernel\\.org|lkml\\.kernel\\.org|patch\\.msgid\\.link|msgid\\.link|"
        "lore\\.gnuweeb\\.org|inbox\\.sourceware\\.org)/(\\S+)"),
        QRegularExpression::CaseInsensitiveOption);
    const auto m = archive.match(v);
    if (!m.hasMatch())
        return {};
    // The first path segment that decodes to something with an '@' is the id: /r/<id>,
    // /<list>/<id>/T/, /<id>.
    for (const QString &segment : m.captured(1).split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        QString id = QUrl::fromPercentEncoding(segment.toUtf8());
        while (id.endsWith(QLatin1Char('>')) || id.endsWith(QLatin1Char(')')) || id.endsWith(QLatin1Char(',')))
            id.chop(1);
        if (id.startsWith(QLatin1Char('<')))
            id.remove(0, 1);
        if (id.contains(QLatin1Char('@')))
            return id;
    }
    return {};
}

} // namespace kl::text
