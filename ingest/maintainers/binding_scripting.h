#pragma once
// Scanners of the in-kernel scripting binding model (NetBSD's kernel Lua, docs/coverage.md):
// the C modules that register kernel functions with a Lua state, and the kernel functions they
// wrap. Each works on one blob's bytes, so its facts are cached per blob oid like binding_scan.h.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace kl::coverage {

struct LuaFunction
{
    QString luaName;     // the name Lua code calls ("aprint_normal")
    QString cFunction;   // the C function registered for it ("systm_aprint_normal")
    QStringList callees; // functions called in its body, in order, unique (lua_*/luaL_* left out)
};

struct LuaBindings
{
    QStringList modules;          // names given to lua_mod_register/klua_mod_register/luaL_register
    QList<LuaFunction> functions; // luaL_Reg-style tables, lua_register, lua_pushcfunction + lua_setfield
};

LuaBindings scanLuaBindings(const QByteArray &text);
// Serialisation for the per-blob cache: "module\tNAME" and "function\tLUA\tC\tcallee,callee".
QStringList luaBindingFacts(const LuaBindings &bindings);
LuaBindings luaBindingsFromFacts(const QStringList &facts);

// Functions defined in a C file in KNF style (NetBSD's style(9): the return type on its own line,
// the name at column 0), static ones left out; unique, sorted.
QStringList scanKnfDefinitions(const QByteArray &text);

// Paths the scripting model reads: Lua binding C files (a path with "lua" in it, outside the
// interpreter), the interpreter, and scripts.
bool isLuaInterpreterPath(const QString &path);
bool isLuaBindingCandidate(const QString &path);
bool isLuaScript(const QString &path);

} // namespace kl::coverage
