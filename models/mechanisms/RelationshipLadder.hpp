#pragma once
// The relationship ladder (seed 001): prospect -> customer (first purchase)
// -> client (repeat buyer) -> advocate (recommends the firm) -> partner
// (takes part in the firm's decisions). Each tick a customer whose
// conditions for the next rung hold climbs it with a per-tick probability;
// one whose satisfaction has fallen below the floor slips one rung with
// another. With every condition met, the ladder is a birth-death Markov
// chain with constant rates (the validation test checks exactly that).
#include "sim/random/CounterStream.hpp"

#include <array>
#include <cstdint>
#include <string_view>

namespace models {

enum class Stage : std::uint8_t { Prospect = 0, Customer = 1, Client = 2, Advocate = 3, Partner = 4 };

inline constexpr std::size_t kStages = 5;
inline constexpr std::array<std::string_view, kStages> kStageNames = {"prospect", "customer", "client", "advocate",
                                                                      "partner"};

constexpr std::size_t index(Stage s) {
    return static_cast<std::size_t>(s);
}

// What the ladder needs to know about one customer at the start of a tick.
struct LadderPosition {
    Stage stage;
    double satisfaction;
    std::uint32_t purchases;  // with the current firm
    std::uint32_t tenure;     // ticks with the current firm
};

struct RelationshipLadder {
    bool enabled = false;
    // Per-tick probability of climbing from customer, client, advocate (in
    // that order) once the conditions for the next rung hold.
    std::array<double, 3> promote = {1.0, 0.10, 0.05};
    // Per-tick probability of slipping from client, advocate, partner (in
    // that order) while satisfaction is below demote_below.
    std::array<double, 3> demote = {0.5, 0.5, 0.5};
    std::uint32_t client_purchases = 2;   // purchases with the firm before a customer is a client
    double advocate_satisfaction = 0.80;  // at least this satisfied to become an advocate
    std::uint32_t advocate_tenure = 12;   // ticks with the firm before becoming an advocate
    double partner_satisfaction = 0.90;
    std::uint32_t partner_tenure = 52;
    double demote_below = 0.50;  // satisfaction under which customers can slip a rung

    bool may_climb(const LadderPosition& p) const {
        switch (p.stage) {
            case Stage::Customer:
                return p.purchases >= client_purchases;
            case Stage::Client:
                return p.satisfaction >= advocate_satisfaction && p.tenure >= advocate_tenure;
            case Stage::Advocate:
                return p.satisfaction >= partner_satisfaction && p.tenure >= partner_tenure;
            default:
                return false;
        }
    }

    // The stage after this tick, from one uniform draw `u`: the low end of
    // [0, 1) climbs, the high end slips, so climbing and slipping exclude each
    // other (promote + demote of a stage must be at most 1).
    Stage next(const LadderPosition& p, std::uint32_t u) const {
        if (!enabled || p.stage == Stage::Prospect) return p.stage;
        const double x = sim::to_unit(u);
        const std::size_t rung = index(p.stage) - 1;  // 0 for customer
        if (p.stage != Stage::Partner && may_climb(p) && x < promote[rung])
            return static_cast<Stage>(index(p.stage) + 1);
        if (p.stage != Stage::Customer && p.satisfaction < demote_below && x >= 1.0 - demote[rung - 1])
            return static_cast<Stage>(index(p.stage) - 1);
        return p.stage;
    }
};

}  // namespace models
