#pragma once
// `crmsim calibrate CONFIG --targets TARGETS.yaml -o FIT.h5`: fits the
// parameters of the config's `calibration:` section to targets (summary
// statistics with their uncertainty) by minimising a CRN-smoothed objective
// with Nelder-Mead, then measures the objective's curvature at the best fit for
// an interval. Every trial is a small experiment of the config's replications,
// all with the same streams (common random numbers): the objective changes with
// the parameters only, not with new noise. docs/sensitivity.md, "Calibration".
#include "experiments/config/ExperimentConfig.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace experiments {

// One target: an output of one firm, its published or measured value and the
// value's standard error.
struct CalibrationTarget {
    SensitivityOutput output;
    std::size_t firm = 0;
    double value = 0.0;
    double sd = 0.0;
    std::string label;  // "output firm", as in the file
};

// Reads TARGETS.yaml (`targets: [{metric | column (tick | from, to), firm, value, sd}]`).
// Throws ConfigError naming the targets file, line and key.
std::vector<CalibrationTarget> read_targets(const std::string& path, const ExperimentConfig& base);

struct CalibrateOptions {
    std::string targets_path;
    std::string output_path;
    bool overwrite = false;
    int jobs = 0;
    std::vector<std::string> command_line;
};

// Checks that `base` can be calibrated (a calibration section, no sweep, one
// scenario, one policy); throws ConfigError otherwise.
void check_calibration_config(const ExperimentConfig& base);

// Runs the fit and writes FIT.h5; progress lines go to `log`.
void calibrate(const ExperimentConfig& base, const std::vector<CalibrationTarget>& targets,
               const CalibrateOptions& options, std::ostream& log);

}  // namespace experiments
