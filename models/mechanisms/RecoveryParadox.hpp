#pragma once
// The service-recovery paradox (DESIGN 1.5): a customer whose failure was
// recovered excellently ends more satisfied, and more loyal, than one who
// had no failure. The literature finds it only under conditions (Magnini et
// al. 2007; Maxham & Netemeyer 2002: after one failure, not after two), so it
// applies only when they hold: by default the customer's first failure, a
// minor one, resolved quickly. A paradox customer is then treated as having
// had good service plus a satisfaction bonus (never less satisfied than the
// recovery alone would leave them), and leaves only at the drift hazard.
#include "models/mechanisms/ServiceOutcome.hpp"

#include <cstdint>

namespace models {

struct RecoveryParadox {
    bool enabled = false;
    double satisfaction_bonus = 0.10;  // above what good service would have given
    bool first_failure_only = true;
    bool minor_only = true;

    bool applies(std::uint32_t earlier_failures, Severity severity, Outcome outcome) const {
        return enabled && outcome == Outcome::ResolvedQuickly && (!first_failure_only || earlier_failures == 0) &&
               (!minor_only || severity == Severity::Minor);
    }
};

}  // namespace models
