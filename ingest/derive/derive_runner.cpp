// The derive stage's runner: fingerprints, skip or run, and the derive_state bookkeeping.

#include "derivation.h"

#include <QDateTime>
#include <QElapsedTimer>

namespace kl::derive {

namespace {

std::vector<std::unique_ptr<Derivation>> allDerivations()
{
    std::vector<std::unique_ptr<Derivation>> list;
    list.push_back(makeThreadsDerivation());
    list.push_back(makeFrictionDerivation());
    list.push_back(makeReleaseSeriesDerivation());
    list.push_back(makeReleaseTreesDerivation());
    list.push_back(makePatchIdsDerivation());
    list.push_back(makeLinksDerivation());
    list.push_back(makeReviewDerivation());
    return list;
}

Status checkNames(const QStringList &given, const QStringList &known, const QString &what)
{
    QStringList unknown;
    for (const QString &name : given)
        if (!known.contains(name))
            unknown << name;
    if (unknown.isEmpty())
        return Status::ok();
    return Status::error(QStringLiteral("unknown %1 %2 (known: %3)")
                             .arg(what, unknown.join(QStringLiteral(", ")), known.join(QStringLiteral(", "))));
}

// True when the stored state says this exact input was already derived by this code version.
Result<bool> upToDate(Store &store, const Derivation &d, const QString &fingerprint)
{
    auto stmt = store.db().prepare(QStringLiteral("SELECT version, state FROM derive_state WHERE name = ?"));
    if (!stmt)
        return stmt.status();
    stmt->bind(1, d.info().name);
    auto row = stmt->step();
    if (!row)
        return row.status();
    return row.value() && stmt->int64(0) == d.version() && stmt->text(1) == fingerprint;
}

Status remember(Store &store, const Derivation &d, const QString &fingerprint, const DerivationRun &run)
{
    auto stmt = store.db().prepare(QStringLiteral(
        "INSERT OR REPLACE INTO derive_state(name, version, state, items, seconds, updated_at) VALUES(?,?,?,?,?,?)"));
    if (!stmt)
        return stmt.status();
    // A null QString would bind NULL; an empty fingerprint is a valid one.
    stmt->bind(1, d.info().name).bind(2, qint64(d.version())).bind(3, fingerprint.isNull() ? QStringLiteral("") : fingerprint);
    stmt->bind(4, run.items);
    stmt->bind(5, run.seconds).bind(6, QDateTime::currentMSecsSinceEpoch());
    return stmt->exec();
}

} // namespace

QStringList linkMethodNames()
{
    return {QStringLiteral("trailer"), QStringLiteral("applied"), QStringLiteral("patch-id"),
            QStringLiteral("author-date"), QStringLiteral("subject")};
}

QList<DerivationInfo> derivations()
{
    QList<DerivationInfo> infos;
    for (const auto &d : allDerivations())
        infos << d->info();
    return infos;
}

Result<DeriveSummary> runDerivations(Store &store, const DeriveOptions &options, const JobContext &ctx)
{
    QStringList names;
    for (const DerivationInfo &info : derivations())
        names << info.name;
    KL_TRY(checkNames(options.only, names, QStringLiteral("derivation")));
    KL_TRY(checkNames(options.linkMethods, linkMethodNames(), QStringLiteral("link method")));
    if (options.ignoredAfterDays < 1)
        return Status::error(QStringLiteral("the ignored window must be at least one day"));

    QElapsedTimer total;
    total.start();
    const CancelWatch stopLongStatements(store.db(), ctx.cancel);
    DeriveSummary summary;
    for (const auto &d : allDerivations()) {
        const QString name = d->info().name;
        if (!options.only.isEmpty() && !options.only.contains(name))
            continue;
        if (ctx.cancel.isCancelled())
            return Status::cancelled();
        auto fingerprint = d->fingerprint(store, options);
        if (!fingerprint)
            return fingerprint.status().withContext(QStringLiteral("derive %1").arg(name));
        auto current = upToDate(store, *d, *fingerprint);
        if (!current)
            return current.status();
        if (current.value() && !options.force) {
            DerivationRun skipped;
            skipped.name = name;
            skipped.skipped = true;
            skipped.note = QStringLiteral("inputs unchanged");
            summary.runs << skipped;
            continue;
        }
        ctx.report(QStringLiteral("deriving %1").arg(name), 0, -1, {}, true);
        QElapsedTimer timer;
        timer.start();
        auto run = d->run(store, options, ctx);
        if (!run)
            return run.status().isCancelled() ? run.status()
                                              : run.status().withContext(QStringLiteral("derive %1").arg(name));
        run->name = name;
        run->seconds = double(timer.nsecsElapsed()) / 1e9;
        // Taken again after the run: the store's writer lock keeps every other writer out, so
        // only the derivation itself changed its inputs (threads clears the lists' stale flags).
        auto after = d->fingerprint(store, options);
        if (!after)
            return after.status();
        KL_TRY(remember(store, *d, *after, *run));
        summary.runs << run.value();
    }
    summary.seconds = double(total.nsecsElapsed()) / 1e9;
    return summary;
}

QString summaryLine(const DeriveSummary &summary)
{
    QStringList ran;
    int skipped = 0;
    for (const DerivationRun &run : summary.runs) {
        if (run.skipped)
            ++skipped;
        else
            ran << QStringLiteral("%1 (%2)").arg(run.name, run.note);
    }
    QString line = QStringLiteral("derived in %1 s").arg(summary.seconds, 0, 'f', 1);
    if (!ran.isEmpty())
        line += QStringLiteral(": ") + ran.join(QStringLiteral("; "));
    if (skipped)
        line += QStringLiteral("; %1 unchanged").arg(skipped);
    return line;
}

Result<QString> ingestGeneration(Store &store)
{
    auto stmt = store.db().prepare(QStringLiteral(
        "SELECT (SELECT ifnull(max(id), 0) FROM messages), (SELECT count(*) FROM messages), "
        "(SELECT ifnull(max(id), 0) FROM commits), (SELECT count(*) FROM commits), "
        "(SELECT count(*) FROM releases), (SELECT ifnull(max(id), 0) FROM releases), "
        "(SELECT count(*) FROM lists WHERE threads_stale <> 0)"));
    if (!stmt)
        return stmt.status();
    auto row = stmt->step();
    if (!row)
        return row.status();
    QStringList parts;
    for (int i = 0; i < 7; ++i)
        parts << QString::number(stmt->int64(i));
    return parts.join(QLatin1Char('/'));
}

Result<QString> upstreamStamp(Store &store, const QString &derivation)
{
    auto v = store.db().scalar(QStringLiteral("SELECT updated_at FROM derive_state WHERE name = ?"), {derivation});
    if (!v)
        return v.status();
    return QString(derivation + QLatin1Char('@') + (v->isNull() ? QStringLiteral("never") : v->toString()));
}

Status WarningSink::clear()
{
    m_counts.clear();
    auto stmt = m_store.db().prepare(QStringLiteral("DELETE FROM derive_warnings WHERE derivation = ?"));
    if (!stmt)
        return stmt.status();
    stmt->bind(1, m_derivation);
    return stmt->exec();
}

Status WarningSink::add(const QString &kind, const QString &location, const QString &message)
{
    m_counts[kind] += 1;
    auto stmt = m_store.db().prepare(QStringLiteral(
        "INSERT INTO derive_warnings(derivation, kind, location, message) VALUES(?,?,?,?)"));
    if (!stmt)
        return stmt.status();
    stmt->bind(1, m_derivation).bind(2, kind).bind(3, location).bind(4, message);
    return stmt->exec();
}

} // namespace kl::derive
