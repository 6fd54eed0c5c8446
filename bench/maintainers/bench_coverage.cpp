// Benchmarks and tools for the maintainers/coverage part.
//   kl-bench-coverage inventory REPO STOREDIR TAG...   registers the tags as releases (as `ingest
//       git` does) and times analyzeReleaseTrees per release, with the blob reuse ratio.
//   kl-bench-coverage sections MAINTAINERS DIRS_FILE   reads paths on stdin, prints
//       "path<TAB>section|section..." (DIRS_FILE: the tree's directories, one per line), for the
//       comparison with scripts/get_maintainer.pl.
#include <kernellens/index/store.h>
#include <kernellens/ingest/release_inventory.h>
#include <kernellens/ingest/subsystems.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTextStream>

#include <ctime>

using namespace kl;

namespace {

QString git(const QString &repo, const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral("git"), QStringList{QStringLiteral("-C"), repo} + args);
    p.waitForFinished(-1);
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

int inventory(const QStringList &args)
{
    QTextStream out(stdout);
    if (args.size() < 3) {
        out << "usage: kl-bench-coverage inventory REPO STOREDIR TAG...\n";
        return 2;
    }
    const QString repo = args.at(0);
    auto store = Store::open(args.at(1), Store::Mode::ReadWrite);
    if (!store) {
        out << store.errorMessage() << '\n';
        return 1;
    }
    auto source = store->ensureSource(SourceKind::Git, repo, QStringLiteral(""));
    if (!source) {
        out << source.errorMessage() << '\n';
        return 1;
    }
    QElapsedTimer timer;
    timer.start();
    QString lastPhase;
    qint64 phaseStart = 0;
    ProgressReporter reporter([&](const Progress &p) {
        if (p.phase == lastPhase)
            return;
        if (!lastPhase.isEmpty())
            out << "  " << lastPhase << ": " << timer.elapsed() - phaseStart << " ms\n";
        out.flush();
        lastPhase = p.phase;
        phaseStart = timer.elapsed();
    });
    JobContext ctx;
    ctx.progress = &reporter;
    int ordinal = 0;
    // One release at a time, as successive `ingest git` runs would, to time each separately
    // (wall clock, and CPU time of all threads: the machine may be shared).
    for (const QString &tag : args.mid(2)) {
        auto stmt = store->db().prepare(QStringLiteral(
            "INSERT OR IGNORE INTO releases(source_id, tag, commit_oid, tree_oid, date, ordinal) VALUES(?,?,?,?,?,?)"));
        if (!stmt)
            return 1;
        stmt->bind(1, *source).bind(2, tag)
            .bind(3, git(repo, {QStringLiteral("rev-parse"), tag + QStringLiteral("^{commit}")}))
            .bind(4, git(repo, {QStringLiteral("rev-parse"), tag + QStringLiteral("^{tree}")}))
            .bind(5, git(repo, {QStringLiteral("log"), QStringLiteral("-1"), QStringLiteral("--format=%ct"), tag}).toLongLong())
            .bind(6, ordinal++);
        if (!stmt->exec())
            return 1;
        const std::clock_t cpuStart = std::clock();
        const qint64 wallStart = timer.elapsed();
        const Status status = ingest::analyzeReleaseTrees(*store, *source, repo, ctx);
        if (!status) {
            out << "failed: " << status.message() << '\n';
            return 1;
        }
        out << "  " << lastPhase << ": " << timer.elapsed() - phaseStart << " ms\n";
        lastPhase.clear();
        out << tag << ": wall " << timer.elapsed() - wallStart << " ms, cpu "
            << qint64(double(std::clock() - cpuStart) * 1000.0 / CLOCKS_PER_SEC) << " ms\n";
        out.flush();
    }
    out << "total " << timer.elapsed() << " ms\n";
    auto rows = store->db().prepare(QStringLiteral(
        "SELECT r.tag, m.files, m.sections, m.blobs_scanned, m.blobs_reused, m.elapsed_ms FROM maint_releases m "
        "JOIN releases r ON r.id = m.release_id WHERE r.source_id = ? ORDER BY r.ordinal"));
    if (!rows)
        return 1;
    rows->bind(1, *source);
    while (rows->step().value()) {
        const double scanned = double(rows->int64(3));
        const double reused = double(rows->int64(4));
        out << rows->text(0) << ": files " << rows->int64(1) << ", sections " << rows->int64(2)
            << ", blob facts scanned " << rows->int64(3) << ", reused " << rows->int64(4) << " (reuse ratio "
            << QString::number(scanned + reused > 0 ? reused / (scanned + reused) : 0.0, 'f', 3) << "), "
            << rows->int64(5) << " ms\n";
    }
    return 0;
}

int sections(const QStringList &args)
{
    QTextStream out(stdout);
    if (args.size() < 2) {
        out << "usage: kl-bench-coverage sections MAINTAINERS DIRS_FILE < paths\n";
        return 2;
    }
    QFile m(args.at(0));
    QFile dirsFile(args.at(1));
    if (!m.open(QIODevice::ReadOnly) || !dirsFile.open(QIODevice::ReadOnly)) {
        out << "cannot read " << args.at(0) << " or " << args.at(1) << '\n';
        return 1;
    }
    QSet<QString> dirs;
    for (const QByteArray &line : dirsFile.readAll().split('\n'))
        if (!line.isEmpty())
            dirs.insert(QString::fromUtf8(line));
    QElapsedTimer timer;
    timer.start();
    const SubsystemMap map = SubsystemMap::fromMaintainers(m.readAll(), dirs);
    const qint64 parseMs = timer.elapsed();
    QTextStream in(stdin);
    qint64 n = 0;
    timer.restart();
    while (!in.atEnd()) {
        const QString path = in.readLine().trimmed();
        if (path.isEmpty())
            continue;
        QStringList s = map.sectionsFor(path);
        s.removeDuplicates();
        out << path << '\t' << s.join(QLatin1Char('|')) << '\n';
        ++n;
    }
    QTextStream err(stderr);
    err << "parsed " << map.sections().size() << " sections in " << parseMs << " ms, " << map.warnings().size()
        << " warnings; mapped " << n << " paths in " << timer.elapsed() << " ms\n";
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments().mid(1);
    if (args.value(0) == QLatin1String("inventory"))
        return inventory(args.mid(1));
    if (args.value(0) == QLatin1String("sections"))
        return sections(args.mid(1));
    QTextStream(stdout) << "usage: kl-bench-coverage inventory|sections ...\n";
    return 2;
}
