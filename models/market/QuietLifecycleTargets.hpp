#pragma once
// The lifecycle's quiet loops, one instance per vector target
// (models/market/QuietLifecycleLoops.cpp is compiled once for each; the
// instances exist for the targets CMake builds them for: sim::built_isa).
// QuietLifecycle.cpp calls the widest allowed (sim::dispatch_built).
#include "models/market/QuietLifecycle.hpp"
#include "sim/simd/Isa.hpp"

#include <cstdint>
#include <span>

namespace models {

template <sim::Isa I>
std::uint32_t decide_quiet_lifecycle_on(const QuietLifecycleBatch& q, std::uint32_t b, std::uint32_t n,
                                        std::uint16_t* eventful, std::int64_t* quiet);

template <sim::Isa I>
void settle_lifecycle_stayers_on(const LifecycleSettlement& q, std::uint32_t begin, std::uint32_t end,
                                 std::span<const std::uint32_t> movers, LifecycleSettledCounts& counts);

}  // namespace models
