// A message or commit text through the trailer parser and the link/change-id readers that work
// on trailer values.
#include "fuzz_common.h"

#include <kernellens/ingest/mailtext.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString input = kl::fuzz::text(data, size);
    const QList<kl::text::Trailer> trailers = kl::text::parseTrailers(input);
    for (const kl::text::Trailer &t : trailers)
        (void)kl::text::messageIdFromLink(t.value);
    (void)kl::text::changeId(input);
    return 0;
}
