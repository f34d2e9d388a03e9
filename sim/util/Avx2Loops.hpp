#pragma once
// Loops written twice, once with AVX2 intrinsics and once scalar, giving the
// same results bit for bit: which to take, decided at run time, and what
// the vector versions share. A few of them have an AVX-512 version too, for
// processors that have it (avx512_loops).
#include "sim/simd/Isa.hpp"

#include <atomic>
#include <cstdint>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace sim {

// Whether to take the AVX2 loops (sim::widest_isa: the processor has AVX2,
// CRMSIM_SIMD allows it, and no test has asked for the scalar ones).
inline bool avx2_loops() {
    return widest_isa() >= Isa::Avx2;
}

// For tests of the scalar loops on a processor with AVX2: false makes every
// such loop scalar until allowed again.
inline void allow_avx2_loops(bool allowed) {
    detail::avx2_loops_allowed.store(allowed, std::memory_order_relaxed);
}

// Whether to take the AVX-512 versions where a loop has one.
inline bool avx512_loops() {
    return widest_isa() >= Isa::Avx512;
}

// For tests of the AVX2 loops on a processor with AVX-512.
inline void allow_avx512_loops(bool allowed) {
    detail::avx512_loops_allowed.store(allowed, std::memory_order_relaxed);
}

#if defined(__x86_64__)
// to_unit (CounterStream.hpp) of four 32-bit words, each in a 64-bit lane:
// 2^52 + w has w in its low mantissa bits, so subtracting 2^52 converts
// exactly, and the scaling by 2^-32 is exact too.
__attribute__((target("avx2"))) inline __m256d unit_doubles(__m256i words) {
    const __m256d magic = _mm256_set1_pd(0x1p52);
    return _mm256_mul_pd(_mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(words, _mm256_castpd_si256(magic))), magic),
                         _mm256_set1_pd(0x1p-32));
}

// The same for eight words.
__attribute__((target("avx512f"))) inline __m512d unit_doubles(__m512i words) {
    const __m512d magic = _mm512_set1_pd(0x1p52);
    return _mm512_mul_pd(_mm512_sub_pd(_mm512_castsi512_pd(_mm512_or_si512(words, _mm512_castpd_si512(magic))), magic),
                         _mm512_set1_pd(0x1p-32));
}
// Natural logarithms of four positive, normal, finite doubles, to within
// 1e-15 * (1 + |log x|) (tests/unit/test_gamma_first_tries.cpp): not
// std::log's bits, so only for decisions that allow a margin for the
// difference (gamma_first_tries' test with logarithms). x = 2^e m with m in
// [sqrt(1/2), sqrt(2)); log m = 2 atanh(s), s = (m - 1) / (m + 1), whose
// series in s^2 (|s| <= 0.172) is cut after the s^21 term (below 1e-17).
__attribute__((target("avx2"))) inline __m256d log_avx2(__m256d x) {
    const __m256i bits = _mm256_castpd_si256(x);
    // The biased exponent, as a double (2^52 + e has e in its low bits).
    const __m256d two52 = _mm256_set1_pd(0x1p52);
    const __m256d biased = _mm256_sub_pd(
        _mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(bits, 52), _mm256_castpd_si256(two52))), two52);
    const __m256i mantissa = _mm256_set1_epi64x(0x000FFFFFFFFFFFFFll);
    __m256d m = _mm256_castsi256_pd(
        _mm256_or_si256(_mm256_and_si256(bits, mantissa), _mm256_castpd_si256(_mm256_set1_pd(1.0))));  // [1, 2)
    const __m256d big = _mm256_cmp_pd(m, _mm256_set1_pd(1.4142135623730951), _CMP_GT_OQ);
    m = _mm256_blendv_pd(m, _mm256_mul_pd(m, _mm256_set1_pd(0.5)), big);
    const __m256d e =
        _mm256_add_pd(_mm256_sub_pd(biased, _mm256_set1_pd(1023.0)), _mm256_and_pd(big, _mm256_set1_pd(1.0)));
    const __m256d f = _mm256_sub_pd(m, _mm256_set1_pd(1.0));  // exact (Sterbenz)
    const __m256d s = _mm256_div_pd(f, _mm256_add_pd(f, _mm256_set1_pd(2.0)));
    const __m256d z = _mm256_mul_pd(s, s);
    __m256d series = _mm256_set1_pd(1.0 / 21.0);
    for (int k = 9; k >= 1; --k) series = _mm256_add_pd(_mm256_set1_pd(1.0 / (2 * k + 1)), _mm256_mul_pd(z, series));
    series = _mm256_mul_pd(z, series);  // s^2/3 + s^4/5 + ... + s^20/21
    const __m256d twice_s = _mm256_add_pd(s, s);
    const __m256d log_m = _mm256_add_pd(twice_s, _mm256_mul_pd(twice_s, series));
    return _mm256_add_pd(_mm256_mul_pd(e, _mm256_set1_pd(0.6931471805599453)), log_m);
}
#endif

}  // namespace sim
