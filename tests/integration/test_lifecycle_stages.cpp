// The lifecycle decided in stages (Market::decide_batch_in_stages: every
// basket, then the quiet ticks by QuietLifecycle.hpp's loops, then the
// eventful rest) and settled in stages (the movers, then the stayers by
// QuietLifecycle.hpp's loops) gives bit for bit what deciding and settling
// customer by customer gives: every tally and the whole customer state, tick by tick, for the
// full lifecycle config and variations that change which code the quiet
// ticks run (RM-1's satisfaction rule, no ladder, no word of mouth, another
// drift shape, complaints waiting for capacity, four and five firms, how
// prospects adopt, the transaction log), with the scalar loops, the AVX2
// ones and the widest the processor has (the quiet-tick loop has an
// AVX-512 version).
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/run/BuildNetwork.hpp"
#include "models/market/Market.hpp"

#include "tests/support/LoopVariations.hpp"
#include "tests/support/SameCustomers.hpp"

#include <gtest/gtest.h>

#include <tuple>

namespace {

using testing_support::first_difference;
using testing_support::same_tally;
using testing_support::Variation;

class LifecycleStages : public testing_support::VariationsWithAndWithoutVectors {};

TEST_P(LifecycleStages, GiveWhatDecidingCustomerByCustomerGives) {
    const Variation& variation = std::get<0>(GetParam());
    // 20,003 people: the last chunk (16,384 each) ends three short of a
    // group of four, so the vector loop's tail runs too.
    const std::uint32_t people = 20003;
    auto config = experiments::load_experiment_config(CRMSIM_SOURCE_DIR "/configs/examples/lifecycle.yaml",
                                                      {"population.size=" + std::to_string(people)});
    variation.change(config.market);
    const sim::Network network = experiments::build_network(config.network, people, sim::CounterStream({3}));
    models::Market staged(config.market, network, sim::StreamKey{41});
    models::Market general(config.market, network, sim::StreamKey{41});
    ASSERT_TRUE(staged.decides_in_stages()) << "the variation left the staged loops: the test would compare nothing";
    EXPECT_EQ(staged.settles_in_stages(), config.market.firms.size() <= 4);
    general.use_general_loops();
    ASSERT_FALSE(general.decides_in_stages());
    ASSERT_FALSE(general.settles_in_stages());
    std::int64_t failures = 0, quiet = 0, stage_moves = 0, adopted = 0;
    for (std::uint32_t tick = 0; tick < 12; ++tick) {
        const std::uint8_t* stage = staged.customers().stage.data();
        const std::vector<std::uint8_t> stages_before(stage, stage + people);
        staged.step(tick);
        general.step(tick);
        for (std::size_t f = 0; f < config.market.firms.size(); ++f) {
            ASSERT_TRUE(same_tally(staged.tally()[f], general.tally()[f])) << "firm " << f << ", tick " << tick;
            failures += staged.tally()[f].failures;
            quiet += staged.tally()[f].outcomes[models::index(models::Outcome::NoFailure)];
            adopted += staged.tally()[f].acquired_marketing + staged.tally()[f].acquired_word_of_mouth;
        }
        ASSERT_TRUE(testing_support::same_market_tally(staged.market_tally(), general.market_tally()))
            << "tick " << tick;
        const auto& a = staged.customers();
        const auto& b = general.customers();
        for (std::uint32_t i = 0; i < people; ++i) stage_moves += a.stage[i] != stages_before[i];
        ASSERT_EQ(first_difference(a, b), "") << "tick " << tick;
    }
    // The comparison saw both kinds of ticks, ladder moves and adoptions.
    EXPECT_GT(quiet, 0);
    if (config.market.mechanisms.acquisition.enabled) {
        EXPECT_GT(adopted, 0);
    }
    if (config.market.mechanisms.service_failures.enabled) {
        EXPECT_GT(failures, 0);
    }
    if (config.market.mechanisms.ladder.enabled) {
        EXPECT_GT(stage_moves, 0);
    }
}

const Variation kVariations[] = {
    {"Lifecycle", [](models::MarketParams&) {}},
    {"Rm1Satisfaction",
     [](models::MarketParams& p) { p.mechanisms.satisfaction.model = models::SatisfactionModel::Rm1; }},
    {"NoLadder", [](models::MarketParams& p) { p.mechanisms.ladder.enabled = false; }},
    {"QuickLadder",  // every rung's conditions met often: many climbs and slips
     [](models::MarketParams& p) {
         auto& ladder = p.mechanisms.ladder;
         ladder.advocate_tenure = 1;
         ladder.partner_tenure = 2;
         ladder.advocate_satisfaction = 0.6;
         ladder.partner_satisfaction = 0.7;
         ladder.demote_below = 0.75;
         ladder.promote = {0.9, 0.5, 0.4};
         ladder.demote = {0.3, 0.4, 0.5};
     }},
    {"NoWordOfMouth", [](models::MarketParams& p) { p.mechanisms.word_of_mouth.enabled = false; }},
    {"LinearDrift", [](models::MarketParams& p) { p.mechanisms.switching.convexity = 1.0; }},
    {"OtherDrift", [](models::MarketParams& p) { p.mechanisms.switching.convexity = 1.5; }},
    {"LogisticDrift", [](models::MarketParams& p) { p.mechanisms.switching.shape = models::DriftShape::Logistic; }},
    {"NoFailures", [](models::MarketParams& p) { p.mechanisms.service_failures.enabled = false; }},
    {"LimitedCapacity",
     [](models::MarketParams& p) {
         for (auto& firm : p.firms) firm.recovery.capacity = 5;
     }},
    {"FourFirms",  // the vector loop's per-firm tables full
     [](models::MarketParams& p) {
         p.firms.push_back(p.firms[1]);
         p.firms.back().service.failure_rate = 0.2;
         p.firms.back().service_quality = 0.6;
         p.firms.back().switching_barrier = 0.5;
         p.firms.back().attractiveness = 0.5;  // pulls the others' customers
         p.firms[0].initial_share = 0.3;       // shares 0.3, 0.3, 0.2, 0.2
         p.firms.back().initial_share = 0.2;
     }},
    {"FiveFirms",  // more than the vector loop's tables hold: scalar
     [](models::MarketParams& p) {
         p.firms.push_back(p.firms[0]);
         p.firms.push_back(p.firms[2]);
         p.firms.back().attractiveness = 0.4;
         for (auto& firm : p.firms) firm.initial_share = 0.2;
     }},
    {"MixedInfluence", [](models::MarketParams& p) { p.mechanisms.acquisition.influence = models::Influence::Mixed; }},
    {"NoLapsedReturn", [](models::MarketParams& p) { p.mechanisms.acquisition.lapsed_return = false; }},
    {"NoAcquisition", [](models::MarketParams& p) { p.mechanisms.acquisition.enabled = false; }},
    {"TransactionLog", [](models::MarketParams& p) { p.metrics.transaction_log = true; }},
};

INSTANTIATE_TEST_SUITE_P(Variations, LifecycleStages,
                         ::testing::Combine(::testing::ValuesIn(kVariations), testing_support::every_kind_of_loop()),
                         testing_support::variation_name);

// Firms that act (strategies beyond a cost to serve) are decided customer
// by customer: the staged loops know no policy.
TEST(LifecycleStages, NotTakenWhenAFirmActs) {
    auto config = experiments::load_experiment_config(CRMSIM_SOURCE_DIR "/configs/examples/lifecycle.yaml",
                                                      {"population.size=1000"});
    const sim::Network plain = experiments::build_network(config.network, 1000, sim::CounterStream({3}));
    EXPECT_TRUE(models::Market(config.market, plain, sim::StreamKey{1}).decides_in_stages());
    config.market.firms[1].strategies.win_back.enabled = true;
    EXPECT_FALSE(models::Market(config.market, plain, sim::StreamKey{1}).decides_in_stages());
}

}  // namespace
