#pragma once
// Shared helpers of the adoption and onboarding analyses (private to models/adoption).

#include <kernellens/index/store.h>

#include <QString>

namespace kl::models::gitfacts {

struct GitSource
{
    qint64 id = 0;
    QString location;
    QString secondLanguage;
};

// The git source the analyses describe (models/src/primary_source.h: the largest tree).
Result<GitSource> primarySource(Database &db);
Result<bool> tableExists(Database &db, const QString &name);

// Runs `sql` with `params` and calls `row` for every result row.
template<typename Fn>
Status forEachRow(Database &db, const QString &sql, const QVariantList &params, Fn &&row)
{
    auto stmt = db.prepare(sql);
    if (!stmt)
        return stmt.status();
    for (int i = 0; i < params.size(); ++i)
        stmt->bindVariant(i + 1, params.at(i));
    for (;;) {
        auto step = stmt->step();
        if (!step)
            return step.status();
        if (!*step)
            return Status::ok();
        row(*stmt);
    }
}

} // namespace kl::models::gitfacts
