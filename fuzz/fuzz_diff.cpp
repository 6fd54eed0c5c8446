// A mail body through the unified-diff finder.
#include "fuzz_common.h"

#include <kernellens/ingest/mailtext.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)kl::text::parseDiff(kl::fuzz::text(data, size));
    return 0;
}
