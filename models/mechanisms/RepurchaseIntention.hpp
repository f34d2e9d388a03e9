#pragma once
// The TARP repurchase table: the share of customers who would buy again
// after a failure, by how their complaint ended and how bad the failure was.
// Defaults are TARP, "Consumer Complaint Handling in America" (1986 update),
// the calibration target named in DESIGN.md 1.5.
#include "models/mechanisms/ServiceOutcome.hpp"

#include <array>

namespace models {

struct RepurchaseByOutcome {
    double minor;
    double major;
};

struct RepurchaseIntention {
    RepurchaseByOutcome silent{0.37, 0.09};
    RepurchaseByOutcome unresolved{0.46, 0.19};
    RepurchaseByOutcome resolved{0.70, 0.54};
    RepurchaseByOutcome resolved_quickly{0.95, 0.82};

    double after(Outcome o, Severity s) const {
        const RepurchaseByOutcome& row = o == Outcome::Silent       ? silent
                                         : o == Outcome::Unresolved ? unresolved
                                         : o == Outcome::Resolved   ? resolved
                                                                    : resolved_quickly;
        return s == Severity::Major ? row.major : row.minor;
    }
};

}  // namespace models
