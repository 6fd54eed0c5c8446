#pragma once
// One derivation of the derive stage (see kernellens/ingest/derive.h). The runner asks for the
// fingerprint of its inputs, compares it with the one stored in derive_state, and calls run()
// only when they differ (or when forced). run() commits its own batches and returns what it did.

#include <kernellens/index/store.h>
#include <kernellens/ingest/derive.h>

#include <memory>
#include <vector>

namespace kl::derive {

class Derivation
{
public:
    virtual ~Derivation() = default;
    virtual DerivationInfo info() const = 0;
    // Bumped when the derivation's code changes what it writes: the next run redoes everything.
    virtual int version() const = 0;
    virtual Result<QString> fingerprint(Store &store, const DeriveOptions &options) = 0;
    virtual Result<DerivationRun> run(Store &store, const DeriveOptions &options, const JobContext &ctx) = 0;
};

std::unique_ptr<Derivation> makeThreadsDerivation();
std::unique_ptr<Derivation> makeFrictionDerivation();
std::unique_ptr<Derivation> makeReleaseSeriesDerivation();
std::unique_ptr<Derivation> makeReleaseTreesDerivation();
std::unique_ptr<Derivation> makePatchIdsDerivation();
std::unique_ptr<Derivation> makeLinksDerivation();
std::unique_ptr<Derivation> makeReviewDerivation();

// What every fingerprint starts from: sizes and high-water marks of the ingested facts.
Result<QString> ingestGeneration(Store &store);
// "<updated_at>" of another derivation's last run, so a change upstream reruns what follows.
Result<QString> upstreamStamp(Store &store, const QString &derivation);

// derive_warnings of one derivation: cleared at the start of its run, then added to; the
// counts come back in DerivationRun::warnings.
class WarningSink
{
public:
    WarningSink(Store &store, QString derivation) : m_store(store), m_derivation(std::move(derivation)) {}
    Status clear();
    Status add(const QString &kind, const QString &location, const QString &message);
    const QHash<QString, qint64> &counts() const { return m_counts; }

private:
    Store &m_store;
    QString m_derivation;
    QHash<QString, qint64> m_counts;
};

} // namespace kl::derive
