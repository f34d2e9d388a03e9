#include "experiments/stats/MorrisEffects.hpp"

#include <cmath>
#include <numeric>

namespace experiments {

MorrisEstimates morris_statistics(const Eigen::ArrayXXd& effects, const std::vector<std::size_t>& rows_given) {
    std::vector<std::size_t> rows = rows_given;
    if (rows.empty()) {
        rows.resize(static_cast<std::size_t>(effects.rows()));
        std::iota(rows.begin(), rows.end(), std::size_t{0});
    }
    const Eigen::Index k = effects.cols();
    const double n = static_cast<double>(rows.size());
    MorrisEstimates e{Eigen::ArrayXd::Zero(k), Eigen::ArrayXd::Zero(k), Eigen::ArrayXd::Zero(k)};
    for (const std::size_t r : rows) {
        e.mu += effects.row(static_cast<Eigen::Index>(r)).transpose();
        e.mu_star += effects.row(static_cast<Eigen::Index>(r)).abs().transpose();
    }
    e.mu /= n;
    e.mu_star /= n;
    for (const std::size_t r : rows) e.sigma += (effects.row(static_cast<Eigen::Index>(r)).transpose() - e.mu).square();
    e.sigma = (e.sigma / (n - 1.0)).sqrt();
    return e;
}

MorrisIntervals morris_effects(const Eigen::ArrayXXd& effects, const std::vector<std::vector<std::size_t>>& clusters,
                               const BootstrapSettings& settings) {
    const auto k = static_cast<std::size_t>(effects.cols());
    const auto statistic = [&](const std::vector<std::size_t>& picked) {
        std::vector<std::size_t> rows;
        for (const std::size_t c : picked) rows.insert(rows.end(), clusters[c].begin(), clusters[c].end());
        const MorrisEstimates e = morris_statistics(effects, rows);
        std::vector<double> flat(e.mu.begin(), e.mu.end());
        flat.insert(flat.end(), e.mu_star.begin(), e.mu_star.end());
        flat.insert(flat.end(), e.sigma.begin(), e.sigma.end());
        return flat;
    };
    const std::vector<Interval> flat = bootstrap_intervals(clusters.size(), statistic, settings);
    const auto part = [&](std::size_t at) {
        return std::vector<Interval>(flat.begin() + static_cast<std::ptrdiff_t>(at * k),
                                     flat.begin() + static_cast<std::ptrdiff_t>((at + 1) * k));
    };
    return {part(0), part(1), part(2)};
}

}  // namespace experiments
