#include "store_overview.h"

#include <QDir>
#include <QFileInfo>

namespace kl::gui {

namespace {

bool hasTable(Database &db, const QString &name)
{
    auto has = db.hasTable(name);
    return has && *has;
}

qint64 countOf(Database &db, const QString &table)
{
    if (!hasTable(db, table))
        return -1;
    auto n = db.scalar(QStringLiteral("SELECT count(*) FROM ") + table);
    return n ? n->toLongLong() : -1;
}

Result<QStringList> column(Database &db, const QString &sql)
{
    auto stmt = db.prepare(sql);
    if (!stmt)
        return stmt.status();
    QStringList values;
    while (true) {
        auto row = stmt->step();
        if (!row)
            return row.status();
        if (!*row)
            break;
        values.append(stmt->text(0));
    }
    return values;
}

QDateTime fromSecs(const QVariant &v)
{
    if (!v.isValid() || v.isNull())
        return {};
    return QDateTime::fromSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

} // namespace

Result<StoreOverview> loadStoreOverview(const QString &storeDirectory)
{
    StoreOverview overview;
    overview.directory = storeDirectory;
    if (storeDirectory.isEmpty() || !QFileInfo::exists(QDir(storeDirectory).filePath(QStringLiteral("kernellens.sqlite"))))
        return overview;
    auto store = Store::open(storeDirectory, Store::Mode::ReadOnly);
    if (!store)
        return store.status();
    overview.exists = true;
    Database &db = store->db();

    auto sources = db.prepare(QStringLiteral(
        "SELECT s.id, s.kind, s.location, s.label, s.added_at, s.last_run_at, "
        "(SELECT count(*) FROM parse_warnings w WHERE w.source_id = s.id) FROM sources s ORDER BY s.id"));
    if (!sources)
        return sources.status();
    while (true) {
        auto row = sources->step();
        if (!row)
            return row.status();
        if (!*row)
            break;
        SourceInfo info;
        info.id = sources->int64(0);
        info.kind = sources->text(1);
        info.location = sources->text(2);
        info.label = sources->text(3);
        info.addedAt = fromSecs(sources->value(4));
        info.lastRunAt = fromSecs(sources->value(5));
        info.warnings = sources->int64(6);
        overview.sources.append(info);
    }
    auto marks = db.prepare(QStringLiteral("SELECT source_id, key, value FROM watermarks ORDER BY key"));
    if (!marks)
        return marks.status();
    while (true) {
        auto row = marks->step();
        if (!row)
            return row.status();
        if (!*row)
            break;
        for (SourceInfo &info : overview.sources)
            if (info.id == marks->int64(0))
                info.watermarks.insert(marks->text(1), marks->text(2));
    }

    overview.messages = countOf(db, QStringLiteral("messages"));
    overview.threads = countOf(db, QStringLiteral("threads"));
    overview.patches = countOf(db, QStringLiteral("patches"));
    overview.commits = countOf(db, QStringLiteral("commits"));
    if (hasTable(db, QStringLiteral("series_review"))) {
        overview.patchSets = countOf(db, QStringLiteral("series_review"));
        if (auto merged = db.scalar(QStringLiteral("SELECT count(*) FROM series_review WHERE outcome = 'merged'")))
            overview.patchSetsMerged = merged->toLongLong();
    }
    overview.persons = countOf(db, QStringLiteral("persons"));
    overview.warnings = countOf(db, QStringLiteral("parse_warnings"));
    if (hasTable(db, QStringLiteral("lists"))) {
        if (auto lists = column(db, QStringLiteral("SELECT name FROM lists ORDER BY name")))
            overview.lists = *lists;
    }
    if (overview.messages > 0) {
        if (auto first = db.scalar(QStringLiteral("SELECT min(date) FROM messages")))
            overview.firstMessage = fromSecs(*first);
        if (auto last = db.scalar(QStringLiteral("SELECT max(date) FROM messages")))
            overview.lastMessage = fromSecs(*last);
    }
    if (auto releases = column(db, QStringLiteral("SELECT DISTINCT tag FROM releases ORDER BY ordinal, tag")))
        overview.releases = *releases;
    if (hasTable(db, QStringLiteral("subsystems"))) {
        if (auto subsystems = column(db, QStringLiteral("SELECT DISTINCT name FROM subsystems ORDER BY name")))
            overview.subsystems = *subsystems;
    }
    return overview;
}

} // namespace kl::gui
