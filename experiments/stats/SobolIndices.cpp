#include "experiments/stats/SobolIndices.hpp"

#include <numeric>

namespace experiments {
namespace {

Eigen::ArrayXd rows_of(const Eigen::ArrayXd& v, const std::vector<std::size_t>& rows) {
    Eigen::ArrayXd out(static_cast<Eigen::Index>(rows.size()));
    for (std::size_t r = 0; r < rows.size(); ++r)
        out[static_cast<Eigen::Index>(r)] = v[static_cast<Eigen::Index>(rows[r])];
    return out;
}

Eigen::ArrayXXd rows_of(const Eigen::ArrayXXd& m, const std::vector<std::size_t>& rows) {
    Eigen::ArrayXXd out(static_cast<Eigen::Index>(rows.size()), m.cols());
    for (std::size_t r = 0; r < rows.size(); ++r)
        out.row(static_cast<Eigen::Index>(r)) = m.row(static_cast<Eigen::Index>(rows[r]));
    return out;
}

// Sample variance of f(A) and f(B) pooled.
double pooled_variance(const Eigen::ArrayXd& a, const Eigen::ArrayXd& b) {
    const double n = static_cast<double>(a.size() + b.size());
    const double mean = (a.sum() + b.sum()) / n;
    return ((a - mean).square().sum() + (b - mean).square().sum()) / (n - 1.0);
}

std::vector<std::size_t> all_rows(const SaltelliOutputs& o) {
    std::vector<std::size_t> rows(static_cast<std::size_t>(o.a.size()));
    std::iota(rows.begin(), rows.end(), std::size_t{0});
    return rows;
}

// The estimates as one flat list, for the bootstrap: S1, ST, then S2 row by row (i < j).
std::vector<double> flatten(const SobolEstimates& e) {
    std::vector<double> out(e.first.begin(), e.first.end());
    out.insert(out.end(), e.total.begin(), e.total.end());
    for (Eigen::Index i = 0; i < e.second.rows(); ++i)
        for (Eigen::Index j = i + 1; j < e.second.cols(); ++j) out.push_back(e.second(i, j));
    return out;
}

}  // namespace

SobolEstimates jansen_indices(const SaltelliOutputs& outputs, const std::vector<std::size_t>& rows_given) {
    const std::vector<std::size_t> rows = rows_given.empty() ? all_rows(outputs) : rows_given;
    const Eigen::ArrayXd a = rows_of(outputs.a, rows), b = rows_of(outputs.b, rows);
    const Eigen::ArrayXXd ab = rows_of(outputs.ab, rows);
    const double n = static_cast<double>(rows.size());
    SobolEstimates e;
    e.variance = pooled_variance(a, b);
    const Eigen::Index k = ab.cols();
    e.first.resize(k);
    e.total.resize(k);
    for (Eigen::Index i = 0; i < k; ++i) {
        e.first[i] = 1.0 - (b - ab.col(i)).square().sum() / (2.0 * n) / e.variance;
        e.total[i] = (a - ab.col(i)).square().sum() / (2.0 * n) / e.variance;
    }
    if (outputs.ba.cols() == 0) return e;
    const Eigen::ArrayXXd ba = rows_of(outputs.ba, rows);
    const double f0_squared = (a * b).mean();
    e.second = Eigen::ArrayXXd::Constant(k, k, 0.0);
    for (Eigen::Index i = 0; i < k; ++i)
        for (Eigen::Index j = i + 1; j < k; ++j)
            e.second(i, j) = ((ba.col(i) * ab.col(j)).mean() - f0_squared) / e.variance - e.first[i] - e.first[j];
    return e;
}

SobolIntervals sobol_indices(const SaltelliOutputs& outputs, const std::vector<std::vector<std::size_t>>& clusters,
                             const BootstrapSettings& settings) {
    const auto statistic = [&](const std::vector<std::size_t>& picked) {
        std::vector<std::size_t> rows;
        for (const std::size_t c : picked) rows.insert(rows.end(), clusters[c].begin(), clusters[c].end());
        return flatten(jansen_indices(outputs, rows));
    };
    const std::vector<Interval> flat = bootstrap_intervals(clusters.size(), statistic, settings);
    const auto k = static_cast<std::size_t>(outputs.ab.cols());
    SobolIntervals out;
    out.first.assign(flat.begin(), flat.begin() + static_cast<std::ptrdiff_t>(k));
    out.total.assign(flat.begin() + static_cast<std::ptrdiff_t>(k), flat.begin() + static_cast<std::ptrdiff_t>(2 * k));
    if (outputs.ba.cols() == 0) return out;
    out.second.assign(k, std::vector<Interval>(k));
    std::size_t next = 2 * k;
    for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = i + 1; j < k; ++j) out.second[i][j] = flat[next++];
    return out;
}

}  // namespace experiments
