#pragma once
// The lifecycle's quiet ticks. In the customer lifecycle most customers'
// ticks are quiet: no service failure, no leaving, no story told, no TARP
// observation closing. Such a tick only moves satisfaction, expectation and
// the ladder. Most prospects' ticks are quiet too: they do not adopt. These
// loops decide both for a batch of people, four at a time (AVX2, where the
// processor has it: sim::avx2_loops) or one at a time, without a branch on
// who is quiet, and list everyone else for the general code
// (Market::decide_batch_in_stages, MarketDecide.cpp).
//
// They give bit for bit what conclude_encounter gives a quiet customer of a
// firm that does not act (no policy: a drift factor of 1, no expectation
// shift), and decide_prospect a prospect who does not adopt: the same operations in the same order per customer (tested
// in tests/integration/test_lifecycle_stages.cpp). The scalar loop calls the mechanisms themselves
// (SwitchingHazard::drift, SatisfactionUpdate, RelationshipLadder::next); the vector one spells out the same arithmetic
// lane by lane, so a change to those formulas must be made there too, and
// the test fails until it is.
#include "models/market/CustomerState.hpp"
#include "models/market/MarketParams.hpp"
#include "sim/random/CounterStream.hpp"

#include <cstdint>

namespace models {

// Per firm, what a quiet tick needs.
struct QuietFirm {
    std::uint64_t fail_bound;  // a service failure: a word below it (sim::BernoulliBound; 0 with failures off)
    double service_quality;
    double barrier_factor;  // exp(-switching barrier)
    double pull;            // hazard added by better competitors
};

// One batch of customers b .. b + n - 1 (offset k: customer b + k).
struct QuietLifecycleBatch {
    const CustomerColumns& c;
    const Mechanisms& m;
    const QuietFirm* firms;
    std::size_t firm_count;
    std::uint32_t tick;
    const sim::Block4* encounter;  // [k]: kEncounter block
    const sim::Block4* lifecycle;  // [k]: kLifecycle block
    const std::uint32_t* bought;   // [k]: purchases this tick (0 for anyone who took no basket)
    // People with no firm: their encounter block is their kAcquisition
    // block; the share of adopters that influences them (Market::adopter_share).
    const std::uint64_t* network_offsets;     // network influence: the rows' offsets
    const std::uint32_t* adopted_neighbours;  // network influence
    double mixed_share;                       // mixed influence: adopters / people
    double initial_satisfaction;              // next_satisfaction of someone with no firm
};

// Decides the quiet ticks of customers b .. b + n - 1 (their RFM counters
// already count this tick's purchases) and lists the offsets k of everyone
// else in `eventful`, in order; returns how many. Adds the quiet customers
// to `quiet` (per firm; 256 entries, for any firm byte). Writes next_satisfaction, next_firm and outcome for
// everyone (the general code writes the eventful's again); expectation and
// stage only for the quiet customers, and stories (used up) only for the
// quiet people with no firm.
std::uint32_t decide_quiet_lifecycle(const QuietLifecycleBatch& q, std::uint32_t b, std::uint32_t n,
                                     std::uint16_t* eventful, std::int64_t* quiet);

}  // namespace models
