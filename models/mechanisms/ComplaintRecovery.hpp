#pragma once
// Recovery (seed 000, "회복관리"): each complaint ends resolved quickly,
// resolved (not quickly) or unresolved, by the firm's recovery settings, and
// each resolution costs the firm.
#include "models/mechanisms/ServiceOutcome.hpp"
#include "sim/random/CounterStream.hpp"

namespace models {

struct RecoveryParams {
    double quick = 0.50;       // P(resolved quickly | complaint)
    double slow = 0.30;        // P(resolved, not quickly | complaint); quick + slow <= 1
    double cost_quick = 20.0;  // currency units per quick resolution
    double cost_slow = 10.0;   // currency units per slow resolution
};

struct ComplaintRecovery {
    Outcome outcome(const RecoveryParams& firm, std::uint32_t u) const {
        const double x = sim::to_unit(u);
        if (x < firm.quick) return Outcome::ResolvedQuickly;
        if (x < firm.quick + firm.slow) return Outcome::Resolved;
        return Outcome::Unresolved;
    }

    static double cost(const RecoveryParams& firm, Outcome o) {
        if (o == Outcome::ResolvedQuickly) return firm.cost_quick;
        if (o == Outcome::Resolved) return firm.cost_slow;
        return 0.0;
    }
};

}  // namespace models
