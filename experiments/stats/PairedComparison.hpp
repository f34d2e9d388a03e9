#pragma once
// Paired comparison of a policy against the baseline across replications:
// with common random numbers, replication r of the policy and of the
// baseline saw the same draws for everything the policy does not change, so
// the per-replication differences d_r = policy_r - baseline_r carry the
// policy's effect with the shared noise cancelled.
#include <cstddef>
#include <vector>

namespace experiments {

struct PairedDifference {
    std::size_t n = 0;  // replications compared (pairs where both values are finite)
    double baseline_mean = 0.0;
    double policy_mean = 0.0;
    double mean_difference = 0.0;  // mean of d_r
    double sd_difference = 0.0;    // sample standard deviation of d_r (n - 1 denominator); NaN if n < 2
    double ci_low = 0.0;           // 95 % confidence interval of the mean difference:
    double ci_high = 0.0;          // mean -+ t_{0.975, n-1} sd / sqrt(n); NaN bounds if n < 2
};

// `policy` and `baseline` are indexed by replication (same length). Pairs with a
// NaN on either side are left out. Computed with Eigen; the t quantile from
// boost::math::students_t. Throws std::invalid_argument if the lengths differ
// or `confidence` is not in (0, 1). Infinite values are left out like NaN; with
// no pair left (n == 0) every statistic is NaN.
PairedDifference compare_paired(const std::vector<double>& policy, const std::vector<double>& baseline,
                                double confidence = 0.95);

}  // namespace experiments
