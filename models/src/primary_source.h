#pragma once
// Which git source the one-repository analyses (adoption, coverage, onboarding from git) describe
// when a store holds several: the kernel, i.e. the largest tree at its newest release, then the
// one with most commits. A store with a kernel and a small project beside it (kernel-mini and
// liburing in the main job) describes the kernel, however many commits the project has.

#include <QString>

namespace kl::models {

// A scalar subquery yielding that source's id (NULL when there is no git source).
inline QString primaryGitSourceSql()
{
    return QStringLiteral(
        "(SELECT s.id FROM sources s WHERE s.kind = 'git' ORDER BY "
        "(SELECT rs.files FROM release_snapshots rs JOIN releases r ON r.id = rs.release_id "
        " WHERE r.source_id = s.id ORDER BY r.ordinal DESC LIMIT 1) DESC, "
        "(SELECT count(*) FROM commits c WHERE c.source_id = s.id) DESC, s.id LIMIT 1)");
}

} // namespace kl::models
