#pragma once
// Text scanners of the out-of-tree binding crate model (FreeBSD's Rust KPI crate): the crate's
// bindings.h, the C headers it binds, and the crate's Rust sources. Each works on one blob's
// bytes, so results can be cached per blob oid.

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

namespace kl::coverage {

struct BoundInclude
{
    QString header;     // as written: <sys/mutex.h> -> "sys/mutex.h"; "device_if.h" -> "device_if.h"
    QString condition;  // the enclosing #if/#ifdef conditions joined with " && "; empty: always
    bool generated = false; // a quoted include ("ofw_bus_if.h", "opt_platform.h"): made by the build
};
// The #include lines of bindings.h, with the conditions they sit under (#if, #ifdef, #ifndef,
// #elif and #else tracked as a stack; #else negates with "!(...)").
QList<BoundInclude> scanBoundIncludes(const QByteArray &text);

// Functions bindings.h defines to reach C macros (`FN1(mtx_lock, ...)` makes fn_mtx_lock,
// `rust_bindings_CPU_SET(...)`, `BUS_N(4, ...)` makes fn_bus_read_4 ...): wrapper -> wrapped name.
QHash<QString, QString> scanWrappers(const QByteArray &text);

// Functions declared or defined (static inline) in a C header: prototypes at file scope, after
// comments, preprocessor lines and string literals are removed. Not function pointers, typedefs
// or macros. Sorted, unique.
QStringList scanDeclaredFunctions(const QByteArray &text);

// Public items of a Rust module file: `pub fn|struct|enum|trait|type|const|static|mod|union NAME`
// and `macro_rules! NAME` with #[macro_export]; sorted, unique, as "kind NAME".
QStringList scanPublicItems(const QByteArray &text);

// Path of a FreeBSD kernel header inside the source tree: <sys/x.h> -> sys/sys/x.h,
// <dev/x/y.h> -> sys/dev/x/y.h, <machine/x.h> -> sys/amd64/include/x.h (or another
// architecture's include directory present), <x/y.h> -> sys/x/y.h; empty when absent.
QString resolveKernelHeader(const QString &include, const QSet<QString> &treeFiles);

// The module path of a crate source file: kpi/src/bus/dma.rs -> kpi::bus::dma,
// kpi/src/bus/mod.rs -> kpi::bus, kpi/src/lib.rs -> kpi.
QString crateModuleName(const QString &path);

} // namespace kl::coverage
