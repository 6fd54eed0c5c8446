#include <kernellens/index/store.h>
#include <kernellens/models/friction.h>
#include <kernellens/models/visible_text.h>

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace kl::models {

namespace {

// Weights of the thread score (docs/friction.md explains each one).
constexpr double kUncivilBase = 1.0;       // per uncivil message
constexpr double kUncivilConfidence = 1.0; // + (score - threshold) scaled
constexpr double kNak = 1.5;               // per NAK, at most 3 counted
constexpr double kRefusal = 0.75;          // per refusing message, at most 3 counted
constexpr double kShouting = 0.5;          // per shouting message, at most 2 counted
constexpr double kEscalationStep = 0.25;   // structure: per exchange beyond the first, at most 8
constexpr double kSizeStep = 0.2;          // structure: per doubling over the list median, at most 3
constexpr double kDepthStep = 0.15;        // structure: per doubling of depth over the median
constexpr double kMeet = 0.25;             // structure: second-language and C-only people meet
constexpr double kMaintainer = 0.2;        // structure: a maintainer takes part
constexpr double kNotApplied = 0.2;        // structure: patches that were not applied
constexpr double kStructureOnly = 0.1;     // a calm thread's structure counts this much

struct MessageRow
{
    qint64 id = 0;
    qint64 person = 0;
    qint64 parentPerson = 0;
    qint64 date = 0;
    QString msgid;
    double score = 0;
    bool scored = false;
    bool uncivil = false;
    bool rejection = false;
    int naks = 0;
    bool shouting = false;
    QString categories;
    QString evidence;
};

struct ThreadRow
{
    qint64 id = 0;
    QString list;
    QString subject;
    QString rootMsgid;
    int messageCount = 0;
    int maxDepth = 0;
    qint64 firstDate = 0;
    qint64 lastDate = 0;
    std::vector<MessageRow> messages;
};

QDateTime fromUnix(qint64 s)
{
    return s ? QDateTime::fromSecsSinceEpoch(s, QTimeZone::utc()) : QDateTime();
}

double median(std::vector<int> v)
{
    if (v.empty())
        return 1;
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return std::max(1, v[v.size() / 2]);
}

Status bindFilter(Statement &st, const Filter &filter)
{
    st.bind(1, filter.list.isEmpty() ? QStringLiteral("") : filter.list);
    if (filter.since.isValid())
        st.bind(2, filter.since.startOfDay(QTimeZone::utc()).toSecsSinceEpoch());
    else
        st.bindNull(2);
    if (filter.until.isValid())
        st.bind(3, filter.until.addDays(1).startOfDay(QTimeZone::utc()).toSecsSinceEpoch());
    else
        st.bindNull(3);
    return Status::ok();
}

const char *const kThreadFilter =
    " (?1 = '' OR l.name = ?1) AND (?2 IS NULL OR t.first_date >= ?2) AND (?3 IS NULL OR t.first_date < ?3) ";

Result<QSet<qint64>> idSet(Database &db, const QString &sql, const QVariantList &params = {})
{
    auto st = db.prepare(sql);
    if (!st)
        return st.status();
    for (int i = 0; i < params.size(); ++i)
        st->bindVariant(i + 1, params[i]);
    QSet<qint64> out;
    while (true) {
        auto step = st->step();
        if (!step)
            return step.status();
        if (!*step)
            break;
        if (!st->isNull(0))
            out.insert(st->int64(0));
    }
    return out;
}

struct StoreFacts
{
    QSet<qint64> secondLanguagePersons;
    QSet<qint64> secondLanguageThreads;
    QSet<qint64> appliedThreads;
    QSet<qint64> patchThreads;
    QSet<qint64> applierPersons;                 // send "applied" notices
    QHash<qint64, QSet<qint64>> threadMaintainers; // MAINTAINERS M: of touched files
    QHash<QString, double> listMedianSize;
    QHash<QString, double> listMedianDepth;
    QHash<QString, double> listUncivilRate;      // share of the list's scored messages called uncivil
    bool haveMaintainers = false;
};

Result<StoreFacts> loadFacts(Database &db)
{
    StoreFacts f;
    auto sl = idSet(db, QStringLiteral(
        "SELECT DISTINCT m.from_person FROM patch_files pf JOIN messages m ON m.id = pf.message_id "
        "WHERE pf.path LIKE '%.rs' "
        "UNION SELECT DISTINCT c.author_person FROM git_paths g JOIN commit_files cf ON cf.path_id = g.id "
        "JOIN commits c ON c.id = cf.commit_id WHERE g.path LIKE '%.rs'"));
    if (!sl)
        return sl.status();
    f.secondLanguagePersons = *sl;
    auto slt = idSet(db, QStringLiteral(
        "SELECT DISTINCT m.thread_id FROM patch_files pf JOIN messages m ON m.id = pf.message_id WHERE pf.path LIKE '%.rs' "
        "UNION SELECT DISTINCT m.thread_id FROM patches p JOIN messages m ON m.id = p.message_id "
        "WHERE p.prefixes LIKE 'rust%' OR p.prefixes LIKE '%: rust%'"));
    if (!slt)
        return slt.status();
    f.secondLanguageThreads = *slt;
    // The review stage's second-language series, found by content as well (titles such as
    // "[RFC] Rust support", rust/ paths, cover letters naming the language; docs/review.md).
    auto reviewed = db.hasTable(QStringLiteral("series_review"));
    if (!reviewed)
        return reviewed.status();
    if (*reviewed) {
        auto byContent = idSet(db, QStringLiteral(
            "SELECT DISTINCT m.thread_id FROM series_review r JOIN series s ON s.id = r.series_id "
            "JOIN messages m ON m.id = ifnull(s.cover_message_id, s.first_message_id) WHERE r.language = 'second'"));
        if (!byContent)
            return byContent.status();
        f.secondLanguageThreads.unite(*byContent);
    }
    auto applied = idSet(db, QStringLiteral(
        "SELECT DISTINCT m.thread_id FROM applied_notices a JOIN messages m ON m.id = a.message_id "
        "UNION SELECT DISTINCT m.thread_id FROM patches p JOIN messages m ON m.id = p.message_id "
        "WHERE p.accepted_commit IS NOT NULL"));
    if (!applied)
        return applied.status();
    f.appliedThreads = *applied;
    auto patchThreads = idSet(db, QStringLiteral(
        "SELECT DISTINCT m.thread_id FROM patches p JOIN messages m ON m.id = p.message_id"));
    if (!patchThreads)
        return patchThreads.status();
    f.patchThreads = *patchThreads;
    auto appliers = idSet(db, QStringLiteral(
        "SELECT DISTINCT m.from_person FROM applied_notices a JOIN messages m ON m.id = a.message_id"));
    if (!appliers)
        return appliers.status();
    f.applierPersons = *appliers;

    // MAINTAINERS M: entries of the newest analysed release, when the coverage part stored them.
    auto latest = db.scalar(QStringLiteral(
        "SELECT mr.release_id FROM maint_releases mr JOIN releases r ON r.id = mr.release_id "
        "ORDER BY r.ordinal DESC, r.date DESC LIMIT 1"));
    if (!latest)
        return latest.status();
    if (!latest->isNull()) {
        QHash<QString, qint64> personByEmail;
        auto ids = db.prepare(QStringLiteral("SELECT email, person_id FROM identities"));
        if (!ids)
            return ids.status();
        while (true) {
            auto step = ids->step();
            if (!step)
                return step.status();
            if (!*step)
                break;
            personByEmail.insert(ids->text(0), ids->int64(1));
        }
        auto st = db.prepare(QStringLiteral(
            "SELECT DISTINCT m.thread_id, pp.identity_id, pp.email FROM patch_files pf "
            "JOIN messages m ON m.id = pf.message_id JOIN maint_paths mp ON mp.path = pf.path "
            "JOIN maint_path_sections s ON s.path_id = mp.id AND s.release_id = ?1 "
            "JOIN maint_people pp ON pp.section_id = s.section_id AND pp.role = 'M' "
            "WHERE m.thread_id IS NOT NULL"));
        if (!st)
            return st.status();
        st->bind(1, latest->toLongLong());
        QHash<qint64, qint64> personOfIdentity;
        while (true) {
            auto step = st->step();
            if (!step)
                return step.status();
            if (!*step)
                break;
            qint64 person = personByEmail.value(st->text(2).toCaseFolded());
            if (!person && !st->isNull(1)) {
                auto p = db.scalar(QStringLiteral("SELECT person_id FROM identities WHERE id = ?1"), {st->int64(1)});
                if (p && !p->isNull())
                    person = p->toLongLong();
            }
            if (person) {
                f.threadMaintainers[st->int64(0)].insert(person);
                f.haveMaintainers = true;
            }
        }
    }

    auto sizes = db.prepare(QStringLiteral(
        "SELECT l.name, t.message_count, t.max_depth FROM threads t JOIN lists l ON l.id = t.list_id"));
    if (!sizes)
        return sizes.status();
    QHash<QString, std::vector<int>> bySize, byDepth;
    while (true) {
        auto step = sizes->step();
        if (!step)
            return step.status();
        if (!*step)
            break;
        bySize[sizes->text(0)].push_back(int(sizes->int64(1)));
        byDepth[sizes->text(0)].push_back(int(sizes->int64(2)) + 1);
    }
    auto rates = db.prepare(QStringLiteral(
        "SELECT l.name, avg(f.uncivil) FROM friction_messages f JOIN messages m ON m.id = f.message_id "
        "JOIN threads t ON t.id = m.thread_id JOIN lists l ON l.id = t.list_id GROUP BY l.name"));
    if (!rates)
        return rates.status();
    while (true) {
        auto step = rates->step();
        if (!step)
            return step.status();
        if (!*step)
            break;
        f.listUncivilRate.insert(rates->text(0), rates->isNull(1) ? 0.0 : rates->real(1));
    }
    for (auto it = bySize.cbegin(); it != bySize.cend(); ++it)
        f.listMedianSize.insert(it.key(), median(it.value()));
    for (auto it = byDepth.cbegin(); it != byDepth.cend(); ++it)
        f.listMedianDepth.insert(it.key(), median(it.value()));
    return f;
}

Result<std::vector<ThreadRow>> loadThreads(Database &db, const Filter &filter)
{
    std::vector<ThreadRow> threads;
    QHash<qint64, size_t> index;
    auto ts = db.prepare(QStringLiteral(
        "SELECT t.id, l.name, t.subject, t.root_msgid, t.message_count, t.max_depth, t.first_date, t.last_date "
        "FROM threads t JOIN lists l ON l.id = t.list_id WHERE") + QLatin1String(kThreadFilter)
        + QStringLiteral("ORDER BY t.id"));
    if (!ts)
        return ts.status();
    bindFilter(*ts, filter);
    while (true) {
        auto step = ts->step();
        if (!step)
            return step.status();
        if (!*step)
            break;
        ThreadRow t;
        t.id = ts->int64(0);
        t.list = ts->text(1);
        t.subject = ts->text(2);
        t.rootMsgid = ts->text(3);
        t.messageCount = int(ts->int64(4));
        t.maxDepth = int(ts->int64(5));
        t.firstDate = ts->int64(6);
        t.lastDate = ts->int64(7);
        index.insert(t.id, threads.size());
        threads.push_back(std::move(t));
    }
    auto ms = db.prepare(QStringLiteral(
        "SELECT m.id, m.thread_id, m.from_person, m.date, m.msgid, f.score, f.uncivil, f.rejection, f.naks, "
        "f.shouting, f.categories, f.evidence, pm.from_person "
        "FROM messages m JOIN threads t ON t.id = m.thread_id JOIN lists l ON l.id = t.list_id "
        "LEFT JOIN friction_messages f ON f.message_id = m.id "
        "LEFT JOIN thread_nodes n ON n.message_id = m.id "
        "LEFT JOIN thread_nodes pn ON pn.id = n.parent_node "
        "LEFT JOIN messages pm ON pm.id = pn.message_id WHERE") + QLatin1String(kThreadFilter)
        + QStringLiteral("ORDER BY m.thread_id, m.date, m.id"));
    if (!ms)
        return ms.status();
    bindFilter(*ms, filter);
    qint64 lastId = -1;
    while (true) {
        auto step = ms->step();
        if (!step)
            return step.status();
        if (!*step)
            break;
        MessageRow m;
        m.id = ms->int64(0);
        if (m.id == lastId)
            continue; // a message with two tree nodes (duplicate Message-ID) counts once
        lastId = m.id;
        const qint64 thread = ms->int64(1);
        m.person = ms->isNull(2) ? 0 : ms->int64(2);
        m.date = ms->isNull(3) ? 0 : ms->int64(3);
        m.msgid = ms->text(4);
        m.scored = !ms->isNull(5);
        m.score = ms->isNull(5) ? 0 : ms->real(5);
        // --threshold overrides the decision the model stored with the score.
        m.uncivil = filter.frictionThreshold >= 0 ? m.scored && m.score >= filter.frictionThreshold : ms->int64(6) != 0;
        m.rejection = ms->int64(7) != 0;
        m.naks = int(ms->int64(8));
        m.shouting = ms->int64(9) != 0;
        m.categories = ms->text(10);
        m.evidence = ms->text(11);
        m.parentPerson = ms->isNull(12) ? 0 : ms->int64(12);
        auto it = index.constFind(thread);
        if (it != index.constEnd())
            threads[*it].messages.push_back(std::move(m));
    }
    return threads;
}

bool rustSubject(const QString &subject)
{
    static const QRegularExpression re(QStringLiteral("(^|[\\s\\]\\[:])rust(\\s*:|\\])"),
                                       QRegularExpression::CaseInsensitiveOption);
    return re.match(subject).hasMatch();
}

FrictionThread scoreThread(const ThreadRow &t, const StoreFacts &facts)
{
    FrictionThread ft;
    ft.threadId = t.id;
    ft.list = t.list;
    ft.subject = t.subject;
    ft.rootMsgid = t.rootMsgid;
    ft.firstDate = fromUnix(t.firstDate);
    ft.lastDate = fromUnix(t.lastDate);
    ft.messages = int(t.messages.size());
    ft.maxDepth = t.maxDepth;
    ft.secondLanguage = facts.secondLanguageThreads.contains(t.id) || rustSubject(t.subject);

    double content = 0;
    double uncivilWeight = 0, strongestUncivil = 0;
    int naksCounted = 0, refusalsCounted = 0, shoutCounted = 0;
    std::map<QString, int> categoryCount;
    std::map<std::pair<qint64, qint64>, int> replies; // (from, to) -> count
    QHash<qint64, FrictionParticipant> people;
    QList<qint64> order;
    for (const MessageRow &m : t.messages) {
        if (m.person) {
            if (!people.contains(m.person)) {
                order.append(m.person);
                FrictionParticipant p;
                p.personId = m.person;
                p.secondLanguage = facts.secondLanguagePersons.contains(m.person);
                p.maintainer = facts.applierPersons.contains(m.person)
                               || facts.threadMaintainers.value(t.id).contains(m.person);
                people.insert(m.person, p);
            }
            FrictionParticipant &p = people[m.person];
            ++p.messages;
            if (m.uncivil)
                ++p.uncivilMessages;
            if (m.parentPerson && m.parentPerson != m.person)
                ++replies[{m.person, m.parentPerson}];
        }
        ft.maxMessageScore = std::max(ft.maxMessageScore, m.score);
        if (m.uncivil) {
            ++ft.uncivilMessages;
            const double weight = kUncivilBase + kUncivilConfidence * std::clamp(m.score - 0.5, 0.0, 0.5);
            uncivilWeight += weight;
            strongestUncivil = std::max(strongestUncivil, weight);
            for (const QString &c : m.categories.split(QLatin1Char(' '), Qt::SkipEmptyParts))
                if (c != QLatin1String("rejection"))
                    ++categoryCount[c];
        }
        if (m.naks > 0) {
            ft.naks += m.naks;
            if (naksCounted < 3) {
                content += kNak * std::min(m.naks, 3 - naksCounted);
                naksCounted += std::min(m.naks, 3 - naksCounted);
            }
        } else if (m.rejection) {
            ++ft.refusals;
            if (refusalsCounted++ < 3)
                content += kRefusal;
        }
        if (m.shouting) {
            ++ft.shoutingMessages;
            if (shoutCounted++ < 2)
                content += kShouting;
        }
    }
    // A long calm thread collects some uncivil calls by chance (the classifier's misfires and
    // the list's ordinary roughness): the uncivil messages a thread of this size would have at
    // the list's rate are discounted, but never below the strongest single one, so one uncivil
    // message still makes a friction thread.
    if (ft.uncivilMessages > 0) {
        const double expected = facts.listUncivilRate.value(t.list, 0) * double(t.messages.size());
        const double meanWeight = uncivilWeight / ft.uncivilMessages;
        content += std::max(strongestUncivil, uncivilWeight - expected * meanWeight);
    }
    // Escalation: the pair with the most replies in both directions.
    int bestExchange = 0;
    std::pair<qint64, qint64> bestPair{0, 0};
    for (const auto &[pair, count] : replies) {
        if (pair.first > pair.second)
            continue;
        const auto back = replies.find({pair.second, pair.first});
        if (back == replies.end())
            continue;
        const int exchange = count + back->second;
        if (std::min(count, back->second) >= 2 && exchange > bestExchange) {
            bestExchange = exchange;
            bestPair = pair;
        }
    }
    ft.escalation = bestExchange;

    bool anySecond = false, anyC = false;
    for (const FrictionParticipant &p : std::as_const(people)) {
        anySecond = anySecond || p.secondLanguage;
        anyC = anyC || !p.secondLanguage;
        if (p.maintainer)
            ++ft.maintainers;
    }
    ft.languagesMeet = anySecond && anyC;
    const double medianSize = facts.listMedianSize.value(t.list, 1);
    const double medianDepth = facts.listMedianDepth.value(t.list, 1);
    ft.sizeRatio = ft.messages / medianSize;
    if (facts.appliedThreads.contains(t.id))
        ft.outcome = QStringLiteral("applied");
    else if (facts.patchThreads.contains(t.id))
        ft.outcome = QStringLiteral("not applied");
    else
        ft.outcome = QStringLiteral("discussion");

    double structure = 0;
    if (bestExchange > 2)
        structure += kEscalationStep * std::min(bestExchange - 2, 8);
    if (ft.sizeRatio > 1)
        structure += kSizeStep * std::min(std::log2(ft.sizeRatio), 3.0);
    const double depthRatio = (ft.maxDepth + 1) / medianDepth;
    if (depthRatio > 1)
        structure += kDepthStep * std::min(std::log2(depthRatio), 3.0);
    if (ft.languagesMeet)
        structure += kMeet;
    if (ft.maintainers > 0)
        structure += kMaintainer;
    if (ft.outcome == QLatin1String("not applied"))
        structure += kNotApplied;

    ft.score = content > 0 ? content * (1 + structure) : kStructureOnly * structure;
    ft.isFriction = ft.score >= 1.0;

    // Explanations, strongest first.
    std::vector<std::pair<QString, int>> cats(categoryCount.begin(), categoryCount.end());
    std::stable_sort(cats.begin(), cats.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
    for (const auto &c : cats)
        ft.categories << c.first;
    if (ft.naks)
        ft.reasons << QStringLiteral("%1 NAK%2").arg(ft.naks).arg(ft.naks > 1 ? QStringLiteral("s") : QString());
    if (ft.uncivilMessages)
        ft.reasons << QStringLiteral("%1 uncivil message%2 (%3)")
                          .arg(ft.uncivilMessages)
                          .arg(ft.uncivilMessages > 1 ? QStringLiteral("s") : QString(), ft.categories.join(QStringLiteral(", ")));
    if (ft.refusals)
        ft.reasons << QStringLiteral("%1 refusal%2").arg(ft.refusals).arg(ft.refusals > 1 ? QStringLiteral("s") : QString());
    if (ft.shoutingMessages)
        ft.reasons << QStringLiteral("shouting in %1 message%2").arg(ft.shoutingMessages).arg(ft.shoutingMessages > 1 ? QStringLiteral("s") : QString());
    if (bestExchange > 2)
        ft.reasons << QStringLiteral("escalation: %1 replies back and forth").arg(bestExchange);
    if (ft.sizeRatio >= 2)
        ft.reasons << QStringLiteral("%1x the list's median thread size").arg(ft.sizeRatio, 0, 'f', 1);
    if (ft.languagesMeet)
        ft.reasons << QStringLiteral("second-language and C-only contributors meet");
    if (ft.maintainers)
        ft.reasons << QStringLiteral("%1 maintainer%2 involved").arg(ft.maintainers).arg(ft.maintainers > 1 ? QStringLiteral("s") : QString());
    if (ft.outcome == QLatin1String("not applied"))
        ft.reasons << QStringLiteral("patches not applied (as far as the list shows)");
    for (qint64 id : std::as_const(order))
        ft.participants << people.value(id);
    std::stable_sort(ft.participants.begin(), ft.participants.end(),
                     [](const FrictionParticipant &a, const FrictionParticipant &b) { return a.messages > b.messages; });
    if (bestExchange > 0)
        ft.escalationPair = QStringLiteral("%1|%2").arg(bestPair.first).arg(bestPair.second);
    return ft;
}

Status fillDetails(Database &db, FrictionThread &ft, const ThreadRow &row)
{
    QHash<qint64, QPair<QString, QString>> names;
    auto name = [&](qint64 person) -> QPair<QString, QString> {
        if (!person)
            return {};
        if (!names.contains(person)) {
            auto st = db.prepare(QStringLiteral("SELECT name, email FROM persons WHERE id = ?1"));
            QPair<QString, QString> v;
            if (st) {
                st->bind(1, person);
                auto step = st->step();
                if (step && *step)
                    v = {st->text(0), st->text(1)};
            }
            names.insert(person, v);
        }
        return names.value(person);
    };
    for (FrictionParticipant &p : ft.participants) {
        const auto n = name(p.personId);
        p.name = n.first;
        p.email = n.second;
    }
    if (!ft.escalationPair.isEmpty()) {
        const QStringList ids = ft.escalationPair.split(QLatin1Char('|'));
        auto label = [&](qint64 id) {
            const auto n = name(id);
            return n.first.isEmpty() ? n.second : n.first;
        };
        ft.escalationPair = label(ids.value(0).toLongLong()) + QStringLiteral(" <-> ") + label(ids.value(1).toLongLong());
        for (QString &r : ft.reasons)
            if (r.startsWith(QLatin1String("escalation:")))
                r += QStringLiteral(" (") + ft.escalationPair + QLatin1Char(')');
    }
    for (const MessageRow &m : row.messages) {
        if (m.evidence.isEmpty())
            continue;
        const QJsonArray array = QJsonDocument::fromJson(m.evidence.toUtf8()).array();
        const auto author = name(m.person);
        for (const QJsonValue &v : array) {
            const QJsonObject o = v.toObject();
            FrictionEvidence e;
            e.messageId = m.id;
            e.msgid = m.msgid;
            e.author = author.first.isEmpty() ? author.second : author.first;
            e.date = fromUnix(m.date);
            e.sentence = o.value(QStringLiteral("sentence")).toString();
            e.signal = o.value(QStringLiteral("signal")).toString();
            e.category = o.value(QStringLiteral("category")).toString();
            e.weight = o.value(QStringLiteral("weight")).toDouble();
            e.start = qsizetype(o.value(QStringLiteral("start")).toInteger());
            e.length = qsizetype(o.value(QStringLiteral("length")).toInteger());
            ft.evidence << e;
        }
    }
    return Status::ok();
}

Result<std::vector<FrictionThread>> scoreAll(Store &store, const Filter &filter, std::vector<ThreadRow> &rows)
{
    Database &db = store.db();
    auto facts = loadFacts(db);
    if (!facts)
        return facts.status().withContext(QStringLiteral("friction"));
    auto threads = loadThreads(db, filter);
    if (!threads)
        return threads.status().withContext(QStringLiteral("friction"));
    rows = std::move(threads.value());
    std::vector<FrictionThread> scored;
    scored.reserve(rows.size());
    for (const ThreadRow &t : rows)
        scored.push_back(scoreThread(t, *facts));
    return scored;
}

} // namespace

Result<QList<FrictionThread>> frictionThreads(Store &store, const Filter &filter)
{
    std::vector<ThreadRow> rows;
    auto scored = scoreAll(store, filter, rows);
    if (!scored)
        return scored.status();
    std::vector<size_t> order(scored->size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const auto &x = (*scored)[a], &y = (*scored)[b];
        if (x.score != y.score)
            return x.score > y.score;
        return x.threadId < y.threadId;
    });
    const size_t limit = filter.top > 0 ? std::min(order.size(), size_t(filter.top)) : order.size();
    QList<FrictionThread> out;
    for (size_t k = 0; k < limit; ++k) {
        FrictionThread t = std::move((*scored)[order[k]]);
        KL_TRY(fillDetails(store.db(), t, rows[order[k]]));
        out << t;
    }
    return out;
}

Result<QList<FrictionTrendPoint>> frictionTrend(Store &store, const Filter &filter)
{
    std::vector<ThreadRow> rows;
    auto scored = scoreAll(store, filter, rows);
    if (!scored)
        return scored.status();
    std::map<QString, FrictionTrendPoint> months;
    for (const FrictionThread &t : *scored) {
        if (!t.firstDate.isValid())
            continue;
        const QString month = t.firstDate.toString(QStringLiteral("yyyy-MM"));
        FrictionTrendPoint &p = months[month];
        p.month = month;
        ++p.threads;
        p.frictionThreads += t.isFriction;
        if (t.secondLanguage) {
            ++p.secondLanguageThreads;
            p.secondLanguageFrictionThreads += t.isFriction;
        }
    }
    QList<FrictionTrendPoint> out;
    for (const auto &[month, p] : months)
        out << p;
    return out;
}

report::Table frictionThreadTable(const QList<FrictionThread> &threads)
{
    using K = report::Column::Kind;
    report::Table t;
    t.id = QStringLiteral("friction.threads");
    t.title = QStringLiteral("Friction threads, ranked");
    t.columns = {{QStringLiteral("rank"), QStringLiteral("#"), K::Integer},
                 {QStringLiteral("score"), QStringLiteral("Score"), K::Real},
                 {QStringLiteral("subject"), QStringLiteral("Subject"), K::Text},
                 {QStringLiteral("list"), QStringLiteral("List"), K::Text},
                 {QStringLiteral("first"), QStringLiteral("First"), K::Date},
                 {QStringLiteral("last"), QStringLiteral("Last"), K::Date},
                 {QStringLiteral("messages"), QStringLiteral("Messages"), K::Integer},
                 {QStringLiteral("uncivil"), QStringLiteral("Uncivil"), K::Integer},
                 {QStringLiteral("naks"), QStringLiteral("NAKs"), K::Integer},
                 {QStringLiteral("second_language"), QStringLiteral("2nd lang."), K::Text},
                 {QStringLiteral("outcome"), QStringLiteral("Outcome"), K::Text},
                 {QStringLiteral("participants"), QStringLiteral("Participants"), K::Text},
                 {QStringLiteral("signals"), QStringLiteral("Signals"), K::Text},
                 {QStringLiteral("evidence"), QStringLiteral("Evidence"), K::Text},
                 {QStringLiteral("msgid"), QStringLiteral("Root Message-ID"), K::Text}};
    int rank = 0;
    for (const FrictionThread &ft : threads) {
        QStringList people;
        for (const FrictionParticipant &p : ft.participants)
            people << (p.name.isEmpty() ? p.email : p.name) + QStringLiteral(" (%1)").arg(p.messages);
        QStringList evidence;
        for (const FrictionEvidence &e : ft.evidence)
            evidence << QStringLiteral("[%1] %2: \"%3\"").arg(e.category, e.author, e.sentence.left(200));
        t.rows << QVariantList{++rank, std::round(ft.score * 100) / 100, ft.subject, ft.list,
                               ft.firstDate.date(), ft.lastDate.date(), ft.messages, ft.uncivilMessages,
                               ft.naks, ft.secondLanguage ? QStringLiteral("yes") : QStringLiteral("no"),
                               ft.outcome, people.join(QStringLiteral("; ")), ft.reasons.join(QStringLiteral("; ")),
                               evidence.join(QStringLiteral(" | ")), ft.rootMsgid};
    }
    return t;
}

report::Table frictionTrendTable(const QList<FrictionTrendPoint> &trend)
{
    using K = report::Column::Kind;
    report::Table t;
    t.id = QStringLiteral("friction.trend");
    t.title = QStringLiteral("Friction threads per month");
    t.columns = {{QStringLiteral("month"), QStringLiteral("Month"), K::Text},
                 {QStringLiteral("threads"), QStringLiteral("Threads"), K::Integer},
                 {QStringLiteral("friction_threads"), QStringLiteral("Friction"), K::Integer},
                 {QStringLiteral("friction_share"), QStringLiteral("Friction share"), K::Percent},
                 {QStringLiteral("second_language_threads"), QStringLiteral("2nd-lang. threads"), K::Integer},
                 {QStringLiteral("second_language_friction_threads"), QStringLiteral("2nd-lang. friction"), K::Integer},
                 {QStringLiteral("second_language_friction_share"), QStringLiteral("2nd-lang. friction share"), K::Percent}};
    for (const FrictionTrendPoint &p : trend) {
        const QVariant share = p.threads ? QVariant(double(p.frictionThreads) / p.threads) : QVariant();
        const QVariant slShare = p.secondLanguageThreads
                                     ? QVariant(double(p.secondLanguageFrictionThreads) / p.secondLanguageThreads)
                                     : QVariant();
        t.rows << QVariantList{p.month, p.threads, p.frictionThreads, share, p.secondLanguageThreads,
                               p.secondLanguageFrictionThreads, slShare};
    }
    return t;
}

QList<FrictionTrendPoint> filledMonths(const QList<FrictionTrendPoint> &trend)
{
    QList<FrictionTrendPoint> out;
    if (trend.isEmpty())
        return out;
    const auto monthOf = [](const QString &m) { return QDate::fromString(m + QStringLiteral("-01"), QStringLiteral("yyyy-MM-dd")); };
    const QDate first = monthOf(trend.first().month);
    const QDate last = monthOf(trend.last().month);
    if (!first.isValid() || !last.isValid())
        return trend;
    QHash<QString, FrictionTrendPoint> byMonth;
    for (const FrictionTrendPoint &p : trend)
        byMonth.insert(p.month, p);
    for (QDate d = first; d <= last; d = d.addMonths(1)) {
        const QString month = d.toString(QStringLiteral("yyyy-MM"));
        FrictionTrendPoint p = byMonth.value(month);
        p.month = month;
        out << p;
    }
    return out;
}

int frictionShareWindow(const QList<FrictionTrendPoint> &months)
{
    if (months.isEmpty())
        return 1;
    QList<int> counts;
    for (const FrictionTrendPoint &p : months)
        counts << p.threads;
    std::sort(counts.begin(), counts.end());
    const double median = counts.size() % 2 ? counts[counts.size() / 2]
                                            : (counts[counts.size() / 2 - 1] + counts[counts.size() / 2]) / 2.0;
    return median < kFrictionDenseMonthThreads ? 3 : 1;
}

report::Chart frictionCountChart(const QList<FrictionTrendPoint> &trend, const QList<FrictionThread> &threads)
{
    const QList<FrictionTrendPoint> months = filledMonths(trend);
    report::Chart c;
    c.id = QStringLiteral("friction.counts");
    c.title = QStringLiteral("Friction threads per month");
    c.kind = report::Chart::Kind::Bar;
    c.xTitle = QStringLiteral("Month");
    c.yTitle = QStringLiteral("Threads");
    report::Series all{QStringLiteral("Friction threads"), {}};
    report::Series sl{QStringLiteral("Second-language friction threads"), {}};
    for (const FrictionTrendPoint &p : months) {
        c.categories << p.month;
        all.values << p.frictionThreads;
        sl.values << p.secondLanguageFrictionThreads;
    }
    c.series = {all, sl};
    c.marksName = QStringLiteral("Top threads");
    int rank = 0;
    for (const FrictionThread &t : threads) {
        if (!t.isFriction)
            continue;
        if (++rank > 5)
            break;
        const int category = int(c.categories.indexOf(t.firstDate.toString(QStringLiteral("yyyy-MM"))));
        if (category < 0)
            continue;
        // Subjects are mail text: shown as plain, visible text only.
        const QString label = QStringLiteral("#%1 %2 — score %3, %4 messages")
                                  .arg(rank)
                                  .arg(report::visibleText(t.subject).left(120))
                                  .arg(t.score, 0, 'f', 2)
                                  .arg(t.messages);
        c.marks << report::Mark{category, all.values[category], label};
    }
    return c;
}

report::Chart frictionTrendChart(const QList<FrictionTrendPoint> &trend)
{
    const QList<FrictionTrendPoint> months = filledMonths(trend);
    const int window = frictionShareWindow(trend);
    report::Chart c;
    c.id = QStringLiteral("friction.trend");
    c.title = window > 1 ? QStringLiteral("Share of friction threads (%1-month rolling)").arg(window)
                         : QStringLiteral("Share of friction threads per month");
    c.kind = report::Chart::Kind::Line;
    c.xTitle = QStringLiteral("Month");
    c.yTitle = QStringLiteral("Friction threads");
    c.percent = true;
    report::Series all{QStringLiteral("All threads"), {}};
    report::Series sl{QStringLiteral("Second-language threads"), {}};
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    constexpr int kMinSecondLanguageThreads = 5;
    for (qsizetype i = 0; i < months.size(); ++i) {
        int threads = 0, friction = 0, slThreads = 0, slFriction = 0;
        for (qsizetype j = std::max<qsizetype>(0, i - window + 1); j <= i; ++j) {
            threads += months[j].threads;
            friction += months[j].frictionThreads;
            slThreads += months[j].secondLanguageThreads;
            slFriction += months[j].secondLanguageFrictionThreads;
        }
        c.categories << months[i].month;
        all.values << (threads ? double(friction) / threads : kNaN);
        sl.values << (slThreads >= kMinSecondLanguageThreads ? double(slFriction) / slThreads : kNaN);
    }
    c.series = {all, sl};
    return c;
}

Result<report::Section> frictionSection(Store &store, const Filter &filter)
{
    auto threads = frictionThreads(store, filter);
    if (!threads)
        return threads.status();
    auto trend = frictionTrend(store, filter);
    if (!trend)
        return trend.status();
    report::Section s;
    s.id = QStringLiteral("friction");
    s.title = QStringLiteral("Friction");
    s.method = QStringLiteral(
        "Each message's own text (quotes, code and trailers excluded) is scored by a liblinear logistic "
        "regression over hashed word n-grams and lexicon features; NAKs, refusals and shouting are detected "
        "separately. A thread's score is its content signals (uncivil messages, NAKs, refusals, shouting) "
        "times one plus its structure (escalation between two people, size and depth relative to the list, "
        "second-language and C-only contributors meeting, maintainers involved, patches not applied). A "
        "thread with score >= 1 is a friction thread. See docs/friction.md.");
    s.tables << frictionThreadTable(*threads) << frictionTrendTable(*trend);
    s.charts << frictionCountChart(*trend, *threads) << frictionTrendChart(*trend);
    return s;
}

} // namespace kl::models
