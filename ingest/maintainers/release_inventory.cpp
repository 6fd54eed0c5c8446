#include <kernellens/ingest/release_inventory.h>
#include <kernellens/ingest/source_settings.h>
#include <kernellens/ingest/subsystem_scheme.h>
#include <kernellens/ingest/subsystems.h>

#include "binding_scan.h"
#include "binding_scripting.h"
#include "common/git_handles.h"

#include <kernellens/index/store.h>

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QRegularExpression>
#include <QSet>

#include <QThread>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace kl::ingest {

namespace {

using coverage::HelperFunction;

struct TreeFile
{
    QString path;
    git_oid oid;
};

struct TreeListing
{
    QList<TreeFile> files;
    QSet<QString> directories;
    QHash<QString, int> indexByPath;
};

struct WalkPayload
{
    TreeListing *listing;
};

int walkCallback(const char *root, const git_tree_entry *entry, void *payload)
{
    auto *p = static_cast<WalkPayload *>(payload);
    const git_object_t type = git_tree_entry_type(entry);
    const QString path = QString::fromUtf8(root) + QString::fromUtf8(git_tree_entry_name(entry));
    if (type == GIT_OBJECT_TREE) {
        p->listing->directories.insert(path);
    } else if (type == GIT_OBJECT_BLOB) {
        p->listing->indexByPath.insert(path, int(p->listing->files.size()));
        p->listing->files.append({path, *git_tree_entry_id(entry)});
    }
    return 0;
}

struct ReleaseRow
{
    qint64 id = 0;
    QString tag;
    QString treeOid;
};

// Per-blob facts: loaded from the store once, grown as blobs are scanned, written back with
// each release's transaction.
class BlobFactCache
{
public:
    Status load(Database &db)
    {
        return db.forEachRow(QStringLiteral("SELECT blob_oid, kind, facts FROM cov_blob_facts"), {},
                             [&](const Statement &row) {
                                 m_facts.insert(key(row.text(0), row.text(1)), row.text(2));
                             });
    }

    std::optional<QString> find(const QString &oid, const QString &kind)
    {
        const QString k = key(oid, kind);
        const auto it = m_facts.constFind(k);
        if (it == m_facts.constEnd())
            return std::nullopt;
        if (!m_fresh.contains(k)) {
            ++reused;
            m_fresh.insert(k); // count a blob once per release
        }
        return *it;
    }

    bool contains(const QString &oid, const QString &kind) const { return m_facts.contains(key(oid, kind)); }

    void insert(const QString &oid, const QString &kind, const QString &facts)
    {
        ++scanned;
        const QString k = key(oid, kind);
        m_facts.insert(k, facts);
        m_fresh.insert(k);
        m_pending.append({oid, kind, facts});
    }

    // Blobs scanned or counted in this release are not counted again as reused.
    void startRelease() { m_fresh.clear(); }

    Status flush(Database &db)
    {
        auto stmt = db.prepare(QStringLiteral(
            "INSERT OR REPLACE INTO cov_blob_facts(blob_oid, kind, facts) VALUES(?, ?, ?)"));
        if (!stmt)
            return stmt.status();
        for (const auto &p : std::as_const(m_pending)) {
            stmt->bind(1, p.oid).bind(2, p.kind).bind(3, p.facts.isNull() ? QStringLiteral("") : p.facts);
            KL_TRY(stmt->exec());
        }
        m_pending.clear();
        return Status::ok();
    }

    void discardPending() { m_pending.clear(); }

    qint64 scanned = 0;
    qint64 reused = 0;

private:
    static QString key(const QString &oid, const QString &kind) { return oid + QLatin1Char(':') + kind; }
    struct Pending
    {
        QString oid, kind, facts;
    };
    QHash<QString, QString> m_facts;
    QSet<QString> m_fresh;
    QList<Pending> m_pending;
};

class ReleaseAnalyzer
{
public:
    ReleaseAnalyzer(Store &store, git_repository *repo, const QString &repoPath, qint64 sourceId,
                    const ReleaseInventoryOptions &options, BlobFactCache &cache, const JobContext &ctx)
        : m_store(store), m_repo(repo), m_repoPath(repoPath), m_sourceId(sourceId), m_options(options), m_cache(cache),
          m_ctx(ctx)
    {
    }

    Status run(const ReleaseRow &release);

private:
    Result<QByteArray> readBlob(const git_oid &oid, const QString &path);
    Result<QStringList> facts(const TreeFile &file, const QString &kind);
    Status prefetchFacts(const QList<QPair<int, QString>> &wanted);
    QStringList subsystemsOfPath(const QString &path) const;
    QString resolveInclude(const QString &target, const QString &includingFile) const;
    Status addItem(const QString &kind, const QString &name, const QString &path, const QString &detail,
                   const QStringList &subsystems);
    Status storeMaintainers(const QString &maintainersOid);
    Status chooseMap(const std::optional<QByteArray> &maintainers);
    Status linuxInventory(const QString &where, bool &hasSecondLanguage);
    // The scripting model (binding_scripting.cpp): items through addItem, like the Linux one.
    Status scriptingInventory(const TreeListing &tree, bool &hasSecondLanguage);
    void noteUnreadable(const TreeFile &file, const QString &reason);
    QString incompleteFigures(bool maintainersUnreadable) const;

    Store &m_store;
    git_repository *m_repo;
    QString m_repoPath;
    qint64 m_sourceId;
    const ReleaseInventoryOptions &m_options;
    BlobFactCache &m_cache;
    const JobContext &m_ctx;
    // Blobs of this release that could not be read (partial clone, damaged pack): their facts
    // are left out (and not cached), and the release says so in maint_releases.incomplete.
    std::mutex m_unreadableMutex;
    QStringList m_unreadable;   // "path (blob oid): reason"
    QSet<QString> m_unreadablePaths;

    ReleaseRow m_release;
    TreeListing m_tree;
    SubsystemMap m_map;
    SubsystemChoice m_choice;   // m_map's scheme (m_choice.map is moved into m_map)
    QList<QList<int>> m_fileSections;    // per m_tree.files index
    QStringList m_subsystemOfSection;    // rolled-up name per section; empty = not attributed
    QList<qint64> m_sectionIds;
    std::optional<Statement> m_itemStmt;
    std::optional<Statement> m_itemSubsystemStmt;
};

Result<QByteArray> ReleaseAnalyzer::readBlob(const git_oid &oid, const QString &path)
{
    git_blob *raw = nullptr;
    const int rc = git_blob_lookup(&raw, m_repo, &oid);
    if (rc < 0)
        return git::error(QStringLiteral("%1: reading blob %2 of %3").arg(m_release.tag, git::oidToString(oid), path), rc);
    git::Blob blob(raw);
    return QByteArray(static_cast<const char *>(git_blob_rawcontent(raw)), qsizetype(git_blob_rawsize(raw)));
}

// Which figures of the release the unreadable blobs leave incomplete; empty when none.
QString ReleaseAnalyzer::incompleteFigures(bool maintainersUnreadable) const
{
    if (m_unreadable.isEmpty())
        return {};
    QStringList parts;
    if (maintainersUnreadable)
        parts.append(QStringLiteral("subsystems: MAINTAINERS could not be read, top directories used instead"));
    const qsizetype others = m_unreadable.size() - (maintainersUnreadable ? 1 : 0);
    if (others > 0)
        parts.append(QStringLiteral("binding inventory: %1 files could not be read, their exports, "
                                    "references, includes and helpers are missing").arg(others));
    return parts.join(QStringLiteral("; "));
}

void ReleaseAnalyzer::noteUnreadable(const TreeFile &file, const QString &reason)
{
    const std::lock_guard<std::mutex> lock(m_unreadableMutex);
    if (m_unreadablePaths.contains(file.path))   // prefetch and a later read both fail
        return;
    m_unreadablePaths.insert(file.path);
    m_unreadable.append(QStringLiteral("%1 (blob %2): %3").arg(file.path, git::oidToString(file.oid), reason));
}

QStringList scanBlob(const QByteArray &bytes, const QString &kind);

Result<QStringList> ReleaseAnalyzer::facts(const TreeFile &file, const QString &kind)
{
    const QString oid = git::oidToString(file.oid);
    if (auto cached = m_cache.find(oid, kind))
        return coverage::splitFacts(*cached);
    auto bytes = readBlob(file.oid, file.path);
    if (!bytes) {
        noteUnreadable(file, bytes.status().message());
        return QStringList();
    }
    QStringList out;
    if (kind == QLatin1String("knf-definitions") || kind == QLatin1String("lua-bindings")) {
        out = scanBlob(*bytes, kind);
    } else if (kind == QLatin1String("exports")) {
        out = coverage::scanExports(*bytes);
    } else if (kind == QLatin1String("bindings-refs")) {
        out = coverage::scanBindingsReferences(*bytes);
    } else if (kind == QLatin1String("includes")) {
        out = coverage::scanIncludes(*bytes);
    } else if (kind == QLatin1String("helpers")) {
        for (const HelperFunction &h : coverage::scanHelpers(*bytes))
            out.append(h.name + QLatin1Char('\t') + h.callees.join(QLatin1Char(',')));
    }
    m_cache.insert(oid, kind, coverage::joinFacts(out));
    return out;
}

QStringList ReleaseAnalyzer::subsystemsOfPath(const QString &path) const
{
    QStringList out;
    const int index = m_tree.indexByPath.value(path, -1);
    if (index < 0)
        return out;
    for (int s : m_fileSections.at(index)) {
        const QString &name = m_subsystemOfSection.at(s);
        if (!name.isEmpty() && !out.contains(name))
            out.append(name);
    }
    return out;
}

QString ReleaseAnalyzer::resolveInclude(const QString &target, const QString &includingFile) const
{
    const QString dir = includingFile.left(includingFile.lastIndexOf(QLatin1Char('/')) + 1);
    const QStringList candidates = {QString(QStringLiteral("include/") + target), QString(dir + target),
                                    QString(QStringLiteral("arch/x86/include/") + target)};
    for (const QString &candidate : candidates) {
        if (m_tree.indexByPath.contains(candidate))
            return candidate;
    }
    return {};
}

Status ReleaseAnalyzer::addItem(const QString &kind, const QString &name, const QString &path,
                                const QString &detail, const QStringList &subsystems)
{
    m_itemStmt->bind(1, m_release.id).bind(2, kind).bind(3, name).bind(4, path)
        .bind(5, detail.isNull() ? QStringLiteral("") : detail);
    KL_TRY(m_itemStmt->exec());
    const qint64 itemId = m_store.db().lastInsertRowId();
    for (const QString &s : subsystems) {
        m_itemSubsystemStmt->bind(1, itemId).bind(2, s);
        KL_TRY(m_itemSubsystemStmt->exec());
    }
    return Status::ok();
}

Status ReleaseAnalyzer::storeMaintainers(const QString &maintainersOid)
{
    Database &db = m_store.db();
    auto section = db.prepare(QStringLiteral(
        "INSERT INTO maint_sections(release_id, name, status, line, subsystem, second_language) VALUES(?,?,?,?,?,?)"));
    auto field = db.prepare(QStringLiteral(
        "INSERT INTO maint_fields(section_id, ord, type, value, line) VALUES(?,?,?,?,?)"));
    auto person = db.prepare(QStringLiteral(
        "INSERT INTO maint_people(section_id, role, name, email, identity_id) VALUES(?,?,?,?,?)"));
    if (!section || !field || !person)
        return !section ? section.status() : !field ? field.status() : person.status();
    const auto &sections = m_map.sections();
    m_sectionIds.clear();
    for (int i = 0; i < sections.size(); ++i) {
        const MaintainersSection &s = sections.at(i);
        const QString subsystem = m_subsystemOfSection.at(i).isEmpty() ? s.name : m_subsystemOfSection.at(i);
        section->bind(1, m_release.id).bind(2, s.name).bind(3, s.status().isNull() ? QStringLiteral("") : s.status()).bind(4, s.line).bind(5, subsystem)
            .bind(6, isSecondLanguageSection(s.name, m_options.languageTag) ? 1 : 0);
        KL_TRY(section->exec());
        const qint64 id = db.lastInsertRowId();
        m_sectionIds.append(id);
        for (int f = 0; f < s.fields.size(); ++f) {
            const auto &fv = s.fields.at(f);
            field->bind(1, id).bind(2, f).bind(3, QString(fv.type))
                .bind(4, fv.value.isEmpty() ? QStringLiteral("") : fv.value).bind(5, fv.line);
            KL_TRY(field->exec());
        }
        for (const MaintainersPerson &p : s.people()) {
            const QString personName = p.name.isEmpty() ? QStringLiteral("") : p.name;
            person->bind(1, id).bind(2, QString(p.role)).bind(3, personName)
                .bind(4, p.email.isEmpty() ? QStringLiteral("") : p.email);
            if (!p.email.isEmpty()) {
                auto identity = m_store.identity(p.name.isEmpty() ? p.email : p.name, p.email);
                if (!identity)
                    return identity.status();
                person->bind(5, *identity);
            } else {
                person->bindNull(5);
            }
            KL_TRY(person->exec());
        }
    }
    // Releases share MAINTAINERS blobs: its warnings are stored once per blob, under the first
    // release analysed that has it.
    auto warned = maintainersOid.isEmpty() || m_map.warnings().isEmpty()
                      ? Result<QVariant>(QVariant())
                      : m_store.db().scalar(QStringLiteral("SELECT 1 FROM parse_warnings WHERE source_id = ? AND kind = 'maintainers'"
                                                           " AND location LIKE ? LIMIT 1"),
                                            {m_sourceId, QStringLiteral("%:MAINTAINERS:% (blob %1)").arg(maintainersOid)});
    if (!warned)
        return warned.status();
    for (const MaintainersWarning &w : m_map.warnings()) {
        if (!warned->isNull())
            break;
        KL_TRY(m_store.addWarning(m_sourceId, QStringLiteral("maintainers"),
                                  QStringLiteral("%1:MAINTAINERS:%2 (blob %3)").arg(m_release.tag).arg(w.line).arg(maintainersOid),
                                  w.message));
    }

    // path -> sections
    QHash<QString, qint64> pathIds;
    {
        auto all = db.prepare(QStringLiteral("SELECT id, path FROM maint_paths"));
        if (!all)
            return all.status();
        for (;;) {
            auto row = all->step();
            if (!row)
                return row.status();
            if (!*row)
                break;
            pathIds.insert(all->text(1), all->int64(0));
        }
    }
    auto newPath = db.prepare(QStringLiteral("INSERT INTO maint_paths(path) VALUES(?)"));
    auto mapping = db.prepare(QStringLiteral(
        "INSERT OR IGNORE INTO maint_path_sections(release_id, path_id, section_id) VALUES(?,?,?)"));
    if (!newPath || !mapping)
        return !newPath ? newPath.status() : mapping.status();
    for (int i = 0; i < m_tree.files.size(); ++i) {
        const QString &path = m_tree.files.at(i).path;
        qint64 pathId = pathIds.value(path, 0);
        if (!pathId) {
            newPath->bind(1, path);
            KL_TRY(newPath->exec());
            pathId = db.lastInsertRowId();
        }
        for (int s : m_fileSections.at(i)) {
            mapping->bind(1, m_release.id).bind(2, pathId).bind(3, m_sectionIds.at(s));
            KL_TRY(mapping->exec());
        }
    }
    return Status::ok();
}

QStringList scanBlob(const QByteArray &bytes, const QString &kind)
{
    if (kind == QLatin1String("knf-definitions"))
        return coverage::scanKnfDefinitions(bytes);
    if (kind == QLatin1String("lua-bindings"))
        return coverage::luaBindingFacts(coverage::scanLuaBindings(bytes));
    if (kind == QLatin1String("exports"))
        return coverage::scanExports(bytes);
    if (kind == QLatin1String("bindings-refs"))
        return coverage::scanBindingsReferences(bytes);
    return {};
}

// Reads and scans the blobs whose facts are not cached yet on worker threads, each with its own
// repository handle (libgit2 handles are not shared across threads); the calling thread works
// too and reports progress.
Status ReleaseAnalyzer::prefetchFacts(const QList<QPair<int, QString>> &wanted)
{
    QList<QPair<int, QString>> jobs;
    for (const auto &w : wanted)
        if (!m_cache.contains(git::oidToString(m_tree.files.at(w.first).oid), w.second))
            jobs.append(w);
    if (jobs.isEmpty())
        return Status::ok();
    std::vector<QStringList> results(size_t(jobs.size()));
    std::vector<char> unread(size_t(jobs.size()), false);   // not cached: the blob may come later
    std::atomic<qsizetype> next{0};
    std::atomic<bool> stop{false};
    std::mutex errorMutex;
    Status firstError;
    auto work = [&](git_repository *repo, bool reporter) {
        for (;;) {
            const qsizetype i = next.fetch_add(1);
            if (i >= jobs.size() || stop.load())
                return;
            if (m_ctx.cancel.isCancelled()) {
                stop = true;
                return;
            }
            const TreeFile &file = m_tree.files.at(jobs.at(i).first);
            git_blob *raw = nullptr;
            const int rc = git_blob_lookup(&raw, repo, &file.oid);
            if (rc < 0) {
                const git_error *e = git_error_last();
                noteUnreadable(file, e && e->message ? QString::fromUtf8(e->message) : QStringLiteral("libgit2 error %1").arg(rc));
                unread[size_t(i)] = true;
                continue;
            }
            git::Blob blob(raw);
            const QByteArray bytes = QByteArray::fromRawData(static_cast<const char *>(git_blob_rawcontent(raw)),
                                                             qsizetype(git_blob_rawsize(raw)));
            results[size_t(i)] = scanBlob(bytes, jobs.at(i).second);
            if (reporter)
                m_ctx.report(QStringLiteral("%1: scanning blobs").arg(m_release.tag), i + 1, jobs.size(),
                             QStringLiteral("blobs"));
        }
    };
    const int helpers = std::clamp(QThread::idealThreadCount(), 1, 8) - 1;
    std::vector<git::Repository> repos;
    for (int t = 0; t < helpers; ++t) {
        auto r = git::openRepository(m_repoPath);
        if (!r)
            break; // fewer workers; the calling thread still does the work
        repos.push_back(std::move(*r));
    }
    std::vector<std::thread> threads;
    for (auto &r : repos)
        threads.emplace_back(work, r.get(), false);
    work(m_repo, true);
    for (auto &t : threads)
        t.join();
    if (m_ctx.cancel.isCancelled())
        return Status::cancelled();
    if (!firstError.isOk())
        return firstError;
    for (qsizetype i = 0; i < jobs.size(); ++i)
        if (!unread[size_t(i)])
            m_cache.insert(git::oidToString(m_tree.files.at(jobs.at(i).first).oid), jobs.at(i).second,
                       coverage::joinFacts(results[size_t(i)]));
    return Status::ok();
}

QString moduleName(const QString &path, const QString &languageSuffix)
{
    // rust/kernel/net/phy/reg.rs -> kernel::net::phy::reg; rust/kernel/lib.rs -> kernel
    QString rel = path.mid(QStringLiteral("rust/").size());
    rel.chop(languageSuffix.size());
    QStringList parts = rel.split(QLatin1Char('/'));
    if (parts.size() > 1 && (parts.last() == QLatin1String("lib") || parts.last() == QLatin1String("mod")))
        parts.removeLast();
    return parts.join(QStringLiteral("::"));
}

// The Linux binding model: bound headers, helpers, abstraction modules, bindings:: references,
// exported C symbols and second-language drivers (docs/coverage.md).
Status ReleaseAnalyzer::linuxInventory(const QString &where, bool &hasSecondLanguage)
{
    const int fileCount = int(m_tree.files.size());
    const QString &tag = m_options.languageTag;
    const bool hasCoreSection = m_map.sectionIndex(tag) >= 0;
    // Exported symbols of every C file; bindings:: references of every second-language file.
    {
        QList<QPair<int, QString>> wanted;
        for (int i = 0; i < fileCount; ++i) {
            const QString &p = m_tree.files.at(i).path;
            if (p.endsWith(QLatin1String(".c")))
                wanted.append({i, QStringLiteral("exports")});
            else if (p.endsWith(m_options.languageSuffix))
                wanted.append({i, QStringLiteral("bindings-refs")});
        }
        KL_TRY(prefetchFacts(wanted));
    }
    const QString languageDir = m_options.languageDirectory;
    hasSecondLanguage = m_tree.directories.contains(languageDir.chopped(1));
    QHash<QString, QStringList> subsystemsOfSymbol;
    QHash<QString, int> exportingFiles;
    QSet<QString> referencedSymbols;
    QHash<QString, QStringList> referencesOfFile;
    QList<int> secondLanguageFiles;
    for (int i = 0; i < fileCount; ++i) {
        if (m_ctx.cancel.isCancelled())
            return Status::cancelled();
        const TreeFile &file = m_tree.files.at(i);
        m_ctx.report(QStringLiteral("%1: binding inventory").arg(where), i + 1, fileCount, QStringLiteral("files"));
        if (file.path.endsWith(QLatin1String(".c"))) {
            auto exports = facts(file, QStringLiteral("exports"));
            if (!exports)
                return exports.status();
            if (exports->isEmpty())
                continue;
            const QStringList owners = subsystemsOfPath(file.path);
            for (const QString &symbol : std::as_const(*exports)) {
                KL_TRY(addItem(QStringLiteral("export"), symbol, file.path, {}, owners));
                exportingFiles[symbol] += 1;
                QStringList &known = subsystemsOfSymbol[symbol];
                for (const QString &o : owners)
                    if (!known.contains(o))
                        known.append(o);
            }
        } else if (file.path.endsWith(m_options.languageSuffix)) {
            secondLanguageFiles.append(i);
            auto refs = facts(file, QStringLiteral("bindings-refs"));
            if (!refs)
                return refs.status();
            referencesOfFile.insert(file.path, *refs);
            for (const QString &r : std::as_const(*refs)) {
                referencedSymbols.insert(r);
                KL_TRY(addItem(QStringLiteral("binding-ref"), r, file.path, {}, {}));
            }
        } else if (file.path.startsWith(QLatin1String("include/")) && file.path.endsWith(QLatin1String(".h"))) {
            KL_TRY(addItem(QStringLiteral("public-header"), file.path, file.path, {}, subsystemsOfPath(file.path)));
        }
    }

    // Headers reachable through the bindings and uapi helper headers.
    m_ctx.report(QStringLiteral("%1: headers, helpers, modules").arg(where), 0, -1, {}, true);
    const QList<QPair<QString, QString>> bindingHeaders = {
        {languageDir + QStringLiteral("bindings/bindings_helper.h"), QStringLiteral("bound-header")},
        {languageDir + QStringLiteral("uapi/uapi_helper.h"), QStringLiteral("uapi-header")}};
    for (const auto &[helperPath, kind] : bindingHeaders) {
        const int index = m_tree.indexByPath.value(helperPath, -1);
        if (index < 0)
            continue;
        auto includes = facts(m_tree.files.at(index), QStringLiteral("includes"));
        if (!includes)
            return includes.status();
        for (const QString &target : std::as_const(*includes)) {
            const QString resolved = resolveInclude(target, helperPath);
            KL_TRY(addItem(kind, resolved.isEmpty() ? target : resolved, helperPath,
                           resolved.isEmpty() ? QStringLiteral("unresolved") : QString(),
                           resolved.isEmpty() ? QStringList() : subsystemsOfPath(resolved)));
        }
    }

    // Helpers: each rust_helper_NAME is attributed to the subsystem of the first callee that
    // resolves: an exported symbol's file, else an included header that defines it.
    QList<int> helperFiles;
    for (int i = 0; i < fileCount; ++i) {
        const QString &p = m_tree.files.at(i).path;
        if ((p.startsWith(languageDir + QStringLiteral("helpers/")) && p.endsWith(QLatin1String(".c"))
             && p.count(QLatin1Char('/')) == 2)
            || p == languageDir + QStringLiteral("helpers.c"))
            helperFiles.append(i);
    }
    for (int index : std::as_const(helperFiles)) {
        const TreeFile &file = m_tree.files.at(index);
        auto helpers = facts(file, QStringLiteral("helpers"));
        if (!helpers)
            return helpers.status();
        if (helpers->isEmpty())
            continue;
        auto includes = facts(file, QStringLiteral("includes"));
        if (!includes)
            return includes.status();
        QList<QPair<QString, QString>> headerTexts; // path, text
        for (const QString &target : std::as_const(*includes)) {
            const QString resolved = resolveInclude(target, file.path);
            if (resolved.isEmpty() || !resolved.endsWith(QLatin1String(".h")))
                continue;
            auto bytes = readBlob(m_tree.files.at(m_tree.indexByPath.value(resolved)).oid, resolved);
            if (!bytes)
                return bytes.status();
            headerTexts.append({resolved, QString::fromUtf8(*bytes)});
        }
        for (const QString &line : std::as_const(*helpers)) {
            const QString name = line.section(QLatin1Char('\t'), 0, 0);
            const QStringList callees = line.section(QLatin1Char('\t'), 1).split(QLatin1Char(','), Qt::SkipEmptyParts);
            QStringList owners;
            QString rule;
            for (const QString &callee : callees) {
                if (subsystemsOfSymbol.contains(callee)) {
                    owners = subsystemsOfSymbol.value(callee);
                    rule = QStringLiteral("exported:") + callee;
                    break;
                }
                const QString escaped = QRegularExpression::escape(callee);
                const QRegularExpression definition(
                    QStringLiteral("(#\\s*define\\s+%1\\s*\\(|\\binline\\b[^;{}]*\\b%1\\s*\\()").arg(escaped));
                const QRegularExpression mention(QStringLiteral("\\b%1\\s*\\(").arg(escaped));
                for (const QRegularExpression *re : {&definition, &mention}) {
                    for (const auto &[hpath, htext] : std::as_const(headerTexts)) {
                        if (re->match(htext).hasMatch()) {
                            owners = subsystemsOfPath(hpath);
                            rule = QStringLiteral("header:") + hpath;
                            break;
                        }
                    }
                    if (!rule.isEmpty())
                        break;
                }
                if (!rule.isEmpty())
                    break;
            }
            // Callees count as referenced from the second language (a helper exists to call them).
            for (const QString &callee : callees)
                KL_TRY(addItem(QStringLiteral("helper-callee"), callee, file.path, name, {}));
            KL_TRY(addItem(QStringLiteral("helper"), name, file.path,
                           callees.join(QLatin1Char(',')) + (rule.isEmpty() ? QString() : QStringLiteral(" [") + rule + QLatin1Char(']')),
                           owners));
        }
    }

    // Abstraction modules and second-language users outside the language directory.
    for (int index : std::as_const(secondLanguageFiles)) {
        const QString &path = m_tree.files.at(index).path;
        if (path.startsWith(languageDir + QStringLiteral("kernel/"))) {
            QStringList owners;
            for (const QString &s : subsystemsOfPath(path))
                if (s != tag)
                    owners.append(s);
            QString rule = QStringLiteral("maintainers");
            if (owners.isEmpty()) {
                // The C subsystem whose exported API the module calls most: symbols exported by
                // one file only (not the per-architecture copies of memcpy & co.), and a strict
                // winner, else the module stays with the language's own section.
                QHash<QString, int> votes;
                for (const QString &r : referencesOfFile.value(path)) {
                    if (exportingFiles.value(r) != 1)
                        continue;
                    for (const QString &s : subsystemsOfSymbol.value(r))
                        if (s != tag)
                            votes[s] += 1;
                }
                int best = 0, bestCount = 0;
                QString winner;
                for (auto it = votes.constBegin(); it != votes.constEnd(); ++it) {
                    if (it.value() > best) {
                        best = it.value();
                        bestCount = 1;
                        winner = it.key();
                    } else if (it.value() == best) {
                        ++bestCount;
                    }
                }
                if (bestCount == 1)
                    owners.append(winner);
                rule = owners.isEmpty() ? QStringLiteral("language") : QStringLiteral("calls");
                if (owners.isEmpty() && hasCoreSection)
                    owners.append(tag);
            }
            KL_TRY(addItem(QStringLiteral("module"), moduleName(path, m_options.languageSuffix), path, rule, owners));
        } else if (!path.startsWith(languageDir) && !path.startsWith(QLatin1String("samples/"))
                   && !path.startsWith(QLatin1String("scripts/"))) {
            KL_TRY(addItem(QStringLiteral("driver"), path, path, {}, subsystemsOfPath(path)));
        }
    }

    return Status::ok();
}

// The in-kernel scripting model (NetBSD Lua; docs/coverage.md): kernel functions defined in C
// files outside the Lua code are the "exports"; every function a Lua binding module registers
// is a "helper" attributed to the subsystem defining the first kernel function it wraps (else
// to the binding file's own subsystem), its wrapped functions "helper-callee"s; each registered
// Lua module is a "module" of its functions' subsystems, and each shipped .lua script a
// "driver" of its directory's subsystem.
Status ReleaseAnalyzer::scriptingInventory(const TreeListing &tree, bool &hasSecondLanguage)
{
    const int fileCount = int(tree.files.size());
    QList<QPair<int, QString>> wanted;
    for (int i = 0; i < fileCount; ++i) {
        const QString &p = tree.files.at(i).path;
        if (coverage::isLuaBindingCandidate(p))
            wanted.append({i, QStringLiteral("lua-bindings")});
        else if (p.endsWith(QLatin1String(".c")) && !coverage::isLuaInterpreterPath(p))
            wanted.append({i, QStringLiteral("knf-definitions")});
    }
    KL_TRY(prefetchFacts(wanted));
    QHash<QString, QString> definingFile;   // kernel function -> first file defining it
    QList<QPair<int, coverage::LuaBindings>> bindingFiles;
    for (const auto &[index, kind] : std::as_const(wanted)) {
        if (m_ctx.cancel.isCancelled())
            return Status::cancelled();
        const TreeFile &file = tree.files.at(index);
        auto found = facts(file, kind);
        if (!found)
            return found.status();
        if (kind == QLatin1String("lua-bindings")) {
            coverage::LuaBindings b = coverage::luaBindingsFromFacts(*found);
            if (!b.functions.isEmpty() || !b.modules.isEmpty())
                bindingFiles.append({index, b});
            continue;
        }
        const QStringList owners = subsystemsOfPath(file.path);
        for (const QString &name : std::as_const(*found)) {
            definingFile.insert(name, file.path);
            KL_TRY(addItem(QStringLiteral("export"), name, file.path, {}, owners));
        }
    }
    hasSecondLanguage = !bindingFiles.isEmpty();
    for (const auto &[index, bindings] : std::as_const(bindingFiles)) {
        const QString &path = tree.files.at(index).path;
        const QString module = bindings.modules.isEmpty() ? QString() : bindings.modules.constFirst();
        QStringList moduleOwners;
        for (const coverage::LuaFunction &f : bindings.functions) {
            QString wrapped;
            for (const QString &callee : f.callees) {
                KL_TRY(addItem(QStringLiteral("helper-callee"), callee, path, f.luaName, {}));
                if (wrapped.isEmpty() && definingFile.contains(callee))
                    wrapped = callee;
            }
            const QStringList owners = wrapped.isEmpty() ? subsystemsOfPath(path) : subsystemsOfPath(definingFile.value(wrapped));
            const QString detail = wrapped.isEmpty()
                                       ? QStringLiteral("%1; wraps no kernel function found in the tree; attributed by its file").arg(f.cFunction)
                                       : QStringLiteral("%1 wraps %2 (%3)").arg(f.cFunction, wrapped, definingFile.value(wrapped));
            const QString name = module.isEmpty() ? f.luaName : module + QLatin1Char('.') + f.luaName;
            KL_TRY(addItem(QStringLiteral("helper"), name, path, detail, owners));
            for (const QString &o : owners)
                if (!moduleOwners.contains(o))
                    moduleOwners.append(o);
        }
        for (const QString &m : bindings.modules)
            KL_TRY(addItem(QStringLiteral("module"), m, path, QStringLiteral("%1 functions").arg(bindings.functions.size()),
                           moduleOwners.isEmpty() ? subsystemsOfPath(path) : moduleOwners));
    }
    for (int i = 0; i < fileCount; ++i)
        if (coverage::isLuaScript(tree.files.at(i).path))
            KL_TRY(addItem(QStringLiteral("driver"), tree.files.at(i).path, tree.files.at(i).path, {},
                           subsystemsOfPath(tree.files.at(i).path)));
    return Status::ok();
}

// The subsystem scheme of the source (setting subsystem_scheme): the scheme actually used is
// stored (subsystem_scheme_used), and a fallback is a counted warning naming the release.
Status ReleaseAnalyzer::chooseMap(const std::optional<QByteArray> &maintainers)
{
    auto scheme = parseSubsystemScheme(m_options.subsystemScheme);
    if (!scheme)
        return scheme.status();
    QStringList paths;
    paths.reserve(m_tree.files.size());
    for (const auto &f : std::as_const(m_tree.files))
        paths.append(f.path);
    m_choice = chooseSubsystems(*scheme, maintainers, m_tree.directories, paths, m_options.directoryDepth);
    m_map = std::move(m_choice.map);
    m_choice.map = SubsystemMap();
    QString used = m_choice.used;
    if (!m_choice.warning.isEmpty()) {
        KL_TRY(m_store.addWarning(m_sourceId, QStringLiteral("subsystem-scheme"), m_release.tag, m_choice.warning));
        used += QStringLiteral(" (asked: %1)").arg(schemeName(*scheme));
    }
    return m_store.setSetting(m_sourceId, setting::subsystemSchemeUsed(), used);
}

Status ReleaseAnalyzer::run(const ReleaseRow &release)
{
    QElapsedTimer timer;
    timer.start();
    m_release = release;
    m_unreadable.clear();
    m_unreadablePaths.clear();
    const qint64 scannedBefore = m_cache.scanned;
    const qint64 reusedBefore = m_cache.reused;
    const QString where = release.tag;

    git_oid treeOid;
    if (git_oid_fromstr(&treeOid, release.treeOid.toLatin1().constData()) < 0)
        return Status::error(QStringLiteral("%1: bad tree oid '%2'").arg(where, release.treeOid));
    git_tree *rawTree = nullptr;
    if (int rc = git_tree_lookup(&rawTree, m_repo, &treeOid); rc < 0)
        return git::error(QStringLiteral("%1: looking up tree %2").arg(where, release.treeOid), rc);
    git::Tree tree(rawTree);
    m_ctx.report(QStringLiteral("%1: listing tree").arg(where), 0, -1, {}, true);
    WalkPayload payload{&m_tree};
    if (int rc = git_tree_walk(rawTree, GIT_TREEWALK_PRE, walkCallback, &payload); rc < 0)
        return git::error(QStringLiteral("%1: walking tree %2").arg(where, release.treeOid), rc);

    // Subsystems.
    m_ctx.report(QStringLiteral("%1: parsing MAINTAINERS").arg(where), 0, -1, {}, true);
    QString maintainersOid;
    std::optional<QByteArray> maintainersText;
    const int maintainersIndex = m_tree.indexByPath.value(QStringLiteral("MAINTAINERS"), -1);
    if (maintainersIndex >= 0) {
        maintainersOid = git::oidToString(m_tree.files.at(maintainersIndex).oid);
        auto text = readBlob(m_tree.files.at(maintainersIndex).oid, QStringLiteral("MAINTAINERS"));
        if (text) {
            maintainersText = *text;
        } else {
            noteUnreadable(m_tree.files.at(maintainersIndex), text.status().message());
            maintainersOid.clear();   // subsystems are then directories, as without MAINTAINERS
        }
    }
    const bool maintainersUnreadable = maintainersIndex >= 0 && maintainersOid.isEmpty();
    KL_TRY(chooseMap(maintainersText));
    if (!m_choice.fromMaintainers)
        maintainersOid.clear();   // maint_releases: a directory-based release has no MAINTAINERS blob
    const int fileCount = int(m_tree.files.size());
    m_fileSections.resize(fileCount);
    for (int i = 0; i < fileCount; ++i) {
        if (m_ctx.cancel.isCancelled())
            return Status::cancelled();
        m_fileSections[i] = m_map.sectionIndexesFor(m_tree.files.at(i).path);
        m_ctx.report(QStringLiteral("%1: mapping paths to subsystems").arg(where), i + 1, fileCount,
                     QStringLiteral("files"));
    }

    // Roll-up: [RUST] sections into their C parent, the language's own sections into it.
    const auto &sections = m_map.sections();
    const QString &tag = m_options.languageTag;
    QHash<int, QHash<QString, int>> coOwners;
    for (int s = 0; s < sections.size(); ++s)
        if (isSecondLanguageSection(sections.at(s).name, tag))
            coOwners.insert(s, {});
    if (!coOwners.isEmpty()) {
        for (const QList<int> &owners : std::as_const(m_fileSections)) {
            for (int s : owners) {
                auto it = coOwners.find(s);
                if (it == coOwners.end())
                    continue;
                for (int other : owners)
                    if (other != s)
                        (*it)[sections.at(other).name] += 1;
            }
        }
    }
    m_subsystemOfSection.clear();
    const bool hasCoreSection = m_map.sectionIndex(tag) >= 0;
    for (int s = 0; s < sections.size(); ++s) {
        const QString &name = sections.at(s).name;
        QString subsystem = name;
        if (name == QLatin1String("THE REST"))
            subsystem.clear(); // the catch-all would absorb every figure
        else if (isSecondLanguageSection(name, tag)) {
            const QString parent = rollUpParent(name, m_map, coOwners.value(s), tag);
            if (!parent.isEmpty())
                subsystem = parent;
        } else if (isLanguageCoreSection(name, tag) && hasCoreSection) {
            subsystem = tag;
        }
        m_subsystemOfSection.append(subsystem);
    }

    Database &db = m_store.db();
    Transaction txn(db);
    KL_TRY(txn.status());
    m_ctx.report(QStringLiteral("%1: storing sections and path map").arg(where), 0, -1, {}, true);
    KL_TRY(storeMaintainers(maintainersOid).withContext(where));

    auto itemStmt = db.prepare(QStringLiteral(
        "INSERT INTO cov_items(release_id, kind, name, path, detail) VALUES(?,?,?,?,?)"));
    auto itemSubsystemStmt = db.prepare(QStringLiteral(
        "INSERT OR IGNORE INTO cov_item_subsystems(item_id, subsystem) VALUES(?,?)"));
    if (!itemStmt || !itemSubsystemStmt)
        return !itemStmt ? itemStmt.status() : itemSubsystemStmt.status();
    m_itemStmt = std::move(*itemStmt);
    m_itemSubsystemStmt = std::move(*itemSubsystemStmt);

    bool hasSecondLanguage = false;
    if (m_options.bindingModel == QLatin1String("scripting"))
        KL_TRY(scriptingInventory(m_tree, hasSecondLanguage));
    else
        KL_TRY(linuxInventory(where, hasSecondLanguage));

    m_ctx.report(QStringLiteral("%1: committing").arg(where), 0, -1, {}, true);
    KL_TRY(m_cache.flush(db));
    auto done = db.prepare(QStringLiteral(
        "INSERT OR REPLACE INTO maint_releases(release_id, source_id, maintainers_blob, directory_depth, sections, "
        "files, has_second_language, blobs_scanned, blobs_reused, elapsed_ms, analysed_at, incomplete)"
        " VALUES(?,?,?,?,?,?,?,?,?,?,?,?)"));
    if (!done)
        return done.status();
    done->bind(1, release.id).bind(2, m_sourceId);
    if (maintainersOid.isEmpty())
        done->bindNull(3).bind(4, m_map.directoryDepth());
    else
        done->bind(3, maintainersOid).bindNull(4);
    done->bind(5, int(sections.size())).bind(6, fileCount).bind(7, hasSecondLanguage ? 1 : 0)
        .bind(8, m_cache.scanned - scannedBefore).bind(9, m_cache.reused - reusedBefore)
        .bind(10, timer.elapsed()).bind(11, QDateTime::currentSecsSinceEpoch());
    const QString incomplete = incompleteFigures(maintainersUnreadable);
    if (incomplete.isEmpty()) {
        done->bindNull(12);
    } else {
        done->bind(12, incomplete);
        KL_TRY(m_store.addWarning(m_sourceId, QStringLiteral("missing-object"), where + QStringLiteral(": release inventory"),
                                  incomplete + QStringLiteral("; first: ") + m_unreadable.constFirst()));
    }
    KL_TRY(done->exec());
    m_itemStmt.reset();
    m_itemSubsystemStmt.reset();
    return txn.commit();
}

} // namespace

Status analyzeReleaseTrees(Store &store, qint64 gitSourceId, const QString &repositoryPath, const JobContext &ctx)
{
    return analyzeReleaseTrees(store, gitSourceId, repositoryPath, ctx, ReleaseInventoryOptions());
}

Status analyzeReleaseTrees(Store &store, qint64 gitSourceId, const QString &repositoryPath, const JobContext &ctx,
                           const ReleaseInventoryOptions &options)
{
    Database &db = store.db();
    QList<ReleaseRow> pending;
    {
        auto stmt = db.prepare(QStringLiteral(
            "SELECT r.id, r.tag, r.tree_oid FROM releases r WHERE r.source_id = ? "
            "AND NOT EXISTS (SELECT 1 FROM maint_releases m WHERE m.release_id = r.id) ORDER BY r.ordinal, r.id"));
        if (!stmt)
            return stmt.status();
        stmt->bind(1, gitSourceId);
        for (;;) {
            auto row = stmt->step();
            if (!row)
                return row.status();
            if (!*row)
                break;
            pending.append({stmt->int64(0), stmt->text(1), stmt->text(2)});
        }
    }
    if (pending.isEmpty())
        return Status::ok();

    git::ensureInitialized();
    auto repo = git::openRepository(repositoryPath);
    if (!repo)
        return repo.status();
    BlobFactCache cache;
    KL_TRY(cache.load(db));
    for (const ReleaseRow &release : std::as_const(pending)) {
        if (ctx.cancel.isCancelled())
            return Status::cancelled();
        cache.startRelease();
        ReleaseAnalyzer analyzer(store, repo->get(), repositoryPath, gitSourceId, options, cache, ctx);
        const Status status = analyzer.run(release);
        if (!status) {
            cache.discardPending();
            return status.isCancelled() ? status : status.withContext(repositoryPath);
        }
    }
    return Status::ok();
}

namespace {

// The first "*.ext" pattern of the language's definition line ("Rust: *.rs" -> ".rs").
QString languageSuffix(const QString &definitions, const QString &language)
{
    for (const QString &line : definitions.split(QLatin1Char('\n'))) {
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        if (colon < 0 || line.left(colon).trimmed() != language)
            continue;
        for (const QString &pattern : line.mid(colon + 1).split(QLatin1Char(' '), Qt::SkipEmptyParts))
            if (pattern.startsWith(QLatin1String("*.")) && !pattern.mid(1).contains(QLatin1Char('*')))
                return pattern.mid(1);
    }
    return {};
}

} // namespace

Result<ReleaseInventoryOptions> inventoryOptions(Store &store, qint64 gitSourceId)
{
    auto settings = effectiveSettings(store, gitSourceId);
    if (!settings)
        return settings.status();
    ReleaseInventoryOptions options;
    options.subsystemScheme = settings->value(setting::subsystemScheme());
    options.bindingModel = settings->value(setting::bindingModel());
    const QString language = settings->value(setting::secondLanguage());
    if (language != QLatin1String("Rust")) {
        auto definitions = store.db().scalar(QStringLiteral("SELECT languages FROM git_settings WHERE source_id = ?"), {gitSourceId});
        if (!definitions)
            return definitions.status();
        options.languageTag = language.toUpper();
        const QString suffix = languageSuffix(definitions->toString(), language);
        options.languageSuffix = suffix.isEmpty() ? QStringLiteral(".") + language.toLower() : suffix;
        options.languageDirectory = language.toLower() + QLatin1Char('/');
    }
    return options;
}

QString inventorySettingsKey(const ReleaseInventoryOptions &o)
{
    return QStringList{o.subsystemScheme, o.bindingModel, o.languageTag, o.languageSuffix, o.languageDirectory,
                       QString::number(o.directoryDepth)}.join(QLatin1Char('|'));
}

Status forgetReleaseTrees(Store &store, qint64 gitSourceId)
{
    Database &db = store.db();
    Transaction txn(db);
    KL_TRY(txn.status());
    const QString releases = QStringLiteral("(SELECT id FROM releases WHERE source_id = ?)");
    for (const QString &table : {QStringLiteral("cov_items"), QStringLiteral("maint_path_sections"),
                                 QStringLiteral("maint_sections"), QStringLiteral("maint_releases")}) {
        auto stmt = db.prepare(QStringLiteral("DELETE FROM %1 WHERE release_id IN %2").arg(table, releases));
        if (!stmt)
            return stmt.status();
        stmt->bind(1, gitSourceId);
        KL_TRY(stmt->exec());
    }
    return txn.commit();
}

} // namespace kl::ingest
