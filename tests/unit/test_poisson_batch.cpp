// Batched Poisson counts by inversion (sim/random/PoissonBatch.hpp): the
// vector loops must give exactly poisson_by_inversion's count for every
// rate, whatever its place in the batch, and leave the rates above the
// limit uncounted.
#include "sim/random/PoissonBatch.hpp"
#include "sim/random/PoissonInversion.hpp"
#include "sim/util/Avx2Loops.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace {

using namespace sim;

// The limit the market counts with (models/mechanisms/Purchases.hpp); the
// batches below have rates on both sides of it.
constexpr double kMarketLimit = 30.0;

struct Batch {
    std::vector<float> rate, p0;  // as the population stores them
    std::vector<std::uint32_t> u;
};

// Rates across the whole range the inversion takes (and some above it),
// p0 = exp(-rate) rounded to float as the population stores it, and words
// that include the extremes, where the loop runs longest.
Batch make_batch(std::uint32_t n, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::gamma_distribution<double> typical(2.0, 0.5);
    std::uniform_real_distribution<double> wide(0.0, 40.0);
    Batch b;
    for (std::uint32_t k = 0; k < n; ++k) {
        const auto rate = static_cast<float>(k % 7 == 3 ? wide(rng) : typical(rng));
        b.rate.push_back(rate);
        b.p0.push_back(static_cast<float>(std::exp(-rate)));
        const std::uint32_t word = k % 11 == 5 ? 0xFFFFFFFFu - (k % 3) : k % 13 == 0 ? k % 2 : rng();
        b.u.push_back(word);
    }
    return b;
}

// The loops count_poisson_by_inversion may take: scalar, AVX2 (with the
// AVX-512 ones held back) and the widest the processor has (AVX-512 where it
// has it).
enum class Loops { Scalar, Avx2, Widest };

std::vector<std::uint32_t> counts_of(const Batch& b, Loops loops, double limit = kMarketLimit) {
    sim::allow_avx2_loops(loops != Loops::Scalar);
    sim::allow_avx512_loops(loops == Loops::Widest);
    std::vector<std::uint32_t> counts(b.rate.size(), 12345);
    count_poisson_by_inversion(b.rate.data(), b.p0.data(), b.u.data(), static_cast<std::uint32_t>(b.rate.size()), limit,
                               counts.data());
    sim::allow_avx2_loops(true);
    sim::allow_avx512_loops(true);
    return counts;
}

const char* name(Loops loops) {
    return loops == Loops::Scalar ? "scalar" : loops == Loops::Avx2 ? "avx2" : "widest";
}

TEST(PoissonBatch, EveryCountIsTheInversionsCount) {
    // Batch sizes cover whole groups of 32, 16, 8 and 4 and every remainder.
    for (const std::uint32_t n :
         {1u, 3u, 4u, 5u, 8u, 11u, 12u, 15u, 16u, 23u, 24u, 28u, 31u, 32u, 47u, 59u, 63u, 256u, 1001u}) {
        const Batch b = make_batch(n, n);
        // The market's limit, and a lower one that every batch straddles.
        for (const double limit : {kMarketLimit, 1.0})
            for (const Loops loops : {Loops::Scalar, Loops::Avx2, Loops::Widest}) {
                const std::vector<std::uint32_t> counts = counts_of(b, loops, limit);
                for (std::uint32_t k = 0; k < n; ++k) {
                    const std::uint32_t expected =
                        b.rate[k] <= limit ? poisson_by_inversion(b.rate[k], b.p0[k], b.u[k]) : kNotCounted;
                    ASSERT_EQ(counts[k], expected) << "rate " << k << " of " << n << ", rate " << b.rate[k] << ", word "
                                                   << b.u[k] << ", limit " << limit << ", " << name(loops);
                }
            }
    }
}

TEST(PoissonBatch, LargeCountsAtHighRates) {
    // A word near 1 at a rate near the limit runs the loop for about 70
    // terms: past the table of 64 reciprocals, into the divisions.
    Batch b;
    for (const float rate : {29.9f, 30.0f, 0.0f, 1e-9f, 25.0f, 12.5f, 30.0f, 29.0f}) {
        b.rate.push_back(rate);
        b.p0.push_back(static_cast<float>(std::exp(-rate)));
        b.u.push_back(0xFFFFFFFFu);
    }
    for (const Loops loops : {Loops::Avx2, Loops::Widest}) {
        const std::vector<std::uint32_t> counts = counts_of(b, loops);
        std::uint32_t largest = 0;
        for (std::size_t k = 0; k < b.rate.size(); ++k) {
            EXPECT_EQ(counts[k], poisson_by_inversion(b.rate[k], b.p0[k], b.u[k]))
                << "rate " << b.rate[k] << ", " << name(loops);
            largest = std::max(largest, counts[k]);
        }
        EXPECT_GT(largest, 64u);
    }
}

}  // namespace
