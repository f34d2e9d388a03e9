#include "experiments/stats/Bootstrap.hpp"

#include "sim/random/BlockEngine.hpp"
#include "sim/random/SeedDerivation.hpp"
#include "sim/random/UniformIndex.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace experiments {
namespace {

// The bootstrap's own random universe: stream word 0xB007, apart from the
// runs' streams (0, 1) and the sweep's (0x5E3E).
constexpr std::uint32_t kBootstrapStream = 0xB007;
constexpr std::uint32_t kPurposeResample = 0;  // agent: resample index

}  // namespace

double quantile(std::vector<double> values, double q) {
    values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }),
                 values.end());
    if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
    std::sort(values.begin(), values.end());
    const double h = q * static_cast<double>(values.size() - 1);
    const auto low = static_cast<std::size_t>(std::floor(h));
    const std::size_t high = std::min(low + 1, values.size() - 1);
    return values[low] + (h - static_cast<double>(low)) * (values[high] - values[low]);
}

std::vector<Interval> bootstrap_intervals(std::size_t clusters, const ClusterStatistic& statistic,
                                          const BootstrapSettings& settings) {
    if (settings.resamples == 0) throw std::invalid_argument("bootstrap: resamples must be at least 1");
    if (!(settings.confidence > 0.0 && settings.confidence < 1.0))
        throw std::invalid_argument("bootstrap: confidence must be in (0, 1), got " +
                                    std::to_string(settings.confidence));
    std::vector<std::size_t> all(clusters);
    std::iota(all.begin(), all.end(), std::size_t{0});
    const std::vector<double> estimate = statistic(all);
    std::vector<std::vector<double>> resampled(estimate.size(), std::vector<double>(settings.resamples));
    const sim::CounterStream stream(sim::derive_stream_key(settings.seed, {0, 0, 0, kBootstrapStream}));
    std::vector<std::size_t> pick(clusters);
    for (std::uint32_t b = 0; b < settings.resamples; ++b) {
        sim::BlockEngine engine(stream, kPurposeResample, b);
        for (auto& c : pick) c = sim::uniform_index(engine, static_cast<std::uint32_t>(clusters));
        const std::vector<double> value = statistic(pick);
        for (std::size_t s = 0; s < estimate.size(); ++s) resampled[s][b] = value[s];
    }
    const double tail = (1.0 - settings.confidence) / 2.0;
    std::vector<Interval> out(estimate.size());
    for (std::size_t s = 0; s < estimate.size(); ++s)
        out[s] = {estimate[s], quantile(resampled[s], tail), quantile(resampled[s], 1.0 - tail), clusters};
    return out;
}

}  // namespace experiments
