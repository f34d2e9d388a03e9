#pragma once
// Customer traits (DESIGN 1, "Customers"): drawn once per customer, fixed for
// the run. Each trait is a distribution; a constant one costs no memory.
// Multiplicative traits have mean 1 so that switching heterogeneity on
// leaves the population averages where they were.
#include "sim/random/Distribution.hpp"

namespace models {

struct CustomerTraits {
    sim::Distribution cost_to_serve{sim::DistributionKind::Constant, 0.0};         // currency units per tick
    sim::Distribution complaint_propensity{sim::DistributionKind::Constant, 1.0};  // x P(complain)
    sim::Distribution talkativeness{sim::DistributionKind::Constant, 1.0};         // x story reach
    sim::Distribution price_sensitivity{sim::DistributionKind::Constant, 1.0};     // logit price weight
    double draining_share = 0.0;  // share of "problem customers" who are emotionally draining
    double violator_share = 0.0;  // share who violate the firm's core values
};

// Bits of CustomerState::flags.
enum CustomerFlag : std::uint8_t {
    kDraining = 1,
    kViolator = 2,
};

}  // namespace models
