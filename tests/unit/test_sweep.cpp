// Parameter sweeps: grid, Latin hypercube and Sobol points, their ranges and
// scales, reproducibility from the seed, and the settings they refuse.
#include "experiments/plan/SweepSampler.hpp"

#include <gtest/gtest.h>

#include <boost/random/sobol.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using experiments::sample_sweep;
using experiments::SweepMethod;
using experiments::SweepParameter;
using experiments::SweepScale;
using experiments::SweepSettings;
using Points = std::vector<std::vector<double>>;

SweepParameter linear(const std::string& key, double low, double high, std::uint32_t steps = 2) {
    return {key, low, high, SweepScale::Linear, steps, false};
}

SweepParameter logscale(const std::string& key, double low, double high, std::uint32_t steps = 2) {
    return {key, low, high, SweepScale::Log, steps, false};
}

// Where v falls among n equal strata of the parameter's range, in its scale.
int stratum(const SweepParameter& p, double v, std::uint32_t n) {
    const double u = p.scale == SweepScale::Log ? (std::log(v) - std::log(p.low)) / (std::log(p.high) - std::log(p.low))
                                                : (v - p.low) / (p.high - p.low);
    return static_cast<int>(std::floor(u * n));
}

// Points per stratum of parameter k.
std::vector<int> stratum_counts(const Points& points, const SweepParameter& p, std::size_t k, std::uint32_t n) {
    std::vector<int> counts(n, 0);
    for (const auto& point : points) {
        const int s = stratum(p, point[k], n);
        EXPECT_GE(s, 0);
        EXPECT_LT(s, static_cast<int>(n));
        if (s >= 0 && s < static_cast<int>(n)) ++counts[s];
    }
    return counts;
}

// ---- grid -----------------------------------------------------------------

TEST(SweepGrid, CountIsProductOfSteps) {
    const SweepSettings s{SweepMethod::Grid, {linear("a", 0, 1, 3), linear("b", 0, 1, 4), linear("c", 0, 1, 5)}, 0};
    const Points points = sample_sweep(s, 1);
    ASSERT_EQ(points.size(), 60u);
    for (const auto& point : points) EXPECT_EQ(point.size(), 3u);
}

TEST(SweepGrid, EndpointsAreExact) {
    // 0.1 and 0.7 are not exactly representable, so a computed end could miss them.
    const SweepSettings s{SweepMethod::Grid, {linear("a", 0.1, 0.7, 7), logscale("b", 0.1, 0.7, 7)}, 0};
    const Points points = sample_sweep(s, 1);
    EXPECT_EQ(points.front()[0], 0.1);
    EXPECT_EQ(points.front()[1], 0.1);
    EXPECT_EQ(points.back()[0], 0.7);
    EXPECT_EQ(points.back()[1], 0.7);
}

TEST(SweepGrid, LastParameterVariesFastest) {
    const SweepSettings s{SweepMethod::Grid, {linear("a", 0, 1, 2), linear("b", 10, 30, 3)}, 0};
    const Points expected = {{0, 10}, {0, 20}, {0, 30}, {1, 10}, {1, 20}, {1, 30}};
    EXPECT_EQ(sample_sweep(s, 1), expected);
}

TEST(SweepGrid, LinearStepsAreEven) {
    const SweepSettings s{SweepMethod::Grid, {linear("a", -1, 1, 5)}, 0};
    const Points points = sample_sweep(s, 1);
    const std::vector<double> expected = {-1, -0.5, 0, 0.5, 1};
    for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_DOUBLE_EQ(points[i][0], expected[i]) << i;
}

TEST(SweepGrid, LogStepsAreGeometric) {
    const SweepSettings s{SweepMethod::Grid, {logscale("a", 0.01, 100, 5)}, 0};
    const Points points = sample_sweep(s, 1);
    ASSERT_EQ(points.size(), 5u);
    for (std::size_t i = 1; i < points.size(); ++i) EXPECT_NEAR(points[i][0] / points[i - 1][0], 10.0, 1e-12) << i;
    EXPECT_NEAR(points[2][0], 1.0, 1e-15);
}

TEST(SweepGrid, IntegerValuesAreRounded) {
    SweepParameter size = linear("population.size", 100, 200, 4);  // 100, 133.3, 166.7, 200
    size.integer = true;
    const Points points = sample_sweep({SweepMethod::Grid, {size}, 0}, 1);
    const Points expected = {{100}, {133}, {167}, {200}};
    EXPECT_EQ(points, expected);
}

TEST(SweepGrid, OneStepGivesLow) {
    const Points points = sample_sweep({SweepMethod::Grid, {linear("a", 3, 9, 1), logscale("b", 2, 8, 1)}, 0}, 1);
    const Points expected = {{3, 2}};
    EXPECT_EQ(points, expected);
}

TEST(SweepGrid, NoParametersGiveOneEmptyPoint) {
    const Points points = sample_sweep({SweepMethod::Grid, {}, 0}, 1);
    ASSERT_EQ(points.size(), 1u);
    EXPECT_TRUE(points[0].empty());
}

// ---- Latin hypercube ------------------------------------------------------

SweepSettings lhs(std::uint32_t points) {
    SweepSettings settings;
    settings.method = SweepMethod::LatinHypercube;
    settings.parameters = {linear("firms.0.recovery.quick", 0, 1), linear("b", -5, 3), logscale("c", 1e-3, 10)};
    settings.points = points;
    return settings;
}

TEST(SweepLatinHypercube, OnePointPerStratumInEveryParameter) {
    for (std::uint32_t n : {1u, 2u, 7u, 50u, 256u}) {
        const SweepSettings s = lhs(n);
        const Points points = sample_sweep(s, 2026);
        ASSERT_EQ(points.size(), n);
        for (std::size_t k = 0; k < s.parameters.size(); ++k)
            EXPECT_EQ(stratum_counts(points, s.parameters[k], k, n), std::vector<int>(n, 1)) << "n " << n << " k " << k;
    }
}

TEST(SweepLatinHypercube, ValuesInHalfOpenRange) {
    const SweepSettings s = lhs(500);
    for (const auto& point : sample_sweep(s, 7))
        for (std::size_t k = 0; k < point.size(); ++k) {
            EXPECT_GE(point[k], s.parameters[k].low);
            EXPECT_LT(point[k], s.parameters[k].high);
        }
}

// On a log scale the strata are equal in log(value): with a range of four
// decades and 4 points, each decade holds exactly one point (a linear
// stratification would put three of them above 1).
TEST(SweepLatinHypercube, LogScaleStrataAreDecades) {
    const Points points = sample_sweep({SweepMethod::LatinHypercube, {logscale("a", 1e-3, 10)}, 4}, 99);
    std::vector<int> decades(4, 0);
    for (const auto& point : points) ++decades[static_cast<int>(std::floor(std::log10(point[0]))) + 3];
    EXPECT_EQ(decades, std::vector<int>(4, 1));
}

TEST(SweepLatinHypercube, SameSeedSamePoints) {
    EXPECT_EQ(sample_sweep(lhs(40), 5), sample_sweep(lhs(40), 5));
}

TEST(SweepLatinHypercube, DifferentSeedDifferentPoints) {
    const Points a = sample_sweep(lhs(40), 5), b = sample_sweep(lhs(40), 6);
    for (std::size_t k = 0; k < 3; ++k) {
        int same = 0;
        for (std::size_t p = 0; p < a.size(); ++p) same += a[p][k] == b[p][k];
        EXPECT_EQ(same, 0) << k;
    }
}

// Each parameter draws from its own substream, so appending a parameter (or
// removing the last) leaves the other columns as they were.
TEST(SweepLatinHypercube, ParameterCountDoesNotShiftOtherColumns) {
    SweepSettings two = lhs(30);
    two.parameters.pop_back();
    const Points a = sample_sweep(lhs(30), 11), b = sample_sweep(two, 11);
    ASSERT_EQ(b.size(), 30u);
    for (std::size_t p = 0; p < a.size(); ++p) {
        ASSERT_EQ(b[p].size(), 2u);
        EXPECT_EQ(b[p][0], a[p][0]);
        EXPECT_EQ(b[p][1], a[p][1]);
    }
}

TEST(SweepLatinHypercube, NoParametersGiveEmptyPoints) {
    const Points points = sample_sweep({SweepMethod::LatinHypercube, {}, 5}, 1);
    ASSERT_EQ(points.size(), 5u);
    for (const auto& point : points) EXPECT_TRUE(point.empty());
}

// ---- Sobol ----------------------------------------------------------------

SweepSettings unit_sobol(std::size_t dims, std::uint32_t points) {
    SweepSettings s{SweepMethod::Sobol, {}, points};
    for (std::size_t k = 0; k < dims; ++k) s.parameters.push_back(linear("x" + std::to_string(k), 0, 1));
    return s;
}

// Boost emits the Sobol points in Gray-code order (Antonov-Saleev) and starts
// after the origin; the values are the ones listed in the class comment of
// boost/random/sobol.hpp (Boost 1.74), checked against this build:
// natural order would give (0.25, 0.75) second.
TEST(SweepSobol, FirstPointsAreBoostsTwoDimensionalSequence) {
    const Points expected = {{0.5, 0.5},     {0.75, 0.25},   {0.25, 0.75},   {0.375, 0.375},
                             {0.875, 0.875}, {0.625, 0.125}, {0.125, 0.625}, {0.1875, 0.3125}};
    EXPECT_EQ(sample_sweep(unit_sobol(2, 8), 1), expected);
}

TEST(SweepSobol, CountRangeAndScale) {
    const SweepSettings s{SweepMethod::Sobol, {linear("a", 2, 4), logscale("b", 1, 100)}, 100};
    const Points points = sample_sweep(s, 1);
    ASSERT_EQ(points.size(), 100u);
    for (const auto& point : points) {
        ASSERT_EQ(point.size(), 2u);
        EXPECT_GE(point[0], 2);
        EXPECT_LT(point[0], 4);
        EXPECT_GE(point[1], 1);
        EXPECT_LT(point[1], 100);
    }
    EXPECT_EQ(points[0][0], 3.0);            // u = 0.5 mid-range
    EXPECT_NEAR(points[0][1], 10.0, 1e-12);  // u = 0.5: geometric middle
}

TEST(SweepSobol, DoesNotDependOnSeed) {
    EXPECT_EQ(sample_sweep(unit_sobol(3, 20), 1), sample_sweep(unit_sobol(3, 20), 2));
}

// The (0, m, s)-net property per coordinate, for 2^k points with k = 6: every
// dyadic interval [j 2^-k, (j + 1) 2^-k) holds exactly one point of each
// block of Sobol indices [i 2^k, (i + 1) 2^k). Because the origin (index 0)
// is skipped, the sweep's first 2^k - 1 points are the first block without
// the origin: every interval but [0, 2^-k) holds exactly one. Its next 2^k
// points are the whole second block (Gray-code order permutes within a block).
TEST(SweepSobol, DyadicIntervalsHoldOnePointPerBlock) {
    constexpr int k = 6;
    constexpr std::uint32_t block = 1u << k;
    const std::size_t dims = 5;
    const Points points = sample_sweep(unit_sobol(dims, 2 * block - 1), 1);
    for (std::size_t d = 0; d < dims; ++d) {
        std::vector<int> first(block, 0), second(block, 0);
        for (std::uint32_t p = 0; p < block - 1; ++p) ++first[static_cast<int>(points[p][d] * block)];
        for (std::uint32_t p = block - 1; p < 2 * block - 1; ++p) ++second[static_cast<int>(points[p][d] * block)];
        std::vector<int> all_but_origin(block, 1);
        all_but_origin[0] = 0;
        EXPECT_EQ(first, all_but_origin) << "dimension " << d;
        EXPECT_EQ(second, std::vector<int>(block, 1)) << "dimension " << d;
    }
}

// Consequence worth pinning down: the first 2^k points of the sweep are not a
// net (the 2^k-th is index 2^k + 2^(k-1) in Gray order, which lands in an
// interval already taken), so a sweep of 2^k - 1 points is the balanced choice.
TEST(SweepSobol, FirstPowerOfTwoPointsDoubleOneInterval) {
    constexpr std::uint32_t block = 64;
    const Points points = sample_sweep(unit_sobol(1, block), 1);
    std::vector<int> counts(block, 0);
    for (const auto& point : points) ++counts[static_cast<int>(point[0] * block)];
    EXPECT_EQ(counts[0], 0);
    EXPECT_EQ(std::count(counts.begin(), counts.end(), 2), 1);
}

TEST(SweepSobol, LargestSupportedDimension) {
    const std::size_t max_dim = boost::random::default_sobol_table::max_dimension;
    const Points points = sample_sweep(unit_sobol(max_dim, 2), 1);
    ASSERT_EQ(points.size(), 2u);
    EXPECT_EQ(points[0], std::vector<double>(max_dim, 0.5));
    EXPECT_THROW(sample_sweep(unit_sobol(max_dim + 1, 2), 1), std::invalid_argument);
}

TEST(SweepSobol, NoParametersGiveEmptyPoints) {
    const Points points = sample_sweep({SweepMethod::Sobol, {}, 3}, 1);
    ASSERT_EQ(points.size(), 3u);
    for (const auto& point : points) EXPECT_TRUE(point.empty());
}

// ---- invalid settings -----------------------------------------------------

// sample_sweep(s) throws std::invalid_argument whose message contains `needle`.
void expect_invalid(const SweepSettings& s, const std::string& needle) {
    try {
        sample_sweep(s, 1);
        ADD_FAILURE() << "no exception; expected one mentioning '" << needle << "'";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
}

TEST(SweepInvalid, RefusedSettingsNameTheParameter) {
    expect_invalid({SweepMethod::Grid, {linear("", 0, 1)}, 0}, "empty key");
    expect_invalid({SweepMethod::Grid, {linear("ok", 0, 1), linear("firms.0.price", 2, 1)}, 0}, "firms.0.price");
    expect_invalid({SweepMethod::LatinHypercube, {linear("firms.0.price", 2, 1)}, 4}, "firms.0.price");
    expect_invalid({SweepMethod::Sobol, {logscale("churn.rate", 0, 1)}, 4}, "churn.rate");
    expect_invalid({SweepMethod::Grid, {logscale("churn.rate", -1, 1)}, 0}, "churn.rate");
    expect_invalid({SweepMethod::Grid, {linear("a", 0, 1, 2), linear("grid.zero", 0, 1, 0)}, 0}, "grid.zero");
    expect_invalid({SweepMethod::Grid, {linear("nan.low", std::nan(""), 1)}, 0}, "nan.low");
    expect_invalid({SweepMethod::Grid, {linear("twice", 0, 1), linear("twice", 0, 2)}, 0}, "twice");
}

TEST(SweepInvalid, ZeroPointsRefused) {
    expect_invalid({SweepMethod::LatinHypercube, {linear("a", 0, 1)}, 0}, "points");
    expect_invalid({SweepMethod::Sobol, {linear("a", 0, 1)}, 0}, "points");
    expect_invalid({SweepMethod::Sobol, {}, 0}, "points");
}

TEST(SweepInvalid, GridBeyondAddressableSizeRefused) {
    // 2^16 * 2^16 = 2^32 points: one more than RunCoordinates::sweep_point can number.
    expect_invalid({SweepMethod::Grid, {linear("a", 0, 1, 1u << 16), linear("b", 0, 1, 1u << 16)}, 0}, "'b'");
}

TEST(SweepValid, LowEqualsHighIsAFixedValue) {
    const SweepSettings s{SweepMethod::LatinHypercube, {linear("a", 2, 2), logscale("b", 3, 3)}, 4};
    for (const auto& point : sample_sweep(s, 1)) EXPECT_EQ(point, (std::vector<double>{2, 3}));
}

}  // namespace
