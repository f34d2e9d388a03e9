// Sensitivity designs and their estimators on functions whose indices are
// known exactly: the Ishigami function (a = 7, b = 0.1) and Sobol's G
// function (Saltelli et al. 2010, section 5), Morris effects of functions
// whose elementary effects are known, and the noise share of data with a
// known split. Statistical checks use fixed seeds; their tolerances come from
// the binomial sampling error of a coverage count and are stated where used.
#include "experiments/plan/SensitivityDesign.hpp"
#include "experiments/plan/SweepSampler.hpp"
#include "experiments/stats/Bootstrap.hpp"
#include "experiments/stats/MorrisEffects.hpp"
#include "experiments/stats/ReplicationNoise.hpp"
#include "experiments/stats/SobolIndices.hpp"
#include "sim/random/BlockEngine.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <iostream>
#include <numbers>
#include <string>
#include <vector>

namespace {

using namespace experiments;
using Function = std::function<double(const std::vector<double>&)>;  // of a point in the unit cube
constexpr double kPi = std::numbers::pi;

SweepSettings design(SweepMethod method, std::size_t k, std::uint32_t points) {
    SweepSettings s;
    s.method = method;
    s.points = points;
    for (std::size_t i = 0; i < k; ++i)
        s.parameters.push_back({"x" + std::to_string(i), 0.0, 1.0, SweepScale::Linear, 2, false});
    return s;
}

// ---- the test functions and their exact indices ------------------------

constexpr double kA = 7.0, kB = 0.1;

double ishigami(const std::vector<double>& u) {
    const double x1 = -kPi + 2 * kPi * u[0], x2 = -kPi + 2 * kPi * u[1], x3 = -kPi + 2 * kPi * u[2];
    return std::sin(x1) + kA * std::sin(x2) * std::sin(x2) + kB * std::pow(x3, 4) * std::sin(x1);
}

struct Exact {
    std::vector<double> first, total;
    std::vector<std::vector<double>> second;  // [i][j], i < j
};

// Ishigami's variances: V1 = 1/2 + b pi^4/5 + b^2 pi^8/50, V2 = a^2/8, V3 = 0,
// V13 = 8 b^2 pi^8 / 225, no other interaction.
Exact ishigami_exact() {
    const double pi4 = std::pow(kPi, 4), pi8 = std::pow(kPi, 8);
    const double v1 = 0.5 + kB * pi4 / 5 + kB * kB * pi8 / 50, v2 = kA * kA / 8, v13 = 8 * kB * kB * pi8 / 225;
    const double v = v1 + v2 + v13;
    return {{v1 / v, v2 / v, 0.0}, {(v1 + v13) / v, v2 / v, v13 / v}, {{0, 0, v13 / v}, {0, 0, 0}, {0, 0, 0}}};
}

const std::vector<double> kG = {0, 1, 4.5, 9, 99, 99};

double g_function(const std::vector<double>& u) {
    double y = 1;
    for (std::size_t i = 0; i < kG.size(); ++i) y *= (std::abs(4 * u[i] - 2) + kG[i]) / (1 + kG[i]);
    return y;
}

// G's partial variances V_i = 1 / (3 (1 + a_i)^2); V = prod (1 + V_i) - 1;
// a total effect is V_i prod_{j != i} (1 + V_j); a pair's closed effect V_i V_j.
Exact g_exact() {
    std::vector<double> vi;
    double all = 1;
    for (const double a : kG) vi.push_back(1 / (3 * (1 + a) * (1 + a))), all *= 1 + vi.back();
    const double v = all - 1;
    Exact e;
    e.second.assign(kG.size(), std::vector<double>(kG.size(), 0.0));
    for (std::size_t i = 0; i < kG.size(); ++i) {
        e.first.push_back(vi[i] / v);
        e.total.push_back(vi[i] * all / (1 + vi[i]) / v);
        for (std::size_t j = i + 1; j < kG.size(); ++j) e.second[i][j] = vi[i] * vi[j] / v;
    }
    return e;
}

SaltelliOutputs evaluate(const SweepSettings& s, std::uint64_t seed, const Function& f) {
    const SaltelliLayout at = saltelli_layout(s);
    const UnitPoints points = saltelli_unit_points(s, seed);
    const std::size_t n = s.points, k = s.parameters.size();
    const auto rows = static_cast<Eigen::Index>(n), cols = static_cast<Eigen::Index>(k);
    SaltelliOutputs o{Eigen::ArrayXd(rows), Eigen::ArrayXd(rows), Eigen::ArrayXXd(rows, cols),
                      Eigen::ArrayXXd(rows, at.second_order ? cols : 0)};
    for (std::size_t j = 0; j < n; ++j) {
        const auto r = static_cast<Eigen::Index>(j);
        o.a[r] = f(points[at.a(j)]);
        o.b[r] = f(points[at.b(j)]);
        for (std::size_t i = 0; i < k; ++i) {
            o.ab(r, static_cast<Eigen::Index>(i)) = f(points[at.ab(j, i)]);
            if (at.second_order) o.ba(r, static_cast<Eigen::Index>(i)) = f(points[at.ba(j, i)]);
        }
    }
    return o;
}

std::vector<std::vector<std::size_t>> one_row_each(std::size_t n) {
    std::vector<std::vector<std::size_t>> c(n);
    for (std::size_t j = 0; j < n; ++j) c[j] = {j};
    return c;
}

bool covers(const Interval& v, double exact) {
    return v.low <= exact && exact <= v.high;
}

// ---- designs --------------------------------------------------------------

TEST(SaltelliDesign, MatricesShareTheColumnsTheEstimatorsNeed) {
    SweepSettings s = design(SweepMethod::Saltelli, 3, 16);
    s.sensitivity.second_order = true;
    const SaltelliLayout at = saltelli_layout(s);
    const UnitPoints p = saltelli_unit_points(s, 5);
    ASSERT_EQ(p.size(), 16u * (2 * 3 + 2));
    for (std::size_t j = 0; j < 16; ++j)
        for (std::size_t i = 0; i < 3; ++i)
            for (std::size_t c = 0; c < 3; ++c) {
                // A_B^i: column i from B, the rest from A; B_A^i: column i from A, the rest from B.
                EXPECT_EQ(p[at.ab(j, i)][c], c == i ? p[at.b(j)][c] : p[at.a(j)][c]);
                EXPECT_EQ(p[at.ba(j, i)][c], c == i ? p[at.a(j)][c] : p[at.b(j)][c]);
                EXPECT_GE(p[at.a(j)][c], 0.0);
                EXPECT_LT(p[at.a(j)][c], 1.0);
            }
}

TEST(SaltelliDesign, SameSeedSamePointsOtherSeedOtherShift) {
    SweepSettings s = design(SweepMethod::Saltelli, 2, 8);
    EXPECT_EQ(saltelli_unit_points(s, 1), saltelli_unit_points(s, 1));
    EXPECT_NE(saltelli_unit_points(s, 1), saltelli_unit_points(s, 2));
    s.sensitivity.sampling = SaltelliSampling::Random;
    EXPECT_EQ(saltelli_unit_points(s, 1), saltelli_unit_points(s, 1));
    EXPECT_NE(saltelli_unit_points(s, 1), saltelli_unit_points(s, 2));
}

TEST(SaltelliDesign, SweepMapsItToTheRanges) {
    SweepSettings s = design(SweepMethod::Saltelli, 2, 8);
    s.parameters[1] = {"y", 10.0, 1000.0, SweepScale::Log, 2, false};
    const auto points = sample_sweep(s, 3);
    const UnitPoints unit = saltelli_unit_points(s, 3);
    ASSERT_EQ(points.size(), unit.size());
    for (std::size_t p = 0; p < points.size(); ++p) {
        EXPECT_DOUBLE_EQ(points[p][0], unit[p][0]);
        EXPECT_NEAR(points[p][1], std::exp(std::log(10.0) + unit[p][1] * std::log(100.0)), 1e-9 * points[p][1]);
    }
}

TEST(SaltelliDesign, RefusesTooFewBaseSamplesAndLonelySecondOrder) {
    SweepSettings s = design(SweepMethod::Saltelli, 2, kMinSaltelliBaseSamples - 1);
    EXPECT_THROW(sample_sweep(s, 1), std::invalid_argument);
    s = design(SweepMethod::Saltelli, 1, 16);
    s.sensitivity.second_order = true;
    EXPECT_THROW(sample_sweep(s, 1), std::invalid_argument);
}

TEST(MorrisDesign, EachStepMovesOneParameterByDeltaOnTheGrid) {
    SweepSettings s = design(SweepMethod::Morris, 4, 30);
    s.sensitivity.levels = 6;
    const MorrisDesign d = morris_design(s, 9);
    const double delta = 6.0 / (2 * 5);
    EXPECT_DOUBLE_EQ(d.delta, delta);
    ASSERT_EQ(d.points.size(), 30u * 5);
    ASSERT_EQ(d.steps.size(), 30u * 4);
    for (std::size_t t = 0; t < 30; ++t) {
        std::vector<int> moved(4, 0);
        for (std::size_t s2 = 0; s2 < 4; ++s2) {
            const auto& from = d.points[t * 5 + s2];
            const auto& to = d.points[t * 5 + s2 + 1];
            const MorrisStep step = d.steps[t * 4 + s2];
            ++moved[step.parameter];
            for (std::size_t i = 0; i < 4; ++i) {
                const double level = to[i] * 5;  // levels are l / (p - 1)
                EXPECT_NEAR(level, std::round(level), 1e-12);
                EXPECT_GE(to[i], 0.0);
                EXPECT_LE(to[i], 1.0);
                EXPECT_NEAR(to[i] - from[i], i == step.parameter ? step.direction * delta : 0.0, 1e-12);
            }
        }
        for (const int m : moved) EXPECT_EQ(m, 1);  // every parameter moves once per trajectory
    }
}

TEST(MorrisDesign, RefusesOddLevelsAndTooFewTrajectories) {
    SweepSettings s = design(SweepMethod::Morris, 2, 10);
    s.sensitivity.levels = 5;
    EXPECT_THROW(sample_sweep(s, 1), std::invalid_argument);
    s.sensitivity.levels = 4;
    s.points = kMinMorrisTrajectories - 1;
    EXPECT_THROW(sample_sweep(s, 1), std::invalid_argument);
}

// ---- Sobol indices --------------------------------------------------------

void expect_exact_inside(const SobolIntervals& got, const Exact& exact, const std::string& what) {
    for (std::size_t i = 0; i < exact.first.size(); ++i) {
        EXPECT_TRUE(covers(got.first[i], exact.first[i]))
            << what << " S1_" << i << " exact " << exact.first[i] << " not in [" << got.first[i].low << ", "
            << got.first[i].high << "] (estimate " << got.first[i].estimate << ")";
        EXPECT_TRUE(covers(got.total[i], exact.total[i]))
            << what << " ST_" << i << " exact " << exact.total[i] << " not in [" << got.total[i].low << ", "
            << got.total[i].high << "] (estimate " << got.total[i].estimate << ")";
        for (std::size_t j = i + 1; j < got.second.size(); ++j)
            EXPECT_TRUE(covers(got.second[i][j], exact.second[i][j]))
                << what << " S2_" << i << j << " exact " << exact.second[i][j] << " not in [" << got.second[i][j].low
                << ", " << got.second[i][j].high << "]";
    }
}

TEST(SobolIndices, IshigamiExactIndicesLieInTheIntervals) {
    SweepSettings s = design(SweepMethod::Saltelli, 3, 4096);
    s.sensitivity.second_order = true;
    const SobolIntervals got = sobol_indices(evaluate(s, 11, ishigami), one_row_each(4096), {500, 7, 0.95});
    expect_exact_inside(got, ishigami_exact(), "Ishigami");
    // And the intervals are informative: they tell the three parameters' first-order effects apart.
    EXPECT_GT(got.first[1].low, got.first[0].high);
    EXPECT_GT(got.first[0].low, got.first[2].high);
}

TEST(SobolIndices, GFunctionExactIndicesLieInTheIntervals) {
    SweepSettings s = design(SweepMethod::Saltelli, 6, 4096);
    s.sensitivity.second_order = true;
    const SobolIntervals got = sobol_indices(evaluate(s, 12, g_function), one_row_each(4096), {500, 8, 0.95});
    expect_exact_inside(got, g_exact(), "G");
    EXPECT_GT(got.first[0].low, got.first[1].high);  // a = 0 matters more than a = 1
}

TEST(SobolIndices, NoiselessAdditiveFunctionHasExactIndices) {
    // y = x0 + 2 x1: S1 = ST = (1, 4) / 5; with N = 2048 the estimators' error is below 0.02.
    SweepSettings s = design(SweepMethod::Saltelli, 2, 2048);
    const auto f = [](const std::vector<double>& u) { return u[0] + 2 * u[1]; };
    const SobolEstimates e = jansen_indices(evaluate(s, 3, f));
    EXPECT_NEAR(e.first[0], 0.2, 0.02);
    EXPECT_NEAR(e.first[1], 0.8, 0.02);
    EXPECT_NEAR(e.total[0], 0.2, 0.02);
    EXPECT_NEAR(e.total[1], 0.8, 0.02);
}

// Over M independent designs (random sampling: independent rows, where the
// bootstrap's theory holds), a 95 % interval covers the exact index about
// 0.95 M times. The count is binomial(M, 0.95) if the intervals are right;
// 3.5 of its standard deviations, sqrt(M 0.95 0.05), bound the check (for
// M = 200: 190 +- 10.8), so a correct interval fails it with chance below
// 5e-4 per index. Percentile intervals of a ratio undercover a little at
// small N; N = 512 keeps that inside the bound (measured: see docs/sensitivity.md).
TEST(SobolIndices, IshigamiIntervalsCoverAtTheirNominalRate) {
    constexpr int kDesigns = 200;
    constexpr double kNominal = 0.95;
    const Exact exact = ishigami_exact();
    SweepSettings s = design(SweepMethod::Saltelli, 3, 512);
    s.sensitivity.sampling = SaltelliSampling::Random;
    std::vector<int> first(3, 0), total(3, 0);
    for (int m = 0; m < kDesigns; ++m) {
        const SobolIntervals got =
            sobol_indices(evaluate(s, 1000 + m, ishigami), one_row_each(512), {400, 5000u + m, kNominal});
        for (std::size_t i = 0; i < 3; ++i)
            first[i] += covers(got.first[i], exact.first[i]), total[i] += covers(got.total[i], exact.total[i]);
    }
    const double expected = kNominal * kDesigns, tolerance = 3.5 * std::sqrt(kDesigns * kNominal * (1 - kNominal));
    for (std::size_t i = 0; i < 3; ++i) {
        std::cout << "coverage of " << kDesigns << " designs: S1_" << i << " " << first[i] << ", ST_" << i << " "
                  << total[i] << "\n";
        EXPECT_NEAR(first[i], expected, tolerance) << "S1_" << i << " covered " << first[i] << " of " << kDesigns;
        EXPECT_NEAR(total[i], expected, tolerance) << "ST_" << i << " covered " << total[i] << " of " << kDesigns;
    }
}

// ---- Morris ---------------------------------------------------------------

Eigen::ArrayXXd elementary_effects(const SweepSettings& s, const MorrisDesign& d, const Function& f) {
    const std::size_t k = s.parameters.size(), r = s.points;
    Eigen::ArrayXXd ee(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(k));
    for (std::size_t t = 0; t < r; ++t)
        for (std::size_t st = 0; st < k; ++st) {
            const MorrisStep step = d.steps[t * k + st];
            ee(static_cast<Eigen::Index>(t), step.parameter) =
                (f(d.points[t * (k + 1) + st + 1]) - f(d.points[t * (k + 1) + st])) / (step.direction * d.delta);
        }
    return ee;
}

TEST(MorrisEffects, LinearFunctionHasItsSlopesAndNoSpread) {
    const SweepSettings s = design(SweepMethod::Morris, 3, 20);
    const MorrisDesign d = morris_design(s, 4);
    const auto f = [](const std::vector<double>& u) { return 3 * u[0] - 2 * u[1] + 0.5 * u[2]; };
    const MorrisIntervals m = morris_effects(elementary_effects(s, d, f), one_row_each(20), {200, 1, 0.95});
    const double slope[] = {3, -2, 0.5};
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_NEAR(m.mu[i].estimate, slope[i], 1e-12);
        EXPECT_NEAR(m.mu_star[i].estimate, std::abs(slope[i]), 1e-12);
        EXPECT_NEAR(m.sigma[i].estimate, 0.0, 1e-12);
    }
}

// y = x0^2 + x1: with p levels the effect of x0 is 2 x + delta for x uniform
// on the lower half levels {0, .., (p/2 - 1)/(p - 1)}, so mu* = mu = 2 E[x] +
// delta = 1 exactly for any even p, and sigma = 2 sd(x).
TEST(MorrisEffects, QuadraticEffectsMatchTheirExpectations) {
    SweepSettings s = design(SweepMethod::Morris, 2, 400);
    s.sensitivity.levels = 4;
    const MorrisDesign d = morris_design(s, 6);
    const auto f = [](const std::vector<double>& u) { return u[0] * u[0] + u[1]; };
    const MorrisIntervals m = morris_effects(elementary_effects(s, d, f), one_row_each(400), {1000, 2, 0.95});
    // x in {0, 1/3}: sd (population) 1/6, so sigma = 1/3.
    EXPECT_TRUE(covers(m.mu_star[0], 1.0)) << m.mu_star[0].low << " " << m.mu_star[0].high;
    EXPECT_TRUE(covers(m.sigma[0], 1.0 / 3.0)) << m.sigma[0].low << " " << m.sigma[0].high;
    EXPECT_NEAR(m.mu_star[1].estimate, 1.0, 1e-12);
}

// ---- noise share and bootstrap -------------------------------------------

TEST(ReplicationNoise, RecoversAKnownSplit) {
    // Point effects +-1 (their sample variance exactly 400/399), noise of variance 3.
    sim::CounterStream stream(sim::StreamKey{77});
    std::vector<std::vector<double>> y(400, std::vector<double>(4));
    for (std::uint32_t p = 0; p < 400; ++p) {
        sim::BlockEngine e(stream, 0, p);
        const auto normal = [&] {  // Box-Muller from two words
            const double u1 = (e() + 0.5) * 0x1p-32, u2 = e() * 0x1p-32;
            return std::sqrt(-2 * std::log(u1)) * std::cos(2 * kPi * u2);
        };
        const double effect = p % 2 ? 1.0 : -1.0;
        for (auto& v : y[p]) v = effect + std::sqrt(3.0) * normal();
    }
    const Interval share = noise_share_interval(y, {1000, 3, 0.95});
    EXPECT_TRUE(covers(share, 3.0 / (3.0 + 400.0 / 399.0)))
        << share.estimate << " [" << share.low << ", " << share.high << "]";
    EXPECT_LT(share.high - share.low, 0.15);
    // No noise at all: every replication of a point alike.
    for (auto& point : y) point.assign(4, point[0]);
    EXPECT_EQ(noise_share(y), 0.0);
}

TEST(Bootstrap, DependsOnItsSeedAlone) {
    std::vector<double> x;
    for (int i = 0; i < 50; ++i) x.push_back(std::sin(i * 1.3));
    const auto mean = [&](const std::vector<std::size_t>& c) {
        double s = 0;
        for (const auto i : c) s += x[i];
        return std::vector<double>{s / c.size()};
    };
    const Interval a = bootstrap_intervals(50, mean, {300, 9, 0.9}).front();
    const Interval b = bootstrap_intervals(50, mean, {300, 9, 0.9}).front();
    const Interval c = bootstrap_intervals(50, mean, {300, 10, 0.9}).front();
    EXPECT_EQ(a.low, b.low);
    EXPECT_EQ(a.high, b.high);
    EXPECT_NE(a.low, c.low);
    EXPECT_LT(a.low, a.estimate);
    EXPECT_GT(a.high, a.estimate);
    EXPECT_DOUBLE_EQ(quantile({1, 2, 3, 4}, 0.5), 2.5);
    EXPECT_DOUBLE_EQ(quantile({4, NAN, 1}, 1.0), 4.0);
}

}  // namespace
