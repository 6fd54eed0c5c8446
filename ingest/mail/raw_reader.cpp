#include "raw_reader.h"

#include "common/git_handles.h"

#include <QHash>

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <git2.h>

namespace kl::mail {

struct RawMessageReader::Repositories
{
    QHash<QString, std::shared_ptr<git::Repository>> open;
};

RawMessageReader::RawMessageReader() : m_repositories(std::make_unique<Repositories>()) {}
RawMessageReader::~RawMessageReader() = default;

namespace {

Result<QByteArray> readMbox(const RawLocation &at)
{
    QFile f(at.path);
    if (!f.open(QIODevice::ReadOnly) || !f.seek(at.offset))
        return Status::error(QStringLiteral("%1: %2").arg(at.describe(), f.errorString()));
    QByteArray raw = unescapeMbox(f.read(at.length), at.kind == QLatin1String("mboxrd") ? MboxFormat::Mboxrd
                                                                                       : MboxFormat::Mboxo);
    if (raw.isEmpty() && at.length > 0)
        return Status::error(QStringLiteral("%1: the mbox is shorter than recorded").arg(at.describe()));
    return raw;
}

Result<QByteArray> readMaildirFile(const RawLocation &at)
{
    QString file = at.path;
    if (!QFileInfo::exists(file)) {
        // Maildir flags rename files (":2,S"); look for the same base name in cur/ and new/.
        const QString base = maildirBaseName(QFileInfo(at.path).fileName());
        const QDir maildir = QFileInfo(QFileInfo(at.path).absolutePath()).absolutePath();
        for (const char *sub : {"cur", "new"}) {
            const QDir d(maildir.filePath(QLatin1String(sub)));
            const QStringList hits = d.entryList({base + QLatin1Char('*')}, QDir::Files);
            if (!hits.isEmpty()) {
                file = d.filePath(hits.first());
                break;
            }
        }
    }
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return Status::error(QStringLiteral("%1: %2").arg(at.path, f.errorString()));
    return f.readAll();
}

} // namespace

Result<QByteArray> RawMessageReader::read(const RawLocation &at)
{
    if (at.kind.startsWith(QLatin1String("mbox")))
        return readMbox(at);
    if (at.kind != QLatin1String("git"))
        return readMaildirFile(at);
    std::shared_ptr<git::Repository> &repo = m_repositories->open[at.path];
    if (!repo) {
        auto opened = git::openRepository(at.path);
        if (!opened) {
            m_repositories->open.remove(at.path);
            return opened.status();
        }
        repo = std::make_shared<git::Repository>(std::move(opened.value()));
    }
    git_oid oid;
    if (git_oid_fromstrn(&oid, at.oid.toLatin1().constData(), size_t(at.oid.size())) != 0)
        return Status::error(QStringLiteral("%1: not an object id").arg(at.describe()));
    git_blob *rawBlob = nullptr;
    if (int rc = git_blob_lookup(&rawBlob, repo->get(), &oid); rc != 0)
        return git::error(at.describe(), rc);
    git::Blob blob(rawBlob);
    return QByteArray(static_cast<const char *>(git_blob_rawcontent(blob.get())),
                      qsizetype(git_blob_rawsize(blob.get())));
}

} // namespace kl::mail
