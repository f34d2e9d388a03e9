// sim::gamma_first_tries (sim/random/GammaFirstTries.hpp): every draw it
// decides is bit for bit what fast_gamma gives from the same first block,
// with the vector loops and the scalar one; the draws it leaves (NaN) are
// the ones whose first try Boost's ziggurat or fast_gamma's tests do not
// accept. And sim::log_avx2, which the vector test with logarithms uses,
// is as close to std::log as that test's margin assumes.
#include "sim/random/BlockEngine.hpp"
#include "sim/random/CounterStream.hpp"
#include "sim/random/FastGamma.hpp"
#include "sim/random/GammaFirstTries.hpp"
#include "sim/util/Avx2Loops.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

namespace {

constexpr std::uint32_t kPurpose = 7, kTick = 3;

struct Draws {
    std::vector<sim::Block4> first;
    std::vector<sim::GammaShape> shape;
    std::vector<double> scale;
};

// n draws at shapes from 1 (where v <= 0 can happen) to 60, scales over
// several magnitudes, each from its own substream's block 0.
Draws make_draws(const sim::CounterStream& s, std::uint32_t n) {
    const double shapes[] = {1.0, 1.5, 4.0, 8.0, 12.0, 60.0};
    Draws d;
    for (std::uint32_t k = 0; k < n; ++k) {
        d.first.push_back(s.block(kPurpose, k, kTick, 0));
        d.shape.push_back(sim::GammaShape::of(shapes[k % 6]));
        d.scale.push_back(std::ldexp(1.0 + k % 7, static_cast<int>(k % 5) - 2));
    }
    return d;
}

// The loops gamma_first_tries may take: scalar, AVX2 (with the AVX-512 one
// held back) and the widest the processor has.
enum class Loops { Scalar, Avx2, Widest };

std::vector<double> first_tries(const sim::Block4* first, const sim::GammaShape* shape, const double* scale,
                                std::size_t n, Loops loops) {
    sim::allow_avx2_loops(loops != Loops::Scalar);
    sim::allow_avx512_loops(loops == Loops::Widest);
    std::vector<double> out(n, -1.0);
    sim::gamma_first_tries(first, shape, scale, out.data(), n);
    sim::allow_avx2_loops(true);
    sim::allow_avx512_loops(true);
    return out;
}

std::vector<double> first_tries(const Draws& d, Loops loops) {
    return first_tries(d.first.data(), d.shape.data(), d.scale.data(), d.first.size(), loops);
}

bool same_bits(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

TEST(GammaFirstTries, DecidedDrawsAreFastGammasBitForBit) {
    const sim::CounterStream s(sim::StreamKey{2024});
    for (const std::uint32_t n : {1u, 3u, 4u, 5u, 7u, 8u, 12u, 15u, 256u, 259u, 20001u}) {
        const Draws d = make_draws(s, n);
        const std::vector<double> avx2 = first_tries(d, Loops::Avx2), widest = first_tries(d, Loops::Widest);
        const std::vector<double> scalar = first_tries(d, Loops::Scalar);
        std::uint32_t decided = 0;
        for (std::uint32_t k = 0; k < n; ++k) {
            // The vector test with logarithms leaves near ties (about one
            // in 10^8) to fast_gamma; none are expected among these draws.
            ASSERT_TRUE(same_bits(avx2[k], scalar[k])) << "draw " << k << " of " << n << ", avx2";
            ASSERT_TRUE(same_bits(widest[k], scalar[k])) << "draw " << k << " of " << n << ", widest";
            if (std::isnan(scalar[k])) continue;
            ++decided;
            sim::BlockEngine engine(s, kPurpose, k, kTick, d.first[k]);
            const double expected = sim::fast_gamma(engine, d.shape[k], d.scale[k]);
            ASSERT_TRUE(same_bits(scalar[k], expected))
                << "draw " << k << ": " << scalar[k] << " against fast_gamma's " << expected;
        }
        // Not a statistical claim, a sanity bound: about 97 % are decided
        // over these shapes (the squeeze accepts about 89 %, the test with
        // logarithms most of the rest); a loop that decided few would be
        // correct but useless.
        if (n > 1000) {
            EXPECT_GT(decided, n * 94 / 100);
        }
    }
}

// Blocks made to take each way out of the first try.
TEST(GammaFirstTries, LeavesWhatTheFirstTryDoesNotSettle) {
    const sim::GammaShape shape1 = sim::GammaShape::of(1.0);
    // Eight copies: a whole AVX-512 group.
    const auto one = [&](const sim::Block4& w, const sim::GammaShape& shape) {
        const std::vector<sim::Block4> first(8, w);
        const std::vector<sim::GammaShape> shapes(8, shape);
        const std::vector<double> scale(8, 1.0);
        const std::vector<double> scalar = first_tries(first.data(), shapes.data(), scale.data(), 8, Loops::Scalar);
        for (const Loops loops : {Loops::Scalar, Loops::Avx2, Loops::Widest}) {
            const std::vector<double> out = first_tries(first.data(), shapes.data(), scale.data(), 8, loops);
            for (const double x : out) EXPECT_TRUE(same_bits(x, scalar[0])) << static_cast<int>(loops);
        }
        return scalar[0];
    };
    // Box 0 (the tail's), r near 1: outside the box's rectangle.
    EXPECT_TRUE(std::isnan(one({0xFFFFFF00u, 0x1FFFFFFFu, 0, 0}, shape1)));
    // Box 1, negative, r = 0.8: a normal near -2.75, where 1 + c x <= 0 at shape 1.
    const auto r08 = static_cast<std::uint32_t>(0.8 * 0x1p29);
    EXPECT_TRUE(std::isnan(one({0x00000002u, r08, 0, 0}, shape1)));
    // Box 1, negative, r = 0.6: a normal near -2.07, v > 0 at shape 60; a
    // uniform of 0 passes the squeeze (1 - 0.0331 x^4 is about 0.39) ...
    const auto r06 = static_cast<std::uint32_t>(0.6 * 0x1p29);
    const sim::GammaShape shape60 = sim::GammaShape::of(60.0);
    EXPECT_FALSE(std::isnan(one({0x00000002u, r06, 0, 0}, shape60)));
    // ... a uniform of 0.6 does not, but passes the test with logarithms
    // (log 0.6 is about -0.51, the right side about -0.007) ...
    const auto u06 = static_cast<std::uint32_t>(0.6 * 0x1p32);
    const double accepted = one({0x00000002u, r06, u06, 0}, shape60);
    EXPECT_FALSE(std::isnan(accepted));
    const sim::CounterStream s(sim::StreamKey{1});
    sim::BlockEngine engine(s, kPurpose, 0, kTick, {0x00000002u, r06, u06, 0});
    EXPECT_TRUE(same_bits(accepted, sim::fast_gamma(engine, shape60, 1.0)));
    // ... and a uniform near 1 fails both: fast_gamma tries again.
    EXPECT_TRUE(std::isnan(one({0x00000002u, r06, 0xFFFFFFFFu, 0}, shape60)));
    // At shape 1 the same normal gives a right side near -0.93: a uniform
    // of 0.6 passes (log 0.6 > -0.93 fails the test, so not decided).
    EXPECT_TRUE(std::isnan(one({0x00000002u, r06, u06, 0}, shape1)));
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) void four_logs(const double* x, double* out) {
    _mm256_storeu_pd(out, sim::log_avx2(_mm256_loadu_pd(x)));
}

// log_avx2 against std::log, over the magnitudes the test with logarithms
// meets (uniforms down to 2^-32, cubes of 1 + c x up to a few dozen) and
// far beyond: within 1e-15 (1 + |log x|), the bound its use relies on with
// a million-fold margin.
TEST(GammaFirstTries, VectorLogarithmIsWithinItsBound) {
    if (!sim::avx2_loops()) GTEST_SKIP() << "no AVX2";
    std::vector<double> xs = {
        1.0,   0x1p-32, 0x1p-1000, 1.4142135623730951, 1.4142135623730954, 0.7071067811865476, 2.0, 0.5,
        1e300, 3.0,     0.1,       1.0 - 0x1p-53,      1.0 + 0x1p-52,      0x1.fffffffffffffp0};
    std::uint64_t state = 12345;
    for (int k = 0; k < 100000; ++k) {  // log-uniform from 2^-60 to 2^20
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        xs.push_back(std::exp2(-60.0 + 80.0 * static_cast<double>(state >> 11) * 0x1p-53));
    }
    while (xs.size() % 4 != 0) xs.push_back(1.0);
    for (std::size_t k = 0; k < xs.size(); k += 4) {
        double got[4];
        four_logs(&xs[k], got);
        for (std::size_t j = 0; j < 4; ++j) {
            const double expected = std::log(xs[k + j]);
            ASSERT_LE(std::abs(got[j] - expected), 1e-15 * (1.0 + std::abs(expected))) << "x = " << xs[k + j];
        }
    }
}
#endif

}  // namespace
