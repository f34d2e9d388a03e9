#pragma once
// Relationship-enhancement tactics (seed 001): six things a firm can do for
// the customers it targets, each with an effect and a cost per targeted
// customer per tick (charged to programme costs):
//   social_reinforcement  satisfaction gained per tick (personal contact)
//   reassurance           expectation lowered per tick (post-purchase
//                         reassurance: experiences then disconfirm upwards)
//   benefit_reinforcement drift hazard cut (reminding customers what they get)
//   problem_solving       satisfaction gained after a service failure
//   customisation         drift hazard cut (an offer fitted to the customer)
//   service_enhancement   satisfaction gained per tick (better service)
#include "models/strategies/Segmentation.hpp"
#include "models/strategies/StrategyTraits.hpp"

namespace models {

struct Tactic {
    double effect = 0.0;  // in the units the tactic acts on (see above); 0: not used
    double cost = 0.0;    // currency units per targeted customer per tick
};

struct RelationshipTactics {
    static constexpr StrategyTraits kTraits{"tactics", true, true};  // targeted customers, every tick
    bool active() const { return enabled; }

    bool enabled = false;
    TargetRule target;
    Tactic social_reinforcement;
    Tactic reassurance;
    Tactic benefit_reinforcement;
    Tactic problem_solving;
    Tactic customisation;
    Tactic service_enhancement;

    double satisfaction_gain() const { return social_reinforcement.effect + service_enhancement.effect; }
    double drift_factor() const { return (1.0 - benefit_reinforcement.effect) * (1.0 - customisation.effect); }
    double cost() const {
        return social_reinforcement.cost + reassurance.cost + benefit_reinforcement.cost + problem_solving.cost +
               customisation.cost + service_enhancement.cost;
    }
};

}  // namespace models
