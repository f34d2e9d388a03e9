#include "experiments/run/RunConfigs.hpp"

#include "sim/util/Progress.hpp"

#include <algorithm>

namespace experiments {

std::uint64_t RunConfigs::variant_of(const RunSpec& run, bool with_policy) const {
    const std::uint64_t points = plan_.sweep_points.size(), policies = plan_.design.policies.size();
    return (std::uint64_t{run.scenario} * points + run.sweep_point) * (policies + 1) +
           (with_policy ? run.policy : policies);
}

RunConfigs::RunConfigs(const ExperimentConfig& base, const ExperimentPlan& plan, bool show_progress)
    : base_(base), plan_(plan) {
    const auto& d = plan.design;
    const auto config_of = [&](const RunSpec& run, bool with_policy = true) {
        const std::vector<Override> variant =
            with_policy ? run_overrides(plan, run) : before_policy_overrides(plan, run);
        ExperimentConfig config = load_run_config(base, variant, /*resolve=*/false);
        check_same_firms(base, config, variant,
                         "scenario " + d.scenarios[run.scenario].name + " x sweep point " +
                             std::to_string(run.sweep_point) + " x policy " + d.policies[run.policy].name);
        return config;
    };
    RunSpec run;
    // Bytes per customer first: scenarios and policies may switch mechanisms
    // (and their columns) on; the sweep points of one pair share them.
    for (run.scenario = 0; run.scenario < d.scenarios.size(); ++run.scenario)
        for (run.policy = 0; run.policy < d.policies.size(); ++run.policy)
            bytes_per_customer_ = std::max(bytes_per_customer_, measure_bytes_per_customer(config_of(run)));

    const bool starts_later =
        base.experiment.warmup > 0 ||
        std::any_of(d.policies.begin(), d.policies.end(), [](const Variant& policy) { return policy.start_tick > 0; });
    const std::uint64_t total = std::uint64_t{d.scenarios.size()} * plan.sweep_points.size() * d.policies.size();
    sim::Progress progress(total, "configs checked", show_progress && total > 1000);
    for (run.scenario = 0; run.scenario < d.scenarios.size(); ++run.scenario)
        for (run.sweep_point = 0; run.sweep_point < plan.sweep_points.size(); ++run.sweep_point)
            for (run.policy = 0; run.policy < d.policies.size(); ++run.policy) {
                take_in(config_of(run));
                // The config a warm-up or a late policy starts from is run too.
                if (run.policy == 0 && starts_later) config_of(run, false);
                progress.update(++distinct_);
            }
    progress.finish();
}

// Remembers what the runner needs of a run's config: its network file, and
// the memory of the largest run.
void RunConfigs::take_in(const ExperimentConfig& config) {
    if (config.network.kind == NetworkKind::EdgeList) {
        NetworkFile file{config.network, config.market.population.size};
        const bool known = std::any_of(network_files_.begin(), network_files_.end(),
                                       [&](const NetworkFile& f) { return f.key() == file.key(); });
        if (!known) network_files_.push_back(std::move(file));
    }
    RunMemory m = run_memory(config, bytes_per_customer_);
    // A run after a warm-up copies the warmed market, which is kept for the
    // other policies meanwhile (WarmUp.hpp): two markets at once.
    if (config.experiment.warmup > 0) m.bytes *= 2;
    if (m.bytes > largest_run_.bytes) largest_run_ = m;
}

std::shared_ptr<const ExperimentConfig> RunConfigs::of(const RunSpec& run) const {
    return cached(variant_of(run, true), run_overrides(plan_, run));
}

std::shared_ptr<const ExperimentConfig> RunConfigs::before_policy(const RunSpec& run) const {
    return cached(variant_of(run, false), before_policy_overrides(plan_, run));
}

std::shared_ptr<const ExperimentConfig> RunConfigs::cached(std::uint64_t variant,
                                                           const std::vector<Override>& overrides) const {
    {
        const std::lock_guard lock(cache_mutex_);
        if (const auto found = cache_.find(variant); found != cache_.end()) return found->second;
    }
    auto config = std::make_shared<const ExperimentConfig>(load_run_config(base_, overrides));
    const std::lock_guard lock(cache_mutex_);
    if (cache_.emplace(variant, config).second) cache_order_.push_back(variant);
    if (cache_order_.size() > kCached) {
        cache_.erase(cache_order_.front());
        cache_order_.pop_front();
    }
    return config;
}

}  // namespace experiments
