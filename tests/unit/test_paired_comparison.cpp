// Paired comparison of a policy against the baseline: the statistics of the
// per-replication differences and the t confidence interval.
#include "experiments/stats/PairedComparison.hpp"

#include <gtest/gtest.h>

#include <boost/random/normal_distribution.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

namespace {

using experiments::compare_paired;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Differences {1, 2, 3, 4}: mean 2.5, variance (2.25 + 0.25 + 0.25 + 2.25) / 3
// = 5/3, sd 1.2909944, standard error 0.6454972; t_{0.975, 3} = 3.1824463
// (printed tables) gives the half-width 2.0542602.
TEST(PairedComparison, HandComputedExample) {
    const auto r = compare_paired({11, 12, 13, 14}, {10, 10, 10, 10});
    EXPECT_EQ(r.n, 4u);
    EXPECT_DOUBLE_EQ(r.policy_mean, 12.5);
    EXPECT_DOUBLE_EQ(r.baseline_mean, 10.0);
    EXPECT_DOUBLE_EQ(r.mean_difference, 2.5);
    EXPECT_NEAR(r.sd_difference, 1.2909944, 1e-7);
    EXPECT_NEAR(r.ci_low, 2.5 - 2.0542602, 1e-6);
    EXPECT_NEAR(r.ci_high, 2.5 + 2.0542602, 1e-6);
}

// Same differences at 90 %: t_{0.95, 3} = 2.3533634, half-width 1.5190896.
TEST(PairedComparison, ConfidenceLevelSetsTheQuantile) {
    const auto r = compare_paired({1, 2, 3, 4}, {0, 0, 0, 0}, 0.90);
    EXPECT_NEAR(r.ci_high - r.mean_difference, 1.5190896, 1e-6);
    EXPECT_NEAR(r.mean_difference - r.ci_low, 1.5190896, 1e-6);
}

// With common random numbers the shared noise is in both arms; the difference
// sees only the policy's effect, however large the noise.
TEST(PairedComparison, SharedNoiseCancels) {
    const std::vector<double> baseline = {100, -250, 3, 77, 1e4};
    std::vector<double> policy;
    for (double b : baseline) policy.push_back(b + 0.5);
    const auto r = compare_paired(policy, baseline);
    EXPECT_NEAR(r.mean_difference, 0.5, 1e-12);
    EXPECT_NEAR(r.sd_difference, 0.0, 1e-12);
    EXPECT_NEAR(r.ci_low, 0.5, 1e-10);
    EXPECT_NEAR(r.ci_high, 0.5, 1e-10);
}

TEST(PairedComparison, SinglePairHasNoSpread) {
    const auto r = compare_paired({3}, {1});
    EXPECT_EQ(r.n, 1u);
    EXPECT_DOUBLE_EQ(r.mean_difference, 2.0);
    EXPECT_TRUE(std::isnan(r.sd_difference));
    EXPECT_TRUE(std::isnan(r.ci_low));
    EXPECT_TRUE(std::isnan(r.ci_high));
}

TEST(PairedComparison, NoPairsGiveNaN) {
    const auto r = compare_paired({kNaN}, {1});
    EXPECT_EQ(r.n, 0u);
    EXPECT_TRUE(std::isnan(r.mean_difference));
    EXPECT_TRUE(std::isnan(r.policy_mean));
    EXPECT_TRUE(std::isnan(r.ci_low));
    EXPECT_EQ(compare_paired({}, {}).n, 0u);
}

// A NaN on either side drops the whole pair, from the differences and from
// both means alike.
TEST(PairedComparison, NaNPairsAreLeftOut) {
    const auto r = compare_paired({11, kNaN, 12, 13, 99, 14}, {10, 10, 10, 10, kNaN, 10});
    const auto clean = compare_paired({11, 12, 13, 14}, {10, 10, 10, 10});
    EXPECT_EQ(r.n, 4u);
    EXPECT_DOUBLE_EQ(r.policy_mean, clean.policy_mean);
    EXPECT_DOUBLE_EQ(r.baseline_mean, clean.baseline_mean);
    EXPECT_DOUBLE_EQ(r.mean_difference, clean.mean_difference);
    EXPECT_DOUBLE_EQ(r.sd_difference, clean.sd_difference);
    EXPECT_DOUBLE_EQ(r.ci_low, clean.ci_low);
    EXPECT_DOUBLE_EQ(r.ci_high, clean.ci_high);
}

TEST(PairedComparison, LengthMismatchThrows) {
    EXPECT_THROW(compare_paired({1, 2, 3}, {1, 2}), std::invalid_argument);
}

TEST(PairedComparison, ConfidenceOutsideUnitIntervalThrows) {
    EXPECT_THROW(compare_paired({1, 2}, {0, 0}, 0.0), std::invalid_argument);
    EXPECT_THROW(compare_paired({1, 2}, {0, 0}, 1.0), std::invalid_argument);
    EXPECT_THROW(compare_paired({1, 2}, {0, 0}, kNaN), std::invalid_argument);
}

// Coverage of the 95 % interval with normal differences (mean 0.3, sd 1,
// n = 10), over 4000 simulated experiments. The interval is exact for normal
// data, so the number of covering intervals is Binomial(4000, 0.95): its
// proportion has sd sqrt(0.95 * 0.05 / 4000) = 0.00345, and a tolerance of
// 4 sd (0.0138) fails a correct implementation with probability ~6e-5. A wrong
// quantile fails it: the normal 1.96 instead of t_{0.975, 9} = 2.262 covers
// only ~92 %. Fixed seed, and Boost's normal_distribution (its algorithm is
// fixed, unlike std::normal_distribution's), so the outcome is reproducible.
TEST(PairedComparison, IntervalCoversTheTrueMeanAtTheNominalRate) {
    constexpr int repetitions = 4000;
    constexpr std::size_t n = 10;
    constexpr double effect = 0.3;
    std::mt19937_64 rng(20260101);
    boost::random::normal_distribution<double> noise(0.0, 1.0);
    int covered = 0;
    std::vector<double> policy(n), baseline(n);
    for (int rep = 0; rep < repetitions; ++rep) {
        for (std::size_t r = 0; r < n; ++r) {
            baseline[r] = 5.0;
            policy[r] = baseline[r] + effect + noise(rng);
        }
        const auto result = compare_paired(policy, baseline);
        covered += result.ci_low <= effect && effect <= result.ci_high;
    }
    const double coverage = static_cast<double>(covered) / repetitions;
    const double tolerance = 4.0 * std::sqrt(0.95 * 0.05 / repetitions);
    EXPECT_NEAR(coverage, 0.95, tolerance);
}

}  // namespace
