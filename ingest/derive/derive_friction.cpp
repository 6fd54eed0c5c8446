// Derivation "friction": every message's friction score with the built-in model, so the
// friction view and report are current after any ingest, the GUI's included. Incremental:
// scoreStoreMessages() scores only messages without a score from this model version.

#include "derivation.h"

#include <kernellens/ingest/friction.h>

namespace kl::derive {

namespace {

class FrictionDerivation final : public Derivation
{
public:
    DerivationInfo info() const override
    {
        return {QStringLiteral("friction"),
                QStringLiteral("friction score of every message (built-in model), with its evidence sentences"),
                {QStringLiteral("message_bodies")},
                {QStringLiteral("friction_messages")}};
    }
    int version() const override { return 1; }

    Result<QString> fingerprint(Store &store, const DeriveOptions &) override
    {
        auto classifier = loadOnce();
        if (!classifier)
            return classifier.status();
        auto generation = ingestGeneration(store);
        if (!generation)
            return generation;
        return QString(generation.value() + QLatin1Char('/') + (*classifier)->modelVersion());
    }

    Result<DerivationRun> run(Store &store, const DeriveOptions &, const JobContext &ctx) override
    {
        auto classifier = loadOnce();
        if (!classifier)
            return classifier.status();
        auto scored = friction::scoreStoreMessages(store, **classifier, ctx);
        if (!scored)
            return scored.status();
        DerivationRun run;
        run.items = scored.value();
        run.note = QStringLiteral("%1 messages scored (model %2)").arg(run.items).arg((*classifier)->modelVersion());
        return run;
    }

private:
    Result<const friction::FrictionClassifier *> loadOnce()
    {
        if (!m_classifier) {
            auto loaded = friction::FrictionClassifier::load();
            if (!loaded)
                return loaded.status();
            m_classifier = std::make_unique<friction::FrictionClassifier>(std::move(loaded.value()));
        }
        return m_classifier.get();
    }
    std::unique_ptr<friction::FrictionClassifier> m_classifier;
};

} // namespace

std::unique_ptr<Derivation> makeFrictionDerivation() { return std::make_unique<FrictionDerivation>(); }

} // namespace kl::derive
