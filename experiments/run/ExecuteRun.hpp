#pragma once
// One run of an experiment: build its network, simulate its ticks, stream
// its time series into its own file in OUT.partial/, and commit the file.
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/run/PartialResults.hpp"
#include "experiments/run/RunRecord.hpp"
#include "experiments/run/WarmUp.hpp"
#include "sim/network/Network.hpp"

#include <functional>

namespace experiments {

// `config` is the run's own config (base plus the run's overrides).
// `fixed_network` is the shared network of an edge-list config, else null.
// `on_tick` is called after every recorded tick (progress). A run that
// throws is committed as failed, with its message; only a failure to write
// the run's file itself propagates.
// `start`: for a run whose policy does not act from the model's first tick
// (a warm-up, or a policy start_tick), the run's config before its policy
// takes effect and, with a warm-up, where its warmed market comes from
// (WarmUp.hpp); null: the policy acts from the start.
struct PolicyStart {
    const ExperimentConfig* before_policy = nullptr;
    std::function<std::shared_ptr<const WarmedMarket>()> warmed;  // empty: no warm-up
};
RunRecord execute_run(const ExperimentConfig& config, const RunSpec& spec, const sim::Network* fixed_network,
                      const PartialResults& partial, const std::function<void()>& on_tick,
                      const PolicyStart* start = nullptr);

}  // namespace experiments
