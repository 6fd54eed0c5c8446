// A Subject: header's text through the patch-subject parser.
#include "fuzz_common.h"

#include <kernellens/ingest/mailtext.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)kl::text::parseSubject(kl::fuzz::text(data, size));
    return 0;
}
