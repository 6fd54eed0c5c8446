#pragma once
// Mail is hostile input: a subject, a name or a sentence can carry ESC sequences (screen clears,
// window titles, OSC-8 links), BEL, C1 controls and bidirectional overrides that make text read
// differently from what it is (Trojan Source). Every text and CSV writer, and every widget that
// shows mail text, passes it through visibleText(); JSON keeps the exact text, escaped by the
// JSON writer.

#include <QByteArray>
#include <QString>
#include <QStringView>

namespace kl::report {

// C0 controls, DEL and C1 controls.
bool isControlCharacter(char32_t c);
// U+061C, U+200E/U+200F, U+202A..U+202E and U+2066..U+2069.
bool isBidiControl(char32_t c);

enum class LineBreaks {
    Show, // one-line fields: a line feed shows as U+240A
    Keep, // bodies and CSV cells: line feeds stay (carriage returns still show as U+240D)
};

// Controls become their Control Pictures (ESC shows as U+241B, BEL as U+2407, DEL as U+2421);
// C1 controls, bidi controls and unpaired surrogates become U+FFFD. Tabs stay.
QString visibleText(QStringView text, LineBreaks breaks = LineBreaks::Show);

// JSON text (UTF-8) with DEL, C1 and bidi controls written as \uXXXX escapes. Qt's JSON writer
// escapes only C0 controls, so a raw U+202E or U+009B would reach a terminal that shows the JSON;
// parsed, the text is the same.
QByteArray escapeInvisibleInJson(const QByteArray &json);

} // namespace kl::report
