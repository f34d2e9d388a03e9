// sim::kth_largest against the obvious definition: sort a copy descending
// and take element k - 1. Inputs on both sides of the size below which it
// skips the histogram, and with the k-th largest at every place in its
// bucket, first and last included, so that a bucket walk off by one fails.
#include "sim/util/KthLargest.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <random>
#include <span>
#include <vector>

namespace {

// Checks kth_largest(values, k) for each k in `ks` against a sorted copy,
// and that the values are left as they were, bit for bit.
::testing::AssertionResult matches_sorted_copy(const std::vector<float>& values, const std::vector<std::size_t>& ks) {
    std::vector<float> sorted = values;
    std::sort(sorted.begin(), sorted.end(), std::greater<float>());
    const std::vector<float> before = values;
    for (const std::size_t k : ks) {
        const float got = sim::kth_largest(std::span<const float>(values), k);
        // == on floats: -0.0 and +0.0, which the sort may leave in any
        // order, count as equal here (their order has its own test).
        if (got != sorted[k - 1])
            return ::testing::AssertionFailure()
                   << "size " << values.size() << ", k " << k << ": got " << got << ", expected " << sorted[k - 1];
        if (std::memcmp(values.data(), before.data(), values.size() * sizeof(float)) != 0)
            return ::testing::AssertionFailure() << "size " << values.size() << ", k " << k << ": input modified";
    }
    return ::testing::AssertionSuccess();
}

std::vector<std::size_t> every_k(std::size_t size) {
    std::vector<std::size_t> ks(size);
    for (std::size_t k = 0; k < size; ++k) ks[k] = k + 1;
    return ks;
}

// 1, size, the middle and a few random ks.
std::vector<std::size_t> some_ks(std::size_t size, std::mt19937& rng) {
    std::vector<std::size_t> ks = {1, size, (size + 1) / 2};
    for (int i = 0; i < 5; ++i) ks.push_back(1 + rng() % size);
    return ks;
}

// Sizes around the one below which the histogram is skipped (4096), and
// both much smaller and much larger.
const std::size_t kSizes[] = {1, 2, 3, 10, 1000, 4095, 4096, 4097, 10000, 100003};

// Positive and negative, over many magnitudes: the keys spread over many
// buckets.
std::vector<float> spread(std::size_t size, std::mt19937& rng) {
    std::uniform_real_distribution<float> mantissa(-1.0f, 1.0f);
    std::uniform_int_distribution<int> exponent(-30, 30);
    std::vector<float> v(size);
    for (float& x : v) x = std::ldexp(mantissa(rng), exponent(rng));
    return v;
}

// Drawn from a small set, zeros of both signs included: many ties.
std::vector<float> few_distinct(std::size_t size, std::mt19937& rng) {
    const float set[] = {-3.5f, -1.0f, -0.0f, 0.0f, 0.0f, 1e-3f, 1.0f, 2.0f, 2.0f, 7.25f};
    std::vector<float> v(size);
    for (float& x : v) x = set[rng() % std::size(set)];
    return v;
}

TEST(KthLargest, SpreadValues) {
    std::mt19937 rng(1);
    for (const std::size_t size : kSizes) EXPECT_TRUE(matches_sorted_copy(spread(size, rng), some_ks(size, rng)));
}

TEST(KthLargest, ManyTies) {
    std::mt19937 rng(2);
    for (const std::size_t size : kSizes) EXPECT_TRUE(matches_sorted_copy(few_distinct(size, rng), some_ks(size, rng)));
}

TEST(KthLargest, AllEqual) {
    std::mt19937 rng(3);
    for (const float x : {-2.0f, -0.0f, 0.0f, 1.5f})
        for (const std::size_t size : kSizes)
            EXPECT_TRUE(matches_sorted_copy(std::vector<float>(size, x), some_ks(size, rng)));
}

TEST(KthLargest, EveryKAcrossBucketEdges) {
    // Every k over inputs whose values fall in a few buckets (a few distinct
    // values, or a few runs of floats one ulp apart, a run straddling two
    // buckets), so that the k-th largest is, for some k, the first or the
    // last value of its bucket.
    std::mt19937 rng(4);
    for (const std::size_t size : {std::size_t{50}, std::size_t{4097}}) {
        EXPECT_TRUE(matches_sorted_copy(few_distinct(size, rng), every_k(size)));
        std::vector<float> runs(size);
        // The run from just below 1.5f (bits 0x3fbfffff, key 0xbfbfffff)
        // crosses from bucket 0xbfbf into bucket 0xbfc0.
        const float starts[] = {-1.0f, 1.0f, std::nextafter(1.5f, 0.0f), 3.0f};
        for (float& x : runs) {
            x = starts[rng() % std::size(starts)];
            for (std::uint32_t steps = rng() % 8; steps > 0; --steps) x = std::nextafter(x, 10.0f);
        }
        std::shuffle(runs.begin(), runs.end(), rng);
        EXPECT_TRUE(matches_sorted_copy(runs, every_k(size)));
    }
}

TEST(KthLargest, PositiveZeroRanksAboveNegativeZero) {
    // Equal as values, but kth_largest returns one of them, the same one
    // every time: +0.0 counts as the larger.
    for (const std::size_t negatives : {std::size_t{2}, std::size_t{5000}}) {
        std::vector<float> v(negatives, -0.0f);
        v.insert(v.begin() + 1, 0.0f);
        EXPECT_FALSE(std::signbit(sim::kth_largest(v, 1))) << negatives;
        EXPECT_TRUE(std::signbit(sim::kth_largest(v, 2))) << negatives;
        EXPECT_TRUE(std::signbit(sim::kth_largest(v, v.size()))) << negatives;
    }
}

}  // namespace
