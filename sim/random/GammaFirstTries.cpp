#include "sim/random/GammaFirstTries.hpp"

#include "sim/util/Avx2Loops.hpp"
#include "sim/util/ListLanes.hpp"

#include <boost/random/normal_distribution.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace sim {
namespace {

// Boost's ziggurat boxes (boost/random/normal_distribution.hpp).
const double* const kBoxX = boost::random::detail::normal_table<double>::table_x;

constexpr double kNotDecided = std::numeric_limits<double>::quiet_NaN();

// first_tries_avx2 loads two GammaShapes as four doubles: d, c, d, c.
static_assert(sizeof(GammaShape) == 2 * sizeof(double) && offsetof(GammaShape, c) == sizeof(double));

// One draw. Boost's unit normal from a 32-bit engine: generate_int_float_pair
// takes word 0's low 8 bits as the box and sign, its high 24 bits and word
// 1's low 29 bits as a 53-bit fraction r; the normal is r * x[box] if that
// is below x[box + 1] (else Boost goes on, and so does fast_gamma: not
// decided here). Then fast_gamma's try with the uniform word 2: the squeeze,
// and where it fails, the test with logarithms.
double first_try(const Block4& w, const GammaShape& shape, double scale) {
    const std::uint32_t bucket = w[0] & 0xFFu;
    const double r = (static_cast<double>(w[1] & 0x1FFFFFFFu) + static_cast<double>(w[0] >> 8) * 0x1p-24) * 0x1p-29;
    const std::uint32_t box = bucket >> 1;
    const double sign = static_cast<double>(static_cast<int>(bucket & 1u) * 2 - 1);
    const double magnitude = r * kBoxX[box];
    if (!(magnitude < kBoxX[box + 1])) return kNotDecided;
    const double x = magnitude * sign;
    double v = 1.0 + shape.c * x;
    if (v <= 0.0) return kNotDecided;
    v = v * v * v;
    const double u = static_cast<double>(w[2]) * 0x1p-32;
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return shape.d * v * scale;
    if (std::log(u) < 0.5 * x2 + shape.d * (1.0 - v + std::log(v))) return shape.d * v * scale;
    return kNotDecided;
}

#if defined(__x86_64__)

// Draws are taken a block at a time, so that what the test with logarithms
// reads stays in fixed arrays.
constexpr std::size_t kBlock = 256;

// The tries of a block the squeeze did not accept (in their box, v > 0,
// u > 0), for the test with logarithms: what the test reads, for every draw
// of the block (written whole vectors at a time), and the draws to test.
struct LogTests {
    alignas(32) std::array<double, kBlock> u, v, x2, d, value;
    std::array<std::uint16_t, kBlock + kListSlack> draw;
    std::uint32_t count = 0;
};

// Four draws at once, lane j exactly first_try(first[k + j], ...) where
// the squeeze decides; the tries it leaves to the test with logarithms are
// listed in `tests`, NaN in `out` until that test accepts them
// (log_tests_avx2). n <= kBlock, a multiple of 4.
__attribute__((target("avx2,popcnt"))) void first_tries_avx2(const Block4* first, const GammaShape* shape,
                                                             const double* scale, double* out, std::size_t from,
                                                             std::size_t n, LogTests& tests) {
    const __m256d nan = _mm256_set1_pd(kNotDecided);
    const __m256d one = _mm256_set1_pd(1.0);
    const __m256d zero = _mm256_setzero_pd();
    const __m256i low_bit = _mm256_set1_epi64x(1);
    for (std::size_t k = from; k + 4 <= n; k += 4) {
        // The four blocks' words 0, 1, 2 as 64-bit lanes.
        const __m256i b01 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(&first[k]));      // blocks k, k+1
        const __m256i b23 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(&first[k + 2]));  // blocks k+2, k+3
        // Lanes of 64 bits: (w0 | w1 << 32) and (w2 | w3 << 32) of each block.
        const __m256i lo = _mm256_permute4x64_epi64(_mm256_unpacklo_epi64(b01, b23), 0b11011000);
        const __m256i hi = _mm256_permute4x64_epi64(_mm256_unpackhi_epi64(b01, b23), 0b11011000);
        const __m256i w0 = _mm256_and_si256(lo, _mm256_set1_epi64x(0xFFFFFFFF));
        const __m256i w1 = _mm256_srli_epi64(lo, 32);
        const __m256i w2 = _mm256_and_si256(hi, _mm256_set1_epi64x(0xFFFFFFFF));
        const __m256i bucket = _mm256_and_si256(w0, _mm256_set1_epi64x(0xFF));
        const __m256d high24 = sim::unit_doubles(_mm256_srli_epi64(w0, 8));  // (w0 >> 8) * 2^-32
        const __m256d low29 = sim::unit_doubles(_mm256_and_si256(w1, _mm256_set1_epi64x(0x1FFFFFFF)));
        // As doubles: (w0 >> 8) * 2^-24 and (w1 & mask) are exact, and so
        // is rescaling unit_doubles' 2^-32 by a power of two.
        const __m256d r = _mm256_mul_pd(
            _mm256_add_pd(_mm256_mul_pd(low29, _mm256_set1_pd(0x1p32)), _mm256_mul_pd(high24, _mm256_set1_pd(0x1p8))),
            _mm256_set1_pd(0x1p-29));
        const __m256i box = _mm256_srli_epi64(bucket, 1);
        const __m256d x_box = _mm256_i64gather_pd(kBoxX, box, 8);
        const __m256d x_next = _mm256_i64gather_pd(kBoxX + 1, box, 8);
        const __m256d negative =
            _mm256_castsi256_pd(_mm256_cmpeq_epi64(_mm256_and_si256(bucket, low_bit), _mm256_setzero_si256()));
        const __m256d sign = _mm256_blendv_pd(one, _mm256_set1_pd(-1.0), negative);
        const __m256d magnitude = _mm256_mul_pd(r, x_box);
        const __m256d in_box = _mm256_cmp_pd(magnitude, x_next, _CMP_LT_OQ);
        const __m256d x = _mm256_mul_pd(magnitude, sign);
        // The shapes' constants: d and c of four GammaShapes, side by side.
        const __m256d dc01 = _mm256_loadu_pd(&shape[k].d);      // d0 c0 d1 c1
        const __m256d dc23 = _mm256_loadu_pd(&shape[k + 2].d);  // d2 c2 d3 c3
        const __m256d d = _mm256_permute4x64_pd(_mm256_unpacklo_pd(dc01, dc23), 0b11011000);
        const __m256d c = _mm256_permute4x64_pd(_mm256_unpackhi_pd(dc01, dc23), 0b11011000);
        __m256d v = _mm256_add_pd(one, _mm256_mul_pd(c, x));
        const __m256d positive = _mm256_cmp_pd(v, zero, _CMP_GT_OQ);
        v = _mm256_mul_pd(_mm256_mul_pd(v, v), v);
        const __m256d u = sim::unit_doubles(w2);
        const __m256d x2 = _mm256_mul_pd(x, x);
        const __m256d squeeze = _mm256_cmp_pd(
            u, _mm256_sub_pd(one, _mm256_mul_pd(_mm256_mul_pd(_mm256_set1_pd(0.0331), x2), x2)), _CMP_LT_OQ);
        const __m256d value = _mm256_mul_pd(_mm256_mul_pd(d, v), _mm256_loadu_pd(scale + k));
        const __m256d tried = _mm256_and_pd(in_box, positive);
        const __m256d decided = _mm256_and_pd(tried, squeeze);
        _mm256_storeu_pd(out + k, _mm256_blendv_pd(nan, value, decided));
        // u = 0 (log u = -inf) is left to fast_gamma, as are v too small
        // for log_avx2: both all but never happen.
        const __m256d testable =
            _mm256_and_pd(_mm256_cmp_pd(u, zero, _CMP_GT_OQ), _mm256_cmp_pd(v, _mm256_set1_pd(0x1p-1000), _CMP_GT_OQ));
        const auto pending =
            static_cast<unsigned>(_mm256_movemask_pd(_mm256_andnot_pd(squeeze, _mm256_and_pd(tried, testable))));
        _mm256_store_pd(&tests.u[k], u);
        _mm256_store_pd(&tests.v[k], v);
        _mm256_store_pd(&tests.x2[k], x2);
        _mm256_store_pd(&tests.d[k], d);
        _mm256_store_pd(&tests.value[k], value);
        tests.count += list_lanes(pending, static_cast<std::uint32_t>(k), &tests.draw[tests.count]);
    }
}

// GCC 12 warns -W(maybe-)uninitialized inside its own AVX-512 intrinsics
// (GCC bug 105593): a false positive, silenced here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

// Word w of blocks 0 .. 7 (four 32-bit words each, in two vectors), one
// to a 64-bit lane.
__attribute__((target("avx512f"))) inline __m512i block_word(__m512i blocks0123, __m512i blocks4567, int w) {
    const __m512i at =
        _mm512_setr_epi32(w, 4 + w, 8 + w, 12 + w, 16 + w, 20 + w, 24 + w, 28 + w, 0, 0, 0, 0, 0, 0, 0, 0);
    return _mm512_cvtepu32_epi64(_mm512_castsi512_si256(_mm512_permutex2var_epi32(blocks0123, at, blocks4567)));
}

// first_tries_avx2 eight draws at a time, with the same operations on each
// lane; returns where it stopped (the last n % 8 are left to it).
__attribute__((target("avx512f,popcnt"))) std::size_t first_tries_avx512(const Block4* first, const GammaShape* shape,
                                                                         const double* scale, double* out,
                                                                         std::size_t n, LogTests& tests) {
    const __m512d one = _mm512_set1_pd(1.0);
    const __m512d zero = _mm512_setzero_pd();
    const __m512i low_bit = _mm512_set1_epi64(1);
    std::size_t k = 0;
    for (; k + 8 <= n; k += 8) {
        const __m512i b0 = _mm512_loadu_si512(&first[k]), b1 = _mm512_loadu_si512(&first[k + 4]);
        const __m512i w0 = block_word(b0, b1, 0), w1 = block_word(b0, b1, 1), w2 = block_word(b0, b1, 2);
        const __m512i bucket = _mm512_and_si512(w0, _mm512_set1_epi64(0xFF));
        const __m512d high24 = sim::unit_doubles(_mm512_srli_epi64(w0, 8));
        const __m512d low29 = sim::unit_doubles(_mm512_and_si512(w1, _mm512_set1_epi64(0x1FFFFFFF)));
        const __m512d r = _mm512_mul_pd(
            _mm512_add_pd(_mm512_mul_pd(low29, _mm512_set1_pd(0x1p32)), _mm512_mul_pd(high24, _mm512_set1_pd(0x1p8))),
            _mm512_set1_pd(0x1p-29));
        const __m512i box = _mm512_srli_epi64(bucket, 1);
        const __m512d x_box = _mm512_i64gather_pd(box, kBoxX, 8);
        const __m512d x_next = _mm512_i64gather_pd(box, kBoxX + 1, 8);
        const __mmask8 negative = _mm512_testn_epi64_mask(bucket, low_bit);
        const __m512d sign = _mm512_mask_blend_pd(negative, one, _mm512_set1_pd(-1.0));
        const __m512d magnitude = _mm512_mul_pd(r, x_box);
        const __mmask8 in_box = _mm512_cmp_pd_mask(magnitude, x_next, _CMP_LT_OQ);
        const __m512d x = _mm512_mul_pd(magnitude, sign);
        // d and c of eight GammaShapes, side by side in two vectors.
        const __m512d dc0 = _mm512_loadu_pd(&shape[k].d), dc1 = _mm512_loadu_pd(&shape[k + 4].d);
        const __m512d d = _mm512_permutex2var_pd(dc0, _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14), dc1);
        const __m512d c = _mm512_permutex2var_pd(dc0, _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15), dc1);
        __m512d v = _mm512_add_pd(one, _mm512_mul_pd(c, x));
        const __mmask8 positive = _mm512_cmp_pd_mask(v, zero, _CMP_GT_OQ);
        v = _mm512_mul_pd(_mm512_mul_pd(v, v), v);
        const __m512d u = sim::unit_doubles(w2);
        const __m512d x2 = _mm512_mul_pd(x, x);
        const __mmask8 squeeze = _mm512_cmp_pd_mask(
            u, _mm512_sub_pd(one, _mm512_mul_pd(_mm512_mul_pd(_mm512_set1_pd(0.0331), x2), x2)), _CMP_LT_OQ);
        const __m512d value = _mm512_mul_pd(_mm512_mul_pd(d, v), _mm512_loadu_pd(scale + k));
        const auto tried = static_cast<__mmask8>(in_box & positive);
        _mm512_storeu_pd(out + k, _mm512_mask_blend_pd(tried & squeeze, _mm512_set1_pd(kNotDecided), value));
        const __mmask8 testable =
            _mm512_cmp_pd_mask(u, zero, _CMP_GT_OQ) & _mm512_cmp_pd_mask(v, _mm512_set1_pd(0x1p-1000), _CMP_GT_OQ);
        const auto pending = static_cast<unsigned>(tried & testable & static_cast<__mmask8>(~squeeze));
        _mm512_storeu_pd(&tests.u[k], u);
        _mm512_storeu_pd(&tests.v[k], v);
        _mm512_storeu_pd(&tests.x2[k], x2);
        _mm512_storeu_pd(&tests.d[k], d);
        _mm512_storeu_pd(&tests.value[k], value);
        tests.count += list_lanes(pending, static_cast<std::uint32_t>(k), &tests.draw[tests.count]);
    }
    return k;
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

// fast_gamma's test with logarithms, log(u) < x^2 / 2 + d (1 - v + log v),
// for the tries in `tests`, four at a time, with log_avx2 rather than
// std::log. The two differ by far less than `margin` (1e-9 relative to the
// terms' sizes; log_avx2 is within 1e-15), so where the two sides are
// further apart than the margin, std::log's test decides the same way, and
// the try's value is fast_gamma's bit for bit. Closer than that (about one
// try in 10^8), the draw stays NaN, for fast_gamma itself.
__attribute__((target("avx2"))) void log_tests_avx2(const LogTests& tests, double* out) {
    const __m256d one = _mm256_set1_pd(1.0), half = _mm256_set1_pd(0.5);
    const __m256d sign_bit = _mm256_set1_pd(-0.0);
    for (std::uint32_t t = 0; t < tests.count; t += 4) {
        // Four listed draws (the last group padded with u = v = 1, never written out).
        alignas(32) double u4[4] = {1, 1, 1, 1}, v4[4] = {1, 1, 1, 1}, x4[4] = {}, d4[4] = {};
        const std::uint32_t m = std::min<std::uint32_t>(4, tests.count - t);
        for (std::uint32_t j = 0; j < m; ++j) {
            const std::uint16_t k = tests.draw[t + j];
            u4[j] = tests.u[k];
            v4[j] = tests.v[k];
            x4[j] = tests.x2[k];
            d4[j] = tests.d[k];
        }
        const __m256d u = _mm256_load_pd(u4), v = _mm256_load_pd(v4);
        const __m256d x2 = _mm256_load_pd(x4), d = _mm256_load_pd(d4);
        const __m256d log_u = log_avx2(u), log_v = log_avx2(v);
        const __m256d rhs =
            _mm256_add_pd(_mm256_mul_pd(half, x2), _mm256_mul_pd(d, _mm256_add_pd(_mm256_sub_pd(one, v), log_v)));
        const __m256d sizes = _mm256_add_pd(
            _mm256_add_pd(one, _mm256_add_pd(_mm256_andnot_pd(sign_bit, log_u), _mm256_andnot_pd(sign_bit, rhs))),
            _mm256_mul_pd(d, _mm256_add_pd(_mm256_add_pd(one, v), _mm256_andnot_pd(sign_bit, log_v))));
        const __m256d margin = _mm256_mul_pd(_mm256_set1_pd(1e-9), sizes);
        auto accepted =
            static_cast<unsigned>(_mm256_movemask_pd(_mm256_cmp_pd(log_u, _mm256_sub_pd(rhs, margin), _CMP_LT_OQ)));
        for (accepted &= (1u << m) - 1; accepted != 0; accepted &= accepted - 1) {
            const std::uint16_t k = tests.draw[t + static_cast<std::uint32_t>(std::countr_zero(accepted))];
            out[k] = tests.value[k];
        }
    }
}

#endif

}  // namespace

void gamma_first_tries(const Block4* first, const GammaShape* shape, const double* scale, double* out, std::size_t n) {
    std::size_t k = 0;
#if defined(__x86_64__)
    if (avx2_loops()) {
        LogTests tests;
        for (std::size_t b = 0; b + 4 <= n; b += kBlock) {
            const std::size_t m = std::min(kBlock, n - b) / 4 * 4;
            tests.count = 0;
            const std::size_t wide =
                avx512_loops() ? first_tries_avx512(first + b, shape + b, scale + b, out + b, m, tests) : 0;
            first_tries_avx2(first + b, shape + b, scale + b, out + b, wide, m, tests);
            log_tests_avx2(tests, out + b);
            k = b + m;
        }
    }
#endif
    for (; k < n; ++k) out[k] = first_try(first[k], shape[k], scale[k]);
}

}  // namespace sim
