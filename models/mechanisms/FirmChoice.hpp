#pragma once
// How a customer chooses a firm (DESIGN 1.9): a multinomial logit on each
// firm's perceived utility, attractiveness - price_sensitivity * price. Used
// by prospects choosing their first firm and by switchers choosing among the
// competitors of the firm they leave. Stories the chooser heard about a firm
// last tick (net: positive minus negative) add WordOfMouth::choice_effect
// each to its utility.
#include "sim/random/CounterStream.hpp"

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace models {

struct FirmAppeal {
    double attractiveness = 0.0;  // utility units
    double price = 1.0;           // relative price index
};

// What the chooser heard about each firm (empty: nothing counted).
struct StoriesHeard {
    std::span<const std::int16_t> net;  // per firm
    double weight = 0.0;                // utility per story
};

// Picks among `firms` (all of them, or all but `excluded`) by one uniform
// draw. With equal utilities this is a uniform pick.
inline std::uint8_t choose_firm(const std::vector<FirmAppeal>& firms, double price_sensitivity, std::uint32_t u,
                                int excluded = -1, const StoriesHeard& heard = {}) {
    double weights[256];
    double total = 0.0;
    double best = -1e300;
    const auto utility = [&](std::size_t f) {
        const double own = firms[f].attractiveness - price_sensitivity * firms[f].price;
        return heard.net.empty() ? own : own + heard.weight * heard.net[f];
    };
    for (std::size_t f = 0; f < firms.size(); ++f)
        if (static_cast<int>(f) != excluded) best = std::max(best, utility(f));
    for (std::size_t f = 0; f < firms.size(); ++f) {
        // Utilities relative to the best keep exp() in range. The best's
        // weight is exp(0) = 1 exactly, without the call.
        const double relative = utility(f) - best;
        weights[f] = static_cast<int>(f) == excluded ? 0.0 : relative == 0.0 ? 1.0 : std::exp(relative);
        total += weights[f];
    }
    const double target = sim::to_unit(u) * total;
    double cumulative = 0.0;
    std::size_t last = 0;
    for (std::size_t f = 0; f < firms.size(); ++f) {
        if (weights[f] == 0.0) continue;
        last = f;
        cumulative += weights[f];
        if (target < cumulative) return static_cast<std::uint8_t>(f);
    }
    return static_cast<std::uint8_t>(last);
}

}  // namespace models
