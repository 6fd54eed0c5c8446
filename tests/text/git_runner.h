#pragma once
// The real git for the patch-id tests: every expected id is what `git patch-id --stable` prints
// for the same text, at test time. git runs with its defaults (no system or global config),
// fixed identities and dates, and no shell.

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace kl::testing {

struct GitRun
{
    QByteArray out;
    QByteArray err;
    bool ok = false;
};

inline GitRun runGit(const QStringList &args, const QByteArray &input = {}, const QString &workDir = {},
                     const QString &home = QStringLiteral("/nonexistent"))
{
    QProcess p;
    if (!workDir.isEmpty())
        p.setWorkingDirectory(workDir);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("GIT_CONFIG_NOSYSTEM"), QStringLiteral("1"));
    env.insert(QStringLiteral("GIT_CONFIG_GLOBAL"), QStringLiteral("/dev/null"));
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("GIT_AUTHOR_NAME"), QStringLiteral("A U Thor"));
    env.insert(QStringLiteral("GIT_AUTHOR_EMAIL"), QStringLiteral("author@example.org"));
    env.insert(QStringLiteral("GIT_COMMITTER_NAME"), QStringLiteral("C O Mitter"));
    env.insert(QStringLiteral("GIT_COMMITTER_EMAIL"), QStringLiteral("committer@example.org"));
    env.insert(QStringLiteral("GIT_AUTHOR_DATE"), QStringLiteral("2023-01-01T12:00:00Z"));
    env.insert(QStringLiteral("GIT_COMMITTER_DATE"), QStringLiteral("2023-01-01T12:00:00Z"));
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral("git"), args);
    if (!p.waitForStarted(30000))
        return {};
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    GitRun run;
    // Read as it comes: a large output must not fill the pipe while we wait.
    while (!p.waitForFinished(100)) {
        run.out += p.readAllStandardOutput();
        run.err += p.readAllStandardError();
        if (p.state() == QProcess::NotRunning)
            break;
    }
    run.out += p.readAllStandardOutput();
    run.err += p.readAllStandardError();
    run.ok = p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    return run;
}

// The first id `git patch-id --stable` prints for a text; empty when it prints none.
inline QByteArray gitPatchId(const QByteArray &text)
{
    const GitRun run = runGit({QStringLiteral("patch-id"), QStringLiteral("--stable")}, text);
    const qsizetype space = run.out.indexOf(' ');
    return space > 0 ? run.out.left(space) : QByteArray();
}

// "id commit" lines of `git patch-id` -> commit -> id.
inline QHash<QByteArray, QByteArray> parsePatchIds(const QByteArray &out)
{
    QHash<QByteArray, QByteArray> ids;
    for (const QByteArray &line : out.split('\n')) {
        const QList<QByteArray> f = line.split(' ');
        if (f.size() == 2)
            ids.insert(f[1], f[0]);
    }
    return ids;
}

} // namespace kl::testing
