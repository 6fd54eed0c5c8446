#include <kernellens/models/visible_text.h>

namespace kl::report {

bool isControlCharacter(char32_t c)
{
    return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F);
}

bool isBidiControl(char32_t c)
{
    return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E)
           || (c >= 0x2066 && c <= 0x2069);
}

namespace {

// The Control Pictures block has one symbol per C0 control (U+2400 + c) and U+2421 for DEL.
QChar pictureOf(char32_t c)
{
    return c == 0x7F ? QChar(0x2421) : QChar(char16_t(0x2400 + c));
}

} // namespace

QString visibleText(QStringView text, LineBreaks breaks)
{
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar ch = text[i];
        if (ch.isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
            out += ch;
            out += text[++i];
            continue;
        }
        if (ch.isSurrogate()) {
            out += QChar(QChar::ReplacementCharacter);
            continue;
        }
        const char32_t c = ch.unicode();
        if (c == U'\t' || (c == U'\n' && breaks == LineBreaks::Keep))
            out += ch;
        else if (c < 0x20 || c == 0x7F)
            out += pictureOf(c);
        else if (isControlCharacter(c) || isBidiControl(c))
            out += QChar(QChar::ReplacementCharacter);
        else
            out += ch;
    }
    return out;
}

QByteArray escapeInvisibleInJson(const QByteArray &json)
{
    const QString text = QString::fromUtf8(json);
    QString out;
    out.reserve(text.size());
    for (const QChar ch : text) {
        const char16_t c = ch.unicode();
        // C0 controls are escaped by the JSON writer inside strings; outside them they are its
        // layout. Everything else matched here can only be inside a string.
        if (c >= 0x7F && (isControlCharacter(c) || isBidiControl(c)))
            out += QStringLiteral("\\u%1").arg(int(c), 4, 16, QLatin1Char('0'));
        else
            out += ch;
    }
    return out.toUtf8();
}

} // namespace kl::report
