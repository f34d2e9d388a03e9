#pragma once
// Switching (seed 000, "전환 예방관리"): after a failure a customer leaves with
// the probability of not buying again (1 - repurchase intention); with good
// service they still drift away at a hazard that falls with satisfaction.
// A switcher joins a competitor, starting over at a fixed satisfaction.
#include <cstdint>

namespace models {

struct SwitchingHazard {
    double drift_hazard = 0.02;               // per tick, multiplied by (1 - satisfaction)
    double satisfaction_after_switch = 0.60;  // a new customer's starting satisfaction

    double drift(double satisfaction) const { return drift_hazard * (1.0 - satisfaction); }
    static double after_failure(double repurchase) { return 1.0 - repurchase; }

    // The competitor a switcher joins: with two firms the other one; with
    // more, one of the others chosen uniformly by one 32-bit draw.
    static std::uint8_t competitor(std::uint8_t from, std::uint32_t firms, std::uint32_t u) {
        if (firms == 2) return static_cast<std::uint8_t>(1 - from);
        const auto pick = static_cast<std::uint32_t>((static_cast<std::uint64_t>(u) * (firms - 1)) >> 32);
        return static_cast<std::uint8_t>(pick >= from ? pick + 1 : pick);
    }
};

}  // namespace models
