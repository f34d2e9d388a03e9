#pragma once
// What a batch of customers pays for this tick's baskets, and their RFM
// counters: the last stage of taking the baskets when the lifecycle is
// decided in stages (Market::take_batch_baskets), for markets of at most four
// firms. Eight customers at a time (AVX-512), four (AVX2) or one, as
// sim::dispatch_built chooses: BasketPaymentsLoops.cpp, written once over a
// lane type, is compiled once per target.
//
// Bit for bit what Market::take_basket does for a firm that does not act:
// revenue and cost to serve are summed per tally lane (customer % 4) in
// customer order, and a customer who takes no basket (no firm, or dormant)
// adds +0.0, which leaves a sum unchanged (tested in
// tests/integration/test_lifecycle_stages.cpp).
#include "models/market/CustomerState.hpp"
#include "sim/simd/Isa.hpp"

#include <array>
#include <cstdint>

namespace models {

// Per firm (at most four) and tally lane.
struct PaymentSums {
    std::array<std::array<double, 4>, 4> revenue{};
    std::array<std::array<double, 4>, 4> service_cost{};
    std::array<std::int64_t, 4> purchases{};
};

// Customers b .. b + n - 1, b a multiple of 4 (offset k: customer b + k).
struct BatchPayments {
    const CustomerColumns& c;
    std::size_t firm_count;  // at most 4
    std::uint32_t tick;
    const std::uint32_t* bought;  // [k]: purchases (0 for anyone who takes no basket)
    const double* amount;         // [k]: what they cost (0.0 for anyone who bought nothing)
    const float* cost_to_serve;   // per customer; null: `shared_cost` for everyone
    float shared_cost;
    bool charge_cost;  // the firms charge their cost to serve
    bool counts_rfm;   // the RFM counters are stored (not when they follow from tenure: every-tick purchases)
};

// Adds the payments of customers b .. b + n - 1 who take a basket to
// `sums`, and counts their purchases with their firm (frequency, monetary
// value, last purchase).
void pay_for_baskets(const BatchPayments& p, std::uint32_t b, std::uint32_t n, PaymentSums& sums);

// The same for one target (an instance per target built: sim::built_isa).
template <sim::Isa I>
void pay_for_baskets_on(const BatchPayments& p, std::uint32_t b, std::uint32_t n, PaymentSums& sums);

}  // namespace models
