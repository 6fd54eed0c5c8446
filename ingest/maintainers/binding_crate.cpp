// Scanners of the out-of-tree binding crate model (binding_crate.h). They are careful text
// scanners, not a C front end: a bound header is read on its own, without its includes or the
// build's macros, so a compiler (libclang, in Debian as libclang-dev) would need the whole tree
// and a kernel configuration to parse it at all; docs/coverage.md says what the scanner misses.
#include "binding_crate.h"

#include <QRegularExpression>

#include <algorithm>

namespace kl::coverage {

namespace {

QStringList sortedUnique(QStringList list)
{
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    return list;
}

// Removes comments and (unless `keepStrings`, for #include "x.h") the contents of string and
// character literals, keeping newlines so line structure survives, and joins backslash-continued
// lines.
QString stripComments(const QByteArray &raw, bool keepStrings = false)
{
    const QString text = QString::fromUtf8(raw);
    QString out;
    out.reserve(text.size());
    const int n = int(text.size());
    for (int i = 0; i < n; ++i) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('/') && i + 1 < n && text.at(i + 1) == QLatin1Char('*')) {
            const int end = int(text.indexOf(QStringLiteral("*/"), i + 2));
            const int stop = end < 0 ? n : end + 2;
            for (int j = i; j < stop; ++j)
                if (text.at(j) == QLatin1Char('\n'))
                    out += QLatin1Char('\n');
            out += QLatin1Char(' ');
            i = stop - 1;
        } else if (c == QLatin1Char('/') && i + 1 < n && text.at(i + 1) == QLatin1Char('/')) {
            while (i + 1 < n && text.at(i + 1) != QLatin1Char('\n'))
                ++i;
        } else if (!keepStrings && (c == QLatin1Char('"') || c == QLatin1Char('\''))) {
            out += c;
            int j = i + 1;
            while (j < n && text.at(j) != c && text.at(j) != QLatin1Char('\n')) {
                if (text.at(j) == QLatin1Char('\\'))
                    ++j;
                ++j;
            }
            out += c;
            i = std::min(j, n - 1);
        } else if (c == QLatin1Char('\\') && i + 1 < n && text.at(i + 1) == QLatin1Char('\n')) {
            ++i; // continuation: the next line belongs to this one
        } else {
            out += c;
        }
    }
    return out;
}

bool isIdentChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_');
}

QString identifierBefore(const QString &s, int pos)
{
    int e = pos;
    while (e > 0 && s.at(e - 1).isSpace())
        --e;
    int b = e;
    while (b > 0 && isIdentChar(s.at(b - 1)))
        --b;
    return s.mid(b, e - b);
}

// The function a file-scope statement declares, or empty. The name is the identifier before the
// first '(' that is not an attribute-like macro (__attribute__, __printflike, ...), with a
// return type before it and not "(*" (a function pointer variable).
QString declaredFunction(const QString &statement)
{
    static const QStringList keywords = {QStringLiteral("if"), QStringLiteral("while"), QStringLiteral("for"),
                                         QStringLiteral("switch"), QStringLiteral("return"), QStringLiteral("sizeof"),
                                         QStringLiteral("_Static_assert"), QStringLiteral("typeof")};
    const QString s = statement.simplified();
    if (s.startsWith(QLatin1String("typedef ")) || s.startsWith(QLatin1String("extern \"C\"")))
        return {};
    for (int i = 0; i < s.size(); ++i) {
        if (s.at(i) != QLatin1Char('('))
            continue;
        QString name = identifierBefore(s, i);
        if (name == QLatin1String("__P")) {
            // A pre-ANSI prototype kept by old headers: "int nullop __P((void));".
            int k = i - name.size();
            while (k > 0 && s.at(k - 1).isSpace())
                --k;
            name = identifierBefore(s, k);
            i = k;
        }
        if (name.isEmpty() || name.startsWith(QLatin1String("__")))
            return {}; // "(*fp)(...)", "__attribute__((x)) int f(...)" is rare in FreeBSD headers
        if (keywords.contains(name) || name.at(0).isDigit())
            return {};
        const QString before = s.left(i - name.size()).trimmed();
        int j = i + 1;
        while (j < s.size() && s.at(j).isSpace())
            ++j;
        if (before.isEmpty() || (j < s.size() && s.at(j) == QLatin1Char('*')))
            return {}; // a macro invocation at file scope (TASKQUEUE_DECLARE(x);) or a pointer
        if (before.endsWith(QLatin1Char('=')) || before.contains(QLatin1Char('(')))
            return {};
        return name;
    }
    return {};
}

// Which lines a kernel build sees: FreeBSD headers declare userland interfaces under
// "#ifndef _KERNEL" (socket(), sysctl()) beside the kernel's. Conditionals on other macros are
// taken as visible.
class KernelVisibility
{
public:
    void directive(const QString &line)
    {
        static const QRegularExpression parts(QStringLiteral("^\\s*#\\s*(\\w+)\\s*(.*)$"));
        const auto m = parts.match(line);
        if (!m.hasMatch())
            return;
        const QString name = m.captured(1), condition = m.captured(2).simplified();
        if (name == QLatin1String("ifdef") || name == QLatin1String("ifndef") || name == QLatin1String("if")) {
            m_frames.append(frameOf(name, condition));
        } else if (name == QLatin1String("else") && !m_frames.isEmpty()) {
            Frame &f = m_frames.last();
            if (f != Frame::Neutral)
                f = f == Frame::Kernel ? Frame::Userland : Frame::Kernel;
        } else if (name == QLatin1String("elif") && !m_frames.isEmpty()) {
            m_frames.last() = Frame::Neutral;
        } else if (name == QLatin1String("endif") && !m_frames.isEmpty()) {
            m_frames.removeLast();
        }
    }
    bool kernel() const { return !m_frames.contains(Frame::Userland); }

private:
    enum class Frame { Neutral, Kernel, Userland };
    static Frame frameOf(const QString &name, const QString &condition)
    {
        static const QRegularExpression notKernel(QStringLiteral("^!\\s*defined\\s*\\(?\\s*_KERNEL\\s*\\)?$"));
        static const QRegularExpression isKernel(QStringLiteral("^defined\\s*\\(?\\s*_KERNEL\\s*\\)?$"));
        if (name == QLatin1String("ifdef"))
            return condition == QLatin1String("_KERNEL") ? Frame::Kernel : Frame::Neutral;
        if (name == QLatin1String("ifndef"))
            return condition == QLatin1String("_KERNEL") ? Frame::Userland : Frame::Neutral;
        if (notKernel.match(condition).hasMatch())
            return Frame::Userland;
        return isKernel.match(condition).hasMatch() ? Frame::Kernel : Frame::Neutral;
    }
    QList<Frame> m_frames;
};

} // namespace

QList<BoundInclude> scanBoundIncludes(const QByteArray &text)
{
    static const QRegularExpression directive(QStringLiteral("^\\s*#\\s*(\\w+)\\s*(.*)$"));
    static const QRegularExpression include(QStringLiteral("^([<\"])([^>\"]+)[>\"]"));
    QList<BoundInclude> out;
    QStringList stack;
    const QStringList lines = stripComments(text, true).split(QLatin1Char('\n'));
    for (const QString &line : lines) {
        const auto m = directive.match(line);
        if (!m.hasMatch())
            continue;
        const QString word = m.captured(1);
        const QString arg = m.captured(2).simplified();
        if (word == QLatin1String("ifdef"))
            stack.append(arg);
        else if (word == QLatin1String("ifndef"))
            stack.append(QStringLiteral("!") + arg);
        else if (word == QLatin1String("if"))
            stack.append(arg);
        else if (word == QLatin1String("elif") && !stack.isEmpty())
            stack.last() = QStringLiteral("!(%1) && %2").arg(stack.last(), arg);
        else if (word == QLatin1String("else") && !stack.isEmpty())
            stack.last() = QStringLiteral("!(%1)").arg(stack.last());
        else if (word == QLatin1String("endif") && !stack.isEmpty())
            stack.removeLast();
        else if (word == QLatin1String("include")) {
            const auto inc = include.match(arg);
            if (inc.hasMatch())
                out.append({inc.captured(2).trimmed(), stack.join(QStringLiteral(" && ")),
                            inc.captured(1) == QLatin1String("\"")});
        }
    }
    return out;
}

QHash<QString, QString> scanWrappers(const QByteArray &text)
{
    static const QRegularExpression define(QStringLiteral("^\\s*#\\s*define\\s+(\\w+)\\(([^)]*)\\)(.*)$"));
    static const QRegularExpression pasted(QStringLiteral("\\b(fn_\\w*)##(\\w+)"));
    static const QRegularExpression direct(QStringLiteral("\\b((?:fn|rust_bindings)_\\w+)\\s*\\("));
    QHash<QString, QString> out;
    struct Template { QString prefix; int param; };
    QHash<QString, QList<Template>> macros;
    const QStringList lines = stripComments(text).split(QLatin1Char('\n'));
    for (const QString &line : lines) {
        const auto d = define.match(line);
        if (d.hasMatch()) {
            QStringList params = d.captured(2).split(QLatin1Char(','));
            for (QString &p : params)
                p = p.trimmed();
            auto it = pasted.globalMatch(d.captured(3));
            while (it.hasNext()) {
                const auto p = it.next();
                const int index = int(params.indexOf(p.captured(2)));
                if (index >= 0)
                    macros[d.captured(1)].append({p.captured(1), index});
            }
            continue;
        }
        auto it = direct.globalMatch(line);
        while (it.hasNext()) {
            const QString name = it.next().captured(1);
            const int prefix = name.startsWith(QLatin1String("fn_")) ? 3 : 14; // "rust_bindings_"
            if (!line.trimmed().startsWith(QLatin1Char('#')))
                out.insert(name, name.mid(prefix));
        }
        for (auto m = macros.constBegin(); m != macros.constEnd(); ++m) {
            const QRegularExpression call(QStringLiteral("^\\s*%1\\(([^)]*)\\)").arg(m.key()));
            const auto c = call.match(line);
            if (!c.hasMatch())
                continue;
            const QStringList args = c.captured(1).split(QLatin1Char(','));
            for (const Template &t : m.value()) {
                if (t.param >= args.size())
                    continue;
                const QString wrapper = t.prefix + args.at(t.param).trimmed();
                out.insert(wrapper, wrapper.mid(3));
            }
        }
    }
    return out;
}

QStringList scanDeclaredFunctions(const QByteArray &text)
{
    QStringList out;
    QString statement;
    int depth = 0;
    bool aggregate = false; // inside "struct x { ... }": its closing brace does not end a statement
    const QStringList lines = stripComments(text).split(QLatin1Char('\n'));
    KernelVisibility visibility;
    for (const QString &line : lines) {
        if (line.trimmed().startsWith(QLatin1Char('#'))) {
            visibility.directive(line);
            continue;
        }
        if (!visibility.kernel()) {
            statement.clear();   // userland-only declarations (#ifndef _KERNEL) are not kernel API
            continue;
        }
        for (QChar c : line) {
            if (depth > 0) {
                if (c == QLatin1Char('{'))
                    ++depth;
                else if (c == QLatin1Char('}') && --depth == 0 && !aggregate)
                    statement.clear();
                continue;
            }
            if (c == QLatin1Char('{')) {
                const QString head = statement.simplified();
                // "struct x {", "typedef enum {", "... = {": not a function body.
                static const QRegularExpression aggregateHead(
                    QStringLiteral("^(typedef\\s+)?(struct|union|enum)\\b[^(]*$"));
                aggregate = aggregateHead.match(head).hasMatch() || head.endsWith(QLatin1Char('='));
                if (!aggregate) {
                    const QString name = declaredFunction(statement);
                    if (!name.isEmpty())
                        out.append(name);
                }
                depth = 1;
            } else if (c == QLatin1Char(';')) {
                const QString name = declaredFunction(statement);
                if (!name.isEmpty())
                    out.append(name);
                statement.clear();
            } else {
                statement += c;
            }
        }
        statement += QLatin1Char(' ');
    }
    return sortedUnique(out);
}

QStringList scanPublicItems(const QByteArray &text)
{
    static const QRegularExpression item(QStringLiteral(
        "^\\s*pub\\s+(?:(?:unsafe|const|async|extern\\s+\"C\")\\s+)*"
        "(fn|struct|enum|trait|type|const|static|mod|union)\\s+([A-Za-z_]\\w*)"));
    static const QRegularExpression macro(QStringLiteral("^\\s*macro_rules!\\s*([A-Za-z_]\\w*)"));
    QStringList out;
    bool exported = false;
    const QStringList lines = QString::fromUtf8(text).split(QLatin1Char('\n'));
    for (const QString &line : lines) {
        if (line.contains(QLatin1String("#[macro_export]"))) {
            exported = true;
            continue;
        }
        const auto m = item.match(line);
        if (m.hasMatch())
            out.append(m.captured(1) + QLatin1Char(' ') + m.captured(2));
        const auto mm = macro.match(line);
        if (mm.hasMatch() && exported)
            out.append(QStringLiteral("macro ") + mm.captured(1));
        if (!line.trimmed().isEmpty() && !line.trimmed().startsWith(QLatin1String("#[")))
            exported = false;
    }
    return sortedUnique(out);
}

QString resolveKernelHeader(const QString &include, const QSet<QString> &treeFiles)
{
    if (include.startsWith(QLatin1String("machine/"))) {
        const QString rest = include.mid(8);
        for (const char *arch : {"amd64", "arm64", "x86", "i386", "arm", "powerpc", "riscv"}) {
            const QString p = QStringLiteral("sys/%1/include/%2").arg(QLatin1String(arch), rest);
            if (treeFiles.contains(p))
                return p;
        }
        return {};
    }
    for (const QString &p : QStringList{QStringLiteral("sys/") + include, include, QStringLiteral("include/") + include})
        if (treeFiles.contains(p))
            return p;
    return {};
}

QString crateModuleName(const QString &path)
{
    QStringList parts = path.split(QLatin1Char('/'));
    if (parts.size() < 3 || parts.at(1) != QLatin1String("src") || !path.endsWith(QLatin1String(".rs")))
        return {};
    const QString crate = parts.takeFirst();
    parts.removeFirst(); // src
    parts.last().chop(3);
    if (parts.last() == QLatin1String("mod") || (parts.size() == 1 && parts.last() == QLatin1String("lib")))
        parts.removeLast();
    parts.prepend(crate);
    return parts.join(QStringLiteral("::"));
}

} // namespace kl::coverage
