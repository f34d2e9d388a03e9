#pragma once
// The warm-up of a run (experiment.warmup): ticks run before recording
// starts and before the run's policy acts, on the run's config without the
// policy's overrides (its scenario and sweep values only). With common
// random numbers every policy of a (scenario, sweep point, replication)
// therefore warms up identically: the warm-up is run once, and each policy
// continues from a copy of its end state, bit for bit what running the
// warm-up again would give (tests/integration/test_warmup.cpp).
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/plan/ExperimentPlan.hpp"
#include "models/market/Market.hpp"
#include "sim/network/Network.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace experiments {

// A market after its warm-up ticks, with the network it ran on.
struct WarmedMarket {
    std::unique_ptr<sim::Network> own_network;  // built for the warm-up; null: a shared edge-list network
    const sim::Network* network = nullptr;
    std::unique_ptr<models::Market> market;
    double network_seconds = 0.0;
    double seconds = 0.0;  // simulating the warm-up
};

// The market parameters of `config` as a run records them: the TARP table
// and the value-concentration ticks count from the first recorded tick,
// after experiment.warmup ticks.
models::MarketParams recorded_market(const ExperimentConfig& config);

// Builds the network (unless `fixed_network`) and runs `before_policy`'s
// market for experiment.warmup ticks, unrecorded.
std::shared_ptr<const WarmedMarket> warm_up(const ExperimentConfig& before_policy, const RunSpec& spec,
                                            const sim::Network* fixed_network);

// The warmed markets of the runs in progress, each computed by the first
// run that asks for it while the others wait. A market is dropped when every
// run of `runs` that shares it has had it, or, when more than `capacity` are
// kept, the least recently used (runs handed out elsewhere, under MPI or a
// resume, never ask for theirs).
class WarmUps {
public:
    WarmUps(const std::vector<RunSpec>& runs, bool common_random_numbers, std::size_t capacity);
    using Make = std::function<std::shared_ptr<const WarmedMarket>()>;
    std::shared_ptr<const WarmedMarket> get(const RunSpec& spec, const Make& make);

private:
    // (scenario, sweep point, replication, policy: 0 when the policies share draws)
    using Key = std::array<std::uint32_t, 4>;
    struct Entry {
        std::shared_future<std::shared_ptr<const WarmedMarket>> market;
        std::size_t uses_left = 0;
        std::uint64_t last_used = 0;
    };
    Key key_of(const RunSpec& spec) const;
    void drop_least_recent();

    bool common_random_numbers_;
    std::size_t capacity_;
    std::map<Key, std::size_t> uses_;  // runs per key
    std::mutex mutex_;
    std::map<Key, Entry> entries_;
    std::uint64_t clock_ = 0;
};

}  // namespace experiments
