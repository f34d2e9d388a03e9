#pragma once
// Draws the people's starting state: prospect or customer, firm by the firms'
// initial shares, the configured starting satisfaction (alike, or drawn from
// its spread) and expectation, a spend level, and every trait that varies
// (each person and trait from its own substream, in parallel).
#include "models/market/CustomerState.hpp"
#include "models/market/MarketParams.hpp"
#include "sim/random/CounterStream.hpp"

namespace models {

void initialise_customers(const MarketParams& params, const sim::CounterStream& stream, CustomerState& customers);

}  // namespace models
