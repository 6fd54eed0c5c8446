// Derivation "release-trees": the MAINTAINERS sections and the binding inventory of every
// release tree (maintainers/release_inventory.cpp). Incremental per release: a release whose
// inventory is stored is not read again. The per-release line counts (release_snapshots) stay in
// the git ingest, which counts them with the blob cache and pack mapping of its history walk
// (docs/derive.md).

#include "derivation.h"

#include <kernellens/ingest/binding_crate.h>
#include <kernellens/ingest/release_inventory.h>
#include <kernellens/ingest/source_settings.h>
#include <kernellens/index/store.h>

#include <QDir>
#include <QFileInfo>

namespace kl::derive {

namespace {

struct GitSource
{
    qint64 id = 0;
    QString repository;
};

Result<QList<GitSource>> gitSources(Store &store)
{
    QList<GitSource> sources;
    KL_TRY(store.db().forEachRow(
        QStringLiteral("SELECT s.id, s.location, w.value FROM sources s LEFT JOIN watermarks w "
                       "ON w.source_id = s.id AND w.key = 'git:repository' WHERE s.kind = 'git' ORDER BY s.id"),
        {}, [&](const Statement &row) {
            // The repository the git ingest read (the mirror of a URL); older stores lack the
            // watermark, and their sources were local paths.
            sources << GitSource{row.int64(0), row.isNull(2) ? row.text(1) : row.text(2)};
        }));
    return sources;
}

// The C tree a binding crate names (`binding_tree`): a git source's location or repository, or a
// path to a repository.
Result<QString> bindingTreeRepository(const QList<GitSource> &sources, Store &store, const QString &tree)
{
    if (tree.isEmpty())
        return Status::error(QStringLiteral("the binding model is \"crate\" but no C tree is set "
                                            "(ingest git ... --binding-tree SOURCE)"));
    for (const GitSource &s : sources) {
        auto location = store.db().scalar(QStringLiteral("SELECT location FROM sources WHERE id = ?"), {s.id});
        if (!location)
            return location.status();
        if (s.repository == tree || location->toString() == tree)
            return s.repository;
    }
    if (QFileInfo(tree).isDir())
        return tree;
    return Status::error(QStringLiteral("the binding tree '%1' is neither an ingested git source nor a repository").arg(tree));
}

// The out-of-tree crate model: the crate's inventory against its C tree (binding_crate.h).
Status analyzeCrate(Store &store, const GitSource &source, const QList<GitSource> &sources, const JobContext &ctx)
{
    auto settings = ingest::effectiveSettings(store, source.id);
    if (!settings)
        return settings.status();
    if (settings->value(ingest::setting::bindingModel()) != QLatin1String("crate"))
        return Status::ok();
    auto tree = bindingTreeRepository(sources, store, settings->value(ingest::setting::bindingTree()));
    if (!tree)
        return tree.status();
    return ingest::analyzeBindingCrate(store, source.id, source.repository, *tree, ctx);
}

// A source whose settings changed since its inventory (scheme, binding model, language) is
// analysed again from its first release.
Status analyzeSource(Store &store, const GitSource &source, const JobContext &ctx)
{
    auto options = ingest::inventoryOptions(store, source.id);
    if (!options)
        return options.status();
    const QString key = ingest::inventorySettingsKey(*options);
    auto previous = store.watermark(source.id, QStringLiteral("inventory:settings"));
    if (!previous)
        return previous.status();
    if (!previous->isEmpty() && *previous != key)
        KL_TRY(ingest::forgetReleaseTrees(store, source.id));
    KL_TRY(store.setWatermark(source.id, QStringLiteral("inventory:settings"), key));
    return ingest::analyzeReleaseTrees(store, source.id, source.repository, ctx, *options);
}

class ReleaseTreesDerivation final : public Derivation
{
public:
    DerivationInfo info() const override
    {
        return {QStringLiteral("release-trees"),
                QStringLiteral("MAINTAINERS sections and binding inventory of every release tree"),
                {QStringLiteral("releases"), QStringLiteral("the git repositories")},
                {QStringLiteral("maint_*"), QStringLiteral("cov_*")}};
    }
    int version() const override { return 1; }

    Result<QString> fingerprint(Store &store, const DeriveOptions &) override
    {
        auto v = store.db().scalar(QStringLiteral(
            "SELECT ifnull(group_concat(source_id || ':' || n || ':' || top, ','), '') FROM "
            "(SELECT source_id, count(*) AS n, max(id) AS top FROM releases GROUP BY source_id ORDER BY source_id)"));
        if (!v)
            return v.status();
        // The settings the inventory depends on (not subsystem_scheme_used, which it writes).
        auto settings = store.db().scalar(QStringLiteral(
            "SELECT ifnull(group_concat(source_id || '=' || name || '=' || value, ','), '') FROM "
            "(SELECT * FROM source_settings WHERE name IN ('subsystem_scheme', 'binding_model', 'binding_tree', "
            "'second_language') ORDER BY source_id, name)"));
        if (!settings)
            return settings.status();
        // A binding crate has commits but usually no releases: its inventory follows its commits.
        auto commits = store.db().scalar(QStringLiteral("SELECT count(*) || ':' || ifnull(max(id), 0) FROM commits"));
        if (!commits)
            return commits.status();
        return QString(v->toString() + QLatin1Char('|') + settings->toString() + QLatin1Char('|') + commits->toString());
    }

    Result<DerivationRun> run(Store &store, const DeriveOptions &, const JobContext &ctx) override
    {
        auto sources = gitSources(store);
        if (!sources)
            return sources.status();
        DerivationRun run;
        for (const GitSource &source : std::as_const(sources.value())) {
            if (!QFileInfo(source.repository).isDir()) {
                run.warnings[QStringLiteral("repository-missing")] += 1;
                continue; // a repository moved away since its ingest: its stored facts stay
            }
            Status s = analyzeSource(store, source, ctx);
            if (s.isOk())
                s = analyzeCrate(store, source, *sources, ctx);
            if (s.isCancelled())
                return s;
            if (!s.isOk())
                return s.withContext(QStringLiteral("MAINTAINERS and binding inventory of %1").arg(source.repository));
            run.items += 1;
        }
        run.note = QStringLiteral("%1 git sources analysed").arg(run.items);
        return run;
    }
};

} // namespace

std::unique_ptr<Derivation> makeReleaseTreesDerivation() { return std::make_unique<ReleaseTreesDerivation>(); }

} // namespace kl::derive
