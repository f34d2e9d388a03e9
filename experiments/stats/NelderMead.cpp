#include "experiments/stats/NelderMead.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace experiments {
namespace {

using Point = std::vector<double>;

Point along(const Point& from, const Point& to, double t) {  // from + t (to - from)
    Point p(from.size());
    for (std::size_t i = 0; i < p.size(); ++i) p[i] = from[i] + t * (to[i] - from[i]);
    return p;
}

}  // namespace

NelderMeadResult nelder_mead(const std::function<double(const std::vector<double>&)>& f, std::vector<double> start,
                             const NelderMeadSettings& s) {
    const std::size_t n = start.size();
    std::size_t evaluations = 0;
    const auto eval = [&](const Point& p) {
        ++evaluations;
        const double v = f(p);
        return std::isnan(v) ? HUGE_VAL : v;  // a failed evaluation is the worst possible
    };
    std::vector<Point> x(n + 1, start);
    for (std::size_t i = 0; i < n; ++i) x[i + 1][i] += s.step;
    std::vector<double> y(n + 1);
    for (std::size_t i = 0; i <= n; ++i) y[i] = eval(x[i]);
    bool converged = false;
    while (evaluations < s.max_evaluations) {
        std::vector<std::size_t> order(n + 1);
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return y[a] < y[b]; });
        std::vector<Point> xs;
        std::vector<double> ys;
        for (const std::size_t i : order) xs.push_back(x[i]), ys.push_back(y[i]);
        x = xs, y = ys;
        double size = 0;
        for (std::size_t i = 1; i <= n; ++i)
            for (std::size_t d = 0; d < n; ++d) size = std::max(size, std::abs(x[i][d] - x[0][d]));
        if (y[n] - y[0] <= s.value_tolerance && size <= s.size_tolerance) {
            converged = true;
            break;
        }
        Point centroid(n, 0.0);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t d = 0; d < n; ++d) centroid[d] += x[i][d] / static_cast<double>(n);
        const Point reflected = along(centroid, x[n], -1.0);
        const double yr = eval(reflected);
        if (yr < y[0]) {
            const Point expanded = along(centroid, x[n], -2.0);
            const double ye = eval(expanded);
            if (ye < yr)
                x[n] = expanded, y[n] = ye;
            else
                x[n] = reflected, y[n] = yr;
            continue;
        }
        if (yr < y[n - 1]) {
            x[n] = reflected, y[n] = yr;
            continue;
        }
        // Contract towards the better of the worst and its reflection.
        const bool outside = yr < y[n];
        const Point contracted = along(centroid, outside ? reflected : x[n], 0.5);
        const double yc = eval(contracted);
        if (yc < (outside ? yr : y[n])) {
            x[n] = contracted, y[n] = yc;
            continue;
        }
        for (std::size_t i = 1; i <= n; ++i) {
            x[i] = along(x[0], x[i], 0.5);
            y[i] = eval(x[i]);
        }
    }
    const auto best = static_cast<std::size_t>(std::min_element(y.begin(), y.end()) - y.begin());
    return {x[best], y[best], evaluations, converged};
}

}  // namespace experiments
