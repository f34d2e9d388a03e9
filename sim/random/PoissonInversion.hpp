#pragma once
// Poisson(mean) counts by inversion of one uniform draw x per count, written
// once over a lane type: double (one count) or sim::Pack (several at once,
// sim/simd/Pack.hpp). Each lane computes exactly what the one-count loop
// computes (the same operations in the same order; the build forbids fused
// multiply-add), so counts are the same bits at every width. A pack runs as
// long as its longest count: one at a time the loop's exit is mispredicted
// about once a count, and several packs at once (a wider pack) share the
// latency of its chain of multiplications and additions.
#include "sim/simd/Pack.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace sim {

// 1 / k for small k: a multiplication, not a division, in the loop, whose
// latency is its cost.
inline constexpr auto kPoissonReciprocals = [] {
    std::array<double, 64> r{};
    for (std::size_t k = 1; k < r.size(); ++k) r[k] = 1.0 / static_cast<double>(k);
    return r;
}();

// The smallest k with x < P(count <= k), for lanes where `counting`
// holds at the start (0 elsewhere); p0 = exp(-mean). At most 1000, and the
// sum stops after a term below 1e-300. D: double or Pack<double, W>; N: the
// counts, std::uint64_t or Pack<std::uint64_t, W>.
template <class N, class D, class M>
N poisson_by_inversion(D mean, D p0, D x, M counting) {
    D term = p0;
    D cumulative = term;
    N count(0);
    counting = counting & (x >= cumulative);
    for (std::uint32_t k = 1; k <= 1000 && lanes::any(counting); ++k) {
        const D next = term * (mean * D(k < kPoissonReciprocals.size() ? kPoissonReciprocals[k] : 1.0 / k));
        term = lanes::select(counting, next, term);
        cumulative = lanes::select(counting, cumulative + next, cumulative);
        count = lanes::select(counting, count + N(1), count);
        counting = lanes::and_not(counting, next < D(1e-300)) & (x >= cumulative);
    }
    return count;
}

}  // namespace sim
