#include "friction_features.h"
#include "model_io.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <linear.h>

#include <algorithm>
#include <cmath>

namespace kl::friction {

using namespace detail;

struct FrictionClassifier::Impl
{
    Lexicon lexicon;
    LinearModel model;
    FeatureConfig features = shippedFeatureConfig();
    double threshold = 0.5;
    QString version;
};

namespace {

Result<QByteArray> readWhole(const QString &path, const QString &what)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Status::error(QStringLiteral("%1: cannot read the friction %2: %3").arg(path, what, f.errorString()));
    return f.readAll();
}

const QString kBuiltinModel = QStringLiteral(":/kernellens/friction/friction.model");
const QString kBuiltinMeta = QStringLiteral(":/kernellens/friction/friction.model.json");
const QString kBuiltinLexicon = QStringLiteral(":/kernellens/friction/lexicon.tsv");

} // namespace

Result<FrictionClassifier> FrictionClassifier::load()
{
    return load(kBuiltinModel, kBuiltinLexicon);
}

Result<FrictionClassifier> FrictionClassifier::load(const QString &modelPath, const QString &lexiconPath)
{
    auto impl = std::make_shared<Impl>();
    const QString lexPath = lexiconPath.isEmpty() ? kBuiltinLexicon : lexiconPath;
    auto lexBytes = readWhole(lexPath, QStringLiteral("lexicon"));
    if (!lexBytes)
        return lexBytes.status();
    auto lexicon = Lexicon::parse(*lexBytes, lexPath);
    if (!lexicon)
        return lexicon.status();
    impl->lexicon = std::move(lexicon.value());

    auto modelBytes = readWhole(modelPath, QStringLiteral("model"));
    if (!modelBytes)
        return modelBytes.status();
    auto model = LinearModel::parse(*modelBytes, modelPath);
    if (!model)
        return model.status();
    impl->model = std::move(model.value());

    // The sidecar holds what liblinear's format cannot: the decision threshold chosen in training
    // and the feature configuration the model was trained with.
    QByteArray metaBytesForVersion;
    const QString metaPath = modelPath == kBuiltinModel ? kBuiltinMeta : modelPath + QStringLiteral(".json");
    if (QFile::exists(metaPath)) {
        auto metaBytes = readWhole(metaPath, QStringLiteral("model metadata"));
        if (!metaBytes)
            return metaBytes.status();
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(*metaBytes, &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject())
            return Status::error(QStringLiteral("%1: offset %2: %3").arg(metaPath).arg(err.offset).arg(err.errorString()));
        const QJsonObject meta = doc.object();
        if (meta.value(QStringLiteral("featureVersion")).toInt() != kFeatureVersion)
            return Status::error(QStringLiteral("%1: feature version %2, this build expects %3")
                                     .arg(metaPath).arg(meta.value(QStringLiteral("featureVersion")).toInt()).arg(kFeatureVersion));
        impl->threshold = meta.value(QStringLiteral("threshold")).toDouble(0.5);
        impl->features = featureConfigFromJson(meta.value(QStringLiteral("features")).toObject());
        metaBytesForVersion = *metaBytes;
    }
    if (impl->model.featureCount() != modelFeatureCount(impl->features))
        return Status::error(QStringLiteral("%1: the model has %2 features; this build expects %3 (retrain with train-friction)")
                                 .arg(modelPath).arg(impl->model.featureCount()).arg(modelFeatureCount(impl->features)));
    QCryptographicHash hash(QCryptographicHash::Sha1);
    hash.addData(*modelBytes);
    hash.addData(*lexBytes);
    hash.addData(QByteArray::number(impl->threshold));
    hash.addData(metaBytesForVersion);
    impl->version = QStringLiteral("f%1-%2").arg(kFeatureVersion).arg(QString::fromLatin1(hash.result().toHex().left(12)));
    return FrictionClassifier(std::move(impl));
}

double FrictionClassifier::threshold() const { return m_impl->threshold; }
QString FrictionClassifier::modelVersion() const { return m_impl->version; }

MessageFriction FrictionClassifier::score(const QString &ownText) const
{
    const Impl &d = *m_impl;
    MessageFriction result;
    const Analysis a = analyse(ownText, d.lexicon, d.features.tone);
    thread_local std::vector<Feature> feats;
    features(a, d.features, feats);
    std::vector<double> contribution(a.sentences.size(), 0.0);
    result.score = adjustedScore(d.model.probability(feats, contribution), a);
    result.uncivil = result.score >= d.threshold;
    result.naks = a.naks;
    result.shouting = a.shoutingSentences > 0;

    auto addEvidence = [&](int sentence, const QString &signal, const QString &category, double weight) {
        const Sentence &s = a.sentences[size_t(sentence)];
        for (const Evidence &e : std::as_const(result.evidence))
            if (e.start == s.start && e.category == category)
                return;
        result.evidence.append({sentenceText(ownText, s), signal, category, weight, s.start, s.end - s.start});
    };
    auto addCategory = [&](const QString &name) {
        if (!result.categories.contains(name))
            result.categories.append(name);
    };

    for (const auto &[start, length] : a.nakTrailers)
        result.evidence.append({ownText.mid(start, length).simplified(), QStringLiteral("Nacked-by"),
                                QStringLiteral("nak"), d.model.denseWeight(DenseNak), start, length});
    for (int si = 0; si < int(a.sentences.size()); ++si) {
        if (a.sentences[size_t(si)].nak)
            addEvidence(si, QStringLiteral("NAK"), QStringLiteral("nak"), d.model.denseWeight(DenseNak));
        if (a.sentences[size_t(si)].shouting)
            addEvidence(si, QStringLiteral("shouting"), QStringLiteral("shouting"), d.model.denseWeight(DenseShouting));
    }
    for (const LexiconHit &hit : a.hits) {
        const LexiconEntry &entry = d.lexicon.entries()[size_t(hit.entry)];
        const bool rejection = entry.category == Category::Rejection;
        if (!rejection && !result.uncivil)
            continue;
        const QString cat = categoryName(entry.category);
        addCategory(cat);
        addEvidence(hit.sentence, entry.phrase, cat, d.model.denseWeight(DenseCategoryBase + int(entry.category)));
    }
    result.rejection = a.naks > 0 || a.categoryHits[int(Category::Rejection)] > 0;
    if (a.naks > 0 && !result.categories.contains(QStringLiteral("rejection")))
        result.categories.prepend(QStringLiteral("rejection"));

    if (result.uncivil && d.features.tone) {
        // Tone cues name what a sentence does ("tone: rhetorical"), which says more than "model".
        for (int si = 0; si < int(a.sentences.size()); ++si) {
            const unsigned tone = a.sentences[size_t(si)].tone;
            for (int cue = 0; cue < ToneCueCount; ++cue)
                if (tone & (1u << cue))
                    addEvidence(si, QStringLiteral("tone: ") + QLatin1String(toneCueName(cue)), QStringLiteral("incivility"),
                                d.model.weight(kModelFeatureCount + 1 + cue));
        }
    }
    if (result.uncivil) {
        // The sentences that pushed the linear decision most: at most three, each carrying at
        // least 40% of the strongest one's weight.
        std::vector<int> order(contribution.size());
        for (size_t i = 0; i < order.size(); ++i)
            order[i] = int(i);
        std::sort(order.begin(), order.end(), [&](int x, int y) { return contribution[size_t(x)] > contribution[size_t(y)]; });
        const double best = order.empty() ? 0 : contribution[size_t(order.front())];
        for (size_t k = 0; k < order.size() && k < 3; ++k) {
            const double c = contribution[size_t(order[k])];
            if (c <= 0 || c < 0.4 * best)
                break;
            const qsizetype start = a.sentences[size_t(order[k])].start;
            if (std::any_of(result.evidence.cbegin(), result.evidence.cend(),
                            [&](const Evidence &e) { return e.start == start; }))
                continue; // already shown with a more specific signal
            addEvidence(order[k], QStringLiteral("model"), QStringLiteral("incivility"), c);
        }
        bool anyIncivility = false;
        for (const QString &c : std::as_const(result.categories))
            anyIncivility = anyIncivility || c != QLatin1String("rejection");
        if (!anyIncivility)
            addCategory(QStringLiteral("incivility"));
    }
    return result;
}

} // namespace kl::friction
