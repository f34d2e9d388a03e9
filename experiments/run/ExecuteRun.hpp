#pragma once
// One run of an experiment: build its network, simulate its ticks, stream
// its time series into its own file in OUT.partial/, and commit the file.
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/run/PartialResults.hpp"
#include "experiments/run/RunRecord.hpp"
#include "sim/network/Network.hpp"

#include <functional>

namespace experiments {

// `config` is the run's own config (base plus the run's overrides).
// `fixed_network` is the shared network of an edge-list config, else null.
// `on_tick` is called after every tick (progress). A run that throws is
// committed as failed, with its message; only a failure to write the run's
// file itself propagates.
RunRecord execute_run(const ExperimentConfig& config, const RunSpec& spec, const sim::Network* fixed_network,
                      const PartialResults& partial, const std::function<void()>& on_tick);

}  // namespace experiments
