// kernellens-cli derive: the derive stage on its own (it also runs after every ingest), and
// kernellens-cli link: patch -> commit linking with chosen methods, or their evaluation.

#include "cli.h"

#include <kernellens/models/visible_text.h>

#include <kernellens/ingest/derive.h>

#include <QJsonArray>
#include <QJsonObject>

namespace kl::cli {

namespace {

QJsonArray runsJson(const derive::DeriveSummary &summary)
{
    QJsonArray runs;
    for (const derive::DerivationRun &run : summary.runs) {
        QJsonObject warnings;
        for (auto it = run.warnings.cbegin(); it != run.warnings.cend(); ++it)
            warnings.insert(it.key(), it.value());
        runs.append(QJsonObject{{QStringLiteral("name"), run.name},
                                {QStringLiteral("skipped"), run.skipped},
                                {QStringLiteral("items"), run.items},
                                {QStringLiteral("seconds"), run.seconds},
                                {QStringLiteral("note"), run.note},
                                {QStringLiteral("warnings"), warnings}});
    }
    return runs;
}

void printRuns(Context &ctx, const derive::DeriveSummary &summary)
{
    for (const derive::DerivationRun &run : summary.runs) {
        if (run.skipped) {
            ctx.out << QStringLiteral("  %1 unchanged\n").arg(run.name.leftJustified(14));
            continue;
        }
        ctx.out << QStringLiteral("  %1 %2 s  %3\n").arg(run.name.leftJustified(14)).arg(run.seconds, 6, 'f', 2).arg(report::visibleText(run.note));
        for (auto it = run.warnings.cbegin(); it != run.warnings.cend(); ++it)
            ctx.out << QStringLiteral("  %1 warning %2: %3\n").arg(QString().leftJustified(14), report::visibleText(it.key())).arg(it.value());
    }
    ctx.out << QStringLiteral("derived in %1 s\n").arg(summary.seconds, 0, 'f', 1);
}

Result<derive::DeriveSummary> runWithProgress(Context &ctx, Store &store, const derive::DeriveOptions &options)
{
    ProgressReporter reporter(ctx.progressSink());
    JobContext job{ctx.cancel, &reporter};
    auto summary = derive::runDerivations(store, options, job);
    if (ctx.progressOnTerminal && !ctx.quiet)
        ctx.err << '\n';
    return summary;
}

QStringList splitList(const QString &value)
{
    QStringList items;
    for (const QString &item : value.split(QLatin1Char(','), Qt::SkipEmptyParts))
        items << item.trimmed();
    return items;
}

} // namespace

Result<QJsonArray> deriveAfterIngest(Context &ctx, Store &store)
{
    auto summary = runWithProgress(ctx, store, {});
    if (!summary)
        return summary.status();
    if (ctx.format == OutputFormat::Text && !ctx.quiet)
        printRuns(ctx, *summary);
    return runsJson(*summary);
}

int derive(Context &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs the derive stage: threads and series, friction scores, release-tree inventories, "
        "patch-ids, patch -> commit links and series review. It runs after every ingest; a "
        "derivation whose inputs are unchanged is skipped."));
    const QCommandLineOption only(QStringLiteral("only"), QStringLiteral("run only these derivations (comma-separated)"), QStringLiteral("NAMES"));
    const QCommandLineOption force(QStringLiteral("force"), QStringLiteral("run even when the inputs are unchanged"));
    const QCommandLineOption list(QStringLiteral("list"), QStringLiteral("list the derivations, what they read and write"));
    const QCommandLineOption ignored(QStringLiteral("ignored-after"), QStringLiteral("days without a reply from others after which a series is ignored (default 30)"), QStringLiteral("DAYS"), QStringLiteral("30"));
    parser.addOptions({only, force, list, ignored});
    int exitCode = ExitOk;
    if (!parseOrExit(ctx, parser, args, exitCode))
        return exitCode;
    if (parser.isSet(list)) {
        QJsonArray all;
        for (const derive::DerivationInfo &d : derive::derivations()) {
            all.append(QJsonObject{{QStringLiteral("name"), d.name}, {QStringLiteral("description"), d.description},
                                   {QStringLiteral("reads"), QJsonArray::fromStringList(d.reads)},
                                   {QStringLiteral("writes"), QJsonArray::fromStringList(d.writes)}});
            if (ctx.format != OutputFormat::Json)
                ctx.out << d.name << ": " << d.description << "\n  reads: " << d.reads.join(QStringLiteral(", "))
                        << "\n  writes: " << d.writes.join(QStringLiteral(", ")) << '\n';
        }
        if (ctx.format == OutputFormat::Json)
            ctx.printJson(all);
        return ExitOk;
    }
    derive::DeriveOptions options;
    options.only = splitList(parser.value(only));
    options.force = parser.isSet(force);
    bool ok = false;
    options.ignoredAfterDays = parser.value(ignored).toInt(&ok);
    if (!ok || options.ignoredAfterDays < 1)
        return ctx.usage(QStringLiteral("--ignored-after needs a number of days (1 or more)"));
    auto store = ctx.openStore(Store::Mode::ReadWrite);
    if (!store)
        return ctx.fail(store.status());
    auto summary = runWithProgress(ctx, *store, options);
    if (!summary)
        return summary.status().message().startsWith(QLatin1String("unknown")) ? ctx.usage(summary.errorMessage())
                                                                               : ctx.fail(summary.status());
    if (ctx.format == OutputFormat::Json)
        ctx.printJson(QJsonObject{{QStringLiteral("runs"), runsJson(*summary)}, {QStringLiteral("seconds"), summary->seconds}});
    else if (!ctx.quiet)
        printRuns(ctx, *summary);
    return ExitOk;
}

int link(Context &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Links patch mail to the commits that merged it, trying the methods in order: trailer "
        "(Link:/Message-ID: names the message), applied (an \"applied\" reply names the commit), "
        "patch-id (git patch-id --stable), author-date (same author, author date and files), "
        "subject (same subject, author and overlapping files). With --evaluate, holds each "
        "method's answers against the trailer method's and prints precision and recall."));
    const QCommandLineOption methods(QStringLiteral("methods"), QStringLiteral("methods to use, comma-separated (default: all)"), QStringLiteral("LIST"));
    const QCommandLineOption evaluate(QStringLiteral("evaluate"), QStringLiteral("print precision and recall per method against the trailers; writes nothing"));
    parser.addOptions({methods, evaluate});
    int exitCode = ExitOk;
    if (!parseOrExit(ctx, parser, args, exitCode))
        return exitCode;
    const QStringList chosen = splitList(parser.value(methods));
    for (const QString &m : chosen)
        if (!derive::linkMethodNames().contains(m))
            return ctx.usage(QStringLiteral("unknown link method %1 (known: %2)").arg(m, derive::linkMethodNames().join(QStringLiteral(", "))));

    if (parser.isSet(evaluate)) {
        auto store = ctx.openStore(Store::Mode::ReadOnly);
        if (!store)
            return ctx.fail(store.status());
        ProgressReporter reporter(ctx.progressSink());
        auto rows = derive::evaluateLinkMethods(*store, chosen, JobContext{ctx.cancel, &reporter});
        if (!rows)
            return ctx.fail(rows.status());
        report::Table table;
        table.id = QStringLiteral("link_evaluation");
        table.title = QStringLiteral("Link methods against the Link:/Message-ID: trailers");
        table.columns = {{QStringLiteral("method"), QStringLiteral("Method"), report::Column::Kind::Text},
                         {QStringLiteral("truth"), QStringLiteral("Commits with a trailer link"), report::Column::Kind::Integer},
                         {QStringLiteral("answered"), QStringLiteral("Answered"), report::Column::Kind::Integer},
                         {QStringLiteral("correct"), QStringLiteral("Correct"), report::Column::Kind::Integer},
                         {QStringLiteral("precision"), QStringLiteral("Precision"), report::Column::Kind::Real},
                         {QStringLiteral("recall"), QStringLiteral("Recall"), report::Column::Kind::Real}};
        for (const derive::MethodEvaluation &e : rows.value())
            table.rows.append(QVariantList{e.method, e.truth, e.answered, e.correct, e.precision, e.recall});
        ctx.print(table);
        return ExitOk;
    }
    auto store = ctx.openStore(Store::Mode::ReadWrite);
    if (!store)
        return ctx.fail(store.status());
    derive::DeriveOptions options;
    options.only = QStringList{QStringLiteral("patch-ids"), QStringLiteral("links"), QStringLiteral("review")};
    options.linkMethods = chosen;
    options.force = true; // re-runs linking (and what follows it) even when nothing changed
    auto summary = runWithProgress(ctx, *store, options);
    if (!summary)
        return ctx.fail(summary.status());
    if (ctx.format == OutputFormat::Json)
        ctx.printJson(QJsonObject{{QStringLiteral("runs"), runsJson(*summary)}, {QStringLiteral("seconds"), summary->seconds}});
    else if (!ctx.quiet)
        printRuns(ctx, *summary);
    return ExitOk;
}

} // namespace kl::cli
