#pragma once
// Message-level friction: a liblinear logistic-regression model over hashed word n-grams plus
// lexicon features, applied to the text an author wrote (quotes excluded). Explainable: every
// score comes with the sentences that fired and the signal behind each one.
//
// The model and lexicon ship as Qt resources (resources/friction/); load() without arguments
// uses them. `kernellens-train-friction` (CMake target train-friction) reproduces the model.

#include <kernellens/index/job.h>
#include <kernellens/index/result.h>

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace kl {
class Store;
}

namespace kl::friction {

// Fixed order: the lexicon feature indices of the model depend on it.
enum class Category {
    Rejection,
    BitterFrustration,
    Impatience,
    Mocking,
    NameCalling,
    Insulting,
    Vulgarity,
    Threat,
    Entitlement,
    Irony,
};
inline constexpr int kCategoryCount = 10;
QString categoryName(Category category); // "rejection", "bitter_frustration", ...

struct Evidence
{
    QString sentence;   // whitespace-collapsed text of the sentence
    QString signal;     // the lexicon phrase, "NAK", "shouting" or "model"
    QString category;   // categoryName(), "nak", "shouting" or "incivility" (model only)
    double weight = 0;  // the signal's contribution to the model's decision value
    qsizetype start = 0;  // the sentence's span in the scored text, for highlighting
    qsizetype length = 0;
};

struct MessageFriction
{
    double score = 0;        // probability of incivility, 0..1
    bool uncivil = false;    // score >= the model's threshold
    bool rejection = false;  // a NAK or an explicit refusal
    QStringList categories;  // categories that fired (incivility and rejection)
    QList<Evidence> evidence;
    int naks = 0;            // NAK / NACK / Nacked-by occurrences
    bool shouting = false;
};

class FrictionClassifier
{
public:
    // The model and lexicon built into the binary.
    static Result<FrictionClassifier> load();
    // Files on disk: a liblinear model (text format) and a lexicon (see resources/friction/).
    // An empty lexiconPath uses the built-in lexicon. Errors name the file at fault.
    static Result<FrictionClassifier> load(const QString &modelPath, const QString &lexiconPath = {});

    MessageFriction score(const QString &ownText) const;

    double threshold() const;
    QString modelVersion() const; // identifies the model for cached scores in the store

    struct Impl;

private:
    explicit FrictionClassifier(std::shared_ptr<const Impl> impl) : m_impl(std::move(impl)) {}
    std::shared_ptr<const Impl> m_impl;
};

// Scores every message in the store whose friction is missing or from another model version,
// in batches, writing friction_messages (see docs/friction.md). Resumable: a rerun continues.
// Returns the number of messages scored.
Result<qint64> scoreStoreMessages(Store &store, const FrictionClassifier &classifier,
                                  const JobContext &ctx);

} // namespace kl::friction
