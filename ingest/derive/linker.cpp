#include "linker.h"

#include <kernellens/ingest/mailtext.h>

#include <QDateTime>

#include <algorithm>

namespace kl::derive {

namespace {

constexpr qint64 kDay = 86400;
constexpr qint64 kWindowSlack = 30 * kDay;      // commits read from this long before the oldest patch
constexpr qint64 kAuthorDateSlack = kDay;       // author date "close to" the mail's
constexpr qint64 kSubjectWindow = 730 * kDay;   // a commit up to two years after its posting

QString normalizedSubject(const QString &subject) { return subject.toCaseFolded().simplified(); }

} // namespace

Result<Linker> Linker::load(Store &store, const JobContext &ctx)
{
    Linker linker(store);
    KL_TRY(linker.loadPatches(ctx));
    if (ctx.cancel.isCancelled())
        return Status::cancelled();
    qint64 oldest = 0;
    for (const Mail &m : std::as_const(linker.m_patches))
        if (m.date > 0 && (oldest == 0 || m.date < oldest))
            oldest = m.date;
    if (!linker.m_patches.isEmpty())
        KL_TRY(linker.loadCommits(oldest > 0 ? oldest - kWindowSlack : 0));
    if (ctx.cancel.isCancelled())
        return Status::cancelled();
    KL_TRY(linker.loadTrailersAndNotices());
    return linker;
}

Status Linker::loadPatches(const JobContext &ctx)
{
    Database &db = m_store->db();
    KL_TRY(db.forEachRow(
        QStringLiteral("SELECT p.message_id, m.msgid, ifnull(p.series_id, 0), p.version, p.idx, p.is_cover, "
                       "ifnull(m.from_person, 0), ifnull(m.date, 0), p.normalized_title, x.patch_id "
                       "FROM patches p JOIN messages m ON m.id = p.message_id "
                       "LEFT JOIN mail_patch_ids x ON x.message_id = p.message_id ORDER BY p.message_id"),
        {}, [&](const Statement &row) {
            Mail m;
            m.id = row.int64(0);
            m.msgid = row.text(1);
            m.series = row.int64(2);
            m.version = int(row.int64(3));
            m.idx = int(row.int64(4));
            m.cover = row.int64(5) != 0;
            m.person = row.int64(6);
            m.date = row.int64(7);
            m.title = row.text(8);
            m.patchId = row.text(9);
            m_patchIndex.insert(m.id, int(m_patches.size()));
            m_byMsgid[m.msgid] << int(m_patches.size());
            if (m.series)
                m_seriesPatches[m.series] << int(m_patches.size());
            m_patches << m;
        }));
    ctx.report(QStringLiteral("linking: reading patch files"), 0, -1, {}, true);
    KL_TRY(db.forEachRow(QStringLiteral("SELECT message_id, path, old_path FROM patch_files"), {},
                         [&](const Statement &row) {
                             const int i = m_patchIndex.value(row.int64(0), -1);
                             if (i < 0)
                                 return;
                             m_patches[i].files.insert(row.text(1));
                             if (!row.isNull(2) && !row.text(2).isEmpty())
                                 m_patches[i].files.insert(row.text(2));
                         }));
    return db.forEachRow(QStringLiteral("SELECT id, previous_series_id FROM series WHERE previous_series_id IS NOT NULL"),
                         {}, [&](const Statement &row) { m_previousSeries.insert(row.int64(0), row.int64(1)); });
}

Status Linker::loadCommits(qint64 from)
{
    KL_TRY(m_store->db().forEachRow(
        QStringLiteral("SELECT c.id, c.oid, c.author_person, c.author_time, c.commit_time, c.subject, x.patch_id "
                       "FROM commits c LEFT JOIN commit_patch_ids x ON x.commit_id = c.id "
                       "WHERE c.parents <= 1 AND c.commit_time >= ? ORDER BY c.author_time, c.id"),
        {from}, [&](const Statement &row) {
            Commit c;
            c.id = row.int64(0);
            c.oid = row.text(1).toLatin1();
            c.person = row.int64(2);
            c.authorTime = row.int64(3);
            c.commitTime = row.int64(4);
            c.subject = normalizedSubject(row.text(5));
            c.patchId = row.text(6);
            const int i = int(m_commits.size());
            m_commitIndex.insert(c.id, i);
            if (!c.patchId.isEmpty())
                m_commitsByPatchId[c.patchId] << i;
            m_commitsByPerson[c.person] << i; // in author-time order, from the ORDER BY
            m_commitsBySubject[c.subject] << i;
            m_oids.emplace_back(c.oid, i);
            m_commits << c;
        }));
    std::sort(m_oids.begin(), m_oids.end());
    return Status::ok();
}

Status Linker::loadTrailersAndNotices()
{
    if (m_patches.isEmpty())
        return Status::ok(); // no patch mail: a Link: can only point outside the store
    Database &db = m_store->db();
    auto byMsgid = db.prepare(QStringLiteral("SELECT count(*) FROM messages WHERE msgid = ?"));
    if (!byMsgid)
        return byMsgid.status();
    KL_TRY(db.forEachRow(
        QStringLiteral("SELECT t.commit_id, t.value, c.oid FROM commit_trailers t JOIN commits c ON c.id = t.commit_id "
                       "WHERE t.kind IN ('Link', 'Message-ID', 'Message-Id') ORDER BY t.commit_id"),
        {}, [&](const Statement &row) {
            const QString msgid = text::messageIdFromLink(row.text(1));
            if (msgid.isEmpty())
                return; // a Link: to a bug tracker or a web page
            const QString where = row.text(2);
            const QList<int> patches = m_byMsgid.value(msgid);
            if (patches.isEmpty()) {
                byMsgid->bind(1, msgid);
                auto found = byMsgid->step();
                const bool inArchive = found && found.value() && byMsgid->int64(0) > 0;
                byMsgid->reset();
                m_trailerWarnings << LinkWarning{inArchive ? QStringLiteral("link-not-a-patch")
                                                           : QStringLiteral("link-not-in-archive"),
                                                 where, QLatin1Char('<') + msgid + QLatin1Char('>')};
                return;
            }
            const int commit = m_commitIndex.value(row.int64(0), -1);
            if (commit < 0) {
                m_trailerWarnings << LinkWarning{QStringLiteral("commit-before-mail"), where,
                                                 QStringLiteral("the commit is older than the patch <%1>").arg(msgid)};
                return;
            }
            for (int p : patches) {
                const Mail &m = m_patches[p];
                if (!m.cover) {
                    m_trailerLinks[m.id] << commit;
                    continue;
                }
                // A Link: to the cover letter: the patch of that series with the commit's subject.
                for (int q : m_seriesPatches.value(m.series))
                    if (!m_patches[q].cover
                        && (m_patches[q].title == m_commits[commit].subject || m_seriesPatches.value(m.series).size() == 2))
                        m_trailerLinks[m_patches[q].id] << commit;
            }
        }));
    return db.forEachRow(
        QStringLiteral("SELECT patch_message_id, commit_sha FROM applied_notices "
                       "WHERE patch_message_id IS NOT NULL AND length(commit_sha) >= 7"),
        {}, [&](const Statement &row) { m_applied[row.int64(0)] << row.text(1).toLower(); });
}

const QSet<QString> &Linker::commitFiles(int commit)
{
    auto it = m_commitFiles.find(commit);
    if (it != m_commitFiles.end())
        return *it;
    QSet<QString> files;
    (void)m_store->db().forEachRow(
        QStringLiteral("SELECT p.path FROM commit_files f JOIN git_paths p ON p.id = f.path_id WHERE f.commit_id = ?"),
        {m_commits[commit].id}, [&](const Statement &row) { files.insert(row.text(0)); });
    return *m_commitFiles.insert(commit, files);
}

std::optional<int> Linker::byTrailer(const Mail &m) const
{
    const QList<int> commits = m_trailerLinks.value(m.id);
    if (commits.isEmpty())
        return std::nullopt;
    return *std::min_element(commits.begin(), commits.end(), [&](int a, int b) {
        return m_commits[a].commitTime < m_commits[b].commitTime;
    });
}

std::optional<int> Linker::byApplied(const Mail &m, QList<LinkWarning> *warnings) const
{
    for (const QString &sha : m_applied.value(m.id)) {
        const QByteArray prefix = sha.toLatin1();
        auto first = std::lower_bound(m_oids.begin(), m_oids.end(), std::make_pair(prefix, -1));
        std::vector<int> hits;
        for (auto it = first; it != m_oids.end() && it->first.startsWith(prefix); ++it)
            hits.push_back(it->second);
        if (hits.size() == 1)
            return hits.front();
        if (warnings)
            *warnings << LinkWarning{hits.empty() ? QStringLiteral("applied-commit-unknown") : QStringLiteral("applied-ambiguous"),
                                     QLatin1Char('<') + m.msgid + QLatin1Char('>'),
                                     QStringLiteral("applied as %1: %2 commits in the store match").arg(sha).arg(hits.size())};
    }
    return std::nullopt;
}

std::optional<int> Linker::byPatchId(const Mail &m) const
{
    if (m.patchId.isEmpty())
        return std::nullopt;
    std::optional<int> best;
    // The same change committed twice (a revert of a revert, a cherry-pick): the first commit
    // after the posting, else the latest before it.
    for (int c : m_commitsByPatchId.value(m.patchId)) {
        const qint64 t = m_commits[c].commitTime;
        if (!best) {
            best = c;
            continue;
        }
        const qint64 bt = m_commits[*best].commitTime;
        const bool after = t + kDay >= m.date, bestAfter = bt + kDay >= m.date;
        if ((after && !bestAfter) || (after == bestAfter && (after ? t < bt : t > bt)))
            best = c;
    }
    return best;
}

std::optional<std::pair<int, double>> Linker::byAuthorDate(const Mail &m)
{
    if (m.date <= 0 || m.person == 0 || m.files.isEmpty())
        return std::nullopt;
    const QList<int> commits = m_commitsByPerson.value(m.person);
    auto first = std::lower_bound(commits.begin(), commits.end(), m.date - kAuthorDateSlack,
                                  [&](int c, qint64 t) { return m_commits[c].authorTime < t; });
    std::optional<std::pair<int, double>> best;
    qint64 bestGap = 0;
    for (auto it = first; it != commits.end() && m_commits[*it].authorTime <= m.date + kAuthorDateSlack; ++it) {
        const qint64 gap = qAbs(m_commits[*it].authorTime - m.date);
        if (best && gap >= bestGap)
            continue;
        if (commitFiles(*it) != m.files)
            continue;
        best = std::make_pair(*it, gap == 0 ? 0.97 : 0.85);
        bestGap = gap;
    }
    return best;
}

std::optional<std::pair<int, double>> Linker::bySubject(const Mail &m)
{
    if (m.date <= 0 || m.person == 0 || m.title.isEmpty())
        return std::nullopt;
    std::optional<std::pair<int, double>> best;
    for (int c : m_commitsBySubject.value(m.title)) {
        const Commit &commit = m_commits[c];
        if (commit.person != m.person || commit.commitTime < m.date - kDay || commit.commitTime > m.date + kSubjectWindow)
            continue;
        const QSet<QString> &files = commitFiles(c);
        if (!m.files.isEmpty() && !files.intersects(m.files))
            continue;
        if (best && m_commits[best->first].commitTime <= commit.commitTime)
            continue;
        best = std::make_pair(c, files == m.files ? 0.9 : 0.8);
    }
    return best;
}

std::vector<PatchLink> Linker::link(const QStringList &methods, QList<LinkWarning> *warnings)
{
    const QStringList order = methods.isEmpty() ? linkMethodNames() : methods;
    auto uses = [&](const char *name) { return order.contains(QLatin1String(name)); };
    if (warnings && uses("trailer"))
        *warnings << m_trailerWarnings;
    const qint64 future = QDateTime::currentSecsSinceEpoch() + kDay;
    std::vector<PatchLink> links;
    for (const Mail &m : std::as_const(m_patches)) {
        if (m.cover)
            continue;
        if (warnings && m.date <= 0)
            *warnings << LinkWarning{QStringLiteral("no-date"), QLatin1Char('<') + m.msgid + QLatin1Char('>'),
                                     QStringLiteral("no date: only trailer, applied and patch-id can link it")};
        else if (warnings && m.date > future)
            *warnings << LinkWarning{QStringLiteral("future-date"), QLatin1Char('<') + m.msgid + QLatin1Char('>'),
                                     QStringLiteral("dated %1").arg(QDateTime::fromSecsSinceEpoch(m.date, Qt::UTC).toString(Qt::ISODate))};
        const bool dated = m.date > 0 && m.date <= future;
        std::optional<std::pair<int, double>> found;
        QString method;
        for (const QString &name : linkMethodNames()) {
            if (!order.contains(name))
                continue;
            if (name == QLatin1String("trailer")) {
                if (auto c = byTrailer(m))
                    found = std::make_pair(*c, 1.0);
            } else if (name == QLatin1String("applied")) {
                if (auto c = byApplied(m, warnings))
                    found = std::make_pair(*c, 0.95);
            } else if (name == QLatin1String("patch-id")) {
                if (auto c = byPatchId(m))
                    found = std::make_pair(*c, 0.99);
            } else if (name == QLatin1String("author-date") && dated) {
                found = byAuthorDate(m);
            } else if (name == QLatin1String("subject") && dated) {
                found = bySubject(m);
            }
            if (found) {
                method = name;
                break;
            }
        }
        if (found)
            links.push_back({m.id, m_commits[found->first].id, method, found->second, true});
    }
    resolve(links);
    return links;
}

// Per commit: the posting its trailer names, else the one with the highest version, then the
// latest date not after the commit,
// is the one merged (with its copies: the same Message-ID on other lists, resends of the same
// version with the same patch-id); the rest are earlier postings. Then the
// earlier versions of each merged patch along its series chain become earlier revisions.
void Linker::resolve(std::vector<PatchLink> &links) const
{
    QHash<qint64, QList<size_t>> byCommit;
    for (size_t i = 0; i < links.size(); ++i)
        byCommit[links[i].commit] << i;
    for (auto it = byCommit.cbegin(); it != byCommit.cend(); ++it) {
        const qint64 commitTime = m_commits[m_commitIndex.value(it.key())].commitTime;
        // The posting a Link:/Message-ID: trailer names is the one the maintainer applied.
        auto rank = [&](size_t i) {
            const Mail &m = m_patches[m_patchIndex.value(links[i].message)];
            const bool named = links[i].method == QLatin1String("trailer");
            const bool before = m.date <= commitTime + kDay;
            return std::make_tuple(named, before, m.version, m.date);
        };
        size_t best = it.value().first();
        for (size_t i : it.value())
            if (rank(i) > rank(best))
                best = i;
        // Copies of the merged posting are merged too: the same Message-ID on another list, or a
        // resend of the same version with the same diff (same patch-id).
        const Mail &chosen = m_patches[m_patchIndex.value(links[best].message)];
        for (size_t i : it.value()) {
            const Mail &m = m_patches[m_patchIndex.value(links[i].message)];
            links[i].merged = m.msgid == chosen.msgid
                              || (m.version == chosen.version && !m.patchId.isEmpty() && m.patchId == chosen.patchId);
        }
    }
    QSet<qint64> linked;
    for (const PatchLink &l : links)
        linked.insert(l.message);
    const size_t direct = links.size();
    for (size_t i = 0; i < direct; ++i) {
        if (!links[i].merged)
            continue;
        const Mail &m = m_patches[m_patchIndex.value(links[i].message)];
        QSet<qint64> seen{m.series};
        for (qint64 s = m_previousSeries.value(m.series); s && !seen.contains(s); s = m_previousSeries.value(s)) {
            seen.insert(s);
            const QList<int> candidates = m_seriesPatches.value(s);
            std::optional<int> match;
            for (int p : candidates)
                if (!m_patches[p].cover && m_patches[p].title == m.title)
                    match = p;
            if (!match)
                for (int p : candidates)
                    if (!m_patches[p].cover && m_patches[p].idx == m.idx && m.idx > 0)
                        match = p;
            if (match && !linked.contains(m_patches[*match].id)) {
                linked.insert(m_patches[*match].id);
                links.push_back({m_patches[*match].id, links[i].commit, QStringLiteral("revision"), 0.9, false});
            }
        }
    }
}

} // namespace kl::derive
