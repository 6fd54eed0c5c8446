// kernellens-cli ingest git SOURCE: history, releases and release snapshots of a repository.

#include "cli.h"

#include <kernellens/models/visible_text.h>

#include <kernellens/ingest/git_ingest.h>

#include <kernellens/ingest/source_settings.h>

#include <QJsonArray>
#include <QJsonObject>

namespace kl::cli {

namespace {

void printGitSummary(Context &ctx, const ingest::GitIngestSummary &s)
{
    for (const QString &change : s.settingChanges)
        ctx.out << report::visibleText(change) << '\n';
    ctx.out << "ingested " << report::visibleText(s.repositoryPath) << ": " << s.commitsAdded << " new commits ("
            << s.mergesAdded << " merges, " << s.fileChangesAdded << " file changes), "
            << s.commitsReassigned << " reassigned to new releases, " << s.releasesAdded
            << " new releases of " << s.releasesTotal << ", " << s.snapshotsAdded
            << " release snapshots (" << s.blobsCounted << " blobs read); history "
            << QString::number(s.historySeconds, 'f', 2) << " s, snapshots "
            << QString::number(s.snapshotSeconds, 'f', 2) << " s\n";
    if (!s.promisorRemote.isEmpty())
        ctx.err << "kernellens-cli: warning: partial clone (promisor remote " << s.promisorRemote
                << "): blobs that were not fetched are missing; their line counts are unknown\n";
    if (s.objectsMissing > 0 || s.fileChangesUnknown > 0 || s.snapshotsIncomplete > 0)
        ctx.err << "kernellens-cli: warning: " << s.objectsMissing << " missing or corrupt objects: "
                << s.fileChangesUnknown << " file changes with unknown line counts, "
                << s.snapshotsIncomplete << " release snapshots incomplete (files and lines); "
                << "see `stats` and the missing-object warnings\n";
    if (s.releasesTotal == 0)
        ctx.err << "kernellens-cli: warning: no tag matches " << report::visibleText(s.settings.value(ingest::setting::tagPattern()))
                << "; no releases, so no snapshots\n";
    ctx.out.flush();
}

} // namespace

int ingestGit(Context &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Ingests a git repository (a path, or a URL cloned into <store>/mirrors/): commits with "
        "identities (.mailmap), trailers and per-file line counts, releases (tags) with the first "
        "release containing each commit, and files/lines per language at every release. "
        "A rerun processes only new commits and tags; Ctrl-C is safe."));
    parser.addPositionalArgument(QStringLiteral("SOURCE"), QStringLiteral("repository path or URL"));
    const QCommandLineOption branch(QStringLiteral("branch"), QStringLiteral("branch or revision to walk (default HEAD)"), QStringLiteral("REF"));
    const QCommandLineOption firstParent(QStringLiteral("first-parent"), QStringLiteral("follow only first parents (merges then carry their first-parent diff)"));
    // The per-source settings have no parser default: a flag not given keeps the stored value.
    const QCommandLineOption tags(QStringLiteral("tags"), QStringLiteral("release tag pattern (default v*; kept for the source)"), QStringLiteral("PATTERN"));
    const QCommandLineOption rc(QStringLiteral("rc"), QStringLiteral("count -rc tags as releases too"));
    const QCommandLineOption languagesFile(QStringLiteral("languages"), QStringLiteral("language definitions: a file replacing the built-in ones, netbsd (shipped with KernelLens), or builtin (kept for the source)"), QStringLiteral("FILE"));
    const QCommandLineOption second(QStringLiteral("second-language"), QStringLiteral("the second language (default Rust; kept for the source)"), QStringLiteral("NAME"));
    const QCommandLineOption subsystems(QStringLiteral("subsystems"), QStringLiteral("subsystem scheme: auto (default), linux, freebsd or dirs:ROOT[,ROOT...][:DEPTH] (kept for the source)"), QStringLiteral("SCHEME"));
    const QCommandLineOption bindingModel(QStringLiteral("binding-model"), QStringLiteral("binding model: linux (default), crate or scripting (kept for the source)"), QStringLiteral("MODEL"));
    const QCommandLineOption bindingTree(QStringLiteral("binding-tree"), QStringLiteral("crate model: the ingested C tree source the crate binds (kept for the source)"), QStringLiteral("SOURCE"));
    const QCommandLineOption threads(QStringLiteral("threads"), QStringLiteral("diff threads (default 2)"), QStringLiteral("N"), QStringLiteral("2"));
    parser.addOptions({branch, firstParent, tags, rc, languagesFile, second, subsystems, bindingModel, bindingTree, threads});
    int exitCode = ExitOk;
    if (!parseOrExit(ctx, parser, args, exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1)
        return ctx.usage(QStringLiteral("ingest git needs exactly one SOURCE (path or URL)"));

    ingest::GitIngestOptions options;
    options.source = parser.positionalArguments().constFirst();
    options.branch = parser.value(branch);
    options.firstParent = parser.isSet(firstParent);
    options.tagPattern = parser.value(tags);
    options.includeRcTags = parser.isSet(rc);
    options.languagesFile = parser.value(languagesFile);
    options.secondLanguage = parser.value(second);
    options.subsystemScheme = parser.value(subsystems);
    options.bindingModel = parser.value(bindingModel);
    options.bindingTree = parser.value(bindingTree);
    bool ok = false;
    options.threads = parser.value(threads).toInt(&ok);
    if (!ok || options.threads < 1 || options.threads > 64)
        return ctx.usage(QStringLiteral("--threads needs a number from 1 to 64"));

    auto store = ctx.openStore(Store::Mode::ReadWrite);
    if (!store)
        return ctx.fail(store.status());
    ProgressReporter reporter(ctx.progressSink());
    JobContext job{ctx.cancel, &reporter};
    auto result = ingest::ingestGit(*store, options, job);
    if (!result)
        return ctx.fail(result.status());
    const auto &s = result.value();
    if (ctx.format == OutputFormat::Text && !ctx.quiet)
        printGitSummary(ctx, s);
    auto derived = deriveAfterIngest(ctx, *store);
    if (!derived)
        return ctx.fail(derived.status());
    if (ctx.format == OutputFormat::Json) {
        QJsonObject o;
        o.insert(QStringLiteral("source_id"), s.sourceId);
        o.insert(QStringLiteral("repository"), s.repositoryPath);
        o.insert(QStringLiteral("commits_added"), s.commitsAdded);
        o.insert(QStringLiteral("merges_added"), s.mergesAdded);
        o.insert(QStringLiteral("file_changes_added"), s.fileChangesAdded);
        o.insert(QStringLiteral("commits_reassigned"), s.commitsReassigned);
        o.insert(QStringLiteral("releases_added"), s.releasesAdded);
        o.insert(QStringLiteral("releases_total"), s.releasesTotal);
        o.insert(QStringLiteral("snapshots_added"), s.snapshotsAdded);
        o.insert(QStringLiteral("blobs_counted"), s.blobsCounted);
        o.insert(QStringLiteral("partial_clone_remote"), s.promisorRemote);
        o.insert(QStringLiteral("objects_missing"), s.objectsMissing);
        o.insert(QStringLiteral("file_changes_unknown"), s.fileChangesUnknown);
        o.insert(QStringLiteral("snapshots_incomplete"), s.snapshotsIncomplete);
        o.insert(QStringLiteral("history_seconds"), s.historySeconds);
        o.insert(QStringLiteral("snapshot_seconds"), s.snapshotSeconds);
        o.insert(QStringLiteral("derive"), derived.value());
        QJsonObject settings;
        for (auto it = s.settings.cbegin(); it != s.settings.cend(); ++it)
            settings.insert(it.key(), it.value());
        o.insert(QStringLiteral("settings"), settings);
        o.insert(QStringLiteral("setting_changes"), QJsonArray::fromStringList(s.settingChanges));
        ctx.printJson(o);
    }
    return ExitOk;
}

} // namespace kl::cli
