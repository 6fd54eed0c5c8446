// analyzeBindingCrate (kernellens/ingest/binding_crate.h): the crate inventory per commit and at
// the latest commit, measured against the C tree's latest commit.
#include <kernellens/ingest/binding_crate.h>
#include <kernellens/ingest/subsystems.h>
#include <kernellens/index/store.h>

#include "binding_crate.h"
#include "binding_scan.h"
#include "common/git_handles.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QSet>

#include <optional>

namespace kl::ingest {

namespace {

struct TreeFile
{
    QString path;
    git_oid oid;
};

struct WalkPayload
{
    QList<TreeFile> files;
    QSet<QString> directories;
};

int collectFile(const char *root, const git_tree_entry *entry, void *payload)
{
    auto *p = static_cast<WalkPayload *>(payload);
    const QString path = QString::fromUtf8(root) + QString::fromUtf8(git_tree_entry_name(entry));
    if (git_tree_entry_type(entry) == GIT_OBJECT_TREE)
        p->directories.insert(path);
    else if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB)
        p->files.append({path, *git_tree_entry_id(entry)});
    return 0;
}

Result<WalkPayload> walkCommitTree(git_repository *repo, const git_commit *commit, const QString &where)
{
    git_tree *rawTree = nullptr;
    if (int rc = git_commit_tree(&rawTree, commit); rc < 0)
        return git::error(QStringLiteral("%1: reading the tree").arg(where), rc);
    git::Tree tree(rawTree);
    WalkPayload payload;
    if (int rc = git_tree_walk(rawTree, GIT_TREEWALK_PRE, collectFile, &payload); rc < 0)
        return git::error(QStringLiteral("%1: walking the tree").arg(where), rc);
    Q_UNUSED(repo);
    return payload;
}

Result<QByteArray> readBlob(git_repository *repo, const git_oid &oid, const QString &path)
{
    git_blob *raw = nullptr;
    if (int rc = git_blob_lookup(&raw, repo, &oid); rc < 0)
        return git::error(QStringLiteral("reading %1").arg(path), rc);
    git::Blob blob(raw);
    return QByteArray(static_cast<const char *>(git_blob_rawcontent(raw)), qsizetype(git_blob_rawsize(raw)));
}

Result<git::Commit> headCommit(git_repository *repo, const QString &location)
{
    git_oid oid;
    if (int rc = git_reference_name_to_id(&oid, repo, "HEAD"); rc < 0)
        return git::error(QStringLiteral("%1: resolving HEAD").arg(location), rc);
    git_commit *raw = nullptr;
    if (int rc = git_commit_lookup(&raw, repo, &oid); rc < 0)
        return git::error(QStringLiteral("%1: reading HEAD").arg(location), rc);
    return git::Commit(raw);
}

// The C tree at its latest commit: files, subsystem map, and the functions its headers declare
// (with the headers they include, transitively, as far as the tree has them).
class CTree
{
public:
    Status open(const QString &location, const JobContext &ctx)
    {
        auto repo = git::openRepository(location);
        if (!repo)
            return repo.status();
        m_repo = std::move(*repo);
        m_location = location;
        auto head = headCommit(m_repo.get(), location);
        if (!head)
            return head.status();
        m_oid = git::oidToString(*git_commit_id(head->get()));
        auto walked = walkCommitTree(m_repo.get(), head->get(), location);
        if (!walked)
            return walked.status();
        for (const TreeFile &f : std::as_const(walked->files)) {
            m_files.insert(f.path, f.oid);
            m_paths.insert(f.path);
        }
        ctx.report(QStringLiteral("%1: subsystems").arg(location), 0, -1, {}, true);
        const auto maintainers = m_files.constFind(QStringLiteral("MAINTAINERS"));
        if (maintainers != m_files.constEnd()) {
            auto text = readBlob(m_repo.get(), *maintainers, QStringLiteral("MAINTAINERS"));
            if (!text)
                return text.status();
            if (auto freebsd = SubsystemMap::fromFreeBsdMaintainers(*text, walked->directories)) {
                m_map = std::move(*freebsd);
                m_scheme = QStringLiteral("freebsd");
            } else {
                m_map = SubsystemMap::fromMaintainers(*text, walked->directories);
                m_scheme = m_map.sections().isEmpty() ? QStringLiteral("dirs") : QStringLiteral("linux");
            }
        }
        return Status::ok();
    }

    QString oid() const { return m_oid; }
    QString location() const { return m_location; }
    QString scheme() const { return m_scheme; }
    QString resolve(const QString &include) const { return coverage::resolveKernelHeader(include, m_paths); }

    // MAINTAINERS sections of a path, else its directory ("sys/sys").
    QString subsystemOf(const QString &path) const
    {
        if (path.isEmpty())
            return {};
        const QStringList sections = m_map.sectionsFor(path);
        if (!sections.isEmpty())
            return sections.join(QStringLiteral(", "));
        const int slash = int(path.lastIndexOf(QLatin1Char('/')));
        return slash < 0 ? QStringLiteral("(top)") : path.left(slash);
    }

    // Function -> declaring header, for a header and what it includes (first declaration wins).
    void collectFunctions(const QString &header, QHash<QString, QString> *out, QSet<QString> *seen)
    {
        if (header.isEmpty() || seen->contains(header))
            return;
        seen->insert(header);
        // A copy: the recursion below inserts into m_facts, which may move its elements.
        const Facts facts = factsOf(header);
        for (const QString &fn : facts.functions)
            if (!out->contains(fn))
                out->insert(fn, header);
        for (const QString &inc : facts.includes)
            collectFunctions(resolve(inc), out, seen);
    }

private:
    struct Facts
    {
        QStringList functions;
        QStringList includes;
    };
    const Facts &factsOf(const QString &path)
    {
        auto it = m_facts.find(path);
        if (it != m_facts.end())
            return *it;
        Facts facts;
        const auto file = m_files.constFind(path);
        if (file != m_files.constEnd()) {
            if (auto text = readBlob(m_repo.get(), *file, path)) {
                facts.functions = coverage::scanDeclaredFunctions(*text);
                facts.includes = coverage::scanIncludes(*text);
            }
        }
        return *m_facts.insert(path, facts);
    }

    git::Repository m_repo;
    QString m_location;
    QString m_oid;
    QString m_scheme = QStringLiteral("dirs");
    QHash<QString, git_oid> m_files;
    QSet<QString> m_paths;
    SubsystemMap m_map;
    QHash<QString, Facts> m_facts;
};

struct BindingsFacts
{
    QList<coverage::BoundInclude> includes;
    QHash<QString, QString> wrappers;        // fn_mtx_lock -> mtx_lock
    QHash<QString, QString> functions;       // declared function -> header path
};

struct RustFacts
{
    QStringList references;
    QStringList publicItems;
};

struct CommitFigures
{
    QString oid;
    qint64 time = 0;
    int boundHeaders = 0, conditionalHeaders = 0, references = 0, referencedFunctions = 0;
    int modules = 0, drivers = 0;
    QSet<QString> apiItems;
};

// The crate directory: the one holding src/lib.rs ("kpi").
QString crateDirectory(const QList<TreeFile> &files)
{
    for (const TreeFile &f : files)
        if (f.path.endsWith(QLatin1String("/src/lib.rs")) && f.path.count(QLatin1Char('/')) == 2)
            return f.path.section(QLatin1Char('/'), 0, 0);
    return {};
}

// The store's text columns are NOT NULL; a null QString would bind NULL.
QString text(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

// Where a kernel header would be in a FreeBSD tree: <machine/x.h> under amd64's include/.
QString expectedKernelPath(const QString &include)
{
    if (include.startsWith(QLatin1String("machine/")))
        return QStringLiteral("sys/amd64/include/") + include.mid(8);
    return QStringLiteral("sys/") + include;
}

bool isGeneratedBindings(const QString &path)
{
    return path.endsWith(QLatin1String("_bindings.rs"));
}

class CrateAnalyzer
{
public:
    CrateAnalyzer(Store &store, qint64 sourceId, CTree &tree, const JobContext &ctx)
        : m_store(store), m_sourceId(sourceId), m_tree(tree), m_ctx(ctx) {}

    Status run(const QString &location)
    {
        auto repo = git::openRepository(location);
        if (!repo)
            return repo.status();
        m_repo = std::move(*repo);
        auto head = headCommit(m_repo.get(), location);
        if (!head)
            return head.status();
        m_timer.start();
        m_headOid = git::oidToString(*git_commit_id(head->get()));
        KL_TRY(checkBindingsHeader(head->get(), location));
        KL_TRY(walkHistory(location));
        return store();
    }

private:
    Status checkBindingsHeader(const git_commit *head, const QString &location)
    {
        git_tree *rawTree = nullptr;
        if (int rc = git_commit_tree(&rawTree, head); rc < 0)
            return git::error(QStringLiteral("%1: reading the tree").arg(location), rc);
        git::Tree tree(rawTree);
        if (!git_tree_entry_byname(rawTree, "bindings.h"))
            return Status::error(QStringLiteral(
                "%1 is not a binding crate: its latest commit %2 has no bindings.h at the root (the crate "
                "binding model looks for bindings.h, the C header bindgen reads, whose #include lines name "
                "the bound headers)").arg(location, m_headOid.left(12)));
        return Status::ok();
    }

    Status walkHistory(const QString &location)
    {
        git_revwalk *rawWalk = nullptr;
        if (int rc = git_revwalk_new(&rawWalk, m_repo.get()); rc < 0)
            return git::error(QStringLiteral("%1: history").arg(location), rc);
        git::Revwalk walk(rawWalk);
        git_revwalk_sorting(rawWalk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
        git_revwalk_simplify_first_parent(rawWalk);
        if (int rc = git_revwalk_push_head(rawWalk); rc < 0)
            return git::error(QStringLiteral("%1: history").arg(location), rc);
        git_oid oid;
        while (git_revwalk_next(&oid, rawWalk) == 0) {
            if (m_ctx.cancel.isCancelled())
                return Status::cancelled();
            git_commit *raw = nullptr;
            if (int rc = git_commit_lookup(&raw, m_repo.get(), &oid); rc < 0)
                return git::error(QStringLiteral("%1: commit %2").arg(location, git::oidToString(oid)), rc);
            git::Commit commit(raw);
            auto figures = analyseCommit(raw, location);
            if (!figures)
                return figures.status();
            m_commits.append(std::move(*figures));
            m_ctx.report(QStringLiteral("%1: crate history").arg(location), m_commits.size(), -1, QStringLiteral("commits"));
        }
        return Status::ok();
    }

    const BindingsFacts &bindingsFacts(const git_oid &oid)
    {
        const QString key = git::oidToString(oid);
        auto it = m_bindings.find(key);
        if (it != m_bindings.end())
            return *it;
        BindingsFacts facts;
        if (auto text = readBlob(m_repo.get(), oid, QStringLiteral("bindings.h"))) {
            facts.includes = coverage::scanBoundIncludes(*text);
            facts.wrappers = coverage::scanWrappers(*text);
            QSet<QString> seen;
            for (const auto &inc : std::as_const(facts.includes))
                if (!inc.generated)
                    m_tree.collectFunctions(m_tree.resolve(inc.header), &facts.functions, &seen);
        }
        return *m_bindings.insert(key, facts);
    }

    const RustFacts &rustFacts(const git_oid &oid, const QString &path)
    {
        const QString key = git::oidToString(oid);
        auto it = m_rust.find(key);
        if (it != m_rust.end())
            return *it;
        RustFacts facts;
        if (auto text = readBlob(m_repo.get(), oid, path)) {
            facts.references = coverage::scanBindingsReferences(*text);
            facts.publicItems = coverage::scanPublicItems(*text);
        }
        return *m_rust.insert(key, facts);
    }

    // The C function a bindings:: name reaches, or empty.
    static QString functionOf(const QString &name, const BindingsFacts &b)
    {
        if (b.functions.contains(name))
            return name;
        const QString wrapped = b.wrappers.value(name);
        if (!wrapped.isEmpty() && b.functions.contains(wrapped))
            return wrapped;
        return {};
    }

    Result<CommitFigures> analyseCommit(const git_commit *commit, const QString &location)
    {
        CommitFigures f;
        f.oid = git::oidToString(*git_commit_id(commit));
        f.time = git_commit_author(commit)->when.time;
        auto walked = walkCommitTree(m_repo.get(), commit, location);
        if (!walked)
            return walked.status();
        const QString crate = crateDirectory(walked->files);
        const BindingsFacts *bindings = nullptr;
        QHash<QString, QStringList> referencedBy; // name -> .rs files
        m_latest = {};
        for (const TreeFile &file : std::as_const(walked->files)) {
            if (file.path == QLatin1String("bindings.h")) {
                bindings = &bindingsFacts(file.oid);
                continue;
            }
            if (!file.path.endsWith(QLatin1String(".rs")) || isGeneratedBindings(file.path))
                continue;
            const RustFacts &rust = rustFacts(file.oid, file.path);
            for (const QString &name : rust.references)
                referencedBy[name].append(file.path);
            const QString module = crate.isEmpty() ? QString() : coverage::crateModuleName(file.path);
            if (!module.isEmpty() && file.path.startsWith(crate + QStringLiteral("/src/"))) {
                ++f.modules;
                m_latest.modules.append({module, file.path});
                for (const QString &item : rust.publicItems)
                    f.apiItems.insert(module + QLatin1Char(' ') + item);
            } else if (file.path.contains(QLatin1Char('/')) && !file.path.startsWith(crate + QLatin1Char('/'))) {
                ++f.drivers;
                m_latest.drivers.append(file.path);
            }
        }
        f.references = int(referencedBy.size());
        if (bindings) {
            f.boundHeaders = int(bindings->includes.size());
            for (const auto &inc : bindings->includes)
                f.conditionalHeaders += inc.condition.isEmpty() ? 0 : 1;
            for (auto it = referencedBy.constBegin(); it != referencedBy.constEnd(); ++it)
                if (!functionOf(it.key(), *bindings).isEmpty())
                    ++f.referencedFunctions;
        }
        if (bindings)
            m_latest.bindings = *bindings;
        m_latest.referencedBy = referencedBy;
        return f;
    }

    Status insertItem(Statement &stmt, const QString &kind, const QString &name, const QString &path,
                      const QString &detail, const QString &subsystemPath = {})
    {
        stmt.reset();
        stmt.bind(1, m_sourceId).bind(2, kind).bind(3, name).bind(4, text(path))
            .bind(5, text(m_tree.subsystemOf(subsystemPath.isNull() ? path : subsystemPath))).bind(6, text(detail));
        return stmt.exec();
    }

    Status storeLatest(Statement &item)
    {
        if (m_latest.bindings) {
            const BindingsFacts *b = &*m_latest.bindings;
            QSet<QString> declaredHeaders;
            for (const auto &inc : b->includes) {
                const QString path = inc.generated ? QString() : m_tree.resolve(inc.header);
                // A header the tree lacks is still attributed where it would be (sys/<include>),
                // so a partial tree keeps the subsystem picture; its path stays empty.
                const QString where = !path.isEmpty() || inc.generated ? path : expectedKernelPath(inc.header);
                KL_TRY(insertItem(item, QStringLiteral("bound-header"), inc.header, path,
                                  inc.generated ? QStringLiteral("generated by the build") : inc.condition, where));
            }
            for (auto it = b->functions.constBegin(); it != b->functions.constEnd(); ++it)
                KL_TRY(insertItem(item, QStringLiteral("declared-function"), it.key(), it.value(), {}));
            for (auto it = m_latest.referencedBy.constBegin(); it != m_latest.referencedBy.constEnd(); ++it) {
                const QString fn = functionOf(it.key(), *b);
                const QString files = it.value().join(QLatin1Char(' '));
                if (fn.isEmpty())
                    KL_TRY(insertItem(item, QStringLiteral("unresolved-reference"), it.key(), {}, files));
                else
                    KL_TRY(insertItem(item, QStringLiteral("referenced-function"), fn, b->functions.value(fn),
                                      fn == it.key() ? files : it.key() + QStringLiteral(" in ") + files));
            }
        }
        for (const auto &m : std::as_const(m_latest.modules)) {
            item.reset();
            item.bind(1, m_sourceId).bind(2, QStringLiteral("module")).bind(3, m.first).bind(4, m.second)
                .bind(5, text({})).bind(6, text({}));
            KL_TRY(item.exec());
        }
        for (const QString &d : std::as_const(m_latest.drivers)) {
            item.reset();
            item.bind(1, m_sourceId).bind(2, QStringLiteral("driver")).bind(3, d).bind(4, d)
                .bind(5, text({})).bind(6, text({}));
            KL_TRY(item.exec());
        }
        return Status::ok();
    }

    Status storeCommits(Statement &commitStmt, Statement &changeStmt)
    {
        QSet<QString> previous;
        for (int ord = 0; ord < m_commits.size(); ++ord) {
            const CommitFigures &c = m_commits.at(ord);
            commitStmt.reset();
            commitStmt.bind(1, m_sourceId).bind(2, ord).bind(3, c.oid).bind(4, c.time).bind(5, c.boundHeaders)
                .bind(6, c.conditionalHeaders).bind(7, c.references).bind(8, c.referencedFunctions)
                .bind(9, c.modules).bind(10, c.drivers).bind(11, int(c.apiItems.size()));
            KL_TRY(commitStmt.exec());
            auto change = [&](const QString &item, int delta) {
                changeStmt.reset();
                changeStmt.bind(1, m_sourceId).bind(2, ord).bind(3, item).bind(4, delta);
                return changeStmt.exec();
            };
            for (const QString &item : c.apiItems)
                if (!previous.contains(item))
                    KL_TRY(change(item, 1));
            for (const QString &item : std::as_const(previous))
                if (!c.apiItems.contains(item))
                    KL_TRY(change(item, -1));
            previous = c.apiItems;
        }
        return Status::ok();
    }

    Status store()
    {
        Database &db = m_store.db();
        Transaction tx(db);
        KL_TRY(tx.status());
        for (const char *table : {"crate_commits", "crate_api_changes", "crate_items", "crate_runs"}) {
            auto del = db.prepare(QStringLiteral("DELETE FROM %1 WHERE source_id = ?").arg(QLatin1String(table)));
            if (!del)
                return del.status();
            del->bind(1, m_sourceId);
            KL_TRY(del->exec());
        }
        auto commitStmt = db.prepare(QStringLiteral(
            "INSERT INTO crate_commits(source_id, ord, oid, time, bound_headers, conditional_headers, "
            "references_total, referenced_functions, modules, drivers, api_items) VALUES (?,?,?,?,?,?,?,?,?,?,?)"));
        auto changeStmt = db.prepare(QStringLiteral(
            "INSERT INTO crate_api_changes(source_id, ord, item, change) VALUES (?,?,?,?)"));
        auto itemStmt = db.prepare(QStringLiteral(
            "INSERT INTO crate_items(source_id, kind, name, path, subsystem, detail) VALUES (?,?,?,?,?,?)"));
        if (!commitStmt || !changeStmt || !itemStmt)
            return !commitStmt ? commitStmt.status() : !changeStmt ? changeStmt.status() : itemStmt.status();
        KL_TRY(storeCommits(*commitStmt, *changeStmt));
        KL_TRY(storeLatest(*itemStmt));
        auto run = db.prepare(QStringLiteral(
            "INSERT INTO crate_runs(source_id, head_oid, tree_location, tree_oid, subsystem_scheme, elapsed_ms, "
            "analysed_at) VALUES (?,?,?,?,?,?,?)"));
        if (!run)
            return run.status();
        run->bind(1, m_sourceId).bind(2, m_headOid).bind(3, m_tree.location()).bind(4, m_tree.oid()).bind(5, m_tree.scheme())
            .bind(6, m_timer.elapsed()).bind(7, QDateTime::currentSecsSinceEpoch());
        KL_TRY(run->exec());
        return tx.commit();
    }

    struct Latest
    {
        std::optional<BindingsFacts> bindings; // a copy: m_bindings may move its elements
        QHash<QString, QStringList> referencedBy;
        QList<QPair<QString, QString>> modules;
        QStringList drivers;
    };

    Store &m_store;
    qint64 m_sourceId;
    CTree &m_tree;
    const JobContext &m_ctx;
    git::Repository m_repo;
    QString m_headOid;
    QList<CommitFigures> m_commits;
    QHash<QString, BindingsFacts> m_bindings;
    QHash<QString, RustFacts> m_rust;
    Latest m_latest;
    QElapsedTimer m_timer{};
};

} // namespace

Status analyzeBindingCrate(Store &store, qint64 crateSourceId, const QString &crateRepository,
                           const QString &treeRepository, const JobContext &ctx)
{
    git::ensureInitialized();
    CTree tree;
    if (Status s = tree.open(treeRepository, ctx); !s.isOk())
        return s.withContext(QStringLiteral("the C tree of the binding crate"));
    CrateAnalyzer analyzer(store, crateSourceId, tree, ctx);
    return analyzer.run(crateRepository);
}

} // namespace kl::ingest
