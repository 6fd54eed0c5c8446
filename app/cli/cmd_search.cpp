// kernellens-cli search QUERY: lore query syntax over the store's Xapian index. Read-only:
// it never blocks an ingest running at the same time.

#include "cli.h"

#include <kernellens/index/search_index.h>

#include <QJsonArray>
#include <QJsonObject>

namespace kl::cli {

namespace {

QString orderName(SearchOrder order)
{
    switch (order) {
    case SearchOrder::Relevance: return QStringLiteral("relevance");
    case SearchOrder::NewestFirst: return QStringLiteral("date");
    case SearchOrder::OldestFirst: return QStringLiteral("oldest");
    }
    return {};
}

QString kindName(SearchDocument::Kind kind)
{
    return kind == SearchDocument::Kind::Commit ? QStringLiteral("commit") : QStringLiteral("message");
}

QJsonObject hitToJson(const SearchHit &hit)
{
    return QJsonObject{
        {QStringLiteral("kind"), kindName(hit.kind)},
        {QStringLiteral("id"), hit.rowId},
        {QStringLiteral("date"), hit.date.isValid() ? QJsonValue(hit.date.toUTC().toString(Qt::ISODate))
                                                    : QJsonValue()},
        {QStringLiteral("list"), hit.list},
        {QStringLiteral("from"), hit.from},
        {QStringLiteral("subject"), hit.subject},
        {QStringLiteral("message_id"), hit.messageId},
        {QStringLiteral("relevance"), hit.relevance},
    };
}

} // namespace

int search(Context &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Search messages and commits with lore/public-inbox query syntax: s: f: t: c: a: l: m: b: "
        "nq: q: dfn: d:YYYY-MM-DD..YYYY-MM-DD, \"phrases\", AND/OR/NOT, wildcards* "
        "(see docs/search.md). Put a query that starts with '-' after '--'."));
    parser.addPositionalArgument(QStringLiteral("query"), QStringLiteral("the query (several words are joined)"),
                                 QStringLiteral("QUERY..."));
    const QCommandLineOption limitOption(QStringLiteral("limit"), QStringLiteral("show at most N hits (default 20)"),
                                         QStringLiteral("N"), QStringLiteral("20"));
    const QCommandLineOption offsetOption(QStringLiteral("offset"), QStringLiteral("skip the first N hits"),
                                          QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption sortOption(QStringLiteral("sort"),
                                        QStringLiteral("date (newest first, default), relevance or oldest"),
                                        QStringLiteral("ORDER"), QStringLiteral("date"));
    parser.addOption(limitOption);
    parser.addOption(offsetOption);
    parser.addOption(sortOption);
    int exitCode = ExitOk;
    if (!parseOrExit(ctx, parser, args, exitCode))
        return exitCode;

    const QString query = parser.positionalArguments().join(QLatin1Char(' ')).trimmed();
    if (query.isEmpty())
        return ctx.usage(QStringLiteral("search needs a QUERY, e.g. search 's:rust AND f:ojeda'"));
    bool ok = false;
    const int limit = parser.value(limitOption).toInt(&ok);
    if (!ok || limit < 0)
        return ctx.usage(QStringLiteral("--limit needs a number >= 0, not '%1'").arg(parser.value(limitOption)));
    const int offset = parser.value(offsetOption).toInt(&ok);
    if (!ok || offset < 0)
        return ctx.usage(QStringLiteral("--offset needs a number >= 0, not '%1'").arg(parser.value(offsetOption)));
    SearchOrder order;
    const QString sort = parser.value(sortOption);
    if (sort == QLatin1String("date") || sort == QLatin1String("newest"))
        order = SearchOrder::NewestFirst;
    else if (sort == QLatin1String("relevance"))
        order = SearchOrder::Relevance;
    else if (sort == QLatin1String("oldest"))
        order = SearchOrder::OldestFirst;
    else
        return ctx.usage(QStringLiteral("--sort is date, relevance or oldest, not '%1'").arg(sort));

    auto store = ctx.openStore(Store::Mode::ReadOnly);
    if (!store)
        return ctx.fail(store.status());
    auto index = SearchIndex::open(store->searchIndexPath(), SearchIndex::Mode::ReadOnly);
    if (!index)
        return ctx.fail(index.status());
    auto results = index->search(query, offset, limit, order);
    if (!results)
        return ctx.fail(results.status());

    if (ctx.format == OutputFormat::Json) {
        QJsonArray hits;
        for (const auto &hit : results->hits)
            hits.append(hitToJson(hit));
        ctx.printJson(QJsonObject{
            {QStringLiteral("query"), query},
            {QStringLiteral("sort"), orderName(order)},
            {QStringLiteral("offset"), offset},
            {QStringLiteral("limit"), limit},
            {QStringLiteral("total_estimate"), results->estimatedTotal},
            {QStringLiteral("hits"), hits},
        });
        return ExitOk;
    }

    report::Table table;
    table.id = QStringLiteral("search.hits");
    table.columns = {
        {QStringLiteral("date"), QStringLiteral("Date"), report::Column::Kind::DateTime},
        {QStringLiteral("list"), QStringLiteral("List"), report::Column::Kind::Text},
        {QStringLiteral("from"), QStringLiteral("From"), report::Column::Kind::Text},
        {QStringLiteral("subject"), QStringLiteral("Subject"), report::Column::Kind::Text},
        {QStringLiteral("message_id"), QStringLiteral("Message-ID"), report::Column::Kind::Text},
    };
    for (const auto &hit : results->hits) {
        const QString list = hit.kind == SearchDocument::Kind::Commit ? QStringLiteral("(commit)") : hit.list;
        table.rows.append(QVariantList{hit.date.isValid() ? QVariant(hit.date) : QVariant(), list, hit.from,
                                       hit.subject, hit.messageId});
    }
    if (ctx.format == OutputFormat::Text) {
        const qint64 shownTo = offset + results->hits.size();
        table.note = results->hits.isEmpty()
                         ? QStringLiteral("no match (of about %1)").arg(results->estimatedTotal)
                         : QStringLiteral("%1-%2 of about %3 matches, sorted by %4")
                               .arg(offset + 1)
                               .arg(shownTo)
                               .arg(results->estimatedTotal)
                               .arg(orderName(order));
    }
    ctx.print(table);
    return ExitOk;
}

} // namespace kl::cli
