#pragma once
// Private helpers shared by the text parsers: line splitting that keeps offsets, and the
// unified-diff hunk header, which both the diff parser and the quote splitter must honour.

#include <QList>
#include <QString>
#include <QStringView>

namespace kl::text::detail {

struct Line
{
    QStringView text;            // without the line break and without a trailing '\r'
    qsizetype offset = 0;        // where the line starts in the whole text
};

// Splits on '\n', dropping a '\r' before it; the last line is kept even without a break.
inline QList<Line> splitLines(QStringView text)
{
    QList<Line> lines;
    lines.reserve(text.size() / 48 + 4); // about a mail line's length; the list grows if not
    qsizetype start = 0;
    while (start <= text.size()) {
        qsizetype end = text.indexOf(u'\n', start);
        const bool last = end < 0;
        if (last)
            end = text.size();
        QStringView line = text.mid(start, end - start);
        if (line.endsWith(u'\r'))
            line.chop(1);
        if (!(last && line.isEmpty() && start == text.size() && start != 0))
            lines.append({line, start});
        if (last)
            break;
        start = end + 1;
    }
    return lines;
}

inline bool isQuoted(QStringView line)
{
    return line.startsWith(u'>');
}

inline bool isBlank(QStringView line)
{
    return line.trimmed().isEmpty();
}

struct HunkHeader
{
    int oldCount = 0;
    int newCount = 0;
};

// "@@ -a[,b] +c[,d] @@ ..." -> counts (1 when omitted). False when the line is not a hunk header.
inline bool parseHunkHeader(QStringView line, HunkHeader &out)
{
    if (!line.startsWith(u"@@ -"))
        return false;
    qsizetype i = 4;
    auto readNumber = [&](int &value) {
        const qsizetype begin = i;
        qint64 v = 0;
        while (i < line.size() && line[i].isDigit()) {
            v = v * 10 + line[i].digitValue();
            if (v > 100000000)
                return false;
            ++i;
        }
        value = int(v);
        return i > begin;
    };
    int unused = 0;
    if (!readNumber(unused))
        return false;
    out.oldCount = 1;
    if (i < line.size() && line[i] == u',') {
        ++i;
        if (!readNumber(out.oldCount))
            return false;
    }
    if (!line.mid(i).startsWith(u" +"))
        return false;
    i += 2;
    if (!readNumber(unused))
        return false;
    out.newCount = 1;
    if (i < line.size() && line[i] == u',') {
        ++i;
        if (!readNumber(out.newCount))
            return false;
    }
    return line.mid(i).startsWith(u" @@");
}

// Walks the body lines of one hunk. Returns how many lines after the header belong to it;
// counts added/removed lines. Blank lines count as context (mailers strip the lone space),
// "\ No newline at end of file" is skipped. Stops early on a line that cannot be in a hunk.
inline qsizetype walkHunk(const QList<Line> &lines, qsizetype first, HunkHeader header, int *added,
                          int *removed)
{
    int oldLeft = header.oldCount;
    int newLeft = header.newCount;
    qsizetype i = first;
    while (i < lines.size() && (oldLeft > 0 || newLeft > 0)) {
        const QStringView l = lines[i].text;
        if (l.isEmpty() || l[0] == u' ') {
            if (oldLeft <= 0 || newLeft <= 0)
                break;
            --oldLeft;
            --newLeft;
        } else if (l[0] == u'-') {
            if (oldLeft <= 0)
                break;
            --oldLeft;
            if (removed)
                ++*removed;
        } else if (l[0] == u'+') {
            if (newLeft <= 0)
                break;
            --newLeft;
            if (added)
                ++*added;
        } else if (l[0] != u'\\') {
            break;
        }
        ++i;
    }
    // A "\ No newline" marker right after the last line still belongs to the hunk.
    if (i < lines.size() && lines[i].text.startsWith(u'\\'))
        ++i;
    return i - first;
}

} // namespace kl::text::detail
