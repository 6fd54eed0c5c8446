#include "header_check.h"

#include <QByteArrayView>
#include <QRegularExpression>

#include <algorithm>
#include <cctype>
#include <optional>

namespace kl::mail {

namespace {

// RFC 2047 section 2: =?charset?encoding?encoded-text?=, charset with an optional RFC 2231
// "*language" suffix.
const QRegularExpression &encodedWordPattern()
{
    static const QRegularExpression re(QStringLiteral("=\\?([^?\\s]+)\\?([BbQq])\\?([^?\\s]*)\\?="));
    return re;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = char(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// RFC 2047 4.2: "_" is a space, "=XX" one byte; anything else after "=" is an error.
std::optional<QByteArray> decodeQ(const QByteArray &text)
{
    QByteArray out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '_') {
            out += ' ';
        } else if (c == '=') {
            const int hi = i + 2 < text.size() ? hexValue(text[i + 1]) : -1;
            const int lo = hi >= 0 ? hexValue(text[i + 2]) : -1;
            if (lo < 0)
                return std::nullopt;
            out += char(hi * 16 + lo);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

// RFC 2047 4.1; encoders that drop the "=" padding are common enough to be let through.
std::optional<QByteArray> decodeB(QByteArray text)
{
    if (!text.contains('='))
        text.append(QByteArray((4 - text.size() % 4) % 4, '='));
    auto result = QByteArray::fromBase64Encoding(
        text, QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!result)
        return std::nullopt;
    return std::move(result.decoded);
}

bool isAscii(const QByteArray &bytes)
{
    for (char c : bytes)
        if (static_cast<unsigned char>(c) >= 0x80)
            return false;
    return true;
}

// What is wrong with one encoded word, as a warning; an empty kind when nothing is.
ParseWarning checkWord(const QByteArray &word, QByteArray charset, char encoding, const QByteArray &text)
{
    charset = charset.left(charset.indexOf('*') < 0 ? charset.size() : charset.indexOf('*')).toLower();
    const QString shown = QString::fromLatin1(word.size() > 72 ? word.left(71) + "..." : word);
    const auto bytes = encoding == 'B' ? decodeB(text) : decodeQ(text);
    if (!bytes)
        return {QStringLiteral("bad-encoded-word"),
                QStringLiteral("%1 is not valid %2-encoding").arg(shown, QString(QLatin1Char(encoding)))};
    if ((charset == "us-ascii" || charset == "ascii") && !isAscii(*bytes))
        return {QStringLiteral("bad-encoded-word"), QStringLiteral("8-bit bytes declared us-ascii in %1").arg(shown)};
    ParseWarning w;
    decodeText(*bytes, charset, &w);
    if (w.kind == QLatin1String("unknown-charset"))
        return {w.kind, QStringLiteral("%1 in %2").arg(w.message, shown)};
    if (!w.kind.isEmpty())
        return {QStringLiteral("bad-encoded-word"), QStringLiteral("%1 in %2").arg(w.message, shown)};
    return {};
}

// Where the first empty line (LF or CRLF) begins: the end of the header block.
qsizetype headerEnd(const QByteArray &raw)
{
    if (raw.startsWith('\n') || raw.startsWith("\r\n"))
        return 0;
    for (qsizetype nl = raw.indexOf('\n'); nl >= 0; nl = raw.indexOf('\n', nl + 1)) {
        const qsizetype next = nl + 1;
        if (next < raw.size() && (raw[next] == '\n' || (raw[next] == '\r' && next + 1 < raw.size() && raw[next + 1] == '\n')))
            return next;
    }
    return raw.size();
}

} // namespace

QList<ParseWarning> checkEncodedWords(const QByteArray &rawValue)
{
    QList<ParseWarning> warnings;
    if (!rawValue.contains("=?"))
        return warnings;
    auto it = encodedWordPattern().globalMatch(QString::fromLatin1(rawValue));
    while (it.hasNext()) {
        const auto m = it.next();
        const ParseWarning w = checkWord(m.captured(0).toLatin1(), m.captured(1).toLatin1(),
                                         char(std::toupper(m.captured(2).at(0).toLatin1())),
                                         m.captured(3).toLatin1());
        const bool seen = std::any_of(warnings.cbegin(), warnings.cend(),
                                      [&](const ParseWarning &o) { return o.kind == w.kind; });
        if (!w.kind.isEmpty() && !seen)
            warnings << w;
    }
    return warnings;
}

QByteArray showHeaderNuls(const QByteArray &raw, QStringList *fields)
{
    const qsizetype end = headerEnd(raw);
    if (!QByteArrayView(raw.constData(), end).contains('\0'))
        return raw;

    QByteArray out;
    out.reserve(raw.size() + 16);
    QString field;
    for (qsizetype lineStart = 0; lineStart < end;) {
        const qsizetype nl = raw.indexOf('\n', lineStart);
        const qsizetype lineEnd = nl < 0 || nl >= end ? end : nl + 1;
        const QByteArray line = raw.mid(lineStart, lineEnd - lineStart);
        const QByteArray shown = QByteArray(line).replace('\0', "\xE2\x90\x80");
        if (!line.startsWith(' ') && !line.startsWith('\t'))
            field = QString::fromUtf8(shown.left(shown.indexOf(':') < 0 ? shown.size() : shown.indexOf(':'))).trimmed();
        if (line.contains('\0') && fields && !fields->contains(field))
            *fields << field;
        out += shown;
        lineStart = lineEnd;
    }
    out += QByteArrayView(raw.constData() + end, raw.size() - end);
    return out;
}

} // namespace kl::mail
