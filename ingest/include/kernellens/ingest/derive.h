#pragma once
// The derive stage: every fact computed from stored facts (threads and series, friction scores,
// MAINTAINERS and binding inventories per release, patch-ids, patch -> commit links, series
// outcomes and review latencies) is a registered derivation, run after every ingest, from the CLI
// and the GUI alike. Each derivation declares what it reads and writes, fingerprints its inputs
// (its watermark, in table derive_state), and is skipped while that fingerprint is unchanged;
// when it runs it redoes only what changed where it can (docs/derive.md says how far each goes).
// Cancel and resume as ingest: work is committed in batches, and a rerun continues.

#include <kernellens/index/job.h>
#include <kernellens/index/result.h>

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace kl {
class Store;
}

namespace kl::derive {

// Patch -> commit link methods, in the order they are tried (docs/review.md).
QStringList linkMethodNames(); // trailer, applied, patch-id, author-date, subject

struct DeriveOptions
{
    QStringList only;              // derivation names to run (with nothing else); empty: all
    bool force = false;            // run even when the inputs' fingerprint is unchanged
    QStringList linkMethods;       // empty: all of linkMethodNames()
    int ignoredAfterDays = 30;     // a series with no reply from others within this is "ignored"
};

struct DerivationInfo
{
    QString name;                  // "threads", "friction", "release-trees", "patch-ids", "links", "review"
    QString description;
    QStringList reads;             // tables (and other derivations' outputs) it reads
    QStringList writes;            // tables it writes
};

// In run order: a derivation only reads what the ones before it wrote.
QList<DerivationInfo> derivations();

struct DerivationRun
{
    QString name;
    bool skipped = false;          // inputs unchanged since its last run
    qint64 items = 0;              // rows (re)computed
    double seconds = 0;
    QString note;                  // one line: what it did
    QHash<QString, qint64> warnings;  // counted warnings by kind (rows in derive_warnings)
};

struct DeriveSummary
{
    QList<DerivationRun> runs;
    double seconds = 0;
};

// Runs the selected derivations in order. Unknown names in options.only or options.linkMethods
// are an error naming them. Cancellation returns Status::cancelled() with everything finished
// so far committed; the next run resumes.
Result<DeriveSummary> runDerivations(Store &store, const DeriveOptions &options, const JobContext &ctx);

// One line for a job log: "derived in 2.1 s: threads (…), links (…); 3 skipped".
QString summaryLine(const DeriveSummary &summary);

// `link --evaluate`: each method's answers held against the trailer method's, on the commits
// whose Link:/Message-ID: trailer names a patch in the archive (as PaStA evaluates). The answers
// are computed fresh; nothing is written.
struct MethodEvaluation
{
    QString method;
    qint64 truth = 0;              // commits with a trailer link (the reference)
    qint64 answered = 0;           // of those, commits the method linked to some patch
    qint64 correct = 0;            // ... to the patch the trailer names (or a copy of it)
    double precision = 0;          // correct / answered
    double recall = 0;             // correct / truth
};
Result<QList<MethodEvaluation>> evaluateLinkMethods(Store &store, const QStringList &methods,
                                                    const JobContext &ctx);

} // namespace kl::derive
