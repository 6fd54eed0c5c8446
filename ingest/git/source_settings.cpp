// Per-source settings: resolution of requested, stored and default values (source_settings.h).

#include <kernellens/ingest/source_settings.h>

#include <kernellens/index/store.h>
#include <kernellens/ingest/git_ingest.h>

namespace kl::ingest {

namespace {

const QStringList &settingNames()
{
    static const QStringList names{setting::secondLanguage(), setting::languagesFile(), setting::tagPattern(),
                                   setting::subsystemScheme(), setting::bindingModel(), setting::bindingTree()};
    return names;
}

QString requestedValue(const GitIngestOptions &o, const QString &name)
{
    if (name == setting::secondLanguage())
        return o.secondLanguage;
    if (name == setting::languagesFile())
        return o.languagesFile;
    if (name == setting::tagPattern())
        return o.tagPattern;
    if (name == setting::subsystemScheme())
        return o.subsystemScheme;
    if (name == setting::bindingModel())
        return o.bindingModel;
    return o.bindingTree;
}

QString shown(const QString &name, const QString &value)
{
    if (value.isEmpty())
        return name == setting::languagesFile() ? QStringLiteral("built-in") : QStringLiteral("none");
    return value;
}

} // namespace

QString defaultSetting(const QString &name)
{
    if (name == setting::secondLanguage())
        return QStringLiteral("Rust");
    if (name == setting::tagPattern())
        return QStringLiteral("v*");
    if (name == setting::subsystemScheme())
        return QStringLiteral("auto");
    if (name == setting::bindingModel())
        return QStringLiteral("linux");
    return QString();
}

QString settingLabel(const QString &name)
{
    QString label = name;
    return label.replace(QLatin1Char('_'), QLatin1Char(' '));
}

Result<ResolvedSettings> resolveSettings(Store &store, qint64 sourceId, const GitIngestOptions &requested)
{
    auto stored = store.settings(sourceId);
    if (!stored)
        return stored.status();
    ResolvedSettings resolved;
    for (const QString &name : settingNames()) {
        const QString given = requestedValue(requested, name);
        const auto previous = stored->constFind(name);
        // "builtin" is how a user returns to the compiled-in language definitions.
        const QString value = given == QLatin1String("builtin") && name == setting::languagesFile() ? QString()
                              : !given.isEmpty()                                                  ? given
                              : previous != stored->cend()                                        ? *previous
                                                                                                  : defaultSetting(name);
        resolved.values.insert(name, value);
        if (previous != stored->cend() && *previous != value)
            resolved.changes.append(QStringLiteral("%1: %2 (was %3)")
                                        .arg(settingLabel(name), shown(name, value), shown(name, *previous)));
    }
    return resolved;
}

Status storeSettings(Store &store, qint64 sourceId, const ResolvedSettings &resolved)
{
    for (auto it = resolved.values.cbegin(); it != resolved.values.cend(); ++it)
        KL_TRY(store.setSetting(sourceId, it.key(), it.value()));
    return Status::ok();
}

Result<QHash<QString, QString>> effectiveSettings(Store &store, qint64 sourceId)
{
    auto stored = store.settings(sourceId);
    if (!stored)
        return stored.status();
    QHash<QString, QString> values = *stored;
    for (const QString &name : settingNames())
        if (!values.contains(name))
            values.insert(name, defaultSetting(name));
    return values;
}

} // namespace kl::ingest
