#include "model_io.h"

#include <QFile>
#include <QSaveFile>

#include <linear.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace kl::friction::detail {

namespace {

const char *const kSolverNames[] = {"L2R_LR", "L2R_L2LOSS_SVC_DUAL", "L2R_L2LOSS_SVC", "L2R_L1LOSS_SVC_DUAL",
                                    "MCSVM_CS", "L1R_L2LOSS_SVC", "L1R_LR", "L2R_LR_DUAL"};

} // namespace

LinearModel::LinearModel(LinearModel &&other) noexcept
    : m_model(std::exchange(other.m_model, nullptr)), m_sign(other.m_sign)
{
}

LinearModel &LinearModel::operator=(LinearModel &&other) noexcept
{
    if (this != &other) {
        if (m_model)
            free_and_destroy_model(&m_model);
        m_model = std::exchange(other.m_model, nullptr);
        m_sign = other.m_sign;
    }
    return *this;
}

LinearModel::~LinearModel()
{
    if (m_model)
        free_and_destroy_model(&m_model);
}

void LinearModel::cacheSign()
{
    m_sign = (m_model && m_model->label && m_model->label[0] == 1) ? 1.0 : -1.0;
}

int LinearModel::featureCount() const { return m_model ? m_model->nr_feature : 0; }

Result<LinearModel> LinearModel::parse(const QByteArray &text, const QString &fileName)
{
    // malloc'ed pieces, because liblinear's free_and_destroy_model() frees them.
    auto *m = static_cast<model *>(std::calloc(1, sizeof(model)));
    LinearModel result(m);
    m->param.solver_type = -1;
    m->bias = -1;
    const char *p = text.constData();
    const char *end = p + text.size();
    int lineNo = 0;
    auto nextLine = [&](QByteArray &line) -> bool {
        if (p >= end)
            return false;
        const char *nl = static_cast<const char *>(std::memchr(p, '\n', size_t(end - p)));
        const char *stop = nl ? nl : end;
        line = QByteArray(p, stop - p).trimmed();
        p = nl ? nl + 1 : end;
        ++lineNo;
        return true;
    };
    auto fail = [&](const QString &why) {
        return Status::error(QStringLiteral("%1:%2: %3").arg(fileName).arg(lineNo).arg(why));
    };
    QByteArray line;
    bool sawW = false;
    while (nextLine(line)) {
        const QList<QByteArray> parts = line.split(' ');
        const QByteArray key = parts.value(0);
        if (key == "solver_type") {
            for (int s = 0; s < int(std::size(kSolverNames)); ++s)
                if (parts.value(1) == kSolverNames[s])
                    m->param.solver_type = s;
            if (m->param.solver_type < 0)
                return fail(QStringLiteral("unknown solver '%1'").arg(QString::fromLatin1(parts.value(1))));
        } else if (key == "nr_class") {
            m->nr_class = parts.value(1).toInt();
        } else if (key == "label") {
            if (m->nr_class <= 0 || parts.size() != m->nr_class + 1)
                return fail(QStringLiteral("label line does not match nr_class"));
            m->label = static_cast<int *>(std::malloc(sizeof(int) * size_t(m->nr_class)));
            for (int i = 0; i < m->nr_class; ++i)
                m->label[i] = parts[i + 1].toInt();
        } else if (key == "nr_feature") {
            m->nr_feature = parts.value(1).toInt();
        } else if (key == "bias") {
            m->bias = parts.value(1).toDouble();
        } else if (key == "w") {
            sawW = true;
            break;
        } else if (!line.isEmpty()) {
            return fail(QStringLiteral("unexpected '%1'").arg(QString::fromLatin1(key.left(40))));
        }
    }
    if (!sawW || m->nr_class != 2 || !m->label || m->nr_feature <= 0 || m->param.solver_type < 0)
        return Status::error(QStringLiteral("%1: not a binary liblinear model (header incomplete)").arg(fileName));
    const int n = m->bias >= 0 ? m->nr_feature + 1 : m->nr_feature;
    m->w = static_cast<double *>(std::malloc(sizeof(double) * size_t(n)));
    for (int i = 0; i < n; ++i) {
        if (!nextLine(line))
            return fail(QStringLiteral("truncated: %1 of %2 weights").arg(i).arg(n));
        bool ok = false;
        m->w[i] = line.toDouble(&ok);
        if (!ok)
            return fail(QStringLiteral("not a number"));
    }
    result.cacheSign();
    return result;
}

Status LinearModel::write(const QString &path) const
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return Status::error(QStringLiteral("%1: %2").arg(path, f.errorString()));
    const model *m = m_model;
    QByteArray out;
    out += "solver_type ";
    out += kSolverNames[m->param.solver_type];
    out += "\nnr_class " + QByteArray::number(m->nr_class) + "\nlabel";
    for (int i = 0; i < m->nr_class; ++i)
        out += ' ' + QByteArray::number(m->label[i]);
    out += "\nnr_feature " + QByteArray::number(m->nr_feature) + "\nbias " + QByteArray::number(m->bias, 'g', 17) + "\nw\n";
    const int n = m->bias >= 0 ? m->nr_feature + 1 : m->nr_feature;
    for (int i = 0; i < n; ++i) {
        double w = m->w[i];
        if (std::fabs(w) < 5e-7)
            w = 0;
        out += QByteArray::number(w, 'g', 6);
        out += " \n";
    }
    f.write(out);
    if (!f.commit())
        return Status::error(QStringLiteral("%1: %2").arg(path, f.errorString()));
    return Status::ok();
}

double LinearModel::probability(const std::vector<Feature> &features, std::vector<double> &sentenceContribution) const
{
    // The decision value computed here rather than through predict_probability(): no node
    // copy, and it serves every solver (an SVM's margin goes through the same logistic link,
    // which is what liblinear does for logistic regression).
    const double *w = m_model->w;
    double decision = 0;
    for (const Feature &f : features) {
        if (f.index < 1 || f.index > m_model->nr_feature)
            continue;
        const double c = w[f.index - 1] * f.value;
        decision += c;
        if (f.sentence >= 0 && size_t(f.sentence) < sentenceContribution.size())
            sentenceContribution[size_t(f.sentence)] += m_sign * c;
    }
    if (m_model->bias >= 0)
        decision += w[m_model->nr_feature] * m_model->bias;
    return 1.0 / (1.0 + std::exp(-m_sign * decision));
}

double LinearModel::denseWeight(int dense) const
{
    const int index = kHashSize + dense; // 0-based position of feature kHashSize + 1 + dense
    return (m_model && index < m_model->nr_feature) ? m_sign * m_model->w[index] : 0;
}

double LinearModel::weight(int index) const
{
    return (m_model && index >= 1 && index <= m_model->nr_feature) ? m_sign * m_model->w[index - 1] : 0;
}

void LinearModel::zeroWeights(int from, int to)
{
    if (!m_model)
        return;
    for (int i = std::max(from, 1); i <= std::min(to, m_model->nr_feature); ++i)
        m_model->w[i - 1] = 0;
}

double LinearModel::biasWeight() const
{
    return (m_model && m_model->bias >= 0) ? m_sign * m_model->w[m_model->nr_feature] * m_model->bias : 0;
}

} // namespace kl::friction::detail
