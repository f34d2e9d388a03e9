#pragma once
// Per-firm counts and sums for one tick: the market's recorded metrics.
// Tallies are filled per chunk of customers and summed in chunk order, so the
// floating-point totals do not depend on the thread count.
#include "models/mechanisms/RelationshipLadder.hpp"
#include "models/mechanisms/ServiceOutcome.hpp"
#include "models/mechanisms/SwitchingHazard.hpp"
#include "models/mechanisms/TarpTable.hpp"
#include "sim/recording/TableSchema.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <vector>

namespace models {

struct FirmTally {
    std::int64_t customers = 0;     // after the tick
    std::int64_t switched_out = 0;  // customers who left during the tick
    std::int64_t switched_in = 0;   // customers who joined during the tick
    std::int64_t failures = 0;
    std::int64_t major_failures = 0;
    std::int64_t complaints = 0;
    std::array<std::int64_t, kOutcomes> outcomes{};  // indexed by Outcome
    std::int64_t negative_stories = 0;               // told by this firm's customers
    std::int64_t positive_stories = 0;
    double satisfaction_sum = 0.0;  // over customers after the tick
    double revenue = 0.0;
    double recovery_cost = 0.0;      // resolutions, case handling and compensation
    double compensation_cost = 0.0;  // the compensation part of recovery_cost
    // The firm's strategies and their costs.
    double service_cost = 0.0;      // cost to serve its customers
    double programme_cost = 0.0;    // loyalty programme: members and points
    double offer_cost = 0.0;        // prevention offers, win-back and activation contacts
    double acquisition_cost = 0.0;  // marketing and referral rewards
    double termination_cost = 0.0;  // handling of ended relationships
    std::int64_t members = 0;       // loyalty programme members this tick
    std::int64_t offers = 0;        // prevention offers made
    std::int64_t offers_accepted = 0;
    std::int64_t terminated = 0;            // relationships the firm ended
    std::int64_t limited = 0;               // customers under price / service limits
    double terminated_cost_to_serve = 0.0;  // the cost to serve per tick the terminations save
    std::int64_t won_back = 0;              // lapsed former customers won back
    std::int64_t activated = 0;             // dormant customers buying again
    std::int64_t cross_sold = 0;            // customers who took another product

    // The customer lifecycle.
    std::int64_t dormant = 0;                         // customers who buy no more, after the tick
    std::array<std::int64_t, kStages> stages{};       // customers by ladder stage, after the tick
    std::int64_t acquired_marketing = 0;              // prospects won through external influence
    std::int64_t acquired_word_of_mouth = 0;          // ... through internal influence (referrals)
    std::array<std::int64_t, kChurnReasons> churn{};  // leavers by ChurnReason
    std::int64_t left_market = 0;                     // leavers who buy from no firm afterwards
    std::int64_t major_complaints = 0;
    std::array<std::int64_t, kOutcomes> major_outcomes{};  // outcomes of major failures
    std::int64_t purchases = 0;
    std::int64_t promoters = 0;   // customers after the tick at or above MetricOptions::promoter_from
    std::int64_t detractors = 0;  // ... below MetricOptions::detractor_below
    TarpCounts tarp;              // TARP observations completed in the tick

    FirmTally& operator+=(const FirmTally& o);
};

// Counts over the whole market, after the tick.
struct MarketTally {
    std::int64_t prospects = 0;  // people who have never bought
    std::int64_t lapsed = 0;     // people who left the market

    MarketTally& operator+=(const MarketTally& o) {
        prospects += o.prospects;
        lapsed += o.lapsed;
        return *this;
    }
};

// Per-firm tallies of one chunk, interleaved over a few lanes: customer i
// adds to lane i % kLanes. Consecutive customers of the same firm then add
// to different memory and do not wait on each other's store, which otherwise
// chains every customer's revenue addition to the previous one. Lanes are
// summed in lane order, so the totals stay independent of the thread count.
// x if `keep`, else +0.0, without a branch. Loops that add a value to one of
// two firms' sums add it to one and +0.0 to the other (which leaves a sum
// unchanged): which firm a customer buys from is as good as a coin toss,
// and a branch on it would be mispredicted half the time.
inline double only_if(bool keep, double x) {
    return std::bit_cast<double>(std::bit_cast<std::uint64_t>(x) & (std::uint64_t{0} - keep));
}

class InterleavedTally {
public:
    static constexpr std::uint32_t kLanes = 4;
    explicit InterleavedTally(std::size_t firms) : firms_(firms), lanes_(firms * kLanes) {}
    FirmTally& at(std::uint32_t customer, std::size_t firm) { return lanes_[(customer % kLanes) * firms_ + firm]; }
    FirmTally* lane_of(std::uint32_t customer) { return &lanes_[(customer % kLanes) * firms_]; }
    std::vector<FirmTally> sum() const {
        std::vector<FirmTally> total(firms_);
        for (std::uint32_t l = 0; l < kLanes; ++l)
            for (std::size_t f = 0; f < firms_; ++f) total[f] += lanes_[l * firms_ + f];
        return total;
    }

private:
    std::size_t firms_;
    std::vector<FirmTally> lanes_;
};

// The recorded table: one row per (tick, firm).
std::vector<sim::ColumnSpec> firm_tick_columns();
// What a row needs besides the firm's tally.
struct RowContext {
    double margin;               // the firm's profit share
    double discount_rate;        // per tick, for customer lifetime value
    const MarketTally& market;   // market-wide counts
    double value_concentration;  // top-20 % value share (NaN: not computed this tick)
};
// Appends the row of `firm` at `tick`.
void emit_firm_tick_row(std::uint32_t tick, std::uint32_t firm, const FirmTally& t, const RowContext& context,
                        const sim::RowSink& sink);

}  // namespace models
