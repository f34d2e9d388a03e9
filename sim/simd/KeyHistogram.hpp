#pragma once
// Counts of small integer keys, one pack of keys at a time. A loop that
// counts several things per item by category (how many items of each group
// and class) composes one key per item from them and counts the keys here:
// one increment per item instead of one per thing counted, and the sums per
// category are taken once at the end.
//
// Four histograms are kept and item j of a pack counts in histogram j % 4,
// so that successive increments of one key do not wait on each other
// through memory (store-to-load forwarding costs several cycles each).
// Counts are exact integers: the totals do not depend on the width.
#include "sim/simd/Pack.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace sim {

// Tag: as for Pack (sim/simd/Pack.hpp), a type of the loop's own when the
// loop is compiled once per target, so that the histogram's functions have
// internal linkage there.
template <std::size_t Keys, class Tag = void>
class KeyHistogram {
public:
    // Counts each lane's key (below Keys).
    template <int W>
    void add(Pack<std::uint64_t, W, Tag> keys) {
        alignas(64) std::array<std::uint64_t, W> k;
        keys.store(k.data());
        for (int j = 0; j < W; ++j) ++seen_[static_cast<std::size_t>(j) % kWays][k[j]];
    }

    // How many times `key` was counted.
    std::int64_t operator[](std::size_t key) const {
        return std::int64_t{seen_[0][key]} + seen_[1][key] + seen_[2][key] + seen_[3][key];
    }

private:
    static constexpr std::size_t kWays = 4;
    std::array<std::array<std::uint32_t, Keys>, kWays> seen_{};  // a chunk holds fewer than 2^32 items
};

}  // namespace sim
