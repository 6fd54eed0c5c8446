#pragma once
// The messages of one list cut into batches of whole threads, without holding the list in
// memory: the connected components of the Message-ID / References graph (a JWZ thread never
// spans two of them), found by a union-find over 64-bit hashes of the Message-IDs. What stays
// in memory is 12 bytes per distinct Message-ID and 16 per message, not the messages; the
// re-thread then loads one batch at a time. A hash collision can only join two components,
// which the threading of their batch still tells apart.

#include <kernellens/index/database.h>
#include <kernellens/index/result.h>

#include <vector>

namespace kl::mail {

struct ThreadBatches
{
    std::vector<qint64> rows;   // message row ids, component after component, ascending in each
    std::vector<size_t> ends;   // end (exclusive) in `rows` of each batch
};

// Batches of about `batchMessages` messages; a bigger component is one batch of its own.
Result<ThreadBatches> threadBatches(Database &db, qint64 listId, size_t batchMessages);

} // namespace kl::mail
