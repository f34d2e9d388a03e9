#pragma once
// The k-th largest of a span of floats, found without reordering the span.
//
// std::nth_element would find it, but it reorders its input, and its random
// partitioning is branchy and jumps around memory: on hundreds of thousands
// of values it is slow. This is a radix select instead, on the float's bits
// turned into an unsigned key that orders as the float does: one in-order
// pass counts the keys' top 16 bits in a histogram, a walk down the
// histogram finds the bucket that holds the k-th largest, and a second
// in-order pass copies that bucket's keys out; only that copy, usually a
// tiny fraction of the input, goes through nth_element. Two linear,
// branch-light passes instead of a partitioning of the whole input.
//
// NaN is not allowed: it has no place in the order (its key would sort it
// above +infinity or below -infinity, depending on its sign bit).
#include <algorithm>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <vector>

namespace sim {

// An unsigned key whose order is the order of the (non-NaN) floats: flipping
// every bit of a negative float reverses the order of the negatives (their
// bits grow with their magnitude) and puts them below the positives, whose
// sign bit is set instead. -0.0 gets the key just below +0.0's.
inline std::uint32_t float_order_key(float x) {
    const auto bits = std::bit_cast<std::uint32_t>(x);
    return (bits & 0x80000000u) != 0 ? ~bits : bits | 0x80000000u;
}

// The float whose float_order_key is `key`.
inline float float_from_order_key(std::uint32_t key) {
    return std::bit_cast<float>((key & 0x80000000u) != 0 ? key & 0x7fffffffu : ~key);
}

// The k-th largest of `values` (k = 1: the largest), 1 <= k <= values.size(),
// with no NaN among them; the values are only read. Of -0.0 and +0.0, which
// are equal, +0.0 counts as the larger. Scratch space is kept per thread
// between calls, so calls on different threads may run side by side.
inline float kth_largest(std::span<const float> values, std::size_t k) {
    assert(k >= 1 && k <= values.size());
    assert(values.size() <= std::numeric_limits<std::uint32_t>::max());
    // Below this many values, clearing the 256 KiB histogram would cost more
    // than nth_element on a copy of all of them (a rough crossover, not tuned).
    constexpr std::size_t kDirect = 4096;
    constexpr std::size_t kBuckets = std::size_t{1} << 16;
    thread_local std::vector<std::uint32_t> count;
    thread_local std::vector<std::uint32_t> candidates;
    candidates.clear();
    std::size_t rank = k;  // of the k-th largest among the candidates
    if (values.size() <= kDirect) {
        for (const float x : values) candidates.push_back(float_order_key(x));
    } else {
        count.assign(kBuckets, 0);
        for (const float x : values) ++count[float_order_key(x) >> 16];
        // From the top bucket down, until the buckets seen hold k values:
        // the last one seen holds the k-th largest, and `above` values lie
        // in the buckets above it. It stops at bucket 0 at the latest, since
        // all the buckets together hold values.size() >= k values.
        std::size_t bucket = kBuckets - 1;
        std::size_t above = 0;
        while (above + count[bucket] < k) above += count[bucket--];
        for (const float x : values) {
            const std::uint32_t key = float_order_key(x);
            if ((key >> 16) == bucket) candidates.push_back(key);
        }
        rank = k - above;
    }
    const auto nth = candidates.begin() + static_cast<std::ptrdiff_t>(rank - 1);
    std::nth_element(candidates.begin(), nth, candidates.end(), std::greater<std::uint32_t>());
    return float_from_order_key(*nth);
}

}  // namespace sim
