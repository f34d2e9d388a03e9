#include "sim/schedule/TickLoop.hpp"

#include <chrono>

namespace sim {

double run_ticks(TickModel& model, const TickLoopOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    for (std::uint32_t k = 0; k < options.ticks; ++k) {
        const std::uint32_t tick = options.from + k;
        model.step(tick);
        const std::uint32_t recorded = tick - options.origin;
        if (options.record) model.emit_metrics(recorded, options.record);
        if (options.events) model.emit_events(recorded, options.events);
        if (options.snapshot_every && options.snapshot && (recorded + 1) % options.snapshot_every == 0)
            options.snapshot(recorded, model.snapshot());
        if (options.progress) options.progress(k + 1);
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace sim
