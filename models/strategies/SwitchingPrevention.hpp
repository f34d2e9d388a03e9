#pragma once
// Switching prevention (seed 000, "전환 예방관리"): the firm scores each
// customer's churn risk from what it can observe, and makes an offer to
// those at risk. What it observes (seed 002): recency (ticks since the last
// purchase), the failures the customer met with it, and a satisfaction survey
// answered with noise; `survey_noise` is the firm's data quality (0: it knows
// satisfaction exactly). The score is
//   risk = recency_weight * recency + failure_weight * failures
//        + satisfaction_weight * (1 - surveyed satisfaction),
// and customers at or above `threshold` get an offer. An offer costs
// `offer_cost`; it works with `success`, and then lowers this tick's chance of
// leaving by `hazard_cut` and raises satisfaction by `satisfaction_gain`.
#include "models/strategies/StrategyTraits.hpp"

#include <algorithm>
#include <cstdint>

namespace models {

struct SwitchingPrevention {
    static constexpr StrategyTraits kTraits{"prevention", true, true};  // scores every customer every tick
    bool active() const { return enabled; }

    bool enabled = false;
    double recency_weight = 0.0;
    double failure_weight = 0.2;
    double satisfaction_weight = 1.0;
    double survey_noise = 0.1;  // sd of the survey's error (uniform), in satisfaction units
    double threshold = 0.6;
    double offer_cost = 10.0;
    double success = 0.5;
    double hazard_cut = 0.8;
    double satisfaction_gain = 0.05;

    // `u` uniform in [0, 1): the survey's error is uniform with sd survey_noise.
    double risk(std::uint32_t recency, std::uint32_t failures, double satisfaction, double u) const {
        const double surveyed = std::clamp(satisfaction + survey_noise * 3.4641016151377544 * (u - 0.5), 0.0, 1.0);
        return recency_weight * recency + failure_weight * failures + satisfaction_weight * (1.0 - surveyed);
    }
};

}  // namespace models
