#include "models/market/QuietTicks.hpp"

#include "models/market/CustomerStatus.hpp"
#include "models/market/DrawPurpose.hpp"
#include "models/market/FirmTally.hpp"
#include "models/mechanisms/ServiceOutcome.hpp"
#include "models/mechanisms/TarpTable.hpp"
#include "sim/util/Avx2Loops.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace models {
namespace {

constexpr std::uint32_t kLanes = InterleavedTally::kLanes;
static_assert(kLanes == 4, "the AVX2 loops hold one tally lane per 64-bit lane of a 256-bit vector");

// Customer b + k, one at a time. Returns false if the tick is not quiet.
inline bool decide_one(const QuietDecision& q, std::uint32_t b, std::uint32_t k, const sim::Block4& draws,
                       QuietCounts& counts) {
    const std::uint32_t i = b + k;
    const std::uint8_t f = q.firm[i];
    if (f == kNoFirm) return false;
    ++counts.customers[f];
    const double s = q.satisfaction[i];
    if (q.fails[f](draws[kLaneFailure]) || q.tarp_group[i] != kNotObserved || s < q.dissatisfied_below) return false;
    const bool leaves = sim::bernoulli(draws[kLaneSwitch], q.switching.drift(s));
    q.next_satisfaction[i] = q.update.after_good_service(s);
    q.next_firm[i] = leaves ? SwitchingHazard::competitor(f, 2, 0) : f;
    q.outcome[i] = static_cast<std::uint8_t>(Outcome::NoFailure);
    ++counts.quiet[f];
    counts.leavers[f] += leaves;
    return true;
}

// Adds the spend of customers b .. b + n - 1 to their firm's revenue, per
// lane in customer order, as the general code would: adding +0.0 for the
// other firm leaves a sum unchanged (sums start at +0.0).
void add_revenue(const std::uint8_t* firm, const double* spend, std::uint32_t b, std::uint32_t n, LaneSums& revenue) {
    for (std::uint32_t k = 0; k < n; ++k) {
        const std::uint32_t i = b + k;
        revenue[0][i % kLanes] += only_if(firm[i] == 0, spend[i]);
        revenue[1][i % kLanes] += only_if(firm[i] == 1, spend[i]);
    }
}

std::uint32_t decide_scalar(const QuietDecision& q, std::uint32_t b, std::uint32_t n, const sim::Block4* draws,
                            std::uint16_t* eventful, QuietCounts& counts, LaneSums& revenue) {
    add_revenue(q.firm, q.spend, b, n, revenue);
    std::uint32_t events = 0;
    for (std::uint32_t k = 0; k < n; ++k)
        if (!decide_one(q, b, k, draws[k], counts)) eventful[events++] = static_cast<std::uint16_t>(k);
    return events;
}

// Counts one customer after the tick (kNoFirm: none to count).
inline void count_settled(std::uint8_t f, double s, std::uint32_t lane, const QuietSettlement& q,
                          SettledCounts& counts) {
    counts.satisfaction[0][lane] += only_if(f == 0, s);
    counts.satisfaction[1][lane] += only_if(f == 1, s);
    if (f == kNoFirm) return;
    ++counts.customers[f];
    counts.promoters[f] += s >= q.promoter_from;
    counts.detractors[f] += s < q.detractor_below;
}

// Stayer i, one at a time.
inline void settle_one(const QuietSettlement& q, std::uint32_t i, SettledCounts& counts) {
    const double s = clamp_unit(q.next_satisfaction[i] + q.effect * q.stories[i]);
    q.satisfaction[i] = s;
    q.stories[i] = 0;
    count_settled(q.firm[i], s, i % kLanes, q, counts);
}

void settle_scalar(const QuietSettlement& q, std::uint32_t begin, std::uint32_t end,
                   std::span<const std::uint32_t> movers, std::span<const Settled> settled, SettledCounts& counts) {
    std::size_t m = 0;
    for (std::uint32_t i = begin; i < end; ++i) {
        if (m < movers.size() && movers[m] == i) {
            count_settled(settled[m].firm, settled[m].satisfaction, i % kLanes, q, counts);
            ++m;
        } else {
            settle_one(q, i, counts);
        }
    }
}

#if defined(__x86_64__)

// Byte j of kFlip[m] is bit j of m: XOR-ed into four firm bytes (0 or 1),
// it moves the customers in m to the other firm.
constexpr std::array<std::uint32_t, 16> kFlip = [] {
    std::array<std::uint32_t, 16> t{};
    for (std::uint32_t m = 0; m < 16; ++m)
        for (std::uint32_t j = 0; j < 4; ++j) t[m] |= ((m >> j) & 1u) << (8 * j);
    return t;
}();

// Four customers at a time, lane j of each vector being customer i + j and
// tally lane (i + j) % 4 = j (b is a multiple of 4). Every step is the
// scalar one in the same order (no fused multiply-add: the target does not
// enable FMA, and the build forbids fusing), so each lane computes exactly
// what decide_one would.
__attribute__((target("avx2"))) std::uint32_t decide_avx2(const QuietDecision& q, std::uint32_t b, std::uint32_t n,
                                                          const sim::Block4* draws, std::uint16_t* eventful,
                                                          QuietCounts& counts, LaneSums& revenue) {
    const __m256d one = _mm256_set1_pd(1.0);
    const __m256d gain = _mm256_set1_pd(q.update.good_service_gain);
    const __m256d hazard = _mm256_set1_pd(q.switching.drift_hazard);
    const __m256d below = _mm256_set1_pd(q.dissatisfied_below);
    const __m256i bound0 = _mm256_set1_epi64x(static_cast<std::int64_t>(q.fails[0].bound()));
    const __m256i bound1 = _mm256_set1_epi64x(static_cast<std::int64_t>(q.fails[1].bound()));
    const __m256i firm1 = _mm256_set1_epi64x(1);
    const __m256i not_observed = _mm256_set1_epi64x(kNotObserved);
    const bool squared = q.switching.convexity == 2.0;
    __m256d revenue0 = _mm256_loadu_pd(revenue[0].data());
    __m256d revenue1 = _mm256_loadu_pd(revenue[1].data());
    std::uint32_t events = 0;
    std::uint32_t k = 0;
    for (; k + kLanes <= n; k += kLanes) {
        const std::uint32_t i = b + k;
        std::uint32_t firms;
        std::memcpy(&firms, q.firm + i, sizeof firms);
        const __m256i f = _mm256_cvtepu8_epi64(_mm_cvtsi32_si128(static_cast<int>(firms)));
        const __m256i is1 = _mm256_cmpeq_epi64(f, firm1);
        const __m256i is0 = _mm256_cmpeq_epi64(f, _mm256_setzero_si256());
        const __m256d spend = _mm256_loadu_pd(q.spend + i);
        revenue0 = _mm256_add_pd(revenue0, _mm256_and_pd(spend, _mm256_castsi256_pd(is0)));
        revenue1 = _mm256_add_pd(revenue1, _mm256_and_pd(spend, _mm256_castsi256_pd(is1)));
        if (firms & 0x80808080u) {  // a prospect among them (kNoFirm): one at a time
            for (std::uint32_t j = 0; j < kLanes; ++j)
                if (!decide_one(q, b, k + j, draws[k + j], counts))
                    eventful[events++] = static_cast<std::uint16_t>(k + j);
            continue;
        }
        // Words 0 (failure) and 3 (switch) of the four blocks.
        const auto* block = reinterpret_cast<const __m128i*>(draws + k);
        const __m128i d0 = _mm_loadu_si128(block), d1 = _mm_loadu_si128(block + 1);
        const __m128i d2 = _mm_loadu_si128(block + 2), d3 = _mm_loadu_si128(block + 3);
        const __m128i low01 = _mm_unpacklo_epi32(d0, d1), low23 = _mm_unpacklo_epi32(d2, d3);
        const __m128i high01 = _mm_unpackhi_epi32(d0, d1), high23 = _mm_unpackhi_epi32(d2, d3);
        const __m256i fail_word = _mm256_cvtepu32_epi64(_mm_unpacklo_epi64(low01, low23));
        const __m256i switch_word = _mm256_cvtepu32_epi64(_mm_unpackhi_epi64(high01, high23));

        const __m256i fails = _mm256_cmpgt_epi64(_mm256_blendv_epi8(bound0, bound1, is1), fail_word);
        std::uint32_t groups;
        std::memcpy(&groups, q.tarp_group + i, sizeof groups);
        const __m256i observed = _mm256_xor_si256(
            _mm256_cmpeq_epi64(_mm256_cvtepu8_epi64(_mm_cvtsi32_si128(static_cast<int>(groups))), not_observed),
            _mm256_set1_epi64x(-1));
        const __m256d s = _mm256_loadu_pd(q.satisfaction + i);
        const __m256d dissatisfied = _mm256_cmp_pd(s, below, _CMP_LT_OQ);
        const auto events_here = static_cast<std::uint32_t>(
            _mm256_movemask_pd(_mm256_or_pd(_mm256_castsi256_pd(_mm256_or_si256(fails, observed)), dissatisfied)));

        const __m256d gap = _mm256_sub_pd(one, s);
        _mm256_storeu_pd(q.next_satisfaction + i, _mm256_add_pd(s, _mm256_mul_pd(gain, gap)));
        const __m256d drift = _mm256_mul_pd(hazard, squared ? _mm256_mul_pd(gap, gap) : gap);
        const __m256d x = sim::unit_doubles(switch_word);
        const auto quiet = ~events_here & 0xFu;
        const auto leaves = static_cast<std::uint32_t>(_mm256_movemask_pd(_mm256_cmp_pd(x, drift, _CMP_LT_OQ))) & quiet;
        const auto at1 = static_cast<std::uint32_t>(_mm256_movemask_pd(_mm256_castsi256_pd(is1)));
        // Eventful customers get these too; the general code overwrites them.
        const std::uint32_t next = firms ^ kFlip[leaves];
        std::memcpy(q.next_firm + i, &next, sizeof next);
        std::memset(q.outcome + i, static_cast<int>(Outcome::NoFailure), kLanes);

        counts.customers[0] += kLanes - std::popcount(at1);
        counts.customers[1] += std::popcount(at1);
        counts.quiet[0] += std::popcount(quiet & ~at1);
        counts.quiet[1] += std::popcount(quiet & at1);
        counts.leavers[0] += std::popcount(leaves & ~at1);
        counts.leavers[1] += std::popcount(leaves & at1);
        for (std::uint32_t m = events_here; m != 0; m &= m - 1)
            eventful[events++] = static_cast<std::uint16_t>(k + std::countr_zero(m));
    }
    _mm256_storeu_pd(revenue[0].data(), revenue0);
    _mm256_storeu_pd(revenue[1].data(), revenue1);
    add_revenue(q.firm, q.spend, b + k, n - k, revenue);  // the population's last few
    for (; k < n; ++k)
        if (!decide_one(q, b, k, draws[k], counts)) eventful[events++] = static_cast<std::uint16_t>(k);
    return events;
}

// Everyone four at a time: the stayers' satisfaction is computed and stored
// here; a mover's lane takes what the general code gave them instead and
// is not stored over. As in decide_avx2, each lane computes exactly what
// settle_one would: max(0, x) and min(1, x) are std::max(x, 0.0) and
// std::min(x, 1.0) to the bit.
__attribute__((target("avx2"))) void settle_avx2(const QuietSettlement& q, std::uint32_t begin, std::uint32_t end,
                                                 std::span<const std::uint32_t> movers,
                                                 std::span<const Settled> settled, SettledCounts& counts) {
    const __m256d zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1.0);
    const __m256d effect = _mm256_set1_pd(q.effect);
    const __m256d promoter_from = _mm256_set1_pd(q.promoter_from);
    const __m256d detractor_below = _mm256_set1_pd(q.detractor_below);
    const __m256i firm1 = _mm256_set1_epi64x(1);
    const __m256i lane_bit64 = _mm256_set_epi64x(8, 4, 2, 1);
    const __m128i lane_bit32 = _mm_set_epi32(8, 4, 2, 1);
    __m256d sum0 = _mm256_loadu_pd(counts.satisfaction[0].data());
    __m256d sum1 = _mm256_loadu_pd(counts.satisfaction[1].data());
    std::size_t m = 0;
    std::uint32_t i = begin;
    for (; i + kLanes <= end; i += kLanes) {
        std::uint32_t firms;
        std::memcpy(&firms, q.firm + i, sizeof firms);
        auto* stories = reinterpret_cast<__m128i*>(q.stories + i);
        const __m256d heard = _mm256_cvtepi32_pd(_mm_loadu_si128(stories));
        const __m256d x = _mm256_add_pd(_mm256_loadu_pd(q.next_satisfaction + i), _mm256_mul_pd(effect, heard));
        __m256d s = _mm256_min_pd(one, _mm256_max_pd(zero, x));
        if (m < movers.size() && movers[m] < i + kLanes) {
            alignas(32) std::array<double, kLanes> lanes;
            _mm256_store_pd(lanes.data(), s);
            std::uint32_t stay = 0xF;
            for (; m < movers.size() && movers[m] < i + kLanes; ++m) {
                const std::uint32_t j = movers[m] - i;
                stay &= ~(1u << j);
                lanes[j] = settled[m].satisfaction;
                firms = (firms & ~(0xFFu << (8 * j))) | (std::uint32_t{settled[m].firm} << (8 * j));
            }
            s = _mm256_load_pd(lanes.data());
            const __m256i stay64 = _mm256_set1_epi64x(stay);
            const __m128i stay32 = _mm_set1_epi32(static_cast<int>(stay));
            _mm256_maskstore_pd(q.satisfaction + i,
                                _mm256_cmpeq_epi64(_mm256_and_si256(stay64, lane_bit64), lane_bit64), s);
            _mm_maskstore_epi32(reinterpret_cast<int*>(q.stories + i),
                                _mm_cmpeq_epi32(_mm_and_si128(stay32, lane_bit32), lane_bit32), _mm_setzero_si128());
        } else {
            _mm256_storeu_pd(q.satisfaction + i, s);
            _mm_storeu_si128(stories, _mm_setzero_si128());
        }
        const __m256i f = _mm256_cvtepu8_epi64(_mm_cvtsi32_si128(static_cast<int>(firms)));
        const __m256i is0 = _mm256_cmpeq_epi64(f, _mm256_setzero_si256());
        const __m256i is1 = _mm256_cmpeq_epi64(f, firm1);
        sum0 = _mm256_add_pd(sum0, _mm256_and_pd(s, _mm256_castsi256_pd(is0)));
        sum1 = _mm256_add_pd(sum1, _mm256_and_pd(s, _mm256_castsi256_pd(is1)));
        const auto at0 = static_cast<std::uint32_t>(_mm256_movemask_pd(_mm256_castsi256_pd(is0)));
        const auto at1 = static_cast<std::uint32_t>(_mm256_movemask_pd(_mm256_castsi256_pd(is1)));
        const auto promoters =
            static_cast<std::uint32_t>(_mm256_movemask_pd(_mm256_cmp_pd(s, promoter_from, _CMP_GE_OQ)));
        const auto detractors =
            static_cast<std::uint32_t>(_mm256_movemask_pd(_mm256_cmp_pd(s, detractor_below, _CMP_LT_OQ)));
        counts.customers[0] += std::popcount(at0);
        counts.customers[1] += std::popcount(at1);
        counts.promoters[0] += std::popcount(promoters & at0);
        counts.promoters[1] += std::popcount(promoters & at1);
        counts.detractors[0] += std::popcount(detractors & at0);
        counts.detractors[1] += std::popcount(detractors & at1);
    }
    _mm256_storeu_pd(counts.satisfaction[0].data(), sum0);
    _mm256_storeu_pd(counts.satisfaction[1].data(), sum1);
    settle_scalar(q, i, end, movers.subspan(m), settled.subspan(m), counts);  // the population's last few
}

// list_movers 32 people at a time; returns where it stopped.
__attribute__((target("avx2"))) std::uint32_t list_movers_avx2(const std::uint8_t* firm, const std::uint8_t* next_firm,
                                                               std::uint32_t begin, std::uint32_t end,
                                                               std::vector<std::uint32_t>& movers) {
    const __m256i none = _mm256_set1_epi8(static_cast<char>(kNoFirm));
    std::uint32_t i = begin;
    for (; i + 32 <= end; i += 32) {
        const __m256i before = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(firm + i));
        const __m256i after = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(next_firm + i));
        const __m256i stays = _mm256_andnot_si256(_mm256_cmpeq_epi8(before, none), _mm256_cmpeq_epi8(before, after));
        for (auto m = ~static_cast<std::uint32_t>(_mm256_movemask_epi8(stays)); m != 0; m &= m - 1)
            movers.push_back(i + static_cast<std::uint32_t>(std::countr_zero(m)));
    }
    return i;
}

#endif

}  // namespace

std::uint32_t decide_quiet_customers(const QuietDecision& q, std::uint32_t b, std::uint32_t n, const sim::Block4* draws,
                                     std::uint16_t* eventful, QuietCounts& counts, LaneSums& revenue) {
#if defined(__x86_64__)
    // The vector loop knows RM-1's drift shapes, (1 - s) and (1 - s)^2, and
    // needs groups of four to start on lane 0.
    const double convexity = q.switching.convexity;
    if (sim::avx2_loops() && b % kLanes == 0 && (convexity == 1.0 || convexity == 2.0))
        return decide_avx2(q, b, n, draws, eventful, counts, revenue);
#endif
    return decide_scalar(q, b, n, draws, eventful, counts, revenue);
}

void list_movers(const std::uint8_t* firm, const std::uint8_t* next_firm, std::uint32_t begin, std::uint32_t end,
                 std::vector<std::uint32_t>& movers) {
    std::uint32_t i = begin;
#if defined(__x86_64__)
    if (sim::avx2_loops()) i = list_movers_avx2(firm, next_firm, begin, end, movers);
#endif
    for (; i < end; ++i)
        if (firm[i] != next_firm[i] || firm[i] == kNoFirm) movers.push_back(i);
}

void settle_stayers(const QuietSettlement& q, std::uint32_t begin, std::uint32_t end,
                    std::span<const std::uint32_t> movers, std::span<const Settled> settled, SettledCounts& counts) {
#if defined(__x86_64__)
    if (sim::avx2_loops() && begin % kLanes == 0) return settle_avx2(q, begin, end, movers, settled, counts);
#endif
    settle_scalar(q, begin, end, movers, settled, counts);
}

}  // namespace models
