#pragma once
// The relationship ladder (seed 001): prospect -> customer (first purchase)
// -> client (repeat buyer) -> advocate (recommends the firm) -> partner
// (takes part in the firm's decisions). Each tick a customer whose
// conditions for the next rung hold climbs it with a per-tick probability;
// one whose satisfaction has fallen below the floor slips one rung with
// another. With every condition met, the ladder is a birth-death Markov
// chain with constant rates (the validation test checks exactly that).
#include "sim/random/CounterStream.hpp"
#include "sim/simd/Pack.hpp"

#include <array>
#include <cstdint>
#include <string_view>
#include <utility>

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

    // Per rung (customer, client, advocate, partner: stage - 1), the chance
    // to climb from it (0 from partner) and the draw from which one slips
    // from it (2: a customer never slips): the step below picks them by rung.
    std::array<double, 4> climb_chances() const { return {promote[0], promote[1], promote[2], 0.0}; }
    std::array<double, 4> slip_draws() const { return {2.0, 1.0 - demote[0], 1.0 - demote[1], 1.0 - demote[2]}; }

    // Whether a customer climbs and whether they slip this tick (never
    // both), from one uniform draw x: the low end of [0, 1) climbs, the high
    // end slips (promote + demote of a stage must be at most 1). Written
    // once over lanes: N holds stages, purchases and tenure, V
    // satisfactions and draws (std::uint64_t and double for one customer,
    // sim::Pack for several); climb_chance and slip_draw are the rung's
    // (climb_chances, slip_draws). A prospect neither climbs nor slips.
    template <class N, class V>
    auto step(N stage, V satisfaction, N purchases, N tenure, V x, V climb_chance, V slip_draw) const {
        const auto may_climb = ((stage == N(index(Stage::Customer))) & (purchases >= N(client_purchases))) |
                               ((stage == N(index(Stage::Client))) & (satisfaction >= V(advocate_satisfaction)) &
                                (tenure >= N(advocate_tenure))) |
                               ((stage == N(index(Stage::Advocate))) & (satisfaction >= V(partner_satisfaction)) &
                                (tenure >= N(partner_tenure)));
        const auto climbs = may_climb & (x < climb_chance);
        const auto may_slip = (stage > N(index(Stage::Customer))) & (satisfaction < V(demote_below)) & (x >= slip_draw);
        return std::pair{climbs, sim::lanes::and_not(may_slip, climbs)};
    }

    // The stage after this tick, from one uniform draw `u`.
    Stage next(const LadderPosition& p, std::uint32_t u) const {
        if (!enabled) return p.stage;
        const std::uint64_t rung = (index(p.stage) - 1) & 3;
        const auto [climbs, slips] =
            step<std::uint64_t, double>(index(p.stage), p.satisfaction, p.purchases, p.tenure, sim::to_unit(u),
                                        climb_chances()[rung], slip_draws()[rung]);
        return static_cast<Stage>(index(p.stage) + climbs - slips);
    }
};

}  // namespace models
