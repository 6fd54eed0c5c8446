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

bool isSecondPerson(QStringView lower)
{
    return lower == QLatin1String("you") || lower == QLatin1String("your")
           || lower == QLatin1String("you're") || lower == QLatin1String("yourself")
           || lower == QLatin1String("you've") || lower == QLatin1String("u");
}

} // namespace

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
            const QString p = phrase.toLower();
            if (p.endsWith(QLatin1Char('*'))) {
                const QString prefix = p.chopped(1);
                lex.m_technicalPrefixes.emplace(tokenKey(prefix), prefix);
                if (std::find(lex.m_technicalPrefixLengths.begin(), lex.m_technicalPrefixLengths.end(), int(prefix.size()))
                    == lex.m_technicalPrefixLengths.end())
                    lex.m_technicalPrefixLengths.push_back(int(prefix.size()));
            } else {
                lex.m_technical.emplace(tokenKey(p), p);
            }
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

bool Lexicon::isTechnical(QStringView token) const
{
    auto it = m_technical.find(tokenKey(token));
    if (it != m_technical.end() && it->second == token)
        return true;
    for (int len : m_technicalPrefixLengths) {
        if (len > token.size())
            continue;
        const QStringView prefix = token.first(len);
        auto p = m_technicalPrefixes.find(tokenKey(prefix));
        if (p != m_technicalPrefixes.end() && p->second == prefix)
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

Analysis analyse(const QString &text, const Lexicon &lexicon)
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
            t.technical = lexicon.isTechnical(lw);
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
    return a;
}

void features(const Analysis &a, std::vector<Feature> &out)
{
    out.clear();
    const QStringView low(a.lowered);
    static const QString numToken = QStringLiteral("_num");
    auto tokenHash = [&](const Token &t) -> std::uint64_t {
        QStringView v = low.mid(t.start, t.length);
        if (t.word && v.front().isDigit())
            v = numToken;
        return fnv1a(v, 0);
    };
    for (const Sentence &s : a.sentences) {
        std::uint64_t prev = fnv1a(u"_bos", 0);
        const int sentence = int(&s - a.sentences.data());
        for (int ti = s.firstToken; ti < s.firstToken + s.tokenCount; ++ti) {
            const Token &t = a.tokens[size_t(ti)];
            // Technical vocabulary is invisible to the model: merged into one token it learned
            // the toxicity of "crap"/"ugly" in code review; dropped, "kill"/"dead" weigh nothing.
            // "?" and "!" runs are left to the dense exclamation feature: as n-grams the model
            // learned GitHub impatience and flagged plain review questions ("Why is this needed?").
            if (!t.word || t.technical)
                continue;
            const std::uint64_t h = tokenHash(t);
            out.push_back({int(mix(h, 1) % kHashSize) + 1, 1.0, sentence});
            out.push_back({int(mix(prev, h) % kHashSize) + 1, 1.0, sentence});
            prev = h;
            if (kCharGrams && t.word && !t.technical && t.length >= 3) {
                // Character 3..5-grams of the word with boundary marks: robust to
                // inflections and obfuscation ("f*cking", "idiots", "stupidity").
                const QStringView w = low.mid(t.start, t.length);
                const qsizetype len = w.size() + 2;
                for (int n = 3; n <= 5; ++n) {
                    for (qsizetype i = 0; i + n <= len; ++i) {
                        std::uint64_t g = 0x51ED2701ULL + std::uint64_t(n);
                        for (qsizetype k = i; k < i + n; ++k) {
                            const char16_t c = (k == 0 || k == len - 1) ? u'#' : w[k - 1].unicode();
                            g = (g ^ c) * 1099511628211ULL;
                        }
                        out.push_back({int(mix(g, 7) % kHashSize) + 1, 1.0, sentence});
                    }
                }
            }
        }
    }
    // Unique indices, keeping the earliest sentence (stable sort keeps token order).
    std::stable_sort(out.begin(), out.end(), [](const Feature &x, const Feature &y) { return x.index < y.index; });
    out.erase(std::unique(out.begin(), out.end(), [](const Feature &x, const Feature &y) { return x.index == y.index; }),
              out.end());
    if (!out.empty()) {
        // A floor on the norm: a three-word reply ("Looks sane.") would otherwise put its whole
        // unit length on a few words and score as extreme as a paragraph of abuse.
        const double norm = 1.0 / std::sqrt(double(std::max<size_t>(out.size(), 24)));
        for (Feature &f : out)
            f.value = norm;
    }
    auto dense = [&](int which, double value) {
        if (value != 0)
            out.push_back({kHashSize + 1 + which, value, -1});
    };
    for (int c = 0; c < kCategoryCount; ++c)
        dense(DenseCategoryBase + c, std::log1p(double(a.categoryHits[c])));
    dense(DenseShouting, std::log1p(double(a.shoutingSentences)));
    dense(DenseExclamation, std::log1p(double(a.exclamations)) * 0.5);
    dense(DenseNak, a.naks > 0 ? 1.0 : 0.0);
    dense(DenseSecondPerson, std::log1p(double(a.secondPerson)) * 0.5);
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
