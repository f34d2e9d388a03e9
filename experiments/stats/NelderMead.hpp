#pragma once
// Derivative-free minimisation by the Nelder-Mead simplex (Nelder and Mead
// 1965, "A simplex method for function minimization", Comput. J. 7: 308-313),
// with the usual coefficients: reflection 1, expansion 2, contraction 1/2,
// shrink 1/2. Deterministic: the same function and start give the same path.
#include <cstddef>
#include <functional>
#include <vector>

namespace experiments {

struct NelderMeadSettings {
    std::size_t max_evaluations = 100;
    double step = 0.25;             // the initial simplex: start + step along each axis
    double value_tolerance = 1e-3;  // stop when the simplex's values differ by less than this ...
    double size_tolerance = 1e-3;   // ... and its vertices by less than this in every coordinate
};

struct NelderMeadResult {
    std::vector<double> best;
    double value = 0.0;
    std::size_t evaluations = 0;
    bool converged = false;  // stopped on the tolerances, not on max_evaluations
};

NelderMeadResult nelder_mead(const std::function<double(const std::vector<double>&)>& f, std::vector<double> start,
                             const NelderMeadSettings& settings);

}  // namespace experiments
