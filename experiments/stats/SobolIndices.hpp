#pragma once
// Variance-based sensitivity indices from a Saltelli design
// (SensitivityDesign.hpp), with the estimators of Saltelli et al. 2010, table 2:
//   V     = variance of f(A) and f(B) together
//   S1_i  = 1 - (1 / 2N) sum_j (f(B)_j - f(A_B^i)_j)^2 / V    (Jansen 1999, (f) in the table)
//   ST_i  =     (1 / 2N) sum_j (f(A)_j - f(A_B^i)_j)^2 / V    (Jansen 1999, (f))
//   S2_ij = [(1/N) sum_j f(B_A^i)_j f(A_B^j)_j - (1/N) sum_j f(A)_j f(B)_j] / V - S1_i - S1_j
//           (Saltelli 2002, "Making best use of model evaluations to compute sensitivity indices")
// f(B) and f(A_B^i) share only parameter i, so half their mean squared
// difference is V - V_i; f(A) and f(A_B^i) share all but i, so it is the
// total effect V_Ti. Intervals: percentile bootstrap over base samples.
#include "experiments/stats/Bootstrap.hpp"

#include <Eigen/Core>

#include <cstddef>
#include <vector>

namespace experiments {

// Model outputs at a Saltelli design, one row per evaluation of a base sample
// (several rows per base sample when replications are kept as noise).
struct SaltelliOutputs {
    Eigen::ArrayXd a, b;  // f(A), f(B)
    Eigen::ArrayXXd ab;   // rows x k: f(A_B^i)
    Eigen::ArrayXXd ba;   // rows x k: f(B_A^i); no columns without second order
};

struct SobolEstimates {
    double variance = 0.0;
    Eigen::ArrayXd first, total;  // k
    Eigen::ArrayXXd second;       // k x k, upper triangle (i < j); empty without second order
};

// Point estimates over the given rows (all rows of `outputs` when `rows` is empty).
SobolEstimates jansen_indices(const SaltelliOutputs& outputs, const std::vector<std::size_t>& rows = {});

struct SobolIntervals {
    std::vector<Interval> first, total;
    std::vector<std::vector<Interval>> second;  // [i][j], i < j filled; empty without second order
};

// `clusters[c]`: the rows of base sample c (one row each when replications are
// averaged). The bootstrap resamples base samples.
SobolIntervals sobol_indices(const SaltelliOutputs& outputs, const std::vector<std::vector<std::size_t>>& clusters,
                             const BootstrapSettings& settings);

}  // namespace experiments
