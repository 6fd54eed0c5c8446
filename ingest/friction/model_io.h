#pragma once
// RAII over a liblinear model, read from and written to liblinear's own text format, so the
// shipped model is readable by liblinear's tools too. linear.h stays in the .cpp.

#include "friction_features.h"

#include <kernellens/index/result.h>

#include <QByteArray>
#include <QString>

#include <vector>

struct model;

namespace kl::friction::detail {

class LinearModel
{
public:
    LinearModel() = default;
    explicit LinearModel(model *m) : m_model(m) { cacheSign(); }
    LinearModel(LinearModel &&other) noexcept;
    LinearModel &operator=(LinearModel &&other) noexcept;
    LinearModel(const LinearModel &) = delete;
    LinearModel &operator=(const LinearModel &) = delete;
    ~LinearModel();

    // liblinear's text format ("solver_type ...", "w" then one weight per line). Errors name
    // `fileName` and the line at fault.
    static Result<LinearModel> parse(const QByteArray &text, const QString &fileName);
    // Weights printed with 6 significant digits: the file stays small, the decisions the same.
    Status write(const QString &path) const;

    bool isValid() const { return m_model != nullptr; }
    int featureCount() const;
    // Probability of the "uncivil" label (1). Adds each hashed feature's share of the decision
    // value to `sentenceContribution[feature.sentence]`.
    double probability(const std::vector<Feature> &features, std::vector<double> &sentenceContribution) const;
    double denseWeight(int dense) const;
    // Weight of a 1-based feature index towards "uncivil".
    double weight(int index) const;
    double biasWeight() const;
    // Sets the weights of 1-based features [from, to] to zero (blocks used in training only).
    void zeroWeights(int from, int to);

private:
    void cacheSign();
    model *m_model = nullptr;
    double m_sign = 1; // +1 when label[0] is the uncivil label
};

} // namespace kl::friction::detail
