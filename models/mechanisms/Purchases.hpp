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

#include <array>
#include <cmath>
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

// Poisson(mean) by inversion of one 32-bit uniform: exact to the draw's
// resolution for the small means a tick sees. Above kInversionLimit the
// caller uses Boost's sampler instead (inversion would need many terms).
inline constexpr double kInversionLimit = 30.0;

inline constexpr auto kReciprocals = [] {
    std::array<double, 64> r{};
    for (std::size_t k = 1; k < r.size(); ++k) r[k] = 1.0 / static_cast<double>(k);
    return r;
}();

// `p0` = exp(-mean), when the caller has it already.
inline std::uint32_t poisson_by_inversion(double mean, double p0, std::uint32_t u) {
    const double x = sim::to_unit(u);
    double term = p0;
    double cumulative = term;
    std::uint32_t k = 0;
    while (x >= cumulative && k < 1000) {
        ++k;
        // A multiplication by 1/k, not a division: the loop's latency is the cost.
        term *= mean * (k < kReciprocals.size() ? kReciprocals[k] : 1.0 / k);
        cumulative += term;
        if (term < 1e-300) break;
    }
    return k;
}

inline std::uint32_t poisson_by_inversion(double mean, std::uint32_t u) {
    return poisson_by_inversion(mean, std::exp(-mean), u);
}

}  // namespace models
