#include "sim/schedule/TickLoop.hpp"

#include <chrono>

namespace sim {

double run_ticks(TickModel& model, const TickLoopOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    for (std::uint32_t tick = 0; tick < options.ticks; ++tick) {
        model.step(tick);
        if (options.record) model.emit_metrics(tick, options.record);
        if (options.events) model.emit_events(tick, options.events);
        if (options.snapshot_every && options.snapshot && (tick + 1) % options.snapshot_every == 0)
            options.snapshot(tick, model.snapshot());
        if (options.progress) options.progress(tick + 1);
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace sim
