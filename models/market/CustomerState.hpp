#pragma once
// Customer state as structure of arrays. The first group is the state that
// persists between ticks; the second is scratch written during a tick's
// decide phase and consumed by its apply phase (the double buffer that keeps
// every decision reading start-of-tick state). State that no other customer
// reads during a tick (stage, RFM counters, expectation) is updated in place
// by its owner's decision.
#include "models/market/CustomerStatus.hpp"
#include "sim/population/AgentValue.hpp"
#include "sim/population/Column.hpp"

#include <cstdint>

namespace models {

struct CustomerTraitValues {
    sim::AgentValue<float> cost_to_serve{0.0f};
    sim::AgentValue<float> complaint_propensity{1.0f};
    sim::AgentValue<float> talkativeness{1.0f};
    sim::AgentValue<float> price_sensitivity{1.0f};
    sim::AgentValue<float> purchase_rate{1.0f};  // purchases per tick (Poisson processes)
    sim::AgentValue<float> no_purchase{0.0f};    // exp(-purchase_rate): P(no purchase in a whole tick)
    sim::AgentValue<float> dropout{0.0f};        // Pareto/NBD rate or BG/NBD probability
    sim::AgentValue<std::uint8_t> flags{0};      // CustomerFlag bits

    std::size_t bytes() const {
        return cost_to_serve.bytes() + complaint_propensity.bytes() + talkativeness.bytes() +
               price_sensitivity.bytes() + purchase_rate.bytes() + no_purchase.bytes() + dropout.bytes() +
               flags.bytes();
    }
};

struct CustomerState {
    explicit CustomerState(std::uint32_t n)
        : firm("firm", n),
          status("status", n),
          stage("stage", n),
          satisfaction("satisfaction", n),
          expectation("expectation", n),
          spend("spend", n),
          purchases("purchases", n),
          last_purchase("last_purchase", n),
          monetary("monetary", n),
          failures("failures", n),
          last_firm("last_firm", n, kNoFirm),
          since("since", n),
          tarp_opened("tarp_opened", n),
          tarp_group("tarp_group", n, 0xFF),
          next_firm("next_firm", n),
          next_satisfaction("next_satisfaction", n),
          outcome("outcome", n),
          stories("stories", n) {}

    std::uint32_t size() const { return static_cast<std::uint32_t>(firm.size()); }
    std::size_t bytes() const {
        return firm.bytes() + status.bytes() + stage.bytes() + satisfaction.bytes() + expectation.bytes() +
               spend.bytes() + purchases.bytes() + last_purchase.bytes() + monetary.bytes() + failures.bytes() +
               last_firm.bytes() + since.bytes() + tarp_opened.bytes() + tarp_group.bytes() + next_firm.bytes() +
               next_satisfaction.bytes() + outcome.bytes() + stories.bytes() + traits.bytes() +
               adopted_neighbours.bytes() + member.bytes();
    }

    sim::Column<std::uint8_t> firm;            // index into MarketParams::firms, kNoFirm for none
    sim::Column<std::uint8_t> status;          // CustomerStatus
    sim::Column<std::uint8_t> stage;           // Stage on the relationship ladder with the current firm
    sim::Column<double> satisfaction;          // [0, 1]
    sim::Column<float> expectation;            // [0, 1]
    sim::Column<double> spend;                 // spend level, currency units per purchase
    sim::Column<std::uint32_t> purchases;      // frequency: purchases from the current firm
    sim::Column<std::uint32_t> last_purchase;  // recency: tick of the last purchase + 1 (0: none)
    sim::Column<float> monetary;               // spend with the current firm so far
    sim::Column<std::uint8_t> failures;        // failures met with the current firm (saturates at 255)
    sim::Column<std::uint8_t> last_firm;       // the firm most recently left, kNoFirm if none
    sim::Column<std::uint32_t> since;          // first tick with the current firm (or of having none):
                                               // tenure at tick t is t - since
    sim::Column<std::uint32_t> tarp_opened;    // tick of the failure under TARP observation
    sim::Column<std::uint8_t> tarp_group;      // its tarp_group(severity, outcome), or kNotObserved (0xFF)
    CustomerTraitValues traits;
    // Network neighbours who buy from some firm (kept only for network
    // acquisition influence; empty otherwise).
    sim::Column<std::uint32_t> adopted_neighbours;
    // Member of the current firm's top-value loyalty programme, as decided at
    // the firm's last review (kept only when some firm targets by value).
    sim::Column<std::uint8_t> member;

    sim::Column<std::uint8_t> next_firm;    // firm after this tick (differs if switching, kNoFirm if leaving)
    sim::Column<double> next_satisfaction;  // satisfaction after the encounter, before stories
    sim::Column<std::uint8_t> outcome;      // models::Outcome of this tick's encounter
    sim::Column<std::int32_t> stories;      // net stories heard about own firm (+ positive, - negative);
                                            // for someone with no firm, positive stories heard
};

// The columns as raw pointers, taken once per chunk of work. Hot loops index
// these rather than the Column objects: a byte store may alias anything, so
// through the objects every store would make the compiler reload every
// column's address.
struct CustomerColumns {
    explicit CustomerColumns(CustomerState& c)
        : firm(c.firm.data()),
          status(c.status.data()),
          stage(c.stage.data()),
          satisfaction(c.satisfaction.data()),
          expectation(c.expectation.data()),
          spend(c.spend.data()),
          purchases(c.purchases.data()),
          last_purchase(c.last_purchase.data()),
          monetary(c.monetary.data()),
          failures(c.failures.data()),
          last_firm(c.last_firm.data()),
          since(c.since.data()),
          tarp_opened(c.tarp_opened.data()),
          tarp_group(c.tarp_group.data()),
          next_firm(c.next_firm.data()),
          next_satisfaction(c.next_satisfaction.data()),
          outcome(c.outcome.data()),
          stories(c.stories.data()),
          member(c.member.size() ? c.member.data() : nullptr) {}

    std::uint8_t* firm;
    std::uint8_t* status;
    std::uint8_t* stage;
    double* satisfaction;
    float* expectation;
    double* spend;
    std::uint32_t* purchases;
    std::uint32_t* last_purchase;
    float* monetary;
    std::uint8_t* failures;
    std::uint8_t* last_firm;
    std::uint32_t* since;
    std::uint32_t* tarp_opened;
    std::uint8_t* tarp_group;
    std::uint8_t* next_firm;
    double* next_satisfaction;
    std::uint8_t* outcome;
    std::int32_t* stories;
    std::uint8_t* member;  // null unless kept
};

}  // namespace models
