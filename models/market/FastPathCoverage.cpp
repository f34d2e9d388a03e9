// Which of the mechanisms' parameters the fast paths cover, declared once
// and checked by the compiler. The fast paths are the quiet-tick loops
// (QuietLifecycle.hpp: one kernel for RM-1's markets and the lifecycle's)
// and the staged decide and settle loops around them. Each field of each mechanism is declared here with
// how the fast paths treat it; a mechanism that gains a field, or a market
// that gains a mechanism, does not build until its author has declared it
// (the static_asserts below count the fields). A new option can therefore
// never fall silently into a loop that ignores it: the declaration makes
// its author choose, and docs/fast-paths.md says what each choice needs.
#include "models/market/MarketParams.hpp"

#include <array>
#include <cstddef>
#include <string_view>

namespace models {
namespace {

enum class Coverage {
    // Read only inside the mechanism's own functions (lane-generic where a
    // fast loop calls them), which every path and width calls: covered.
    Formula,
    // Read by the fast loops themselves, for every value.
    Kernel,
    // The fast paths run only for some values: the path choice
    // (Market::may_decide_in_stages, settles_lifecycle_stayers)
    // tests it and sends other values to the general loops.
    Scope,
    // Read only for eventful customers (a failure, a switch, an adoption,
    // a story heard), whom the fast loops hand to the general code.
    Eventful,
};

struct Field {
    std::string_view name;
    Coverage coverage;
};

// The number of fields of an aggregate: the most initialisers it takes.
struct AnyField {
    template <class T>
    operator T() const;
};
template <class T, class... A>
constexpr std::size_t field_count() {
    if constexpr (requires { T{A{}..., AnyField{}}; })
        return field_count<T, A..., AnyField>();
    else
        return sizeof...(A);
}

template <class Mechanism, std::size_t N>
constexpr bool declares_every_field(const std::array<Field, N>&) {
    return N == field_count<Mechanism>();
}

#define CRMSIM_DECLARED(Mechanism, fields)                                            \
    static_assert(declares_every_field<Mechanism>(fields), #Mechanism                 \
                  " has a field the fast paths have not declared: add it to " #fields \
                  " in "                                                              \
                  "models/market/FastPathCoverage.cpp, saying how the fast paths treat it (docs/fast-paths.md)")

constexpr std::array kSwitching = {
    Field{"drift_hazard", Coverage::Formula},
    Field{"shape", Coverage::Formula},
    Field{"convexity", Coverage::Formula},
    Field{"logistic_midpoint", Coverage::Formula},
    Field{"logistic_steepness", Coverage::Formula},
    Field{"stage_factor", Coverage::Kernel},
    Field{"variety_seeking", Coverage::Formula},
    Field{"competitor_pull", Coverage::Kernel},
    Field{"leave_market_share", Coverage::Eventful},
    Field{"satisfaction_after_switch", Coverage::Eventful},
    Field{"expectation_after_switch", Coverage::Eventful},
    Field{"barrier_after_failure", Coverage::Eventful},  // a failure is eventful
};
CRMSIM_DECLARED(SwitchingHazard, kSwitching);

constexpr std::array kSatisfaction = {
    Field{"model", Coverage::Kernel},  // the quiet loops take both models
    Field{"good_service_gain", Coverage::Formula},
    Field{"anchor_weight", Coverage::Formula},
    Field{"disconfirmation_weight", Coverage::Formula},
    Field{"expectation_adaptation", Coverage::Formula},
    Field{"initial_expectation", Coverage::Eventful},
};
CRMSIM_DECLARED(SatisfactionUpdate, kSatisfaction);

constexpr std::array kWordOfMouth = {
    Field{"enabled", Coverage::Kernel},
    Field{"negative_reach", Coverage::Eventful},
    Field{"positive_reach", Coverage::Eventful},
    Field{"story_effect", Coverage::Formula},
    Field{"expectation_effect", Coverage::Kernel},  // settling moves expectations with the stories
    Field{"dissatisfied_below", Coverage::Kernel},
    Field{"advocate_talk", Coverage::Kernel},
    Field{"weak_ties", Coverage::Eventful},
    Field{"weak_reach", Coverage::Eventful},
    Field{"story_sign", Coverage::Scope},  // quiet customers tell no one: sign(NoFailure) == 0
    // Read by the choice of adopters and switchers (eventful); the stories
    // are counted in the word-of-mouth phase, after every decision, and
    // cleared between the two (Market::step).
    Field{"choice_effect", Coverage::Eventful},
};
CRMSIM_DECLARED(WordOfMouth, kWordOfMouth);

constexpr std::array kLadder = {
    Field{"enabled", Coverage::Kernel},  // the quiet loops step the ladder when it is on
    Field{"promote", Coverage::Formula},          Field{"demote", Coverage::Formula},
    Field{"client_purchases", Coverage::Formula}, Field{"advocate_satisfaction", Coverage::Formula},
    Field{"advocate_tenure", Coverage::Formula},  Field{"partner_satisfaction", Coverage::Formula},
    Field{"partner_tenure", Coverage::Formula},   Field{"demote_below", Coverage::Formula},
};
CRMSIM_DECLARED(RelationshipLadder, kLadder);

constexpr std::array kAcquisition = {
    Field{"enabled", Coverage::Kernel},
    Field{"external", Coverage::Formula},
    Field{"internal", Coverage::Formula},
    Field{"influence", Coverage::Kernel},
    Field{"story_weight", Coverage::Formula},
    // Only lowers the hazard: the quiet loops' bound, the positive part
    // (Acquisition::attraction), stays at or above it, so a draw they call
    // quiet adopts on no path; below it the general code decides. Negative
    // stories then reach prospects in a phase after every decision.
    Field{"negative_story_weight", Coverage::Eventful},
    Field{"lapsed_return", Coverage::Kernel},
    // Only for a draw below the hazard, which the general code decides: the
    // quiet loops' "a draw at or above h never adopts" holds for both readings.
    Field{"probability", Coverage::Eventful},
};
CRMSIM_DECLARED(Acquisition, kAcquisition);

constexpr std::array kTarp = {
    Field{"horizon", Coverage::Formula},
    Field{"run_ticks", Coverage::Eventful},   // counting an observation that closes: the general code
    Field{"first_tick", Coverage::Eventful},  // the same
    // Opened between ticks (Market::open_reference_observations); the fast
    // loops treat an open reference like any open observation, and its
    // closing, a failure ending it, or leaving are eventful ticks.
    Field{"reference_every", Coverage::Eventful},
};
CRMSIM_DECLARED(TarpTracking, kTarp);

constexpr std::array kFailures = {Field{"enabled", Coverage::Kernel}};
CRMSIM_DECLARED(ServiceFailure, kFailures);

constexpr std::array kComplaints = {Field{"enabled", Coverage::Eventful}, Field{"probability", Coverage::Eventful}};
CRMSIM_DECLARED(ComplaintBehaviour, kComplaints);

constexpr std::array<Field, 0> kRecovery = {};  // its parameters are the firms' (RecoveryParams): eventful only
CRMSIM_DECLARED(ComplaintRecovery, kRecovery);

constexpr std::array kRepurchase = {
    Field{"silent", Coverage::Eventful},
    Field{"unresolved", Coverage::Eventful},
    Field{"resolved", Coverage::Eventful},
    Field{"resolved_quickly", Coverage::Eventful},
};
CRMSIM_DECLARED(RepurchaseIntention, kRepurchase);

constexpr std::array kParadox = {
    Field{"enabled", Coverage::Eventful},  // it changes what follows a failure only
    Field{"satisfaction_bonus", Coverage::Eventful},
    Field{"first_failure_only", Coverage::Eventful},
    Field{"minor_only", Coverage::Eventful},
};
CRMSIM_DECLARED(RecoveryParadox, kParadox);

constexpr std::array kPurchases = {
    Field{"process", Coverage::Scope},  // the staged loops: every tick or Poisson (no dropout while buying)
    Field{"rate", Coverage::Kernel},
    Field{"dropout", Coverage::Scope},
    Field{"amount_shape", Coverage::Kernel},
};
CRMSIM_DECLARED(Purchases, kPurchases);

// A new mechanism joins Mechanisms: declare its fields above, and count it here.
static_assert(field_count<Mechanisms>() == 12,
              "a mechanism has joined models::Mechanisms: declare how the fast paths treat each of its fields in "
              "models/market/FastPathCoverage.cpp (docs/fast-paths.md), then count it here");

#undef CRMSIM_DECLARED

}  // namespace
}  // namespace models
