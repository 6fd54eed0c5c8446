#pragma once
// A thin RAII layer over SQLite. sqlite3.h stays out of this header; handles are opaque.

#include <kernellens/index/job.h>
#include <kernellens/index/result.h>

#include <QByteArray>
#include <QString>
#include <QVariant>

#include <functional>
#include <memory>
#include <optional>

struct sqlite3;
struct sqlite3_stmt;

namespace kl {

class Database;

class Statement
{
public:
    Statement() = default;
    Statement(Statement &&) noexcept;
    Statement &operator=(Statement &&) noexcept;
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;
    ~Statement();

    bool isValid() const { return m_stmt != nullptr; }

    // Parameters are 1-based, as in SQLite.
    Statement &bind(int index, qint64 value);
    Statement &bind(int index, int value) { return bind(index, qint64(value)); }
    Statement &bind(int index, double value);
    Statement &bind(int index, const QString &value);   // NULL when value.isNull()
    Statement &bind(int index, const QByteArray &value); // blob; NULL when value.isNull()
    Statement &bind(int index, const char *utf8) = delete;
    Statement &bindNull(int index);
    Statement &bindVariant(int index, const QVariant &value);

    // One step. Returns true when a row is available, false when done; the Result carries
    // SQLite's message with the statement text when the step fails.
    Result<bool> step();
    // Runs to completion, expecting no rows, then resets.
    Status exec();
    void reset();

    int columnCount() const;
    bool isNull(int column) const;
    qint64 int64(int column) const;
    double real(int column) const;
    QString text(int column) const;
    QByteArray blob(int column) const;
    QVariant value(int column) const;
    QString columnName(int column) const;

private:
    friend class Database;
    Statement(sqlite3_stmt *stmt, sqlite3 *db);
    Status fail(int rc) const;
    sqlite3_stmt *m_stmt = nullptr;
    sqlite3 *m_db = nullptr;
};

class Database
{
public:
    enum class Mode { ReadOnly, ReadWrite };

    Database() = default;
    Database(Database &&) noexcept;
    Database &operator=(Database &&) noexcept;
    ~Database();

    // Opens (creating in ReadWrite mode) the file, in WAL mode with foreign keys on.
    // ":memory:" gives a private in-memory database for tests.
    static Result<Database> open(const QString &path, Mode mode);

    bool isOpen() const { return m_db != nullptr; }
    QString path() const { return m_path; }

    Status exec(const QString &sql);          // one or several statements, no rows
    Result<Statement> prepare(const QString &sql);
    // Runs a query and hands each row to `visit`; the first failure (prepare or step) is returned.
    Status forEachRow(const QString &sql, const QVariantList &params,
                      const std::function<void(const Statement &)> &visit);
    // A scalar from the first column of the first row, or a null QVariant when there is none.
    Result<QVariant> scalar(const QString &sql, const QVariantList &params = {});
    // Whether the store has the table: a store made by an older release and opened read-only
    // (not migrated) lacks the tables added since.
    Result<bool> hasTable(const QString &name);

    qint64 lastInsertRowId() const;
    int changes() const;

    // Nested calls join the outermost transaction (savepoints would make batches slower).
    Status begin();
    Status commit();
    Status rollback();
    bool inTransaction() const { return m_depth > 0; }

    // While a token is watched, a statement that runs long stops soon after the token trips and
    // fails with Status::cancelled() (SQLite's progress handler), so Ctrl-C does not wait for a
    // big INSERT ... SELECT or a full-table scan. Returns the token watched before, if any.
    std::optional<CancelToken> watchCancel(std::optional<CancelToken> token);

private:
    sqlite3 *m_db = nullptr;
    QString m_path;
    int m_depth = 0;
    // Heap-held so its address, the progress handler's argument, survives moves of the Database.
    std::unique_ptr<CancelToken> m_cancel;
};

// Watches a job's cancel token for as long as the job runs, then restores what was watched.
class CancelWatch
{
public:
    CancelWatch(Database &db, const CancelToken &token) : m_db(db), m_previous(db.watchCancel(token)) {}
    ~CancelWatch() { m_db.watchCancel(m_previous); }
    CancelWatch(const CancelWatch &) = delete;
    CancelWatch &operator=(const CancelWatch &) = delete;

private:
    Database &m_db;
    std::optional<CancelToken> m_previous;
};

// Rolls back unless commit() was called: a failed batch never leaves half its rows behind.
class Transaction
{
public:
    explicit Transaction(Database &db) : m_db(db) { m_status = m_db.begin(); }
    ~Transaction()
    {
        if (m_status.isOk() && !m_done)
            (void)m_db.rollback();
    }
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    Status status() const { return m_status; }
    Status commit()
    {
        m_done = true;
        return m_status.isOk() ? m_db.commit() : m_status;
    }

private:
    Database &m_db;
    Status m_status;
    bool m_done = false;
};

} // namespace kl
