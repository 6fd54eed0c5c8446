#include <kernellens/index/store.h>

#include "schema.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLockFile>
#include <QRegularExpression>

namespace kl {

struct Store::Cache
{
    QHash<QString, qint64> identities; // name + '\n' + email -> identity id
    QHash<QString, qint64> persons;    // canonical email -> person id
    QHash<qint64, qint64> personOfIdentity;

    // A cache, not a copy of the tables: a list the size of LKML has hundreds of thousands of
    // addresses, so it is dropped whole when full (a miss is one indexed lookup) and memory
    // does not grow with the archive.
    static constexpr qsizetype kMaxEntries = 50000;
    void bound()
    {
        if (identities.size() + persons.size() + personOfIdentity.size() >= kMaxEntries) {
            identities.clear();
            persons.clear();
            personOfIdentity.clear();
        }
    }
};

QString sourceKindName(SourceKind kind)
{
    switch (kind) {
    case SourceKind::Git: return QStringLiteral("git");
    case SourceKind::PublicInboxV2: return QStringLiteral("public-inbox-v2");
    case SourceKind::PublicInboxV1: return QStringLiteral("public-inbox-v1");
    case SourceKind::Epoch: return QStringLiteral("epoch");
    case SourceKind::Mbox: return QStringLiteral("mbox");
    case SourceKind::Maildir: return QStringLiteral("maildir");
    }
    return QStringLiteral("unknown");
}

QString normalizeEmail(const QString &email)
{
    QString e = email.trimmed();
    if (e.isNull())
        return QString(QLatin1String(""));
    if (e.startsWith(QLatin1Char('<')) && e.endsWith(QLatin1Char('>')))
        e = e.mid(1, e.size() - 2).trimmed();
    if (e.startsWith(QStringLiteral("mailto:"), Qt::CaseInsensitive))
        e = e.mid(7);
    return e.toCaseFolded();
}

QString normalizeName(const QString &name)
{
    QString n = name.simplified();
    // "Doe, John" stays as written; only quoting that survived decoding is removed.
    if (n.size() >= 2 && n.startsWith(QLatin1Char('"')) && n.endsWith(QLatin1Char('"')))
        n = n.mid(1, n.size() - 2).simplified();
    // Never null: SQLite would store NULL, and a From: without a name is an empty name.
    return n.isNull() ? QString(QLatin1String("")) : n;
}

Store::Store(Store &&) noexcept = default;
Store &Store::operator=(Store &&) noexcept = default;
Store::~Store() = default;

QString Store::databasePath() const { return m_directory + QStringLiteral("/kernellens.sqlite"); }
QString Store::searchIndexPath() const { return m_directory + QStringLiteral("/xapian"); }

Result<Store> Store::open(const QString &directory, Mode mode)
{
    Store store;
    store.m_directory = QDir(directory).absolutePath();
    store.m_mode = mode;
    store.m_cache = std::make_unique<Cache>();

    if (mode == Mode::ReadWrite) {
        if (!QDir().mkpath(store.m_directory))
            return Status::error(QStringLiteral("%1: cannot create the store directory")
                                     .arg(store.m_directory));
        store.m_lock = std::make_unique<QLockFile>(store.m_directory + QStringLiteral("/writer.lock"));
        store.m_lock->setStaleLockTime(0);
        if (!store.m_lock->tryLock(0)) {
            qint64 pid = 0;
            QString host, app;
            store.m_lock->getLockInfo(&pid, &host, &app);
            return Status::error(QStringLiteral("%1: another writer holds the store (pid %2)")
                                     .arg(store.m_directory)
                                     .arg(pid));
        }
    } else if (!QFileInfo::exists(store.databasePath())) {
        return Status::error(QStringLiteral("%1: no KernelLens store here (run an ingest first)")
                                 .arg(store.m_directory));
    }

    auto db = Database::open(store.databasePath(),
                             mode == Mode::ReadOnly ? Database::Mode::ReadOnly
                                                    : Database::Mode::ReadWrite);
    if (!db)
        return db.status();
    store.m_db = std::move(db.value());
    if (mode == Mode::ReadWrite) {
        if (Status s = store.migrate(); !s)
            return s.withContext(store.databasePath());
    }
    return store;
}

Status Store::migrate()
{
    KL_TRY(m_db.exec(QStringLiteral(
        "CREATE TABLE IF NOT EXISTS schema_versions (domain TEXT PRIMARY KEY, version INTEGER NOT NULL)")));
    for (const auto &domain : schema::allDomains()) {
        const QString name = QString::fromLatin1(domain.name);
        auto current = m_db.scalar(
            QStringLiteral("SELECT version FROM schema_versions WHERE domain = ?"), {name});
        if (!current)
            return current.status();
        int version = current->isNull() ? 0 : current->toInt();
        for (const auto &migration : domain.migrations) {
            if (migration.version <= version)
                continue;
            Transaction tx(m_db);
            KL_TRY(tx.status());
            if (Status s = m_db.exec(QString::fromUtf8(migration.sql)); !s)
                return s.withContext(QStringLiteral("migration %1 v%2").arg(name).arg(migration.version));
            auto upsert = m_db.prepare(QStringLiteral(
                "INSERT INTO schema_versions(domain, version) VALUES(?, ?) "
                "ON CONFLICT(domain) DO UPDATE SET version = excluded.version"));
            if (!upsert)
                return upsert.status();
            upsert->bind(1, name).bind(2, migration.version);
            KL_TRY(upsert->exec());
            KL_TRY(tx.commit());
            version = migration.version;
        }
    }
    return Status::ok();
}

Result<QHash<QString, int>> Store::schemaVersions()
{
    QHash<QString, int> versions;
    KL_TRY(m_db.forEachRow(QStringLiteral("SELECT domain, version FROM schema_versions"), {},
                           [&](const Statement &row) {
                               versions.insert(row.text(0), int(row.int64(1)));
                           }));
    return versions;
}

Result<qint64> Store::ensureSource(SourceKind kind, const QString &location, const QString &label)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    auto insert = m_db.prepare(QStringLiteral(
        "INSERT INTO sources(kind, location, label, added_at) VALUES(?, ?, ?, ?) "
        "ON CONFLICT(kind, location, label) DO UPDATE SET last_run_at = ?"));
    if (!insert)
        return insert.status();
    insert->bind(1, sourceKindName(kind)).bind(2, location).bind(3, label).bind(4, now).bind(5, now);
    KL_TRY(insert->exec());
    auto id = m_db.scalar(
        QStringLiteral("SELECT id FROM sources WHERE kind = ? AND location = ? AND label = ?"),
        {sourceKindName(kind), location, label});
    if (!id)
        return id.status();
    return id->toLongLong();
}

Result<QString> Store::watermark(qint64 sourceId, const QString &key)
{
    auto value = m_db.scalar(
        QStringLiteral("SELECT value FROM watermarks WHERE source_id = ? AND key = ?"),
        {sourceId, key});
    if (!value)
        return value.status();
    return value->isNull() ? QString() : value->toString();
}

Status Store::setWatermark(qint64 sourceId, const QString &key, const QString &value)
{
    auto stmt = m_db.prepare(QStringLiteral(
        "INSERT INTO watermarks(source_id, key, value, updated_at) VALUES(?, ?, ?, ?) "
        "ON CONFLICT(source_id, key) DO UPDATE SET value = excluded.value, "
        "updated_at = excluded.updated_at"));
    if (!stmt)
        return stmt.status();
    stmt->bind(1, sourceId).bind(2, key).bind(3, value).bind(4, QDateTime::currentSecsSinceEpoch());
    return stmt->exec();
}

Result<QString> Store::setting(qint64 sourceId, const QString &name)
{
    auto value = m_db.scalar(
        QStringLiteral("SELECT value FROM source_settings WHERE source_id = ? AND name = ?"),
        {sourceId, name});
    if (!value)
        return value.status();
    return value->isNull() ? QString() : value->toString();
}

Result<QHash<QString, QString>> Store::settings(qint64 sourceId)
{
    QHash<QString, QString> all;
    KL_TRY(m_db.forEachRow(QStringLiteral("SELECT name, value FROM source_settings WHERE source_id = ?"),
                           {sourceId}, [&](const Statement &row) { all.insert(row.text(0), row.text(1)); }));
    return all;
}

Status Store::setSetting(qint64 sourceId, const QString &name, const QString &value)
{
    auto stmt = m_db.prepare(QStringLiteral(
        "INSERT INTO source_settings(source_id, name, value) VALUES(?, ?, ?) "
        "ON CONFLICT(source_id, name) DO UPDATE SET value = excluded.value"));
    if (!stmt)
        return stmt.status();
    stmt->bind(1, sourceId).bind(2, name).bind(3, value.isNull() ? QStringLiteral("") : value);
    return stmt->exec();
}

Status Store::addWarning(qint64 sourceId, const QString &kind, const QString &location,
                         const QString &message)
{
    auto stmt = m_db.prepare(QStringLiteral(
        "INSERT INTO parse_warnings(source_id, kind, location, message) VALUES(?, ?, ?, ?)"));
    if (!stmt)
        return stmt.status();
    if (sourceId > 0)
        stmt->bind(1, sourceId);
    else
        stmt->bindNull(1);
    stmt->bind(2, kind).bind(3, location).bind(4, message);
    return stmt->exec();
}

Result<qint64> Store::identity(const QString &name, const QString &email)
{
    return identity(name, email, name, email);
}

Result<qint64> Store::identity(const QString &rawName, const QString &rawEmail,
                               const QString &canonicalName, const QString &canonicalEmail)
{
    const QString name = normalizeName(rawName);
    const QString email = normalizeEmail(rawEmail);
    const QString key = name + QLatin1Char('\n') + email;
    m_cache->bound();
    if (auto it = m_cache->identities.constFind(key); it != m_cache->identities.cend())
        return *it;

    auto existing = m_db.scalar(
        QStringLiteral("SELECT id FROM identities WHERE name = ? AND email = ?"), {name, email});
    if (!existing)
        return existing.status();
    if (!existing->isNull()) {
        m_cache->identities.insert(key, existing->toLongLong());
        return existing->toLongLong();
    }

    // An identity without an address (rare, broken From:) is its own person, keyed by name.
    const QString personEmail = normalizeEmail(canonicalEmail).isEmpty()
                                    ? QStringLiteral("<no-address>:") + name
                                    : normalizeEmail(canonicalEmail);
    qint64 personId = m_cache->persons.value(personEmail, 0);
    if (personId == 0) {
        auto found = m_db.scalar(QStringLiteral("SELECT id FROM persons WHERE email = ?"),
                                 {personEmail});
        if (!found)
            return found.status();
        if (!found->isNull()) {
            personId = found->toLongLong();
        } else {
            auto insert = m_db.prepare(QStringLiteral("INSERT INTO persons(name, email) VALUES(?, ?)"));
            if (!insert)
                return insert.status();
            const QString personName = normalizeName(canonicalName).isEmpty() ? name
                                                                               : normalizeName(canonicalName);
            insert->bind(1, personName).bind(2, personEmail);
            KL_TRY(insert->exec());
            personId = m_db.lastInsertRowId();
        }
        m_cache->persons.insert(personEmail, personId);
    }

    auto insert = m_db.prepare(
        QStringLiteral("INSERT INTO identities(name, email, person_id) VALUES(?, ?, ?)"));
    if (!insert)
        return insert.status();
    insert->bind(1, name).bind(2, email).bind(3, personId);
    KL_TRY(insert->exec());
    const qint64 id = m_db.lastInsertRowId();
    m_cache->identities.insert(key, id);
    m_cache->personOfIdentity.insert(id, personId);
    return id;
}

Result<qint64> Store::personOfIdentity(qint64 identityId)
{
    m_cache->bound();
    if (auto it = m_cache->personOfIdentity.constFind(identityId);
        it != m_cache->personOfIdentity.cend())
        return *it;
    auto person = m_db.scalar(QStringLiteral("SELECT person_id FROM identities WHERE id = ?"),
                              {identityId});
    if (!person)
        return person.status();
    if (person->isNull())
        return Status::error(QStringLiteral("identity %1 does not exist").arg(identityId));
    m_cache->personOfIdentity.insert(identityId, person->toLongLong());
    return person->toLongLong();
}

} // namespace kl
