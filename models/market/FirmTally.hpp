#pragma once
// Per-firm counts and sums for one tick: the market's recorded metrics.
// Tallies are filled per chunk of customers and summed in chunk order, so the
// floating-point totals do not depend on the thread count.
#include "models/mechanisms/ServiceOutcome.hpp"
#include "sim/recording/TableSchema.hpp"

#include <array>
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
    std::int64_t negative_stories = 0;  // told by this firm's customers
    std::int64_t positive_stories = 0;
    double satisfaction_sum = 0.0;      // over customers after the tick
    double revenue = 0.0;
    double recovery_cost = 0.0;

    FirmTally& operator+=(const FirmTally& o);
};

// The recorded table: one row per (tick, firm).
std::vector<sim::ColumnSpec> firm_tick_columns();
// Appends the row of `firm` at `tick` (margin: the firm's profit share).
void emit_firm_tick_row(std::uint32_t tick, std::uint32_t firm, const FirmTally& t, double margin,
                        const sim::RowSink& sink);

}  // namespace models
