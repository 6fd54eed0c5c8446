// How fast can Xapian itself index a mail archive on this machine? The floor of the search half
// of `ingest mail`, measured on the text a KernelLens store already holds, so parsing, SQLite and
// git are out of the picture:
//
//   bench-search-floor STORE_DIR [--threads N] [--batch N]
//
// Three runs over the same in-memory documents, each on N threads into N shards (N = 2 by
// default, the machine's cores), committing every --batch documents:
//   kernellens        SearchIndex::prepare + add + commit: exactly what the ingest does;
//   xapian-positional bare Xapian: subject and own text with positions, quoted text without,
//                     English stemming (the term set of a "full" index such as public-inbox's);
//   xapian-minimal    bare Xapian, the least that is still full-text search: every word of
//                     subject, own and quoted text, no positions, no stemming, no prefixes.
// Prints wall and CPU seconds, documents/s and text MB/s for each. Nothing here is timed twice:
// loading and decompressing the documents happens before the clocks start.
#include <kernellens/index/database.h>
#include <kernellens/index/search_index.h>

#include <xapian.h>

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QHash>
#include <QTemporaryDir>

#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <functional>
#include <optional>
#include <thread>
#include <vector>

namespace {

using Status = kl::Status;

double cpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
           + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

struct Measurement
{
    QElapsedTimer wall;
    double cpuStart = cpuSeconds();
    Measurement() { wall.start(); }
    void print(const char *name, size_t documents, qint64 textBytes) const
    {
        const double seconds = double(wall.nsecsElapsed()) / 1e9;
        std::printf("%-18s wall %7.2f s  cpu %7.2f s  %8.0f docs/s  %6.1f MB/s of text\n", name,
                    seconds, cpuSeconds() - cpuStart, double(documents) / seconds,
                    double(textBytes) / 1e6 / seconds);
        std::fflush(stdout);
    }
};

kl::Result<std::vector<kl::SearchDocument>> loadDocuments(const QString &storeDir, qint64 &textBytes)
{
    auto db = kl::Database::open(QDir(storeDir).filePath(QStringLiteral("kernellens.sqlite")),
                                 kl::Database::Mode::ReadOnly);
    if (!db)
        return db.status();
    std::vector<kl::SearchDocument> documents;
    QHash<qint64, size_t> byRow;
    Status status = db->forEachRow(
        QStringLiteral("SELECT m.id, m.msgid, m.subject, m.date, l.name,"
                       " coalesce(i.name || ' <' || i.email || '>', ''), b.own_text, b.quoted_text"
                       " FROM messages m JOIN lists l ON l.id = m.list_id"
                       " LEFT JOIN identities i ON i.id = m.from_identity"
                       " LEFT JOIN message_bodies b ON b.message_id = m.id ORDER BY m.id"),
        {}, [&](const kl::Statement &row) {
            kl::SearchDocument doc;
            doc.rowId = row.int64(0);
            doc.messageId = row.text(1);
            doc.subject = row.text(2);
            if (!row.isNull(3))
                doc.date = QDateTime::fromSecsSinceEpoch(row.int64(3), Qt::UTC);
            doc.list = row.text(4);
            doc.from = row.text(5);
            doc.ownText = QString::fromUtf8(qUncompress(row.blob(6)));
            doc.quotedText = QString::fromUtf8(qUncompress(row.blob(7)));
            textBytes += doc.subject.size() + doc.ownText.size() + doc.quotedText.size();
            byRow.insert(doc.rowId, documents.size());
            documents.push_back(std::move(doc));
        });
    if (!status)
        return status;
    status = db->forEachRow(
        QStringLiteral("SELECT a.message_id, a.kind, i.name || ' <' || i.email || '>'"
                       " FROM message_addresses a JOIN identities i ON i.id = a.identity_id"),
        {}, [&](const kl::Statement &row) {
            if (auto it = byRow.constFind(row.int64(0)); it != byRow.cend())
                (row.int64(1) == 1 ? documents[*it].to : documents[*it].cc).append(row.text(2));
        });
    if (!status)
        return status;
    status = db->forEachRow(QStringLiteral("SELECT message_id, path FROM patch_files"), {},
                            [&](const kl::Statement &row) {
                                if (auto it = byRow.constFind(row.int64(0)); it != byRow.cend())
                                    documents[*it].diffFiles.append(row.text(1));
                            });
    if (!status)
        return status;
    return documents;
}

Status runKernelLens(const std::vector<kl::SearchDocument> &documents, const QString &dir,
                     int threads, size_t batch)
{
    qputenv("KERNELLENS_SEARCH_SHARDS", QByteArray::number(threads));
    auto index = kl::SearchIndex::open(dir, kl::SearchIndex::Mode::ReadWrite);
    if (!index)
        return index.status();
    auto prepareBatch = [&](size_t begin) {
        const size_t end = std::min(documents.size(), begin + batch);
        std::vector<std::optional<kl::Result<kl::PreparedSearchDocument>>> out(end - begin);
        std::atomic<size_t> next{begin};
        auto work = [&] {
            for (size_t i; (i = next.fetch_add(1)) < end;)
                out[i - begin].emplace(kl::SearchIndex::prepare(documents[i]));
        };
        std::vector<std::thread> pool;
        for (int t = 1; t < threads; ++t)
            pool.emplace_back(work);
        work();
        for (auto &t : pool)
            t.join();
        return out;
    };
    // As the ingest does: the shard threads write one batch while the next is tokenised.
    auto current = prepareBatch(0);
    for (size_t begin = 0; begin < documents.size(); begin += batch) {
        for (auto &prepared : current) {
            if (!*prepared)
                return prepared->status();
            if (Status s = index->add(std::move(prepared->value())); !s)
                return s;
        }
        current = begin + batch < documents.size() ? prepareBatch(begin + batch)
                                                   : decltype(current)();
        if (Status s = index->commit(); !s)
            return s;
    }
    return Status::ok();
}

// One shard per thread, document i to shard i % threads.
Status runBareXapian(const std::vector<kl::SearchDocument> &documents, const QString &dir,
                     int threads, size_t batch, bool positional)
{
    std::vector<std::string> errors(static_cast<size_t>(threads));
    auto work = [&](int shard) {
        try {
            Xapian::WritableDatabase db(QDir(dir).filePath(QString::number(shard)).toStdString(),
                                        Xapian::DB_CREATE_OR_OVERWRITE);
            Xapian::TermGenerator generator;
            if (positional) {
                generator.set_stemmer(Xapian::Stem("english"));
                generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
            }
            size_t sinceCommit = 0;
            for (size_t i = size_t(shard); i < documents.size(); i += size_t(threads)) {
                const kl::SearchDocument &doc = documents[i];
                Xapian::Document xdoc;
                generator.set_document(xdoc);
                const std::string subject = doc.subject.toStdString();
                const std::string own = doc.ownText.toStdString();
                const std::string quoted = doc.quotedText.toStdString();
                if (positional) {
                    generator.index_text(subject);
                    generator.increase_termpos();
                    generator.index_text(own);
                    generator.index_text_without_positions(quoted);
                } else {
                    generator.index_text_without_positions(subject);
                    generator.index_text_without_positions(own);
                    generator.index_text_without_positions(quoted);
                }
                db.add_document(xdoc);
                if (++sinceCommit == batch / size_t(threads)) {
                    db.commit();
                    sinceCommit = 0;
                }
            }
            db.commit();
        } catch (const Xapian::Error &e) {
            errors[size_t(shard)] = e.get_description();
        }
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back(work, t);
    for (auto &t : pool)
        t.join();
    for (const auto &e : errors)
        if (!e.empty())
            return Status::error(QString::fromStdString(e));
    return Status::ok();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    int threads = 2;
    size_t batch = 2000;
    QString store;
    auto usage = [] {
        std::fprintf(stderr, "usage: bench-search-floor STORE_DIR [--threads N] [--batch N]\n");
        return 2;
    };
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--threads") && i + 1 < args.size())
            threads = std::max(1, args[++i].toInt());
        else if (args[i] == QLatin1String("--batch") && i + 1 < args.size())
            batch = size_t(std::max(1, args[++i].toInt()));
        else if (store.isEmpty() && !args[i].startsWith(QLatin1Char('-')))
            store = args[i];
        else
            return usage();
    }
    if (store.isEmpty())
        return usage();
    qint64 textBytes = 0;
    auto documents = loadDocuments(store, textBytes);
    if (!documents) {
        std::fprintf(stderr, "bench-search-floor: %s: %s\n", qPrintable(store),
                     qPrintable(documents.status().message()));
        return 1;
    }
    std::printf("%zu documents, %.1f MB of subject + own + quoted text (UTF-16 code units / 1e6), "
                "%d threads, commit every %zu\n",
                documents->size(), double(textBytes) / 1e6, threads, batch);
    QTemporaryDir scratch;
    if (!scratch.isValid()) {
        std::fprintf(stderr, "bench-search-floor: cannot create a scratch directory\n");
        return 1;
    }
    struct Run
    {
        const char *name;
        std::function<Status(const QString &)> run;
    };
    const std::vector<Run> runs{
        {"kernellens", [&](const QString &dir) { return runKernelLens(*documents, dir, threads, batch); }},
        {"xapian-positional", [&](const QString &dir) { return runBareXapian(*documents, dir, threads, batch, true); }},
        {"xapian-minimal", [&](const QString &dir) { return runBareXapian(*documents, dir, threads, batch, false); }},
    };
    for (const Run &run : runs) {
        const QString dir = scratch.filePath(QString::fromLatin1(run.name));
        QDir().mkpath(dir);
        Measurement m;
        if (Status s = run.run(dir); !s) {
            std::fprintf(stderr, "bench-search-floor: %s: %s\n", run.name, qPrintable(s.message()));
            return 1;
        }
        m.print(run.name, documents->size(), textBytes);
        QDir(dir).removeRecursively();
    }
    return 0;
}
