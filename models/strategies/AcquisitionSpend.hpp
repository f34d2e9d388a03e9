#pragma once
// Acquisition spend and referral rewards: a firm's marketing budget per tick
// raises its appeal to prospects choosing a firm (utility `lift` per 1,000
// currency units spent), and a reward is paid for every customer won through
// word of mouth.
#include "models/strategies/StrategyTraits.hpp"

namespace models {

struct AcquisitionSpend {
    // Acts through the firms' appeal to prospects and the pull of better
    // competitors (constants of the market, which every path reads) and on
    // acquisitions (eventful): not on customers while they decide.
    static constexpr StrategyTraits kTraits{"acquisition", false, false};
    bool active() const { return marketing_per_tick > 0.0 || referral_reward > 0.0; }

    double marketing_per_tick = 0.0;  // currency units per tick
    double lift_per_1000 = 0.0;       // utility added per 1,000 spent, in prospects' firm choice
    double referral_reward = 0.0;     // paid per customer acquired through word of mouth

    double appeal() const { return lift_per_1000 * marketing_per_tick / 1000.0; }
};

}  // namespace models
