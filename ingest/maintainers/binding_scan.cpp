#include "binding_scan.h"

#include <QRegularExpression>
#include <QSet>

#include <algorithm>

namespace kl::coverage {

namespace {

bool isIdent(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

QStringList sortedUnique(QStringList list)
{
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    return list;
}

// Blanks out comments and string literals (keeping offsets and newlines) so the scanners do
// not see code in them.
QByteArray stripCommentsAndStrings(const QByteArray &in)
{
    QByteArray out = in;
    const qsizetype n = out.size();
    char *s = out.data();
    for (qsizetype i = 0; i < n; ++i) {
        if (s[i] == '/' && i + 1 < n && s[i + 1] == '/') {
            while (i < n && s[i] != '\n')
                s[i++] = ' ';
        } else if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
            s[i] = s[i + 1] = ' ';
            i += 2;
            while (i < n && !(s[i] == '*' && i + 1 < n && s[i + 1] == '/')) {
                if (s[i] != '\n')
                    s[i] = ' ';
                ++i;
            }
            if (i < n) {
                s[i] = ' ';
                if (i + 1 < n)
                    s[++i] = ' ';
            }
        } else if (s[i] == '"') {
            ++i;
            while (i < n && s[i] != '"' && s[i] != '\n') {
                if (s[i] == '\\' && i + 1 < n)
                    s[i++] = ' ';
                s[i++] = ' ';
            }
        }
    }
    return out;
}

qsizetype matchingClose(const QByteArray &s, qsizetype open, char o, char c)
{
    int depth = 0;
    for (qsizetype i = open; i < s.size(); ++i) {
        if (s[i] == o)
            ++depth;
        else if (s[i] == c && --depth == 0)
            return i;
    }
    return -1;
}

} // namespace

QStringList scanIncludes(const QByteArray &text)
{
    static const QRegularExpression re(QStringLiteral("^\\s*#\\s*include\\s*[<\"]([^>\"]+)[>\"]"),
                                       QRegularExpression::MultilineOption);
    QStringList out;
    const QString s = QString::fromUtf8(text);
    auto it = re.globalMatch(s);
    while (it.hasNext())
        out.append(it.next().captured(1).trimmed());
    out.removeDuplicates();
    return out;
}

QList<HelperFunction> scanHelpers(const QByteArray &raw)
{
    static const QSet<QByteArray> notCallees = {
        "if", "while", "for", "switch", "return", "sizeof", "typeof", "__typeof__", "_Generic",
        "EXPORT_SYMBOL", "EXPORT_SYMBOL_GPL", "EXPORT_SYMBOL_NS", "EXPORT_SYMBOL_NS_GPL",
        "__rust_helper", "__always_inline", "unlikely", "likely", "defined"};
    const QByteArray text = stripCommentsAndStrings(raw);
    static const QByteArray prefix("rust_helper_");
    QList<HelperFunction> out;
    qsizetype pos = 0;
    while ((pos = text.indexOf(prefix, pos)) >= 0) {
        const qsizetype begin = pos;
        pos += prefix.size();
        if (begin > 0 && isIdent(text[begin - 1]))
            continue;
        qsizetype end = pos;
        while (end < text.size() && isIdent(text[end]))
            ++end;
        const QByteArray name = text.mid(pos, end - pos);
        qsizetype p = end;
        while (p < text.size() && (text[p] == ' ' || text[p] == '\t' || text[p] == '\n'))
            ++p;
        if (p >= text.size() || text[p] != '(')
            continue;
        const qsizetype closeParen = matchingClose(text, p, '(', ')');
        if (closeParen < 0)
            break;
        qsizetype q = closeParen + 1;
        while (q < text.size() && (text[q] == ' ' || text[q] == '\t' || text[q] == '\n'))
            ++q;
        if (q >= text.size() || text[q] != '{') {
            pos = closeParen + 1;
            continue;
        }
        const qsizetype closeBrace = matchingClose(text, q, '{', '}');
        if (closeBrace < 0)
            break;
        HelperFunction h;
        h.name = QString::fromLatin1(name);
        QByteArray body = text.mid(q + 1, closeBrace - q - 1);
        // Preprocessor lines (#ifdef CONFIG_..., #if defined(...)) name no callee.
        qsizetype lineStart = 0;
        while (lineStart < body.size()) {
            qsizetype lineEnd = body.indexOf('\n', lineStart);
            if (lineEnd < 0)
                lineEnd = body.size();
            qsizetype k = lineStart;
            while (k < lineEnd && (body[k] == ' ' || body[k] == '\t'))
                ++k;
            if (k < lineEnd && body[k] == '#')
                for (qsizetype m = k; m < lineEnd; ++m)
                    body[m] = ' ';
            lineStart = lineEnd + 1;
        }
        for (qsizetype i = 0; i < body.size(); ++i) {
            if (!isIdent(body[i]) || (i > 0 && isIdent(body[i - 1])))
                continue;
            qsizetype e = i;
            while (e < body.size() && isIdent(body[e]))
                ++e;
            qsizetype f = e;
            while (f < body.size() && (body[f] == ' ' || body[f] == '\t'))
                ++f;
            const QByteArray ident = body.mid(i, e - i);
            if (f < body.size() && body[f] == '(' && !notCallees.contains(ident)
                && !(ident[0] >= '0' && ident[0] <= '9')) {
                const QString callee = QString::fromLatin1(ident);
                if (!h.callees.contains(callee))
                    h.callees.append(callee);
            }
            i = e - 1;
        }
        out.append(h);
        pos = closeBrace + 1;
    }
    return out;
}

QStringList scanBindingsReferences(const QByteArray &raw)
{
    static const QByteArray needle("bindings::");
    QStringList out;
    const QByteArray &text = raw;
    qsizetype pos = 0;
    while ((pos = text.indexOf(needle, pos)) >= 0) {
        const qsizetype begin = pos;
        pos += needle.size();
        // "kernel::bindings::x" and "crate::bindings::x" count; "foo_bindings::x" does not.
        if (begin > 0 && isIdent(text[begin - 1]))
            continue;
        if (pos < text.size() && text[pos] == '{') {
            const qsizetype close = text.indexOf('}', pos);
            if (close < 0)
                break;
            const QByteArray inner = text.mid(pos + 1, close - pos - 1);
            for (QByteArray part : inner.split(',')) {
                part = part.trimmed();
                qsizetype e = 0;
                while (e < part.size() && isIdent(part[e]))
                    ++e;
                if (e > 0 && part.left(e) != "self")
                    out.append(QString::fromLatin1(part.left(e)));
            }
            pos = close + 1;
            continue;
        }
        qsizetype e = pos;
        while (e < text.size() && isIdent(text[e]))
            ++e;
        if (e > pos)
            out.append(QString::fromLatin1(text.mid(pos, e - pos)));
        pos = e;
    }
    return sortedUnique(out);
}

QStringList scanExports(const QByteArray &text)
{
    static const QByteArray needle("EXPORT_SYMBOL");
    QStringList out;
    qsizetype pos = 0;
    while ((pos = text.indexOf(needle, pos)) >= 0) {
        const qsizetype begin = pos;
        pos += needle.size();
        if (begin > 0 && isIdent(text[begin - 1]))
            continue;
        qsizetype e = pos;
        while (e < text.size() && isIdent(text[e]))
            ++e;
        const QByteArray suffix = text.mid(pos, e - pos);
        if (!suffix.isEmpty() && suffix != "_GPL" && suffix != "_NS" && suffix != "_NS_GPL")
            continue;
        // Skip the macros' own definitions (#define EXPORT_SYMBOL(sym) ...).
        const qsizetype lineStart = text.lastIndexOf('\n', begin) + 1;
        const QByteArray head = text.mid(lineStart, begin - lineStart).trimmed();
        if (head.startsWith('#'))
            continue;
        qsizetype p = e;
        while (p < text.size() && (text[p] == ' ' || text[p] == '\t'))
            ++p;
        if (p >= text.size() || text[p] != '(')
            continue;
        ++p;
        while (p < text.size() && (text[p] == ' ' || text[p] == '\t' || text[p] == '\n'))
            ++p;
        qsizetype s = p;
        while (s < text.size() && isIdent(text[s]))
            ++s;
        if (s > p)
            out.append(QString::fromLatin1(text.mid(p, s - p)));
        pos = s;
    }
    return sortedUnique(out);
}

QString joinFacts(const QStringList &facts)
{
    return facts.join(QLatin1Char('\n'));
}

QStringList splitFacts(const QString &facts)
{
    return facts.isEmpty() ? QStringList() : facts.split(QLatin1Char('\n'));
}

} // namespace kl::coverage
