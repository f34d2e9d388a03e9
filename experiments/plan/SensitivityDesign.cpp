#include "experiments/plan/SensitivityDesign.hpp"

#include "sim/random/BlockEngine.hpp"
#include "sim/random/CounterStream.hpp"
#include "sim/random/SeedDerivation.hpp"
#include "sim/random/UniformIndex.hpp"

#include <boost/random/sobol.hpp>

#include <cstdint>

namespace experiments {
namespace {

// The sweep's stream (SweepSampler.cpp uses purposes 0 and 1 of it).
constexpr std::uint32_t kSweepStream = 0x5E3E;
constexpr std::uint32_t kPurposeSaltelliShift = 2;   // agent: dimension of the 2k-dimensional sample
constexpr std::uint32_t kPurposeSaltelliRandom = 3;  // agent: dimension
constexpr std::uint32_t kPurposeMorrisOrder = 4;     // agent: trajectory
constexpr std::uint32_t kPurposeMorrisStart = 5;     // agent: trajectory

sim::CounterStream sweep_stream(std::uint64_t seed) {
    return sim::CounterStream(sim::derive_stream_key(seed, {0, 0, 0, kSweepStream}));
}

// Two 32-bit words as the top 53 bits of a 64-bit word.
std::uint64_t word53(sim::BlockEngine& engine) {
    const std::uint64_t high = engine(), low = engine();
    return ((high << 32) | low) >> 11;
}

// The 2k-dimensional base sample: A is columns 0..k-1, B columns k..2k-1.
// Sobol: boost's sequence (its first point is (0.5, ..), not the origin) with
// a random digital shift, the XOR of each coordinate's 53 binary digits with
// one random mask per dimension (Owen 1995's simplest randomisation; it keeps
// the net structure, and makes repeated designs independent replicates).
UnitPoints base_sample(const SweepSettings& s, std::uint64_t seed) {
    const std::size_t dims = 2 * s.parameters.size();
    const sim::CounterStream stream = sweep_stream(seed);
    UnitPoints rows(s.points, std::vector<double>(dims));
    if (s.sensitivity.sampling == SaltelliSampling::Random) {
        for (std::size_t d = 0; d < dims; ++d) {
            sim::BlockEngine engine(stream, kPurposeSaltelliRandom, static_cast<std::uint32_t>(d));
            for (auto& row : rows) row[d] = static_cast<double>(word53(engine)) * 0x1p-53;
        }
        return rows;
    }
    std::vector<std::uint64_t> mask(dims);
    for (std::size_t d = 0; d < dims; ++d) {
        sim::BlockEngine engine(stream, kPurposeSaltelliShift, static_cast<std::uint32_t>(d));
        mask[d] = word53(engine);
    }
    boost::random::sobol engine(dims);
    for (auto& row : rows)
        for (std::size_t d = 0; d < dims; ++d) row[d] = static_cast<double>((engine() >> 11) ^ mask[d]) * 0x1p-53;
    return rows;
}

}  // namespace

SaltelliLayout saltelli_layout(const SweepSettings& settings) {
    return {settings.parameters.size(), settings.sensitivity.second_order};
}

UnitPoints saltelli_unit_points(const SweepSettings& settings, std::uint64_t seed) {
    const std::size_t k = settings.parameters.size();
    const SaltelliLayout at = saltelli_layout(settings);
    const UnitPoints base = base_sample(settings, seed);
    UnitPoints points(base.size() * at.stride());
    for (std::size_t j = 0; j < base.size(); ++j) {
        const std::vector<double> a(base[j].begin(), base[j].begin() + static_cast<std::ptrdiff_t>(k));
        const std::vector<double> b(base[j].begin() + static_cast<std::ptrdiff_t>(k), base[j].end());
        points[at.a(j)] = a;
        points[at.b(j)] = b;
        for (std::size_t i = 0; i < k; ++i) {
            points[at.ab(j, i)] = a;
            points[at.ab(j, i)][i] = b[i];
            if (!at.second_order) continue;
            points[at.ba(j, i)] = b;
            points[at.ba(j, i)][i] = a[i];
        }
    }
    return points;
}

MorrisDesign morris_design(const SweepSettings& settings, std::uint64_t seed) {
    const auto k = static_cast<std::uint32_t>(settings.parameters.size());
    const std::uint32_t p = settings.sensitivity.levels, half = p / 2;
    const sim::CounterStream stream = sweep_stream(seed);
    MorrisDesign design;
    design.delta = static_cast<double>(half) / (p - 1);
    const auto level = [p](std::uint32_t l) { return static_cast<double>(l) / (p - 1); };
    for (std::uint32_t t = 0; t < settings.points; ++t) {
        const std::vector<std::uint32_t> order =
            sim::uniform_permutation(sim::BlockEngine(stream, kPurposeMorrisOrder, t), k);
        sim::BlockEngine start(stream, kPurposeMorrisStart, t);
        std::vector<std::uint32_t> from(k);
        std::vector<int> direction(k);
        std::vector<double> x(k);
        for (std::uint32_t i = 0; i < k; ++i) {
            direction[i] = (start() & 1u) ? 1 : -1;
            // Up moves start on the lower half of the levels, down moves on the upper half.
            from[i] = sim::uniform_index(start, half) + (direction[i] > 0 ? 0 : half);
            x[i] = level(from[i]);
        }
        design.points.push_back(x);
        for (const std::uint32_t i : order) {
            // The level itself, not x + delta: the end stays an exact grid value.
            x[i] = level(direction[i] > 0 ? from[i] + half : from[i] - half);
            design.points.push_back(x);
            design.steps.push_back({i, direction[i]});
        }
    }
    return design;
}

}  // namespace experiments
