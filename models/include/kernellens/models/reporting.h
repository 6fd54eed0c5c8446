#pragma once
// Assembles a whole report::Report from the store: the inputs with their watermarks and one
// section per analysis, each built by that analysis' own section builder (the same objects the
// GUI shows, so a report and the GUI show the same numbers). A section whose analysis has no
// data says what to ingest instead of failing the report.

#include <kernellens/index/result.h>
#include <kernellens/index/store.h>
#include <kernellens/models/filter.h>
#include <kernellens/models/report.h>

#include <QStringList>

namespace kl::models {

struct ReportOptions
{
    Filter filter;
    QString title;          // empty: "KernelLens report" plus the filter's scope
    QStringList sections;   // ids to include ("adoption", "coverage", "friction", "onboarding"); empty = all
};

// The section ids in report order.
QStringList reportSectionIds();

// One input per ingested source: kind, location, label, and a human summary of its watermarks
// ("head a1b2c3d4e5f6 · epoch:0 31699 · last run 2026-11-21 18:02 UTC").
Result<QList<report::Input>> reportInputs(Store &store);

// "subsystem RUST · 2024-01-01 … 2024-12-31 · v6.1 → v6.12"; empty when unfiltered.
QString describeFilter(const Filter &filter);

// A placeholder section: its method note reads "No data: <what to ingest>".
report::Section noDataSection(const QString &id, const QString &whatToIngest);

// A section whose builder fails (e.g. its tables do not exist in an older store) is replaced
// by a note naming the error, and the error is appended to `warnings`; SQL errors on the core
// tables fail the whole report.
Result<report::Report> buildReport(Store &store, const ReportOptions &options, QStringList *warnings = nullptr);

} // namespace kl::models
