#include "experiments/stats/ReplicationNoise.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace experiments {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Two-pass sample variance of the finite values (outputs such as profit are
// large, where the one-pass sum of squares loses its digits).
double sample_variance(const std::vector<double>& v) {
    double n = 0, sum = 0;
    for (const double x : v)
        if (std::isfinite(x)) n += 1, sum += x;
    if (n < 2) return kNaN;
    const double mean = sum / n;
    double squares = 0;
    for (const double x : v)
        if (std::isfinite(x)) squares += (x - mean) * (x - mean);
    return squares / (n - 1);
}

}  // namespace

double noise_share(const std::vector<std::vector<double>>& values, const std::vector<std::size_t>& points_given) {
    std::vector<std::size_t> points = points_given;
    if (points.empty()) {
        points.resize(values.size());
        std::iota(points.begin(), points.end(), std::size_t{0});
    }
    std::vector<double> means;
    double within = 0.0, reps = 0.0;
    for (const std::size_t p : points) {
        const double v = sample_variance(values[p]);
        if (std::isnan(v)) continue;
        double sum = 0, n = 0;
        for (const double x : values[p])
            if (std::isfinite(x)) sum += x, n += 1;
        means.push_back(sum / n);
        within += v;
        reps += n;
    }
    if (means.size() < 2) return kNaN;
    within /= static_cast<double>(means.size());
    const double per_point = reps / static_cast<double>(means.size());  // R (its mean where runs failed)
    const double between = std::max(0.0, sample_variance(means) - within / per_point);
    if (!(within + between > 0)) return kNaN;
    return within / (within + between);
}

Interval noise_share_interval(const std::vector<std::vector<double>>& values, const BootstrapSettings& settings) {
    const auto statistic = [&](const std::vector<std::size_t>& picked) {
        return std::vector<double>{noise_share(values, picked)};
    };
    return bootstrap_intervals(values.size(), statistic, settings).front();
}

}  // namespace experiments
