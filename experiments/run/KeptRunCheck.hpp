#pragma once
// Whether a run file kept in OUT.partial/ is the run the plan puts there.
// `--resume` keeps finished runs; a file copied over another, or left by an
// experiment with another seed or config, would otherwise be assembled as if
// it were this run (ids 0 1 2 2 4, or draws from another seed).
#include "experiments/plan/ExperimentPlan.hpp"
#include "sim/recording/Hdf5File.hpp"

#include <optional>
#include <string>

namespace experiments {

// Why the run file `root` is not run `expected` with its config
// `expected_config` (the run's resolved config); nullopt when it is. Checks
// the run id, the coordinates, both stream keys and the config's digest.
std::optional<std::string> kept_run_mismatch(const sim::h5::Group& root, const RunSpec& expected,
                                             const std::string& expected_config);

}  // namespace experiments
