#pragma once
// A batch of Poisson counts by inversion (poisson_by_inversion,
// PoissonInversion.hpp), one per rate, made before the batch's other work.
// One at a time, the inversion loop ends at a different count for nearly
// every rate, and the processor mispredicts its exit about once each; four
// at a time (AVX2, where the processor has it: sim::avx2_loops; eight with
// AVX-512: sim::avx512_loops) it runs as long as the longest of them. Each
// lane computes exactly what the scalar loop does (the same operations in
// the same order, no fused multiply-add), so the counts are the same bit for
// bit (tests/unit/test_poisson_batch.cpp).
#include "sim/random/PoissonInversion.hpp"

#include <cstdint>

namespace sim {

// counts[k] = poisson_by_inversion(rate[k], p0[k], u[k]) for k < n where
// rate[k] <= limit, and kNotCounted where it is above: the caller draws
// those counts with its own sampler. The rates and chances of zero
// (p0 = exp(-rate)) come in float, as a population stores them, and are
// computed with in double.
void count_poisson_by_inversion(const float* rate, const float* p0, const std::uint32_t* u, std::uint32_t n,
                                double limit, std::uint32_t* counts);

}  // namespace sim
