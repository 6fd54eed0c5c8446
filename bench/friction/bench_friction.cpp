// Friction throughput on one core: messages classified per second on the labeled corpora and,
// with --store DIR, on the own text of every message of a store (decompression included), then
// the whole `friction` pipeline (score what is unscored + rank) on that store.
//
// Usage: bench_friction [--store DIR] [--repeat N] [--model FILE]  (default: the built-in model)

#include <kernellens/index/store.h>
#include <kernellens/ingest/friction.h>
#include <kernellens/models/friction.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QStringList>
#include <QTextStream>

#include <ctime>

namespace {

// The text column of a CSV (RFC 4180; quoted fields may span lines).
QStringList csvColumn(const QString &path, const QString &column)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QString text = QString::fromUtf8(f.readAll());
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == QLatin1Char('"') && i + 1 < text.size() && text[i + 1] == QLatin1Char('"')) {
                field += c;
                ++i;
            } else if (c == QLatin1Char('"')) {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            row << field;
            field.clear();
        } else if (c == QLatin1Char('\n')) {
            row << field;
            field.clear();
            rows << row;
            row.clear();
        } else if (c != QLatin1Char('\r')) {
            field += c;
        }
    }
    if (rows.isEmpty())
        return {};
    const qsizetype index = rows.first().indexOf(column);
    QStringList out;
    for (qsizetype r = 1; r < rows.size(); ++r)
        out << rows[r].value(index);
    return out;
}

double classifyRate(const kl::friction::FrictionClassifier &c, const QStringList &texts, int repeat, qint64 &uncivil,
                    qint64 &chars, double &wallRate)
{
    uncivil = 0;
    chars = 0;
    // Thread CPU time: the rate one core gives, whatever else the machine is running.
    timespec start{}, end{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start);
    QElapsedTimer wall;
    wall.start();
    for (int r = 0; r < repeat; ++r)
        for (const QString &text : texts) {
            uncivil += c.score(text).uncivil;
            chars += text.size();
        }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end);
    const double cpu = double(end.tv_sec - start.tv_sec) + double(end.tv_nsec - start.tv_nsec) / 1e9;
    wallRate = double(texts.size()) * repeat / (double(wall.nsecsElapsed()) / 1e9);
    return double(texts.size()) * repeat / cpu;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    const QStringList args = app.arguments();
    const QString storeDir = args.contains(QStringLiteral("--store")) ? args.value(args.indexOf(QStringLiteral("--store")) + 1) : QString();
    const int repeat = args.contains(QStringLiteral("--repeat")) ? args.value(args.indexOf(QStringLiteral("--repeat")) + 1).toInt() : 3;

    QElapsedTimer load;
    load.start();
    const QString modelPath = args.contains(QStringLiteral("--model")) ? args.value(args.indexOf(QStringLiteral("--model")) + 1) : QString();
    auto classifier = modelPath.isEmpty() ? kl::friction::FrictionClassifier::load()
                                          : kl::friction::FrictionClassifier::load(modelPath);
    if (!classifier) {
        out << classifier.errorMessage() << '\n';
        return 1;
    }
    out << "model load: " << load.elapsed() << " ms\n";

    const QString data = QStringLiteral(KERNELLENS_FRICTION_DATA);
    QStringList texts = csvColumn(data + QStringLiteral("/code-review-toxicity.csv"), QStringLiteral("text"));
    texts += csvColumn(data + QStringLiteral("/github-incivility-comments.csv"), QStringLiteral("comment_body"));
    if (!texts.isEmpty()) {
        qint64 uncivil = 0, chars = 0;
        double wallRate = 0;
        const double rate = classifyRate(*classifier, texts, repeat, uncivil, chars, wallRate);
        out << QStringLiteral("labeled corpora: %1 messages x %2, avg %3 chars: %4 messages/s per core (CPU time), %5 wall\n")
                   .arg(texts.size()).arg(repeat).arg(chars / std::max<qint64>(1, texts.size() * repeat))
                   .arg(qint64(rate)).arg(qint64(wallRate));
    }
    if (storeDir.isEmpty())
        return 0;

    auto store = kl::Store::open(storeDir, kl::Store::Mode::ReadWrite);
    if (!store) {
        out << store.errorMessage() << '\n';
        return 1;
    }
    QStringList own;
    {
        QElapsedTimer t;
        t.start();
        auto st = store->db().prepare(QStringLiteral("SELECT own_text FROM message_bodies ORDER BY message_id"));
        while (st && st->step().value())
            own << QString::fromUtf8(qUncompress(st->blob(0)));
        out << "store: read and decompressed " << own.size() << " own texts in " << t.elapsed() << " ms\n";
    }
    qint64 uncivil = 0, chars = 0;
    double wallRate = 0;
    const double rate = classifyRate(*classifier, own, repeat, uncivil, chars, wallRate);
    out << QStringLiteral("store messages: %1 x %2, avg %3 chars: %4 messages/s per core (CPU time), %5 wall, %6 uncivil per pass\n")
               .arg(own.size()).arg(repeat).arg(chars / std::max<qint64>(1, own.size() * repeat)).arg(qint64(rate))
               .arg(qint64(wallRate)).arg(uncivil / repeat);

    // The whole pipeline as `kernellens-cli friction` runs it, from an unscored state.
    if (!store->db().exec(QStringLiteral("DELETE FROM friction_messages"))) {
        out << "cannot reset friction_messages\n";
        return 1;
    }
    QElapsedTimer t;
    t.start();
    auto scored = kl::friction::scoreStoreMessages(*store, *classifier, kl::JobContext{});
    const qint64 scoreMs = t.elapsed();
    kl::models::Filter filter;
    filter.top = 20;
    auto threads = kl::models::frictionThreads(*store, filter);
    const qint64 rankMs = t.elapsed() - scoreMs;
    auto trend = kl::models::frictionTrend(*store, filter);
    const qint64 trendMs = t.elapsed() - scoreMs - rankMs;
    if (!scored || !threads || !trend) {
        out << "pipeline failed\n";
        return 1;
    }
    out << QStringLiteral("pipeline: scored %1 messages in %2 ms, ranked threads in %3 ms, trend in %4 ms, total %5 ms\n")
               .arg(*scored).arg(scoreMs).arg(rankMs).arg(trendMs).arg(t.elapsed());
    return 0;
}
