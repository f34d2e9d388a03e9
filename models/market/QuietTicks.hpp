#pragma once
// RM-1's quiet customers. In a market that uses only RM-1's mechanisms
// (Market::Scope::Rm1) nine customers in ten meet no failure, tell no one
// and stay: their tick is a few arithmetic operations. These loops decide
// and settle them four at a time (where the processor has AVX2 or AVX-512:
// sim::dispatch) or one at a time, and leave everyone else to the general
// code. They give bit for bit what the general code gives: the same
// functions per customer (SwitchingHazard::drift,
// SatisfactionUpdate::after_good_service, WordOfMouth::after_stories),
// written once over a lane type (sim/simd/Pack.hpp), and sums per tally
// lane in customer order (tested in tests/integration/test_rm1_loops.cpp).
//
// Not a special case for RM-1's file: any market whose mechanisms fit the
// scope takes these loops.
#include "models/market/FirmTally.hpp"
#include "models/mechanisms/SatisfactionUpdate.hpp"
#include "models/mechanisms/SwitchingHazard.hpp"
#include "sim/random/CounterStream.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace models {

// Per firm (0, 1) and tally lane (customer % 4).
using LaneSums = std::array<std::array<double, InterleavedTally::kLanes>, 2>;

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

// What settling the stayers reads and writes: a stayer keeps their firm
// and takes satisfaction clamp(next_satisfaction + effect * stories, 0, 1).
struct QuietSettlement {
    const std::uint8_t* firm;
    const std::uint8_t* next_firm;
    const double* next_satisfaction;
    double* satisfaction;
    std::int32_t* stories;
    double effect;           // of one story on satisfaction
    double promoter_from;    // promoters are at least this satisfied
    double detractor_below;  // detractors less
};

// How the general code settled someone: the firm they are a customer of
// after the tick (kNoFirm: none) and their satisfaction.
struct Settled {
    std::uint8_t firm;
    double satisfaction;
};

// Customers after the tick, per firm.
struct SettledCounts {
    LaneSums satisfaction{};  // sums, per tally lane in customer order
    std::array<std::int64_t, 2> customers{};
    std::array<std::int64_t, 2> promoters{};
    std::array<std::int64_t, 2> detractors{};
};

// Appends to `movers` the people of [begin, end) who are not stayers: they
// changed firm, left, joined, or have none.
void list_movers(const std::uint8_t* firm, const std::uint8_t* next_firm, std::uint32_t begin, std::uint32_t end,
                 std::vector<std::uint32_t>& movers);

// Settles the stayers of [begin, end) and counts everyone in `counts`; the
// movers (list_movers, in order) were settled by the general code, as
// `settled` (same order). `begin` is a multiple of 4.
void settle_stayers(const QuietSettlement& q, std::uint32_t begin, std::uint32_t end,
                    std::span<const std::uint32_t> movers, std::span<const Settled> settled, SettledCounts& counts);

}  // namespace models
