#pragma once
// Binding coverage per subsystem and release, from the inventory that
// kl::ingest::analyzeReleaseTrees() stores (tables in docs/coverage.md). Plain results for the
// GUI's views and drill-down, and a report::Section for every surface.

#include <kernellens/index/result.h>
#include <kernellens/models/filter.h>
#include <kernellens/models/report.h>

#include <QList>
#include <QString>
#include <QStringList>

namespace kl {
class Store;
}

namespace kl::models {

// Adoption level of a subsystem at a release (the highest that applies).
enum class CoverageLevel {
    Nothing = 0,          // nothing reachable
    HeadersReachable = 1, // a header it owns is included by the bindings/uapi helper headers
    RawBindings = 2,      // an exported symbol referenced as bindings::NAME, or a helper for it
    SafeAbstraction = 3,  // a module under rust/kernel attributed to it
    InTreeUser = 4,       // a second-language file outside rust/, samples/, scripts/
    OwnSection = 5,       // MAINTAINERS has a "[RUST]" section rolled up into it
};

struct SubsystemCoverage
{
    QString subsystem;           // MAINTAINERS section name ([RUST] sections rolled up)
    int boundHeaders = 0;        // headers it owns reachable from the bindings/uapi helpers
    int publicHeaders = 0;       // include/**.h it owns
    int helpers = 0;             // rust_helper_* attributed to it
    int modules = 0;             // abstraction modules under rust/kernel
    int drivers = 0;             // second-language files outside rust/, samples/, scripts/
    int referenced = 0;          // exported symbols referenced as bindings::NAME
    int exported = 0;            // symbols it exports (EXPORT_SYMBOL*)
    QStringList secondLanguageSections; // "[RUST]" sections rolled up into it
    int level = 0;

    bool hasSecondLanguageSection() const { return !secondLanguageSections.isEmpty(); }
    double bcApi() const;        // referenced / exported; NaN when it exports nothing
};

struct CoverageRelease
{
    qint64 id = 0;
    QString tag;
    qint64 date = 0;             // unix seconds
    bool hasSecondLanguage = false;
    bool directoryBased = false; // no MAINTAINERS: subsystems are directories
    QString incomplete;          // figures left incomplete by unreadable blobs; empty: complete
};

struct CoverageSnapshot
{
    CoverageRelease release;
    QList<SubsystemCoverage> subsystems; // every subsystem of the release, sorted by name
    const SubsystemCoverage *find(const QString &subsystem) const;
};

struct CoverageItem
{
    QString kind;    // bound-header, uapi-header, helper, module, driver, referenced-export, export, public-header
    QString name;
    QString path;
    QString detail;
};

struct CoverageDiffRow
{
    QString subsystem;
    QString kind;
    QString name;
    bool added = true; // false: no longer reachable
};

struct CoverageLevelChange
{
    QString subsystem;
    int levelFrom = 0, levelTo = 0;
    int referencedFrom = 0, referencedTo = 0;
    int exportedFrom = 0, exportedTo = 0;
};

struct CoverageDiff
{
    CoverageRelease from, to;
    QList<CoverageDiffRow> rows;           // what became reachable (or stopped being)
    QList<CoverageLevelChange> changes;    // subsystems whose level or referenced count changed
};

// Releases with an inventory, oldest first.
Result<QList<CoverageRelease>> coverageReleases(Store &store, ReleaseSet set = ReleaseSet::All);
// `tag` empty = the latest release with an inventory.
Result<CoverageSnapshot> coverageSnapshot(Store &store, const QString &tag);
// Drill-down: the items attributed to a subsystem (`kind` empty = the reachable kinds:
// bound-header, uapi-header, helper, module, driver, referenced-export).
Result<QList<CoverageItem>> coverageItems(Store &store, const QString &tag, const QString &subsystem,
                                          const QString &kind = {});
// How an item kind reads for the binding model of the source of release `tag` (empty = latest):
// the scripting model (NetBSD Lua) says "exposed function" for helper, "Lua script" for driver...;
// other models keep the kind.
Result<QString> coverageItemKindTitle(Store &store, const QString &tag, const QString &kind);
Result<CoverageDiff> coverageDiff(Store &store, const QString &fromTag, const QString &toTag,
                                  const QString &subsystem = {});
// Every release with an inventory, oldest first.
Result<QList<CoverageSnapshot>> coverageTrend(Store &store, ReleaseSet set = ReleaseSet::All);

// Tables coverage.subsystems, coverage.items (Filter.subsystem), coverage.diff and
// coverage.level-changes (Filter.compareRelease), coverage.trend; charts coverage.level-heatmap
// and coverage.bc-api.
Result<report::Section> coverageSection(Store &store, const Filter &filter);

} // namespace kl::models
