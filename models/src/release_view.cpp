#include "release_view.h"

#include <QDateTime>
#include <QSet>
#include <QTimeZone>

#include <algorithm>

namespace kl::models {

namespace {

struct StoredRelease
{
    ShownRelease release;
    bool classified = false;
    qint64 rollup = 0;
};

} // namespace

Result<ReleaseView> ReleaseView::load(Database &db, qint64 sourceId, ReleaseSet set)
{
    auto series = db.hasTable(QStringLiteral("release_series"));
    if (!series)
        return series.status();
    // A read-only store made before release series has no table: every tag is unclassified.
    const QString sql = *series
        ? QStringLiteral("SELECT r.id, r.tag, r.date, r.ordinal, s.kind IS NOT NULL, ifnull(s.rollup_id, 0) FROM releases r"
                         " LEFT JOIN release_series s ON s.release_id = r.id WHERE r.source_id = ? ORDER BY r.ordinal")
        : QStringLiteral("SELECT id, tag, date, ordinal, 0, 0 FROM releases WHERE source_id = ? ORDER BY ordinal");
    QList<StoredRelease> stored;
    KL_TRY(db.forEachRow(sql, {sourceId}, [&](const Statement &row) {
        const QDate date = QDateTime::fromSecsSinceEpoch(row.int64(2), QTimeZone::utc()).date();
        stored.append({ShownRelease{row.int64(0), row.text(1), date, int(row.int64(3)), row.int64(2)}, row.int64(4) != 0, row.int64(5)});
    }));
    ReleaseView view;
    view.m_total = int(stored.size());
    view.m_classified = !stored.isEmpty()
        && std::all_of(stored.cbegin(), stored.cend(), [](const StoredRelease &r) { return r.classified; });
    const bool feature = set == ReleaseSet::Feature && view.m_classified;
    QSet<qint64> targets;
    for (const StoredRelease &r : std::as_const(stored))
        if (r.rollup != 0)
            targets.insert(r.rollup);
    for (const StoredRelease &r : std::as_const(stored)) {
        view.m_rollup.insert(r.release.id, feature ? r.rollup : r.release.id);
        if (!feature || targets.contains(r.release.id)) {
            view.m_index.insert(r.release.id, int(view.m_shown.size()));
            view.m_shown.append(r.release);
        }
    }
    return view;
}

QString releaseSetNote(bool featureReleases, int shown, int total)
{
    if (featureReleases)
        return QStringLiteral(" Releases: the %1 feature releases of %2 tags; a commit first released in a maintenance "
                              "release or a release candidate counts under the feature release of its series "
                              "(--releases all shows every tag).").arg(shown).arg(total);
    return QStringLiteral(" Releases: every tag (%1).").arg(total);
}

} // namespace kl::models
