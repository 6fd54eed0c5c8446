#pragma once
// The releases a per-release analysis shows, under the filter's release set (models/filter.h):
// with "feature", the feature releases, each maintenance release and candidate counted under the
// feature release of its series (the derive stage's release_series); with "all", every tag.
// A store whose releases were never classified (derived before release series existed) shows
// every tag either way, and says so through classified().

#include <kernellens/index/database.h>
#include <kernellens/models/filter.h>

#include <QDate>
#include <QHash>
#include <QList>
#include <QString>

namespace kl::models {

struct ShownRelease
{
    qint64 id = 0;
    QString tag;
    QDate date;        // UTC date of the tagged commit
    int ordinal = 0;   // version order among all the source's tags
    qint64 time = 0;   // committer time of the tagged commit, unix seconds
};

class ReleaseView
{
public:
    static Result<ReleaseView> load(Database &db, qint64 sourceId, ReleaseSet set);

    const QList<ShownRelease> &shown() const { return m_shown; }
    // The shown release whose figures a release's commits count in; 0 when they count as not
    // released yet (a candidate of a release that has no tag yet).
    qint64 rollup(qint64 releaseId) const { return m_rollup.value(releaseId, 0); }
    // Index into shown() of a shown release, -1 for any other id.
    int indexOf(qint64 shownId) const { return m_index.value(shownId, -1); }
    bool classified() const { return m_classified; }
    int totalReleases() const { return m_total; }

private:
    QList<ShownRelease> m_shown;
    QHash<qint64, qint64> m_rollup;
    QHash<qint64, int> m_index;
    bool m_classified = false;
    int m_total = 0;
};

// The sentence a per-release section's method gives about its releases.
QString releaseSetNote(bool featureReleases, int shown, int total);

} // namespace kl::models
