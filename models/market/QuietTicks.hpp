#pragma once
// RM-1's quiet customers. In a market that uses only RM-1's mechanisms
// (Market::Scope::Rm1) nine customers in ten meet no failure, tell no one
// and stay: their tick is a few arithmetic operations. These loops decide
// them four at a time (AVX2, where the processor has it) or one at a time,
// and list everyone else for the general code. They give bit for bit what
// the general code gives: the same operations in the same order per
// customer, and sums per tally lane in customer order (tested in
// tests/integration/test_rm1_loops.cpp).
#include "models/mechanisms/SatisfactionUpdate.hpp"
#include "models/mechanisms/SwitchingHazard.hpp"
#include "sim/random/CounterStream.hpp"

#include <array>
#include <cstdint>

namespace models {

// Per firm (0, 1) and tally lane (customer % 4).
using LaneSums = std::array<std::array<double, 4>, 2>;

// What deciding quiet customers reads and writes.
struct QuietDecision {
    const std::uint8_t* firm;
    const double* spend;
    const double* satisfaction;
    const std::uint8_t* tarp_group;  // kNotObserved (0xFF) when no TARP observation is open
    double* next_satisfaction;
    std::uint8_t* next_firm;
    std::uint8_t* outcome;
    std::array<sim::BernoulliBound, 2> fails;  // per firm: a service failure
    double dissatisfied_below;                 // who talks although nothing happened (0: no one)
    SwitchingHazard switching;
    SatisfactionUpdate update;
};

// Quiet customers' counts per firm.
struct QuietCounts {
    std::array<std::int64_t, 2> customers{};  // every customer (all buy once)
    std::array<std::int64_t, 2> quiet{};      // decided here
    std::array<std::int64_t, 2> leavers{};    // quiet ones who drift to the other firm
};

// Customers b .. b + n - 1 (draws[k]: customer b + k's kEncounter block):
// adds every customer's spend to `revenue`, decides the quiet ones, and
// lists the offsets k of the others in `eventful`, in order; returns how
// many. A prospect (no firm) is never quiet.
std::uint32_t decide_quiet_customers(const QuietDecision& q, std::uint32_t b, std::uint32_t n, const sim::Block4* draws,
                                     std::uint16_t* eventful, QuietCounts& counts, LaneSums& revenue);

// Which implementation decide_quiet_customers uses here: "avx2" or "scalar".
const char* quiet_ticks_kind();

}  // namespace models
