#pragma once
// How much of an output's variance across a design is the model's own noise,
// by the one-way analysis of variance (design points as groups): with values
// y[p][r] at design point p and replication r (R per point),
//   W = mean_p s_p^2               the noise variance of one run
//   B = var_p(mean_r y[p][r]) - W/R the variance the parameters cause (>= 0)
//   noise share = W / (W + B).
// About 0: the parameters explain the output; about 1: the noise swamps them.
// This split holds with common random numbers across design points too, where
// the replications' shared draws would make the plain variance of all values
// meaningless (every point's replication r draws alike). Interval: percentile
// bootstrap over design points.
#include "experiments/stats/Bootstrap.hpp"

#include <vector>

namespace experiments {

// `values[p]`: the replications of point p (at least two each; NaN where a run failed, left out).
double noise_share(const std::vector<std::vector<double>>& values, const std::vector<std::size_t>& points = {});

Interval noise_share_interval(const std::vector<std::vector<double>>& values, const BootstrapSettings& settings);

}  // namespace experiments
