// RM-1's markets in the quiet loops (QuietLifecycle.hpp: the one fast
// kernel, which RM-1's customers, who buy once every tick, share with the
// lifecycle's) give bit for bit what the general loops give: every tally and the whole customer state, tick by
// tick, for RM-1 and for variations that send customers down both paths
// (prospects, dissatisfied tellers, open TARP observations, a population
// that does not fill the last group of four, another drift shape).
#include "models/market/Market.hpp"
#include "sim/network/Generators.hpp"

#include "tests/support/LoopVariations.hpp"
#include "tests/support/Rm1Params.hpp"
#include "tests/support/SameBits.hpp"

#include <gtest/gtest.h>

#include <tuple>

namespace {

using testing_support::same_column;
using testing_support::same_tally;
using testing_support::Variation;

class Rm1Loops : public testing_support::VariationsWithAndWithoutVectors {};

// Each variation runs with the vector loops (where the processor has AVX2)
// and with the scalar ones.
TEST_P(Rm1Loops, GiveWhatTheGeneralLoopsGive) {
    const Variation& variation = std::get<0>(GetParam());
    // 20,003 customers: the last chunk (16,384 each) ends three short of a
    // group of four, so the loops' tails run too.
    models::MarketParams p = testing_support::rm1_params(20003);
    variation.change(p);
    const sim::Network network =
        sim::watts_strogatz(p.population.size, sim::SmallWorldParams{}, sim::CounterStream({5}));
    models::Market lean(p, network, sim::StreamKey{31});
    models::Market general(p, network, sim::StreamKey{31});
    ASSERT_TRUE(lean.decides_in_stages() && lean.settles_in_stages())
        << "the variation left the quiet loops: the test would compare nothing";
    general.use_general_loops();
    ASSERT_FALSE(general.decides_in_stages() || general.settles_in_stages());
    for (std::uint32_t tick = 0; tick < 10; ++tick) {
        lean.step(tick);
        general.step(tick);
        for (std::size_t f = 0; f < p.firms.size(); ++f)
            ASSERT_TRUE(same_tally(lean.tally()[f], general.tally()[f])) << "firm " << f << ", tick " << tick;
        EXPECT_EQ(lean.market_tally().prospects, general.market_tally().prospects);
        EXPECT_EQ(lean.market_tally().lapsed, general.market_tally().lapsed);
        const auto& a = lean.customers();
        const auto& b = general.customers();
        ASSERT_TRUE(same_column(a.firm, b.firm)) << "tick " << tick;
        ASSERT_TRUE(same_column(a.satisfaction, b.satisfaction)) << "tick " << tick;
        ASSERT_TRUE(same_column(a.next_satisfaction, b.next_satisfaction)) << "tick " << tick;
        ASSERT_TRUE(same_column(a.outcome, b.outcome)) << "tick " << tick;
        ASSERT_TRUE(same_column(a.stories, b.stories)) << "tick " << tick;
        ASSERT_TRUE(same_column(a.status, b.status)) << "tick " << tick;
        ASSERT_TRUE(same_column(a.since, b.since)) << "tick " << tick;
        ASSERT_TRUE(same_column(a.failures, b.failures)) << "tick " << tick;
        ASSERT_TRUE(same_column(a.tarp_group, b.tarp_group)) << "tick " << tick;
        ASSERT_TRUE(same_column(a.stage, b.stage)) << "tick " << tick;
        ASSERT_TRUE(same_column(a.purchases, b.purchases)) << "tick " << tick;
        ASSERT_TRUE(same_column(a.monetary, b.monetary)) << "tick " << tick;
        ASSERT_TRUE(same_column(a.expectation, b.expectation)) << "tick " << tick;
        ASSERT_TRUE(same_column(a.last_firm, b.last_firm)) << "tick " << tick;
    }
    // The comparison saw both kinds of customers: some switched, some failed.
    EXPECT_GT(lean.tally()[0].switched_out, 0);
    EXPECT_GT(lean.tally()[0].outcomes[models::index(models::Outcome::NoFailure)], 0);
}

const Variation kVariations[] = {
    {"Rm1", [](models::MarketParams&) {}},
    {"DissatisfiedTell", [](models::MarketParams& p) { p.mechanisms.word_of_mouth.dissatisfied_below = 0.65; }},
    {"ProspectsAdopt",
     [](models::MarketParams& p) {
         p.population.initial_prospects = 0.3;
         p.mechanisms.acquisition.enabled = true;
     }},
    {"TarpHorizonFour", [](models::MarketParams& p) { p.mechanisms.tarp.horizon = 4; }},
    {"SquaredDrift", [](models::MarketParams& p) { p.mechanisms.switching.convexity = 2.0; }},
    {"OtherDrift", [](models::MarketParams& p) { p.mechanisms.switching.convexity = 1.5; }},
    {"LogisticDrift", [](models::MarketParams& p) { p.mechanisms.switching.shape = models::DriftShape::Logistic; }},
    {"UnequalFirms",
     [](models::MarketParams& p) {
         p.firms[1].service.failure_rate = 0.25;
         p.firms[0].initial_share = 0.8;
         p.firms[1].initial_share = 0.2;
     }},
};

INSTANTIATE_TEST_SUITE_P(Variations, Rm1Loops,
                         ::testing::Combine(::testing::ValuesIn(kVariations), testing_support::every_kind_of_loop()),
                         testing_support::variation_name);

}  // namespace
