#include <kernellens/models/coverage.h>
#include <kernellens/models/crate_coverage.h>

#include <kernellens/index/store.h>

#include "coverage_scripting.h"
#include "src/primary_source.h"
#include "src/release_view.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <limits>

namespace kl::models {

namespace {

const QStringList kReachableKinds = {QStringLiteral("bound-header"), QStringLiteral("uapi-header"),
                                     QStringLiteral("helper"), QStringLiteral("module"),
                                     QStringLiteral("driver"), QStringLiteral("referenced-export")};

QString nn(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

int levelOf(const SubsystemCoverage &c)
{
    if (c.hasSecondLanguageSection())
        return 5;
    if (c.drivers > 0)
        return 4;
    if (c.modules > 0)
        return 3;
    if (c.referenced > 0 || c.helpers > 0)
        return 2;
    if (c.boundHeaders > 0)
        return 1;
    return 0;
}

Result<CoverageRelease> findRelease(Store &store, const QString &tag)
{
    const QString base = QStringLiteral(
        "SELECT r.id, r.tag, r.date, m.has_second_language, m.directory_depth IS NOT NULL, m.incomplete "
        "FROM releases r JOIN maint_releases m ON m.release_id = r.id ");
    // Without a tag: the newest release of the kernel the store describes; a tag names any source's.
    auto stmt = store.db().prepare(tag.isEmpty() ? QString(base + QStringLiteral("WHERE r.source_id = ") + primaryGitSourceSql()
                                                           + QStringLiteral(" ORDER BY r.date DESC, r.ordinal DESC, r.id DESC LIMIT 1"))
                                                 : QString(base + QStringLiteral("WHERE r.tag = ? ORDER BY r.id DESC LIMIT 1")));
    if (!stmt)
        return stmt.status();
    if (!tag.isEmpty())
        stmt->bind(1, tag);
    auto row = stmt->step();
    if (!row)
        return row.status();
    if (!*row)
        return Status::error(tag.isEmpty() ? QStringLiteral("no release has a coverage inventory yet (run `ingest git`)")
                                           : QStringLiteral("release %1 has no coverage inventory (not ingested?)").arg(tag));
    CoverageRelease r;
    r.id = stmt->int64(0);
    r.tag = stmt->text(1);
    r.date = stmt->int64(2);
    r.hasSecondLanguage = stmt->int64(3) != 0;
    r.directoryBased = stmt->int64(4) != 0;
    r.incomplete = stmt->isNull(5) ? QString() : stmt->text(5);
    return r;
}

Result<CoverageSnapshot> snapshotOf(Store &store, const CoverageRelease &release)
{
    Database &db = store.db();
    QHash<QString, SubsystemCoverage> bySubsystem;
    {
        KL_TRY(db.forEachRow(QStringLiteral(
            "SELECT DISTINCT subsystem FROM maint_sections WHERE release_id = ? AND name <> 'THE REST'"), {QVariant(release.id)},
            [&](const Statement &row) {
                SubsystemCoverage c;
                c.subsystem = row.text(0);
                bySubsystem.insert(c.subsystem, c);
            }));
    }
    {
        KL_TRY(db.forEachRow(QStringLiteral(
            "SELECT x.subsystem, CASE WHEN i.kind = 'uapi-header' THEN 'bound-header' ELSE i.kind END AS k, "
            "count(DISTINCT i.name) FROM cov_items i JOIN cov_item_subsystems x ON x.item_id = i.id "
            "WHERE i.release_id = ? AND i.kind NOT IN ('binding-ref', 'helper-callee') GROUP BY 1, 2"), {QVariant(release.id)},
            [&](const Statement &row) {
                SubsystemCoverage &c = bySubsystem[row.text(0)];
                c.subsystem = row.text(0);
                const QString kind = row.text(1);
                const int n = int(row.int64(2));
                if (kind == QLatin1String("bound-header"))
                    c.boundHeaders = n;
                else if (kind == QLatin1String("public-header"))
                    c.publicHeaders = n;
                else if (kind == QLatin1String("helper"))
                    c.helpers = n;
                else if (kind == QLatin1String("module"))
                    c.modules = n;
                else if (kind == QLatin1String("driver"))
                    c.drivers = n;
                else if (kind == QLatin1String("export"))
                    c.exported = n;
            }));
    }
    {
        KL_TRY(db.forEachRow(QStringLiteral(
            "SELECT x.subsystem, count(DISTINCT i.name) FROM cov_items i "
            "JOIN cov_item_subsystems x ON x.item_id = i.id "
            "WHERE i.release_id = ?1 AND i.kind = 'export' AND i.name IN "
            "(SELECT name FROM cov_items WHERE release_id = ?1 AND kind IN ('binding-ref', 'helper-callee')) GROUP BY 1"), {QVariant(release.id)},
            [&](const Statement &row) {
                bySubsystem[row.text(0)].referenced = int(row.int64(1));
            }));
    }
    {
        KL_TRY(db.forEachRow(QStringLiteral(
            "SELECT subsystem, name FROM maint_sections WHERE release_id = ? AND second_language = 1 "
            "AND subsystem <> name ORDER BY name"), {QVariant(release.id)},
            [&](const Statement &row) {
                bySubsystem[row.text(0)].secondLanguageSections.append(row.text(1));
            }));
    }
    CoverageSnapshot snap;
    snap.release = release;
    for (auto it = bySubsystem.begin(); it != bySubsystem.end(); ++it) {
        it->subsystem = it.key();
        it->level = levelOf(*it);
        snap.subsystems.append(*it);
    }
    std::sort(snap.subsystems.begin(), snap.subsystems.end(),
              [](const SubsystemCoverage &a, const SubsystemCoverage &b) { return a.subsystem < b.subsystem; });
    return snap;
}

QVariant percentValue(double v)
{
    return std::isfinite(v) ? QVariant(v) : QVariant();
}

// Subsystems worth a row: anything reachable, plus the one asked for.
bool shown(const SubsystemCoverage &c, const QString &subsystem)
{
    return subsystem.isEmpty() ? c.level > 0 : c.subsystem == subsystem;
}

} // namespace

double SubsystemCoverage::bcApi() const
{
    return exported > 0 ? double(referenced) / double(exported) : std::numeric_limits<double>::quiet_NaN();
}

const SubsystemCoverage *CoverageSnapshot::find(const QString &subsystem) const
{
    for (const auto &c : subsystems)
        if (c.subsystem == subsystem)
            return &c;
    return nullptr;
}

namespace {

// Keeps the releases a per-release view shows under `set` (src/release_view.h).
Result<QList<CoverageRelease>> shownOnly(Store &store, QList<CoverageRelease> releases, ReleaseSet set)
{
    if (set == ReleaseSet::All || releases.isEmpty())
        return releases;
    auto source = store.db().scalar(QStringLiteral("SELECT ") + primaryGitSourceSql());
    if (!source)
        return source.status();
    auto view = ReleaseView::load(store.db(), source->toLongLong(), set);
    if (!view)
        return view.status();
    releases.removeIf([&](const CoverageRelease &r) { return view->indexOf(r.id) < 0; });
    return releases;
}

} // namespace

Result<QList<CoverageRelease>> coverageReleases(Store &store, ReleaseSet set)
{
    auto stmt = store.db().prepare(QStringLiteral(
        "SELECT r.id, r.tag, r.date, m.has_second_language, m.directory_depth IS NOT NULL, m.incomplete FROM releases r "
        "JOIN maint_releases m ON m.release_id = r.id WHERE r.source_id = ") + primaryGitSourceSql()
        + QStringLiteral(" ORDER BY r.date, r.ordinal, r.id"));
    if (!stmt)
        return stmt.status();
    QList<CoverageRelease> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return row.status();
        if (!*row)
            break;
        CoverageRelease r;
        r.id = stmt->int64(0);
        r.tag = stmt->text(1);
        r.date = stmt->int64(2);
        r.hasSecondLanguage = stmt->int64(3) != 0;
        r.directoryBased = stmt->int64(4) != 0;
        r.incomplete = stmt->isNull(5) ? QString() : stmt->text(5);
        out.append(r);
    }
    return shownOnly(store, out, set);
}

Result<CoverageSnapshot> coverageSnapshot(Store &store, const QString &tag)
{
    auto release = findRelease(store, tag);
    if (!release)
        return release.status();
    return snapshotOf(store, *release);
}

Result<QString> coverageItemKindTitle(Store &store, const QString &tag, const QString &kind)
{
    auto release = findRelease(store, tag);
    if (!release)
        return release.status();
    auto model = bindingModelOfRelease(store, release->id);
    if (!model)
        return model.status();
    return *model == QLatin1String("scripting") ? scriptingKindTitle(kind) : kind;
}

Result<QList<CoverageItem>> coverageItems(Store &store, const QString &tag, const QString &subsystem,
                                          const QString &kind)
{
    auto release = findRelease(store, tag);
    if (!release)
        return release.status();
    // referenced-export: exported symbols of the subsystem that Rust names as bindings::NAME.
    auto stmt = store.db().prepare(QStringLiteral(
        "SELECT k, name, path, detail FROM ("
        " SELECT i.kind AS k, i.name, i.path, i.detail FROM cov_items i JOIN cov_item_subsystems x ON x.item_id = i.id"
        "  WHERE i.release_id = ?1 AND x.subsystem = ?2"
        " UNION ALL"
        " SELECT 'referenced-export', i.name, i.path,"
        "  (SELECT group_concat(path, ', ') FROM (SELECT DISTINCT b.path FROM cov_items b WHERE b.release_id = ?1"
        "   AND b.kind IN ('binding-ref', 'helper-callee') AND b.name = i.name ORDER BY b.path))"
        "  FROM cov_items i JOIN cov_item_subsystems x ON x.item_id = i.id"
        "  WHERE i.release_id = ?1 AND x.subsystem = ?2 AND i.kind = 'export' AND i.name IN"
        "  (SELECT name FROM cov_items WHERE release_id = ?1 AND kind IN ('binding-ref', 'helper-callee'))"
        ") ORDER BY k, name, path"));
    if (!stmt)
        return stmt.status();
    stmt->bind(1, release->id).bind(2, subsystem);
    QList<CoverageItem> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return row.status();
        if (!*row)
            break;
        CoverageItem item{stmt->text(0), stmt->text(1), stmt->text(2), stmt->text(3)};
        if (kind.isEmpty() ? kReachableKinds.contains(item.kind) : item.kind == kind)
            out.append(item);
    }
    return out;
}

namespace {

// subsystem -> kind -> names, for the reachable kinds.
Result<QHash<QString, QSet<QString>>> reachableKeys(Store &store, qint64 releaseId, const QString &subsystem)
{
    auto stmt = store.db().prepare(QStringLiteral(
        "SELECT x.subsystem, i.kind, i.name FROM cov_items i JOIN cov_item_subsystems x ON x.item_id = i.id "
        "WHERE i.release_id = ?1 AND i.kind IN ('bound-header','uapi-header','helper','module','driver') "
        "AND (?2 = '' OR x.subsystem = ?2) "
        "UNION SELECT x.subsystem, 'referenced-export', i.name FROM cov_items i "
        "JOIN cov_item_subsystems x ON x.item_id = i.id WHERE i.release_id = ?1 AND i.kind = 'export' "
        "AND (?2 = '' OR x.subsystem = ?2) AND i.name IN "
        "(SELECT name FROM cov_items WHERE release_id = ?1 AND kind IN ('binding-ref', 'helper-callee'))"));
    if (!stmt)
        return stmt.status();
    stmt->bind(1, releaseId).bind(2, nn(subsystem));
    QHash<QString, QSet<QString>> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return row.status();
        if (!*row)
            break;
        out[stmt->text(0)].insert(stmt->text(1) + QLatin1Char('\n') + stmt->text(2));
    }
    return out;
}

} // namespace

Result<CoverageDiff> coverageDiff(Store &store, const QString &fromTag, const QString &toTag, const QString &subsystem)
{
    auto from = findRelease(store, fromTag);
    if (!from)
        return from.status();
    auto to = findRelease(store, toTag);
    if (!to)
        return to.status();
    CoverageDiff diff;
    diff.from = *from;
    diff.to = *to;
    auto before = reachableKeys(store, from->id, subsystem);
    if (!before)
        return before.status();
    auto after = reachableKeys(store, to->id, subsystem);
    if (!after)
        return after.status();
    QStringList subsystems = before->keys() + after->keys();
    std::sort(subsystems.begin(), subsystems.end());
    subsystems.erase(std::unique(subsystems.begin(), subsystems.end()), subsystems.end());
    for (const QString &s : std::as_const(subsystems)) {
        const QSet<QString> a = before->value(s);
        const QSet<QString> b = after->value(s);
        QList<CoverageDiffRow> rows;
        for (const QString &key : b)
            if (!a.contains(key))
                rows.append({s, key.section(QLatin1Char('\n'), 0, 0), key.section(QLatin1Char('\n'), 1), true});
        for (const QString &key : a)
            if (!b.contains(key))
                rows.append({s, key.section(QLatin1Char('\n'), 0, 0), key.section(QLatin1Char('\n'), 1), false});
        std::sort(rows.begin(), rows.end(), [](const CoverageDiffRow &x, const CoverageDiffRow &y) {
            if (x.added != y.added)
                return x.added;
            return x.kind != y.kind ? x.kind < y.kind : x.name < y.name;
        });
        diff.rows += rows;
    }
    auto snapFrom = snapshotOf(store, *from);
    if (!snapFrom)
        return snapFrom.status();
    auto snapTo = snapshotOf(store, *to);
    if (!snapTo)
        return snapTo.status();
    QSet<QString> names;
    for (const auto &c : snapFrom->subsystems)
        names.insert(c.subsystem);
    for (const auto &c : snapTo->subsystems)
        names.insert(c.subsystem);
    QStringList sorted(names.begin(), names.end());
    std::sort(sorted.begin(), sorted.end());
    for (const QString &s : std::as_const(sorted)) {
        if (!subsystem.isEmpty() && s != subsystem)
            continue;
        const SubsystemCoverage *a = snapFrom->find(s);
        const SubsystemCoverage *b = snapTo->find(s);
        CoverageLevelChange change{s, a ? a->level : 0, b ? b->level : 0, a ? a->referenced : 0,
                                   b ? b->referenced : 0, a ? a->exported : 0, b ? b->exported : 0};
        if (change.levelFrom != change.levelTo || change.referencedFrom != change.referencedTo)
            diff.changes.append(change);
    }
    return diff;
}

Result<QList<CoverageSnapshot>> coverageTrend(Store &store, ReleaseSet set)
{
    auto releases = coverageReleases(store, set);
    if (!releases)
        return releases.status();
    QList<CoverageSnapshot> out;
    for (const CoverageRelease &r : std::as_const(*releases)) {
        auto snap = snapshotOf(store, r);
        if (!snap)
            return snap.status();
        out.append(*snap);
    }
    return out;
}

namespace {

Result<report::Section> releaseCoverageSection(Store &store, const Filter &filter)
{
    using report::Column;
    auto snap = coverageSnapshot(store, filter.release);
    if (!snap)
        return snap.status();
    Filter f = filter;
    // A [RUST] section's name stands for the subsystem it rolls up into.
    if (!f.subsystem.isEmpty() && !snap->find(f.subsystem)) {
        auto parent = store.db().scalar(QStringLiteral("SELECT subsystem FROM maint_sections WHERE release_id = ? AND name = ?"),
                                        {snap->release.id, f.subsystem});
        if (parent && !parent->toString().isEmpty())
            f.subsystem = parent->toString();
    }
    const Filter &effective = f;
    report::Section section;
    section.id = QStringLiteral("coverage");
    section.title = QStringLiteral("Binding coverage at %1").arg(snap->release.tag);
    section.method = QStringLiteral(
        "Per MAINTAINERS subsystem ([RUST] sections rolled up into their C parent): bc_api = exported C symbols "
        "(EXPORT_SYMBOL*) named as bindings::NAME in any .rs file / exported symbols; bound headers are those "
        "included by rust/bindings/bindings_helper.h and rust/uapi/uapi_helper.h; helpers are rust_helper_* "
        "attributed through their first resolvable callee; modules are rust/kernel/**.rs attributed by MAINTAINERS, "
        "else by the subsystem whose exports they call most; drivers are .rs files outside rust/, samples/, "
        "scripts/. Level: 0 nothing, 1 headers reachable, 2 raw bindings or helpers, 3 abstraction module, "
        "4 in-tree user outside rust/, 5 a [RUST] MAINTAINERS section. See docs/coverage.md.");

    const QList<Column> subsystemColumns = {
        {QStringLiteral("subsystem"), QStringLiteral("Subsystem"), Column::Kind::Text},
        {QStringLiteral("level"), QStringLiteral("Level"), Column::Kind::Integer},
        {QStringLiteral("bc_api"), QStringLiteral("BC api"), Column::Kind::Percent},
        {QStringLiteral("referenced"), QStringLiteral("Referenced"), Column::Kind::Integer},
        {QStringLiteral("exported"), QStringLiteral("Exported"), Column::Kind::Integer},
        {QStringLiteral("bound_headers"), QStringLiteral("Bound headers"), Column::Kind::Integer},
        {QStringLiteral("public_headers"), QStringLiteral("Public headers"), Column::Kind::Integer},
        {QStringLiteral("helpers"), QStringLiteral("Helpers"), Column::Kind::Integer},
        {QStringLiteral("modules"), QStringLiteral("Modules"), Column::Kind::Integer},
        {QStringLiteral("drivers"), QStringLiteral("Drivers"), Column::Kind::Integer},
        {QStringLiteral("rust_section"), QStringLiteral("[RUST] section"), Column::Kind::Text},
    };

    report::Table table;
    table.id = QStringLiteral("coverage.subsystems");
    table.title = QStringLiteral("Subsystems at %1").arg(snap->release.tag);
    table.columns = subsystemColumns;
    QList<SubsystemCoverage> rows;
    int hidden = 0;
    for (const auto &c : snap->subsystems) {
        if (shown(c, effective.subsystem))
            rows.append(c);
        else if (effective.subsystem.isEmpty())
            ++hidden;
    }
    if (!effective.subsystem.isEmpty() && rows.isEmpty())
        return Status::error(QStringLiteral("no subsystem named '%1' at %2").arg(effective.subsystem, snap->release.tag));
    std::sort(rows.begin(), rows.end(), [](const SubsystemCoverage &a, const SubsystemCoverage &b) {
        if (a.level != b.level)
            return a.level > b.level;
        if (a.referenced != b.referenced)
            return a.referenced > b.referenced;
        return a.subsystem < b.subsystem;
    });
    for (const auto &c : rows)
        table.rows.append({c.subsystem, c.level, percentValue(c.bcApi()), c.referenced, c.exported, c.boundHeaders,
                           c.publicHeaders, c.helpers, c.modules, c.drivers,
                           c.secondLanguageSections.join(QStringLiteral("; "))});
    if (!snap->release.hasSecondLanguage)
        table.note = QStringLiteral("%1 has no rust/ directory: coverage is 0 everywhere.").arg(snap->release.tag);
    else if (hidden > 0)
        table.note = QStringLiteral("%1 subsystems at level 0 not listed.").arg(hidden);
    if (!snap->release.incomplete.isEmpty())   // missing blobs (partial clone, damaged pack)
        table.note = QString(table.note + QStringLiteral(" Incomplete: %1.").arg(snap->release.incomplete)).trimmed();
    section.tables.append(table);

    if (!effective.subsystem.isEmpty()) {
        auto items = coverageItems(store, snap->release.tag, effective.subsystem);
        if (!items)
            return items.status();
        report::Table t;
        t.id = QStringLiteral("coverage.items");
        t.title = QStringLiteral("What %1 exposes to the second language at %2").arg(effective.subsystem, snap->release.tag);
        t.columns = {{QStringLiteral("kind"), QStringLiteral("Kind"), Column::Kind::Text},
                     {QStringLiteral("name"), QStringLiteral("Name"), Column::Kind::Text},
                     {QStringLiteral("path"), QStringLiteral("Path"), Column::Kind::Text},
                     {QStringLiteral("detail"), QStringLiteral("Detail"), Column::Kind::Text}};
        for (const auto &i : std::as_const(*items))
            t.rows.append({i.kind, i.name, i.path, i.detail});
        section.tables.append(t);
    }

    if (!effective.compareRelease.isEmpty()) {
        auto diff = coverageDiff(store, effective.compareRelease, snap->release.tag, effective.subsystem);
        if (!diff)
            return diff.status();
        report::Table changes;
        changes.id = QStringLiteral("coverage.level-changes");
        changes.title = QStringLiteral("Level changes %1 -> %2").arg(diff->from.tag, diff->to.tag);
        changes.columns = {{QStringLiteral("subsystem"), QStringLiteral("Subsystem"), Column::Kind::Text},
                           {QStringLiteral("level_from"), QStringLiteral("Level ") + diff->from.tag, Column::Kind::Integer},
                           {QStringLiteral("level_to"), QStringLiteral("Level ") + diff->to.tag, Column::Kind::Integer},
                           {QStringLiteral("referenced_from"), QStringLiteral("Referenced ") + diff->from.tag, Column::Kind::Integer},
                           {QStringLiteral("referenced_to"), QStringLiteral("Referenced ") + diff->to.tag, Column::Kind::Integer},
                           {QStringLiteral("exported_from"), QStringLiteral("Exported ") + diff->from.tag, Column::Kind::Integer},
                           {QStringLiteral("exported_to"), QStringLiteral("Exported ") + diff->to.tag, Column::Kind::Integer}};
        QList<CoverageLevelChange> sortedChanges = diff->changes;
        std::sort(sortedChanges.begin(), sortedChanges.end(), [](const auto &a, const auto &b) {
            if (a.levelTo - a.levelFrom != b.levelTo - b.levelFrom)
                return a.levelTo - a.levelFrom > b.levelTo - b.levelFrom;
            return a.subsystem < b.subsystem;
        });
        for (const auto &c : sortedChanges)
            changes.rows.append({c.subsystem, c.levelFrom, c.levelTo, c.referencedFrom, c.referencedTo, c.exportedFrom,
                                 c.exportedTo});
        section.tables.append(changes);
        report::Table t;
        t.id = QStringLiteral("coverage.diff");
        t.title = QStringLiteral("Became reachable %1 -> %2").arg(diff->from.tag, diff->to.tag);
        t.columns = {{QStringLiteral("subsystem"), QStringLiteral("Subsystem"), Column::Kind::Text},
                     {QStringLiteral("change"), QStringLiteral("Change"), Column::Kind::Text},
                     {QStringLiteral("kind"), QStringLiteral("Kind"), Column::Kind::Text},
                     {QStringLiteral("name"), QStringLiteral("Name"), Column::Kind::Text}};
        for (const auto &r : std::as_const(diff->rows))
            t.rows.append({r.subsystem, r.added ? QStringLiteral("new") : QStringLiteral("gone"), r.kind, r.name});
        section.tables.append(t);
    }

    auto trend = coverageTrend(store, filter.releases);
    if (!trend)
        return trend.status();
    report::Table trendTable;
    trendTable.id = QStringLiteral("coverage.trend");
    trendTable.title = QStringLiteral("Coverage by release");
    trendTable.columns = {{QStringLiteral("release"), QStringLiteral("Release"), Column::Kind::Text},
                          {QStringLiteral("subsystem"), QStringLiteral("Subsystem"), Column::Kind::Text},
                          {QStringLiteral("level"), QStringLiteral("Level"), Column::Kind::Integer},
                          {QStringLiteral("bc_api"), QStringLiteral("BC api"), Column::Kind::Percent},
                          {QStringLiteral("referenced"), QStringLiteral("Referenced"), Column::Kind::Integer},
                          {QStringLiteral("exported"), QStringLiteral("Exported"), Column::Kind::Integer}};
    // Subsystems reachable in any release, by their best level.
    QHash<QString, int> bestLevel;
    for (const auto &s : std::as_const(*trend))
        for (const auto &c : s.subsystems)
            if (shown(c, effective.subsystem))
                bestLevel[c.subsystem] = std::max(bestLevel.value(c.subsystem), c.level);
    QStringList trendSubsystems = bestLevel.keys();
    std::sort(trendSubsystems.begin(), trendSubsystems.end(), [&](const QString &a, const QString &b) {
        return bestLevel.value(a) != bestLevel.value(b) ? bestLevel.value(a) > bestLevel.value(b) : a < b;
    });
    for (const auto &s : std::as_const(*trend))
        for (const QString &name : std::as_const(trendSubsystems)) {
            const SubsystemCoverage *c = s.find(name);
            trendTable.rows.append({s.release.tag, name, c ? c->level : 0, percentValue(c ? c->bcApi() : NAN),
                                    c ? c->referenced : 0, c ? c->exported : 0});
        }
    section.tables.append(trendTable);

    report::Chart heat;
    heat.id = QStringLiteral("coverage.level-heatmap");
    heat.title = QStringLiteral("Adoption level by release");
    heat.kind = report::Chart::Kind::HeatMap;
    heat.xTitle = QStringLiteral("Release");
    heat.yTitle = QStringLiteral("Subsystem");
    for (const auto &s : std::as_const(*trend))
        heat.categories.append(s.release.tag);
    // Every subsystem that ever had bindings (level > 0); the chart adapter folds all but the
    // top rows into "other (K subsystems)". Without any, the first 40 still show the zero map.
    QStringList heatRows;
    for (const QString &name : std::as_const(trendSubsystems))
        if (bestLevel.value(name) > 0)
            heatRows << name;
    if (heatRows.isEmpty())
        heatRows = trendSubsystems.mid(0, 40);
    for (const QString &name : std::as_const(heatRows)) {
        report::Series series;
        series.name = name;
        for (const auto &s : std::as_const(*trend)) {
            const SubsystemCoverage *c = s.find(name);
            series.values.append(c ? c->level : 0);
        }
        heat.series.append(series);
    }
    section.charts.append(heat);

    report::Chart bar;
    bar.id = QStringLiteral("coverage.bc-api");
    bar.title = QStringLiteral("Exported API referenced from Rust at %1").arg(snap->release.tag);
    bar.kind = report::Chart::Kind::Bar;
    bar.percent = true;
    bar.xTitle = QStringLiteral("Subsystem");
    bar.yTitle = QStringLiteral("BC api");
    report::Series bcSeries;
    bcSeries.name = QStringLiteral("BC api");
    QList<SubsystemCoverage> withExports;
    for (const auto &c : std::as_const(rows))
        if (c.referenced > 0)
            withExports.append(c);
    std::sort(withExports.begin(), withExports.end(),
              [](const auto &a, const auto &b) { return a.bcApi() > b.bcApi(); });
    for (const auto &c : withExports.mid(0, 30)) {
        bar.categories.append(c.subsystem);
        bcSeries.values.append(c.bcApi());
    }
    bar.series.append(bcSeries);
    section.charts.append(bar);
    auto model = bindingModelOfRelease(store, snap->release.id);
    if (!model)
        return model.status();
    if (*model == QLatin1String("scripting"))
        presentAsScripting(section, snap->release.hasSecondLanguage, snap->release.tag);
    return section;
}

} // namespace

// Binding crates (crate_coverage.cpp) add their tables to the release coverage, so the GUI, the
// report and the CLI show them in the one coverage section.
Result<report::Section> coverageSection(Store &store, const Filter &filter)
{
    return withCrateSections(store, releaseCoverageSection(store, filter));
}

} // namespace kl::models
