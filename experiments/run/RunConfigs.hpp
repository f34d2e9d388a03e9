#pragma once
// Every run's config, checked before anything is written, in time linear in
// the plan and memory that does not grow with it: a run's config depends on
// its scenario, sweep point and policy, not its replication, so each
// distinct one is built and checked once, and none is kept. A run's config
// is built again when it runs (a few, shared by replications, are cached).
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/plan/ExperimentPlan.hpp"
#include "experiments/run/MemoryBudget.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace experiments {

// A network read from an edge-list file, as runs use it: read once, shared.
struct NetworkFile {
    NetworkSettings settings;
    std::uint32_t customers = 0;
    std::string key() const { return settings.edge_list_path + "#" + std::to_string(customers); }
};

class RunConfigs {
public:
    // Builds and checks every distinct run config of `plan` (ConfigError on
    // the first bad one), with progress on stderr when `show_progress`.
    RunConfigs(const ExperimentConfig& base, const ExperimentPlan& plan, bool show_progress);

    // Run `run`'s config, resolved (its YAML is stored with the run). Thread-safe.
    std::shared_ptr<const ExperimentConfig> of(const RunSpec& run) const;
    // Run `run`'s config before its policy takes effect (its scenario and
    // sweep values only; ExperimentPlan.hpp). Thread-safe.
    std::shared_ptr<const ExperimentConfig> before_policy(const RunSpec& run) const;
    const std::vector<NetworkFile>& network_files() const { return network_files_; }
    const RunMemory& largest_run() const { return largest_run_; }
    std::uint64_t distinct() const { return distinct_; }

private:
    // `with_policy` false: the run's config before its policy.
    std::uint64_t variant_of(const RunSpec& run, bool with_policy) const;
    std::shared_ptr<const ExperimentConfig> cached(std::uint64_t variant, const std::vector<Override>& overrides) const;
    void take_in(const ExperimentConfig& config);

    const ExperimentConfig& base_;
    const ExperimentPlan& plan_;
    std::vector<NetworkFile> network_files_;
    RunMemory largest_run_;
    double bytes_per_customer_ = 0;
    std::uint64_t distinct_ = 0;

    static constexpr std::size_t kCached = 64;
    mutable std::mutex cache_mutex_;
    mutable std::map<std::uint64_t, std::shared_ptr<const ExperimentConfig>> cache_;
    mutable std::deque<std::uint64_t> cache_order_;
};

}  // namespace experiments
