#pragma once
// What every fuzz target shares: the libFuzzer entry point's signature and the conversion of the
// fuzzer's bytes into the text the parsers take. Targets are built twice: with libFuzzer
// (KERNELLENS_FUZZ, clang) and with replay_main.cpp in the ordinary build (tests/fuzz).

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace kl::fuzz {

inline QByteArray bytes(const uint8_t *data, size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), qsizetype(size));
}

// Mail text reaches the text parsers as decoded UTF-8; invalid sequences become U+FFFD as they
// do in the mail parser.
inline QString text(const uint8_t *data, size_t size)
{
    return QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
}

} // namespace kl::fuzz
