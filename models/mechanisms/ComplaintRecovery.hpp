#pragma once
// Recovery (seed 000, "회복관리"): each complaint ends resolved quickly,
// resolved (not quickly) or unresolved, by the firm's recovery settings, and
// each resolution costs the firm. The firm's complaint handling sets how
// easy complaining is, how many complaints it resolves quickly per tick,
// what each case costs, and what compensation it pays (and how much that
// restores the customer's intention to buy again).
#include "models/mechanisms/ServiceOutcome.hpp"
#include "sim/random/CounterStream.hpp"

#include <cstdint>

namespace models {

struct RecoveryParams {
    double quick = 0.50;       // P(resolved quickly | complaint)
    double slow = 0.30;        // P(resolved, not quickly | complaint); quick + slow <= 1
    double cost_quick = 20.0;  // currency units per quick resolution
    double cost_slow = 10.0;   // currency units per slow resolution
    // Complaint handling (seed 000, "불평관리"), the firm's strategy:
    double channel_ease = 1.0;       // multiplies every customer's probability of complaining
    std::uint32_t capacity = 0;      // quick resolutions per tick at most (0: unlimited)
    double cost_per_case = 0.0;      // handling cost of every complaint, whatever its outcome
    double compensation = 0.0;       // paid with every resolved complaint (currency units)
    double compensation_lift = 0.0;  // share of the gap to full repurchase intention it closes
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

    static bool resolved(Outcome o) { return o == Outcome::Resolved || o == Outcome::ResolvedQuickly; }
    static double compensation(const RecoveryParams& firm, Outcome o) { return resolved(o) ? firm.compensation : 0.0; }
    // Repurchase intention after a resolved complaint with compensation.
    static double lifted(const RecoveryParams& firm, Outcome o, double repurchase) {
        return resolved(o) && firm.compensation_lift > 0.0 ? repurchase + firm.compensation_lift * (1.0 - repurchase)
                                                           : repurchase;
    }
};

}  // namespace models
