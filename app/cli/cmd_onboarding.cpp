// kernellens-cli onboarding: newcomer cohorts from git, per quarter or per release (LWN's method).

#include "cli.h"

#include <kernellens/models/onboarding.h>

namespace kl::cli {

int onboarding(Context &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Newcomer cohorts from the ingested git history: newcomers, how many entered through the second "
        "language and how many ever touched it, retention (a commit again 6-12 months after the first), "
        "and the median time from first to second commit. Per release, newcomers are LWN's first-time "
        "contributors. See docs/git.md."));
    const QCommandLineOption by(QStringLiteral("by"), QStringLiteral("quarter (default) or release"), QStringLiteral("PERIOD"),
                                QStringLiteral("quarter"));
    const QCommandLineOption since(QStringLiteral("since"), QStringLiteral("first date (YYYY-MM-DD)"), QStringLiteral("DATE"));
    const QCommandLineOption until(QStringLiteral("until"), QStringLiteral("last date (YYYY-MM-DD)"), QStringLiteral("DATE"));
    const QCommandLineOption releases = releasesOption();
    parser.addOptions({by, since, until, releases});
    int exitCode = ExitOk;
    if (!parseOrExit(ctx, parser, args, exitCode))
        return exitCode;
    if (!parser.positionalArguments().isEmpty())
        return ctx.usage(QStringLiteral("onboarding takes no positional arguments"));
    models::Filter filter;
    const QString period = parser.value(by);
    if (period == QLatin1String("quarter"))
        filter.period = models::Period::Quarter;
    else if (period == QLatin1String("release"))
        filter.period = models::Period::Release;
    else
        return ctx.usage(QStringLiteral("--by takes quarter or release, not '%1'").arg(period));
    if (QString error; !parseReleases(parser, releases, filter, error))
        return ctx.usage(error);
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
    auto section = models::onboardingSection(*store, filter);
    if (!section)
        return ctx.fail(section.status());
    ctx.print(*section);
    return ExitOk;
}

} // namespace kl::cli
