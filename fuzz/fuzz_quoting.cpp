// A mail body through the quote/signature splitter and the applied-notice reader of its own text.
#include "fuzz_common.h"

#include <kernellens/ingest/mailtext.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const kl::text::SplitBody split = kl::text::splitQuoted(kl::fuzz::text(data, size));
    (void)kl::text::parseAppliedNotice(split.own);
    return 0;
}
