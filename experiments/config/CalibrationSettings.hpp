#pragma once
// The config's `calibration:` section: which parameters `crmsim calibrate`
// fits, over which ranges, from where, and how long it may search
// (docs/sensitivity.md, "Calibration"). The targets are in a file of their own.
#include "experiments/plan/SweepSampler.hpp"

#include <cstdint>
#include <vector>

namespace experiments {

struct CalibrationParameter {
    SweepParameter range;  // key, low, high, scale (linear or log)
    double start = 0.0;    // where the search starts, inside [low, high]
};

struct CalibrationSettings {
    std::vector<CalibrationParameter> parameters;  // empty: the config has no calibration section
    std::uint32_t max_trials = 80;                 // objective evaluations of the search
    double tolerance = 1e-3;       // stop when the simplex is this small (in the unit of each range) and its values
                                   // differ by this little
    double curvature_step = 0.05;  // finite-difference step for the curvature, in the unit of each range
};

}  // namespace experiments
