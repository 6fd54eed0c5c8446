#pragma once
// Checks of raw header bytes that GMime's decoding hides: RFC 2047 encoded words it decodes
// with a guessed charset, and NUL bytes that end its C strings. Pure, thread-safe.

#include "mail_parse.h"

#include <QByteArray>
#include <QList>
#include <QStringList>

namespace kl::mail {

// The encoded words (=?charset?B|Q?text?=) of one raw header value that GMime would decode
// silently although the charset is unknown (`unknown-charset`, including x-unknown and
// unknown-8bit with 8-bit bytes) or the bytes are broken: invalid in their charset, bad base64
// or bad Q-encoding (`bad-encoded-word`). At most one warning of each kind per value.
QList<ParseWarning> checkEncodedWords(const QByteArray &rawValue);

// The header block of `raw` (up to the first empty line) with every NUL byte replaced by
// U+2400 (␀) in UTF-8, so that identifiers keep their whole length and stay visibly different;
// the names of the header fields that held a NUL go to `fields`. The body is left as it is.
QByteArray showHeaderNuls(const QByteArray &raw, QStringList *fields);

} // namespace kl::mail
