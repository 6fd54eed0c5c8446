// kernellens-cli: the headless face of KernelLens. Global options come before the subcommand;
// each subcommand parses its own.

#include "cli.h"
#include "interrupt.h"

#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>

#include <cstdio>

#include <unistd.h>

namespace {

struct Subcommand
{
    const char *name;
    const char *summary;
    kl::cli::Command run;
};

const Subcommand kSubcommands[] = {
    {"ingest git", "ingest a git repository (path or URL)", kl::cli::ingestGit},
    {"ingest mail", "ingest a mail archive: public-inbox, epoch, mbox, Maildir or URL", kl::cli::ingestMail},
    {"search", "search messages with lore query syntax", kl::cli::search},
    {"thread", "show the thread of a Message-ID", kl::cli::thread},
    {"stats", "counts of what the store holds", kl::cli::stats},
    {"adoption", "second-language adoption per release or month", kl::cli::adoption},
    {"onboarding", "newcomer cohorts and retention", kl::cli::onboarding},
    {"coverage", "binding coverage per MAINTAINERS subsystem", kl::cli::coverage},
    {"friction", "heated review threads, ranked with evidence", kl::cli::friction},
    {"patches", "patch mail with the commit that merged it and its outcome", kl::cli::patches},
    {"series", "patch series: versions, outcome, release, review latencies", kl::cli::series},
    {"review", "review outcomes and latencies per month or release", kl::cli::review},
    {"link", "link patch mail to commits (--methods), or evaluate the methods", kl::cli::link},
    {"derive", "run the derive stage (it also runs after every ingest)", kl::cli::derive},
    {"report", "write a report (html, pdf, md, json, csv)", kl::cli::report},
};

QString defaultStoreDir()
{
    const QByteArray env = qgetenv("KERNELLENS_DB");
    if (!env.isEmpty())
        return QString::fromLocal8Bit(env);
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
           + QStringLiteral("/kernellens/default");
}

QString usageText()
{
    QString text = QStringLiteral(
        "Usage: kernellens-cli [--db DIR] [--json|--csv] [--quiet] COMMAND [ARGS...]\n\n"
        "KernelLens shows how a kernel community adopts a second language.\n\n"
        "Global options:\n"
        "  --db DIR     the store directory (default: $KERNELLENS_DB or %1)\n"
        "  --json       print data as JSON\n"
        "  --csv        print tables as CSV\n"
        "  -q, --quiet  no progress output\n"
        "  --version    print the version\n"
        "  -h, --help   this help; COMMAND --help for a command's own options\n\n"
        "Commands:\n").arg(defaultStoreDir());
    for (const auto &c : kSubcommands)
        text += QStringLiteral("  %1%2\n")
                    .arg(QString::fromLatin1(c.name).leftJustified(13), QString::fromLatin1(c.summary));
    text += QStringLiteral("\nExit status: 0 success, 1 failure, 2 usage error, 3 below a --fail-under "
                           "threshold, 130 interrupted (rerun to resume).\n");
    return text;
}

} // namespace

int main(int argc, char *argv[])
{
    // `report --format html|pdf` needs its application object from the render module (cmd_report.cpp).
    const auto app = kl::cli::createApplication(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("kernellens-cli"));
    QCoreApplication::setOrganizationName(QStringLiteral("KernelLens"));
    QCoreApplication::setApplicationVersion(QStringLiteral(KERNELLENS_VERSION));

    QTextStream out(stdout);
    QTextStream err(stderr);
    kl::cli::Context ctx{defaultStoreDir(), kl::cli::OutputFormat::Text, false,
                         isatty(STDERR_FILENO) == 1, {}, out, err};

    QStringList args = QCoreApplication::arguments().mid(1);
    QStringList rest;
    bool commandSeen = false;
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        // --json/--csv/--db are accepted after the command too, as users type them there.
        if (a == QLatin1String("--json")) {
            ctx.format = kl::cli::OutputFormat::Json;
        } else if (a == QLatin1String("--csv")) {
            ctx.format = kl::cli::OutputFormat::Csv;
        } else if (a == QLatin1String("--quiet") || (!commandSeen && a == QLatin1String("-q"))) {
            ctx.quiet = true;
        } else if (a == QLatin1String("--db")) {
            if (i + 1 >= args.size())
                return ctx.usage(QStringLiteral("--db needs a directory"));
            ctx.storeDir = args[++i];
        } else if (a.startsWith(QLatin1String("--db="))) {
            ctx.storeDir = a.mid(5);
        } else if (!commandSeen && a == QLatin1String("--version")) {
            out << "kernellens-cli " << KERNELLENS_VERSION << '\n';
            return kl::cli::ExitOk;
        } else if (!commandSeen && (a == QLatin1String("--help") || a == QLatin1String("-h"))) {
            out << usageText();
            return kl::cli::ExitOk;
        } else if (!commandSeen && a.startsWith(QLatin1Char('-'))) {
            return ctx.usage(QStringLiteral("unknown option %1").arg(a));
        } else {
            commandSeen = true;
            rest << a;
        }
    }
    if (rest.isEmpty()) {
        err << usageText();
        return kl::cli::ExitUsage;
    }
    if (ctx.storeDir.isEmpty())
        return ctx.usage(QStringLiteral("--db needs a directory"));
    ctx.storeDir = QDir(ctx.storeDir).absolutePath();

    const Subcommand *chosen = nullptr;
    int consumed = 0;
    for (const auto &c : kSubcommands) {
        const QStringList words = QString::fromLatin1(c.name).split(QLatin1Char(' '));
        if (rest.size() >= words.size() && rest.mid(0, words.size()) == words) {
            chosen = &c;
            consumed = int(words.size());
            break;
        }
    }
    if (!chosen) {
        if (rest.first() == QLatin1String("ingest"))
            return ctx.usage(QStringLiteral("ingest needs a kind: ingest git SOURCE or ingest mail --list NAME SOURCE"));
        return ctx.usage(QStringLiteral("unknown command '%1'").arg(rest.first()));
    }

    kl::cli::installInterruptHandler(ctx.cancel);

    // The subcommand sees its own name first, as QCommandLineParser expects.
    QStringList commandArgs{QStringLiteral("kernellens-cli ") + QString::fromLatin1(chosen->name)};
    commandArgs += rest.mid(consumed);
    const int code = chosen->run(ctx, commandArgs);
    out.flush();
    err.flush();
    kl::cli::removeInterruptHandler();
    return code;
}
