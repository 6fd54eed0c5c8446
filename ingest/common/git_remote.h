#pragma once
// Mirroring a remote repository with libgit2: a bare clone on the first call, a fetch of every
// ref afterwards. Internal to ingest/.

#include <kernellens/index/job.h>
#include <kernellens/index/result.h>

#include <QString>

namespace kl::git {

// Mirrors `url` into the bare repository `directory` (created when missing; removed again when
// that first fetch fails). Reports "<label>: fetching" progress in objects; honours ctx.cancel.
Status mirrorRepository(const QString &url, const QString &directory, const QString &label,
                        const JobContext &ctx);

} // namespace kl::git
