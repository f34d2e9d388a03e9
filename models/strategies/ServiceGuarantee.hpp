#pragma once
// An unconditional service guarantee (Hart 1988, "The power of
// unconditional service guarantees", Harvard Business Review 66(4)): the
// firm promises a refund whenever its service fails, and pays it after every
// failure, whether or not the customer complains. The promise kept lifts the
// customer's repurchase intention after the failure by `repurchase_lift`
// (capped at 1), which raises their satisfaction after it and lowers their
// chance of leaving; every refund costs `refund` (the guarantee_cost
// column; guaranteed_failures counts them). Hart's other effects (a firm
// that must fix what fails, learning from the refunds it pays) are left out.
// Every failure is refunded: customers who would not claim are not modelled.
#include "models/strategies/StrategyTraits.hpp"

#include <algorithm>

namespace models {

struct ServiceGuarantee {
    // Acts only after a failure, which the quiet-tick fast paths never handle.
    static constexpr StrategyTraits kTraits{"service_guarantee", true, false};
    bool active() const { return enabled; }

    bool enabled = false;
    double refund = 10.0;           // currency units paid per failure
    double repurchase_lift = 0.10;  // added to the repurchase intention after a failure

    // A failure of the firm's service: the refund is charged to `tally`
    // (any type with guarantee_cost and guaranteed_failures, e.g.
    // models::FirmTally) and the repurchase intention after the failure
    // (after complaint recovery) is returned lifted.
    template <class Tally>
    double after_failure(double repurchase, Tally& tally) const {
        if (!enabled) return repurchase;
        tally.guarantee_cost += refund;
        ++tally.guaranteed_failures;
        return std::min(1.0, repurchase + repurchase_lift);
    }
};

}  // namespace models
