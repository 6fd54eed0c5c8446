// kernellens-cli adoption: second-language adoption per release or month, overall or per subsystem.

#include "cli.h"

#include <kernellens/models/adoption.h>

namespace kl::cli {

int adoption(Context &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Second-language adoption from the ingested git history: files and lines per language at each "
        "release, the second language's share of (second + C) lines, commits and distinct authors "
        "touching it, and first-time authors. See docs/git.md."));
    const QCommandLineOption by(QStringLiteral("by"), QStringLiteral("release (default) or month"), QStringLiteral("PERIOD"),
                                QStringLiteral("release"));
    const QCommandLineOption subsystem(QStringLiteral("subsystem"),
                                       QStringLiteral("a MAINTAINERS section or subsystem (top-level directory when "
                                                      "MAINTAINERS was not analysed)"),
                                       QStringLiteral("NAME"));
    const QCommandLineOption since(QStringLiteral("since"), QStringLiteral("first date (YYYY-MM-DD)"), QStringLiteral("DATE"));
    const QCommandLineOption until(QStringLiteral("until"), QStringLiteral("last date (YYYY-MM-DD)"), QStringLiteral("DATE"));
    const QCommandLineOption releases = releasesOption();
    parser.addOptions({by, subsystem, since, until, releases});
    int exitCode = ExitOk;
    if (!parseOrExit(ctx, parser, args, exitCode))
        return exitCode;
    if (!parser.positionalArguments().isEmpty())
        return ctx.usage(QStringLiteral("adoption takes no positional arguments"));
    models::Filter filter;
    const QString period = parser.value(by);
    if (period == QLatin1String("release"))
        filter.period = models::Period::Release;
    else if (period == QLatin1String("month"))
        filter.period = models::Period::Month;
    else
        return ctx.usage(QStringLiteral("--by takes release or month, not '%1'").arg(period));
    if (QString error; !parseReleases(parser, releases, filter, error))
        return ctx.usage(error);
    filter.subsystem = parser.value(subsystem);
    for (const auto &[option, date] : {std::pair{&since, &filter.since}, std::pair{&until, &filter.until}}) {
        if (!parser.isSet(*option))
            continue;
        *date = QDate::fromString(parser.value(*option), Qt::ISODate);
        if (!date->isValid())
            return ctx.usage(QStringLiteral("--%1 needs a date YYYY-MM-DD").arg(option->names().constFirst()));
    }
    auto store = ctx.openStore(Store::Mode::ReadOnly);
    if (!store)
        return ctx.fail(store.status());
    auto section = models::adoptionSection(*store, filter);
    if (!section)
        return ctx.fail(section.status());
    ctx.print(*section);
    return ExitOk;
}

} // namespace kl::cli
