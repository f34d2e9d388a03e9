#pragma once
// Draws the customers' starting state: firm by the firms' initial shares,
// the configured starting satisfaction, and a spend level from the spend
// distribution (each customer from its own substream, in parallel).
#include "models/market/CustomerState.hpp"
#include "models/market/MarketParams.hpp"
#include "sim/random/CounterStream.hpp"

namespace models {

void initialise_customers(const MarketParams& params, const sim::CounterStream& stream, CustomerState& customers);

}  // namespace models
