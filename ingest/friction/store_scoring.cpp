#include <kernellens/index/store.h>
#include <kernellens/ingest/friction.h>

#include <QJsonArray>
#include <QtEndian>
#include <QJsonDocument>
#include <QJsonObject>

namespace kl::friction {

namespace {

QString evidenceJson(const MessageFriction &m)
{
    if (m.evidence.isEmpty())
        return QString();
    QJsonArray array;
    for (const Evidence &e : m.evidence)
        array.append(QJsonObject{{QStringLiteral("sentence"), e.sentence},
                                 {QStringLiteral("signal"), e.signal},
                                 {QStringLiteral("category"), e.category},
                                 {QStringLiteral("weight"), qRound(e.weight * 1000) / 1000.0},
                                 {QStringLiteral("start"), qint64(e.start)},
                                 {QStringLiteral("length"), qint64(e.length)}});
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

} // namespace

Result<qint64> scoreStoreMessages(Store &store, const FrictionClassifier &classifier, const JobContext &ctx)
{
    Database &db = store.db();
    const QString version = classifier.modelVersion();
    auto pending = db.scalar(QStringLiteral(
        "SELECT count(*) FROM message_bodies b LEFT JOIN friction_messages f ON f.message_id = b.message_id "
        "WHERE f.message_id IS NULL OR f.model_version <> ?1"), {version});
    if (!pending)
        return pending.status().withContext(QStringLiteral("friction"));
    const qint64 total = pending->toLongLong();
    if (total == 0)
        return qint64(0);

    auto select = db.prepare(QStringLiteral(
        "SELECT b.message_id, b.own_text FROM message_bodies b "
        "LEFT JOIN friction_messages f ON f.message_id = b.message_id "
        "WHERE (f.message_id IS NULL OR f.model_version <> ?1) AND b.message_id > ?2 "
        "ORDER BY b.message_id LIMIT ?3"));
    if (!select)
        return select.status();
    auto insert = db.prepare(QStringLiteral(
        "INSERT OR REPLACE INTO friction_messages(message_id, model_version, score, uncivil, rejection, naks, "
        "shouting, categories, evidence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    if (!insert)
        return insert.status();

    constexpr int kBatch = 4000;
    qint64 done = 0;
    qint64 after = 0;
    const QString phase = QStringLiteral("scoring friction");
    ctx.report(phase, 0, total, QStringLiteral("messages"), true);
    while (true) {
        if (ctx.cancel.isCancelled())
            return Status::cancelled();
        struct Row { qint64 id; MessageFriction friction; };
        std::vector<Row> rows;
        select->bind(1, version).bind(2, after).bind(3, kBatch);
        while (true) {
            auto step = select->step();
            if (!step)
                return step.status().withContext(QStringLiteral("friction"));
            if (!*step)
                break;
            const qint64 id = select->int64(0);
            const QByteArray compressed = select->blob(1);
            QString text;
            // qCompress() prefixes the uncompressed length (big-endian); 0 is an empty text,
            // anything else that inflates to nothing is corrupt.
            if (compressed.size() >= 4 && qFromBigEndian<quint32>(compressed.constData()) != 0) {
                const QByteArray raw = qUncompress(compressed);
                if (raw.isEmpty())
                    return Status::error(QStringLiteral("friction: message %1: own_text is not qCompress()ed data").arg(id));
                text = QString::fromUtf8(raw);
            }
            rows.push_back({id, classifier.score(text)});
            after = id;
        }
        select->reset();
        if (rows.empty())
            break;
        Transaction tx(db);
        KL_TRY(tx.status());
        for (const Row &r : rows) {
            const MessageFriction &m = r.friction;
            const QString evidence = evidenceJson(m);
            insert->bind(1, r.id).bind(2, version).bind(3, m.score).bind(4, int(m.uncivil)).bind(5, int(m.rejection))
                .bind(6, m.naks).bind(7, int(m.shouting)).bind(8, m.categories.join(QLatin1Char(' ')))
                .bind(9, evidence.isNull() ? QStringLiteral("") : evidence);
            KL_TRY(insert->exec().withContext(QStringLiteral("friction: message %1").arg(r.id)));
        }
        KL_TRY(tx.commit());
        done += qint64(rows.size());
        ctx.report(phase, done, total, QStringLiteral("messages"));
    }
    ctx.report(phase, done, total, QStringLiteral("messages"), true);
    return done;
}

} // namespace kl::friction
