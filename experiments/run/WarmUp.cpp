#include "experiments/run/WarmUp.hpp"

#include "experiments/run/BuildNetwork.hpp"
#include "sim/schedule/TickLoop.hpp"

#include <algorithm>
#include <chrono>

namespace experiments {

models::MarketParams recorded_market(const ExperimentConfig& config) {
    models::MarketParams params = config.market;
    const std::uint32_t warmup = config.experiment.warmup;
    // The TARP table counts only observations opened in the recorded ticks
    // that can complete within them.
    params.mechanisms.tarp.first_tick = warmup;
    params.mechanisms.tarp.run_ticks = warmup + config.experiment.ticks;
    params.metrics.recorded_from = warmup;
    return params;
}

std::shared_ptr<const WarmedMarket> warm_up(const ExperimentConfig& before_policy, const RunSpec& spec,
                                            const sim::Network* fixed_network) {
    auto warmed = std::make_shared<WarmedMarket>();
    const auto network_start = std::chrono::steady_clock::now();
    if (!fixed_network)
        warmed->own_network = std::make_unique<sim::Network>(build_network(
            before_policy.network, before_policy.market.population.size, sim::CounterStream(spec.network_key)));
    warmed->network = fixed_network ? fixed_network : warmed->own_network.get();
    warmed->network_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - network_start).count();
    warmed->market =
        std::make_unique<models::Market>(recorded_market(before_policy), *warmed->network, spec.stream_key);
    sim::TickLoopOptions loop;
    loop.ticks = before_policy.experiment.warmup;
    warmed->seconds = sim::run_ticks(*warmed->market, loop);
    return warmed;
}

WarmUps::WarmUps(const std::vector<RunSpec>& runs, bool common_random_numbers, std::size_t capacity)
    : common_random_numbers_(common_random_numbers), capacity_(std::max<std::size_t>(1, capacity)) {
    for (const RunSpec& run : runs) ++uses_[key_of(run)];
}

WarmUps::Key WarmUps::key_of(const RunSpec& spec) const {
    return {spec.scenario, spec.sweep_point, spec.replication, common_random_numbers_ ? 0 : spec.policy + 1};
}

void WarmUps::drop_least_recent() {
    const auto oldest = std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
        return a.second.last_used < b.second.last_used;
    });
    entries_.erase(oldest);
}

std::shared_ptr<const WarmedMarket> WarmUps::get(const RunSpec& spec, const Make& make) {
    const Key key = key_of(spec);
    std::shared_future<std::shared_ptr<const WarmedMarket>> market;
    std::promise<std::shared_ptr<const WarmedMarket>> promise;
    bool first = false;
    {
        const std::lock_guard lock(mutex_);
        auto found = entries_.find(key);
        if (found == entries_.end()) {
            if (entries_.size() >= capacity_) drop_least_recent();
            const auto known = uses_.find(key);
            found = entries_.emplace(key, Entry{promise.get_future().share(), known == uses_.end() ? 1 : known->second})
                        .first;
            first = true;
        }
        market = found->second.market;
        found->second.last_used = ++clock_;
        if (--found->second.uses_left == 0) entries_.erase(found);
    }
    if (first) {
        try {
            promise.set_value(make());
        } catch (...) {
            promise.set_exception(std::current_exception());
        }
    }
    return market.get();
}

}  // namespace experiments
