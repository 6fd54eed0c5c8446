#pragma once
// Coverage of an out-of-tree binding crate (binding model "crate", FreeBSD's Rust KPI crate):
// per subsystem at the latest commit, the trend over the crate's commits and months, API churn
// per month, and author concentration. Reads the crate_* tables written by
// kl::ingest::analyzeBindingCrate and the crate source's commits.

#include <kernellens/index/result.h>
#include <kernellens/models/report.h>

#include <QList>
#include <QString>

namespace kl {
class Store;
}

namespace kl::models {

struct CrateSubsystem
{
    QString subsystem;
    int boundHeaders = 0;
    int declaredFunctions = 0;
    int referencedFunctions = 0;
    double share() const; // referenced / declared; NaN when nothing is declared
};

struct AuthorShare
{
    QString name;       // the person's name (identities merged as docs/coverage.md says)
    int commits = 0;
    qint64 lines = 0;   // lines added + deleted
};

struct AuthorConcentration
{
    int commits = 0;
    qint64 lines = 0;
    QList<AuthorShare> authors; // most commits first
    double topShare(int n, bool byLines) const;
};

// Git sources with a crate inventory, by id.
Result<QList<qint64>> crateSources(Store &store);
Result<QList<CrateSubsystem>> crateSubsystems(Store &store, qint64 sourceId);
// Persons are merged when their names are equal after case folding and removing diacritics
// ("Ayrton Muñoz" = "Ayrton Munoz"), on top of the store's .mailmap and email merging.
Result<AuthorConcentration> authorConcentration(Store &store, qint64 sourceId);

// Tables coverage.crate.subsystems, coverage.crate.items, coverage.crate.trend (per month),
// coverage.crate.commits (per commit), coverage.crate.churn, coverage.crate.authors; charts
// coverage.crate.trend and coverage.crate.churn; when the binding repository has release tags,
// table and chart coverage.crate.tags (per tag) after them.
Result<report::Section> crateCoverageSection(Store &store, qint64 sourceId);

// Drill-down of one row of coverage.crate.subsystems, over every crate of the store: its bound
// headers, the functions the crates reference, and the declared functions no crate references.
Result<report::Table> crateSubsystemItems(Store &store, const QString &subsystem);

// With binding crates: the crates' tables and charts first, then the release coverage's (ids
// unchanged; without an analysed release, the crates' alone; release charts whose values are all
// 0 are left out and named in the method note). Without crates: releaseSection.
Result<report::Section> withCrateSections(Store &store, Result<report::Section> releaseSection);

} // namespace kl::models
