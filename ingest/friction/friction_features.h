#pragma once
// Text analysis shared by the classifier and the trainer: prose extraction (code, diffs, trailers
// and quotes dropped), sentences, tokens, lexicon matching, technical-vocabulary neutralisation,
// shouting, NAKs, and the hashed feature vector. No liblinear here.

#include "tone_cues.h"

#include <kernellens/index/result.h>
#include <kernellens/ingest/friction.h>

#include <QHash>
#include <QJsonObject>
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
// Training only: unigrams of technical words and every bigram with one hash into this block
// after the dense features. There they absorb what the labeled sets blame on them (ToxiCR calls
// "this looks ugly" toxic), so that their neighbours ("looks") do not learn it; the classifier
// never emits them, so technical vocabulary weighs nothing in a decision.
inline constexpr int kNuisanceSize = 1 << 12;
inline constexpr int kModelFeatureCount = kFeatureCount + kNuisanceSize;
// With FeatureConfig::tone, the tone block follows the nuisance block: one log-count per cue,
// the worst sentence's cue count, and cue sentences that also address "you". A model trained
// with it has kModelFeatureCount + kToneFeatureCount features; models without it are unchanged.
inline constexpr int kToneFeatureCount = ToneCueCount + 2;
inline constexpr int kFeatureVersion = 4;

// How the hashed block is built. The shipped values are the defaults; the trainer can vary them
// for evaluation, and the model's .json sidecar records them so a model is always scored with
// the features it was trained on.
struct FeatureConfig
{
    double wordWeight = 1.0;    // scale of the word block; 0 = lexicon/style features only
    bool bigrams = true;
    // Character n-grams of each word with boundary marks; 0 = off. 3-5 gained in-domain F1, not
    // across platforms, and cost 3x the time (under 20,000 messages/s on kbuild): off.
    int charMin = 0;
    int charMax = 0;
    double charWeight = 1.0;    // the char block is L2-normalised on its own, then scaled
    bool sublinearTf = false;   // 1 + log(tf) instead of binary presence
    int normFloor = 24;         // L2 norm of a block is at least sqrt(normFloor) (short replies)
    bool placeholders = true;   // @mentions -> _user, identifiers (foo_bar, fooBar, x86) -> _ident
    bool negation = false;      // words after not/no/never/n't until punctuation get a not_ twin
    double denseScale = 1.0;    // scale of the lexicon/style features (less regularised when > 1)
    bool nuisance = true;       // train with the technical-word block (see kNuisanceSize)
    bool emitNuisance = false;  // set by the trainer for training documents only; never saved
    bool tone = false;          // the tone block (tone_cues.h); off in models trained before it
};
FeatureConfig shippedFeatureConfig();
QJsonObject toJson(const FeatureConfig &config);
// Missing keys keep the FeatureConfig defaults.
FeatureConfig featureConfigFromJson(const QJsonObject &json);

enum class LexiconKind { Category, Technical, Acronym, Tool };

// Lower-case words, exact or (trailing '*') by prefix; lookups from a QStringView allocate nothing.
class WordSet
{
public:
    void add(const QString &lowerWordOrPrefix);
    bool contains(QStringView lowerToken) const;

private:
    std::unordered_map<std::uint64_t, QString> m_exact;
    std::unordered_map<std::uint64_t, QString> m_prefixes;
    std::vector<int> m_prefixLengths;
};

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
    bool isTechnical(QStringView token) const { return m_technical.contains(token); }
    // Tools and artefacts that are not people (compilers, warnings, hardware ...): an insult aimed
    // at one ("idiotic diagnostics") is not incivility between people.
    bool isTool(QStringView token) const { return m_tools.contains(token); }
    bool isAcronym(QStringView upperToken) const { return m_acronyms.contains(upperToken.toString()); }
    static bool tokenMatches(const QString &pattern, QStringView token);

private:
    // Keyed by a 64-bit hash of the (prefix of the) token, so lookups from a QStringView
    // allocate nothing; matches are confirmed against the text (tokenMatches / stored string).
    std::vector<LexiconEntry> m_entries;
    std::unordered_map<std::uint64_t, std::vector<int>> m_byFirst;       // exact first token
    std::unordered_map<std::uint64_t, std::vector<int>> m_byFirstPrefix;  // prefix first token
    std::vector<int> m_prefixLengths;
    WordSet m_technical;
    WordSet m_tools;
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
    unsigned tone = 0;     // bit per ToneCue
};

struct Token
{
    qsizetype start = 0;   // in the lowered buffer (same offsets as the text)
    qsizetype length = 0;
    int sentence = 0;
    bool word = true;      // false for "!" / "?" runs
    bool technical = false;
    bool identifier = false; // foo_bar, fooBar, x86: code, not prose
    bool mention = false;    // @name
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
    int toneSentences[ToneCueCount] = {};
    int worstTone = 0;               // most cues in one sentence
    int toneAddressed = 0;           // cue sentences that also address "you"
};

// Features per model: kModelFeatureCount, plus the tone block when the config has it.
int modelFeatureCount(const FeatureConfig &config);

// `toneCues`: also mark the tone cues (tone_cues.h); only models trained with the tone block read
// them, so the others do not pay for the pattern matching.
Analysis analyse(const QString &text, const Lexicon &lexicon, bool toneCues = false);

struct Feature
{
    int index = 0;        // 1-based, as liblinear wants
    double value = 0;
    int sentence = -1;    // where a hashed feature first occurred; -1 for message-level ones
};

// Sorted by index, unique, hashed blocks L2-normalised. No bias term.
void features(const Analysis &analysis, const FeatureConfig &config, std::vector<Feature> &out);

// Lexicon phrases marked "!" (name calling, vulgarity, threats, insults aimed at a person) are
// unambiguous enough to make a message uncivil whatever the model says: the model learned
// code-review and GitHub language, where e.g. "idiot" appears mostly in civil meta-discussion.
// Returns max(model, 0.7 + 0.1 per extra strong hit).
int strongHits(const Analysis &analysis);
double adjustedScore(double modelProbability, const Analysis &analysis);

QString sentenceText(const QString &text, const Sentence &sentence);
bool isSecondPerson(QStringView lower);   // you, your, you're, yourself, you've, u
std::uint64_t tokenKey(QStringView token);

} // namespace kl::friction::detail
