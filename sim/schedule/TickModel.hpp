#pragma once
// What the engine's tick loop drives. A model advances one synchronous tick
// at a time and is a data source for the recorded per-tick table; it never
// touches files itself.
#include "sim/recording/TableSchema.hpp"

#include <cstdint>
#include <vector>

namespace sim {

class TickModel {
public:
    virtual ~TickModel() = default;
    // Advances the state from the start of `tick` to its end.
    virtual void step(std::uint32_t tick) = 0;
    // The columns of the per-tick table, and the rows for the tick just run.
    virtual std::vector<ColumnSpec> metric_columns() const = 0;
    virtual void emit_metrics(std::uint32_t tick, const RowSink& sink) const = 0;
    // Every agent's state, one column per variable (per-agent snapshots).
    virtual std::vector<ColumnData> snapshot() const { return {}; }
    // An optional event log (e.g. transactions): its columns (empty: none),
    // and the events of the tick just run.
    virtual std::vector<ColumnSpec> event_columns() const { return {}; }
    virtual void emit_events(std::uint32_t /*tick*/, const RowSink& /*sink*/) const {}
    // Tables that describe the whole run, written once after the last tick.
    virtual std::vector<Table> run_tables() const { return {}; }
};

}  // namespace sim
