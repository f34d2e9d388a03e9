#pragma once
// Service encounters and failures (DESIGN 1.3): each tick a customer meets
// its firm's service, which fails with the firm's failure rate; a failure is
// major with the firm's major share, otherwise minor.
#include "models/mechanisms/ServiceOutcome.hpp"
#include "sim/random/CounterStream.hpp"

namespace models {

struct ServiceFailureParams {
    double failure_rate = 0.10;  // probability per customer per tick
    double major_share = 0.30;   // probability that a failure is major
};

struct ServiceFailure {
    bool enabled = true;

    Severity draw(const ServiceFailureParams& firm, std::uint32_t u_fail, std::uint32_t u_major) const {
        if (!enabled || !sim::bernoulli(u_fail, firm.failure_rate)) return Severity::None;
        return sim::bernoulli(u_major, firm.major_share) ? Severity::Major : Severity::Minor;
    }
};

}  // namespace models
