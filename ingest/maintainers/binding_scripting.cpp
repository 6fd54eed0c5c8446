// In-kernel scripting binding model: scanners (binding_scripting.h).

#include "binding_scripting.h"

#include <QRegularExpression>
#include <QSet>

namespace kl::coverage {

namespace {

// Comments out, strings kept (the registered names are strings).
QByteArray stripComments(const QByteArray &in)
{
    QByteArray out;
    out.reserve(in.size());
    for (qsizetype i = 0; i < in.size(); ++i) {
        const char c = in.at(i);
        if (c == '/' && i + 1 < in.size() && in.at(i + 1) == '*') {
            const qsizetype end = in.indexOf("*/", i + 2);
            i = end < 0 ? in.size() : end + 1;
            out.append(' ');
        } else if (c == '/' && i + 1 < in.size() && in.at(i + 1) == '/') {
            const qsizetype end = in.indexOf('\n', i);
            i = end < 0 ? in.size() : end - 1;
        } else if (c == '"' || c == '\'') {
            const qsizetype start = i;
            for (++i; i < in.size() && in.at(i) != c && in.at(i) != '\n'; ++i)
                if (in.at(i) == '\\')
                    ++i;
            out.append(in.mid(start, i - start + 1));
        } else {
            out.append(c);
        }
    }
    return out;
}

bool isLuaApi(const QString &name)
{
    return name.startsWith(QLatin1String("lua_")) || name.startsWith(QLatin1String("luaL_"))
           || name.startsWith(QLatin1String("klua_")) || name.startsWith(QLatin1String("kluaL_"));
}

bool isKeyword(const QString &name)
{
    static const QSet<QString> keywords{QStringLiteral("if"), QStringLiteral("while"), QStringLiteral("for"),
                                        QStringLiteral("switch"), QStringLiteral("return"), QStringLiteral("sizeof"),
                                        QStringLiteral("do"), QStringLiteral("case"), QStringLiteral("__arraycount")};
    return keywords.contains(name);
}

// Calls in the body of `function` when it is defined taking a lua_State; empty otherwise.
QStringList calleesOf(const QString &text, const QString &function)
{
    const QRegularExpression definition(QStringLiteral("\\b%1\\s*\\(\\s*lua_State\\s*\\*\\s*\\w*\\s*\\)\\s*\\{")
                                            .arg(QRegularExpression::escape(function)));
    const auto match = definition.match(text);
    if (!match.hasMatch())
        return {};
    qsizetype depth = 1, i = match.capturedEnd();
    const qsizetype bodyStart = i;
    for (; i < text.size() && depth > 0; ++i) {
        if (text.at(i) == QLatin1Char('{'))
            ++depth;
        else if (text.at(i) == QLatin1Char('}'))
            --depth;
    }
    static const QRegularExpression call(QStringLiteral("\\b([A-Za-z_]\\w*)\\s*\\("));
    QStringList callees;
    for (auto it = call.globalMatch(QStringView(text).mid(bodyStart, i - bodyStart)); it.hasNext();) {
        const QString name = it.next().captured(1);
        if (!isLuaApi(name) && !isKeyword(name) && name != function && !callees.contains(name))
            callees.append(name);
    }
    return callees;
}

} // namespace

LuaBindings scanLuaBindings(const QByteArray &raw)
{
    const QString text = QString::fromUtf8(stripComments(raw));
    LuaBindings out;
    if (!text.contains(QLatin1String("lua_State")))
        return out;
    static const QRegularExpression module(QStringLiteral(
        "\\b(?:k?lua_mod_register|luaL_register)\\s*\\(\\s*(?:[^,()]+,\\s*)?\"([\\w.]+)\""));
    for (auto it = module.globalMatch(text); it.hasNext();) {
        const QString name = it.next().captured(1);
        if (!out.modules.contains(name))
            out.modules.append(name);
    }
    // { "name", c_function } entries of luaL_Reg (or look-alike) tables; lua_register(L, "name", f);
    // lua_pushcfunction(L, f); lua_setfield(L, -2, "name") or lua_setglobal(L, "name").
    static const QList<std::pair<QRegularExpression, bool>> registrations = {
        {QRegularExpression(QStringLiteral("\\{\\s*\"([\\w.]+)\"\\s*,\\s*([A-Za-z_]\\w*)\\s*\\}")), false},
        {QRegularExpression(QStringLiteral("\\blua_register\\s*\\(\\s*[^,()]+,\\s*\"([\\w.]+)\"\\s*,\\s*([A-Za-z_]\\w*)\\s*\\)")), false},
        {QRegularExpression(QStringLiteral("\\blua_pushcfunction\\s*\\(\\s*[^,()]+,\\s*([A-Za-z_]\\w*)\\s*\\)\\s*;\\s*"
                                           "lua_setfield\\s*\\(\\s*[^,()]+,\\s*-?\\d+\\s*,\\s*\"([\\w.]+)\"\\s*\\)")), true},
        {QRegularExpression(QStringLiteral("\\blua_pushcfunction\\s*\\(\\s*[^,()]+,\\s*([A-Za-z_]\\w*)\\s*\\)\\s*;\\s*"
                                           "lua_setglobal\\s*\\(\\s*[^,()]+,\\s*\"([\\w.]+)\"\\s*\\)")), true}};
    QSet<QString> seen;
    for (const auto &[pattern, functionFirst] : registrations) {
        for (auto it = pattern.globalMatch(text); it.hasNext();) {
            const auto m = it.next();
            LuaFunction f;
            f.luaName = m.captured(functionFirst ? 2 : 1);
            f.cFunction = m.captured(functionFirst ? 1 : 2);
            if (f.cFunction == QLatin1String("NULL") || seen.contains(f.luaName + QLatin1Char('\t') + f.cFunction))
                continue;
            seen.insert(f.luaName + QLatin1Char('\t') + f.cFunction);
            f.callees = calleesOf(text, f.cFunction);
            out.functions.append(f);
        }
    }
    return out;
}

QStringList luaBindingFacts(const LuaBindings &bindings)
{
    QStringList facts;
    for (const QString &m : bindings.modules)
        facts.append(QStringLiteral("module\t") + m);
    for (const LuaFunction &f : bindings.functions)
        facts.append(QStringLiteral("function\t%1\t%2\t%3").arg(f.luaName, f.cFunction, f.callees.join(QLatin1Char(','))));
    return facts;
}

LuaBindings luaBindingsFromFacts(const QStringList &facts)
{
    LuaBindings out;
    for (const QString &line : facts) {
        const QStringList parts = line.split(QLatin1Char('\t'));
        if (parts.size() == 2 && parts[0] == QLatin1String("module"))
            out.modules.append(parts[1]);
        else if (parts.size() == 4 && parts[0] == QLatin1String("function"))
            out.functions.append({parts[1], parts[2], parts[3].split(QLatin1Char(','), Qt::SkipEmptyParts)});
    }
    return out;
}

QStringList scanKnfDefinitions(const QByteArray &raw)
{
    const QList<QByteArray> lines = stripComments(raw).split('\n');
    static const QRegularExpression name(QStringLiteral("^([A-Za-z_]\\w*)\\s*\\("));
    QSet<QString> found;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed().isEmpty() ? QByteArray() : lines.at(i);
        const QByteArray previous = lines.at(i - 1).trimmed();
        if (line.isEmpty() || line.trimmed().endsWith(';') || previous.isEmpty())
            continue;
        // The return type line: not a statement, preprocessor line, or static definition.
        if (previous.startsWith('#') || previous.startsWith("static") || previous.endsWith(';') || previous.endsWith('}')
            || previous.endsWith(')') || previous.endsWith('\\') || previous.endsWith(',') || previous.endsWith('{'))
            continue;
        const auto m = name.match(QString::fromUtf8(line));
        if (m.hasMatch())
            found.insert(m.captured(1));
    }
    QStringList out(found.cbegin(), found.cend());
    out.sort();
    return out;
}

bool isLuaInterpreterPath(const QString &path)
{
    return path.startsWith(QLatin1String("sys/external/mit/lua/")) || path.startsWith(QLatin1String("external/mit/lua/"));
}

bool isLuaBindingCandidate(const QString &path)
{
    return path.endsWith(QLatin1String(".c")) && path.contains(QLatin1String("lua"), Qt::CaseInsensitive)
           && !isLuaInterpreterPath(path);
}

bool isLuaScript(const QString &path)
{
    return path.endsWith(QLatin1String(".lua")) && !isLuaInterpreterPath(path);
}

} // namespace kl::coverage
