#pragma once
// One output (a /summary column, or a time-series column at a tick or over a
// window; SensitivitySettings.hpp) read back from a results file, per run and
// firm. Shared by the sensitivity table and calibration's targets.
#include "experiments/plan/SensitivitySettings.hpp"
#include "experiments/run/RunRecord.hpp"
#include "sim/recording/Hdf5File.hpp"

#include <vector>

namespace experiments {

using RunValues = std::vector<std::vector<double>>;  // [run][firm]; NaN where a run failed or has no value

// `root` holds /summary and /runs/<id>/timeseries; `records` are its runs in run order.
RunValues output_values(const sim::h5::Group& root, const std::vector<RunRecord>& records,
                        const SensitivityOutput& output, std::size_t firms);

}  // namespace experiments
