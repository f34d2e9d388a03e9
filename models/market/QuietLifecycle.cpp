#include "models/market/QuietLifecycle.hpp"

#include "models/market/QuietLifecycleTargets.hpp"
#include "sim/simd/Dispatch.hpp"
#include "sim/simd/InterleavedSum.hpp"
#include "sim/util/ListLanes.hpp"

#include <algorithm>
#include <array>

namespace models {
namespace {

QuietTables quiet_tables(const QuietLifecycleBatch& q) {
    const std::array<double, kStages>& factor = q.m.switching.stage_factor;
    QuietTables t{{factor[1], factor[2], factor[3], factor[4]},
                  q.m.ladder.climb_chances(),
                  q.m.ladder.slip_draws(),
                  {},
                  {},
                  {},
                  {}};
    for (std::size_t f = 0; f < std::min<std::size_t>(q.firm_count, 4); ++f) {
        t.fail_bound[f] = q.firms[f].fail_bound;
        t.service_quality[f] = q.firms[f].service_quality;
        t.barrier_factor[f] = q.firms[f].barrier_factor;
        t.pull[f] = q.firms[f].pull;
    }
    return t;
}

}  // namespace

std::uint32_t decide_quiet_lifecycle(const QuietLifecycleBatch& q, std::uint32_t b, std::uint32_t n,
                                     std::uint16_t* eventful, std::int64_t* quiet) {
    const QuietTables tables = quiet_tables(q);
    // The vector instances hold each firm's constants in four-entry tables;
    // the scalar one reads the firm's rules directly (any number of firms).
    if (q.firm_count > 4) return decide_quiet_lifecycle_on<sim::Isa::Scalar>(q, tables, b, n, eventful, quiet);
    return sim::dispatch_built(
        [&]<sim::Isa I>() { return decide_quiet_lifecycle_on<I>(q, tables, b, n, eventful, quiet); });
}

bool settles_lifecycle_stayers(std::size_t firm_count) {
    return firm_count <= 4;
}

void list_firm_changes(const std::uint8_t* firm, const std::uint8_t* next_firm, std::uint32_t begin, std::uint32_t end,
                       std::vector<std::uint32_t>& movers) {
    sim::list_changed_bytes(firm, next_firm, begin, end, -1, movers);
}

void settle_lifecycle_stayers(const LifecycleSettlement& q, std::uint32_t begin, std::uint32_t end,
                              std::span<const std::uint32_t> movers, std::span<const Settled>,
                              LifecycleSettledCounts& counts) {
    // Groups of four or eight start on tally lane 0.
    if (begin % sim::InterleavedSum<>::kLanes != 0)
        return settle_lifecycle_stayers_on<sim::Isa::Scalar>(q, begin, end, movers, counts);
    sim::dispatch_built([&]<sim::Isa I>() { settle_lifecycle_stayers_on<I>(q, begin, end, movers, counts); });
}

}  // namespace models
