// The customer-lifecycle mechanisms one at a time, through their C++ APIs.
// Statistical checks use fixed seeds and allow 5 standard errors.
#include "models/mechanisms/Acquisition.hpp"
#include "models/mechanisms/FirmChoice.hpp"
#include "models/mechanisms/Purchases.hpp"
#include "models/mechanisms/RecoveryParadox.hpp"
#include "models/mechanisms/RelationshipLadder.hpp"
#include "models/mechanisms/SatisfactionUpdate.hpp"
#include "models/mechanisms/SwitchingHazard.hpp"
#include "models/mechanisms/TarpTable.hpp"
#include "sim/population/AgentValue.hpp"
#include "sim/random/Distribution.hpp"
#include "sim/stats/GroupTopShare.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace {

using namespace models;

// A uniform word at the centre of the x-th of n equal slices of [0, 1).
std::uint32_t word_at(double x) {
    return static_cast<std::uint32_t>(x * 4294967296.0);
}

TEST(RelationshipLadder, ClimbsOnlyWhenTheConditionsHold) {
    RelationshipLadder ladder;
    ladder.enabled = true;
    ladder.promote = {1.0, 1.0, 1.0};
    // A customer needs client_purchases purchases.
    EXPECT_EQ(ladder.next({Stage::Customer, 0.7, 1, 10}, 0), Stage::Customer);
    EXPECT_EQ(ladder.next({Stage::Customer, 0.7, 2, 10}, 0), Stage::Client);
    // A client needs satisfaction and tenure.
    EXPECT_EQ(ladder.next({Stage::Client, 0.79, 5, 20}, 0), Stage::Client);
    EXPECT_EQ(ladder.next({Stage::Client, 0.8, 5, 11}, 0), Stage::Client);
    EXPECT_EQ(ladder.next({Stage::Client, 0.8, 5, 12}, 0), Stage::Advocate);
    EXPECT_EQ(ladder.next({Stage::Advocate, 0.95, 5, 52}, 0), Stage::Partner);
    EXPECT_EQ(ladder.next({Stage::Partner, 0.95, 5, 99}, 0), Stage::Partner);
    EXPECT_EQ(ladder.next({Stage::Prospect, 0.95, 5, 99}, 0), Stage::Prospect);
}

TEST(RelationshipLadder, SlipsFromTheTopOfTheDrawWhenDissatisfied) {
    RelationshipLadder ladder;
    ladder.enabled = true;
    ladder.promote = {0.2, 0.2, 0.2};
    ladder.demote = {0.3, 0.3, 0.3};
    const LadderPosition unhappy{Stage::Advocate, 0.4, 9, 99};
    EXPECT_EQ(ladder.next(unhappy, word_at(0.5)), Stage::Advocate);                         // in between: stays
    EXPECT_EQ(ladder.next(unhappy, word_at(0.75)), Stage::Client);                          // top 30 %: slips
    EXPECT_EQ(ladder.next({Stage::Customer, 0.1, 0, 0}, word_at(0.99)), Stage::Customer);   // no rung below
    EXPECT_EQ(ladder.next({Stage::Advocate, 0.6, 9, 99}, word_at(0.99)), Stage::Advocate);  // satisfied enough
    ladder.enabled = false;
    EXPECT_EQ(ladder.next(unhappy, word_at(0.99)), Stage::Advocate);
}

// Poisson by inversion against the probability mass function, over a
// uniform grid of draws (a deterministic quadrature of the inverse CDF).
TEST(Purchases, PoissonInversionHasThePoissonDistribution) {
    for (const double mean : {0.05, 1.0, 7.5, 25.0}) {
        constexpr int kGrid = 200000;
        std::vector<double> share(200, 0.0);
        double sum = 0.0;
        for (int g = 0; g < kGrid; ++g) {
            const std::uint32_t k = sim::poisson_by_inversion(mean, word_at((g + 0.5) / kGrid));
            share[std::min<std::size_t>(k, 199)] += 1.0 / kGrid;
            sum += k;
        }
        EXPECT_NEAR(sum / kGrid, mean, 1e-3 * std::max(1.0, mean));
        double pmf = std::exp(-mean);
        for (int k = 0; k < 60; ++k) {
            EXPECT_NEAR(share[static_cast<std::size_t>(k)], pmf, 2.0 / kGrid) << "mean " << mean << ", k " << k;
            pmf *= mean / (k + 1);
        }
    }
}

// Up to the limit a tick's count is the inversion's, from the purchase word;
// above it, none is made here (the market draws it from its own stream).
TEST(Purchases, CountsByInversionUpToTheLimit) {
    for (const double x : {0.0, 0.3, 0.999999}) {
        const std::uint32_t u = word_at(x);
        EXPECT_EQ(count_by_inversion(2.5, u), sim::poisson_by_inversion(2.5, u));
        EXPECT_EQ(count_by_inversion(kInversionLimit, u), sim::poisson_by_inversion(kInversionLimit, u));
        EXPECT_EQ(count_by_inversion(std::nextafter(kInversionLimit, 100.0), u), sim::kNotCounted);
    }
}

TEST(FirmChoice, IsAMultinomialLogit) {
    const std::vector<FirmAppeal> firms = {{0.5, 1.0}, {0.0, 0.8}, {-0.2, 0.5}};
    const double sensitivity = 1.5;
    std::vector<double> expected;
    double total = 0.0;
    for (const auto& f : firms) total += std::exp(f.attractiveness - sensitivity * f.price);
    for (const auto& f : firms) expected.push_back(std::exp(f.attractiveness - sensitivity * f.price) / total);
    constexpr int kGrid = 100000;
    std::vector<double> share(3, 0.0);
    for (int g = 0; g < kGrid; ++g) share[choose_firm(firms, sensitivity, word_at((g + 0.5) / kGrid))] += 1.0 / kGrid;
    for (std::size_t f = 0; f < 3; ++f) EXPECT_NEAR(share[f], expected[f], 2.0 / kGrid);
    // Excluding the firm a switcher leaves renormalises over the others.
    std::fill(share.begin(), share.end(), 0.0);
    for (int g = 0; g < kGrid; ++g)
        share[choose_firm(firms, sensitivity, word_at((g + 0.5) / kGrid), 0)] += 1.0 / kGrid;
    EXPECT_EQ(share[0], 0.0);
    EXPECT_NEAR(share[1], expected[1] / (expected[1] + expected[2]), 2.0 / kGrid);
}

TEST(Acquisition, SplitsAdoptionsBetweenMarketingAndWordOfMouth) {
    Acquisition a;
    a.enabled = true;
    a.external = 0.02;
    a.internal = 0.3;
    a.story_weight = 0.1;
    const double x = 0.5;
    const double h = a.external + a.internal * x + a.story_weight * 2;
    EXPECT_DOUBLE_EQ(a.hazard(x, 2), h);
    EXPECT_DOUBLE_EQ(a.hazard(x, -3), a.external + a.internal * x);  // negative counts carry no awareness
    const double p = 1.0 - std::exp(-h);
    constexpr int kGrid = 100000;
    int marketing = 0, word_of_mouth = 0;
    for (int g = 0; g < kGrid; ++g) {
        const AcquisitionSource s = a.adopts(x, 2, word_at((g + 0.5) / kGrid));
        marketing += s == AcquisitionSource::Marketing;
        word_of_mouth += s == AcquisitionSource::WordOfMouth;
    }
    EXPECT_NEAR(marketing / double(kGrid), p * a.external / h, 2.0 / kGrid);
    EXPECT_NEAR((marketing + word_of_mouth) / double(kGrid), p, 2.0 / kGrid);
    Acquisition none;
    none.external = none.internal = 0.0;
    EXPECT_EQ(none.adopts(1.0, 0, 0), AcquisitionSource::None);
}

// adopts() skips the exponential for draws at or above the hazard; that
// must never change an outcome. Checked against the plain rule for hazards
// from 1e-12 to 30 and draws on both sides of each.
TEST(Acquisition, ShortcutGivesThePlainRulesOutcomes) {
    Acquisition a;
    a.internal = 0.0;
    a.story_weight = 0.0;
    for (double h = 1e-12; h < 30.0; h *= 1.37) {
        a.external = h;
        const double p = -std::expm1(-h);
        ASSERT_LE(p, h) << "hazard " << h;
        for (const double x :
             {0.0, p * 0.999, std::nextafter(p, 0.0), p, std::nextafter(p, 1.0), h, h * 1.001, 0.5, 0.999999}) {
            if (x >= 1.0) continue;
            const auto word = static_cast<std::uint32_t>(std::min(x * 0x1p32, 4294967295.0));
            const double u = sim::to_unit(word);
            const AcquisitionSource plain = u >= p                     ? AcquisitionSource::None
                                            : u < p * (a.external / h) ? AcquisitionSource::Marketing
                                                                       : AcquisitionSource::WordOfMouth;
            EXPECT_EQ(a.adopts(0.0, 0, word), plain) << "hazard " << h << ", draw " << u;
        }
    }
}

TEST(RecoveryParadox, AppliesOnlyUnderItsLiteratureConditions) {
    RecoveryParadox p;
    EXPECT_FALSE(p.applies(0, Severity::Minor, Outcome::ResolvedQuickly));  // off by default
    p.enabled = true;
    EXPECT_TRUE(p.applies(0, Severity::Minor, Outcome::ResolvedQuickly));
    EXPECT_FALSE(p.applies(1, Severity::Minor, Outcome::ResolvedQuickly));  // a second failure
    EXPECT_FALSE(p.applies(0, Severity::Major, Outcome::ResolvedQuickly));  // severe
    EXPECT_FALSE(p.applies(0, Severity::Minor, Outcome::Resolved));         // not excellent
    p.first_failure_only = false;
    p.minor_only = false;
    EXPECT_TRUE(p.applies(3, Severity::Major, Outcome::ResolvedQuickly));
}

TEST(SatisfactionUpdate, DisconfirmationAnchorsAndAdaptsExpectations) {
    SatisfactionUpdate u;
    u.anchor_weight = 0.8;
    u.disconfirmation_weight = 0.5;
    u.expectation_adaptation = 0.1;
    // Better than expected: the transaction beats performance itself.
    const SatisfactionState after = u.after_encounter({0.6, 0.7}, 0.9);
    EXPECT_DOUBLE_EQ(after.satisfaction, 0.8 * 0.6 + 0.2 * (0.9 + 0.5 * 0.2));
    EXPECT_DOUBLE_EQ(after.expectation, 0.7 + 0.1 * 0.2);
    // Worse than expected, clamped at 0.
    EXPECT_DOUBLE_EQ(u.after_encounter({0.5, 0.9}, 0.1).satisfaction, 0.8 * 0.5);
}

// The logistic shape (docs/fast-paths.md's worked example): half the hazard
// at the midpoint, nearly all of it well below, nearly none well above
// (1 / (1 + e^-6) = 0.9975, 1 / (1 + e^6) = 0.0025).
TEST(SwitchingHazard, LogisticDriftFallsAroundItsMidpoint) {
    models::SwitchingHazard h;
    h.shape = models::DriftShape::Logistic;
    h.drift_hazard = 0.04;
    h.logistic_midpoint = 0.6;
    h.logistic_steepness = 20.0;
    EXPECT_DOUBLE_EQ(h.drift(0.6), 0.02);
    EXPECT_NEAR(h.drift(0.3), 0.04 / (1.0 + std::exp(-6.0)), 1e-15);
    EXPECT_GT(h.drift(0.3), 0.04 * 0.997);
    EXPECT_LT(h.drift(0.9), 0.04 * 0.003);
    EXPECT_GT(h.drift(0.5), h.drift(0.7));
    h.convexity = 2.0;  // a power-shape parameter: no effect on the logistic shape
    EXPECT_DOUBLE_EQ(h.drift(0.6), 0.02);
}

TEST(SwitchingHazard, DriftIsConvexInDissatisfaction) {
    SwitchingHazard h;
    EXPECT_DOUBLE_EQ(h.drift(0.7), 0.02 * 0.3);  // RM-1
    h.convexity = 2.0;
    EXPECT_DOUBLE_EQ(h.drift(0.7), 0.02 * 0.09);
    EXPECT_DOUBLE_EQ(SwitchingHazard{}.after_failure(0.37, 1.0), 0.63);
    EXPECT_DOUBLE_EQ(SwitchingHazard{}.after_failure(0.37, 0.5), 0.315);  // the barrier, whole by default
    SwitchingHazard drift_only;
    drift_only.barrier_after_failure = 0.0;
    EXPECT_DOUBLE_EQ(drift_only.after_failure(0.37, 0.5), 0.63);
    SwitchingHazard half;
    half.barrier_after_failure = 0.5;
    EXPECT_DOUBLE_EQ(half.after_failure(0.37, 0.25), 0.315);
}

TEST(TarpTable, GroupsAndHorizon) {
    for (std::size_t g = 0; g < kTarpGroups; ++g) EXPECT_EQ(tarp_group(tarp_severity(g), tarp_outcome(g)), g);
    EXPECT_EQ(tarp_group(Severity::Minor, Outcome::Silent), 0);
    EXPECT_EQ(tarp_group(Severity::Major, Outcome::ResolvedQuickly), 7);
    TarpTracking t;
    EXPECT_TRUE(t.complete(5, 5));  // horizon 1: the failure's own tick
    t.horizon = 4;
    EXPECT_FALSE(t.complete(5, 7));
    EXPECT_TRUE(t.complete(5, 8));
}

TEST(ValueConcentration, TopShareOfEachFirm) {
    // Firm 0: values 1..10 (top 2 of 10 hold 19 of 55); firm 1: one customer;
    // no firm (255) is ignored.
    std::vector<std::uint8_t> firm;
    std::vector<float> value;
    for (int v = 10; v >= 1; --v) {
        firm.push_back(0);
        value.push_back(static_cast<float>(v));
    }
    firm.push_back(1);
    value.push_back(3.0f);
    firm.push_back(255);
    value.push_back(1000.0f);
    const std::vector<double> share = sim::group_top_share(
        std::span<const std::uint8_t>(firm), [&](std::uint32_t i) { return value[i]; }, 3, 0.2);
    EXPECT_DOUBLE_EQ(share[0], 19.0 / 55.0);
    EXPECT_DOUBLE_EQ(share[1], 1.0);
    EXPECT_TRUE(std::isnan(share[2]));
}

TEST(Distribution, DrawsHaveTheConfiguredMean) {
    sim::CounterStream stream(sim::StreamKey{5});
    for (const sim::Distribution d : {sim::Distribution{sim::DistributionKind::LogNormal, 50.0, 1.0},
                                      sim::Distribution{sim::DistributionKind::Gamma, 2.0, 1.0, 0.5},
                                      sim::Distribution{sim::DistributionKind::Beta, 0.25, 1.0, 3.2}}) {
        constexpr int kDraws = 200000;
        double sum = 0.0, sum_sq = 0.0;
        for (int i = 0; i < kDraws; ++i) {
            sim::BlockEngine engine(stream, 1, static_cast<std::uint32_t>(i));
            const double x = d.draw(engine);
            sum += x;
            sum_sq += x * x;
        }
        const double mean = sum / kDraws;
        const double se = std::sqrt((sum_sq / kDraws - mean * mean) / kDraws);
        EXPECT_NEAR(mean, d.mean, 5.0 * se) << "kind " << static_cast<int>(d.kind);
    }
    EXPECT_EQ((sim::Distribution{sim::DistributionKind::Constant, 3.0}).mean, 3.0);
}

TEST(AgentValue, SharedUntilItVaries) {
    sim::AgentValue<float> shared(1.5f);
    EXPECT_FALSE(shared.varies());
    EXPECT_EQ(shared[123456], 1.5f);
    EXPECT_EQ(shared.bytes(), 0u);
    sim::AgentValue<float> column("trait", 4, 1.0f);
    column.set(2, 7.0f);
    EXPECT_TRUE(column.varies());
    EXPECT_EQ(column[1], 1.0f);
    EXPECT_EQ(column[2], 7.0f);
    EXPECT_EQ(column.bytes(), 4 * sizeof(float));
}

}  // namespace
