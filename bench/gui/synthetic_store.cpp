#include "synthetic_store.h"

#include <kernellens/index/store.h>

#include <QDateTime>
#include <QElapsedTimer>
#include <QList>

#include <algorithm>
#include <random>

namespace kl::bench {

namespace {

constexpr qint64 kDay = 86400;

struct Release
{
    QString tag;
    qint64 date = 0;
    qint64 id = 0;
};

// Per feature release: the -rc, the release, its four stable updates, in version order.
struct Feature
{
    Release rc, release;
    QList<Release> stable;
};

QString fakeOid(qint64 n, char salt)
{
    return QString::fromLatin1(QByteArray::number(n, 16).rightJustified(39, '0').prepend(salt));
}

QList<Feature> makeReleases(const SyntheticSpec &spec, qint64 end)
{
    const qint64 start = end - qint64(spec.years * 365.25 * kDay);
    // The last feature release 40 days before the end: its stable tags reach the end, and the
    // mainline commits after it are unreleased, as in a real tree.
    const qint64 period = (end - 40 * kDay - start) / spec.featureReleases;
    QList<Feature> features;
    for (int i = 0; i < spec.featureReleases; ++i) {
        const QString name = QStringLiteral("v%1.%2").arg(1 + i / 20).arg(i % 20);
        Feature f;
        f.release = {name, start + (i + 1) * period};
        f.rc = {name + QStringLiteral("-rc1"), f.release.date - 14 * kDay};
        for (int k = 1; k <= 4; ++k)
            f.stable.append({QStringLiteral("%1.%2").arg(name).arg(k), f.release.date + 10 * k * kDay});
        features.append(f);
    }
    return features;
}

Status insertReleases(Store &store, qint64 source, QList<Feature> &features, qint64 &count)
{
    Database &db = store.db();
    auto insert = db.prepare(QStringLiteral(
        "INSERT INTO releases(source_id, tag, commit_oid, tree_oid, date, ordinal) VALUES(?,?,?,?,?,?)"));
    auto stats = db.prepare(QStringLiteral(
        "INSERT INTO release_stats(release_id, top, language, files, lines) VALUES(?,?,?,?,?)"));
    auto snapshot = db.prepare(QStringLiteral(
        "INSERT INTO release_snapshots(release_id, files, lines, languages_digest) VALUES(?,?,?,'synthetic')"));
    if (!insert || !stats || !snapshot)
        return Status::error(QStringLiteral("preparing the release statements failed"));
    int ordinal = 0;
    for (int i = 0; i < features.size(); ++i) {
        // C grows linearly; the second language arrives at the 40th feature release and grows
        // to a few per cent of (second + C) lines.
        const qint64 cLines = 1000000 + qint64(i) * 50000;
        const qint64 rustLines = i < 40 ? 0 : qint64(i - 40) * (i - 40) * 30;
        QList<Release *> tags = {&features[i].rc, &features[i].release};
        for (Release &s : features[i].stable)
            tags.append(&s);
        for (Release *r : tags) {
            insert->bind(1, source).bind(2, r->tag).bind(3, fakeOid(ordinal, 'c')).bind(4, fakeOid(ordinal, 't'))
                .bind(5, r->date).bind(6, ordinal);
            KL_TRY(insert->exec());
            r->id = db.lastInsertRowId();
            stats->bind(1, r->id).bind(2, QStringLiteral("kernel")).bind(3, QStringLiteral("C"))
                .bind(4, cLines / 300).bind(5, cLines);
            KL_TRY(stats->exec());
            if (rustLines > 0) {
                stats->bind(1, r->id).bind(2, QStringLiteral("rust")).bind(3, QStringLiteral("Rust"))
                    .bind(4, rustLines / 300 + 1).bind(5, rustLines);
                KL_TRY(stats->exec());
            }
            snapshot->bind(1, r->id).bind(2, (cLines + rustLines) / 300).bind(3, cLines + rustLines);
            KL_TRY(snapshot->exec());
            ++ordinal;
            ++count;
        }
    }
    return Status::ok();
}

struct People
{
    QList<qint64> identities;
    QList<qint64> persons;
};

Result<People> makePeople(Store &store, int n)
{
    People people;
    for (int i = 0; i < n; ++i) {
        auto id = store.identity(QStringLiteral("Dev %1").arg(i), QStringLiteral("dev%1@synthetic.invalid").arg(i));
        if (!id)
            return id.status();
        auto person = store.personOfIdentity(*id);
        if (!person)
            return person.status();
        people.identities.append(*id);
        people.persons.append(*person);
    }
    return people;
}

// The first release containing a commit of time t: mainline work lands in the next -rc or
// feature release, a tenth of it goes to the stable tags of the release before.
qint64 releaseOf(const QList<Feature> &features, qint64 t, bool stable)
{
    const auto next = std::lower_bound(features.begin(), features.end(), t,
                                       [](const Feature &f, qint64 time) { return f.release.date < time; });
    if (stable && next != features.begin())
        for (const Release &s : std::prev(next)->stable)
            if (s.date >= t)
                return s.id;
    if (next == features.end())
        return 0;   // after the last feature release: unreleased
    return t <= next->rc.date ? next->rc.id : next->release.id;
}

Status insertCommits(Store &store, qint64 source, const SyntheticSpec &spec, const QList<Feature> &features,
                     const People &people, qint64 start, qint64 end, std::mt19937_64 &rng)
{
    Database &db = store.db();
    auto path = db.prepare(QStringLiteral("INSERT INTO git_paths(path, language, top) VALUES(?,?,?)"));
    auto commit = db.prepare(QStringLiteral(
        "INSERT INTO commits(id, source_id, oid, author_id, author_person, author_time, author_tz, committer_id,"
        " commit_time, subject, parents, release_id) VALUES(?,?,?,?,?,?,0,?,?,?,1,?)"));
    auto file = db.prepare(QStringLiteral("INSERT OR IGNORE INTO commit_files(commit_id, path_id, added, deleted) VALUES(?,?,?,?)"));
    if (!path || !commit || !file)
        return Status::error(QStringLiteral("preparing the commit statements failed"));
    const QStringList tops = {QStringLiteral("kernel"), QStringLiteral("drivers"), QStringLiteral("fs"),
                              QStringLiteral("net"), QStringLiteral("mm"), QStringLiteral("arch")};
    QList<qint64> cPaths, rustPaths;
    for (int i = 0; i < 3000; ++i) {
        const bool rust = i % 10 == 0;
        const QString top = rust ? QStringLiteral("rust") : tops[i % tops.size()];
        path->bind(1, QStringLiteral("%1/file%2.%3").arg(top).arg(i).arg(rust ? QStringLiteral("rs") : QStringLiteral("c")))
            .bind(2, rust ? QStringLiteral("Rust") : QStringLiteral("C")).bind(3, top);
        KL_TRY(path->exec());
        (rust ? rustPaths : cPaths).append(db.lastInsertRowId());
    }
    const qint64 rustSince = features.value(40).release.date;
    for (int k = 0; k < spec.commits; ++k) {
        const qint64 t = start + (end - start) * k / spec.commits;
        // A growing pool: the first tenth are the regulars; everyone else arrives over time.
        const int pool = std::max(20, int(qint64(spec.authors) * (k + 1) / spec.commits));
        const int author = std::uniform_real_distribution<>(0, 1)(rng) < 0.7
                               ? int(rng() % std::max(1, pool / 10))
                               : int(rng() % pool);
        const bool stable = rng() % 10 == 0;
        const qint64 release = releaseOf(features, t, stable);
        commit->bind(1, qint64(k + 1)).bind(2, source).bind(3, fakeOid(k, 'a'))
            .bind(4, people.identities[author]).bind(5, people.persons[author]).bind(6, t)
            .bind(7, people.identities[0]).bind(8, t).bind(9, QStringLiteral("subsystem: change %1").arg(k));
        if (release)
            commit->bind(10, release);
        else
            commit->bindNull(10);
        KL_TRY(commit->exec());
        const double rustShare = t < rustSince ? 0.0 : 0.05 + 0.10 * double(t - rustSince) / double(end - rustSince);
        const int files = 1 + int(rng() % 3);
        for (int f = 0; f < files; ++f) {
            const bool rust = std::uniform_real_distribution<>(0, 1)(rng) < rustShare;
            const QList<qint64> &paths = rust ? rustPaths : cPaths;
            file->bind(1, qint64(k + 1)).bind(2, paths[rng() % paths.size()])
                .bind(3, qint64(rng() % 80)).bind(4, qint64(rng() % 40));
            KL_TRY(file->exec());
        }
    }
    return Status::ok();
}

struct MailStatements
{
    Statement thread, message, node, patch, friction;
};

Result<MailStatements> prepareMail(Database &db)
{
    MailStatements s;
    auto thread = db.prepare(QStringLiteral(
        "INSERT INTO threads(id, list_id, root_msgid, root_message_id, subject, message_count, ghost_count,"
        " participants, max_depth, first_date, last_date) VALUES(?,?,?,?,?,?,0,?,?,?,?)"));
    auto message = db.prepare(QStringLiteral(
        "INSERT INTO messages(id, list_id, source_id, msgid, content_hash, from_identity, from_person, date, subject,"
        " in_reply_to, refs, is_reply, size, raw_kind, raw_path, raw_offset, raw_length, thread_id, depth)"
        " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,1000,'mboxrd','/nonexistent/synthetic.mbox',?,1000,?,?)"));
    auto node = db.prepare(QStringLiteral(
        "INSERT INTO thread_nodes(id, thread_id, parent_node, msgid, message_id, depth, position) VALUES(?,?,?,?,?,?,?)"));
    auto patch = db.prepare(QStringLiteral(
        "INSERT INTO patches(message_id, version, idx, total, prefixes, title, normalized_title) VALUES(?,1,1,1,?,?,?)"));
    auto friction = db.prepare(QStringLiteral(
        "INSERT INTO friction_messages(message_id, model_version, score, uncivil, rejection, naks, shouting)"
        " VALUES(?,'synthetic',?,?,0,0,0)"));
    for (auto *r : {&thread, &message, &node, &patch, &friction})
        if (!*r)
            return r->status();
    s.thread = std::move(*thread);
    s.message = std::move(*message);
    s.node = std::move(*node);
    s.patch = std::move(*patch);
    s.friction = std::move(*friction);
    return s;
}

// One thread: a root and replies to earlier messages of it, over a few days from `first`.
Status insertThread(MailStatements &s, qint64 list, qint64 source, qint64 threadId, qint64 firstId, int size,
                    qint64 first, const People &people, std::mt19937_64 &rng, qint64 &patches)
{
    const bool isPatch = rng() % 3 == 0;
    const QString title = QStringLiteral("subsystem: change number %1").arg(threadId);
    const QString subject = isPatch ? QStringLiteral("[PATCH] ") + title : QStringLiteral("question about %1").arg(threadId);
    QList<int> depth(size, 0);
    QList<int> parent(size, -1);
    QList<qint64> dates(size, first);
    int maxDepth = 0;
    for (int i = 1; i < size; ++i) {
        parent[i] = int(rng() % i);
        depth[i] = depth[parent[i]] + 1;
        maxDepth = std::max(maxDepth, depth[i]);
        dates[i] = dates[parent[i]] + qint64(rng() % (2 * kDay));
    }
    auto msgid = [&](int i) { return QStringLiteral("s%1@synthetic.invalid").arg(firstId + i); };
    for (int i = 0; i < size; ++i) {
        const qint64 id = firstId + i;
        const int who = int(rng() % people.identities.size());
        QByteArray hash(20, '\0');
        for (int b = 0; b < 8; ++b)
            hash[b] = char((id >> (8 * b)) & 0xff);
        s.message.bind(1, id).bind(2, list).bind(3, source).bind(4, msgid(i)).bind(5, hash)
            .bind(6, people.identities[who]).bind(7, people.persons[who]).bind(8, dates[i])
            .bind(9, i == 0 ? subject : QStringLiteral("Re: ") + subject);
        if (i == 0)
            s.message.bindNull(10).bind(11, QStringLiteral(""));
        else
            s.message.bind(10, msgid(parent[i])).bind(11, msgid(parent[i]));
        s.message.bind(12, i == 0 ? 0 : 1).bind(13, id * 1000).bind(14, threadId).bind(15, depth[i]);
        KL_TRY(s.message.exec());
        if (id % 10 == 0) {   // a tenth scored, about one in a hundred of those uncivil
            const double score = std::uniform_real_distribution<>(0, 1)(rng);
            s.friction.bind(1, id).bind(2, score).bind(3, score > 0.99 ? 1 : 0);
            KL_TRY(s.friction.exec());
        }
    }
    // The thread after its messages (its root is a message), its nodes after it.
    s.thread.bind(1, threadId).bind(2, list).bind(3, msgid(0)).bind(4, firstId).bind(5, subject).bind(6, size)
        .bind(7, std::min(size, 5)).bind(8, maxDepth).bind(9, first)
        .bind(10, *std::max_element(dates.begin(), dates.end()));
    KL_TRY(s.thread.exec());
    for (int i = 0; i < size; ++i) {
        const qint64 id = firstId + i;
        s.node.bind(1, id).bind(2, threadId);
        if (i == 0)
            s.node.bindNull(3);
        else
            s.node.bind(3, firstId + parent[i]);
        s.node.bind(4, msgid(i)).bind(5, id).bind(6, depth[i]).bind(7, i);
        KL_TRY(s.node.exec());
    }
    if (isPatch) {
        s.patch.bind(1, firstId).bind(2, QStringLiteral("subsystem")).bind(3, title).bind(4, title.toLower());
        KL_TRY(s.patch.exec());
        ++patches;
    }
    return Status::ok();
}

Status insertMail(Store &store, const SyntheticSpec &spec, const People &people, qint64 start, qint64 end,
                  std::mt19937_64 &rng, SyntheticSummary &summary)
{
    Database &db = store.db();
    auto source = store.ensureSource(SourceKind::Mbox, QStringLiteral("/nonexistent/synthetic.mbox"),
                                     QStringLiteral("synthetic-list"));
    if (!source)
        return source.status();
    KL_TRY(db.exec(QStringLiteral("INSERT INTO lists(name) VALUES('synthetic-list')")));
    const qint64 list = db.lastInsertRowId();
    auto s = prepareMail(db);
    if (!s)
        return s.status();
    std::geometric_distribution<int> extra(1.0 / spec.messagesPerThread);
    const qint64 threads = spec.messages / spec.messagesPerThread;
    qint64 next = 1;
    for (qint64 t = 1; next <= spec.messages; ++t) {
        const int size = int(std::min<qint64>(1 + extra(rng), spec.messages - next + 1));
        const qint64 first = start + (end - 2 * kDay - start) * std::min(t, threads) / threads;
        KL_TRY(insertThread(*s, list, *source, t, next, size, first, people, rng, summary.patches));
        next += size;
        summary.threads = t;
        if (t % 20000 == 0) {   // commit in batches: the WAL stays small
            KL_TRY(db.commit());
            KL_TRY(db.begin());
        }
    }
    summary.messages = next - 1;
    return Status::ok();
}

} // namespace

Result<SyntheticSummary> buildSyntheticStore(const QString &directory, const SyntheticSpec &spec)
{
    QElapsedTimer clock;
    clock.start();
    auto store = Store::open(directory, Store::Mode::ReadWrite);
    if (!store)
        return store.status();
    Database &db = store->db();
    auto existing = db.scalar(QStringLiteral("SELECT count(*) FROM sources"));
    if (!existing)
        return existing.status();
    if (existing->toLongLong() > 0)
        return Status::error(QStringLiteral("%1 already holds a store; give an empty directory").arg(directory));
    KL_TRY(db.exec(QStringLiteral("PRAGMA synchronous = OFF")));   // a throw-away bench store

    const qint64 end = QDateTime(QDate(2026, 7, 15), QTime(12, 0), Qt::UTC).toSecsSinceEpoch();
    const qint64 start = end - qint64(spec.years * 365.25 * kDay);
    std::mt19937_64 rng(18);
    SyntheticSummary summary;
    KL_TRY(db.begin());
    auto git = store->ensureSource(SourceKind::Git, QStringLiteral("/nonexistent/synthetic.git"), QStringLiteral(""));
    if (!git)
        return git.status();
    KL_TRY(store->setSetting(*git, QStringLiteral("second_language"), QStringLiteral("Rust")));
    auto settings = db.prepare(QStringLiteral(
        "INSERT INTO git_settings(source_id, second_language, languages, first_parent) VALUES(?, 'Rust', 'builtin', 0)"));
    if (!settings)
        return settings.status();
    settings->bind(1, *git);
    KL_TRY(settings->exec());
    QList<Feature> features = makeReleases(spec, end);
    KL_TRY(insertReleases(*store, *git, features, summary.releases));
    auto people = makePeople(*store, spec.authors);
    if (!people)
        return people.status();
    KL_TRY(insertCommits(*store, *git, spec, features, *people, start, end, rng));
    summary.commits = spec.commits;
    KL_TRY(db.commit());
    KL_TRY(db.begin());
    KL_TRY(insertMail(*store, spec, *people, start, end, rng, summary));
    KL_TRY(db.commit());
    summary.seconds = clock.elapsed() / 1000.0;
    return summary;
}

} // namespace kl::bench
