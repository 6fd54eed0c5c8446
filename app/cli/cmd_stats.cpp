// kernellens-cli stats: what the store holds.

#include "cli.h"

#include <QSet>

namespace kl::cli {

namespace {

Result<QSet<QString>> tableNames(Database &db)
{
    auto stmt = db.prepare(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table'"));
    if (!stmt)
        return stmt.status();
    QSet<QString> names;
    while (true) {
        auto row = stmt->step();
        if (!row)
            return row.status();
        if (!row.value())
            break;
        names.insert(stmt->text(0));
    }
    return names;
}

} // namespace

int stats(Context &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Counts of what the store holds: messages, distinct and duplicated Message-IDs, threads, "
        "patches, series, lists, persons, parse warnings by kind, and git figures when git was ingested."));
    int exitCode = ExitOk;
    if (!parseOrExit(ctx, parser, args, exitCode))
        return exitCode;
    auto store = ctx.openStore(Store::Mode::ReadOnly);
    if (!store)
        return ctx.fail(store.status());
    Database &db = store->db();
    auto tables = tableNames(db);
    if (!tables)
        return ctx.fail(tables.status());

    report::Table counts;
    counts.id = QStringLiteral("stats.counts");
    counts.title = QStringLiteral("Store contents");
    counts.columns = {{QStringLiteral("what"), QStringLiteral("What"), report::Column::Kind::Text},
                      {QStringLiteral("count"), QStringLiteral("Count"), report::Column::Kind::Integer}};
    auto add = [&](const QString &what, const QString &table, const QString &sql) -> Status {
        if (!tables->contains(table))
            return Status::ok();
        auto value = db.scalar(sql);
        if (!value)
            return value.status();
        counts.rows << QVariantList{what, value->toLongLong()};
        return Status::ok();
    };
    const struct { const char *what, *table, *sql; } figures[] = {
        {"messages", "messages", "SELECT count(*) FROM messages"},
        {"distinct Message-IDs", "messages", "SELECT count(DISTINCT msgid) FROM messages"},
        {"duplicated Message-IDs", "messages",
         "SELECT count(*) FROM (SELECT msgid FROM messages GROUP BY msgid HAVING count(*) > 1)"},
        {"threads", "threads", "SELECT count(*) FROM threads"},
        {"ghost messages", "thread_nodes", "SELECT count(*) FROM thread_nodes WHERE message_id IS NULL"},
        {"patches", "patches", "SELECT count(*) FROM patches WHERE is_cover = 0"},
        {"cover letters", "patches", "SELECT count(*) FROM patches WHERE is_cover = 1"},
        {"series", "series", "SELECT count(*) FROM series"},
        {"series with a previous version", "series",
         "SELECT count(*) FROM series WHERE previous_series_id IS NOT NULL"},
        {"accepted patches", "patches", "SELECT count(*) FROM patches WHERE accepted_commit IS NOT NULL"},
        {"mail trailers", "mail_trailers", "SELECT count(*) FROM mail_trailers"},
        {"lists", "lists", "SELECT count(*) FROM lists"},
        {"persons", "persons", "SELECT count(*) FROM persons"},
        {"identities", "identities", "SELECT count(*) FROM identities"},
        {"commits", "commits", "SELECT count(*) FROM commits"},
        {"releases", "releases", "SELECT count(*) FROM releases"},
        {"git objects missing or corrupt", "git_missing_objects", "SELECT count(*) FROM git_missing_objects"},
        {"incomplete release snapshots", "git_missing_objects",
         "SELECT count(*) FROM release_snapshots WHERE missing_files > 0"},
        {"parse warnings", "parse_warnings", "SELECT count(*) FROM parse_warnings"},
        {"patch mail linked to a commit", "patch_links",
         "SELECT count(DISTINCT message_id) FROM patch_links WHERE role = 'merged'"},
        {"commits linked to patch mail", "patch_links", "SELECT count(DISTINCT commit_id) FROM patch_links"},
        {"series merged", "series_review", "SELECT count(*) FROM series_review WHERE outcome = 'merged'"},
        {"series ignored", "series_review", "SELECT count(*) FROM series_review WHERE outcome = 'ignored'"},
        {"derive warnings", "derive_warnings", "SELECT count(*) FROM derive_warnings"},
    };
    for (const auto &f : figures) {
        if (Status s = add(QString::fromUtf8(f.what), QString::fromUtf8(f.table), QString::fromUtf8(f.sql)); !s)
            return ctx.fail(s);
    }

    report::Table warnings;
    warnings.id = QStringLiteral("stats.warnings");
    warnings.title = QStringLiteral("Parse warnings by kind");
    warnings.columns = {{QStringLiteral("kind"), QStringLiteral("Kind"), report::Column::Kind::Text},
                        {QStringLiteral("count"), QStringLiteral("Count"), report::Column::Kind::Integer}};
    if (tables->contains(QStringLiteral("parse_warnings"))) {
        auto stmt = db.prepare(QStringLiteral(
            "SELECT kind, count(*) FROM parse_warnings GROUP BY kind ORDER BY count(*) DESC, kind"));
        if (!stmt)
            return ctx.fail(stmt.status());
        while (true) {
            auto row = stmt->step();
            if (!row)
                return ctx.fail(row.status());
            if (!row.value())
                break;
            warnings.rows << QVariantList{stmt->text(0), stmt->int64(1)};
        }
    }

    report::Table lists;
    lists.id = QStringLiteral("stats.lists");
    lists.title = QStringLiteral("Lists");
    lists.columns = {{QStringLiteral("list"), QStringLiteral("List"), report::Column::Kind::Text},
                     {QStringLiteral("messages"), QStringLiteral("Messages"), report::Column::Kind::Integer},
                     {QStringLiteral("first"), QStringLiteral("First"), report::Column::Kind::Date},
                     {QStringLiteral("last"), QStringLiteral("Last"), report::Column::Kind::Date}};
    if (tables->contains(QStringLiteral("lists"))) {
        auto stmt = db.prepare(QStringLiteral(
            "SELECT l.name, count(m.id), min(m.date), max(m.date) FROM lists l "
            "LEFT JOIN messages m ON m.list_id = l.id GROUP BY l.id ORDER BY l.name"));
        if (!stmt)
            return ctx.fail(stmt.status());
        while (true) {
            auto row = stmt->step();
            if (!row)
                return ctx.fail(row.status());
            if (!row.value())
                break;
            auto date = [&](int c) {
                return stmt->isNull(c) ? QVariant()
                                       : QVariant(QDateTime::fromSecsSinceEpoch(stmt->int64(c), Qt::UTC));
            };
            lists.rows << QVariantList{stmt->text(0), stmt->int64(1), date(2), date(3)};
        }
    }

    report::Section section;
    section.id = QStringLiteral("stats");
    section.title = QStringLiteral("Store statistics");
    section.tables = {counts, lists, warnings};
    ctx.print(section);
    return ExitOk;
}

} // namespace kl::cli
