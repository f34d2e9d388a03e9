#include "sim/random/PoissonBatch.hpp"

#include "sim/util/Avx2Loops.hpp"

namespace sim {
namespace {

using poisson_inversion::kMaxTerms;
using poisson_inversion::kSmallestTerm;
using poisson_inversion::reciprocal;

inline std::uint32_t count_one(float rate, float p0, std::uint32_t u, double limit) {
    return rate <= limit ? poisson_by_inversion(rate, p0, u) : kNotCounted;
}

#if defined(__x86_64__)

// Rates k .. k + 4 * V - 1, four a vector. Lane j of vector v follows
// poisson_by_inversion for rate k + 4 v + j: while x >= cumulative (and
// fewer than kMaxTerms terms), count one more, term *= mean * (1 / count),
// cumulative += term, and stop after a term below kSmallestTerm. All lanes still
// counting are at the same count, so 1 / count is one number for them all.
// The loop's cost is the latency of its chain of multiplications and
// additions: V > 1 vectors share it.
template <int V>
__attribute__((target("avx2"))) inline void count_group(const float* rate, const float* p0, const std::uint32_t* u,
                                                        std::uint32_t k, double limit, std::uint32_t* counts) {
    const __m256d highest = _mm256_set1_pd(limit);
    const __m256d tiny = _mm256_set1_pd(kSmallestTerm);
    __m256d mean[V], x[V], term[V], cumulative[V], counting[V];
    __m256i count[V];
    int any = 0;
    for (int v = 0; v < V; ++v) {
        const std::uint32_t at = k + 4 * static_cast<std::uint32_t>(v);
        mean[v] = _mm256_cvtps_pd(_mm_loadu_ps(rate + at));
        const __m256i words = _mm256_cvtepu32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(u + at)));
        x[v] = unit_doubles(words);
        term[v] = _mm256_cvtps_pd(_mm_loadu_ps(p0 + at));
        cumulative[v] = term[v];
        // A rate above the limit is left to the caller, and not counted here.
        counting[v] =
            _mm256_and_pd(_mm256_cmp_pd(x[v], cumulative[v], _CMP_GE_OQ), _mm256_cmp_pd(mean[v], highest, _CMP_LE_OQ));
        count[v] = _mm256_setzero_si256();
        any |= _mm256_movemask_pd(counting[v]);
    }
    for (std::uint32_t c = 1; c <= kMaxTerms && any != 0; ++c) {
        const __m256d one_over_c = _mm256_set1_pd(reciprocal(c));
        any = 0;
        for (int v = 0; v < V; ++v) {
            const __m256d next = _mm256_mul_pd(term[v], _mm256_mul_pd(mean[v], one_over_c));
            term[v] = _mm256_blendv_pd(term[v], next, counting[v]);
            cumulative[v] = _mm256_blendv_pd(cumulative[v], _mm256_add_pd(cumulative[v], next), counting[v]);
            count[v] = _mm256_sub_epi64(count[v], _mm256_castpd_si256(counting[v]));  // a true lane is -1
            const __m256d small = _mm256_cmp_pd(next, tiny, _CMP_LT_OQ);
            counting[v] =
                _mm256_andnot_pd(small, _mm256_and_pd(counting[v], _mm256_cmp_pd(x[v], cumulative[v], _CMP_GE_OQ)));
            any |= _mm256_movemask_pd(counting[v]);
        }
    }
    for (int v = 0; v < V; ++v) {
        alignas(32) std::int64_t lanes[4];
        _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), count[v]);
        for (std::uint32_t j = 0; j < 4; ++j) {
            const std::uint32_t at = k + 4 * static_cast<std::uint32_t>(v) + j;
            counts[at] = rate[at] <= limit ? static_cast<std::uint32_t>(lanes[j]) : kNotCounted;
        }
    }
}

// Returns where it stopped: the last n % 4 are left to the scalar loop.
__attribute__((target("avx2"))) std::uint32_t count_avx2(const float* rate, const float* p0, const std::uint32_t* u,
                                                         std::uint32_t n, double limit, std::uint32_t* counts) {
    std::uint32_t k = 0;
    for (; k + 8 <= n; k += 8) count_group<2>(rate, p0, u, k, limit, counts);
    for (; k + 4 <= n; k += 4) count_group<1>(rate, p0, u, k, limit, counts);
    return k;
}

// ---- AVX-512: count_group's loop eight lanes a vector --------------------

// GCC 12 warns -W(maybe-)uninitialized inside its own AVX-512 intrinsics
// (GCC bug 105593): a false positive, silenced here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

// Rates k .. k + 8 * V - 1, as count_group, with masks for the lanes
// still counting: the same operations on every lane, in the same order.
template <int V>
__attribute__((target("avx512f"))) inline void count_group8(const float* rate, const float* p0, const std::uint32_t* u,
                                                            std::uint32_t k, double limit, std::uint32_t* counts) {
    const __m512d highest = _mm512_set1_pd(limit);
    const __m512d tiny = _mm512_set1_pd(kSmallestTerm);
    __m512d mean[V], x[V], term[V], cumulative[V];
    __m512i count[V];
    __mmask8 counting[V];
    const __m512i one = _mm512_set1_epi64(1);
    unsigned any = 0;
    for (int v = 0; v < V; ++v) {
        const std::uint32_t at = k + 8 * static_cast<std::uint32_t>(v);
        mean[v] = _mm512_cvtps_pd(_mm256_loadu_ps(rate + at));
        const __m512i words = _mm512_cvtepu32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(u + at)));
        x[v] = unit_doubles(words);
        term[v] = _mm512_cvtps_pd(_mm256_loadu_ps(p0 + at));
        cumulative[v] = term[v];
        // A rate above the limit is left to the caller, and not counted here.
        counting[v] =
            _mm512_cmp_pd_mask(x[v], cumulative[v], _CMP_GE_OQ) & _mm512_cmp_pd_mask(mean[v], highest, _CMP_LE_OQ);
        count[v] = _mm512_setzero_si512();
        any |= counting[v];
    }
    for (std::uint32_t c = 1; c <= kMaxTerms && any != 0; ++c) {
        const __m512d one_over_c = _mm512_set1_pd(reciprocal(c));
        any = 0;
        for (int v = 0; v < V; ++v) {
            const __m512d next = _mm512_mul_pd(term[v], _mm512_mul_pd(mean[v], one_over_c));
            term[v] = _mm512_mask_blend_pd(counting[v], term[v], next);
            cumulative[v] = _mm512_mask_add_pd(cumulative[v], counting[v], cumulative[v], next);
            count[v] = _mm512_mask_add_epi64(count[v], counting[v], count[v], one);
            const __mmask8 small = _mm512_cmp_pd_mask(next, tiny, _CMP_LT_OQ);
            counting[v] =
                counting[v] & static_cast<__mmask8>(~small) & _mm512_cmp_pd_mask(x[v], cumulative[v], _CMP_GE_OQ);
            any |= counting[v];
        }
    }
    for (int v = 0; v < V; ++v) {
        alignas(64) std::int64_t lanes[8];
        _mm512_store_si512(lanes, count[v]);
        for (std::uint32_t j = 0; j < 8; ++j) {
            const std::uint32_t at = k + 8 * static_cast<std::uint32_t>(v) + j;
            counts[at] = rate[at] <= limit ? static_cast<std::uint32_t>(lanes[j]) : kNotCounted;
        }
    }
}

// Returns where it stopped: the rest is left to the AVX2 and scalar loops.
__attribute__((target("avx512f"))) std::uint32_t count_avx512(const float* rate, const float* p0,
                                                              const std::uint32_t* u, std::uint32_t n, double limit,
                                                              std::uint32_t* counts) {
    std::uint32_t k = 0;
    // Four vectors share the loop's latency better than two (measured: 2 to
    // 3 % off a whole phase that counts every batch), although the longest
    // of 32 counts runs a little longer than the longest of 16; six took
    // longer again.
    for (; k + 32 <= n; k += 32) count_group8<4>(rate, p0, u, k, limit, counts);
    for (; k + 16 <= n; k += 16) count_group8<2>(rate, p0, u, k, limit, counts);
    for (; k + 8 <= n; k += 8) count_group8<1>(rate, p0, u, k, limit, counts);
    return k;
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#endif

}  // namespace

void count_poisson_by_inversion(const float* rate, const float* p0, const std::uint32_t* u, std::uint32_t n,
                                double limit, std::uint32_t* counts) {
    std::uint32_t k = 0;
#if defined(__x86_64__)
    if (avx512_loops()) k = count_avx512(rate, p0, u, n, limit, counts);
    if (avx2_loops()) k += count_avx2(rate + k, p0 + k, u + k, n - k, limit, counts + k);
#endif
    for (; k < n; ++k) counts[k] = count_one(rate[k], p0[k], u[k], limit);
}

}  // namespace sim
