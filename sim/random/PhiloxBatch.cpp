#include "sim/random/PhiloxBatch.hpp"

#include <Random123/philox.h>

#include <algorithm>
#include <array>
#include <string_view>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CRMSIM_X86 1
#endif

namespace sim {
namespace {

// Philox4x32 constants (Salmon et al. 2011; Random123's philox.h).
constexpr std::uint32_t kMultiplier0 = 0xD2511F53u, kMultiplier1 = 0xCD9E8D57u;
constexpr std::uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;
constexpr int kRounds = 10;

void scalar_blocks(std::uint64_t key, const Word4* counters, Word4* out, std::size_t n) {
    const r123::Philox4x32::key_type k = {{static_cast<std::uint32_t>(key), static_cast<std::uint32_t>(key >> 32)}};
    for (std::size_t i = 0; i < n; ++i) {
        const r123::Philox4x32::ctr_type c = {{counters[i][0], counters[i][1], counters[i][2], counters[i][3]}};
        const auto r = r123::Philox4x32{}(c, k);
        out[i] = {r[0], r[1], r[2], r[3]};
    }
}

#ifdef CRMSIM_X86

// ---- SSE2: four blocks per pass ------------------------------------------

// Transposes four rows of four 32-bit words (its own inverse).
inline void transpose4(__m128i& r0, __m128i& r1, __m128i& r2, __m128i& r3) {
    const __m128i t0 = _mm_unpacklo_epi32(r0, r1), t1 = _mm_unpacklo_epi32(r2, r3);
    const __m128i t2 = _mm_unpackhi_epi32(r0, r1), t3 = _mm_unpackhi_epi32(r2, r3);
    r0 = _mm_unpacklo_epi64(t0, t1);
    r1 = _mm_unpackhi_epi64(t0, t1);
    r2 = _mm_unpacklo_epi64(t2, t3);
    r3 = _mm_unpackhi_epi64(t2, t3);
}

// 32 x 32 -> 64-bit products of each lane with m, split into low and high words.
inline void mulhilo4(__m128i x, __m128i m, __m128i& lo, __m128i& hi) {
    const __m128i even = _mm_mul_epu32(x, m);                     // products of lanes 0, 2
    const __m128i odd = _mm_mul_epu32(_mm_srli_epi64(x, 32), m);  // products of lanes 1, 3
    const __m128i low_words = _mm_set_epi32(0, -1, 0, -1);
    lo = _mm_or_si128(_mm_and_si128(even, low_words), _mm_slli_epi64(odd, 32));
    hi = _mm_or_si128(_mm_srli_epi64(even, 32), _mm_andnot_si128(low_words, odd));
}

void sse2_blocks(std::uint64_t key, const Word4* counters, Word4* out, std::size_t n) {
    const __m128i m0 = _mm_set1_epi32(static_cast<int>(kMultiplier0));
    const __m128i m1 = _mm_set1_epi32(static_cast<int>(kMultiplier1));
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        __m128i x0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&counters[i]));
        __m128i x1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&counters[i + 1]));
        __m128i x2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&counters[i + 2]));
        __m128i x3 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&counters[i + 3]));
        transpose4(x0, x1, x2, x3);  // now x_j holds word j of the four blocks
        std::uint32_t k0 = static_cast<std::uint32_t>(key), k1 = static_cast<std::uint32_t>(key >> 32);
#pragma GCC unroll 10  // ten rounds, no loop to branch on
        for (int r = 0; r < kRounds; ++r) {
            __m128i lo0, hi0, lo1, hi1;
            mulhilo4(x0, m0, lo0, hi0);
            mulhilo4(x2, m1, lo1, hi1);
            x0 = _mm_xor_si128(_mm_xor_si128(hi1, x1), _mm_set1_epi32(static_cast<int>(k0)));
            x1 = lo1;
            x2 = _mm_xor_si128(_mm_xor_si128(hi0, x3), _mm_set1_epi32(static_cast<int>(k1)));
            x3 = lo0;
            k0 += kWeyl0;
            k1 += kWeyl1;
        }
        transpose4(x0, x1, x2, x3);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(&out[i]), x0);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(&out[i + 1]), x1);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(&out[i + 2]), x2);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(&out[i + 3]), x3);
    }
    scalar_blocks(key, counters + i, out + i, n - i);
}

// ---- AVX2: eight blocks per pass -----------------------------------------

__attribute__((target("avx2"))) inline void transpose4x2(__m256i& r0, __m256i& r1, __m256i& r2, __m256i& r3) {
    const __m256i t0 = _mm256_unpacklo_epi32(r0, r1), t1 = _mm256_unpacklo_epi32(r2, r3);
    const __m256i t2 = _mm256_unpackhi_epi32(r0, r1), t3 = _mm256_unpackhi_epi32(r2, r3);
    r0 = _mm256_unpacklo_epi64(t0, t1);
    r1 = _mm256_unpackhi_epi64(t0, t1);
    r2 = _mm256_unpacklo_epi64(t2, t3);
    r3 = _mm256_unpackhi_epi64(t2, t3);
}

__attribute__((target("avx2"))) inline void mulhilo8(__m256i x, __m256i m, __m256i& lo, __m256i& hi) {
    const __m256i even = _mm256_mul_epu32(x, m);
    const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(x, 32), m);
    lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0b10101010);
    hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0b10101010);
}

// Blocks i..i+3 go to the low 128-bit halves and i+4..i+7 to the high ones,
// so the in-lane unpacks transpose each half like transpose4.
__attribute__((target("avx2"))) inline __m256i load_pair(const Word4* low, const Word4* high) {
    return _mm256_set_m128i(_mm_loadu_si128(reinterpret_cast<const __m128i*>(high)),
                            _mm_loadu_si128(reinterpret_cast<const __m128i*>(low)));
}

__attribute__((target("avx2"))) inline void store_pair(__m256i v, Word4* low, Word4* high) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(low), _mm256_castsi256_si128(v));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(high), _mm256_extracti128_si256(v, 1));
}

// Ten rounds on sixteen blocks, transposed (word w of blocks i..i+3 and
// i+4..i+7 in a<w>, of i+8..i+15 in b<w>), then stored block by block.
// Two independent groups of eight: each round is a chain of dependent
// multiplies, and two chains in flight keep the multiplier busy while the
// other waits.
__attribute__((target("avx2"))) inline void avx2_rounds_and_store(std::uint64_t key, __m256i a0, __m256i a1, __m256i a2,
                                                                  __m256i a3, __m256i b0, __m256i b1, __m256i b2,
                                                                  __m256i b3, Word4* o) {
    const __m256i m0 = _mm256_set1_epi32(static_cast<int>(kMultiplier0));
    const __m256i m1 = _mm256_set1_epi32(static_cast<int>(kMultiplier1));
    std::uint32_t k0 = static_cast<std::uint32_t>(key), k1 = static_cast<std::uint32_t>(key >> 32);
#pragma GCC unroll 10  // ten rounds, no loop to branch on
    for (int r = 0; r < kRounds; ++r) {
        const __m256i key0 = _mm256_set1_epi32(static_cast<int>(k0));
        const __m256i key1 = _mm256_set1_epi32(static_cast<int>(k1));
        __m256i alo0, ahi0, alo1, ahi1, blo0, bhi0, blo1, bhi1;
        mulhilo8(a0, m0, alo0, ahi0);
        mulhilo8(b0, m0, blo0, bhi0);
        mulhilo8(a2, m1, alo1, ahi1);
        mulhilo8(b2, m1, blo1, bhi1);
        a0 = _mm256_xor_si256(_mm256_xor_si256(ahi1, a1), key0);
        b0 = _mm256_xor_si256(_mm256_xor_si256(bhi1, b1), key0);
        a1 = alo1;
        b1 = blo1;
        a2 = _mm256_xor_si256(_mm256_xor_si256(ahi0, a3), key1);
        b2 = _mm256_xor_si256(_mm256_xor_si256(bhi0, b3), key1);
        a3 = alo0;
        b3 = blo0;
        k0 += kWeyl0;
        k1 += kWeyl1;
    }
    transpose4x2(a0, a1, a2, a3);
    transpose4x2(b0, b1, b2, b3);
    store_pair(a0, o, o + 4);
    store_pair(a1, o + 1, o + 5);
    store_pair(a2, o + 2, o + 6);
    store_pair(a3, o + 3, o + 7);
    store_pair(b0, o + 8, o + 12);
    store_pair(b1, o + 9, o + 13);
    store_pair(b2, o + 10, o + 14);
    store_pair(b3, o + 11, o + 15);
}

__attribute__((target("avx2"))) void avx2_blocks(std::uint64_t key, const Word4* counters, Word4* out, std::size_t n) {
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const Word4* c = counters + i;
        __m256i a0 = load_pair(c, c + 4), a1 = load_pair(c + 1, c + 5);
        __m256i a2 = load_pair(c + 2, c + 6), a3 = load_pair(c + 3, c + 7);
        __m256i b0 = load_pair(c + 8, c + 12), b1 = load_pair(c + 9, c + 13);
        __m256i b2 = load_pair(c + 10, c + 14), b3 = load_pair(c + 11, c + 15);
        transpose4x2(a0, a1, a2, a3);
        transpose4x2(b0, b1, b2, b3);
        avx2_rounds_and_store(key, a0, a1, a2, a3, b0, b1, b2, b3, out + i);
    }
    sse2_blocks(key, counters + i, out + i, n - i);
}

// Counters first, first + (1, 0, 0, 0), ...: made in registers, already
// transposed, rather than loaded.
__attribute__((target("avx2"))) std::size_t avx2_counting_blocks(std::uint64_t key, const Word4& first, Word4* out,
                                                                 std::size_t n) {
    const __m256i step = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i w1 = _mm256_set1_epi32(static_cast<int>(first[1]));
    const __m256i w2 = _mm256_set1_epi32(static_cast<int>(first[2]));
    const __m256i w3 = _mm256_set1_epi32(static_cast<int>(first[3]));
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256i a0 =
            _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(first[0] + i))), step);
        const __m256i b0 =
            _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(first[0] + i + 8))), step);
        avx2_rounds_and_store(key, a0, w1, w2, w3, b0, w1, w2, w3, out + i);
    }
    return i;
}

// ---- AVX-512: sixteen blocks a vector, thirty-two per pass ---------------

// GCC 12 warns -Wmaybe-uninitialized inside its own AVX-512 intrinsics (the
// "undefined" source vector of the unmasked forms, GCC bug 105593): a false
// positive, silenced for this section only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

__attribute__((target("avx512f"))) inline void mulhilo16(__m512i x, __m512i m, __m512i& lo, __m512i& hi) {
    const __m512i even = _mm512_mul_epu32(x, m);
    const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(x, 32), m);
    constexpr __mmask16 kOddWords = 0xAAAA;
    lo = _mm512_mask_blend_epi32(kOddWords, even, _mm512_slli_epi64(odd, 32));
    hi = _mm512_mask_blend_epi32(kOddWords, _mm512_srli_epi64(even, 32), odd);
}

// The sixteen blocks' words are held in an order that makes the transposes
// cheap: element 4L + j of r<w> (128-bit lane L, place j) is word w of
// block 4j + L. Then one in-lane 4 x 4 transpose turns the four vectors of
// blocks 0..3, 4..7, 8..11, 12..15 into r0..r3, and the same transpose
// turns them back (it is its own inverse).
__attribute__((target("avx512f"))) inline void transpose16(__m512i& r0, __m512i& r1, __m512i& r2, __m512i& r3) {
    const __m512i t0 = _mm512_unpacklo_epi32(r0, r1), t1 = _mm512_unpacklo_epi32(r2, r3);
    const __m512i t2 = _mm512_unpackhi_epi32(r0, r1), t3 = _mm512_unpackhi_epi32(r2, r3);
    r0 = _mm512_unpacklo_epi64(t0, t1);
    r1 = _mm512_unpackhi_epi64(t0, t1);
    r2 = _mm512_unpacklo_epi64(t2, t3);
    r3 = _mm512_unpackhi_epi64(t2, t3);
}

__attribute__((target("avx512f"))) inline void transpose_and_store16(__m512i r0, __m512i r1, __m512i r2, __m512i r3,
                                                                     Word4* o) {
    transpose16(r0, r1, r2, r3);
    _mm512_storeu_si512(o, r0);
    _mm512_storeu_si512(o + 4, r1);
    _mm512_storeu_si512(o + 8, r2);
    _mm512_storeu_si512(o + 12, r3);
}

// Ten rounds on thirty-two blocks, transposed (words w of blocks 0..15 in
// a<w>, of 16..31 in b<w>, in transpose16's order), then stored: two independent
// chains of multiplies in flight, as in avx2_rounds_and_store.
__attribute__((target("avx512f"))) inline void avx512_rounds_and_store(std::uint64_t key, __m512i a0, __m512i a1,
                                                                       __m512i a2, __m512i a3, __m512i b0, __m512i b1,
                                                                       __m512i b2, __m512i b3, Word4* o) {
    const __m512i m0 = _mm512_set1_epi32(static_cast<int>(kMultiplier0));
    const __m512i m1 = _mm512_set1_epi32(static_cast<int>(kMultiplier1));
    std::uint32_t k0 = static_cast<std::uint32_t>(key), k1 = static_cast<std::uint32_t>(key >> 32);
#pragma GCC unroll 10  // ten rounds, no loop to branch on
    for (int r = 0; r < kRounds; ++r) {
        const __m512i key0 = _mm512_set1_epi32(static_cast<int>(k0));
        const __m512i key1 = _mm512_set1_epi32(static_cast<int>(k1));
        __m512i alo0, ahi0, alo1, ahi1, blo0, bhi0, blo1, bhi1;
        mulhilo16(a0, m0, alo0, ahi0);
        mulhilo16(b0, m0, blo0, bhi0);
        mulhilo16(a2, m1, alo1, ahi1);
        mulhilo16(b2, m1, blo1, bhi1);
        // hi ^ next word ^ key in one three-way logic instruction (0x96: a ^ b ^ c).
        a0 = _mm512_ternarylogic_epi32(ahi1, a1, key0, 0x96);
        b0 = _mm512_ternarylogic_epi32(bhi1, b1, key0, 0x96);
        a1 = alo1;
        b1 = blo1;
        a2 = _mm512_ternarylogic_epi32(ahi0, a3, key1, 0x96);
        b2 = _mm512_ternarylogic_epi32(bhi0, b3, key1, 0x96);
        a3 = alo0;
        b3 = blo0;
        k0 += kWeyl0;
        k1 += kWeyl1;
    }
    transpose_and_store16(a0, a1, a2, a3, o);
    transpose_and_store16(b0, b1, b2, b3, o + 16);
}

__attribute__((target("avx512f"))) void avx512_blocks(std::uint64_t key, const Word4* counters, Word4* out,
                                                      std::size_t n) {
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const Word4* c = counters + i;
        __m512i a0 = _mm512_loadu_si512(c), a1 = _mm512_loadu_si512(c + 4);
        __m512i a2 = _mm512_loadu_si512(c + 8), a3 = _mm512_loadu_si512(c + 12);
        __m512i b0 = _mm512_loadu_si512(c + 16), b1 = _mm512_loadu_si512(c + 20);
        __m512i b2 = _mm512_loadu_si512(c + 24), b3 = _mm512_loadu_si512(c + 28);
        transpose16(a0, a1, a2, a3);
        transpose16(b0, b1, b2, b3);
        avx512_rounds_and_store(key, a0, a1, a2, a3, b0, b1, b2, b3, out + i);
    }
    avx2_blocks(key, counters + i, out + i, n - i);
}

// As avx2_counting_blocks, thirty-two blocks a pass; returns where it stopped.
__attribute__((target("avx512f"))) std::size_t avx512_counting_blocks(std::uint64_t key, const Word4& first, Word4* out,
                                                                      std::size_t n) {
    // Element 4L + j counts block 4j + L (transpose16's order).
    const __m512i step = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    const __m512i w1 = _mm512_set1_epi32(static_cast<int>(first[1]));
    const __m512i w2 = _mm512_set1_epi32(static_cast<int>(first[2]));
    const __m512i w3 = _mm512_set1_epi32(static_cast<int>(first[3]));
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m512i a0 =
            _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(first[0] + i))), step);
        const __m512i b0 =
            _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(first[0] + i + 16))), step);
        avx512_rounds_and_store(key, a0, w1, w2, w3, b0, w1, w2, w3, out + i);
    }
    return i;
}

// Word 0 of sixteen listed blocks: w0 + offsets o[0..15], in transpose16's
// order (element 4L + j takes offset 4j + L).
__attribute__((target("avx512f"))) inline __m512i listed_words(__m512i w0, const std::uint16_t* o) {
    const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    const __m512i by = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(o)));
    return _mm512_add_epi32(w0, _mm512_permutexvar_epi32(order, by));
}

// As avx512_counting_blocks for the agents first[0] + offsets[j]: a listed
// few of a run (buyers, say), their word 0 made in registers from the
// sixteen-bit offsets. Returns n.
__attribute__((target("avx512f"))) std::size_t avx512_listed_blocks(std::uint64_t key, const Word4& first,
                                                                    const std::uint16_t* offsets, Word4* out,
                                                                    std::size_t n) {
    const __m512i w0 = _mm512_set1_epi32(static_cast<int>(first[0]));
    const __m512i w1 = _mm512_set1_epi32(static_cast<int>(first[1]));
    const __m512i w2 = _mm512_set1_epi32(static_cast<int>(first[2]));
    const __m512i w3 = _mm512_set1_epi32(static_cast<int>(first[3]));
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32)
        avx512_rounds_and_store(key, listed_words(w0, offsets + i), w1, w2, w3, listed_words(w0, offsets + i + 16), w1,
                                w2, w3, out + i);
    // The last few too, as a pass of thirty-two padded with offset 0: lists
    // are short (a batch's buyers), and their tails through the narrower
    // paths took a third of the time.
    if (i < n) {
        std::array<std::uint16_t, 32> rest{};
        std::copy(offsets + i, offsets + n, rest.begin());
        std::array<Word4, 32> blocks;
        avx512_rounds_and_store(key, listed_words(w0, rest.data()), w1, w2, w3, listed_words(w0, rest.data() + 16), w1,
                                w2, w3, blocks.data());
        std::copy_n(blocks.begin(), n - i, out + i);
        i = n;
    }
    return i;
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#endif  // CRMSIM_X86

using BlocksFn = void (*)(std::uint64_t, const Word4*, Word4*, std::size_t);

struct Implementation {
    BlocksFn fn;
    const char* kind;
};

Implementation choose() {
#ifdef CRMSIM_X86
    if (__builtin_cpu_supports("avx512f")) return {avx512_blocks, "avx512"};
    if (__builtin_cpu_supports("avx2")) return {avx2_blocks, "avx2"};
    return {sse2_blocks, "sse2"};
#else
    return {scalar_blocks, "scalar"};
#endif
}

const Implementation& implementation() {
    static const Implementation chosen = choose();
    return chosen;
}

}  // namespace

void philox_blocks(std::uint64_t key, const Word4* counters, Word4* out, std::size_t n) {
    implementation().fn(key, counters, out, n);
}

namespace {

Word4 counted_on(const Word4& first, std::size_t by) {
    return {first[0] + static_cast<std::uint32_t>(by), first[1], first[2], first[3]};
}

// The counting blocks with the implementation `fn` (one of the above).
void counting_blocks(BlocksFn fn, std::uint64_t key, const Word4& first, Word4* out, std::size_t n) {
    std::size_t i = 0;
#ifdef CRMSIM_X86
    if (fn == avx512_blocks) i = avx512_counting_blocks(key, first, out, n);
    if (fn == avx512_blocks || fn == avx2_blocks) i += avx2_counting_blocks(key, counted_on(first, i), out + i, n - i);
#endif
    // The rest (or all, without AVX2) through the counters themselves.
    constexpr std::size_t kStep = 64;
    std::array<Word4, kStep> counters;
    for (; i < n; i += kStep) {
        const std::size_t m = std::min(kStep, n - i);
        for (std::size_t k = 0; k < m; ++k) counters[k] = counted_on(first, i + k);
        fn(key, counters.data(), out + i, m);
    }
}

// The listed blocks with the implementation `fn`.
void listed_blocks(BlocksFn fn, std::uint64_t key, const Word4& first, const std::uint16_t* offsets, Word4* out,
                   std::size_t n) {
    std::size_t i = 0;
#ifdef CRMSIM_X86
    if (fn == avx512_blocks) i = avx512_listed_blocks(key, first, offsets, out, n);
#endif
    constexpr std::size_t kStep = 64;
    std::array<Word4, kStep> counters;
    for (; i < n; i += kStep) {
        const std::size_t m = std::min(kStep, n - i);
        for (std::size_t k = 0; k < m; ++k) counters[k] = counted_on(first, offsets[i + k]);
        fn(key, counters.data(), out + i, m);
    }
}

}  // namespace

void philox_listed_blocks(std::uint64_t key, const Word4& first, const std::uint16_t* offsets, Word4* out,
                          std::size_t n) {
    listed_blocks(implementation().fn, key, first, offsets, out, n);
}

void philox_counting_blocks(std::uint64_t key, const Word4& first, Word4* out, std::size_t n) {
    counting_blocks(implementation().fn, key, first, out, n);
}

const char* philox_blocks_kind() {
    return implementation().kind;
}

namespace detail {
void philox_blocks_scalar(std::uint64_t key, const Word4* counters, Word4* out, std::size_t n) {
    scalar_blocks(key, counters, out, n);
}
void philox_blocks_sse2(std::uint64_t key, const Word4* counters, Word4* out, std::size_t n) {
#ifdef CRMSIM_X86
    sse2_blocks(key, counters, out, n);
#else
    scalar_blocks(key, counters, out, n);
#endif
}
bool philox_blocks_avx2(std::uint64_t key, const Word4* counters, Word4* out, std::size_t n) {
#ifdef CRMSIM_X86
    if (!__builtin_cpu_supports("avx2")) return false;
    avx2_blocks(key, counters, out, n);
    return true;
#else
    (void)key, (void)counters, (void)out, (void)n;
    return false;
#endif
}
bool philox_blocks_avx512(std::uint64_t key, const Word4* counters, Word4* out, std::size_t n) {
#ifdef CRMSIM_X86
    if (!__builtin_cpu_supports("avx512f")) return false;
    avx512_blocks(key, counters, out, n);
    return true;
#else
    (void)key, (void)counters, (void)out, (void)n;
    return false;
#endif
}
namespace {
// The implementation `kind` names (as philox_blocks_kind does), if the
// processor has it.
BlocksFn implementation_named(const char* kind) {
    const std::string_view k(kind);
    if (k == "scalar") return scalar_blocks;
#ifdef CRMSIM_X86
    if (k == "sse2") return sse2_blocks;
    if (k == "avx2" && __builtin_cpu_supports("avx2")) return avx2_blocks;
    if (k == "avx512" && __builtin_cpu_supports("avx512f")) return avx512_blocks;
#endif
    return nullptr;
}
}  // namespace

bool philox_counting_blocks_with(const char* kind, std::uint64_t key, const Word4& first, Word4* out, std::size_t n) {
    const BlocksFn fn = implementation_named(kind);
    if (fn) counting_blocks(fn, key, first, out, n);
    return fn != nullptr;
}

bool philox_listed_blocks_with(const char* kind, std::uint64_t key, const Word4& first, const std::uint16_t* offsets,
                               Word4* out, std::size_t n) {
    const BlocksFn fn = implementation_named(kind);
    if (fn) listed_blocks(fn, key, first, offsets, out, n);
    return fn != nullptr;
}

}  // namespace detail

}  // namespace sim
