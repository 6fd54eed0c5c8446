#pragma once
// A git repository in a QTemporaryDir, built with the git CLI with fixed identities and dates,
// for the git tests.

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>

namespace kl::testing {

class Scratch
{
public:
    Scratch() : m_path(m_dir.path() + QStringLiteral("/repo")) { QDir().mkpath(m_path); git({QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("master")}); }

    QString path() const { return m_path; }
    QString tempPath() const { return m_dir.path(); }

    QString git(const QStringList &args, const QByteArray &input = {}) const
    {
        QProcess p;
        p.setWorkingDirectory(m_path);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GIT_AUTHOR_NAME"), m_authorName);
        env.insert(QStringLiteral("GIT_AUTHOR_EMAIL"), m_authorEmail);
        env.insert(QStringLiteral("GIT_COMMITTER_NAME"), QStringLiteral("Committer"));
        env.insert(QStringLiteral("GIT_COMMITTER_EMAIL"), QStringLiteral("committer@example.org"));
        env.insert(QStringLiteral("GIT_AUTHOR_DATE"), m_date);
        env.insert(QStringLiteral("GIT_COMMITTER_DATE"), m_date);
        env.insert(QStringLiteral("GIT_CONFIG_NOSYSTEM"), QStringLiteral("1"));
        env.insert(QStringLiteral("HOME"), m_dir.path());
        p.setProcessEnvironment(env);
        p.start(QStringLiteral("git"), args);
        p.write(input);
        p.closeWriteChannel();
        p.waitForFinished(60000);
        if (p.exitCode() != 0)
            qWarning("git %s failed: %s", qPrintable(args.join(QLatin1Char(' '))), p.readAllStandardError().constData());
        return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    }

    void write(const QString &file, const QByteArray &content) const
    {
        const QString full = m_path + QLatin1Char('/') + file;
        QDir().mkpath(QFileInfo(full).absolutePath());
        QFile f(full);
        f.open(QIODevice::WriteOnly);
        f.write(content);
    }
    void remove(const QString &file) const { QFile::remove(m_path + QLatin1Char('/') + file); }

    QString commit(const QString &message)
    {
        git({QStringLiteral("add"), QStringLiteral("-A")});
        git({QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("--allow-empty"), QStringLiteral("-m"), message});
        return git({QStringLiteral("rev-parse"), QStringLiteral("HEAD")});
    }
    void as(const QString &name, const QString &email) { m_authorName = name; m_authorEmail = email; }
    void at(const QString &isoDate) { m_date = isoDate; }
    void tag(const QString &name) { git({QStringLiteral("tag"), name}); }

private:
    QTemporaryDir m_dir;
    QString m_path;
    QString m_authorName = QStringLiteral("Ada Dev");
    QString m_authorEmail = QStringLiteral("ada@example.org");
    QString m_date = QStringLiteral("2023-01-01T12:00:00Z");
};

inline QByteArray lines(int n, const char *word)
{
    QByteArray b;
    for (int i = 0; i < n; ++i)
        b += QByteArray(word) + ' ' + QByteArray::number(i) + '\n';
    return b;
}

} // namespace kl::testing
