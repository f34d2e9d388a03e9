// Counter-based random streams: pure functions of their address, uniform,
// and independent across the address fields.
#include "sim/random/BlockEngine.hpp"
#include "sim/random/CounterStream.hpp"
#include "sim/random/SeedDerivation.hpp"

#include <gtest/gtest.h>

#include <boost/random/uniform_01.hpp>

#include <cmath>
#include <iostream>
#include <set>
#include <vector>

namespace {

TEST(CounterStream, SameAddressSameBlock) {
    const sim::CounterStream a(sim::StreamKey{42}), b(sim::StreamKey{42});
    EXPECT_EQ(a.block(3, 7, 11, 2), b.block(3, 7, 11, 2));
}

TEST(CounterStream, EveryAddressFieldChangesTheBlock) {
    const sim::CounterStream s(sim::StreamKey{42});
    const sim::Block4 base = s.block(3, 7, 11, 2);
    EXPECT_NE(base, s.block(4, 7, 11, 2));
    EXPECT_NE(base, s.block(3, 8, 11, 2));
    EXPECT_NE(base, s.block(3, 7, 12, 2));
    EXPECT_NE(base, s.block(3, 7, 11, 3));
    EXPECT_NE(base, sim::CounterStream(sim::StreamKey{43}).block(3, 7, 11, 2));
    EXPECT_NE(base,
              sim::CounterStream(sim::StreamKey{42ull | (1ull << 40)}).block(3, 7, 11, 2));  // high key bits count
}

// Chi-square test of uniformity of to_unit over 100 bins with 10^6 draws.
// Fixed seed; the 99-dof chi-square exceeds 180 with probability < 1e-6.
TEST(CounterStream, UnitDrawsAreUniform) {
    const sim::CounterStream s(sim::StreamKey{2026});
    std::vector<int> bins(100, 0);
    const int blocks = 250000;
    for (std::uint32_t i = 0; i < blocks; ++i)
        for (std::uint32_t w : s.block(1, i, 0)) ++bins[static_cast<int>(sim::to_unit(w) * 100)];
    const double expected = 4.0 * blocks / 100;
    double chi2 = 0;
    for (int c : bins) chi2 += (c - expected) * (c - expected) / expected;
    EXPECT_LT(chi2, 180.0);
}

TEST(CounterStream, ToUnitRangeAndBernoulliEdges) {
    EXPECT_EQ(sim::to_unit(0), 0.0);
    EXPECT_LT(sim::to_unit(0xFFFFFFFFu), 1.0);
    EXPECT_FALSE(sim::bernoulli(0, 0.0));           // p = 0 never fires
    EXPECT_TRUE(sim::bernoulli(0xFFFFFFFFu, 1.0));  // p = 1 always fires
}

// BernoulliBound must agree with bernoulli() for every word, not on average:
// checked at the words next to the bound (where rounding would show), at the
// ends, and for random words, over probabilities that are and are not
// multiples of 2^-32, tiny, 0, 1, out of range and NaN.
TEST(CounterStream, BernoulliBoundAgreesWithBernoulliForEveryWord) {
    std::vector<double> ps = {0.0,         1.0,           0.5,     0.1,        0.3,         1.0 / 3.0,
                              0x1p-32,     3 * 0x1p-32,   0x1p-40, 1e-300,     -0.5,        1.5,
                              0.999999999, 1.0 - 0x1p-33, 0.95,    0.02 * 0.3, std::nan("")};
    sim::CounterStream stream({12});
    for (std::uint32_t q = 0; q < 200; ++q) ps.push_back(sim::to_unit(stream.block(1, q, 0)[0]));
    for (const double p : ps) {
        const sim::BernoulliBound fires(p);
        std::vector<std::uint32_t> words = {0u, 1u, 0xFFFFFFFEu, 0xFFFFFFFFu};
        if (p > 0.0 && p < 1.0) {
            const auto edge = static_cast<std::uint64_t>(std::ldexp(p, 32));
            for (std::uint64_t w = edge >= 2 ? edge - 2 : 0; w <= edge + 2 && w <= 0xFFFFFFFFu; ++w)
                words.push_back(static_cast<std::uint32_t>(w));
        }
        for (std::uint32_t k = 0; k < 1000; ++k) words.push_back(stream.block(2, k, 0)[k % 4]);
        for (const std::uint32_t w : words) ASSERT_EQ(fires(w), sim::bernoulli(w, p)) << "p = " << p << ", word " << w;
    }
}

// agent_blocks makes its counters in registers (AVX2) in groups of sixteen
// and goes through the counters themselves for the rest: every length
// around those groups, and a run of agents that wraps past 2^32, must give
// block()'s words.
TEST(CounterStream, AgentBlocksAreTheBlocksOfEachAgent) {
    const sim::CounterStream stream({0x1234abcd5678ef01ull});
    for (const std::uint32_t first : {0u, 5u, 1000003u, 0xFFFFFFF0u}) {
        for (std::size_t n : {0, 1, 15, 16, 17, 31, 32, 33, 64, 100, 257}) {
            std::vector<sim::Block4> out(n);
            stream.agent_blocks(7, first, 42, out.data(), n, 3);
            for (std::size_t k = 0; k < n; ++k)
                ASSERT_EQ(out[k], stream.block(7, first + static_cast<std::uint32_t>(k), 42, 3))
                    << "first " << first << ", n " << n << ", k " << k;
        }
    }
}

TEST(SeedDerivation, KeysDependOnEveryCoordinateNotOnOrder) {
    std::set<std::uint64_t> keys;
    for (std::uint32_t sc = 0; sc < 4; ++sc)
        for (std::uint32_t sp = 0; sp < 4; ++sp)
            for (std::uint32_t r = 0; r < 4; ++r)
                for (std::uint32_t st = 0; st < 2; ++st) keys.insert(sim::derive_stream_key(7, {sc, sp, r, st}).value);
    EXPECT_EQ(keys.size(), 4u * 4 * 4 * 2);
    EXPECT_EQ(sim::derive_stream_key(7, {1, 2, 3, 0}).value, sim::derive_stream_key(7, {1, 2, 3, 0}).value);
    EXPECT_NE(sim::derive_stream_key(7, {1, 2, 3, 0}).value, sim::derive_stream_key(8, {1, 2, 3, 0}).value);
}

// These literals pin the published seeding scheme (docs/reproducibility.md):
// they were computed once with derive_stream_key as it stood, and every other
// test compares keys with the code's own derivation, so only this one notices
// a change. A change here alters the results of every seeded experiment: make
// it deliberately, and update these values and the seeding scheme in
// docs/reproducibility.md with it. The inputs cover seed 1's first run (the CLI default), both
// 32-bit halves of the seed and all four coordinate words.
TEST(SeedDerivation, KeysArePinnedForPublishedSeeds) {
    EXPECT_EQ(sim::derive_stream_key(1, {0, 0, 0, 0}).value, 0xe50a0ebce3e80670ULL);
    EXPECT_EQ(sim::derive_stream_key(42, {1, 2, 3, 0}).value, 0xec85f430b03840e1ULL);
    EXPECT_EQ(sim::derive_stream_key(0x0123456789abcdefULL, {3, 1, 4, 0x101}).value, 0x1efef43aff3492a2ULL);
}

TEST(BlockEngine, WalksBlocksOfItsSubstreamInOrder) {
    const sim::CounterStream s(sim::StreamKey{9});
    sim::BlockEngine e(s, 5, 100, 3);
    const sim::Block4 first = s.block(5, 100, 3, 0), second = s.block(5, 100, 3, 1);
    for (std::uint32_t w : first) EXPECT_EQ(e(), w);
    for (std::uint32_t w : second) EXPECT_EQ(e(), w);
}

// Given its first block from a batch, the engine goes on from block 1: the
// same words as an engine that draws every block itself.
TEST(BlockEngine, StartedWithItsFirstBlockGivesTheSameWords) {
    const sim::CounterStream s(sim::StreamKey{9});
    sim::Block4 batch[3];
    s.agent_blocks(5, 99, 3, batch, 3);
    sim::BlockEngine plain(s, 5, 100, 3), started(s, 5, 100, 3, batch[1]);
    for (int k = 0; k < 12; ++k) EXPECT_EQ(started(), plain()) << "word " << k;
}

// Boost distributions on top of the engine: uniform_01's mean over 10^5
// draws is within 5 standard errors (sd 1/sqrt(12)) of 1/2.
TEST(BlockEngine, DrivesBoostDistributions) {
    const sim::CounterStream s(sim::StreamKey{9});
    sim::BlockEngine e(s, 6, 0);
    boost::random::uniform_01<double> u;
    const int n = 100000;
    double sum = 0;
    for (int i = 0; i < n; ++i) sum += u(e);
    EXPECT_NEAR(sum / n, 0.5, 5.0 / std::sqrt(12.0 * n));
}

}  // namespace

namespace {

// Every batch implementation gives Random123's Philox4x32-10 word for word,
// for batch sizes that exercise the 16-, 4- and 1-block paths and their tails.
std::vector<sim::Block4> random123_blocks(std::uint64_t key, const std::vector<sim::Block4>& addresses) {
    const sim::CounterStream s(sim::StreamKey{key});
    std::vector<sim::Block4> out;
    for (const auto& a : addresses) out.push_back(s.block(a[2], a[0], a[1], a[3]));
    return out;
}

std::vector<sim::Block4> some_addresses(std::size_t n) {
    std::vector<sim::Block4> a;
    for (std::uint32_t i = 0; i < n; ++i) a.push_back({i * 2654435761u, i / 3, 10 + i % 7, 0xFFFFFFFFu - i});
    return a;
}

TEST(PhiloxBatch, EveryImplementationMatchesRandom123) {
    const std::uint64_t key = 0xDEADBEEF12345678ull;
    for (std::size_t n : {0, 1, 3, 4, 5, 15, 16, 17, 31, 32, 33, 48, 63, 64, 65, 1000}) {
        const auto addresses = some_addresses(n);
        const auto expected = random123_blocks(key, addresses);
        std::vector<sim::Block4> out(n);
        sim::detail::philox_blocks_scalar(key, addresses.data(), out.data(), n);
        EXPECT_EQ(out, expected) << "scalar, n = " << n;
        sim::detail::philox_blocks_sse2(key, addresses.data(), out.data(), n);
        EXPECT_EQ(out, expected) << "sse2, n = " << n;
        if (sim::detail::philox_blocks_avx2(key, addresses.data(), out.data(), n)) {
            EXPECT_EQ(out, expected) << "avx2, n = " << n;
        }
        if (sim::detail::philox_blocks_avx512(key, addresses.data(), out.data(), n)) {
            EXPECT_EQ(out, expected) << "avx512, n = " << n;
        }
        sim::CounterStream(sim::StreamKey{key}).blocks(addresses.data(), out.data(), n);
        EXPECT_EQ(out, expected) << sim::philox_blocks_kind() << ", n = " << n;
    }
}

// Counting blocks (word 0 counting up from `first`, the other words fixed):
// each implementation that the processor has gives Random123's blocks, for
// batch sizes that take each vector path and its tails, and across word 0's
// wrap from 2^32 - 1 to 0. The widest the processor lacks is skipped (said
// in the output), the others still run.
TEST(PhiloxBatch, CountingBlocksMatchRandom123InEveryImplementation) {
    const std::uint64_t key = 0x0123456789ABCDEFull;
    for (const std::uint32_t start : {0u, 1000u, 0xFFFFFFF0u}) {
        const sim::Word4 first{start, 77, 5, 3};
        for (std::size_t n : {0, 1, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 256, 301}) {
            std::vector<sim::Block4> addresses;
            for (std::uint32_t k = 0; k < n; ++k) addresses.push_back({start + k, 77, 5, 3});
            const auto expected = random123_blocks(key, addresses);
            for (const char* kind : {"scalar", "sse2", "avx2", "avx512"}) {
                std::vector<sim::Block4> out(n);
                if (!sim::detail::philox_counting_blocks_with(kind, key, first, out.data(), n)) {
                    if (n == 0 && start == 0) std::cout << "[ SKIPPED  ] " << kind << ": not on this processor\n";
                    continue;
                }
                EXPECT_EQ(out, expected) << kind << ", start = " << start << ", n = " << n;
            }
        }
    }
}

// Listed blocks (word 0 = first[0] + offsets[j], the other words fixed):
// each implementation the processor has gives Random123's blocks, for lists
// that take each vector path and its tails, with offsets in any order,
// repeated, up to the largest sixteen-bit one, and across word 0's wrap.
TEST(PhiloxBatch, ListedBlocksMatchRandom123InEveryImplementation) {
    const std::uint64_t key = 0x0123456789ABCDEFull;
    std::vector<std::uint16_t> offsets;
    for (std::uint32_t j = 0; j < 301; ++j) offsets.push_back(static_cast<std::uint16_t>((j * 7919u + j / 3) % 65536u));
    offsets[5] = offsets[6];  // a repeat
    offsets[40] = 65535;
    for (const std::uint32_t start : {0u, 1000u, 0xFFFFFFF0u}) {
        const sim::Word4 first{start, 77, 5, 3};
        for (std::size_t n : {0, 1, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 256, 301}) {
            std::vector<sim::Block4> addresses;
            for (std::size_t j = 0; j < n; ++j) addresses.push_back({start + offsets[j], 77, 5, 3});
            const auto expected = random123_blocks(key, addresses);
            for (const char* kind : {"scalar", "sse2", "avx2", "avx512"}) {
                std::vector<sim::Block4> out(n);
                if (!sim::detail::philox_listed_blocks_with(kind, key, first, offsets.data(), out.data(), n)) {
                    if (n == 0 && start == 0) std::cout << "[ SKIPPED  ] " << kind << ": not on this processor\n";
                    continue;
                }
                EXPECT_EQ(out, expected) << kind << ", start = " << start << ", n = " << n;
            }
            std::vector<sim::Block4> out(n);
            sim::CounterStream(sim::StreamKey{key}).listed_agent_blocks(5, start, 77, offsets.data(), out.data(), n, 3);
            EXPECT_EQ(out, expected) << sim::philox_blocks_kind() << ", start = " << start << ", n = " << n;
        }
    }
}

}  // namespace
