#pragma once
// Mail archives into the store: public-inbox v2 inboxes and single epochs, public-inbox v1,
// mbox (mboxrd/mboxo), Maildir, and lore URLs (cloned or fetched into the store). The schema
// these functions write is documented in docs/mail.md.

#include <kernellens/index/job.h>
#include <kernellens/index/result.h>
#include <kernellens/index/store.h>

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace kl::ingest {

struct MailIngestOptions
{
    QString listName;
    QStringList sources;       // paths or URLs; each is sniffed (see mailSourceKind)
};

struct MailIngestSummary
{
    qint64 messagesAdded = 0;
    qint64 messagesRemoved = 0;     // public-inbox `d` removals applied
    qint64 duplicates = 0;          // added messages whose Message-ID was already stored with other content
    qint64 alreadyStored = 0;       // exact same content seen again (not re-added)
    qint64 warnings = 0;            // parse warnings recorded in this run
    qint64 messagesRead = 0;        // raw messages read from the sources in this run
    double seconds = 0;
    QMap<QString, qint64> warningsByKind;
    QStringList sourcesDone;        // canonical location of each source processed
};

// Ingests every source into list `listName`. Incremental: reruns read only what is new.
// Reports progress through ctx; on ctx.cancel it commits the last full batch and returns
// Status::cancelled(). Call from any one thread (the GUI calls it from a worker).
Result<MailIngestSummary> ingestMail(Store &store, const MailIngestOptions &options,
                                     const JobContext &ctx);

// What kind of source a path or URL is, or an error that names it.
enum class MailSourceKind { PublicInboxV2, Epoch, PublicInboxV1, Mbox, Maildir, Url };
Result<MailSourceKind> mailSourceKind(const QString &source);

// A message read back from where the store says it lives (git blob, mbox slice, Maildir file).
struct MessageView
{
    qint64 id = 0;
    QString list;
    QString messageId;
    QString from;               // "Name <addr>", decoded
    QStringList to;
    QStringList cc;
    QString subject;
    QDateTime date;             // UTC
    QString inReplyTo;
    QStringList references;
    QString body;               // decoded plain text (text/plain part, UTF-8)
    QString ownText;            // body without quotes and signature
    QString quotedText;
    QString signature;
    QStringList attachments;    // file names of non-text parts
    QString rawLocation;        // "epoch 0 blob <oid>", "file:offset", "maildir path"
};
Result<MessageView> readMessage(Store &store, qint64 messageId);

// Clones (or fetches, when already there) a lore-style inbox URL into
// <store>/mirrors/<list>/git/N.git. "…/list/3" is epoch 3 only; "…/list" discovers epochs
// 0, 1, 2 … until one fails to answer. Returns the inbox directory (…/mirrors/<list>).
Result<QString> mirrorInbox(Store &store, const QString &url, const QString &listName,
                            const JobContext &ctx);

} // namespace kl::ingest
