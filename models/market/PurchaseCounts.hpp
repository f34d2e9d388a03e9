#pragma once
// A batch of customers' Poisson purchase counts, by the inversion of
// poisson_by_inversion (Purchases.hpp), made before the batch is decided.
// Eight, four or one at a time, several vectors at once (sim::dispatch_built
// picks the target; PurchaseCountsLoops.cpp is compiled once for each), by
// the engine's sim::poisson_by_inversion, written once over lanes: the
// counts are the same bit for bit at every width
// (tests/unit/test_purchase_counts.cpp).
#include "sim/simd/Isa.hpp"

#include <cstdint>

namespace models {

// What count_purchases gives a customer whose rate is above
// kInversionLimit: the caller draws their count with its own sampler.
inline constexpr std::uint32_t kNotCounted = 0xFFFFFFFFu;

// counts[k] = poisson_by_inversion(rate[k], p0[k], u[k]) for k < n, or
// kNotCounted where rate[k] > kInversionLimit. The rates and chances of no
// purchase come as the population stores them, in float, and are computed
// with in double.
void count_purchases(const float* rate, const float* p0, const std::uint32_t* u, std::uint32_t n,
                     std::uint32_t* counts);

// The same for one target (an instance per target built: sim::built_isa).
template <sim::Isa I>
void count_purchases_on(const float* rate, const float* p0, const std::uint32_t* u, std::uint32_t n,
                        std::uint32_t* counts);

}  // namespace models
