// patch-id benchmark against git in the same run, on one repository:
//   commits: `git log -p --all | git patch-id --stable` (two processes in a pipe, as one would
//            run them) against CommitPatchIds over the same commits, in the same (log) order;
//   text:    `git patch-id --stable` over the saved `git log -p --all` output against
//            patchIdStable over the same text, one call per commit section.
// Prints wall and CPU seconds, the ratio ours/git (goal <= 1.0), the peak RSS of this process
// (ours), and how many ids agree.
//   bench_patch_id REPO [--rounds N] [--ours-only]   (bench/patchid/bench-patch-id.sh makes REPO)

#include <kernellens/ingest/patch_id.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHash>
#include <QProcess>
#include <QTextStream>

#include <sys/resource.h>
#include <sys/time.h>

namespace {

QTextStream out(stdout);

double seconds(const timeval &t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; }

struct Usage
{
    double cpu = 0;   // user + system seconds
    long maxRssKb = 0;
};

Usage usage(int who)
{
    rusage r{};
    getrusage(who, &r);
    return {seconds(r.ru_utime) + seconds(r.ru_stime), r.ru_maxrss};
}

QProcessEnvironment gitEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("GIT_CONFIG_NOSYSTEM"), QStringLiteral("1"));
    env.insert(QStringLiteral("GIT_CONFIG_GLOBAL"), QStringLiteral("/dev/null"));
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C"));
    return env;
}

// Runs git in `repo` with `input` on stdin; its stdout.
QByteArray git(const QString &repo, const QStringList &args, const QByteArray &input = {})
{
    QProcess p;
    p.setProcessEnvironment(gitEnvironment());
    p.setWorkingDirectory(repo);
    p.start(QStringLiteral("git"), args);
    p.waitForStarted();
    p.write(input);
    p.closeWriteChannel();
    QByteArray result;
    while (!p.waitForFinished(50))
        result += p.readAllStandardOutput();
    result += p.readAllStandardOutput();
    if (p.exitCode() != 0) {
        QTextStream(stderr) << "bench_patch_id: git " << args.join(QLatin1Char(' ')) << " failed: "
                            << p.readAllStandardError() << '\n';
        std::exit(1);
    }
    return result;
}

QHash<QByteArray, QByteArray> parseIds(const QByteArray &text)
{
    QHash<QByteArray, QByteArray> ids;
    for (const QByteArray &line : text.split('\n')) {
        const QList<QByteArray> f = line.split(' ');
        if (f.size() == 2)
            ids.insert(f[1], f[0]);
    }
    return ids;
}

// `git log -p --all | git patch-id --stable`, piped between the two processes.
QByteArray gitPipeline(const QString &repo)
{
    QProcess log, patchId;
    log.setProcessEnvironment(gitEnvironment());
    patchId.setProcessEnvironment(gitEnvironment());
    log.setWorkingDirectory(repo);
    log.setStandardOutputProcess(&patchId);
    log.start(QStringLiteral("git"), {QStringLiteral("log"), QStringLiteral("-p"), QStringLiteral("--all")});
    patchId.start(QStringLiteral("git"), {QStringLiteral("patch-id"), QStringLiteral("--stable")});
    QByteArray result;
    // Read the ids as they come: a full pipe would stop patch-id, and git log behind it.
    while (!patchId.waitForFinished(20))
        result += patchId.readAllStandardOutput();
    log.waitForFinished(-1);
    result += patchId.readAllStandardOutput();
    return result;
}

QString fixed(double v, int digits = 3) { return QString::number(v, 'f', digits); }

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    int rounds = 3;
    if (const qsizetype at = args.indexOf(QStringLiteral("--rounds")); at >= 0 && at + 1 < args.size()) {
        rounds = std::max(1, args.at(at + 1).toInt());
        args.remove(at, 2);
    }
    // For profiling: CommitPatchIds alone, no peer and no text part.
    const bool oursOnly = args.removeAll(QStringLiteral("--ours-only")) > 0;
    if (args.size() != 1) {
        out << "usage: bench_patch_id REPO [--rounds N] [--ours-only]\n";
        return 2;
    }
    const QString repo = args.first();

    // Setup, not timed: the commits in log order and the text of the log.
    const QList<QByteArray> commits = git(repo, {QStringLiteral("log"), QStringLiteral("--all"),
                                                 QStringLiteral("--format=%H")}).trimmed().split('\n');
    out << "repository " << repo << ": " << commits.size() << " commits; best of " << rounds << " rounds\n";
    out.flush();

    double gitWall = 1e9, gitCpu = 1e9, ourWall = 1e9, ourCpu = 1e9;
    double gitTextWall = 1e9, ourTextWall = 1e9;
    QHash<QByteArray, QByteArray> gitIds, ourIds;
    int ourTextIds = 0;
    for (int round = 0; round < rounds; ++round) {
        // The peer: both processes, from start to the last id.
        Usage before = usage(RUSAGE_CHILDREN);
        QElapsedTimer timer;
        timer.start();
        const QByteArray printed = oursOnly ? QByteArray() : gitPipeline(repo);
        gitWall = std::min(gitWall, timer.nsecsElapsed() / 1e9);
        gitCpu = std::min(gitCpu, usage(RUSAGE_CHILDREN).cpu - before.cpu);
        gitIds = parseIds(printed);

        // Ours, over the same commits.
        before = usage(RUSAGE_SELF);
        timer.restart();
        auto reader = kl::git::CommitPatchIds::open(repo);
        if (!reader) {
            QTextStream(stderr) << "bench_patch_id: " << reader.errorMessage() << '\n';
            return 1;
        }
        ourIds.clear();
        for (const QByteArray &sha : commits) {
            auto id = reader->patchId(sha);
            if (!id) {
                QTextStream(stderr) << "bench_patch_id: " << id.errorMessage() << '\n';
                return 1;
            }
            if (!id->isEmpty())
                ourIds.insert(sha, id.value());
        }
        ourWall = std::min(ourWall, timer.nsecsElapsed() / 1e9);
        ourCpu = std::min(ourCpu, usage(RUSAGE_SELF).cpu - before.cpu);
    }
    const long commitPhaseRssKb = usage(RUSAGE_SELF).maxRssKb;
    if (oursOnly) {
        out << "commits: CommitPatchIds wall " << fixed(ourWall) << " s  cpu " << fixed(ourCpu) << " s  ids "
            << ourIds.size() << "  peak RSS " << commitPhaseRssKb / 1024 << " MiB\n";
        return 0;
    }

    // Text: git patch-id over the log text against patchIdStable over its sections.
    const QByteArray logText = git(repo, {QStringLiteral("log"), QStringLiteral("-p"), QStringLiteral("--all")});
    QList<QByteArrayView> sections; // one per commit, from its "commit <sha>" line
    for (qsizetype pos = 0; pos < logText.size();) {
        qsizetype next = logText.indexOf("\ncommit ", pos);
        next = next < 0 ? logText.size() : next + 1;
        sections.append(QByteArrayView(logText).sliced(pos, next - pos));
        pos = next;
    }
    for (int round = 0; round < rounds; ++round) {
        QElapsedTimer timer;
        timer.start();
        git(repo, {QStringLiteral("patch-id"), QStringLiteral("--stable")}, logText);
        gitTextWall = std::min(gitTextWall, timer.nsecsElapsed() / 1e9);
        timer.restart();
        ourTextIds = 0;
        for (QByteArrayView section : std::as_const(sections))
            ourTextIds += kl::text::patchIdStable(section).id.isEmpty() ? 0 : 1;
        ourTextWall = std::min(ourTextWall, timer.nsecsElapsed() / 1e9);
    }

    int agree = 0;
    for (auto it = gitIds.cbegin(); it != gitIds.cend(); ++it)
        agree += ourIds.value(it.key()) == it.value() ? 1 : 0;
    const Usage self = usage(RUSAGE_SELF);
    out << "commits: git log -p | git patch-id --stable  wall " << fixed(gitWall) << " s  cpu " << fixed(gitCpu)
        << " s  ids " << gitIds.size() << '\n';
    out << "commits: CommitPatchIds                      wall " << fixed(ourWall) << " s  cpu " << fixed(ourCpu)
        << " s  ids " << ourIds.size() << " (" << agree << " equal to git's)\n";
    out << "commits: ratio ours/git wall " << fixed(ourWall / gitWall, 2) << "  cpu " << fixed(ourCpu / gitCpu, 2) << '\n';
    out << "text:    git patch-id --stable on the log     wall " << fixed(gitTextWall) << " s  ("
        << logText.size() / 1024 << " KiB, " << sections.size() << " commit sections)\n";
    out << "text:    patchIdStable per commit section     wall " << fixed(ourTextWall) << " s  ids " << ourTextIds
        << '\n';
    out << "text:    ratio ours/git wall " << fixed(ourTextWall / gitTextWall, 2) << '\n';
    // (A child's ru_maxrss counts what it had from us before its exec: git's own peak is measured
    // by bench-patch-id.sh with GNU time.)
    out << "peak RSS: ours " << commitPhaseRssKb / 1024 << " MiB after the commit part, " << self.maxRssKb / 1024
        << " MiB with the log text read for the text part\n";
    return agree == gitIds.size() && ourIds.size() == gitIds.size() ? 0 : 1;
}
