#include "experiments/stats/PairedComparison.hpp"

#include <Eigen/Core>
#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace experiments {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Pairs {
    Eigen::ArrayXd policy;
    Eigen::ArrayXd baseline;
};

// The replications where both runs produced a number. A NaN (or infinite)
// outcome means the run had nothing to report, e.g. a firm with no customers
// left; dropping the whole pair keeps the two means over the same replications.
Pairs finite_pairs(const std::vector<double>& policy, const std::vector<double>& baseline) {
    std::vector<double> p, b;
    for (std::size_t r = 0; r < policy.size(); ++r) {
        if (!std::isfinite(policy[r]) || !std::isfinite(baseline[r])) continue;
        p.push_back(policy[r]);
        b.push_back(baseline[r]);
    }
    const auto n = static_cast<Eigen::Index>(p.size());
    return {Eigen::Map<const Eigen::ArrayXd>(p.data(), n), Eigen::Map<const Eigen::ArrayXd>(b.data(), n)};
}

// Two-sided t quantile t_{(1 + confidence) / 2, df}.
double t_quantile(double confidence, std::size_t df) {
    const boost::math::students_t dist(static_cast<double>(df));
    return boost::math::quantile(dist, 0.5 + confidence / 2.0);
}

}  // namespace

PairedDifference compare_paired(const std::vector<double>& policy, const std::vector<double>& baseline,
                                double confidence) {
    if (policy.size() != baseline.size())
        throw std::invalid_argument("paired comparison: " + std::to_string(policy.size()) + " policy values but " +
                                    std::to_string(baseline.size()) + " baseline values");
    if (!(confidence > 0.0 && confidence < 1.0))
        throw std::invalid_argument("paired comparison: confidence must be in (0, 1), got " +
                                    std::to_string(confidence));
    const Pairs pairs = finite_pairs(policy, baseline);
    const Eigen::ArrayXd d = pairs.policy - pairs.baseline;

    PairedDifference out;
    out.n = static_cast<std::size_t>(d.size());
    if (out.n == 0) {  // nothing to compare: every statistic is undefined
        out.baseline_mean = out.policy_mean = out.mean_difference = kNaN;
        out.sd_difference = out.ci_low = out.ci_high = kNaN;
        return out;
    }
    out.baseline_mean = pairs.baseline.mean();
    out.policy_mean = pairs.policy.mean();
    out.mean_difference = d.mean();
    if (out.n < 2) {  // one pair has no spread to estimate
        out.sd_difference = out.ci_low = out.ci_high = kNaN;
        return out;
    }
    out.sd_difference = std::sqrt((d - out.mean_difference).square().sum() / static_cast<double>(out.n - 1));
    const double half = t_quantile(confidence, out.n - 1) * out.sd_difference / std::sqrt(static_cast<double>(out.n));
    out.ci_low = out.mean_difference - half;
    out.ci_high = out.mean_difference + half;
    return out;
}

}  // namespace experiments
