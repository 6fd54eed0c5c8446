// One raw RFC 5322 message through the GMime parser and every analysis it runs (full = true).
#include "fuzz_common.h"

#include "mail/mail_parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const kl::mail::ParsedMessage parsed = kl::mail::parseMessage(kl::fuzz::bytes(data, size));
    (void)kl::mail::formatMailbox(parsed.from);
    return 0;
}
