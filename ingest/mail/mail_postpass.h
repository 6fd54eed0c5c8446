#pragma once
// What needs the whole list: JWZ threads, series and revision chains, which patch a reply's
// trailers and "applied" notices count for. Rebuilt per list inside one transaction; ids of
// threads and series stay stable while their key (root Message-ID, series key) does.

#include <kernellens/index/result.h>
#include <kernellens/index/store.h>

namespace kl::mail {

struct PostPassCounts
{
    qint64 threads = 0;
    qint64 ghosts = 0;
    qint64 series = 0;
};

// Caller holds no transaction; this opens its own. The list is re-threaded in batches of whole
// threads of about `batchMessages` messages (mail_components.h): memory follows the batch, not
// the list, and the result does not depend on the batch size.
Result<PostPassCounts> rebuildListStructure(Store &store, qint64 listId, size_t batchMessages = 20000);

} // namespace kl::mail
