#pragma once
// Reads the raw bytes of stored messages back from where they live (an epoch or v1 repository,
// an mbox, a Maildir), keeping each repository open across calls, so a pass over thousands of
// messages (readMessage, the derive stage's patch-ids) opens each archive once.

#include "mail_sources.h"

#include <kernellens/index/result.h>

#include <QByteArray>

#include <memory>

namespace kl::mail {

class RawMessageReader
{
public:
    RawMessageReader();
    ~RawMessageReader();
    RawMessageReader(const RawMessageReader &) = delete;
    RawMessageReader &operator=(const RawMessageReader &) = delete;

    Result<QByteArray> read(const RawLocation &location);

private:
    struct Repositories;
    std::unique_ptr<Repositories> m_repositories;
};

} // namespace kl::mail
