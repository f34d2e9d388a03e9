#pragma once
// Customer state as structure of arrays. The first group is the state that
// persists between ticks; the second is scratch written during a tick's
// decide phase and consumed by its apply phase (the double buffer that keeps
// every decision reading start-of-tick state).
#include "sim/population/Column.hpp"

#include <cstdint>

namespace models {

struct CustomerState {
    explicit CustomerState(std::uint32_t n)
        : firm("firm", n),
          satisfaction("satisfaction", n),
          spend("spend", n),
          next_firm("next_firm", n),
          next_satisfaction("next_satisfaction", n),
          outcome("outcome", n),
          stories("stories", n) {}

    std::uint32_t size() const { return static_cast<std::uint32_t>(firm.size()); }
    std::size_t bytes() const {
        return firm.bytes() + satisfaction.bytes() + spend.bytes() + next_firm.bytes() + next_satisfaction.bytes() +
               outcome.bytes() + stories.bytes();
    }

    sim::Column<std::uint8_t> firm;    // index into MarketParams::firms
    sim::Column<double> satisfaction;  // [0, 1]
    sim::Column<double> spend;         // currency units per tick

    sim::Column<std::uint8_t> next_firm;    // firm after this tick (differs if switching)
    sim::Column<double> next_satisfaction;  // satisfaction after the encounter, before stories
    sim::Column<std::uint8_t> outcome;      // models::Outcome of this tick's encounter
    sim::Column<std::int32_t> stories;      // net stories heard about own firm (+ positive, - negative)
};

}  // namespace models
