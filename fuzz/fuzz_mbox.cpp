// An mbox file through the mbox reader: open (format detection, From_ check) and every batch
// (message splitting at "\n\nFrom ", From-unquoting of mboxrd and mboxo). The reader maps a
// file and reads watermarks from a store, so both live in a temporary directory made once.
#include "fuzz_common.h"

#include "mail/mail_sources.h"

#include <kernellens/index/store.h>

#include <QFile>
#include <QTemporaryDir>

#include <cstdlib>
#include <optional>

namespace {

struct Fixture
{
    QTemporaryDir dir;
    QString mboxPath;
    std::optional<kl::Store> store;
    qint64 sourceId = 0;

    Fixture()
    {
        mboxPath = dir.filePath(QStringLiteral("fuzz.mbox"));
        auto opened = kl::Store::open(dir.filePath(QStringLiteral("store")), kl::Store::Mode::ReadWrite);
        if (!opened)
            std::abort();
        store.emplace(std::move(opened.value()));
        auto source = store->ensureSource(kl::SourceKind::Mbox, mboxPath, QStringLiteral("fuzz"));
        if (!source)
            std::abort();
        sourceId = source.value();
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static Fixture fixture;
    QFile file(fixture.mboxPath);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || file.write(reinterpret_cast<const char *>(data), qint64(size)) != qint64(size))
        std::abort();
    file.close();

    QList<kl::mail::ReaderWarning> warnings;
    auto reader = kl::mail::openMboxReader(*fixture.store, fixture.sourceId, fixture.mboxPath, warnings);
    if (!reader)
        return 0;
    kl::mail::RawBatch batch;
    // Every call takes at least one message or ends the file, so size + 1 calls always suffice.
    for (size_t calls = 0; calls <= size; ++calls) {
        auto more = reader.value()->next(batch, 7);
        if (!more || !more.value())
            break;
    }
    return 0;
}
