#pragma once
// Complaints (seed 000, "불평관리"): a customer who met a failure complains with
// a probability that depends on how bad it was. Non-complainers stay silent
// and still react (their outcome is Outcome::Silent). Customers differ in
// their propensity to complain (CustomerTraits).
#include "models/mechanisms/ServiceOutcome.hpp"
#include "sim/random/CounterStream.hpp"

namespace models {

struct ComplaintParams {
    double minor = 0.30;  // P(complain | minor failure)
    double major = 0.50;  // P(complain | major failure)
};

struct ComplaintBehaviour {
    bool enabled = true;
    ComplaintParams probability;

    // `propensity`: the customer's trait, multiplying the probability (capped at 1).
    bool complains(Severity severity, std::uint32_t u, double propensity = 1.0) const {
        if (!enabled) return false;
        const double p = severity == Severity::Major ? probability.major : probability.minor;
        return sim::bernoulli(u, p * propensity);
    }
};

}  // namespace models
