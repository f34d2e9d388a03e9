#pragma once
// Morris elementary effects and their summaries (Morris 1991; mu* from
// Campolongo, Cariboni and Saltelli 2007, "An effective screening design for
// sensitivity analysis of large models", Environ. Model. Softw. 22: 1509-1518).
// An elementary effect is EE_i = (f(x + delta e_i) - f(x)) / delta with x in
// the unit cube, so it is the change of the output over the parameter's whole
// range, per unit of that range. Over r trajectories:
//   mu    = mean EE_i,  mu* = mean |EE_i|,  sigma = sample sd of EE_i (r - 1).
// Intervals: percentile bootstrap over trajectories.
#include "experiments/stats/Bootstrap.hpp"

#include <Eigen/Core>

#include <cstddef>
#include <vector>

namespace experiments {

struct MorrisEstimates {
    Eigen::ArrayXd mu, mu_star, sigma;  // k each
};

// `effects`: one row per trajectory (or trajectory x replication), k columns.
MorrisEstimates morris_statistics(const Eigen::ArrayXXd& effects, const std::vector<std::size_t>& rows = {});

struct MorrisIntervals {
    std::vector<Interval> mu, mu_star, sigma;
};

// `clusters[c]`: the rows of trajectory c. The bootstrap resamples trajectories.
MorrisIntervals morris_effects(const Eigen::ArrayXXd& effects, const std::vector<std::vector<std::size_t>>& clusters,
                               const BootstrapSettings& settings);

}  // namespace experiments
