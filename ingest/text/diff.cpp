// Unified diffs in patch mail: git format-patch ("diff --git" with extended headers) and plain
// "diff -u"/quilt output ("--- x" "+++ y" "@@"). Added and removed lines are counted by walking
// each hunk with the counts of its header, so a removed line that reads "-- " is counted and the
// format-patch footer ("-- \n2.43.0") after the last hunk is not. Quoted lines never start a
// diff: a patch quoted in a reply is not this message's diff.

#include <kernellens/ingest/mailtext.h>

#include "lines_p.h"

namespace kl::text {
namespace {

using detail::Line;

// C-style quoted path as git writes it for unusual names: "a/with space\tx".
QString unquote(QStringView q)
{
    QString out;
    for (qsizetype i = 1; i < q.size(); ++i) {
        const QChar c = q[i];
        if (c == u'"')
            break;
        if (c == u'\\' && i + 1 < q.size()) {
            const QChar e = q[++i];
            if (e == u'n')
                out += u'\n';
            else if (e == u't')
                out += u'\t';
            else
                out += e;
            continue;
        }
        out += c;
    }
    return out;
}

bool hasGitPrefix(QStringView p)
{
    // a/ b/ and the mnemonic prefixes (c/ i/ w/ o/) of diff.mnemonicPrefix.
    return p.size() > 2 && p[1] == u'/' && p[0].isLower();
}

QString stripGitPrefix(QStringView p)
{
    return (hasGitPrefix(p) ? p.mid(2) : p).toString();
}

// The path of a "--- x" / "+++ y" line: without the timestamp after a tab, without the git
// prefix, or, for a plain diff without one, without its first component (as `patch -p1`).
QString headerPath(QStringView rest, bool gitStyle)
{
    if (rest.startsWith(u'"'))
        return stripGitPrefix(unquote(rest));
    const qsizetype tab = rest.indexOf(u'\t');
    if (tab >= 0)
        rest = rest.left(tab);
    rest = rest.trimmed();
    if (rest == u"/dev/null")
        return QStringLiteral("/dev/null");
    if (gitStyle || hasGitPrefix(rest))
        return stripGitPrefix(rest);
    const qsizetype slash = rest.indexOf(u'/');
    if (slash > 0 && slash + 1 < rest.size())
        return rest.mid(slash + 1).toString();
    return rest.toString();
}

// "diff --git a/x b/y": both paths. Unquoted names with spaces are split where the two halves
// agree; otherwise at the last " b/".
void gitPaths(QStringView rest, QString &oldPath, QString &newPath)
{
    if (rest.startsWith(u'"')) {
        const QString first = unquote(rest);
        qsizetype end = 1;
        while (end < rest.size() && !(rest[end] == u'"' && rest[end - 1] != u'\\'))
            ++end;
        oldPath = stripGitPrefix(first);
        QStringView second = rest.mid(end + 1).trimmed();
        newPath = second.startsWith(u'"') ? stripGitPrefix(unquote(second)) : stripGitPrefix(second);
        return;
    }
    const qsizetype len = rest.size();
    if (len % 2 == 1) {
        const qsizetype half = len / 2;
        const QStringView left = rest.left(half);
        const QStringView right = rest.mid(half + 1);
        if (rest[half] == u' ' && hasGitPrefix(left) && hasGitPrefix(right) && left.mid(2) == right.mid(2)) {
            oldPath = newPath = left.mid(2).toString();
            return;
        }
    }
    qsizetype split = rest.lastIndexOf(u" b/");
    if (split < 0)
        split = rest.indexOf(u' ');
    if (split < 0) {
        oldPath = newPath = stripGitPrefix(rest);
        return;
    }
    oldPath = stripGitPrefix(rest.left(split));
    newPath = stripGitPrefix(rest.mid(split + 1));
}

} // namespace

DiffInfo parseDiff(const QString &text)
{
    DiffInfo info;
    const QList<Line> lines = detail::splitLines(text);
    const qsizetype n = lines.size();
    FileDiff *current = nullptr;
    bool inGitHeader = false;    // after "diff --git", before the first hunk

    auto beginFile = [&](qsizetype offset) {
        info.files.append(FileDiff{});
        current = &info.files.last();
        if (info.start < 0)
            info.start = offset;
    };

    for (qsizetype i = 0; i < n; ++i) {
        const QStringView l = lines[i].text;
        if (l.startsWith(u"diff --git ")) {
            beginFile(lines[i].offset);
            gitPaths(l.mid(11), current->oldPath, current->path);
            inGitHeader = true;
            continue;
        }
        if (inGitHeader && current) {
            if (l.startsWith(u"new file mode")) {
                current->created = true;
                current->oldPath.clear();
                continue;
            }
            if (l.startsWith(u"deleted file mode")) {
                current->deleted = true;
                continue;
            }
            if (l.startsWith(u"rename from ") || l.startsWith(u"copy from ")) {
                const QStringView p = l.mid(l.indexOf(u"from ") + 5);
                current->oldPath = p.startsWith(u'"') ? unquote(p) : p.toString();
                continue;
            }
            if (l.startsWith(u"rename to ") || l.startsWith(u"copy to ")) {
                const QStringView p = l.mid(l.indexOf(u"to ") + 3);
                current->path = p.startsWith(u'"') ? unquote(p) : p.toString();
                continue;
            }
            if (l.startsWith(u"Binary files ") || l == u"GIT binary patch") {
                current->binary = true;
                continue;
            }
            if (l.startsWith(u"--- ")) {
                const QString p = headerPath(l.mid(4), true);
                if (p == u"/dev/null") {
                    current->created = true;
                    current->oldPath.clear();
                } else {
                    current->oldPath = p;
                }
                continue;
            }
            if (l.startsWith(u"+++ ")) {
                const QString p = headerPath(l.mid(4), true);
                if (p == u"/dev/null")
                    current->deleted = true;
                else
                    current->path = p;
                continue;
            }
        }
        detail::HunkHeader h;
        // A plain diff: "--- x", "+++ y", then a hunk header.
        if (l.startsWith(u"--- ") && i + 2 < n && lines[i + 1].text.startsWith(u"+++ ")
            && detail::parseHunkHeader(lines[i + 2].text, h)) {
            qsizetype offset = lines[i].offset;
            if (i > 0 && lines[i - 1].text.startsWith(u"diff "))
                offset = lines[i - 1].offset;
            beginFile(offset);
            const QString oldP = headerPath(l.mid(4), false);
            const QString newP = headerPath(lines[i + 1].text.mid(4), false);
            if (oldP == u"/dev/null") {
                current->created = true;
            } else {
                current->oldPath = oldP;
            }
            if (newP == u"/dev/null") {
                current->deleted = true;
                current->path = oldP;
            } else {
                current->path = newP;
            }
            inGitHeader = false;
            ++i;
            continue;
        }
        if (current && detail::parseHunkHeader(l, h)) {
            inGitHeader = false;
            const qsizetype len = detail::walkHunk(lines, i + 1, h, &current->added, &current->removed);
            i += len;
            continue;
        }
    }
    for (FileDiff &f : info.files) {
        if (f.deleted && f.path.isEmpty())
            f.path = f.oldPath;
        if (f.deleted && !f.oldPath.isEmpty())
            f.path = f.oldPath;
        info.added += f.added;
        info.removed += f.removed;
    }
    return info;
}

} // namespace kl::text
