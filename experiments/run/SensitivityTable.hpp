#pragma once
// The /sensitivity table of a results file whose sweep is a sensitivity
// design (sweep.method: saltelli or morris): for every scenario, policy,
// output and firm, the indices with percentile-bootstrap intervals, computed
// when the results file is assembled from the runs' outputs
// (docs/sensitivity.md).
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/plan/ExperimentPlan.hpp"
#include "experiments/run/RunRecord.hpp"
#include "sim/recording/Hdf5File.hpp"

#include <vector>

namespace experiments {

// Reads the outputs from `root`'s /summary and /runs (already written).
void write_sensitivity(const sim::h5::Group& root, const ExperimentConfig& base, const ExperimentPlan& plan,
                       const std::vector<RunRecord>& records);

}  // namespace experiments
