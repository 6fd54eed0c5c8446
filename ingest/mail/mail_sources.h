#pragma once
// Readers that turn a mail source into batches of raw messages with the watermarks that cover
// them. They run on the writer's thread (libgit2 handles are not shared across threads); the
// parsing of what they return happens in parallel elsewhere.

#include <kernellens/index/result.h>
#include <kernellens/index/store.h>

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace kl::mail {

struct RawLocation
{
    QString kind;           // git, mboxrd, mboxo, maildir
    QString path;           // epoch git dir, mbox file, Maildir file
    int epoch = -1;
    QString oid;            // blob
    QString commit;
    qint64 offset = -1;
    qint64 length = -1;

    QString describe() const;
};

struct RawMessage
{
    QByteArray bytes;
    RawLocation location;
    bool removal = false;   // public-inbox `d`, a v1 deletion, or a replaced mbox tail
    QByteArray contentHash; // for a removal whose bytes are gone: the SHA-1 of what is removed
};

struct ReaderWarning
{
    QString kind;
    QString location;
    QString message;
};

struct RawBatch
{
    QList<RawMessage> messages;
    QList<QPair<QString, QString>> watermarks;   // key, value: set with this batch
    QStringList maildirSeen;                     // names to record with this batch
    QList<ReaderWarning> warnings;
    bool restart = false;                        // the source changed under the watermark
};

class MailReader
{
public:
    virtual ~MailReader() = default;
    // Appends up to maxMessages to `batch`; false once the source is exhausted.
    virtual Result<bool> next(RawBatch &batch, int maxMessages) = 0;
    virtual QString phase() const = 0;
    virtual qint64 done() const = 0;
    virtual qint64 total() const = 0;
    virtual QString unit() const = 0;
};

// Warnings found when opening (a lost watermark, a changed mbox prefix) go into `openWarnings`.
Result<std::unique_ptr<MailReader>> openEpochReader(Store &store, qint64 sourceId,
                                                    const QString &gitDir, int epoch,
                                                    QList<ReaderWarning> &openWarnings);
Result<std::unique_ptr<MailReader>> openV1Reader(Store &store, qint64 sourceId,
                                                 const QString &gitDir,
                                                 QList<ReaderWarning> &openWarnings);
Result<std::unique_ptr<MailReader>> openMboxReader(Store &store, qint64 sourceId,
                                                   const QString &path,
                                                   QList<ReaderWarning> &openWarnings);
Result<std::unique_ptr<MailReader>> openMaildirReader(Store &store, qint64 sourceId,
                                                      const QString &path,
                                                      QList<ReaderWarning> &openWarnings);

// mbox helpers, exposed for readMessage and tests.
enum class MboxFormat { Mboxrd, Mboxo };
MboxFormat detectMboxFormat(const char *data, qsizetype size);
// Undoes the From-quoting of one message slice.
QByteArray unescapeMbox(const QByteArray &slice, MboxFormat format);
// The Maildir base name: the file name without ":2,FLAGS".
QString maildirBaseName(const QString &fileName);

// The epochs of a v2 inbox directory (git/N.git), in numeric order.
QList<QPair<int, QString>> inboxEpochs(const QString &inboxDir);


} // namespace kl::mail
