// kernellens-cli coverage: binding coverage per MAINTAINERS subsystem at a release, the diff
// against another release, the trend, and --fail-under thresholds for CI jobs.

#include "cli.h"

#include <kernellens/models/visible_text.h>

#include <kernellens/models/coverage.h>

#include <cmath>

namespace kl::cli {

namespace {

struct Threshold
{
    QString subsystem;
    double percent = 0;
};

} // namespace

int coverage(Context &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Binding coverage per MAINTAINERS subsystem: BC_api (exported symbols referenced from Rust / exported "
        "symbols), bound headers, helpers, abstraction modules, Rust drivers and an adoption level 0-5. "
        "See docs/coverage.md."));
    const QCommandLineOption releaseOption(QStringLiteral("release"),
                                           QStringLiteral("the release tag (default: the latest analysed)"),
                                           QStringLiteral("TAG"));
    const QCommandLineOption compareOption(QStringLiteral("compare"),
                                           QStringLiteral("also show what became reachable since TAG"),
                                           QStringLiteral("TAG"));
    const QCommandLineOption subsystemOption(QStringLiteral("subsystem"),
                                             QStringLiteral("only this MAINTAINERS section, with its items"),
                                             QStringLiteral("NAME"));
    const QCommandLineOption failUnderOption(
        QStringLiteral("fail-under"),
        QStringLiteral("exit with status 3 when NAME's BC_api is below PCT percent (repeatable)"),
        QStringLiteral("NAME=PCT"));
    parser.addOption(releaseOption);
    parser.addOption(compareOption);
    parser.addOption(subsystemOption);
    parser.addOption(failUnderOption);
    const QCommandLineOption releases = releasesOption();
    parser.addOption(releases);
    int exitCode = ExitOk;
    if (!parseOrExit(ctx, parser, args, exitCode))
        return exitCode;
    if (!parser.positionalArguments().isEmpty())
        return ctx.usage(QStringLiteral("coverage takes no positional arguments"));

    QList<Threshold> thresholds;
    for (const QString &spec : parser.values(failUnderOption)) {
        const qsizetype eq = spec.lastIndexOf(QLatin1Char('='));
        QString pct = eq > 0 ? spec.mid(eq + 1).trimmed() : QString();
        if (pct.endsWith(QLatin1Char('%')))
            pct.chop(1);
        bool ok = false;
        const double value = pct.toDouble(&ok);
        if (eq <= 0 || !ok || value < 0 || value > 100)
            return ctx.usage(QStringLiteral("--fail-under needs NAME=PCT with PCT in 0..100, not '%1'").arg(spec));
        thresholds.append({spec.left(eq).trimmed(), value});
    }

    models::Filter filter;
    if (QString error; !parseReleases(parser, releases, filter, error))
        return ctx.usage(error);
    auto store = ctx.openStore(Store::Mode::ReadOnly);
    if (!store)
        return ctx.fail(store.status());
    filter.release = parser.value(releaseOption);
    filter.compareRelease = parser.value(compareOption);
    filter.subsystem = parser.value(subsystemOption);
    auto section = models::coverageSection(*store, filter);
    if (!section)
        return ctx.fail(section.status());
    ctx.print(*section);

    if (thresholds.isEmpty())
        return ExitOk;
    auto snapshot = models::coverageSnapshot(*store, filter.release);
    if (!snapshot)
        return ctx.fail(snapshot.status());
    QStringList below;
    for (const Threshold &t : std::as_const(thresholds)) {
        const models::SubsystemCoverage *c = snapshot->find(t.subsystem);
        if (!c)
            return ctx.fail(Status::error(QStringLiteral("--fail-under: no subsystem named '%1' at %2")
                                              .arg(t.subsystem, snapshot->release.tag)));
        const double bc = c->bcApi();
        const double pct = std::isfinite(bc) ? bc * 100.0 : 0.0;
        if (pct < t.percent)
            below.append(QStringLiteral("%1: BC_api %2% (%3/%4) is below %5%")
                             .arg(t.subsystem, QString::number(pct, 'f', 2))
                             .arg(c->referenced)
                             .arg(c->exported)
                             .arg(QString::number(t.percent, 'g', 6)));
    }
    if (below.isEmpty())
        return ExitOk;
    for (const QString &line : std::as_const(below))
        ctx.err << "kernellens-cli: coverage below threshold: " << report::visibleText(line) << '\n';
    ctx.err.flush();
    return ExitBelowThreshold;
}

} // namespace kl::cli
