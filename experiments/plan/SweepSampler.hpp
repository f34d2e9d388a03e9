#pragma once
// Parameter sweeps: which points of a parameter space an experiment runs.
// Each parameter is a dotted config key with a range; a sampler turns the
// ranges into points (one value per parameter). Points depend only on the
// sweep settings and the experiment seed, never on run order.
#include "experiments/plan/SensitivitySettings.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace experiments {

// Saltelli and Morris are sensitivity designs (SensitivityDesign.hpp): their
// points are laid out so that indices can be computed from the outputs.
enum class SweepMethod { Grid, LatinHypercube, Sobol, Saltelli, Morris };
enum class SweepScale { Linear, Log };  // Log: uniform in log(value); needs low > 0

struct SweepParameter {
    std::string key;    // dotted config path, e.g. firms.0.recovery.quick
    double low = 0.0;   // inclusive
    double high = 1.0;  // inclusive for grid; [low, high) for lhs/sobol
    SweepScale scale = SweepScale::Linear;
    std::uint32_t steps = 2;  // grid only: values from low to high inclusive (>= 1; 1 gives low)
    bool integer = false;     // round each value to the nearest whole number (e.g. population.size)
};

struct SweepSettings {
    SweepMethod method = SweepMethod::Grid;
    std::vector<SweepParameter> parameters;  // empty: a single point with no values
    std::uint32_t points = 0;                // lhs and sobol: number of points (>= 1);
                                             // saltelli: base samples N; morris: trajectories r
    // Sweep points share their random draws (common random numbers across the
    // design): the runs of every point use the stream of point 0. On by default
    // for saltelli and morris, off for the other methods.
    bool common_random_numbers = false;
    SensitivitySettings sensitivity;  // saltelli and morris only
};

inline bool is_sensitivity_design(SweepMethod m) {
    return m == SweepMethod::Saltelli || m == SweepMethod::Morris;
}

// points[p][k] = value of parameters[k] at sweep point p.
// Grid: the Cartesian product, the last parameter varying fastest.
// Latin hypercube: each parameter's range cut in `points` equal strata (in the
// parameter's scale), one value per stratum at a uniform position inside it,
// strata matched across parameters by independent random permutations drawn
// from `seed`. Sobol: the first `points` points of the Sobol sequence
// (boost::random::sobol, dimension = parameter count), skipping the initial
// all-zero point, mapped to the ranges.
// Saltelli and Morris: see SensitivityDesign.hpp.
// Throws std::invalid_argument on settings that make no sweep (no points,
// low > high, log scale with low <= 0, too many Sobol dimensions, ...).
std::vector<std::vector<double>> sample_sweep(const SweepSettings& settings, std::uint64_t seed);

}  // namespace experiments
