#pragma once
// Errors are values at module boundaries. A Status carries a message that names the input at
// fault ("linux-kbuild.mbox: offset 1234: ..."); callers add context as it travels up.

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace kl {

class Status
{
public:
    Status() = default;
    static Status ok() { return {}; }
    static Status error(QString message) { return Status(std::move(message)); }
    // Ctrl-C or a GUI Cancel: not a failure of the input, and callers report it differently.
    static Status cancelled() { Status s(QStringLiteral("cancelled")); s.m_cancelled = true; return s; }

    bool isOk() const { return !m_message.has_value(); }
    bool isCancelled() const { return m_cancelled; }
    explicit operator bool() const { return isOk(); }
    QString message() const { return m_message.value_or(QString()); }

    // "context: message", so the outermost caller's text names the whole path to the fault.
    Status withContext(const QString &context) const
    {
        if (isOk())
            return *this;
        Status s(context + QStringLiteral(": ") + *m_message);
        s.m_cancelled = m_cancelled;
        return s;
    }

private:
    explicit Status(QString message) : m_message(std::move(message)) {}
    std::optional<QString> m_message;
    bool m_cancelled = false;
};

template<typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(Status error) : m_value(std::move(error)) { Q_ASSERT(!std::get<Status>(m_value).isOk()); }

    bool isOk() const { return std::holds_alternative<T>(m_value); }
    explicit operator bool() const { return isOk(); }

    T &value() & { return std::get<T>(m_value); }
    const T &value() const & { return std::get<T>(m_value); }
    T &&value() && { return std::get<T>(std::move(m_value)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }

    Status status() const { return isOk() ? Status::ok() : std::get<Status>(m_value); }
    QString errorMessage() const { return status().message(); }

private:
    std::variant<T, Status> m_value;
};

} // namespace kl

// Propagates a failed Status from an expression; for use inside functions returning Status/Result.
#define KL_TRY(expr)                                                                               \
    do {                                                                                           \
        ::kl::Status kl_try_status_ = (expr);                                                      \
        if (!kl_try_status_.isOk())                                                                \
            return kl_try_status_;                                                                 \
    } while (false)
