#include "models/market/PurchaseCounts.hpp"

#include "sim/simd/Dispatch.hpp"

namespace models {

void count_purchases(const float* rate, const float* p0, const std::uint32_t* u, std::uint32_t n,
                     std::uint32_t* counts) {
    sim::dispatch_built([&]<sim::Isa I>() { count_purchases_on<I>(rate, p0, u, n, counts); });
}

}  // namespace models
