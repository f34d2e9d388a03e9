#pragma once
// Poisson(mean) by inversion of one 32-bit uniform word: the count k is the
// first at which the cumulative probability P(0) + ... + P(k) exceeds the
// word as a unit double (to_unit). Exact to the word's resolution, and cheap
// for small means: it takes about mean + 1 terms, so a caller whose means
// can be large draws those above a limit of its own choosing with another
// sampler (the batched count, PoissonBatch.hpp, takes that limit).
#include "sim/random/CounterStream.hpp"

#include <array>
#include <cmath>
#include <cstdint>

namespace sim {

// What a caller records for a count it did not make by inversion (a mean
// above its limit), to draw it with another sampler.
inline constexpr std::uint32_t kNotCounted = 0xFFFFFFFFu;

namespace poisson_inversion {

// The loop ends after this many terms whatever the word, or after a term
// this small: beyond it the cumulative sum cannot grow.
inline constexpr std::uint32_t kMaxTerms = 1000;
inline constexpr double kSmallestTerm = 1e-300;

// 1 / k for the first terms: a multiplication, not a division, in the loop,
// whose latency is its cost.
inline constexpr auto kReciprocals = [] {
    std::array<double, 64> r{};
    for (std::size_t k = 1; k < r.size(); ++k) r[k] = 1.0 / static_cast<double>(k);
    return r;
}();

inline double reciprocal(std::uint32_t k) {
    return k < kReciprocals.size() ? kReciprocals[k] : 1.0 / k;
}

}  // namespace poisson_inversion

// `p0` = exp(-mean), when the caller has it already (the batched loops of
// PoissonBatch.hpp follow these operations exactly, lane by lane).
inline std::uint32_t poisson_by_inversion(double mean, double p0, std::uint32_t u) {
    using namespace poisson_inversion;
    const double x = to_unit(u);
    double term = p0;
    double cumulative = term;
    std::uint32_t k = 0;
    while (x >= cumulative && k < kMaxTerms) {
        ++k;
        term *= mean * reciprocal(k);
        cumulative += term;
        if (term < kSmallestTerm) break;
    }
    return k;
}

inline std::uint32_t poisson_by_inversion(double mean, std::uint32_t u) {
    return poisson_by_inversion(mean, std::exp(-mean), u);
}

}  // namespace sim
