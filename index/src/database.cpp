#include <kernellens/index/database.h>

#include <sqlite3.h>

namespace kl {

namespace {
// SQLite calls this every kProgressOps virtual-machine steps of a statement; non-zero stops it
// with SQLITE_INTERRUPT.
constexpr int kProgressOps = 4000;
// SQLite's default automatic checkpoint size, restored after a cancelled job's commit.
constexpr int kWalAutoCheckpointPages = 1000;

extern "C" int stopWhenCancelled(void *token)
{
    return static_cast<const CancelToken *>(token)->isCancelled() ? 1 : 0;
}

bool isInterrupt(int rc)
{
    return (rc & 0xff) == SQLITE_INTERRUPT;
}

QString sqliteMessage(sqlite3 *db, int rc)
{
    if (db)
        return QString::fromUtf8(sqlite3_errmsg(db));
    return QString::fromUtf8(sqlite3_errstr(rc));
}
} // namespace

Statement::Statement(sqlite3_stmt *stmt, sqlite3 *db) : m_stmt(stmt), m_db(db) {}

Statement::Statement(Statement &&other) noexcept
    : m_stmt(std::exchange(other.m_stmt, nullptr)), m_db(std::exchange(other.m_db, nullptr))
{
}

Statement &Statement::operator=(Statement &&other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_stmt = std::exchange(other.m_stmt, nullptr);
        m_db = std::exchange(other.m_db, nullptr);
    }
    return *this;
}

Statement::~Statement() { sqlite3_finalize(m_stmt); }

Statement &Statement::bind(int index, qint64 value)
{
    sqlite3_bind_int64(m_stmt, index, value);
    return *this;
}

Statement &Statement::bind(int index, double value)
{
    sqlite3_bind_double(m_stmt, index, value);
    return *this;
}

Statement &Statement::bind(int index, const QString &value)
{
    if (value.isNull())
        return bindNull(index);
    const QByteArray utf8 = value.toUtf8();
    sqlite3_bind_text(m_stmt, index, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement &Statement::bind(int index, const QByteArray &value)
{
    if (value.isNull())
        return bindNull(index);
    sqlite3_bind_blob(m_stmt, index, value.constData(), int(value.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement &Statement::bindNull(int index)
{
    sqlite3_bind_null(m_stmt, index);
    return *this;
}

Statement &Statement::bindVariant(int index, const QVariant &value)
{
    if (!value.isValid() || value.isNull())
        return bindNull(index);
    switch (value.typeId()) {
    case QMetaType::Bool:
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Long:
    case QMetaType::ULong:
        return bind(index, value.toLongLong());
    case QMetaType::Double:
    case QMetaType::Float:
        return bind(index, value.toDouble());
    case QMetaType::QByteArray:
        return bind(index, value.toByteArray());
    default:
        return bind(index, value.toString());
    }
}

Status Statement::fail(int rc) const
{
    if (isInterrupt(rc))
        return Status::cancelled();
    QString sql = m_stmt ? QString::fromUtf8(sqlite3_sql(m_stmt)).simplified() : QString();
    if (sql.size() > 120)
        sql = sql.left(117) + QStringLiteral("...");
    return Status::error(QStringLiteral("SQLite error %1 (%2) in \"%3\"")
                             .arg(rc)
                             .arg(sqliteMessage(m_db, rc), sql));
}

Result<bool> Statement::step()
{
    if (!m_stmt)
        return Status::error(QStringLiteral("SQLite: step on an invalid statement"));
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    Status error = fail(rc);
    sqlite3_reset(m_stmt);
    return error;
}

Status Statement::exec()
{
    auto r = step();
    reset();
    if (!r)
        return r.status();
    return Status::ok();
}

void Statement::reset()
{
    if (m_stmt) {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
}

int Statement::columnCount() const { return sqlite3_column_count(m_stmt); }
bool Statement::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}
qint64 Statement::int64(int column) const { return sqlite3_column_int64(m_stmt, column); }
double Statement::real(int column) const { return sqlite3_column_double(m_stmt, column); }

QString Statement::text(int column) const
{
    const auto *data = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    if (!data)
        return {};
    return QString::fromUtf8(data, sqlite3_column_bytes(m_stmt, column));
}

QByteArray Statement::blob(int column) const
{
    const void *data = sqlite3_column_blob(m_stmt, column);
    const int size = sqlite3_column_bytes(m_stmt, column);
    if (!data)
        return {};
    return QByteArray(static_cast<const char *>(data), size);
}

QVariant Statement::value(int column) const
{
    switch (sqlite3_column_type(m_stmt, column)) {
    case SQLITE_INTEGER:
        return QVariant(int64(column));
    case SQLITE_FLOAT:
        return QVariant(real(column));
    case SQLITE_TEXT:
        return QVariant(text(column));
    case SQLITE_BLOB:
        return QVariant(blob(column));
    default:
        return {};
    }
}

QString Statement::columnName(int column) const
{
    return QString::fromUtf8(sqlite3_column_name(m_stmt, column));
}

Database::Database(Database &&other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_path(std::move(other.m_path)),
      m_depth(std::exchange(other.m_depth, 0)), m_cancel(std::move(other.m_cancel))
{
}

Database &Database::operator=(Database &&other) noexcept
{
    if (this != &other) {
        sqlite3_close_v2(m_db);
        m_db = std::exchange(other.m_db, nullptr);
        m_path = std::move(other.m_path);
        m_depth = std::exchange(other.m_depth, 0);
        m_cancel = std::move(other.m_cancel);
    }
    return *this;
}

Database::~Database() { sqlite3_close_v2(m_db); }

Result<Database> Database::open(const QString &path, Mode mode)
{
    Database db;
    db.m_path = path;
    const int flags = (mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY
                                              : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
                      | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.toUtf8().constData(), &db.m_db, flags, nullptr);
    if (rc != SQLITE_OK)
        return Status::error(QStringLiteral("%1: cannot open database: %2")
                                 .arg(path, sqliteMessage(db.m_db, rc)));
    sqlite3_extended_result_codes(db.m_db, 1);
    // A reader waits for a checkpointing writer rather than failing at once.
    sqlite3_busy_timeout(db.m_db, 10000);
    QString pragmas = QStringLiteral("PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
                                     "PRAGMA cache_size=-65536;");
    if (mode == Mode::ReadWrite)
        pragmas += QStringLiteral("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    if (Status s = db.exec(pragmas); !s)
        return s.withContext(path);
    // Reading a file that is not a database only fails at the first real query.
    if (auto check = db.scalar(QStringLiteral("SELECT count(*) FROM sqlite_master")); !check)
        return check.status().withContext(path);
    return db;
}

Status Database::exec(const QString &sql)
{
    char *error = nullptr;
    const int rc = sqlite3_exec(m_db, sql.toUtf8().constData(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
        QString message = error ? QString::fromUtf8(error) : sqliteMessage(m_db, rc);
        sqlite3_free(error);
        if (isInterrupt(rc))
            return Status::cancelled();
        return Status::error(QStringLiteral("SQLite error %1: %2").arg(rc).arg(message));
    }
    return Status::ok();
}

Result<Statement> Database::prepare(const QString &sql)
{
    sqlite3_stmt *stmt = nullptr;
    const QByteArray utf8 = sql.toUtf8();
    const int rc = sqlite3_prepare_v3(m_db, utf8.constData(), int(utf8.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK)
        return Status::error(QStringLiteral("SQLite cannot prepare \"%1\": %2")
                                 .arg(sql.simplified().left(160), sqliteMessage(m_db, rc)));
    return Statement(stmt, m_db);
}

Status Database::forEachRow(const QString &sql, const QVariantList &params,
                            const std::function<void(const Statement &)> &visit)
{
    auto stmt = prepare(sql);
    if (!stmt)
        return stmt.status();
    for (int i = 0; i < params.size(); ++i)
        stmt->bindVariant(i + 1, params[i]);
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return row.status();
        if (!row.value())
            return Status::ok();
        visit(*stmt);
    }
}

Result<bool> Database::hasTable(const QString &name)
{
    auto n = scalar(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"), {name});
    if (!n)
        return n.status();
    return n->toLongLong() > 0;
}

Result<QVariant> Database::scalar(const QString &sql, const QVariantList &params)
{
    auto stmt = prepare(sql);
    if (!stmt)
        return stmt.status();
    for (int i = 0; i < params.size(); ++i)
        stmt->bindVariant(i + 1, params[i]);
    auto row = stmt->step();
    if (!row)
        return row.status();
    if (!row.value())
        return QVariant();
    return stmt->value(0);
}

qint64 Database::lastInsertRowId() const { return sqlite3_last_insert_rowid(m_db); }
int Database::changes() const { return sqlite3_changes(m_db); }

Status Database::begin()
{
    if (m_depth++ > 0)
        return Status::ok();
    Status s = exec(QStringLiteral("BEGIN IMMEDIATE"));
    if (!s)
        m_depth = 0;
    return s;
}

Status Database::commit()
{
    if (m_depth == 0)
        return Status::error(QStringLiteral("commit without a transaction"));
    if (--m_depth > 0)
        return Status::ok();
    // A cancelled job keeps its finished work but skips the automatic checkpoint that would
    // follow a big commit; the next run's commits checkpoint the WAL.
    const bool cancelled = m_cancel && m_cancel->isCancelled();
    if (cancelled)
        sqlite3_wal_autocheckpoint(m_db, 0);
    Status s = exec(QStringLiteral("COMMIT"));
    if (cancelled)
        sqlite3_wal_autocheckpoint(m_db, kWalAutoCheckpointPages);
    return s;
}

std::optional<CancelToken> Database::watchCancel(std::optional<CancelToken> token)
{
    std::optional<CancelToken> previous;
    if (m_cancel)
        previous = *m_cancel;
    if (!m_db)
        return previous;
    // After Ctrl-C the process is about to end: closing must not first copy the WAL into the
    // database (a checkpoint can take seconds after a big batch); the next writer does it.
    if (previous && previous->isCancelled())
        sqlite3_db_config(m_db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    if (token) {
        m_cancel = std::make_unique<CancelToken>(*token);
        sqlite3_progress_handler(m_db, kProgressOps, stopWhenCancelled, m_cancel.get());
    } else {
        sqlite3_progress_handler(m_db, 0, nullptr, nullptr);
        m_cancel.reset();
    }
    return previous;
}

Status Database::rollback()
{
    if (m_depth == 0)
        return Status::ok();
    m_depth = 0;
    return exec(QStringLiteral("ROLLBACK"));
}

} // namespace kl
