#pragma once
// Builds the experiment's results file from its finished run files: the
// provenance, the plan table, every run's group, the per-run summary and the
// policy comparisons. Run only after every run of the plan has a file.
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/plan/ExperimentPlan.hpp"
#include "experiments/run/PartialResults.hpp"
#include "experiments/run/Provenance.hpp"
#include "experiments/run/RunRecord.hpp"

#include <string>
#include <vector>

namespace experiments {

// Writes `path` (created anew) and returns the runs' records in run order.
std::vector<RunRecord> assemble_results(const std::string& path, const ExperimentConfig& base,
                                        const ExperimentPlan& plan, const Provenance& provenance,
                                        const PartialResults& partial);

}  // namespace experiments
