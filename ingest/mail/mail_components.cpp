#include "mail_components.h"

#include <QStringList>

#include <algorithm>
#include <numeric>
#include <utility>

namespace kl::mail {

namespace {

// FNV-1a over the UTF-16 code units: stable across runs and processes (qHash is seeded).
quint64 idHash(QStringView id)
{
    quint64 h = 14695981039346656037ull;
    for (const QChar c : id) {
        h ^= c.unicode();
        h *= 1099511628211ull;
    }
    return h;
}

// The same split the threading does (mail_postpass.cpp): refs is space-separated.
template<typename F>
void forEachRef(const QString &refs, F &&visit)
{
    for (const QStringView ref : QStringView(refs).split(QLatin1Char(' '), Qt::SkipEmptyParts))
        visit(ref);
}

class UnionFind
{
public:
    explicit UnionFind(std::vector<quint64> sortedKeys) : m_keys(std::move(sortedKeys)), m_parent(m_keys.size())
    {
        std::iota(m_parent.begin(), m_parent.end(), 0);
    }

    qint32 indexOf(quint64 key) const
    {
        return qint32(std::lower_bound(m_keys.begin(), m_keys.end(), key) - m_keys.begin());
    }

    qint32 find(qint32 x)
    {
        while (m_parent[size_t(x)] != x) {
            m_parent[size_t(x)] = m_parent[size_t(m_parent[size_t(x)])]; // path halving
            x = m_parent[size_t(x)];
        }
        return x;
    }

    void unite(qint32 a, qint32 b)
    {
        a = find(a);
        b = find(b);
        if (a != b)
            m_parent[size_t(std::max(a, b))] = std::min(a, b);
    }

private:
    std::vector<quint64> m_keys;
    std::vector<qint32> m_parent;
};

void sortUnique(std::vector<quint64> &v)
{
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
}

Result<std::vector<quint64>> distinctIds(Database &db, qint64 listId)
{
    std::vector<quint64> keys;
    size_t compactAt = 1u << 20;
    auto add = [&](quint64 k) {
        keys.push_back(k);
        if (keys.size() >= compactAt) { // duplicates (references repeat) kept from piling up
            sortUnique(keys);
            compactAt = std::max(compactAt, keys.size() * 2);
        }
    };
    KL_TRY(db.forEachRow(QStringLiteral("SELECT msgid, refs FROM messages WHERE list_id = ?"), {listId},
                         [&](const Statement &row) {
                             add(idHash(row.text(0)));
                             forEachRef(row.text(1), [&](QStringView ref) { add(idHash(ref)); });
                         }));
    sortUnique(keys);
    return keys;
}

} // namespace

Result<ThreadBatches> threadBatches(Database &db, qint64 listId, size_t batchMessages)
{
    auto keys = distinctIds(db, listId);
    if (!keys)
        return keys.status();
    UnionFind sets(std::move(keys.value()));
    KL_TRY(db.forEachRow(QStringLiteral("SELECT msgid, refs FROM messages WHERE list_id = ?"), {listId},
                         [&](const Statement &row) {
                             const qint32 self = sets.indexOf(idHash(row.text(0)));
                             forEachRef(row.text(1), [&](QStringView ref) { sets.unite(self, sets.indexOf(idHash(ref))); });
                         }));
    std::vector<std::pair<qint32, qint64>> byComponent;
    KL_TRY(db.forEachRow(QStringLiteral("SELECT id, msgid FROM messages WHERE list_id = ?"), {listId},
                         [&](const Statement &row) {
                             byComponent.emplace_back(sets.find(sets.indexOf(idHash(row.text(1)))), row.int64(0));
                         }));
    std::sort(byComponent.begin(), byComponent.end());
    ThreadBatches batches;
    batches.rows.reserve(byComponent.size());
    for (size_t i = 0; i < byComponent.size(); ++i) {
        batches.rows.push_back(byComponent[i].second);
        const bool componentEnds = i + 1 == byComponent.size() || byComponent[i + 1].first != byComponent[i].first;
        const size_t open = batches.rows.size() - (batches.ends.empty() ? 0 : batches.ends.back());
        if (componentEnds && open >= batchMessages)
            batches.ends.push_back(batches.rows.size());
    }
    if (batches.ends.empty() ? !batches.rows.empty() : batches.ends.back() != batches.rows.size())
        batches.ends.push_back(batches.rows.size());
    return batches;
}

} // namespace kl::mail
