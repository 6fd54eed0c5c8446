#include <kernellens/models/crate_coverage.h>

#include <kernellens/index/store.h>

#include <QDateTime>
#include <QHash>
#include <QMap>

#include <algorithm>
#include <optional>
#include <cmath>

namespace kl::models {

namespace {

using report::Column;

QVariant percentOrNull(double v)
{
    return std::isfinite(v) ? QVariant(v) : QVariant();
}

// Case-folded, without diacritics: the key persons are merged on.
QString nameKey(const QString &name)
{
    const QString decomposed = name.normalized(QString::NormalizationForm_D);
    QString out;
    for (QChar c : decomposed)
        if (c.category() != QChar::Mark_NonSpacing)
            out += c;
    return out.simplified().toCaseFolded();
}

QString monthOf(qint64 secs)
{
    return QDateTime::fromSecsSinceEpoch(secs, Qt::UTC).toString(QStringLiteral("yyyy-MM"));
}

struct CommitRow
{
    int ord = 0;
    QString oid;
    qint64 time = 0;
    int boundHeaders = 0, conditional = 0, references = 0, referencedFunctions = 0, modules = 0, drivers = 0,
        apiItems = 0;
};

Result<QList<CommitRow>> crateCommits(Store &store, qint64 sourceId)
{
    QList<CommitRow> rows;
    KL_TRY(store.db().forEachRow(
        QStringLiteral("SELECT ord, oid, time, bound_headers, conditional_headers, references_total, "
                       "referenced_functions, modules, drivers, api_items FROM crate_commits WHERE source_id = ? ORDER BY ord"),
        {sourceId}, [&](const Statement &r) {
            rows.append({int(r.int64(0)), r.text(1), r.int64(2), int(r.int64(3)), int(r.int64(4)), int(r.int64(5)),
                         int(r.int64(6)), int(r.int64(7)), int(r.int64(8)), int(r.int64(9))});
        }));
    return rows;
}

report::Table subsystemTable(const QList<CrateSubsystem> &subsystems)
{
    report::Table t;
    t.id = QStringLiteral("coverage.crate.subsystems");
    t.title = QStringLiteral("Bound C API per subsystem at the crate's latest commit");
    t.columns = {{QStringLiteral("subsystem"), QStringLiteral("Subsystem"), Column::Kind::Text},
                 {QStringLiteral("bound_headers"), QStringLiteral("Bound headers"), Column::Kind::Integer},
                 {QStringLiteral("declared"), QStringLiteral("Declared functions"), Column::Kind::Integer},
                 {QStringLiteral("referenced"), QStringLiteral("Referenced"), Column::Kind::Integer},
                 {QStringLiteral("share"), QStringLiteral("Referenced share"), Column::Kind::Percent}};
    for (const auto &s : subsystems)
        t.rows.append({s.subsystem, s.boundHeaders, s.declaredFunctions, s.referencedFunctions, percentOrNull(s.share())});
    return t;
}

Result<report::Table> itemTable(Store &store, qint64 sourceId)
{
    report::Table t;
    t.id = QStringLiteral("coverage.crate.items");
    t.title = QStringLiteral("Crate inventory at the latest commit");
    t.columns = {{QStringLiteral("kind"), QStringLiteral("Kind"), Column::Kind::Text},
                 {QStringLiteral("name"), QStringLiteral("Name"), Column::Kind::Text},
                 {QStringLiteral("path"), QStringLiteral("Path"), Column::Kind::Text},
                 {QStringLiteral("subsystem"), QStringLiteral("Subsystem"), Column::Kind::Text},
                 {QStringLiteral("detail"), QStringLiteral("Detail"), Column::Kind::Text}};
    KL_TRY(store.db().forEachRow(
        QStringLiteral("SELECT kind, name, path, subsystem, detail FROM crate_items WHERE source_id = ? "
                       "AND kind <> 'declared-function' ORDER BY kind, subsystem, name"),
        {sourceId}, [&](const Statement &r) { t.rows.append({r.text(0), r.text(1), r.text(2), r.text(3), r.text(4)}); }));
    return t;
}

// The figures every trend row of the crate carries, per commit or per tag.
QList<Column> figureColumns()
{
    return {{QStringLiteral("bound_headers"), QStringLiteral("Bound headers"), Column::Kind::Integer},
            {QStringLiteral("referenced_functions"), QStringLiteral("Referenced functions"), Column::Kind::Integer},
            {QStringLiteral("references"), QStringLiteral("bindings:: names"), Column::Kind::Integer},
            {QStringLiteral("modules"), QStringLiteral("Modules"), Column::Kind::Integer},
            {QStringLiteral("drivers"), QStringLiteral("Drivers/demos"), Column::Kind::Integer},
            {QStringLiteral("api_items"), QStringLiteral("Public API items"), Column::Kind::Integer}};
}

QVariantList figures(const CommitRow &c)
{
    return {c.boundHeaders, c.referencedFunctions, c.references, c.modules, c.drivers, c.apiItems};
}

// The three lines of the crate's trend charts (per month, per tag).
struct TrendSeries
{
    report::Series headers{QStringLiteral("bound headers"), {}};
    report::Series functions{QStringLiteral("referenced functions"), {}};
    report::Series modules{QStringLiteral("modules"), {}};
    void append(const CommitRow &c)
    {
        headers.values.append(c.boundHeaders);
        functions.values.append(c.referencedFunctions);
        modules.values.append(c.modules);
    }
    QList<report::Series> all() const { return {headers, functions, modules}; }
};

report::Table commitTable(const QList<CommitRow> &commits)
{
    report::Table t;
    t.id = QStringLiteral("coverage.crate.commits");
    t.title = QStringLiteral("Trend per commit");
    t.columns = {{QStringLiteral("ord"), QStringLiteral("#"), Column::Kind::Integer},
                 {QStringLiteral("commit"), QStringLiteral("Commit"), Column::Kind::Text},
                 {QStringLiteral("date"), QStringLiteral("Date"), Column::Kind::DateTime}};
    t.columns += figureColumns();
    for (const auto &c : commits)
        t.rows.append(QVariantList{c.ord + 1, c.oid.left(12), QDateTime::fromSecsSinceEpoch(c.time, Qt::UTC)} + figures(c));
    return t;
}

struct TagRow
{
    QString tag;
    QString oid;
    qint64 date = 0;
};

Result<QList<TagRow>> crateTags(Store &store, qint64 sourceId)
{
    QList<TagRow> tags;
    KL_TRY(store.db().forEachRow(QStringLiteral("SELECT tag, commit_oid, date FROM releases WHERE source_id = ? "
                                                "ORDER BY ordinal"),
                                 {sourceId}, [&](const Statement &r) { tags.append({r.text(0), r.text(1), r.int64(2)}); }));
    return tags;
}

// The figures of a tag are those of its commit when the commit is on the first-parent line the
// trend follows; a tag on a side branch gets the last first-parent commit at or before its date,
// and says so, rather than a tree nobody measured.
const CommitRow *commitOfTag(const QList<CommitRow> &commits, const TagRow &tag, bool *exact)
{
    const CommitRow *before = nullptr;
    for (const auto &c : commits) {
        if (c.oid == tag.oid) {
            *exact = true;
            return &c;
        }
        if (c.time <= tag.date)
            before = &c;
    }
    *exact = false;
    return before;
}

// Per tag of the binding repository (empty when it has none: the trend is then per month).
void addTagTrend(report::Section &section, const QList<CommitRow> &commits, const QList<TagRow> &tags)
{
    if (tags.isEmpty())
        return;
    report::Table t;
    t.id = QStringLiteral("coverage.crate.tags");
    t.title = QStringLiteral("Trend per tag");
    t.columns = {{QStringLiteral("tag"), QStringLiteral("Tag"), Column::Kind::Text},
                 {QStringLiteral("commit"), QStringLiteral("Commit"), Column::Kind::Text},
                 {QStringLiteral("date"), QStringLiteral("Date"), Column::Kind::DateTime}};
    t.columns += figureColumns();
    t.columns.append({QStringLiteral("measured_at"), QStringLiteral("Measured at"), Column::Kind::Text});
    report::Chart chart;
    chart.id = QStringLiteral("coverage.crate.tags");
    chart.title = QStringLiteral("Binding crate per tag");
    chart.kind = report::Chart::Kind::Line;
    chart.xTitle = QStringLiteral("tag");
    TrendSeries series;
    for (const TagRow &tag : tags) {
        bool exact = false;
        const CommitRow *c = commitOfTag(commits, tag, &exact);
        if (!c)
            continue; // tagged before the crate's first commit on the line: nothing measured
        const QString measured = exact ? QStringLiteral("the tagged commit")
                                       : QStringLiteral("%1, the first-parent commit before it (the tag is on a side branch)")
                                             .arg(c->oid.left(12));
        t.rows.append(QVariantList{tag.tag, tag.oid.left(12), QDateTime::fromSecsSinceEpoch(tag.date, Qt::UTC)} + figures(*c)
                      + QVariantList{measured});
        chart.categories.append(tag.tag);
        series.append(*c);
    }
    chart.series = series.all();
    section.tables.append(t);
    section.charts.append(chart);
}

// A chart of the C tree's releases with nothing but zeros (a tree with no bindings of its own,
// as freebsd-src next to an out-of-tree crate) would be an empty tab in front of the reader.
bool chartHasData(const report::Chart &chart)
{
    for (const auto &series : chart.series)
        for (double v : series.values)
            if (std::isfinite(v) && v != 0)
                return true;
    return false;
}

} // namespace

double CrateSubsystem::share() const
{
    return declaredFunctions > 0 ? double(referencedFunctions) / declaredFunctions : NAN;
}

double AuthorConcentration::topShare(int n, bool byLines) const
{
    QList<double> values;
    for (const auto &a : authors)
        values.append(byLines ? double(a.lines) : double(a.commits));
    std::sort(values.begin(), values.end(), std::greater<>());
    const double total = byLines ? double(lines) : double(commits);
    if (total <= 0)
        return NAN;
    double sum = 0;
    for (int i = 0; i < std::min<int>(n, int(values.size())); ++i)
        sum += values.at(i);
    return sum / total;
}

Result<QList<qint64>> crateSources(Store &store)
{
    QList<qint64> ids;
    // A store made before the crate schema and opened read-only (the GUI) has no crate tables
    // until a read-write run migrates it: it has no crates either.
    auto hasTable = store.db().hasTable(QStringLiteral("crate_runs"));
    if (!hasTable)
        return hasTable.status();
    if (!*hasTable)
        return ids;
    KL_TRY(store.db().forEachRow(QStringLiteral("SELECT source_id FROM crate_runs ORDER BY source_id"), {},
                                 [&](const Statement &r) { ids.append(r.int64(0)); }));
    return ids;
}

Result<QList<CrateSubsystem>> crateSubsystems(Store &store, qint64 sourceId)
{
    QMap<QString, CrateSubsystem> bySubsystem;
    KL_TRY(store.db().forEachRow(
        QStringLiteral("SELECT subsystem, kind, count(DISTINCT name) FROM crate_items WHERE source_id = ? AND kind IN "
                       "('bound-header', 'declared-function', 'referenced-function') AND subsystem <> '' "
                       "GROUP BY subsystem, kind"),
        {sourceId}, [&](const Statement &r) {
            CrateSubsystem &s = bySubsystem[r.text(0)];
            s.subsystem = r.text(0);
            const QString kind = r.text(1);
            const int n = int(r.int64(2));
            if (kind == QLatin1String("bound-header"))
                s.boundHeaders = n;
            else if (kind == QLatin1String("declared-function"))
                s.declaredFunctions = n;
            else
                s.referencedFunctions = n;
        }));
    QList<CrateSubsystem> out = bySubsystem.values();
    std::stable_sort(out.begin(), out.end(), [](const auto &a, const auto &b) {
        return a.referencedFunctions != b.referencedFunctions ? a.referencedFunctions > b.referencedFunctions
                                                              : a.boundHeaders > b.boundHeaders;
    });
    return out;
}

Result<AuthorConcentration> authorConcentration(Store &store, qint64 sourceId)
{
    AuthorConcentration result;
    QHash<QString, int> indexByKey;
    KL_TRY(store.db().forEachRow(
        QStringLiteral("SELECT p.name, count(*), sum(l.lines) FROM commits c JOIN persons p ON p.id = c.author_person "
                       "LEFT JOIN (SELECT commit_id, sum(ifnull(added, 0) + ifnull(deleted, 0)) AS lines FROM commit_files "
                       "GROUP BY commit_id) l ON l.commit_id = c.id WHERE c.source_id = ? GROUP BY p.id"),
        {sourceId}, [&](const Statement &r) {
            const QString key = nameKey(r.text(0));
            int i = indexByKey.value(key, -1);
            if (i < 0) {
                i = int(result.authors.size());
                indexByKey.insert(key, i);
                result.authors.append({r.text(0), 0, 0});
            }
            result.authors[i].commits += int(r.int64(1));
            result.authors[i].lines += r.int64(2);
            result.commits += int(r.int64(1));
            result.lines += r.int64(2);
        }));
    std::stable_sort(result.authors.begin(), result.authors.end(),
                     [](const auto &a, const auto &b) { return a.commits > b.commits; });
    return result;
}

Result<report::Section> crateCoverageSection(Store &store, qint64 sourceId)
{
    auto location = store.db().scalar(QStringLiteral("SELECT location FROM sources WHERE id = ?"), {sourceId});
    if (!location)
        return location.status();
    auto run = store.db().scalar(QStringLiteral("SELECT tree_location || ' at ' || substr(tree_oid, 1, 12) || ' (' || "
                                                "subsystem_scheme || ' subsystems)' FROM crate_runs WHERE source_id = ?"),
                                 {sourceId});
    if (!run)
        return run.status();
    if (run->isNull())
        return Status::error(QStringLiteral("%1 has no crate inventory (ingest it with --binding-model crate)")
                                 .arg(location->toString()));
    auto subsystems = crateSubsystems(store, sourceId);
    auto commits = crateCommits(store, sourceId);
    auto authors = authorConcentration(store, sourceId);
    auto items = itemTable(store, sourceId);
    auto tags = crateTags(store, sourceId);
    if (!subsystems || !commits || !authors || !items || !tags)
        return !subsystems ? subsystems.status() : !commits ? commits.status() : !authors ? authors.status()
               : !items    ? items.status()
                           : tags.status();

    report::Section section;
    section.id = QStringLiteral("coverage");
    section.title = QStringLiteral("Binding crate %1").arg(location->toString());
    section.method = QStringLiteral(
        "Out-of-tree binding crate measured against %1. Bound headers are the #include lines of the crate's "
        "bindings.h (conditional ones included), located in the tree and attributed to its subsystems (MAINTAINERS "
        "rows, else the header's directory). Declared functions are the prototypes and inline functions of those "
        "headers and of the headers they include that the tree has; referenced functions are those named as "
        "bindings::NAME in the crate's Rust files, directly or through the fn_/rust_bindings_ wrappers bindings.h "
        "defines. Churn counts public items (pub fn/struct/enum/trait/type/const/static/mod) of <crate>/src/**.rs "
        "added and removed per month. The trend is per first-parent commit, per month and, when the repository has "
        "release tags, per tag. See docs/coverage.md.").arg(run->toString());
    section.tables.append(subsystemTable(*subsystems));
    section.tables.append(*items);

    QMap<QString, CommitRow> lastOfMonth;
    QMap<QString, int> commitsOfMonth;
    for (const auto &c : *commits) {
        lastOfMonth[monthOf(c.time)] = c;
        commitsOfMonth[monthOf(c.time)] += 1;
    }
    report::Table trend;
    trend.id = QStringLiteral("coverage.crate.trend");
    trend.title = QStringLiteral("Trend per month (the month's last commit)");
    trend.columns = {{QStringLiteral("month"), QStringLiteral("Month"), Column::Kind::Text},
                     {QStringLiteral("commits"), QStringLiteral("Commits"), Column::Kind::Integer},
                     {QStringLiteral("bound_headers"), QStringLiteral("Bound headers"), Column::Kind::Integer},
                     {QStringLiteral("referenced_functions"), QStringLiteral("Referenced functions"), Column::Kind::Integer},
                     {QStringLiteral("modules"), QStringLiteral("Modules"), Column::Kind::Integer},
                     {QStringLiteral("api_items"), QStringLiteral("Public API items"), Column::Kind::Integer}};
    report::Chart trendChart;
    trendChart.id = QStringLiteral("coverage.crate.trend");
    trendChart.title = QStringLiteral("Binding crate per month");
    trendChart.kind = report::Chart::Kind::Line;
    trendChart.xTitle = QStringLiteral("month");
    TrendSeries series;
    for (auto it = lastOfMonth.constBegin(); it != lastOfMonth.constEnd(); ++it) {
        const CommitRow &c = it.value();
        trend.rows.append({it.key(), commitsOfMonth.value(it.key()), c.boundHeaders, c.referencedFunctions, c.modules, c.apiItems});
        trendChart.categories.append(it.key());
        series.append(c);
    }
    trendChart.series = series.all();
    section.tables.append(trend);
    section.tables.append(commitTable(*commits));

    report::Table churn;
    churn.id = QStringLiteral("coverage.crate.churn");
    churn.title = QStringLiteral("Binding churn: public API items added and removed per month");
    churn.columns = {{QStringLiteral("month"), QStringLiteral("Month"), Column::Kind::Text},
                     {QStringLiteral("added"), QStringLiteral("Added"), Column::Kind::Integer},
                     {QStringLiteral("removed"), QStringLiteral("Removed"), Column::Kind::Integer}};
    QMap<QString, QPair<int, int>> perMonth;
    for (auto it = lastOfMonth.constBegin(); it != lastOfMonth.constEnd(); ++it)
        perMonth[it.key()] = {0, 0};
    KL_TRY(store.db().forEachRow(
        QStringLiteral("SELECT k.time, a.change, count(*) FROM crate_api_changes a JOIN crate_commits k "
                       "ON k.source_id = a.source_id AND k.ord = a.ord WHERE a.source_id = ? GROUP BY k.ord, a.change"),
        {sourceId}, [&](const Statement &r) {
            auto &m = perMonth[monthOf(r.int64(0))];
            (r.int64(1) > 0 ? m.first : m.second) += int(r.int64(2));
        }));
    report::Chart churnChart;
    churnChart.id = QStringLiteral("coverage.crate.churn");
    churnChart.title = QStringLiteral("Public API items added and removed per month");
    churnChart.kind = report::Chart::Kind::Bar;
    churnChart.xTitle = QStringLiteral("month");
    report::Series added{QStringLiteral("added"), {}}, removed{QStringLiteral("removed"), {}};
    for (auto it = perMonth.constBegin(); it != perMonth.constEnd(); ++it) {
        churn.rows.append({it.key(), it.value().first, it.value().second});
        churnChart.categories.append(it.key());
        added.values.append(it.value().first);
        removed.values.append(it.value().second);
    }
    churnChart.series = {added, removed};
    section.tables.append(churn);

    report::Table people;
    people.id = QStringLiteral("coverage.crate.authors");
    people.title = QStringLiteral("Author concentration");
    people.columns = {{QStringLiteral("author"), QStringLiteral("Author"), Column::Kind::Text},
                      {QStringLiteral("commits"), QStringLiteral("Commits"), Column::Kind::Integer},
                      {QStringLiteral("commit_share"), QStringLiteral("Share of commits"), Column::Kind::Percent},
                      {QStringLiteral("lines"), QStringLiteral("Lines changed"), Column::Kind::Integer},
                      {QStringLiteral("line_share"), QStringLiteral("Share of lines"), Column::Kind::Percent}};
    for (const auto &a : authors->authors)
        people.rows.append({a.name, a.commits, percentOrNull(authors->commits ? double(a.commits) / authors->commits : NAN),
                            a.lines, percentOrNull(authors->lines ? double(a.lines) / authors->lines : NAN)});
    people.note = QStringLiteral("Top 1: %1 % of commits, %2 % of lines; top 3: %3 % of commits, %4 % of lines "
                                 "(%5 commits, %6 lines, %7 authors after merging names that differ only in case "
                                 "and diacritics).")
                      .arg(100 * authors->topShare(1, false), 0, 'f', 1).arg(100 * authors->topShare(1, true), 0, 'f', 1)
                      .arg(100 * authors->topShare(3, false), 0, 'f', 1).arg(100 * authors->topShare(3, true), 0, 'f', 1)
                      .arg(authors->commits).arg(authors->lines).arg(authors->authors.size());
    section.tables.append(people);
    section.charts = {trendChart, churnChart};
    addTagTrend(section, *commits, *tags);
    return section;
}

Result<report::Table> crateSubsystemItems(Store &store, const QString &subsystem)
{
    report::Table t;
    t.id = QStringLiteral("coverage.crate.subsystem-items");
    t.title = QStringLiteral("%1: bound C API").arg(subsystem);
    t.columns = {{QStringLiteral("kind"), QStringLiteral("Kind"), Column::Kind::Text},
                 {QStringLiteral("name"), QStringLiteral("Name"), Column::Kind::Text},
                 {QStringLiteral("path"), QStringLiteral("Path"), Column::Kind::Text},
                 {QStringLiteral("detail"), QStringLiteral("Detail"), Column::Kind::Text}};
    // Bound headers, then what the crate references, then what the headers declare and the
    // crate does not use yet: the last group is the subsystem's unbound API.
    KL_TRY(store.db().forEachRow(
        QStringLiteral(
            "SELECT CASE kind WHEN 'bound-header' THEN 'bound header' WHEN 'referenced-function' THEN 'referenced function' "
            "ELSE 'declared, not referenced' END, name, path, detail FROM crate_items i WHERE subsystem = ? AND "
            "(kind IN ('bound-header', 'referenced-function') OR (kind = 'declared-function' AND NOT EXISTS ("
            "SELECT 1 FROM crate_items r WHERE r.source_id = i.source_id AND r.kind = 'referenced-function' "
            "AND r.name = i.name))) GROUP BY kind, name, path "
            "ORDER BY CASE kind WHEN 'bound-header' THEN 0 WHEN 'referenced-function' THEN 1 ELSE 2 END, name"),
        {subsystem}, [&](const Statement &r) { t.rows.append({r.text(0), r.text(1), r.text(2), r.text(3)}); }));
    if (t.rows.isEmpty())
        t.note = QStringLiteral("The binding crate binds no header of %1.").arg(subsystem);
    return t;
}

Result<report::Section> withCrateSections(Store &store, Result<report::Section> releaseSection)
{
    auto crates = crateSources(store);
    if (!crates)
        return crates.status();
    if (crates->isEmpty())
        return releaseSection;
    // A store with a binding crate is about the crate: its tables and charts come first (the
    // GUI opens the first of each), the release tables of the C tree after them.
    std::optional<report::Section> merged;
    for (qint64 id : std::as_const(*crates)) {
        auto crate = crateCoverageSection(store, id);
        if (!crate)
            return crate.status();
        if (!merged) {
            merged = *crate;
            continue;
        }
        merged->method += QStringLiteral(" ") + crate->title + QStringLiteral(": ") + crate->method;
        merged->tables += crate->tables;
        merged->charts += crate->charts;
    }
    if (releaseSection) {
        merged->method += QStringLiteral(" ") + releaseSection->title + QStringLiteral(": ") + releaseSection->method;
        merged->tables += releaseSection->tables;
        QStringList empty;
        for (const report::Chart &chart : std::as_const(releaseSection->charts)) {
            if (chartHasData(chart))
                merged->charts.append(chart);
            else
                empty.append(chart.title);
        }
        if (!empty.isEmpty())
            merged->method += QStringLiteral(" Charts of the tree's releases left out because every value is 0 (the "
                                             "tree has no bindings of its own): %1.").arg(empty.join(QStringLiteral("; ")));
    }
    return *merged;
}

} // namespace kl::models
