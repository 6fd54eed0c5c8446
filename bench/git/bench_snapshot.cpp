// Counts files and lines per language of release trees with the code the git ingest uses, one
// blob cache across the revisions given, and prints the time of each: the first tree costs every
// blob, the next only the blobs it does not share.
//   bench-git-snapshot REPO REV [REV...] [--threads N] [--rust-only]

#include <kernellens/ingest/git_ingest.h>
#include <kernellens/ingest/languages.h>

#include <QCoreApplication>
#include <QStringList>
#include <QTextStream>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    int threads = 2;
    if (const qsizetype at = args.indexOf(QStringLiteral("--threads")); at >= 0 && at + 1 < args.size()) {
        threads = args.at(at + 1).toInt();
        args.remove(at, 2);
    }
    QTextStream out(stdout);
    if (args.size() < 2) {
        out << "usage: bench-git-snapshot REPO REV [REV...] [--threads N]\n";
        return 2;
    }
    const QString repo = args.takeFirst();
    auto counts = kl::ingest::countTrees(repo, args, kl::ingest::LanguageMap::builtin(), threads, kl::JobContext{});
    if (!counts) {
        QTextStream(stderr) << "bench-git-snapshot: " << counts.errorMessage() << '\n';
        return 1;
    }
    for (const auto &c : *counts) {
        out << "tree " << c.revision << ": files " << c.files << " lines " << c.lines << " blobs_read "
            << c.blobsRead << " bytes_read " << c.bytesRead << " seconds " << QString::number(c.seconds, 'f', 3) << '\n';
        for (const auto &l : c.perLanguage)
            out << "  " << l.first << ": files " << l.second.first << " lines " << l.second.second << '\n';
    }
    return 0;
}
