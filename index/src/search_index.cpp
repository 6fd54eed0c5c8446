#include <kernellens/index/search_index.h>

namespace kl {

struct SearchIndex::Impl
{
};

SearchIndex::SearchIndex() : d(std::make_unique<Impl>()) {}
SearchIndex::SearchIndex(SearchIndex &&) noexcept = default;
SearchIndex &SearchIndex::operator=(SearchIndex &&) noexcept = default;
SearchIndex::~SearchIndex() = default;

Result<SearchIndex> SearchIndex::open(const QString &path, Mode)
{
    return Status::error(path + QStringLiteral(": search index not built yet"));
}
Status SearchIndex::add(const SearchDocument &) { return Status::error(QStringLiteral("not built")); }
Status SearchIndex::remove(SearchDocument::Kind, qint64) { return Status::error(QStringLiteral("not built")); }
Status SearchIndex::commit() { return Status::error(QStringLiteral("not built")); }
qint64 SearchIndex::documentCount() const { return 0; }
Result<SearchResults> SearchIndex::search(const QString &, int, int, SearchOrder) const
{
    return Status::error(QStringLiteral("not built"));
}

} // namespace kl
