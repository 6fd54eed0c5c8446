// kernellens-cli patches | series | review: patch review from the derive stage's facts.

#include "cli.h"

#include <kernellens/models/review.h>

namespace kl::cli {

namespace {

struct ReviewOptions
{
    QCommandLineOption since{QStringLiteral("since"), QStringLiteral("first posted on or after DATE (YYYY-MM-DD)"), QStringLiteral("DATE")};
    QCommandLineOption until{QStringLiteral("until"), QStringLiteral("first posted on or before DATE (YYYY-MM-DD)"), QStringLiteral("DATE")};
    QCommandLineOption list{QStringLiteral("list"), QStringLiteral("only this mailing list"), QStringLiteral("NAME")};
    QCommandLineOption subsystem{QStringLiteral("subsystem"), QStringLiteral("only patch sets touching this MAINTAINERS subsystem"), QStringLiteral("NAME")};
    QCommandLineOption language{QStringLiteral("language"), QStringLiteral("second, c or other: what the patches touch"), QStringLiteral("LANG")};

    void addTo(QCommandLineParser &parser) const { parser.addOptions({since, until, list, subsystem, language}); }

    // Fills the filter; an error message for --help's user when a value is wrong.
    QString read(const QCommandLineParser &parser, models::Filter &filter) const
    {
        for (const auto &[option, date] : {std::pair{&since, &filter.since}, std::pair{&until, &filter.until}}) {
            if (!parser.isSet(*option))
                continue;
            *date = QDate::fromString(parser.value(*option), Qt::ISODate);
            if (!date->isValid())
                return QStringLiteral("--%1 needs a date YYYY-MM-DD").arg(option->names().constFirst());
        }
        filter.list = parser.value(list);
        filter.subsystem = parser.value(subsystem);
        filter.language = parser.value(language).toLower();
        if (filter.language == QLatin1String("rust") || filter.language == QLatin1String("lua"))
            filter.language = QStringLiteral("second");
        if (!filter.language.isEmpty() && !QStringList{QStringLiteral("second"), QStringLiteral("c"), QStringLiteral("other")}.contains(filter.language))
            return QStringLiteral("--language takes second, c or other, not '%1'").arg(parser.value(language));
        return {};
    }
};

// Parses the shared options, opens the store read-only and hands both to `build`.
template<typename Build>
int run(Context &ctx, const QStringList &args, const QString &description, bool withPeriod, Build build)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(description);
    ReviewOptions options;
    options.addTo(parser);
    const QCommandLineOption by(QStringLiteral("by"), QStringLiteral("month (default) or release"), QStringLiteral("PERIOD"), QStringLiteral("month"));
    if (withPeriod)
        parser.addOption(by);
    int exitCode = ExitOk;
    if (!parseOrExit(ctx, parser, args, exitCode))
        return exitCode;
    if (!parser.positionalArguments().isEmpty())
        return ctx.usage(QStringLiteral("%1 takes no positional arguments").arg(args.constFirst()));
    models::Filter filter;
    if (const QString problem = options.read(parser, filter); !problem.isEmpty())
        return ctx.usage(problem);
    filter.period = models::Period::Month;
    if (withPeriod) {
        const QString period = parser.value(by);
        if (period == QLatin1String("release"))
            filter.period = models::Period::Release;
        else if (period != QLatin1String("month"))
            return ctx.usage(QStringLiteral("--by takes month or release, not '%1'").arg(period));
    }
    auto store = ctx.openStore(Store::Mode::ReadOnly);
    if (!store)
        return ctx.fail(store.status());
    auto has = models::hasReviewData(*store);
    if (!has)
        return ctx.fail(has.status());
    if (!has.value())
        ctx.err << "kernellens-cli: no review facts yet: ingest a mail archive and the git repository its patches go into "
                   "(the derive stage links them), or run `kernellens-cli derive`\n";
    return build(*store, filter);
}

} // namespace

int patches(Context &ctx, const QStringList &args)
{
    return run(ctx, args,
               QStringLiteral("One row per patch mail: its series and version, the commit that merged it (full id), how "
                              "it was linked and with what confidence, and its outcome. See docs/review.md."),
               false, [&](Store &store, const models::Filter &filter) {
                   auto table = models::patchesTable(store, filter);
                   if (!table)
                       return ctx.fail(table.status());
                   ctx.print(*table);
                   return int(ExitOk);
               });
}

int series(Context &ctx, const QStringList &args)
{
    return run(ctx, args,
               QStringLiteral("One row per patch set through its versions: outcome (merged, superseded, rejected, pending, "
                              "ignored), commits, release, hours to first reply and first review, days to merge."),
               false, [&](Store &store, const models::Filter &filter) {
                   auto table = models::seriesTable(store, filter);
                   if (!table)
                       return ctx.fail(table.status());
                   ctx.print(*table);
                   return int(ExitOk);
               });
}

int review(Context &ctx, const QStringList &args)
{
    return run(ctx, args,
               QStringLiteral("Review aggregates per month or release, second language vs C, per list and subsystem: "
                              "outcome shares, median and p90 latencies, ignored share, versions to merge, and the "
                              "reviewers who carry the most review."),
               true, [&](Store &store, const models::Filter &filter) {
                   auto section = models::reviewSection(store, filter);
                   if (!section)
                       return ctx.fail(section.status());
                   ctx.print(*section);
                   return int(ExitOk);
               });
}

} // namespace kl::cli
