#pragma once
// What a loop file compiled once per vector target needs (CMakeLists.txt:
// CRMSIM_LOOP_SOURCES; sim/simd/Dispatch.hpp): the target it is compiled
// for, how many lanes its loops take, and a tag type of its own for its
// packs (sim/simd/Pack.hpp), so that every instance over them has internal
// linkage and no other file's copy can be replaced by this one's at link
// time (the test TargetLoopsStayPrivate).
//
// Deliberately an unnamed namespace in a header: each file that includes
// it gets a Local type of its own.
#include "sim/simd/Isa.hpp"
#include "sim/simd/Lanes.hpp"

#include <cstdint>

#ifndef CRMSIM_LOOP_ISA
#error "compiled once per target: CRMSIM_LOOP_ISA names the target (Scalar, Avx2, Avx512)"
#endif

namespace sim::target_loop {
namespace {

constexpr Isa kIsa = Isa::CRMSIM_LOOP_ISA;

// How many customers the loops take at a time.
constexpr std::uint32_t kWidth = kIsa == Isa::Avx512 ? 8 : kIsa == Isa::Avx2 ? 4 : 1;

// This file's own tag for its packs.
struct Local {};

template <std::uint32_t W>
using LanesOf = Lanes<kIsa, static_cast<int>(W), Local>;

}  // namespace
}  // namespace sim::target_loop
