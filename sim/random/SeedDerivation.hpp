#pragma once
// The seeding policy, in one place.
//
// A run's stream key is derived from the experiment seed and the run's
// coordinates (never from the order runs execute in) by one Philox block used
// as a hash: key = Philox(counter = coordinates, key = experiment seed).
// Every random draw of the run then comes from CounterStream(key), addressed
// by (purpose, agent, tick, block). Purposes are declared by the model
// (models/market/DrawPurpose.hpp).
#include "sim/random/CounterStream.hpp"

#include <cstdint>

namespace sim {

// Coordinates of a run inside an experiment. Replications with common random
// numbers share the coordinates that the policy does not change.
struct RunCoordinates {
    std::uint32_t scenario = 0;
    std::uint32_t sweep_point = 0;
    std::uint32_t replication = 0;
    std::uint32_t stream = 0;  // reserved: a separate universe for e.g. the network
};

inline StreamKey derive_stream_key(std::uint64_t experiment_seed, RunCoordinates at) {
    const r123::Philox4x32::key_type key = {
        {static_cast<std::uint32_t>(experiment_seed), static_cast<std::uint32_t>(experiment_seed >> 32)}};
    const r123::Philox4x32::ctr_type ctr = {{at.scenario, at.sweep_point, at.replication, at.stream}};
    const auto out = r123::Philox4x32{}(ctr, key);
    return StreamKey{(static_cast<std::uint64_t>(out[1]) << 32) | out[0]};
}

}  // namespace sim
