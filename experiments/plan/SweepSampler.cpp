#include "experiments/plan/SweepSampler.hpp"

#include "experiments/plan/SensitivityDesign.hpp"

#include "sim/random/BlockEngine.hpp"
#include "sim/random/CounterStream.hpp"
#include "sim/random/SeedDerivation.hpp"
#include "sim/random/UniformIndex.hpp"

#include <boost/random/sobol.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

namespace experiments {
namespace {

// The sweep's own random universe: stream coordinate 0x5E3E ("SWEE") is
// reserved for the sweep sampler, so its draws never coincide with those of
// any run (runs use stream 0 and their own scenario/point/replication).
constexpr std::uint32_t kSweepStream = 0x5E3E;

// Purposes inside the sweep stream; the agent field is the parameter index, so
// adding a parameter at the end leaves the draws of the earlier ones unchanged.
constexpr std::uint32_t kPurposePermutation = 0;
constexpr std::uint32_t kPurposePosition = 1;

// Sweep points are addressed by RunCoordinates::sweep_point, a 32-bit field.
constexpr std::uint64_t kMaxPoints = std::numeric_limits<std::uint32_t>::max();

[[noreturn]] void fail(const SweepParameter& p, const std::string& what) {
    throw std::invalid_argument("sweep parameter '" + p.key + "': " + what);
}

void validate_parameter(const SweepParameter& p, SweepMethod method) {
    if (p.key.empty()) throw std::invalid_argument("sweep parameter with an empty key");
    if (!std::isfinite(p.low) || !std::isfinite(p.high)) fail(p, "low and high must be finite numbers");
    if (p.low > p.high) fail(p, "low (" + std::to_string(p.low) + ") > high (" + std::to_string(p.high) + ")");
    if (p.scale == SweepScale::Log && p.low <= 0.0) fail(p, "log scale needs low > 0, got " + std::to_string(p.low));
    if (method == SweepMethod::Grid && p.steps == 0) fail(p, "grid needs steps >= 1");
}

void validate_sensitivity(const SweepSettings& s) {
    const std::size_t k = s.parameters.size();
    if (k == 0) throw std::invalid_argument("a sensitivity design needs at least one parameter");
    if (s.method == SweepMethod::Saltelli) {
        if (s.points < kMinSaltelliBaseSamples)
            throw std::invalid_argument("saltelli needs points (base samples) >= " +
                                        std::to_string(kMinSaltelliBaseSamples) + " for bootstrap intervals");
        if (s.sensitivity.second_order && k < 2)
            throw std::invalid_argument("second-order indices need at least two parameters");
        if (2 * k > boost::random::default_sobol_table::max_dimension)
            throw std::invalid_argument("saltelli over " + std::to_string(k) +
                                        " parameters: the Sobol base sample has 2k dimensions, at most " +
                                        std::to_string(boost::random::default_sobol_table::max_dimension));
        const std::uint64_t stride = s.sensitivity.second_order ? 2 * k + 2 : k + 2;
        if (std::uint64_t{s.points} * stride > kMaxPoints)
            throw std::invalid_argument("saltelli design has too many points");
        return;
    }
    if (s.points < kMinMorrisTrajectories)
        throw std::invalid_argument("morris needs trajectories >= " + std::to_string(kMinMorrisTrajectories) +
                                    " for sigma and bootstrap intervals");
    if (s.sensitivity.levels < 2 || s.sensitivity.levels % 2 != 0)
        throw std::invalid_argument("morris needs an even number of levels >= 2");
    if (std::uint64_t{s.points} * (k + 1) > kMaxPoints)
        throw std::invalid_argument("morris design has too many points");
}

void validate(const SweepSettings& s) {
    std::set<std::string> keys;
    for (const SweepParameter& p : s.parameters) {
        validate_parameter(p, s.method);
        if (!keys.insert(p.key).second) fail(p, "appears more than once in the sweep");
    }
    if (s.method == SweepMethod::Grid) return;
    if (is_sensitivity_design(s.method)) return validate_sensitivity(s);
    const char* name = s.method == SweepMethod::Sobol ? "sobol" : "latin hypercube";
    if (s.points == 0) throw std::invalid_argument(std::string(name) + " sweep needs points >= 1");
    const std::size_t max_dim = boost::random::default_sobol_table::max_dimension;
    if (s.method == SweepMethod::Sobol && s.parameters.size() > max_dim)
        throw std::invalid_argument("sobol sweep over " + std::to_string(s.parameters.size()) +
                                    " parameters: boost::random::sobol supports at most " + std::to_string(max_dim));
}

// u in [0, 1] to the parameter's range, in its scale. The clamp keeps rounding
// in low + u (high - low) or exp(...) from leaving [low, high].
double map_unit(const SweepParameter& p, double u) {
    double v = p.scale == SweepScale::Log ? std::exp(std::log(p.low) + u * (std::log(p.high) - std::log(p.low)))
                                          : p.low + u * (p.high - p.low);
    v = std::clamp(v, p.low, p.high);
    return p.integer ? std::round(v) : v;
}

// lhs/sobol sample [low, high): u < 1 can still round up to high in map_unit;
// step back to the largest double below high in that (measure-zero) case.
double map_half_open(const SweepParameter& p, double u) {
    const double v = map_unit(p, u);
    if (p.integer || v < p.high || p.low == p.high) return v;
    return std::nextafter(p.high, p.low);
}

// ---- grid -----------------------------------------------------------------

// Value i of a grid with `steps` values; the ends are the exact low and high
// (exp(log(high)) need not equal high).
double grid_value(const SweepParameter& p, std::uint32_t i) {
    if (i == 0) return p.integer ? std::round(p.low) : p.low;
    if (i + 1 == p.steps) return p.integer ? std::round(p.high) : p.high;
    return map_unit(p, static_cast<double>(i) / static_cast<double>(p.steps - 1));
}

std::uint64_t grid_size(const std::vector<SweepParameter>& parameters) {
    std::uint64_t n = 1;
    for (const SweepParameter& p : parameters) {
        if (n > kMaxPoints / p.steps)
            throw std::invalid_argument("grid sweep has more than " + std::to_string(kMaxPoints) +
                                        " points (at parameter '" + p.key + "')");
        n *= p.steps;
    }
    return n;
}

std::vector<std::vector<double>> sample_grid(const std::vector<SweepParameter>& parameters) {
    const std::uint64_t n = grid_size(parameters);
    std::vector<std::vector<double>> points(n, std::vector<double>(parameters.size()));
    for (std::uint64_t p = 0; p < n; ++p) {
        std::uint64_t rest = p;  // mixed-radix digits of p, last parameter least significant
        for (std::size_t k = parameters.size(); k-- > 0;) {
            points[p][k] = grid_value(parameters[k], static_cast<std::uint32_t>(rest % parameters[k].steps));
            rest /= parameters[k].steps;
        }
    }
    return points;
}

// ---- Latin hypercube ------------------------------------------------------

std::vector<std::vector<double>> sample_lhs(const SweepSettings& s, std::uint64_t seed) {
    const sim::CounterStream stream(sim::derive_stream_key(seed, {0, 0, 0, kSweepStream}));
    const std::uint32_t n = s.points;
    std::vector<std::vector<double>> points(n, std::vector<double>(s.parameters.size()));
    for (std::size_t k = 0; k < s.parameters.size(); ++k) {
        const auto agent = static_cast<std::uint32_t>(k);
        const std::vector<std::uint32_t> stratum =
            sim::uniform_permutation(sim::BlockEngine(stream, kPurposePermutation, agent), n);
        sim::BlockEngine position(stream, kPurposePosition, agent);
        for (std::uint32_t p = 0; p < n; ++p) {
            // One 32-bit word places the point inside its stratum; the min keeps
            // rounding of (stratum + f) / n from reaching the next stratum's edge at 1.
            const double u = (stratum[p] + sim::to_unit(position())) / n;
            points[p][k] = map_half_open(s.parameters[k], std::min(u, 1.0 - 0x1p-53));
        }
    }
    return points;
}

// ---- Sobol ----------------------------------------------------------------

// boost::random::sobol already starts after the all-zero point: its first
// point is (0.5, ..., 0.5) (see the class comment in boost/random/sobol.hpp),
// so nothing is discarded here. It emits one coordinate per call, dimension by
// dimension. The 64-bit word is cut to its top 53 bits, which a double holds
// exactly: u stays below 1 and keeps its leading binary digits (the net
// structure), where a plain conversion could round up to 1.
std::vector<std::vector<double>> sample_sobol(const SweepSettings& s) {
    std::vector<std::vector<double>> points(s.points, std::vector<double>(s.parameters.size()));
    if (s.parameters.empty()) return points;
    boost::random::sobol engine(s.parameters.size());
    for (auto& point : points)
        for (std::size_t k = 0; k < point.size(); ++k)
            point[k] = map_half_open(s.parameters[k], static_cast<double>(engine() >> 11) * 0x1p-53);
    return points;
}

// ---- sensitivity designs -----------------------------------------------

// Saltelli's points sample [low, high) like sobol's; Morris's levels include both ends.
std::vector<std::vector<double>> map_design(const SweepSettings& s, UnitPoints points, bool closed) {
    for (auto& point : points)
        for (std::size_t k = 0; k < point.size(); ++k)
            point[k] = closed ? map_unit(s.parameters[k], point[k]) : map_half_open(s.parameters[k], point[k]);
    return points;
}

}  // namespace

std::vector<std::vector<double>> sample_sweep(const SweepSettings& settings, std::uint64_t seed) {
    validate(settings);
    switch (settings.method) {
        case SweepMethod::Grid:
            return sample_grid(settings.parameters);
        case SweepMethod::LatinHypercube:
            return sample_lhs(settings, seed);
        case SweepMethod::Sobol:
            return sample_sobol(settings);
        case SweepMethod::Saltelli:
            return map_design(settings, saltelli_unit_points(settings, seed), false);
        case SweepMethod::Morris:
            return map_design(settings, morris_design(settings, seed).points, true);
    }
    throw std::invalid_argument("unknown sweep method");
}

}  // namespace experiments
