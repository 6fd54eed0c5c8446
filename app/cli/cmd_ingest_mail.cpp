// kernellens-cli ingest mail --list NAME SOURCE...

#include "cli.h"

#include <kernellens/models/visible_text.h>

#include <kernellens/ingest/mail_ingest.h>

#include <QJsonArray>
#include <QJsonObject>

namespace kl::cli {

int ingestMail(Context &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Ingest mail archives into the store: a public-inbox v2 inbox directory (git/N.git), one "
        "epoch repository, a public-inbox v1 repository, an mbox (mboxrd or mboxo), a Maildir, or "
        "a URL of a lore inbox (…/LIST or …/LIST/N; cloned into the store, fetched on reruns). "
        "Reruns read only what is new."));
    parser.addOption({QStringLiteral("list"), QStringLiteral("The list NAME the messages belong to."),
                      QStringLiteral("NAME")});
    parser.addPositionalArgument(QStringLiteral("SOURCE"), QStringLiteral("Archives to read."),
                                 QStringLiteral("SOURCE..."));
    int exitCode = ExitOk;
    if (!parseOrExit(ctx, parser, args, exitCode))
        return exitCode;
    const QString list = parser.value(QStringLiteral("list")).trimmed();
    if (list.isEmpty())
        return ctx.usage(QStringLiteral("ingest mail needs --list NAME"));
    const QStringList sources = parser.positionalArguments();
    if (sources.isEmpty())
        return ctx.usage(QStringLiteral("ingest mail needs at least one SOURCE"));

    auto store = ctx.openStore(Store::Mode::ReadWrite);
    if (!store)
        return ctx.fail(store.status());

    ProgressReporter reporter(ctx.progressSink());
    JobContext job{ctx.cancel, &reporter};
    auto result = ingest::ingestMail(store.value(), {list, sources}, job);
    if (ctx.progressOnTerminal && !ctx.quiet)
        ctx.err << '\n';
    if (!result)
        return ctx.fail(result.status());
    const ingest::MailIngestSummary &s = result.value();
    if (ctx.format == OutputFormat::Text && !ctx.quiet)
        ctx.out << QStringLiteral("%1: %2 messages read, %3 added, %4 removed, %5 already stored, "
                                  "%6 duplicate Message-IDs, %7 warnings in %8 s (%9 messages/s)")
                       .arg(report::visibleText(list))
                       .arg(s.messagesRead)
                       .arg(s.messagesAdded)
                       .arg(s.messagesRemoved)
                       .arg(s.alreadyStored)
                       .arg(s.duplicates)
                       .arg(s.warnings)
                       .arg(s.seconds, 0, 'f', 1)
                       .arg(s.seconds > 0 ? s.messagesRead / s.seconds : 0.0, 0, 'f', 0)
                << '\n';
    if (ctx.format == OutputFormat::Text && !ctx.quiet)
        for (auto it = s.warningsByKind.cbegin(); it != s.warningsByKind.cend(); ++it)
            ctx.out << QStringLiteral("  warning %1: %2").arg(it.key()).arg(it.value()) << '\n';
    auto derived = deriveAfterIngest(ctx, *store);
    if (!derived)
        return ctx.fail(derived.status());

    if (ctx.format == OutputFormat::Json) {
        QJsonObject warnings;
        for (auto it = s.warningsByKind.cbegin(); it != s.warningsByKind.cend(); ++it)
            warnings.insert(it.key(), it.value());
        ctx.printJson(QJsonObject{
            {QStringLiteral("list"), list},
            {QStringLiteral("sources"), QJsonArray::fromStringList(s.sourcesDone)},
            {QStringLiteral("messages_read"), s.messagesRead},
            {QStringLiteral("messages_added"), s.messagesAdded},
            {QStringLiteral("messages_removed"), s.messagesRemoved},
            {QStringLiteral("already_stored"), s.alreadyStored},
            {QStringLiteral("duplicates"), s.duplicates},
            {QStringLiteral("warnings"), s.warnings},
            {QStringLiteral("warnings_by_kind"), warnings},
            {QStringLiteral("derive"), derived.value()},
            {QStringLiteral("seconds"), s.seconds},
            {QStringLiteral("messages_per_second"), s.seconds > 0 ? s.messagesRead / s.seconds : 0.0},
        });
        return ExitOk;
    }
    return ExitOk;
}

} // namespace kl::cli
