#pragma once
// The tick loop: step, record, report progress. Virtual dispatch happens once
// per tick, never per agent.
#include "sim/schedule/TickModel.hpp"

#include <cstdint>
#include <functional>

namespace sim {

struct TickLoopOptions {
    std::uint32_t ticks = 0;
    // The model's first tick to step, and the model's tick recorded as tick 0
    // (after a warm-up): rows, events and snapshots carry tick - origin.
    std::uint32_t from = 0;
    std::uint32_t origin = 0;
    RowSink record;                                    // may be empty: no recording
    RowSink events;                                    // may be empty: no event log
    std::function<void(std::uint32_t done)> progress;  // may be empty; called after each tick
    // Per-agent snapshots after every `snapshot_every` ticks (0: none).
    std::uint32_t snapshot_every = 0;
    std::function<void(std::uint32_t tick, std::vector<ColumnData>&& columns)> snapshot;
};

// Returns the wall-clock seconds spent stepping and recording.
double run_ticks(TickModel& model, const TickLoopOptions& options);

}  // namespace sim
