#pragma once
// Quiet ticks, RM-1's and the lifecycle's alike. Most customers' ticks are
// quiet: no service failure, no leaving, no story told, no TARP
// observation closing. Such a tick only moves satisfaction, expectation and
// the ladder, and may include telling a story (the dissatisfied, advocates
// who talk: listed as tellers). Most prospects' ticks are quiet too: they do
// not adopt. These loops decide both for a batch of people, eight at a time
// (AVX-512), four (AVX2) or one at a time (sim::dispatch_built picks the
// widest allowed: sim/simd/Isa.hpp; QuietLifecycleLoops.cpp is compiled
// once for each), without a branch on who is quiet, and list
// everyone else for the general code (Market::decide_batch_in_stages,
// MarketDecide.cpp).
//
// They give bit for bit what conclude_encounter gives a quiet customer of a
// firm that does not act (no policy: a drift factor of 1, no expectation
// shift), and decide_prospect a prospect who does not adopt (tested in
// tests/integration/test_lifecycle_stages.cpp at every width). They are
// written once, over a lane type (sim::Lanes), and every formula in them is
// the mechanism's own function, the one the general code calls
// (SwitchingHazard::drift and leave_chance, SatisfactionUpdate,
// RelationshipLadder::step, TarpTracking::complete, Acquisition::surely_not,
// WordOfMouth::after_stories): a change to a mechanism reaches every path
// and width at once.
#include "models/market/CustomerState.hpp"
#include "models/market/MarketParams.hpp"
#include "sim/random/CounterStream.hpp"
#include "sim/util/ListLanes.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <vector>

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
    bool frequency_from_tenure;    // every-tick buyers: purchases are not counted, tenure is their frequency
    // People with no firm: their encounter block is their kAcquisition
    // block; the share of adopters that influences them (Market::adopter_share).
    const std::uint64_t* network_offsets;     // network influence: the rows' offsets
    const std::uint32_t* adopted_neighbours;  // network influence
    double mixed_share;                       // mixed influence: adopters / people
    double initial_satisfaction;              // next_satisfaction of someone with no firm
    // Out: the quiet customers who tell a story (the dissatisfied, -1, and
    // advocates who talk, +1), in `teller_count` entries of these two (room
    // for n + kQuietListSlack).
    std::uint16_t* tellers;     // offsets k
    std::int8_t* teller_signs;  // the story's sign
    std::uint32_t* teller_count;
};

// How many entries past the last listed the vector loops may write in
// `eventful` and the tellers' lists (whole groups of eight).
inline constexpr std::uint32_t kQuietListSlack = sim::kListSlack;

// Decides the quiet ticks of customers b .. b + n - 1 (their RFM counters
// already count this tick's purchases) and lists the offsets k of everyone
// else in `eventful` (room for n + kQuietListSlack), in order; returns how many. Adds the quiet customers
// to `quiet` (per firm; 256 entries, for any firm byte). Writes next_satisfaction, next_firm and outcome for
// everyone (the general code writes the eventful's again); expectation and
// stage only for the quiet customers, and stories (used up) only for the
// quiet people with no firm.
std::uint32_t decide_quiet_lifecycle(const QuietLifecycleBatch& q, std::uint32_t b, std::uint32_t n,
                                     std::uint16_t* eventful, std::int64_t* quiet);

// How the general code settled someone: the firm they are a customer of
// after the tick (kNoFirm: none) and their satisfaction.
struct Settled {
    std::uint8_t firm;
    double satisfaction;
};

// Settling: after the tick, most people stay where they were. A customer
// who stays takes satisfaction clamp(next_satisfaction + effect * stories)
// (and expectation moves with the stories); someone with no firm keeps
// their stories for their next decision. The movers (list_firm_changes)
// are settled by the general code first (Market::apply); these loops settle
// the stayers and count everyone after the tick, eight (AVX-512), four (AVX2) or
// one at a time. They hold per-firm sums for at most four firms
// (settles_lifecycle_stayers); with more, Market::apply settles everyone
// by the general code.
struct LifecycleSettlement {
    const CustomerColumns& c;
    std::size_t firm_count;
    double effect;              // of one story on satisfaction
    double expectation_effect;  // ... on expectation
    double promoter_from;       // promoters are at least this satisfied
    double detractor_below;     // detractors less
    bool count_stages;          // count customers by stage, and the dormant
};

// Customers after the tick, of one firm.
struct SettledFirm {
    std::int64_t customers = 0;
    std::int64_t promoters = 0;
    std::int64_t detractors = 0;
    std::int64_t dormant = 0;
    std::array<std::int64_t, kStages> stages{};
};

struct LifecycleSettledCounts {
    std::array<std::array<double, 4>, 4> satisfaction{};  // [firm][tally lane]: sums in customer order
    std::array<SettledFirm, 5> firms{};                   // [firm]; [4]: no one's
    std::int64_t prospects = 0;                           // people with no firm who never had one
    std::int64_t lapsed = 0;                              // ... who left the market
};

bool settles_lifecycle_stayers(std::size_t firm_count);

// Appends to `movers` the people of [begin, end) whose firm changes
// (switchers, leavers, joiners).
void list_firm_changes(const std::uint8_t* firm, const std::uint8_t* next_firm, std::uint32_t begin, std::uint32_t end,
                       std::vector<std::uint32_t>& movers);

// Settles the stayers of [begin, end) (`begin` a multiple of 4) and counts
// everyone; the movers were settled by the general code as `settled`.
void settle_lifecycle_stayers(const LifecycleSettlement& q, std::uint32_t begin, std::uint32_t end,
                              std::span<const std::uint32_t> movers, std::span<const Settled> settled,
                              LifecycleSettledCounts& counts);

}  // namespace models
