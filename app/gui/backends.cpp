#include "backends.h"

// Each backend is switched on here once its implementation has landed in the tree (the header
// alone is not enough: it may be a contract ahead of its code). Keep these in step with the tree.
#define KL_GUI_HAVE_MAIL_INGEST 1
#define KL_GUI_HAVE_MAIL_READER 1
#define KL_GUI_HAVE_GIT_INGEST 1
#define KL_GUI_HAVE_ADOPTION 1
#define KL_GUI_HAVE_COVERAGE 1
#define KL_GUI_HAVE_FRICTION 1
#define KL_GUI_HAVE_ONBOARDING 1
#define KL_GUI_HAVE_MAIL_MODELS 1
#define KL_GUI_HAVE_REVIEW 1

#if KL_GUI_HAVE_MAIL_INGEST || KL_GUI_HAVE_MAIL_READER
#include <kernellens/ingest/mail_ingest.h>
#endif
#if KL_GUI_HAVE_GIT_INGEST
#include <kernellens/ingest/git_ingest.h>
#include <kernellens/ingest/source_settings.h>
#endif
#include <kernellens/ingest/derive.h>
#if KL_GUI_HAVE_ADOPTION
#include <kernellens/models/adoption.h>
#endif
#if KL_GUI_HAVE_COVERAGE
#include <kernellens/models/coverage.h>
#include <kernellens/models/crate_coverage.h>
#endif
#if KL_GUI_HAVE_FRICTION
#include <kernellens/models/friction.h>
#endif
#if KL_GUI_HAVE_MAIL_MODELS
#include <kernellens/models/mail.h>
#endif
#if KL_GUI_HAVE_ONBOARDING
#include <kernellens/models/onboarding.h>
#endif
#if KL_GUI_HAVE_REVIEW
#include <kernellens/models/review.h>
#endif

namespace kl::gui {

QString analysisName(Analysis analysis)
{
    switch (analysis) {
    case Analysis::Adoption: return QStringLiteral("adoption");
    case Analysis::Coverage: return QStringLiteral("coverage");
    case Analysis::Friction: return QStringLiteral("friction");
    case Analysis::Onboarding: return QStringLiteral("onboarding");
    }
    return {};
}

bool analysisAvailable(Analysis analysis)
{
    switch (analysis) {
    case Analysis::Adoption: return KL_GUI_HAVE_ADOPTION;
    case Analysis::Coverage: return KL_GUI_HAVE_COVERAGE;
    case Analysis::Friction: return KL_GUI_HAVE_FRICTION;
    case Analysis::Onboarding: return KL_GUI_HAVE_ONBOARDING;
    }
    return false;
}

Result<report::Section> computeAnalysis(Analysis analysis, Store &store, const models::Filter &filter)
{
    (void)store;
    (void)filter;
    switch (analysis) {
    case Analysis::Adoption:
#if KL_GUI_HAVE_ADOPTION
        return models::adoptionSection(store, filter);
#else
        break;
#endif
    case Analysis::Coverage:
#if KL_GUI_HAVE_COVERAGE
        return models::coverageSection(store, filter);
#else
        break;
#endif
    case Analysis::Friction:
#if KL_GUI_HAVE_FRICTION
        return models::frictionSection(store, filter);
#else
        break;
#endif
    case Analysis::Onboarding:
#if KL_GUI_HAVE_ONBOARDING
        return models::onboardingSection(store, filter);
#else
        break;
#endif
    }
    return Status::error(QStringLiteral("the %1 analysis is not built yet").arg(analysisName(analysis)));
}

bool mailIngestAvailable() { return KL_GUI_HAVE_MAIL_INGEST; }
bool gitIngestAvailable() { return KL_GUI_HAVE_GIT_INGEST; }
bool messageReaderAvailable() { return KL_GUI_HAVE_MAIL_READER; }

Result<QString> runMailIngest(Store &store, const QString &listName, const QStringList &sources,
                              const JobContext &ctx)
{
#if KL_GUI_HAVE_MAIL_INGEST
    ingest::MailIngestOptions options;
    options.listName = listName;
    options.sources = sources;
    auto summary = ingest::ingestMail(store, options, ctx);
    if (!summary)
        return summary.status();
    auto derived = derive::runDerivations(store, {}, ctx);
    if (!derived)
        return derived.status();
    return QStringLiteral("%1 messages added, %2 already stored, %3 warnings in %4 s; %5")
        .arg(summary->messagesAdded)
        .arg(summary->alreadyStored)
        .arg(summary->warnings)
        .arg(summary->seconds, 0, 'f', 1)
        .arg(derive::summaryLine(derived.value()));
#else
    (void)store, (void)listName, (void)sources, (void)ctx;
    return Status::error(QStringLiteral("mail ingest is not built yet"));
#endif
}

Result<QString> runGitIngest(Store &store, const QString &source, const QString &branch,
                             const QHash<QString, QString> &settings, const JobContext &ctx)
{
#if KL_GUI_HAVE_GIT_INGEST
    ingest::GitIngestOptions options;
    options.source = source;
    options.branch = branch;
    options.secondLanguage = settings.value(ingest::setting::secondLanguage());
    options.languagesFile = settings.value(ingest::setting::languagesFile());
    options.tagPattern = settings.value(ingest::setting::tagPattern());
    options.subsystemScheme = settings.value(ingest::setting::subsystemScheme());
    options.bindingModel = settings.value(ingest::setting::bindingModel());
    options.bindingTree = settings.value(ingest::setting::bindingTree());
    auto summary = ingest::ingestGit(store, options, ctx);
    if (!summary)
        return summary.status();
    QString text = QStringLiteral("%1 commits (%2 merges), %3 file changes, %4 releases (%5 snapshots) in %6 s")
                       .arg(summary->commitsAdded)
                       .arg(summary->mergesAdded)
                       .arg(summary->fileChangesAdded)
                       .arg(summary->releasesAdded)
                       .arg(summary->snapshotsAdded)
                       .arg(summary->historySeconds + summary->snapshotSeconds, 0, 'f', 1);
    if (!summary->settingChanges.isEmpty())   // "subsystem scheme: dirs:2 (was auto)"
        text += QStringLiteral("; ") + summary->settingChanges.join(QStringLiteral("; "));
    auto derived = derive::runDerivations(store, {}, ctx);
    if (!derived)
        return derived.status();
    return QString(text + QStringLiteral("; ") + derive::summaryLine(derived.value()));
#else
    (void)store, (void)source, (void)branch, (void)settings, (void)ctx;
    return Status::error(QStringLiteral("git ingest is not built yet"));
#endif
}

Result<MessageText> readMessage(Store &store, qint64 messageRowId)
{
#if KL_GUI_HAVE_MAIL_READER
    auto view = ingest::readMessage(store, messageRowId);
    if (!view)
        return view.status();
    MessageText text;
    text.id = view->id;
    text.messageId = view->messageId;
    text.from = view->from;
    text.to = view->to;
    text.cc = view->cc;
    text.subject = view->subject;
    text.date = view->date;
    text.list = view->list;
    text.body = view->body;
    text.attachments = view->attachments;
    return text;
#else
    // Until the raw reader lands, show what the store keeps: the decoded own and quoted text.
    auto stmt = store.db().prepare(QStringLiteral(
        "SELECT m.msgid, COALESCE(i.name, ''), COALESCE(i.email, ''), m.subject, m.date, l.name, "
        "b.own_text, b.quoted_text FROM messages m JOIN lists l ON l.id = m.list_id "
        "LEFT JOIN identities i ON i.id = m.from_identity "
        "LEFT JOIN message_bodies b ON b.message_id = m.id WHERE m.id = ?"));
    if (!stmt)
        return stmt.status().withContext(QStringLiteral("message %1").arg(messageRowId));
    stmt->bind(1, messageRowId);
    auto row = stmt->step();
    if (!row)
        return row.status();
    if (!*row)
        return Status::error(QStringLiteral("message %1: not in the store").arg(messageRowId));
    MessageText text;
    text.id = messageRowId;
    text.messageId = stmt->text(0);
    const QString name = stmt->text(1);
    const QString email = stmt->text(2);
    text.from = name.isEmpty() ? email : QStringLiteral("%1 <%2>").arg(name, email);
    text.subject = stmt->text(3);
    if (!stmt->isNull(4))
        text.date = QDateTime::fromSecsSinceEpoch(stmt->int64(4), Qt::UTC);
    text.list = stmt->text(5);
    const QString own = QString::fromUtf8(qUncompress(stmt->blob(6)));
    const QString quoted = QString::fromUtf8(qUncompress(stmt->blob(7)));
    text.body = own;
    if (!quoted.isEmpty()) {
        QStringList lines = quoted.split(QLatin1Char('\n'));
        for (QString &line : lines)
            if (!line.startsWith(QLatin1Char('>')))
                line.prepend(QStringLiteral("> "));
        text.body = lines.join(QLatin1Char('\n')) + QStringLiteral("\n\n") + own;
    }
    return text;
#endif
}

bool coverageDrillDownAvailable() { return KL_GUI_HAVE_COVERAGE; }

Result<report::Table> coverageDrillDown(Store &store, const QString &release, const QString &subsystem)
{
#if KL_GUI_HAVE_COVERAGE
    auto items = models::coverageItems(store, release, subsystem);
    if (!items)
        return items.status();
    using report::Column;
    report::Table table;
    table.id = QStringLiteral("coverage.items");
    table.title = QStringLiteral("%1: reachable items").arg(subsystem);
    table.columns = {{QStringLiteral("kind"), QStringLiteral("Kind"), Column::Kind::Text},
                     {QStringLiteral("name"), QStringLiteral("Name"), Column::Kind::Text},
                     {QStringLiteral("path"), QStringLiteral("Path"), Column::Kind::Text},
                     {QStringLiteral("detail"), QStringLiteral("Detail"), Column::Kind::Text}};
    QHash<QString, QString> kindTitles;   // a handful of kinds; Lua bindings read as such
    for (const models::CoverageItem &item : *items) {
        if (!kindTitles.contains(item.kind)) {
            auto title = models::coverageItemKindTitle(store, release, item.kind);
            if (!title)
                return title.status();
            kindTitles.insert(item.kind, *title);
        }
        table.rows.append({kindTitles.value(item.kind), item.name, item.path, item.detail});
    }
    if (table.rows.isEmpty())
        table.note = QStringLiteral("Nothing of %1 is reachable from the second language at this release.").arg(subsystem);
    return table;
#else
    (void)store, (void)release, (void)subsystem;
    return Status::error(QStringLiteral("the coverage analysis is not built yet"));
#endif
}

Result<report::Table> crateDrillDown(Store &store, const QString &subsystem)
{
#if KL_GUI_HAVE_COVERAGE
    return models::crateSubsystemItems(store, subsystem);
#else
    (void)store, (void)subsystem;
    return Status::error(QStringLiteral("the coverage analysis is not built yet"));
#endif
}

bool reviewAvailable() { return KL_GUI_HAVE_REVIEW; }

Result<bool> storeHasReviewData(Store &store)
{
#if KL_GUI_HAVE_REVIEW
    auto has = models::hasReviewData(store);
    if (!has) {
        // A store written before the review schema (opened read-only, so not migrated) has none.
        auto table = store.db().hasTable(QStringLiteral("series_review"));
        if (table && !*table)
            return false;
    }
    return has;
#else
    (void)store;
    return false;
#endif
}

Result<report::Table> reviewSeriesTable(Store &store, const models::Filter &filter)
{
#if KL_GUI_HAVE_REVIEW
    return models::seriesTable(store, filter);
#else
    (void)store, (void)filter;
    return Status::error(QStringLiteral("the review analysis is not built yet"));
#endif
}

Result<report::Section> computeReviewSection(ReviewPart part, Store &store, const models::Filter &filter)
{
#if KL_GUI_HAVE_REVIEW
    if (part == ReviewPart::MailOnboarding)
        return models::mailOnboardingSection(store, filter);
    return models::reviewSection(store, filter);
#else
    (void)part, (void)store, (void)filter;
    return Status::error(QStringLiteral("the review analysis is not built yet"));
#endif
}

Result<SeriesTimeline> loadSeriesTimeline(Store &store, qint64 seriesId)
{
#if KL_GUI_HAVE_REVIEW
    return models::reviewTimeline(store, seriesId);
#else
    (void)store, (void)seriesId;
    return Status::error(QStringLiteral("the review analysis is not built yet"));
#endif
}

#if KL_GUI_HAVE_MAIL_MODELS
static QList<ThreadNode> fromTree(const models::ThreadTree &tree)
{
    QList<ThreadNode> nodes;
    for (const models::ThreadNode &n : tree.nodes) {
        ThreadNode node;
        node.messageRowId = n.messageRowId;
        node.depth = n.depth;
        node.from = n.author();
        node.subject = n.isGhost() ? QStringLiteral("(not in the archive) <%1>").arg(n.messageId) : n.subject;
        node.date = n.date;
        nodes.append(node);
    }
    return nodes;
}

Result<QList<ThreadNode>> loadThread(Store &store, qint64 threadId)
{
    auto tree = models::loadThreadById(store, threadId);
    if (!tree)
        return tree.status();
    return fromTree(*tree);
}

Result<QList<ThreadNode>> loadThreadOf(Store &store, const QString &key)
{
    auto tree = models::loadThread(store, key);
    if (!tree)
        return tree.status();
    return fromTree(*tree);
}
#else
#error "the thread reader needs kernellens/models/mail.h"
#endif

} // namespace kl::gui
