#pragma once
// A batch of customers' Poisson purchase counts, by the inversion of
// poisson_by_inversion (Purchases.hpp), made before the batch is decided.
// One at a time, the inversion loop ends at a different count for nearly
// every customer, and the processor mispredicts its exit about once each;
// four at a time (AVX2, where the processor has it: sim::avx2_loops; eight
// with AVX-512: sim::avx512_loops) it runs as long as the longest of them. Each lane computes exactly what the scalar
// loop does (the same operations in the same order, no fused multiply-add), so the counts are the same bit for bit
// (tests/unit/test_purchase_counts.cpp).
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

}  // namespace models
