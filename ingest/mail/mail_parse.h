#pragma once
// One raw RFC 5322 message into plain values, with GMime. Pure: no store, no I/O; safe to call
// from several threads at once (each call owns its GMime objects).

#include <kernellens/ingest/mailtext.h>

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace kl::mail {

struct ParseWarning
{
    QString kind;      // bad-charset, unknown-charset, no-message-id, malformed-mime, ...
    QString message;
};

struct Mailbox
{
    QString name;
    QString email;
};

struct ParsedMessage
{
    QByteArray contentHash;          // SHA-1 of the raw bytes
    QString messageId;               // without <>
    bool syntheticId = false;
    Mailbox from;
    QList<Mailbox> to;
    QList<Mailbox> cc;
    qint64 date = 0;
    bool hasDate = false;
    QString subject;
    QString inReplyTo;
    QStringList references;          // oldest first
    QString body;                    // decoded text/plain, UTF-8
    QString ownText;                 // body without quotes/signature
    QString quotedText;
    QString signature;
    QString prose;                   // ownText cut where a diff begins
    QStringList attachments;         // file names of non-text parts
    bool isReply = false;
    text::SubjectInfo subjectInfo;
    text::DiffInfo diff;
    QList<text::Trailer> trailers;
    text::AppliedNotice applied;
    QString changeId;
    QList<ParseWarning> warnings;
};

// Initialises GMime once per process (thread-safe).
void ensureGMime();

// `full` = false skips the patch/trailer analysis (readMessage only needs the text).
ParsedMessage parseMessage(const QByteArray &raw, bool full = true);

// Charset conversion as the parser does it, exposed for tests: declared charset -> UTF-8, with
// the fallback rules of docs/mail.md. `warning` is set when the fallback was used.
QString decodeText(const QByteArray &bytes, const QByteArray &charset, ParseWarning *warning);

// "Name <addr>" for display and search.
QString formatMailbox(const Mailbox &m);

} // namespace kl::mail
