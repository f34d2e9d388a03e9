#pragma once
// x86 versions of sim::Lanes' engine operations (Lanes.hpp), for four
// 64-bit lanes (AVX2) and eight (AVX-512). Each is marked with the target
// it needs and is inlined into loops compiled for that target or a wider
// one (Dispatch.hpp); each gives exactly what the portable version gives.
#include "sim/random/CounterStream.hpp"
#include "sim/simd/Pack.hpp"

#include <immintrin.h>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

namespace sim::x86 {

using V4u = detail::VectorOf<std::uint64_t, 4>::type;
using V4d = detail::VectorOf<double, 4>::type;
using V4m = detail::VectorOf<std::int64_t, 4>::type;
using V8u = detail::VectorOf<std::uint64_t, 8>::type;
using V8d = detail::VectorOf<double, 8>::type;
using V8m = detail::VectorOf<std::int64_t, 8>::type;

#define CRMSIM_X86_4 [[gnu::target("avx2,popcnt")]] inline
#define CRMSIM_X86_8 [[gnu::target("avx512f,avx512vl,avx512dq,avx512bw,bmi2,popcnt")]] inline

CRMSIM_X86_4 V4u bytes4(const std::uint8_t* p) {
    std::uint32_t word;
    std::memcpy(&word, p, sizeof word);
    return (V4u)_mm256_cvtepu8_epi64(_mm_cvtsi32_si128(static_cast<int>(word)));
}
CRMSIM_X86_4 V4u words4(const std::uint32_t* p) {
    return (V4u)_mm256_cvtepu32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
CRMSIM_X86_4 V4d int_doubles4(const std::int32_t* p) {
    return (V4d)_mm256_cvtepi32_pd(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
CRMSIM_X86_4 V4d float_doubles4(const float* p) {
    return (V4d)_mm256_cvtps_pd(_mm_loadu_ps(p));
}
CRMSIM_X86_4 unsigned bits4(V4m m) {
    return static_cast<unsigned>(_mm256_movemask_pd((__m256d)m));
}
// The low 32-bit halves of four 64-bit lanes (of masks: a 32-bit mask per lane).
CRMSIM_X86_4 __m128i low_halves4(V4m x) {
    return _mm256_castsi256_si128(_mm256_permutevar8x32_epi32((__m256i)x, _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6)));
}
CRMSIM_X86_4 void store_where4(double* p, V4m m, V4d x) {
    _mm256_maskstore_pd(p, (__m256i)m, (__m256d)x);
}
CRMSIM_X86_4 void store_where4(std::int32_t* p, V4m m, std::int32_t value) {
    _mm_maskstore_epi32(p, low_halves4(m), _mm_set1_epi32(value));
}
CRMSIM_X86_4 void store_floats_where4(float* p, V4m m, V4d x) {
    _mm_maskstore_ps(p, low_halves4(m), _mm256_cvtpd_ps((__m256d)x));
}
CRMSIM_X86_4 V4d int_doubles_where4(const std::int32_t* p, V4m m) {
    return (V4d)_mm256_cvtepi32_pd(_mm_maskload_epi32(p, low_halves4(m)));
}
// Entry idx (0 .. 3) of a four-entry table per 64-bit lane: one shuffle,
// cheaper than a gather.
CRMSIM_X86_4 __m256i pick4(__m256i table, V4u idx) {
    const __m256i twice = _mm256_slli_epi64((__m256i)idx, 1);  // 32-bit halves 2 idx and 2 idx + 1
    const __m256i halves =
        _mm256_or_si256(twice, _mm256_slli_epi64(_mm256_add_epi64(twice, _mm256_set1_epi64x(1)), 32));
    return _mm256_permutevar8x32_epi32(table, halves);
}
CRMSIM_X86_4 V4d pick4(const double* table, V4u idx) {
    return (V4d)pick4(_mm256_castpd_si256(_mm256_loadu_pd(table)), idx);
}
CRMSIM_X86_4 V4u pick4(const std::uint64_t* table, V4u idx) {
    return (V4u)pick4(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(table)), idx);
}
// Word w of four blocks: the blocks' words are transposed in registers.
CRMSIM_X86_4 V4u block_word4(const Block4* blocks, int w) {
    const auto* p = reinterpret_cast<const __m128i*>(blocks);
    const __m128i d0 = _mm_loadu_si128(p), d1 = _mm_loadu_si128(p + 1);
    const __m128i d2 = _mm_loadu_si128(p + 2), d3 = _mm_loadu_si128(p + 3);
    const __m128i low01 = _mm_unpacklo_epi32(d0, d1), low23 = _mm_unpacklo_epi32(d2, d3);
    const __m128i high01 = _mm_unpackhi_epi32(d0, d1), high23 = _mm_unpackhi_epi32(d2, d3);
    const __m128i word = w == 0   ? _mm_unpacklo_epi64(low01, low23)
                         : w == 1 ? _mm_unpackhi_epi64(low01, low23)
                         : w == 2 ? _mm_unpacklo_epi64(high01, high23)
                                  : _mm_unpackhi_epi64(high01, high23);
    return (V4u)_mm256_cvtepu32_epi64(word);
}

// GCC 12 warns -Wmaybe-uninitialized inside its own AVX-512 intrinsics (the
// "undefined" source vector of the unmasked forms, GCC bug 105593): a false
// positive, silenced for these only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

CRMSIM_X86_8 V8u bytes8(const std::uint8_t* p) {
    return (V8u)_mm512_cvtepu8_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}
CRMSIM_X86_8 V8u words8(const std::uint32_t* p) {
    return (V8u)_mm512_cvtepu32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}
CRMSIM_X86_8 V8d int_doubles8(const std::int32_t* p) {
    return (V8d)_mm512_cvtepi32_pd(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}
CRMSIM_X86_8 V8d float_doubles8(const float* p) {
    return (V8d)_mm512_cvtps_pd(_mm256_loadu_ps(p));
}
CRMSIM_X86_8 unsigned bits8(V8m m) {
    return _mm512_movepi64_mask((__m512i)m);
}
CRMSIM_X86_8 void store_where8(std::int32_t* p, V8m m, std::int32_t value) {
    _mm256_mask_storeu_epi32(p, _mm512_movepi64_mask((__m512i)m), _mm256_set1_epi32(value));
}
CRMSIM_X86_8 void store_floats_where8(float* p, V8m m, V8d x) {
    _mm256_mask_storeu_ps(p, _mm512_movepi64_mask((__m512i)m), _mm512_cvtpd_ps((__m512d)x));
}
CRMSIM_X86_8 V8d int_doubles_where8(const std::int32_t* p, V8m m) {
    return (V8d)_mm512_cvtepi32_pd(_mm256_maskz_loadu_epi32(_mm512_movepi64_mask((__m512i)m), p));
}
CRMSIM_X86_8 V8d pick8(const double* table, V8u idx) {
    return (V8d)_mm512_permutexvar_pd((__m512i)idx, _mm512_zextpd256_pd512(_mm256_loadu_pd(table)));
}
CRMSIM_X86_8 V8u pick8(const std::uint64_t* table, V8u idx) {
    return (V8u)_mm512_permutexvar_epi64(
        (__m512i)idx, _mm512_zextsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(table))));
}
CRMSIM_X86_8 V8u block_word8(const Block4* blocks, int w) {
    const __m512i first = _mm512_loadu_si512(blocks);       // blocks 0 .. 3
    const __m512i second = _mm512_loadu_si512(blocks + 4);  // blocks 4 .. 7 (indices 16 and up)
    const __m512i index =
        _mm512_setr_epi32(w, 4 + w, 8 + w, 12 + w, 16 + w, 20 + w, 24 + w, 28 + w, 0, 0, 0, 0, 0, 0, 0, 0);
    return (V8u)_mm512_cvtepu32_epi64(_mm512_castsi512_si256(_mm512_permutex2var_epi32(first, index, second)));
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#undef CRMSIM_X86_4
#undef CRMSIM_X86_8

}  // namespace sim::x86
