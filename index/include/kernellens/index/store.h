#pragma once
// The local store: one directory holding the SQLite facts (kernellens.sqlite) and the Xapian
// search database (xapian/). The store knows neither parsers nor analyses; it owns the schema,
// the migrations, sources with their watermarks, identities, and parse warnings.

#include <kernellens/index/database.h>
#include <kernellens/index/result.h>

#include <QHash>
#include <QString>

#include <memory>

class QLockFile;

namespace kl {

enum class SourceKind { Git, PublicInboxV2, PublicInboxV1, Epoch, Mbox, Maildir };
QString sourceKindName(SourceKind kind);

class Store
{
public:
    enum class Mode { ReadOnly, ReadWrite };

    Store(Store &&) noexcept;
    Store &operator=(Store &&) noexcept;
    ~Store();

    // ReadWrite creates the directory and the database, applies pending migrations, and takes
    // the store's writer lock: a second writer gets an error naming the holder's pid.
    // ReadOnly never blocks and never writes; it fails on a store that does not exist.
    static Result<Store> open(const QString &directory, Mode mode);

    QString directory() const { return m_directory; }
    QString databasePath() const;
    QString searchIndexPath() const;
    bool isWritable() const { return m_mode == Mode::ReadWrite; }

    Database &db() { return m_db; }

    // Version of each schema domain ("core", "mail", "git", ...), for `stats` and tests.
    Result<QHash<QString, int>> schemaVersions();

    // A source is identified by its kind and canonical location (absolute path or URL);
    // `label` is the list name for mail and empty for git.
    Result<qint64> ensureSource(SourceKind kind, const QString &location, const QString &label);
    // Watermarks are per source and key ("epoch:3", "mbox-offset", "head", ...).
    Result<QString> watermark(qint64 sourceId, const QString &key);
    Status setWatermark(qint64 sourceId, const QString &key, const QString &value);

    // Per-source settings (source_settings): named values that persist across runs, e.g. a git
    // source's second_language, subsystem_scheme or binding_model. A missing setting reads as an
    // empty string; settings() returns every stored one.
    Result<QString> setting(qint64 sourceId, const QString &name);
    Result<QHash<QString, QString>> settings(qint64 sourceId);
    Status setSetting(qint64 sourceId, const QString &name, const QString &value);

    // Parse warnings are facts too: `stats` counts them by kind, and a rerun clears a source's.
    Status addWarning(qint64 sourceId, const QString &kind, const QString &location,
                      const QString &message);

    // Identity resolution shared by mail and git: (name, email) is an identity; identities are
    // merged into persons by exact (case-folded) email of their canonical form. Git passes the
    // .mailmap-resolved canonical pair; mail passes the pair itself.
    Result<qint64> identity(const QString &name, const QString &email);
    Result<qint64> identity(const QString &name, const QString &email, const QString &canonicalName,
                            const QString &canonicalEmail);
    Result<qint64> personOfIdentity(qint64 identityId);

private:
    Store() = default;
    Status migrate();

    Database m_db;
    QString m_directory;
    Mode m_mode = Mode::ReadOnly;
    std::unique_ptr<QLockFile> m_lock;
    struct Cache;
    std::unique_ptr<Cache> m_cache;
};

// Normalises what mail and git both carry: trims and collapses the name, case-folds the email,
// strips "mailto:" and angle brackets.
QString normalizeEmail(const QString &email);
QString normalizeName(const QString &name);

} // namespace kl
