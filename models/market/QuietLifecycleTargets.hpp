#pragma once
// The lifecycle's quiet loops, one instance per vector target
// (models/market/QuietLifecycleLoops.cpp is compiled once for each; the
// instances exist for the targets CMake builds them for: sim::built_isa).
// QuietLifecycle.cpp calls the widest allowed (sim::dispatch_built).
#include "models/market/QuietLifecycle.hpp"
#include "sim/simd/Isa.hpp"

#include <array>
#include <cstdint>
#include <span>

namespace models {

// The four-entry tables the loops pick from by rung (customer, client,
// advocate, partner: stage - 1) or by firm (at most four here). Made by
// QuietLifecycle.cpp, compiled for the default target: the mechanisms'
// functions that fill them are inline functions every path calls, and a
// copy of one compiled into a per-target file could serve the whole
// program (TargetLoopsStayPrivate).
struct QuietTables {
    std::array<double, 4> stage_factor, climb, slip;
    std::array<std::uint64_t, 4> fail_bound;
    std::array<double, 4> service_quality, barrier_factor, pull;
};

template <sim::Isa I>
std::uint32_t decide_quiet_lifecycle_on(const QuietLifecycleBatch& q, const QuietTables& tables, std::uint32_t b,
                                        std::uint32_t n, std::uint16_t* eventful, std::int64_t* quiet);

template <sim::Isa I>
void settle_lifecycle_stayers_on(const LifecycleSettlement& q, std::uint32_t begin, std::uint32_t end,
                                 std::span<const std::uint32_t> movers, LifecycleSettledCounts& counts);

}  // namespace models
