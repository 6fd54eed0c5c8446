#pragma once
// What every kernellens-cli subcommand gets: the global options, the cancel token that Ctrl-C
// trips, output streams, and one printer for text/JSON/CSV.

#include <kernellens/index/job.h>
#include <kernellens/index/result.h>
#include <kernellens/index/store.h>
#include <kernellens/models/filter.h>
#include <kernellens/models/report.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonValue>
#include <QStringList>
#include <QTextStream>

#include <memory>

namespace kl::cli {

enum class OutputFormat { Text, Json, Csv };

enum ExitCode { ExitOk = 0, ExitFailure = 1, ExitUsage = 2, ExitBelowThreshold = 3, ExitCancelled = 130 };

struct Context
{
    QString storeDir;
    OutputFormat format = OutputFormat::Text;
    bool quiet = false;
    bool progressOnTerminal = false;
    CancelToken cancel;
    QTextStream &out;
    QTextStream &err;

    Result<Store> openStore(Store::Mode mode) const;
    // A progress bar on stderr when it is a terminal; phase lines otherwise; nothing with --quiet.
    ProgressSink progressSink();

    // Prints "kernellens-cli: message" and returns the exit code for the status.
    int fail(const Status &status);
    int usage(const QString &message);

    // Output in the chosen format. CSV of a section writes its tables one after another,
    // separated by a blank line and a "# table-id" line.
    void print(const report::Table &table);
    void print(const report::Section &section);
    void printJson(const QJsonValue &value);
};

// Parses a subcommand's options; --help prints and returns false with exitCode set.
// `args` starts with the subcommand's own name, as QCommandLineParser expects.
bool parseOrExit(Context &ctx, QCommandLineParser &parser, const QStringList &args, int &exitCode);

// --releases feature|all of the per-release commands (docs/git.md, "Release series").
QCommandLineOption releasesOption();
// Sets filter.releases from the option; false (with a usage message in `error`) for another value.
bool parseReleases(const QCommandLineParser &parser, const QCommandLineOption &option, models::Filter &filter, QString &error);

using Command = int (*)(Context &, const QStringList &args);

// The process's application object: a QCoreApplication, except for `report --format html|pdf`
// where the kernellens-render module creates a QApplication on the offscreen platform
// (cmd_report.cpp). Call it first in main, before anything else touches Qt.
std::unique_ptr<QCoreApplication> createApplication(int &argc, char **argv);

// One file per subcommand.
int ingestGit(Context &, const QStringList &args);
int ingestMail(Context &, const QStringList &args);
int search(Context &, const QStringList &args);
int thread(Context &, const QStringList &args);
int stats(Context &, const QStringList &args);
int adoption(Context &, const QStringList &args);
int onboarding(Context &, const QStringList &args);
int coverage(Context &, const QStringList &args);
int friction(Context &, const QStringList &args);
int report(Context &, const QStringList &args);
int derive(Context &, const QStringList &args);
int link(Context &, const QStringList &args);
int patches(Context &, const QStringList &args);
int series(Context &, const QStringList &args);
int review(Context &, const QStringList &args);

// The derive stage after an ingest: prints one line per derivation (text) and returns the runs
// for the ingest's JSON object.
Result<QJsonArray> deriveAfterIngest(Context &ctx, Store &store);

} // namespace kl::cli
