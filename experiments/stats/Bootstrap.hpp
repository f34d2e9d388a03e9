#pragma once
// Percentile bootstrap intervals (Efron and Tibshirani 1993, ch. 13) for
// statistics computed from rows that come in independent clusters: a base
// sample of a Saltelli design (with its replications), a Morris trajectory, a
// design point. A resample draws as many clusters as there are, with
// replacement. Resample b's draws come from its own counter-based substream of
// the bootstrap seed, so the intervals depend on the seed alone, never on the
// order the resamples are computed in.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace experiments {

struct BootstrapSettings {
    std::uint32_t resamples = 1000;
    std::uint64_t seed = 0;
    double confidence = 0.95;
};

struct Interval {
    double estimate = 0.0;  // the statistic on the data as they are
    double low = 0.0;       // percentile interval; NaN when no resample gave a finite value
    double high = 0.0;
    std::size_t n = 0;  // clusters
};

// Computes several statistics at once from a list of clusters (indices into
// 0..clusters-1, repeats allowed).
using ClusterStatistic = std::function<std::vector<double>(const std::vector<std::size_t>& clusters)>;

// One Interval per statistic. Throws std::invalid_argument for zero resamples
// or a confidence outside (0, 1).
std::vector<Interval> bootstrap_intervals(std::size_t clusters, const ClusterStatistic& statistic,
                                          const BootstrapSettings& settings);

// The q-quantile (0 <= q <= 1) of finite values by linear interpolation
// (Hyndman and Fan 1996, type 7); NaN if there are none.
double quantile(std::vector<double> values, double q);

}  // namespace experiments
