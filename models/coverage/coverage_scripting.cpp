#include "coverage_scripting.h"

#include <kernellens/index/store.h>

#include <QHash>

namespace kl::models {

Result<QString> bindingModelOfRelease(Store &store, qint64 releaseId)
{
    auto v = store.db().scalar(QStringLiteral(
        "SELECT value FROM source_settings WHERE name = 'binding_model' AND "
        "source_id = (SELECT source_id FROM releases WHERE id = ?)"), {releaseId});
    if (!v)
        return v.status();
    return v->isNull() ? QStringLiteral("linux") : v->toString();
}

namespace {

const QHash<QString, QString> &kindNames()
{
    static const QHash<QString, QString> names = {
        {QStringLiteral("helper"), QStringLiteral("exposed function")},
        {QStringLiteral("module"), QStringLiteral("Lua module")},
        {QStringLiteral("driver"), QStringLiteral("Lua script")},
        {QStringLiteral("referenced-export"), QStringLiteral("wrapped kernel function")},
        {QStringLiteral("export"), QStringLiteral("kernel function")},
    };
    return names;
}

void dropColumns(report::Table &table, const QStringList &ids)
{
    for (qsizetype c = table.columns.size() - 1; c >= 0; --c) {
        if (!ids.contains(table.columns.at(c).key))
            continue;
        table.columns.removeAt(c);
        for (QVariantList &row : table.rows)
            if (c < row.size())
                row.removeAt(c);
    }
}

} // namespace

QString scriptingKindTitle(const QString &kind)
{
    return kindNames().value(kind, kind);
}

void presentAsScripting(report::Section &section, bool hasBindings, const QString &tag)
{
    static const QHash<QString, QString> titles = {
        {QStringLiteral("referenced"), QStringLiteral("Wrapped")},
        {QStringLiteral("exported"), QStringLiteral("Kernel functions")},
        {QStringLiteral("bc_api"), QStringLiteral("Wrapped share")},
        {QStringLiteral("helpers"), QStringLiteral("Exposed functions")},
        {QStringLiteral("modules"), QStringLiteral("Lua modules")},
        {QStringLiteral("drivers"), QStringLiteral("Lua scripts")},
        {QStringLiteral("referenced_from"), QStringLiteral("Wrapped (from)")},
        {QStringLiteral("referenced_to"), QStringLiteral("Wrapped (to)")},
    };
    section.title = QStringLiteral("Kernel Lua bindings at %1").arg(tag);
    section.method = QStringLiteral(
        "In-kernel scripting model (NetBSD Lua). Exposed functions are the C functions a Lua binding module "
        "(a .c file with 'lua' in its path, outside the interpreter in external/mit/lua) registers with the Lua "
        "state: luaL_Reg-style { \"name\", function } tables, lua_register, lua_pushcfunction + lua_setfield/"
        "lua_setglobal. Each is attributed to the subsystem of the file defining the first kernel function it "
        "calls, else to its own file's subsystem. Kernel functions are the non-static functions defined in "
        "KNF style in the subsystem's .c files; wrapped = those called by an exposed function; Lua modules are "
        "the names given to klua_mod_register/lua_mod_register/luaL_register; Lua scripts are .lua files outside "
        "the interpreter. Level: 2 exposed functions, 3 a Lua module, 4 a Lua script in the subsystem. "
        "See docs/coverage.md.");
    for (report::Table &table : section.tables) {
        dropColumns(table, {QStringLiteral("bound_headers"), QStringLiteral("public_headers"), QStringLiteral("rust_section")});
        for (report::Column &column : table.columns)
            if (auto it = titles.constFind(column.key); it != titles.cend())
                column.title = *it;
        if (const int kind = table.columnIndex(QStringLiteral("kind")); kind >= 0)
            for (QVariantList &row : table.rows)
                if (kind < row.size())
                    row[kind] = scriptingKindTitle(row.at(kind).toString());
        if (!hasBindings && table.id == QLatin1String("coverage.subsystems"))
            table.note = QStringLiteral("%1 has no Lua binding module: coverage is 0 everywhere.").arg(tag);
    }
    for (report::Chart &chart : section.charts)
        if (chart.id == QLatin1String("coverage.bc-api"))
            chart.title = QStringLiteral("Kernel functions wrapped for Lua at %1").arg(tag);
}

} // namespace kl::models
