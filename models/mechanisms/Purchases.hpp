#pragma once
// Purchases (DESIGN 1.2). By default every customer buys once per tick at
// their spend level (RM-1). Otherwise purchases arrive as a Poisson process
// at the customer's own rate (gamma-distributed across customers: the NBD),
// optionally with a dropout process after which the customer buys no more:
//   - Pareto/NBD (Schmittlein, Morrison & Colombo 1987): a lifetime that ends
//     at an exponential time with the customer's own (gamma) rate;
//   - BG/NBD (Fader, Hardie & Lee 2005): after each purchase the customer
//     drops out with the customer's own (beta) probability.
// Both are simulated exactly at tick boundaries, so a run's transaction log
// can be checked against their closed forms.
#include "sim/random/CounterStream.hpp"
#include "sim/random/Distribution.hpp"
#include "sim/random/PoissonInversion.hpp"

#include <cstdint>

namespace models {

enum class PurchaseProcess : std::uint8_t { EveryTick, Poisson, ParetoNbd, BgNbd };

struct Purchases {
    PurchaseProcess process = PurchaseProcess::EveryTick;
    // Purchases per tick while active (Poisson processes); gamma across customers gives the NBD.
    sim::Distribution rate{sim::DistributionKind::Constant, 1.0};
    // Pareto/NBD: dropout rate per tick; BG/NBD: dropout probability after a purchase.
    sim::Distribution dropout{sim::DistributionKind::Constant, 0.0};
    // 0: each purchase is worth the customer's spend level; > 0: each is
    // Gamma(amount_shape, level / amount_shape), the gamma-gamma spend model.
    double amount_shape = 0.0;

    bool every_tick() const { return process == PurchaseProcess::EveryTick; }
};

// A tick's Poisson count at a mean up to kInversionLimit is drawn by
// inversion of the customer's purchase word (sim::poisson_by_inversion:
// cheap, from a block the tick draws anyway); above it, inversion would need
// many terms, and the count comes from Boost's sampler on its own stream
// (kPurchaseCount). The limit decides which draws make a count, so changing
// it changes results.
inline constexpr double kInversionLimit = 30.0;

// The count at `mean` from the purchase word `u`, or sim::kNotCounted above
// kInversionLimit (the caller then draws it). A batch of counts is made with
// the same limit (sim::count_poisson_by_inversion).
inline std::uint32_t count_by_inversion(double mean, std::uint32_t u) {
    return mean <= kInversionLimit ? sim::poisson_by_inversion(mean, u) : sim::kNotCounted;
}

}  // namespace models
