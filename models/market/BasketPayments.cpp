#include "models/market/BasketPayments.hpp"

#include "sim/simd/Dispatch.hpp"

namespace models {

void pay_for_baskets(const BatchPayments& p, std::uint32_t b, std::uint32_t n, PaymentSums& sums) {
    // Groups of four or eight start on tally lane 0.
    if (b % 4 != 0) return pay_for_baskets_on<sim::Isa::Scalar>(p, b, n, sums);
    sim::dispatch_built([&]<sim::Isa I>() { pay_for_baskets_on<I>(p, b, n, sums); });
}

}  // namespace models
