#include "friction_features.h"

#include <QStringList>

#include <algorithm>
#include <cmath>

namespace kl::friction {

QString categoryName(Category category)
{
    switch (category) {
    case Category::Rejection: return QStringLiteral("rejection");
    case Category::BitterFrustration: return QStringLiteral("bitter_frustration");
    case Category::Impatience: return QStringLiteral("impatience");
    case Category::Mocking: return QStringLiteral("mocking");
    case Category::NameCalling: return QStringLiteral("name_calling");
    case Category::Insulting: return QStringLiteral("insulting");
    case Category::Vulgarity: return QStringLiteral("vulgarity");
    case Category::Threat: return QStringLiteral("threat");
    case Category::Entitlement: return QStringLiteral("entitlement");
    case Category::Irony: return QStringLiteral("irony");
    }
    return QStringLiteral("unknown");
}

} // namespace kl::friction

namespace kl::friction::detail {

namespace {

bool categoryFromName(const QString &name, Category &out)
{
    for (int c = 0; c < kCategoryCount; ++c) {
        if (categoryName(Category(c)) == name) {
            out = Category(c);
            return true;
        }
    }
    return false;
}

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_');
}

std::uint64_t fnv1a(QStringView s, std::uint64_t seed)
{
    std::uint64_t h = 1469598103934665603ULL ^ seed;
    for (QChar c : s) {
        h ^= c.unicode();
        h *= 1099511628211ULL;
    }
    return h;
}

std::uint64_t mix(std::uint64_t a, std::uint64_t b)
{
    // splitmix64 finaliser over the pair: bigram order matters.
    std::uint64_t z = a * 0x9E3779B97F4A7C15ULL + b;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

bool startsWithLatin(QStringView line, const char *prefix)
{
    return line.startsWith(QLatin1String(prefix));
}

bool isTrailerLine(QStringView line)
{
    // "Signed-off-by:", "Reviewed-by:", "Fixes:", "Link:", "Cc:" ... at the start of a line.
    qsizetype i = 0;
    while (i < line.size() && (line[i].isLetter() || line[i] == QLatin1Char('-')))
        ++i;
    if (i == 0 || i >= line.size() || line[i] != QLatin1Char(':'))
        return false;
    const QStringView key = line.first(i);
    if (key.endsWith(QLatin1String("-by"), Qt::CaseInsensitive))
        return true;
    static const char *const keys[] = {"Fixes", "Link", "Cc", "Closes", "Message-ID", "Change-Id",
                                       "Subject", "From", "To", "Date", "Signed-off"};
    for (const char *k : keys)
        if (key.compare(QLatin1String(k), Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

enum class LineKind { Prose, Skip, Stop, Blank };

LineKind classifyLine(QStringView line, bool &inFence, bool &nakTrailer)
{
    nakTrailer = false;
    const QStringView t = line.trimmed();
    if (t.startsWith(QLatin1String("```"))) {
        inFence = !inFence;
        return LineKind::Skip;
    }
    if (inFence)
        return LineKind::Skip;
    if (t.isEmpty())
        return LineKind::Blank;
    if (startsWithLatin(line, "diff --git ") || startsWithLatin(line, "--- a/")
        || startsWithLatin(line, "+++ b/") || startsWithLatin(line, "Index: ")
        || line == QLatin1String("-- ") || line == QLatin1String("--"))
        return LineKind::Stop;
    if (t.startsWith(QLatin1Char('>')) || t.startsWith(QLatin1Char('|')))
        return LineKind::Skip;
    if (line.startsWith(QLatin1Char('\t')) || line.startsWith(QLatin1String("    ")))
        return LineKind::Skip;
    if (t.startsWith(QLatin1Char('+')) || t.startsWith(QLatin1String("@@"))
        || t.startsWith(QLatin1Char('#')) || t.startsWith(QLatin1String("//"))
        || t.startsWith(QLatin1String("/*")) || t.startsWith(QLatin1String("* ")))
        return LineKind::Skip;
    const QChar last = t.back();
    if (last == QLatin1Char(';') || last == QLatin1Char('{') || last == QLatin1Char('}'))
        return LineKind::Skip;
    if (isTrailerLine(t)) {
        nakTrailer = t.startsWith(QLatin1String("Nacked-by:"), Qt::CaseInsensitive)
                     || t.startsWith(QLatin1String("NACKed-by:"), Qt::CaseInsensitive)
                     || t.startsWith(QLatin1String("Nack-by:"), Qt::CaseInsensitive);
        return LineKind::Skip;
    }
    return LineKind::Prose;
}

bool isNakWord(QStringView lower)
{
    return lower == QLatin1String("nak") || lower == QLatin1String("nack")
           || lower == QLatin1String("nacked") || lower == QLatin1String("naked-by");
}

bool isNakNegated(QStringView previousLower)
{
    static const char *const words[] = {"the", "a", "your", "his", "her", "their", "my", "this",
                                        "that", "without", "no", "any", "why"};
    for (const char *w : words)
        if (previousLower == QLatin1String(w))
            return true;
    return false;
}


bool isIdentifier(QStringView word)
{
    bool letter = false, digit = false, lowerSeen = false;
    for (qsizetype i = 0; i < word.size(); ++i) {
        const QChar c = word[i];
        if (c == QLatin1Char('_') && i > 0 && i + 1 < word.size())
            return true;
        if (c.isDigit())
            digit = true;
        else if (c.isLetter())
            letter = true;
        if (c.isUpper() && lowerSeen)
            return true; // camelCase
        lowerSeen = lowerSeen || c.isLower();
    }
    return letter && digit;
}

bool isNegator(QStringView lower)
{
    return lower == QLatin1String("not") || lower == QLatin1String("no") || lower == QLatin1String("never")
           || lower == QLatin1String("nothing") || lower == QLatin1String("nobody") || lower.endsWith(QLatin1String("n't"));
}

// Sorts by index, merges duplicates (tf), weights (binary or 1 + log tf) and L2-normalises the
// block with a floor, then scales it.
void finishBlock(std::vector<Feature> &block, const FeatureConfig &config, double scale)
{
    std::stable_sort(block.begin(), block.end(), [](const Feature &x, const Feature &y) { return x.index < y.index; });
    size_t w = 0;
    for (size_t r = 0; r < block.size();) {
        size_t e = r;
        while (e < block.size() && block[e].index == block[r].index)
            ++e;
        Feature f = block[r]; // the earliest sentence
        f.value = config.sublinearTf ? 1.0 + std::log(double(e - r)) : 1.0;
        block[w++] = f;
        r = e;
    }
    block.resize(w);
    double sumSquares = 0;
    for (const Feature &f : block)
        sumSquares += f.value * f.value;
    if (block.empty())
        return;
    const double norm = scale / std::sqrt(std::max(sumSquares, double(config.normFloor)));
    for (Feature &f : block)
        f.value *= norm;
}

// An insult phrase at tokens [at, at + n) is aimed at a tool when a tool word stands within
// two words after it or three before it, and the sentence addresses nobody ("you").
bool aimedAtTool(const Analysis &a, QStringView low, const Lexicon &lexicon, int first, int last, int at, int n)
{
    bool tool = false;
    for (int k = std::max(first, at - 3); k < std::min(last, at + n + 2) && !tool; ++k) {
        const Token &u = a.tokens[size_t(k)];
        if ((k < at || k >= at + n) && u.word)
            tool = lexicon.isTool(low.mid(u.start, u.length));
    }
    if (!tool)
        return false;
    for (int k = first; k < last; ++k) {
        const Token &u = a.tokens[size_t(k)];
        if (u.word && isSecondPerson(low.mid(u.start, u.length)))
            return false;
    }
    return true;
}

} // namespace

bool isSecondPerson(QStringView lower)
{
    return lower == QLatin1String("you") || lower == QLatin1String("your")
           || lower == QLatin1String("you're") || lower == QLatin1String("yourself")
           || lower == QLatin1String("you've") || lower == QLatin1String("u");
}

int modelFeatureCount(const FeatureConfig &config)
{
    return kModelFeatureCount + (config.tone ? kToneFeatureCount : 0);
}

FeatureConfig shippedFeatureConfig()
{
    return FeatureConfig{};
}

QJsonObject toJson(const FeatureConfig &c)
{
    return QJsonObject{{QStringLiteral("wordWeight"), c.wordWeight},
                       {QStringLiteral("denseScale"), c.denseScale},
                       {QStringLiteral("bigrams"), c.bigrams},
                       {QStringLiteral("charMin"), c.charMin},
                       {QStringLiteral("charMax"), c.charMax},
                       {QStringLiteral("charWeight"), c.charWeight},
                       {QStringLiteral("sublinearTf"), c.sublinearTf},
                       {QStringLiteral("normFloor"), c.normFloor},
                       {QStringLiteral("placeholders"), c.placeholders},
                       {QStringLiteral("negation"), c.negation},
                       {QStringLiteral("nuisance"), c.nuisance},
                       {QStringLiteral("tone"), c.tone}};
}

FeatureConfig featureConfigFromJson(const QJsonObject &j)
{
    FeatureConfig c;
    c.wordWeight = j.value(QStringLiteral("wordWeight")).toDouble(c.wordWeight);
    c.denseScale = j.value(QStringLiteral("denseScale")).toDouble(c.denseScale);
    c.bigrams = j.value(QStringLiteral("bigrams")).toBool(c.bigrams);
    c.charMin = j.value(QStringLiteral("charMin")).toInt(c.charMin);
    c.charMax = j.value(QStringLiteral("charMax")).toInt(c.charMax);
    c.charWeight = j.value(QStringLiteral("charWeight")).toDouble(c.charWeight);
    c.sublinearTf = j.value(QStringLiteral("sublinearTf")).toBool(c.sublinearTf);
    c.normFloor = j.value(QStringLiteral("normFloor")).toInt(c.normFloor);
    c.placeholders = j.value(QStringLiteral("placeholders")).toBool(c.placeholders);
    c.negation = j.value(QStringLiteral("negation")).toBool(c.negation);
    c.nuisance = j.value(QStringLiteral("nuisance")).toBool(c.nuisance);
    c.tone = j.value(QStringLiteral("tone")).toBool(c.tone);
    return c;
}

Result<Lexicon> Lexicon::parse(const QByteArray &text, const QString &fileName)
{
    Lexicon lex;
    const QList<QByteArray> lines = text.split('\n');
    std::vector<int> prefixLengths;
    for (int n = 0; n < lines.size(); ++n) {
        const QString line = QString::fromUtf8(lines[n]).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const qsizetype tab = line.indexOf(QLatin1Char('\t'));
        if (tab <= 0)
            return Status::error(QStringLiteral("%1:%2: expected \"category<TAB>phrase\"").arg(fileName).arg(n + 1));
        const QString kind = line.left(tab).trimmed();
        const QString phrase = line.mid(tab + 1).trimmed();
        if (phrase.isEmpty())
            return Status::error(QStringLiteral("%1:%2: empty phrase").arg(fileName).arg(n + 1));
        if (kind == QLatin1String("acronym")) {
            lex.m_acronyms.insert(phrase.toUpper(), true);
            continue;
        }
        if (kind == QLatin1String("technical")) {
            lex.m_technical.add(phrase.toLower());
            continue;
        }
        if (kind == QLatin1String("tool")) {
            lex.m_tools.add(phrase.toLower());
            continue;
        }
        LexiconEntry entry;
        if (!categoryFromName(kind, entry.category))
            return Status::error(QStringLiteral("%1:%2: unknown category '%3'").arg(fileName).arg(n + 1).arg(kind));
        entry.strong = phrase.startsWith(QLatin1Char('!'));
        entry.phrase = entry.strong ? phrase.mid(1).trimmed() : phrase;
        if (entry.phrase.isEmpty())
            return Status::error(QStringLiteral("%1:%2: empty phrase").arg(fileName).arg(n + 1));
        const QStringList words = entry.phrase.toLower().split(QLatin1Char(' '), Qt::SkipEmptyParts);
        for (const QString &w : words)
            entry.tokens.push_back(w);
        const int index = int(lex.m_entries.size());
        // The first token may have alternatives; index every one.
        for (const QString &alt : entry.tokens.front().split(QLatin1Char('|'))) {
            if (alt.endsWith(QLatin1Char('*'))) {
                const QString prefix = alt.chopped(1);
                if (prefix.isEmpty())
                    return Status::error(QStringLiteral("%1:%2: a phrase cannot start with '*'").arg(fileName).arg(n + 1));
                lex.m_byFirstPrefix[tokenKey(prefix)].push_back(index);
                if (std::find(prefixLengths.begin(), prefixLengths.end(), int(prefix.size())) == prefixLengths.end())
                    prefixLengths.push_back(int(prefix.size()));
            } else {
                lex.m_byFirst[tokenKey(alt)].push_back(index);
            }
        }
        lex.m_entries.push_back(std::move(entry));
    }
    std::sort(prefixLengths.begin(), prefixLengths.end());
    lex.m_prefixLengths = prefixLengths;
    return lex;
}

void Lexicon::candidates(QStringView token, std::vector<int> &out) const
{
    out.clear();
    auto it = m_byFirst.find(tokenKey(token));
    if (it != m_byFirst.end())
        out.insert(out.end(), it->second.begin(), it->second.end());
    for (int len : m_prefixLengths) {
        if (len > token.size())
            break;
        auto p = m_byFirstPrefix.find(tokenKey(token.first(len)));
        if (p != m_byFirstPrefix.end())
            out.insert(out.end(), p->second.begin(), p->second.end());
    }
}

void WordSet::add(const QString &p)
{
    if (p.endsWith(QLatin1Char('*'))) {
        const QString prefix = p.chopped(1);
        m_prefixes.emplace(tokenKey(prefix), prefix);
        if (std::find(m_prefixLengths.begin(), m_prefixLengths.end(), int(prefix.size())) == m_prefixLengths.end())
            m_prefixLengths.push_back(int(prefix.size()));
    } else {
        m_exact.emplace(tokenKey(p), p);
    }
}

bool WordSet::contains(QStringView token) const
{
    auto it = m_exact.find(tokenKey(token));
    if (it != m_exact.end() && it->second == token)
        return true;
    for (int len : m_prefixLengths) {
        if (len > token.size())
            continue;
        const QStringView prefix = token.first(len);
        auto p = m_prefixes.find(tokenKey(prefix));
        if (p != m_prefixes.end() && p->second == prefix)
            return true;
    }
    return false;
}

bool Lexicon::tokenMatches(const QString &pattern, QStringView token)
{
    if (pattern == QLatin1String("*"))
        return true;
    qsizetype from = 0;
    while (from <= pattern.size()) {
        qsizetype bar = pattern.indexOf(QLatin1Char('|'), from);
        if (bar < 0)
            bar = pattern.size();
        const QStringView alt = QStringView(pattern).mid(from, bar - from);
        if (alt.endsWith(QLatin1Char('*'))) {
            if (token.startsWith(alt.chopped(1)))
                return true;
        } else if (token == alt) {
            return true;
        }
        from = bar + 1;
    }
    return false;
}

Analysis analyse(const QString &text, const Lexicon &lexicon, bool toneCues)
{
    Analysis a;
    a.lowered.resize(text.size());
    {
        const QChar *src = text.constData();
        QChar *dst = a.lowered.data();
        for (qsizetype i = 0; i < text.size(); ++i) {
            const char16_t u = src[i].unicode();
            dst[i] = u < 128 ? QChar(u >= 'A' && u <= 'Z' ? char16_t(u + 32) : u) : src[i].toLower();
        }
    }
    const QStringView low(a.lowered);
    const QStringView orig(text);

    bool inFence = false;
    bool sentenceOpen = false;
    Sentence current;
    auto closeSentence = [&](qsizetype end) {
        if (!sentenceOpen)
            return;
        current.end = end;
        current.tokenCount = int(a.tokens.size()) - current.firstToken;
        if (current.tokenCount > 0)
            a.sentences.push_back(current);
        sentenceOpen = false;
    };
    auto openSentence = [&](qsizetype start) {
        if (sentenceOpen)
            return;
        current = Sentence{};
        current.start = start;
        current.firstToken = int(a.tokens.size());
        sentenceOpen = true;
    };

    qsizetype lineStart = 0;
    while (lineStart <= text.size()) {
        qsizetype lineEnd = text.indexOf(QLatin1Char('\n'), lineStart);
        if (lineEnd < 0)
            lineEnd = text.size();
        QStringView line = orig.mid(lineStart, lineEnd - lineStart);
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        bool nakTrailer = false;
        const LineKind kind = classifyLine(line, inFence, nakTrailer);
        if (nakTrailer) {
            ++a.naks;
            a.nakTrailers.emplace_back(lineStart, line.size());
        }
        if (kind == LineKind::Stop) {
            closeSentence(lineStart);
            break;
        }
        if (kind != LineKind::Prose) {
            closeSentence(lineStart);
        } else {
            const qsizetype end = lineStart + line.size();
            qsizetype i = lineStart;
            while (i < end) {
                const QChar c = orig[i];
                // URLs are not prose ("kicks-ass.net" is a host name).
                if ((c == QLatin1Char('h') || c == QLatin1Char('w'))
                    && (orig.mid(i, end - i).startsWith(QLatin1String("http://"))
                        || orig.mid(i, end - i).startsWith(QLatin1String("https://"))
                        || orig.mid(i, end - i).startsWith(QLatin1String("www.")))
                    && (i == lineStart || !isWordChar(orig[i - 1]))) {
                    while (i < end && !orig[i].isSpace())
                        ++i;
                    continue;
                }
                // Message-IDs and addresses are not prose ("<...@worktop.programming.kicks-ass.net>").
                if (c == QLatin1Char('<')) {
                    qsizetype close = i + 1;
                    bool at = false;
                    while (close < end && orig[close] != QLatin1Char('>') && !orig[close].isSpace()) {
                        at = at || orig[close] == QLatin1Char('@');
                        ++close;
                    }
                    if (at && close < end && orig[close] == QLatin1Char('>')) {
                        i = close + 1;
                        continue;
                    }
                }
                if (isWordChar(c) && (i == lineStart || !isWordChar(orig[i - 1]))) {
                    qsizetype w = i;
                    while (w < end && (isWordChar(orig[w]) || orig[w] == QLatin1Char('.') || orig[w] == QLatin1Char('-')
                                       || orig[w] == QLatin1Char('+')))
                        ++w;
                    if (w < end && orig[w] == QLatin1Char('@') && w + 1 < end && isWordChar(orig[w + 1])) {
                        while (i < end && !orig[i].isSpace() && orig[i] != QLatin1Char('>') && orig[i] != QLatin1Char(')'))
                            ++i;
                        continue;
                    }
                }
                if (isWordChar(c) || (c == QLatin1Char('\'') && i > lineStart && i + 1 < end
                                      && orig[i - 1].isLetter() && orig[i + 1].isLetter())) {
                    openSentence(i);
                    const qsizetype s = i;
                    while (i < end && (isWordChar(orig[i])
                                       || ((orig[i] == QLatin1Char('\'') || orig[i] == QLatin1Char('*'))
                                           && i + 1 < end && orig[i - 1].isLetter()
                                           && (orig[i + 1].isLetter() || orig[i + 1] == QLatin1Char('*')))))
                        ++i;
                    Token t;
                    t.start = s;
                    t.length = i - s;
                    t.sentence = int(a.sentences.size());
                    t.mention = s > lineStart && orig[s - 1] == QLatin1Char('@');
                    t.identifier = isIdentifier(orig.mid(s, i - s));
                    a.tokens.push_back(t);
                    continue;
                }
                if (c == QLatin1Char('!') || c == QLatin1Char('?') || c == QLatin1Char('.')) {
                    const qsizetype s = i;
                    bool bang = false, question = false;
                    while (i < end && (orig[i] == QLatin1Char('!') || orig[i] == QLatin1Char('?')
                                       || orig[i] == QLatin1Char('.'))) {
                        bang = bang || orig[i] == QLatin1Char('!');
                        question = question || orig[i] == QLatin1Char('?');
                        ++i;
                    }
                    if ((bang || question) && sentenceOpen) {
                        Token t;
                        t.start = s;
                        t.length = 1;
                        t.word = false;
                        t.sentence = int(a.sentences.size());
                        // The lowered buffer holds the run; the token stands for "!" or "?".
                        a.lowered[s] = bang ? QLatin1Char('!') : QLatin1Char('?');
                        a.tokens.push_back(t);
                        if (bang)
                            ++a.exclamations;
                    }
                    // A sentence ends at terminal punctuation followed by space or line end;
                    // "e.g." and "foo.c" stay inside because a letter follows.
                    if (i >= end || orig[i].isSpace())
                        closeSentence(i);
                    continue;
                }
                ++i;
            }
        }
        if (kind == LineKind::Blank)
            closeSentence(lineStart);
        lineStart = lineEnd + 1;
    }
    closeSentence(text.size());

    // Per-token facts and lexicon matches, sentence by sentence.
    std::vector<int> cands;
    for (int si = 0; si < int(a.sentences.size()); ++si) {
        Sentence &s = a.sentences[si];
        int words = 0, caps = 0;
        const int first = s.firstToken, last = s.firstToken + s.tokenCount;
        for (int ti = first; ti < last; ++ti) {
            Token &t = a.tokens[ti];
            t.sentence = si;
            if (!t.word)
                continue;
            const QStringView lw = low.mid(t.start, t.length);
            const QStringView ow = orig.mid(t.start, t.length);
            t.technical = t.technical || lexicon.isTechnical(lw);
            if (isSecondPerson(lw))
                ++a.secondPerson;
            if (isNakWord(lw)) {
                const bool upper = ow.front().isUpper();
                const bool negated = ti > first && a.tokens[ti - 1].word
                                     && isNakNegated(low.mid(a.tokens[ti - 1].start, a.tokens[ti - 1].length));
                if (upper && !negated) {
                    s.nak = true;
                    ++a.naks;
                }
            }
            int letters = 0;
            bool lower = false, other = false;
            for (QChar c : ow) {
                if (c.isLetter()) {
                    ++letters;
                    lower = lower || c.isLower();
                } else {
                    other = true;
                }
            }
            if (letters >= 2 || (letters == 1 && ow.size() == 1 && ow.front() != QLatin1Char('I')))
                ++words;
            if (letters >= 2 && !lower && !other && !lexicon.isAcronym(ow))
                ++caps;
            lexicon.candidates(lw, cands);
            for (int e : cands) {
                const LexiconEntry &entry = lexicon.entries()[size_t(e)];
                const int n = int(entry.tokens.size());
                if (ti + n > last)
                    continue;
                bool match = true;
                for (int k = 1; k < n && match; ++k) {
                    const Token &u = a.tokens[ti + k];
                    match = u.word && Lexicon::tokenMatches(entry.tokens[size_t(k)], low.mid(u.start, u.length));
                }
                // The first token was a candidate by exact key or a prefix; recheck alternatives.
                if (match && Lexicon::tokenMatches(entry.tokens.front(), lw)) {
                    if ((entry.category == Category::NameCalling || entry.category == Category::Insulting)
                        && aimedAtTool(a, low, lexicon, first, last, ti, n)) {
                        // "idiotic diagnostics", "gcc is being stupid": not aimed at a person;
                        // the words are hidden from the model as well.
                        for (int k = 0; k < n; ++k)
                            a.tokens[size_t(ti + k)].technical = true;
                        continue;
                    }
                    a.hits.push_back({e, si});
                    ++a.categoryHits[int(entry.category)];
                    if (entry.strong)
                        ++a.strongHits;
                }
            }
        }
        s.shouting = words >= 3 && caps >= 3 && caps * 10 >= words * 7;
        if (s.shouting)
            ++a.shoutingSentences;
    }
    if (toneCues)
        markToneCues(a);
    return a;
}

void features(const Analysis &a, const FeatureConfig &config, std::vector<Feature> &out)
{
    out.clear();
    thread_local std::vector<Feature> chars;
    thread_local std::vector<Feature> nuisance;
    chars.clear();
    nuisance.clear();
    const QStringView low(a.lowered);
    static const QString numToken = QStringLiteral("_num");
    static const QString identToken = QStringLiteral("_ident");
    static const QString userToken = QStringLiteral("_user");
    const bool charGrams = config.charMin > 0 && config.charMax >= config.charMin;
    for (const Sentence &s : a.sentences) {
        std::uint64_t prev = fnv1a(u"_bos", 0);
        bool afterTechnical = false; // the previous word was technical: the bigram is a nuisance one
        int negated = 0;
        const int sentence = int(&s - a.sentences.data());
        for (int ti = s.firstToken; ti < s.firstToken + s.tokenCount; ++ti) {
            const Token &t = a.tokens[size_t(ti)];
            // Technical vocabulary is invisible to the model: merged into one token it learned
            // the toxicity of "crap"/"ugly" in code review; dropped, "kill"/"dead" weigh nothing.
            // "?" and "!" runs are left to the dense exclamation feature: as n-grams the model
            // learned GitHub impatience and flagged plain review questions ("Why is this needed?").
            if (!t.word) {
                negated = 0;
                continue;
            }
            if (t.technical) {
                if (config.emitNuisance && config.nuisance) {
                    const std::uint64_t h = fnv1a(low.mid(t.start, t.length), 0);
                    nuisance.push_back({kFeatureCount + 1 + int(mix(h, 5) % kNuisanceSize), 1.0, sentence});
                    nuisance.push_back({kFeatureCount + 1 + int(mix(prev, h) % kNuisanceSize), 1.0, sentence});
                    prev = h;
                    afterTechnical = true;
                }
                continue;
            }
            QStringView v = low.mid(t.start, t.length);
            bool prose = true;
            if (v.front().isDigit()) {
                v = numToken;
                prose = false;
            } else if (config.placeholders && (t.mention || t.identifier)) {
                v = t.mention ? QStringView(userToken) : QStringView(identToken);
                prose = false;
            }
            const std::uint64_t h = fnv1a(v, 0);
            out.push_back({int(mix(h, 1) % kHashSize) + 1, 1.0, sentence});
            if (afterTechnical)
                nuisance.push_back({kFeatureCount + 1 + int(mix(prev, h) % kNuisanceSize), 1.0, sentence});
            else if (config.bigrams)
                out.push_back({int(mix(prev, h) % kHashSize) + 1, 1.0, sentence});
            afterTechnical = false;
            if (negated > 0) {
                out.push_back({int(mix(h, 3) % kHashSize) + 1, 1.0, sentence});
                --negated;
            }
            if (config.negation && isNegator(v))
                negated = 3;
            prev = h;
            if (charGrams && prose && t.length >= 2) {
                // Character n-grams of the word with boundary marks: robust to inflections and
                // obfuscation across platforms ("f*cking", "idiots", "stupidity").
                const qsizetype len = v.size() + 2;
                for (int n = config.charMin; n <= config.charMax; ++n) {
                    for (qsizetype i = 0; i + n <= len; ++i) {
                        std::uint64_t g = 0x51ED2701ULL + std::uint64_t(n);
                        for (qsizetype k = i; k < i + n; ++k) {
                            const char16_t c = (k == 0 || k == len - 1) ? u'#' : v[k - 1].unicode();
                            g = (g ^ c) * 1099511628211ULL;
                        }
                        chars.push_back({int(mix(g, 7) % kHashSize) + 1, 1.0, sentence});
                    }
                }
            }
        }
    }
    // A floor on the norm: a three-word reply ("Looks sane.") would otherwise put its whole unit
    // length on a few words and score as extreme as a paragraph of abuse.
    finishBlock(out, config, config.wordWeight);
    if (config.wordWeight == 0)
        out.clear();
    if (!chars.empty()) {
        finishBlock(chars, config, config.charWeight);
        // Both blocks share the hash space: merge, summing colliding indices.
        const size_t words = out.size();
        out.insert(out.end(), chars.begin(), chars.end());
        std::inplace_merge(out.begin(), out.begin() + std::ptrdiff_t(words), out.end(),
                           [](const Feature &x, const Feature &y) { return x.index < y.index; });
        size_t w = 0;
        for (size_t r = 0; r < out.size(); ++r) {
            if (w > 0 && out[w - 1].index == out[r].index)
                out[w - 1].value += out[r].value;
            else
                out[w++] = out[r];
        }
        out.resize(w);
    }
    auto dense = [&](int which, double value) {
        if (value != 0)
            out.push_back({kHashSize + 1 + which, value * config.denseScale, -1});
    };
    for (int c = 0; c < kCategoryCount; ++c)
        dense(DenseCategoryBase + c, std::log1p(double(a.categoryHits[c])));
    dense(DenseShouting, std::log1p(double(a.shoutingSentences)));
    dense(DenseExclamation, std::log1p(double(a.exclamations)) * 0.5);
    dense(DenseNak, a.naks > 0 ? 1.0 : 0.0);
    dense(DenseSecondPerson, std::log1p(double(a.secondPerson)) * 0.5);
    if (!nuisance.empty()) {
        // Normalised on its own and appended after the dense block (indices above kFeatureCount).
        finishBlock(nuisance, config, 1.0);
        out.insert(out.end(), nuisance.begin(), nuisance.end());
    }
    if (config.tone) {
        auto tone = [&](int which, double value) {
            if (value != 0)
                out.push_back({kModelFeatureCount + 1 + which, value * config.denseScale, -1});
        };
        for (int cue = 0; cue < ToneCueCount; ++cue)
            tone(cue, std::log1p(double(a.toneSentences[cue])));
        tone(ToneCueCount, std::log1p(double(a.worstTone)));
        tone(ToneCueCount + 1, std::log1p(double(a.toneAddressed)));
    }
}

int strongHits(const Analysis &a)
{
    return a.strongHits;
}

double adjustedScore(double modelProbability, const Analysis &a)
{
    const int strong = strongHits(a);
    if (strong == 0)
        return modelProbability;
    return std::max(modelProbability, std::min(0.99, 0.7 + 0.1 * (strong - 1)));
}

std::uint64_t tokenKey(QStringView token)
{
    return fnv1a(token, 0x6c6578ULL);
}

QString sentenceText(const QString &text, const Sentence &sentence)
{
    return text.mid(sentence.start, sentence.end - sentence.start).simplified();
}

} // namespace kl::friction::detail
