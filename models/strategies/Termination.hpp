#pragma once
// Ending relationships (seed 000, "관계해지관리"): a firm may end its
// relationship with customers who are unprofitable (average margin per tick
// minus their cost to serve below `min_profit` after `window` ticks with the
// firm), emotionally draining, or who violate its core values. Either it ends
// the relationship outright (the customer goes to a competitor, or out of the
// market, and may tell others about it) or it limits it: a price markup
// and a lower service level (cost to serve cut, more failures).
#include "models/strategies/StrategyTraits.hpp"

#include <cstdint>

namespace models {

enum class TerminationAction : std::uint8_t { End, Limit };

struct Termination {
    static constexpr StrategyTraits kTraits{"termination", true, true};  // selects by profit, any tick
    bool active() const { return enabled; }

    bool enabled = false;
    bool unprofitable = true;  // select by profit
    bool draining = false;     // select the emotionally draining
    bool violators = false;    // select core-value violators
    double min_profit = 0.0;   // currency units per tick
    std::uint32_t window = 8;  // ticks with the firm before profit is judged
    TerminationAction action = TerminationAction::End;
    double negative_word_of_mouth = 0.5;  // End: P(the ended customer tells negative stories)
    double cost_per_termination = 5.0;    // End: handling cost of one termination
    double price_markup = 0.2;            // Limit: extra revenue share from limited customers
    double service_cut = 0.5;             // Limit: share of the cost to serve saved
    double failure_increase = 0.5;        // Limit: relative increase of the failure rate

    bool selects(double average_profit, std::uint32_t tenure, bool is_draining, bool is_violator) const {
        if (!enabled) return false;
        if (draining && is_draining) return true;
        if (violators && is_violator) return true;
        return unprofitable && tenure >= window && average_profit < min_profit;
    }
};

}  // namespace models
