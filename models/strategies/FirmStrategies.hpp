#pragma once
// What a firm does for and about its customers besides its service and
// complaint handling (models/mechanisms/ComplaintRecovery.hpp): its policy.
// Every strategy is off (or costs nothing) unless configured; experiments
// compare policies as named bundles of these settings.
//
// A strategy joins by being a member here and listed in registered(): the
// market then finds it (acts_on_customers, acts_on_quiet_ticks) without
// any other list. A member left out of registered() breaks the build.
#include "models/strategies/AcquisitionSpend.hpp"
#include "models/strategies/LoyaltyProgramme.hpp"
#include "models/strategies/RelationshipTactics.hpp"
#include "models/strategies/ServiceGuarantee.hpp"
#include "models/strategies/SwitchingPrevention.hpp"
#include "models/strategies/Termination.hpp"
#include "models/strategies/WinBack.hpp"
#include "sim/util/AggregateFields.hpp"

#include <tuple>

namespace models {

struct FirmStrategies {
    LoyaltyProgramme loyalty;
    RelationshipTactics tactics;
    SwitchingPrevention prevention;
    Termination termination;
    WinBack win_back;
    AcquisitionSpend acquisition;
    ServiceGuarantee service_guarantee;

    // Every strategy, each once.
    auto registered() const {
        return std::tie(loyalty, tactics, prevention, termination, win_back, acquisition, service_guarantee);
    }
};

static_assert(sim::aggregate_fields<FirmStrategies>() ==
                  std::tuple_size_v<decltype(std::declval<const FirmStrategies&>().registered())>,
              "every member of FirmStrategies must be listed in FirmStrategies::registered()");

// Calls fn(strategy) for every registered strategy, in order.
template <class Fn>
void for_each_strategy(const FirmStrategies& s, Fn&& fn) {
    std::apply([&](const auto&... strategy) { (fn(strategy), ...); }, s.registered());
}

// The repurchase intention after a failure of the firm's service, as every
// strategy with an after_failure step changes it (each charging `tally`).
template <class Tally>
double after_failure(const FirmStrategies& s, double repurchase, Tally& tally) {
    for_each_strategy(s, [&](const auto& strategy) {
        if constexpr (requires { strategy.after_failure(repurchase, tally); })
            repurchase = strategy.after_failure(repurchase, tally);
    });
    return repurchase;
}

// Whether some active strategy acts on the firm's customers while they decide.
inline bool acts_on_customers(const FirmStrategies& s) {
    bool acts = false;
    for_each_strategy(
        s, [&](const auto& strategy) { acts = acts || (strategy.kTraits.acts_on_customers && strategy.active()); });
    return acts;
}

// Whether some active strategy acts on customers whose tick is quiet (no
// failure, no leaving): then no quiet-tick fast path may run for the firm.
inline bool acts_on_quiet_ticks(const FirmStrategies& s) {
    bool acts = false;
    for_each_strategy(
        s, [&](const auto& strategy) { acts = acts || (strategy.kTraits.acts_on_quiet_ticks && strategy.active()); });
    return acts;
}

}  // namespace models
