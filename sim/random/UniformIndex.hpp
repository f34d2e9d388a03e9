#pragma once
// Uniform integers and permutations from a BlockEngine, written out rather
// than taken from std::uniform_int_distribution or std::shuffle, whose
// algorithms differ between standard libraries: a sweep, a sensitivity design
// or a bootstrap must draw the same numbers on every platform.
#include "sim/random/BlockEngine.hpp"

#include <cstdint>
#include <numeric>
#include <utility>
#include <vector>

namespace sim {

// Uniform integer in [0, bound) without modulo bias (Lemire, "Fast random
// integer generation in an interval", ACM TOMACS 2019).
inline std::uint32_t uniform_index(BlockEngine& engine, std::uint32_t bound) {
    std::uint64_t m = static_cast<std::uint64_t>(engine()) * bound;
    auto low = static_cast<std::uint32_t>(m);
    if (low < bound) {
        const std::uint32_t threshold = static_cast<std::uint32_t>(-bound) % bound;
        while (low < threshold) {
            m = static_cast<std::uint64_t>(engine()) * bound;
            low = static_cast<std::uint32_t>(m);
        }
    }
    return static_cast<std::uint32_t>(m >> 32);
}

// A uniform permutation of 0..n-1 by Fisher-Yates.
inline std::vector<std::uint32_t> uniform_permutation(BlockEngine engine, std::uint32_t n) {
    std::vector<std::uint32_t> perm(n);
    std::iota(perm.begin(), perm.end(), 0u);
    for (std::uint32_t i = n; i > 1; --i) std::swap(perm[i - 1], perm[uniform_index(engine, i)]);
    return perm;
}

}  // namespace sim
