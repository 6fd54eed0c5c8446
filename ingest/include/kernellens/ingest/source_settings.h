#pragma once
// Per-source settings of a git source that persist across runs (issue 17): the second language,
// the language definitions, the release tag pattern, the subsystem scheme and the binding model
// (+ the C tree a binding crate binds). Stored by the store as named values (source_settings);
// `ingest git` keeps them unless the user gives a new value, and reports each change.
// Meaning of each value: docs/git.md ("Per-source settings") and docs/coverage.md.

#include <kernellens/index/result.h>

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

namespace kl {
class Store;
}

namespace kl::ingest {

struct GitIngestOptions;

namespace setting {
inline QString secondLanguage() { return QStringLiteral("second_language"); }
inline QString languagesFile() { return QStringLiteral("languages_file"); }
inline QString tagPattern() { return QStringLiteral("tag_pattern"); }
inline QString subsystemScheme() { return QStringLiteral("subsystem_scheme"); }
inline QString bindingModel() { return QStringLiteral("binding_model"); }
inline QString bindingTree() { return QStringLiteral("binding_tree"); }
// Written by the release inventory: the scheme `auto` (or a scheme that did not apply)
// resolved to, e.g. "dirs (MAINTAINERS not recognised)".
inline QString subsystemSchemeUsed() { return QStringLiteral("subsystem_scheme_used"); }
} // namespace setting

// The value used when neither the user nor the store gives one ("" for languages_file: the
// built-in definitions; "" for binding_tree).
QString defaultSetting(const QString &name);
// "subsystem_scheme" -> "subsystem scheme".
QString settingLabel(const QString &name);

// The settings a run uses: each value the user gave (non-empty in `requested`), else the stored
// one, else the default. `changes` lists each stored value the user replaced
// ("subsystem scheme: dirs:sys/dev/*:1 (was auto)"). Writes nothing.
struct ResolvedSettings
{
    QHash<QString, QString> values;     // setting name -> value
    QStringList changes;
};
Result<ResolvedSettings> resolveSettings(Store &store, qint64 sourceId, const GitIngestOptions &requested);
Status storeSettings(Store &store, qint64 sourceId, const ResolvedSettings &resolved);

// A git source's stored settings with defaults filled in (GUI dialogs, derive).
Result<QHash<QString, QString>> effectiveSettings(Store &store, qint64 sourceId);

} // namespace kl::ingest
