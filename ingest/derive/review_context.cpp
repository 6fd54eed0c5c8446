#include "review_context.h"

#include <QRegularExpression>

#include "common/git_handles.h"

#include <QFileInfo>

#include <git2.h>

namespace kl::derive {

namespace {

Result<QByteArray> readBlob(const QString &repository, const QString &oidHex)
{
    auto repo = git::openRepository(repository);
    if (!repo)
        return repo.status();
    git_oid oid;
    if (git_oid_fromstrn(&oid, oidHex.toLatin1().constData(), size_t(oidHex.size())) != 0)
        return Status::error(QStringLiteral("%1: %2 is not an object id").arg(repository, oidHex));
    git_blob *raw = nullptr;
    if (int rc = git_blob_lookup(&raw, repo->get(), &oid); rc != 0)
        return git::error(QStringLiteral("%1: MAINTAINERS blob %2").arg(repository, oidHex), rc);
    git::Blob blob(raw);
    return QByteArray(static_cast<const char *>(git_blob_rawcontent(blob.get())), qsizetype(git_blob_rawsize(blob.get())));
}

// The directories of a release's files, for get_maintainer.pl's directory-pattern rule.
Result<QStringList> releasePaths(Store &store, qint64 release)
{
    QStringList paths;
    KL_TRY(store.db().forEachRow(QStringLiteral("SELECT p.path FROM release_files f JOIN git_paths p ON p.id = f.path_id WHERE f.release_id = ?"),
                                 {release}, [&](const Statement &row) { paths << row.text(0); }));
    return paths;
}

} // namespace

Result<ReviewContext> ReviewContext::load(Store &store)
{
    ReviewContext context;
    Database &db = store.db();
    auto settings = db.prepare(QStringLiteral("SELECT second_language, languages FROM git_settings ORDER BY source_id LIMIT 1"));
    if (!settings)
        return settings.status();
    auto row = settings->step();
    if (!row)
        return row.status();
    if (row.value()) {
        auto parsed = ingest::LanguageMap::parse(settings->text(1).toUtf8(), QStringLiteral("git_settings"));
        if (parsed) {
            context.m_languages = parsed.value();
            context.m_second = settings->text(0);
        }
    }
    // The language as a word: in any case in titles ("rust: ..."), capitalised in cover letters,
    // where "rust" in lower case is more often a path or an identifier than the language.
    const QString word = QStringLiteral("\\b%1\\b").arg(QRegularExpression::escape(context.m_second));
    context.m_titleWord = QRegularExpression(word, QRegularExpression::CaseInsensitiveOption);
    context.m_coverWord = QRegularExpression(word);
    // The newest analysed release of each git source.
    struct Newest { qint64 source, release; QString blob; qint64 depth; QString repository; };
    QList<Newest> newest;
    KL_TRY(db.forEachRow(
        QStringLiteral("SELECT mr.source_id, mr.release_id, mr.maintainers_blob, ifnull(mr.directory_depth, 0), "
                       "ifnull(w.value, s.location) FROM maint_releases mr JOIN releases r ON r.id = mr.release_id "
                       "JOIN sources s ON s.id = mr.source_id LEFT JOIN watermarks w ON w.source_id = s.id AND w.key = 'git:repository' "
                       "WHERE r.ordinal = (SELECT max(r2.ordinal) FROM releases r2 JOIN maint_releases m2 ON m2.release_id = r2.id "
                       "WHERE r2.source_id = mr.source_id) ORDER BY mr.source_id"),
        {}, [&](const Statement &r) {
            newest << Newest{r.int64(0), r.int64(1), r.isNull(2) ? QString() : r.text(2), r.int64(3), r.text(4)};
        }));
    for (const Newest &n : std::as_const(newest)) {
        if (!context.m_firstSource)
            context.m_firstSource = n.source;
        auto paths = releasePaths(store, n.release);
        if (!paths)
            return paths.status();
        Maintainers m;
        if (!n.blob.isEmpty() && QFileInfo(n.repository).isDir()) {
            auto text = readBlob(n.repository, n.blob);
            if (!text)
                return text.status();
            QSet<QString> directories;
            for (const QString &p : std::as_const(paths.value()))
                for (qsizetype slash = p.indexOf(QLatin1Char('/')); slash > 0; slash = p.indexOf(QLatin1Char('/'), slash + 1))
                    directories.insert(p.left(slash));
            m.map = std::make_shared<SubsystemMap>(SubsystemMap::fromMaintainers(text.value(), directories));
        } else {
            m.map = std::make_shared<SubsystemMap>(SubsystemMap::fromDirectories(paths.value(), n.depth > 0 ? int(n.depth) : 2));
        }
        KL_TRY(db.forEachRow(QStringLiteral("SELECT name, subsystem FROM maint_sections WHERE release_id = ?"), {n.release},
                             [&](const Statement &r) { m.subsystemOf.insert(r.text(0), r.text(1)); }));
        context.m_maintainers.insert(n.source, m);
    }
    return context;
}

QString ReviewContext::languageOf(const QStringList &files, const QString &title, int coverMentions) const
{
    const QString second = QStringLiteral("second");
    const QString directory = m_second.toLower();
    bool c = false;
    for (const QString &f : files) {
        const QString language = m_languages.classify(f);
        if (language == m_second)
            return second;
        if (!directory.isEmpty() && f.split(QLatin1Char('/')).contains(directory))
            return second;
        c = c || language == QLatin1String("C");
    }
    if (!m_second.isEmpty() && (m_titleWord.match(title).hasMatch() || coverMentions >= 2))
        return second;
    return c ? QStringLiteral("c") : QStringLiteral("other");
}

int ReviewContext::mentionsOfSecondLanguage(const QString &text) const
{
    if (m_second.isEmpty())
        return 0;
    int n = 0;
    for (auto it = m_coverWord.globalMatch(text); it.hasNext(); it.next())
        ++n;
    return n;
}

QStringList ReviewContext::subsystemsOf(qint64 gitSource, const QStringList &files) const
{
    QStringList out;
    auto it = m_maintainers.find(gitSource ? gitSource : m_firstSource);
    for (const QString &f : files) {
        QStringList names;
        if (it != m_maintainers.end()) {
            for (const QString &section : it->map->sectionsFor(f))
                names << it->subsystemOf.value(section, section);
        } else {
            names << f.section(QLatin1Char('/'), 0, f.count(QLatin1Char('/')) >= 2 ? 1 : 0);
        }
        for (const QString &n : std::as_const(names))
            if (!out.contains(n))
                out << n;
    }
    // get_maintainer.pl's catch-all sections say nothing about where a patch belongs.
    if (out.size() > 1)
        out.removeAll(QStringLiteral("THE REST"));
    std::sort(out.begin(), out.end());
    return out;
}

Result<QHash<qint64, qint64>> ReviewContext::dominantSources(Store &store) const
{
    QHash<qint64, qint64> best;
    QHash<qint64, qint64> bestCount;
    auto keep = [&](const Statement &row) {
        if (row.int64(2) > bestCount.value(row.int64(0))) {
            bestCount.insert(row.int64(0), row.int64(2));
            best.insert(row.int64(0), row.int64(1));
        }
    };
    // Where its linked patches went.
    KL_TRY(store.db().forEachRow(
        QStringLiteral("SELECT m.list_id, c.source_id, count(*) FROM patch_links l JOIN messages m ON m.id = l.message_id "
                       "JOIN commits c ON c.id = l.commit_id GROUP BY m.list_id, c.source_id"),
        {}, keep));
    // A list without links (its tree's history not ingested, or only snapshots of it): the
    // repository whose newest release has most of the files its patches touch. Looked up per
    // (list, newest release) through release_files' primary key: a join over all releases'
    // files took 27 s on the 300,000-commit synthetic history.
    QList<qint64> unlinked;
    QList<qint64> newestReleases;
    KL_TRY(store.db().forEachRow(QStringLiteral("SELECT id FROM lists ORDER BY id"), {}, [&](const Statement &row) {
        if (!best.contains(row.int64(0)))
            unlinked << row.int64(0);
    }));
    if (unlinked.isEmpty())
        return best;
    KL_TRY(store.db().forEachRow(
        QStringLiteral("SELECT r.id FROM releases r WHERE r.ordinal = (SELECT max(r2.ordinal) FROM releases r2 "
                       "WHERE r2.source_id = r.source_id)"),
        {}, [&](const Statement &row) { newestReleases << row.int64(0); }));
    for (qint64 list : std::as_const(unlinked))
        for (qint64 release : std::as_const(newestReleases))
            KL_TRY(store.db().forEachRow(
                QStringLiteral("SELECT m.list_id, r.source_id, count(*) FROM patch_files pf "
                               "JOIN messages m ON m.id = pf.message_id JOIN git_paths gp ON gp.path = pf.path "
                               "JOIN release_files rf ON rf.release_id = ?2 AND rf.path_id = gp.id "
                               "JOIN releases r ON r.id = ?2 WHERE m.list_id = ?1 GROUP BY m.list_id, r.source_id"),
                {list, release}, keep));
    return best;
}

} // namespace kl::derive
