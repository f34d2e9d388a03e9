#pragma once
// Satisfaction after this tick's encounter (DESIGN 1.6), by one of two models:
//   - rm1: good service closes a fixed share of the gap to full
//     satisfaction; after a failure, satisfaction becomes the customer's
//     repurchase intention for their (outcome, severity) group (RM-1).
//   - disconfirmation: expectation-disconfirmation (Oliver 1980) with a
//     cumulative anchor (Bolton 1998). The encounter's perceived performance
//     is the firm's service quality after good service and the group's
//     repurchase intention after a failure; the transaction's satisfaction is
//     performance plus a share of (performance - expectation), and
//         S_t = anchor_weight * S_{t-1} + (1 - anchor_weight) * s_t;
//     expectations move a share of the way towards performance.
#include "sim/simd/Pack.hpp"

namespace models {

enum class SatisfactionModel : unsigned char { Rm1, Disconfirmation };

// Satisfaction and expectation of one customer (V = double) or of a pack
// of them (V = sim::Pack<double, W>).
template <class V>
struct SatisfactionStateOf {
    V satisfaction;
    V expectation;
};
using SatisfactionState = SatisfactionStateOf<double>;

// std::clamp(x, 0.0, 1.0), the same for every x (-0.0 included), without a
// branch (minsd, maxsd): whether stories push satisfaction past a bound
// varies from customer to customer, and a branch would often mispredict.
template <class V>
V clamp_unit(V x) {
    return sim::lanes::min(sim::lanes::max(x, V(0.0)), V(1.0));
}

struct SatisfactionUpdate {
    SatisfactionModel model = SatisfactionModel::Rm1;
    double good_service_gain = 0.05;       // rm1: share of (1 - s) gained per good tick
    double anchor_weight = 0.80;           // disconfirmation: weight of the previous satisfaction
    double disconfirmation_weight = 0.50;  // disconfirmation: effect of (performance - expectation)
    double expectation_adaptation = 0.10;  // disconfirmation: share of the gap expectations close per encounter
    double initial_expectation = 0.70;     // [0, 1]

    // Every formula here is written once over a lane type V (double: one
    // customer; sim::Pack: several), for every path and width.
    template <class V>
    V after_good_service(V s) const {
        return s + V(good_service_gain) * (V(1.0) - s);
    }
    static double after_failure(double repurchase) { return repurchase; }

    // Disconfirmation update for an encounter perceived at `performance`.
    template <class V>
    SatisfactionStateOf<V> after_encounter(SatisfactionStateOf<V> now, V performance) const {
        const V transaction = clamp_unit(performance + V(disconfirmation_weight) * (performance - now.expectation));
        return {V(anchor_weight) * now.satisfaction + V(1.0 - anchor_weight) * transaction,
                now.expectation + V(expectation_adaptation) * (performance - now.expectation)};
    }
};

}  // namespace models
