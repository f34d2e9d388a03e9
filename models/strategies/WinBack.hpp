#pragma once
// Win-back and activation (seed 001, database-marketing strategies): the firm
// contacts its lapsed former customers within `window` ticks of their leaving
// the market, and its dormant customers, with an offer. A contact costs
// `contact_cost`; it works with `success` (lapsed) or `activation_success`
// (dormant). A won-back customer starts again at `satisfaction`.
// Cross-selling: each tick a share `cross_sell_reach` of the firm's active
// customers gets an offer of another product (`cross_sell_cost` each); it
// works with `cross_sell_success` and raises the customer's spend level by
// `cross_sell_lift` from the next tick on.
#include "models/strategies/StrategyTraits.hpp"

#include <cstdint>

namespace models {

struct WinBack {
    static constexpr StrategyTraits kTraits{"win_back", true, true};  // dormant and cross-sell contacts, any tick
    bool active() const { return enabled; }

    bool enabled = false;
    std::uint32_t window = 26;         // ticks after leaving in which lapsed customers are contacted
    double success = 0.05;             // per contact and tick
    double activation_success = 0.05;  // dormant customers brought back to buying, per contact and tick
    double contact_cost = 2.0;
    double satisfaction = 0.65;     // a won-back customer's starting satisfaction
    double cross_sell_reach = 0.0;  // share of active customers offered another product per tick
    double cross_sell_success = 0.1;
    double cross_sell_lift = 0.2;  // relative rise of the spend level
    double cross_sell_cost = 1.0;  // per offer
};

}  // namespace models
