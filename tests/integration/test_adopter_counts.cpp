// Each person's count of network neighbours who buy from a firm (what
// network influence on adoption reads) is kept up to date by the settle
// phase, which tells only the neighbours of those who joined or left the
// market: those in the person's own chunk at once, the rest after every
// chunk is settled (Market::tell_neighbours_of_adoptions). After every tick
// the counts equal a fresh count over the network, on one thread and on two.
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/run/BuildNetwork.hpp"
#include "models/market/Market.hpp"

#include "tests/support/ThreadCount.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <string>

namespace {

using testing_support::ThreadCount;

TEST(AdopterCounts, EqualAFreshCountAfterEveryTick) {
    const ThreadCount restore;
    // Three chunks of 16,384 and a short fourth: many neighbours across
    // chunk borders, and (beta 0.1) rewired edges to anywhere.
    const std::uint32_t people = 50003;
    auto config = experiments::load_experiment_config(CRMSIM_SOURCE_DIR "/configs/examples/lifecycle.yaml",
                                                      {"population.size=" + std::to_string(people)});
    // Adoption and departure faster than in the example, so that the counts
    // change a good deal each tick.
    config.market.mechanisms.acquisition.external = 0.05;
    config.market.mechanisms.switching.leave_market_share = 0.9;
    const sim::Network network = experiments::build_network(config.network, people, sim::CounterStream({5}));
    for (const int threads : {1, 2}) {
        omp_set_num_threads(threads);
        models::Market market(config.market, network, sim::StreamKey{17});
        const models::CustomerState& c = market.customers();
        std::int64_t changed = 0;  // counts that moved, over the ticks
        std::vector<std::uint32_t> before(c.adopted_neighbours.data(), c.adopted_neighbours.data() + people);
        for (std::uint32_t tick = 0; tick < 8; ++tick) {
            market.step(tick);
            for (std::uint32_t i = 0; i < people; ++i) {
                std::uint32_t adopters = 0;
                for (const sim::NodeId j : network.neighbours(i)) adopters += c.firm[j] != models::kNoFirm;
                ASSERT_EQ(c.adopted_neighbours[i], adopters)
                    << "person " << i << ", tick " << tick << ", " << threads << " threads";
                changed += c.adopted_neighbours[i] != before[i];
                before[i] = c.adopted_neighbours[i];
            }
        }
        EXPECT_GT(changed, people / 10) << "too few adoptions and departures to test the counts";
    }
}

}  // namespace
