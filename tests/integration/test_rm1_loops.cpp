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
#include "tests/support/SameCustomers.hpp"

#include <gtest/gtest.h>

#include <tuple>

namespace {

using testing_support::first_difference;
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
        ASSERT_TRUE(testing_support::same_market_tally(lean.market_tally(), general.market_tally())) << "tick " << tick;
        const auto& a = lean.customers();
        const auto& b = general.customers();
        ASSERT_EQ(first_difference(a, b), "") << "tick " << tick;
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
