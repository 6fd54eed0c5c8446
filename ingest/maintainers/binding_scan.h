#pragma once
// Text scanners for the binding inventory. Each works on one blob's bytes and returns facts
// that depend only on those bytes, so results are cached per blob oid and reused across
// releases.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace kl::coverage {

// Targets of #include lines, as written: <linux/phy.h> -> "linux/phy.h", "foo.h" -> "foo.h".
QStringList scanIncludes(const QByteArray &text);

struct HelperFunction
{
    QString name;        // without the rust_helper_ prefix
    QStringList callees; // C functions or macros called in the body, in order, unique
};
// Definitions of rust_helper_NAME(...) { ... } in a helpers C file.
QList<HelperFunction> scanHelpers(const QByteArray &text);

// Names referenced as bindings::NAME (and bindings::{A, B}) in a Rust file, unique, sorted.
QStringList scanBindingsReferences(const QByteArray &text);

// Symbols exported with EXPORT_SYMBOL, EXPORT_SYMBOL_GPL, EXPORT_SYMBOL_NS, EXPORT_SYMBOL_NS_GPL,
// unique, sorted; #define lines (the macros' own definitions) are skipped.
QStringList scanExports(const QByteArray &text);

// Serialisation of a fact list for the per-blob cache.
QString joinFacts(const QStringList &facts);
QStringList splitFacts(const QString &facts);

} // namespace kl::coverage
