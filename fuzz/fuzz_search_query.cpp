// A search query (lore syntax: prefixes, phrases, boolean operators, wildcards, d: date ranges)
// through SearchIndex::search over a small index made once, both complete and as-you-type.
// Invalid queries must come back as an error Status, never as an exception or a crash.
#include "fuzz_common.h"

#include <kernellens/index/search_index.h>

#include <QTemporaryDir>

#include <cstdlib>
#include <optional>

namespace {

kl::SearchDocument document(qint64 row, const char *subject, const char *from, const char *text,
                            const char *file)
{
    kl::SearchDocument d;
    d.rowId = row;
    d.list = QStringLiteral("rust-for-linux");
    d.messageId = QStringLiteral("msg%1@example.org").arg(row);
    d.subject = QString::fromUtf8(subject);
    d.from = QString::fromUtf8(from);
    d.to = {QStringLiteral("Miguel Ojeda <ojeda@kernel.org>")};
    d.date = QDateTime::fromSecsSinceEpoch(1700000000 + row * 86400, Qt::UTC);
    d.ownText = QString::fromUtf8(text);
    d.quotedText = QStringLiteral("> an earlier version");
    d.diffFiles = {QString::fromUtf8(file)};
    return d;
}

struct Fixture
{
    QTemporaryDir dir;
    std::optional<kl::SearchIndex> index;

    Fixture()
    {
        auto opened = kl::SearchIndex::open(dir.filePath(QStringLiteral("xapian")), kl::SearchIndex::Mode::ReadWrite);
        if (!opened)
            std::abort();
        index.emplace(std::move(opened.value()));
        const kl::Status added[] = {
            index->add(document(1, "[PATCH v2 1/3] rust: kernel: add a module", "Ada Dev <ada@example.org>",
                                "This adds the module.\nSigned-off-by: Ada Dev <ada@example.org>", "rust/kernel/lib.rs")),
            index->add(document(2, "Re: [PATCH] kbuild: fix the build", "Bo Reviewer <bo@example.org>",
                                "Reviewed-by: Bo Reviewer <bo@example.org>", "scripts/Makefile.build")),
        };
        for (const kl::Status &s : added) {
            if (!s)
                std::abort();
        }
        if (!index->commit())
            std::abort();
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static Fixture fixture;
    const QString query = kl::fuzz::text(data, size);
    kl::SearchOptions options;
    (void)fixture.index->search(query, 0, 10, options);
    options.partial = true;
    options.order = kl::SearchOrder::Relevance;
    (void)fixture.index->search(query, 0, 10, options);
    return 0;
}
