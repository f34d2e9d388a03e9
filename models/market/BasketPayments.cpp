#include "models/market/BasketPayments.hpp"

#include "models/market/CustomerStatus.hpp"
#include "sim/util/AskAhead.hpp"
#include "sim/util/Avx2Loops.hpp"

#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace models {
namespace {

// Customer b + k, one at a time.
inline void pay_one(const BatchPayments& p, std::uint32_t b, std::uint32_t k, PaymentSums& sums) {
    const CustomerColumns& c = p.c;
    const std::uint32_t i = b + k;
    const std::uint8_t f = c.firm[i];
    if (!takes_basket(f, c.status[i])) return;
    if (p.charge_cost) sums.service_cost[f][i % 4] += p.cost_to_serve ? p.cost_to_serve[i] : p.shared_cost;
    sums.revenue[f][i % 4] += p.amount[k];
    sums.purchases[f] += p.bought[k];
    // Without a branch: whether a customer bought is a coin toss.
    const bool any = p.bought[k] > 0;
    c.purchases[i] += p.bought[k];
    c.monetary[i] = any ? c.monetary[i] + static_cast<float>(p.amount[k]) : c.monetary[i];
    c.last_purchase[i] = any ? p.tick + 1 : c.last_purchase[i];
}

void pay_scalar(const BatchPayments& p, std::uint32_t b, std::uint32_t begin, std::uint32_t n, PaymentSums& sums) {
    for (std::uint32_t k = begin; k < n; ++k) pay_one(p, b, k, sums);
}

#if defined(__x86_64__)

// The RFM counters and the cost to serve, asked for 256 customers early
// (sim::ask_ahead): the hardware prefetcher does not keep up with every
// column a batch streams through, and this took 1 % off the decide phase
// (alternating ticks in one run).
inline void ask_for_paying(const BatchPayments& p, std::uint32_t i) {
    constexpr std::size_t kAhead = 256;
    sim::ask_ahead<true>(p.c.purchases, i + kAhead);
    sim::ask_ahead<true>(p.c.monetary, i + kAhead);
    sim::ask_ahead<true>(p.c.last_purchase, i + kAhead);
    if (p.cost_to_serve) sim::ask_ahead(p.cost_to_serve, i + kAhead);
}

// Four customers at a time, lane j being customer b + k + j and tally lane
// j. The same operations in the same order as pay_one, lane by lane.
__attribute__((target("avx2"))) void pay_avx2(const BatchPayments& p, std::uint32_t b, std::uint32_t n,
                                              PaymentSums& sums) {
    const CustomerColumns& c = p.c;
    const __m256i none = _mm256_set1_epi64x(kNoFirm);
    const __m256i dormant = _mm256_set1_epi64x(static_cast<std::uint8_t>(CustomerStatus::Dormant));
    const __m256d shared_cost = _mm256_set1_pd(p.shared_cost);
    const __m128i paid_up_to = _mm_set1_epi32(static_cast<int>(p.tick + 1));
    __m256d revenue[4], cost[4];
    __m256i purchases[4];
    for (std::size_t f = 0; f < 4; ++f) {
        revenue[f] = _mm256_loadu_pd(sums.revenue[f].data());
        cost[f] = _mm256_loadu_pd(sums.service_cost[f].data());
        purchases[f] = _mm256_setzero_si256();
    }
    std::uint32_t k = 0;
    for (; k + 4 <= n; k += 4) {
        if (k % 16 == 0) ask_for_paying(p, b + k);
        const std::uint32_t i = b + k;
        std::uint32_t firms, statuses;
        std::memcpy(&firms, c.firm + i, sizeof firms);
        std::memcpy(&statuses, c.status + i, sizeof statuses);
        const __m256i firm = _mm256_cvtepu8_epi64(_mm_cvtsi32_si128(static_cast<int>(firms)));
        const __m256i status = _mm256_cvtepu8_epi64(_mm_cvtsi32_si128(static_cast<int>(statuses)));
        const __m256i skips = _mm256_or_si256(_mm256_cmpeq_epi64(firm, none), _mm256_cmpeq_epi64(status, dormant));
        const __m256d amount = _mm256_loadu_pd(p.amount + k);
        const __m128i bought = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p.bought + k));
        const __m256i bought64 = _mm256_cvtepu32_epi64(bought);
        const __m256d served = p.cost_to_serve ? _mm256_cvtps_pd(_mm_loadu_ps(p.cost_to_serve + i)) : shared_cost;
        for (std::size_t f = 0; f < p.firm_count; ++f) {
            const __m256i at_f =
                _mm256_andnot_si256(skips, _mm256_cmpeq_epi64(firm, _mm256_set1_epi64x(static_cast<std::int64_t>(f))));
            if (p.charge_cost) cost[f] = _mm256_add_pd(cost[f], _mm256_and_pd(served, _mm256_castsi256_pd(at_f)));
            revenue[f] = _mm256_add_pd(revenue[f], _mm256_and_pd(amount, _mm256_castsi256_pd(at_f)));
            purchases[f] = _mm256_add_epi64(purchases[f], _mm256_and_si256(bought64, at_f));
        }
        // Anyone who takes no basket bought nothing: their counters stay.
        auto* frequency = reinterpret_cast<__m128i*>(c.purchases + i);
        _mm_storeu_si128(frequency, _mm_add_epi32(_mm_loadu_si128(frequency), bought));
        const __m128i any = _mm_cmpgt_epi32(bought, _mm_setzero_si128());  // counts are below 2^31
        const __m128 monetary = _mm_loadu_ps(c.monetary + i);
        _mm_storeu_ps(c.monetary + i,
                      _mm_blendv_ps(monetary, _mm_add_ps(monetary, _mm256_cvtpd_ps(amount)), _mm_castsi128_ps(any)));
        auto* last = reinterpret_cast<__m128i*>(c.last_purchase + i);
        _mm_storeu_si128(last, _mm_blendv_epi8(_mm_loadu_si128(last), paid_up_to, any));
    }
    for (std::size_t f = 0; f < 4; ++f) {
        _mm256_storeu_pd(sums.revenue[f].data(), revenue[f]);
        _mm256_storeu_pd(sums.service_cost[f].data(), cost[f]);
        alignas(32) std::array<std::int64_t, 4> lanes;
        _mm256_store_si256(reinterpret_cast<__m256i*>(lanes.data()), purchases[f]);
        sums.purchases[f] += lanes[0] + lanes[1] + lanes[2] + lanes[3];
    }
    pay_scalar(p, b, k, n, sums);  // the population's last few
}

#endif

}  // namespace

void pay_for_baskets(const BatchPayments& p, std::uint32_t b, std::uint32_t n, PaymentSums& sums) {
#if defined(__x86_64__)
    if (sim::avx2_loops() && b % 4 == 0) return pay_avx2(p, b, n, sums);
#endif
    pay_scalar(p, b, 0, n, sums);
}

}  // namespace models
