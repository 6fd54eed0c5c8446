#include <kernellens/ingest/release_inventory.h>

#include <kernellens/index/store.h>

namespace kl::ingest {

Status analyzeReleaseTrees(Store &store, qint64 gitSourceId, const QString &repositoryPath,
                           const JobContext &ctx)
{
    Q_UNUSED(store);
    Q_UNUSED(gitSourceId);
    Q_UNUSED(repositoryPath);
    Q_UNUSED(ctx);
    return Status::ok();
}

} // namespace kl::ingest
