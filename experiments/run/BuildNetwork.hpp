#pragma once
// Builds the social network a config asks for.
#include "experiments/config/ExperimentConfig.hpp"
#include "sim/network/Network.hpp"
#include "sim/random/CounterStream.hpp"

namespace experiments {

// Generated networks come from `stream`; an edge list is read from its file
// (errors: sim::EdgeListError). NetworkKind::None gives an empty network.
sim::Network build_network(const NetworkSettings& settings, std::uint32_t customers, const sim::CounterStream& stream);

}  // namespace experiments
