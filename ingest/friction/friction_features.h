#pragma once
// Text analysis shared by the classifier and the trainer: prose extraction (code, diffs, trailers
// and quotes dropped), sentences, tokens, lexicon matching, technical-vocabulary neutralisation,
// shouting, NAKs, and the hashed feature vector. No liblinear here.

#include <kernellens/index/result.h>
#include <kernellens/ingest/friction.h>

#include <QHash>
#include <QString>

#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

namespace kl::friction::detail {

inline constexpr int kHashBits = 18;
inline constexpr int kHashSize = 1 << kHashBits;
// Dense features after the hashed block (1-based liblinear indices kHashSize+1...).
enum DenseFeature {
    DenseCategoryBase = 0,                       // one per Category: log(1 + hits)
    DenseShouting = kCategoryCount,              // shouting sentences
    DenseExclamation,                            // "!" runs
    DenseNak,
    DenseSecondPerson,                           // "you" aimed at a person
    DenseCount
};
inline constexpr int kFeatureCount = kHashSize + DenseCount;
inline constexpr int kFeatureVersion = 3;
// Character n-grams were tried (3..5 in-word): no better on either set, slower; off.
inline constexpr bool kCharGrams = false;

enum class LexiconKind { Category, Technical, Acronym };

struct LexiconEntry
{
    LexiconKind kind = LexiconKind::Category;
    Category category = Category::Rejection;
    std::vector<QString> tokens;   // lower case; "a|b" alternatives; trailing '*' = prefix
    QString phrase;                // as written in the file, without the "!" mark
    bool strong = false;           // "!": makes a message uncivil by itself
};

class Lexicon
{
public:
    // Format: one "category<TAB>phrase" per line, '#' comments. Errors name file and line.
    static Result<Lexicon> parse(const QByteArray &text, const QString &fileName);

    const std::vector<LexiconEntry> &entries() const { return m_entries; }
    // Entries whose first token can match `token` (exact or prefix).
    void candidates(QStringView token, std::vector<int> &out) const;
    bool isTechnical(QStringView token) const;
    bool isAcronym(QStringView upperToken) const { return m_acronyms.contains(upperToken.toString()); }
    static bool tokenMatches(const QString &pattern, QStringView token);

private:
    // Keyed by a 64-bit hash of the (prefix of the) token, so lookups from a QStringView
    // allocate nothing; matches are confirmed against the text (tokenMatches / stored string).
    std::vector<LexiconEntry> m_entries;
    std::unordered_map<std::uint64_t, std::vector<int>> m_byFirst;       // exact first token
    std::unordered_map<std::uint64_t, std::vector<int>> m_byFirstPrefix;  // prefix first token
    std::vector<int> m_prefixLengths;
    std::unordered_map<std::uint64_t, QString> m_technical;              // exact
    std::unordered_map<std::uint64_t, QString> m_technicalPrefixes;
    std::vector<int> m_technicalPrefixLengths;
    QHash<QString, bool> m_acronyms;
};

struct Sentence
{
    qsizetype start = 0;   // span in the analysed text
    qsizetype end = 0;
    int firstToken = 0;
    int tokenCount = 0;
    bool shouting = false;
    bool nak = false;
};

struct Token
{
    qsizetype start = 0;   // in the lowered buffer (same offsets as the text)
    qsizetype length = 0;
    int sentence = 0;
    bool word = true;      // false for "!" / "?" runs
    bool technical = false;
};

struct LexiconHit
{
    int entry = 0;
    int sentence = 0;
};

struct Analysis
{
    QString lowered;                 // per-character lower case of the text
    std::vector<Sentence> sentences;
    std::vector<Token> tokens;
    std::vector<LexiconHit> hits;
    std::vector<std::pair<qsizetype, qsizetype>> nakTrailers; // start, length of "Nacked-by:" lines
    int naks = 0;
    int exclamations = 0;
    int secondPerson = 0;
    int shoutingSentences = 0;
    int strongHits = 0;
    int categoryHits[kCategoryCount] = {};
};

Analysis analyse(const QString &text, const Lexicon &lexicon);

struct Feature
{
    int index = 0;        // 1-based, as liblinear wants
    double value = 0;
    int sentence = -1;    // where a hashed feature first occurred; -1 for message-level ones
};

// Sorted by index, unique, hashed block L2-normalised. No bias term.
void features(const Analysis &analysis, std::vector<Feature> &out);

// Lexicon phrases marked "!" (name calling, vulgarity, threats, insults aimed at a person) are
// unambiguous enough to make a message uncivil whatever the model says: the model learned
// code-review and GitHub language, where e.g. "idiot" appears mostly in civil meta-discussion.
// Returns max(model, 0.7 + 0.1 per extra strong hit).
int strongHits(const Analysis &analysis);
double adjustedScore(double modelProbability, const Analysis &analysis);

QString sentenceText(const QString &text, const Sentence &sentence);
std::uint64_t tokenKey(QStringView token);

} // namespace kl::friction::detail
