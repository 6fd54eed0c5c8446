// kernellens-cli friction [--top N] [--since DATE] [--until DATE] [--list NAME]
// kernellens-cli friction classify [--model FILE] [--lexicon FILE]   (JSON lines on stdin)
// kernellens-cli friction trend [--since DATE] [--until DATE] [--list NAME]

#include "cli.h"

#include <kernellens/ingest/friction.h>
#include <kernellens/models/friction.h>
#include <kernellens/models/visible_text.h>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace kl::cli {

namespace {

Result<friction::FrictionClassifier> loadClassifier(const QCommandLineParser &parser)
{
    const QString model = parser.value(QStringLiteral("model"));
    if (model.isEmpty())
        return friction::FrictionClassifier::load();
    return friction::FrictionClassifier::load(model, parser.value(QStringLiteral("lexicon")));
}

void addClassifierOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("model"), QStringLiteral("a liblinear friction model instead of the built-in one"), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("lexicon"), QStringLiteral("a lexicon instead of the built-in one (with --model)"), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("threshold"),
                      QStringLiteral("a message is uncivil at score >= P (0..1) instead of the model's own threshold"),
                      QStringLiteral("P")});
}

// --threshold: < 0 when not given (the model's threshold applies).
bool readThreshold(Context &ctx, const QCommandLineParser &parser, double &threshold, int &exitCode)
{
    threshold = -1;
    if (!parser.isSet(QStringLiteral("threshold")))
        return true;
    bool ok = false;
    threshold = parser.value(QStringLiteral("threshold")).toDouble(&ok);
    if (!ok || threshold < 0 || threshold > 1) {
        exitCode = ctx.usage(QStringLiteral("--threshold needs a probability between 0 and 1, not '%1'")
                                 .arg(parser.value(QStringLiteral("threshold"))));
        return false;
    }
    return true;
}

void addFilterOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("since"), QStringLiteral("threads starting on or after DATE (YYYY-MM-DD)"), QStringLiteral("DATE")});
    parser.addOption({QStringLiteral("until"), QStringLiteral("threads starting on or before DATE (YYYY-MM-DD)"), QStringLiteral("DATE")});
    parser.addOption({QStringLiteral("list"), QStringLiteral("only this mailing list"), QStringLiteral("NAME")});
}

bool readFilter(Context &ctx, const QCommandLineParser &parser, models::Filter &filter, int &exitCode)
{
    for (const char *name : {"since", "until"}) {
        const QString option = QString::fromLatin1(name);
        if (!parser.isSet(option))
            continue;
        const QDate d = QDate::fromString(parser.value(option), Qt::ISODate);
        if (!d.isValid()) {
            exitCode = ctx.usage(QStringLiteral("--%1: '%2' is not a date (YYYY-MM-DD)").arg(option, parser.value(option)));
            return false;
        }
        (option == QLatin1String("since") ? filter.since : filter.until) = d;
    }
    filter.list = parser.value(QStringLiteral("list"));
    return readThreshold(ctx, parser, filter.frictionThreshold, exitCode);
}

QJsonObject evidenceJson(const friction::Evidence &e)
{
    return {{QStringLiteral("sentence"), e.sentence},
            {QStringLiteral("signal"), e.signal},
            {QStringLiteral("category"), e.category},
            {QStringLiteral("weight"), qRound(e.weight * 1000) / 1000.0}};
}

int classify(Context &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Reads JSON lines {\"id\": ..., \"text\": ...} on stdin and writes one JSON line per input line: "
        "{\"id\", \"uncivil\", \"score\", \"categories\", \"evidence\", \"naks\", \"shouting\"}, or "
        "{\"line\", \"error\"} for a line that cannot be read."));
    addClassifierOptions(parser);
    int exitCode = ExitOk;
    if (!parseOrExit(ctx, parser, args, exitCode))
        return exitCode;
    double threshold = -1;
    if (!readThreshold(ctx, parser, threshold, exitCode))
        return exitCode;
    auto classifier = loadClassifier(parser);
    if (!classifier)
        return ctx.fail(classifier.status());

    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return ctx.fail(Status::error(QStringLiteral("stdin: %1").arg(in.errorString())));
    qint64 lineNo = 0, failures = 0;
    while (!in.atEnd()) {
        if (ctx.cancel.isCancelled())
            return ctx.fail(Status::cancelled());
        const QByteArray line = in.readLine();
        ++lineNo;
        if (line.trimmed().isEmpty())
            continue;
        auto lineError = [&](const QString &why) {
            ++failures;
            ctx.err << "kernellens-cli: stdin:" << lineNo << ": " << report::visibleText(why) << '\n';
            ctx.out << QJsonDocument(QJsonObject{{QStringLiteral("line"), lineNo}, {QStringLiteral("error"), why}})
                           .toJson(QJsonDocument::Compact)
                    << '\n';
        };
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(line, &err);
        if (err.error != QJsonParseError::NoError) {
            lineError(QStringLiteral("offset %1: %2").arg(err.offset).arg(err.errorString()));
            continue;
        }
        if (!doc.isObject() || !doc.object().value(QStringLiteral("text")).isString()) {
            lineError(QStringLiteral("expected an object with a string \"text\""));
            continue;
        }
        const QJsonObject o = doc.object();
        const friction::MessageFriction m = classifier->score(o.value(QStringLiteral("text")).toString());
        QJsonArray evidence;
        for (const friction::Evidence &e : m.evidence)
            evidence.append(evidenceJson(e));
        const QJsonObject result{{QStringLiteral("id"), o.value(QStringLiteral("id"))},
                                 {QStringLiteral("uncivil"), threshold >= 0 ? m.score >= threshold : m.uncivil},
                                 {QStringLiteral("score"), qRound(m.score * 10000) / 10000.0},
                                 {QStringLiteral("categories"), QJsonArray::fromStringList(m.categories)},
                                 {QStringLiteral("evidence"), evidence},
                                 {QStringLiteral("naks"), m.naks},
                                 {QStringLiteral("shouting"), m.shouting}};
        ctx.out << report::escapeInvisibleInJson(QJsonDocument(result).toJson(QJsonDocument::Compact)) << '\n';
    }
    ctx.out.flush();
    ctx.err.flush();
    return failures ? ExitFailure : ExitOk;
}

// Scores what is not yet scored (needs the writer lock); with another writer running, the
// analysis still runs on what is already scored.
Result<Store> openAndScore(Context &ctx, const QCommandLineParser &parser)
{
    auto store = ctx.openStore(Store::Mode::ReadWrite);
    if (!store) {
        if (!store.errorMessage().contains(QStringLiteral("another writer")))
            return store.status();
        ctx.err << "kernellens-cli: " << report::visibleText(store.errorMessage()) << "; ranking the messages scored so far\n";
        return ctx.openStore(Store::Mode::ReadOnly);
    }
    auto classifier = loadClassifier(parser);
    if (!classifier)
        return classifier.status();
    ProgressReporter reporter(ctx.progressSink());
    JobContext job{ctx.cancel, &reporter};
    auto scored = friction::scoreStoreMessages(*store, *classifier, job);
    if (!scored)
        return scored.status();
    return store;
}

QJsonObject threadJson(const models::FrictionThread &t)
{
    QJsonArray people;
    for (const models::FrictionParticipant &p : t.participants)
        people.append(QJsonObject{{QStringLiteral("name"), p.name},
                                  {QStringLiteral("email"), p.email},
                                  {QStringLiteral("messages"), p.messages},
                                  {QStringLiteral("uncivil_messages"), p.uncivilMessages},
                                  {QStringLiteral("second_language"), p.secondLanguage},
                                  {QStringLiteral("maintainer"), p.maintainer}});
    QJsonArray evidence;
    for (const models::FrictionEvidence &e : t.evidence)
        evidence.append(QJsonObject{{QStringLiteral("msgid"), e.msgid},
                                    {QStringLiteral("author"), e.author},
                                    {QStringLiteral("date"), e.date.toString(Qt::ISODate)},
                                    {QStringLiteral("sentence"), e.sentence},
                                    {QStringLiteral("signal"), e.signal},
                                    {QStringLiteral("category"), e.category},
                                    {QStringLiteral("weight"), e.weight}});
    return {{QStringLiteral("thread_id"), t.threadId},
            {QStringLiteral("score"), qRound(t.score * 100) / 100.0},
            {QStringLiteral("friction"), t.isFriction},
            {QStringLiteral("subject"), t.subject},
            {QStringLiteral("list"), t.list},
            {QStringLiteral("root_msgid"), t.rootMsgid},
            {QStringLiteral("first_date"), t.firstDate.toString(Qt::ISODate)},
            {QStringLiteral("last_date"), t.lastDate.toString(Qt::ISODate)},
            {QStringLiteral("messages"), t.messages},
            {QStringLiteral("max_depth"), t.maxDepth},
            {QStringLiteral("uncivil_messages"), t.uncivilMessages},
            {QStringLiteral("naks"), t.naks},
            {QStringLiteral("refusals"), t.refusals},
            {QStringLiteral("shouting_messages"), t.shoutingMessages},
            {QStringLiteral("escalation"), t.escalation},
            {QStringLiteral("escalation_pair"), t.escalationPair},
            {QStringLiteral("size_ratio"), qRound(t.sizeRatio * 100) / 100.0},
            {QStringLiteral("second_language"), t.secondLanguage},
            {QStringLiteral("languages_meet"), t.languagesMeet},
            {QStringLiteral("maintainers"), t.maintainers},
            {QStringLiteral("outcome"), t.outcome},
            {QStringLiteral("categories"), QJsonArray::fromStringList(t.categories)},
            {QStringLiteral("signals"), QJsonArray::fromStringList(t.reasons)},
            {QStringLiteral("participants"), people},
            {QStringLiteral("evidence"), evidence}};
}

void printThreadsText(Context &ctx, const QList<models::FrictionThread> &threads)
{
    // Subjects, names and evidence sentences are mail text: shown, never acted on by the terminal.
    const auto v = [](const QString &text) { return report::visibleText(text); };
    int rank = 0;
    for (const models::FrictionThread &t : threads) {
        ctx.out << QStringLiteral("%1. [%2] %3\n").arg(++rank).arg(t.score, 0, 'f', 2).arg(v(t.subject));
        ctx.out << QStringLiteral("   %1  %2 .. %3  %4 messages  outcome: %5\n")
                       .arg(v(t.list), t.firstDate.date().toString(Qt::ISODate), t.lastDate.date().toString(Qt::ISODate))
                       .arg(t.messages)
                       .arg(v(t.outcome));
        QStringList people;
        for (const models::FrictionParticipant &p : t.participants.mid(0, 8))
            people << QStringLiteral("%1 (%2%3%4)")
                          .arg(v(p.name.isEmpty() ? p.email : p.name))
                          .arg(p.messages)
                          .arg(p.secondLanguage ? QStringLiteral(", rust") : QString(),
                               p.maintainer ? QStringLiteral(", maintainer") : QString());
        ctx.out << "   participants: " << people.join(QStringLiteral(", "))
                << (t.participants.size() > 8 ? QStringLiteral(", +%1 more").arg(t.participants.size() - 8) : QString()) << '\n';
        if (!t.reasons.isEmpty())
            ctx.out << "   signals: " << v(t.reasons.join(QStringLiteral("; "))) << '\n';
        for (const models::FrictionEvidence &e : t.evidence.mid(0, 6))
            ctx.out << QStringLiteral("     - [%1] %2: \"%3\"\n").arg(v(e.category), v(e.author), v(e.sentence.left(160)));
        if (t.evidence.size() > 6)
            ctx.out << QStringLiteral("     (+%1 more evidence sentences; --json for all)\n").arg(t.evidence.size() - 6);
        ctx.out << '\n';
    }
    ctx.out.flush();
}

int rank(Context &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Ranks threads by friction with the sentences that fired. Subcommands: classify (JSON lines on "
        "stdin), trend (share of friction threads per month)."));
    parser.addOption({QStringLiteral("top"), QStringLiteral("how many threads (default 20; 0 = all)"), QStringLiteral("N"), QStringLiteral("20")});
    addFilterOptions(parser);
    addClassifierOptions(parser);
    int exitCode = ExitOk;
    if (!parseOrExit(ctx, parser, args, exitCode))
        return exitCode;
    if (!parser.positionalArguments().isEmpty())
        return ctx.usage(QStringLiteral("friction: unknown argument '%1' (subcommands: classify, trend)")
                             .arg(parser.positionalArguments().first()));
    models::Filter filter;
    if (!readFilter(ctx, parser, filter, exitCode))
        return exitCode;
    bool ok = false;
    filter.top = parser.value(QStringLiteral("top")).toInt(&ok);
    if (!ok || filter.top < 0)
        return ctx.usage(QStringLiteral("--top needs a number >= 0"));
    auto store = openAndScore(ctx, parser);
    if (!store)
        return ctx.fail(store.status());
    auto threads = models::frictionThreads(*store, filter);
    if (!threads)
        return ctx.fail(threads.status());
    switch (ctx.format) {
    case OutputFormat::Json: {
        QJsonArray array;
        for (const models::FrictionThread &t : *threads)
            array.append(threadJson(t));
        ctx.printJson(array);
        break;
    }
    case OutputFormat::Csv:
        ctx.print(models::frictionThreadTable(*threads));
        break;
    case OutputFormat::Text:
        if (threads->isEmpty())
            ctx.out << "no threads (is mail ingested? kernellens-cli ingest mail --list NAME SOURCE)\n";
        printThreadsText(ctx, *threads);
        break;
    }
    return ExitOk;
}

int trend(Context &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Per month of a thread's first message: the share of friction threads, overall and among "
        "second-language threads (patches touching .rs files or rust subject prefixes)."));
    addFilterOptions(parser);
    addClassifierOptions(parser);
    int exitCode = ExitOk;
    if (!parseOrExit(ctx, parser, args, exitCode))
        return exitCode;
    models::Filter filter;
    if (!readFilter(ctx, parser, filter, exitCode))
        return exitCode;
    auto store = openAndScore(ctx, parser);
    if (!store)
        return ctx.fail(store.status());
    auto points = models::frictionTrend(*store, filter);
    if (!points)
        return ctx.fail(points.status());
    if (ctx.format == OutputFormat::Json) {
        report::Section s;
        s.id = QStringLiteral("friction.trend");
        s.title = QStringLiteral("Friction trend");
        s.tables << models::frictionTrendTable(*points);
        s.charts << models::frictionTrendChart(*points);
        ctx.print(s);
    } else {
        ctx.print(models::frictionTrendTable(*points));
    }
    return ExitOk;
}

} // namespace

int friction(Context &ctx, const QStringList &args)
{
    const QString sub = args.value(1);
    if (sub == QLatin1String("classify"))
        return classify(ctx, QStringList{args.value(0) + QStringLiteral(" classify")} + args.mid(2));
    if (sub == QLatin1String("trend"))
        return trend(ctx, QStringList{args.value(0) + QStringLiteral(" trend")} + args.mid(2));
    return rank(ctx, args);
}

} // namespace kl::cli
