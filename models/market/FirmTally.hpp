#pragma once
// Per-firm counts and sums for one tick: the market's recorded metrics,
// defined in FirmMetrics.hpp. Tallies are filled per chunk of customers and
// summed in chunk order, so the floating-point totals do not depend on the
// thread count.
#include "models/market/CustomerState.hpp"
#include "models/market/FirmMetrics.hpp"
#include "sim/recording/TableSchema.hpp"
#include "sim/util/OnlyIf.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace models {

// The macros that expand FirmMetrics.hpp's list: each kind of entry to
// nothing, or to what one of its users needs.
#define CRMSIM_METRIC_NONE(...)
#define CRMSIM_METRIC_INT_FIELD(field, ...) std::int64_t field = 0;
#define CRMSIM_METRIC_DOUBLE_FIELD(field, ...) double field = 0.0;
#define CRMSIM_METRIC_COUNTS_FIELD(field, extent) std::array<std::int64_t, extent> field{};
#define CRMSIM_METRIC_HIDDEN_FIELD(type, field) type field{};

// Per-firm counts and sums of one tick, one field per entry of
// FirmMetrics.hpp that has one (in its order): the market's recorded metrics.
struct FirmTally {
    CRMSIM_FIRM_METRICS(CRMSIM_METRIC_INT_FIELD, CRMSIM_METRIC_DOUBLE_FIELD, CRMSIM_METRIC_DOUBLE_FIELD,
                        CRMSIM_METRIC_DOUBLE_FIELD, CRMSIM_METRIC_DOUBLE_FIELD, CRMSIM_METRIC_INT_FIELD,
                        CRMSIM_METRIC_COUNTS_FIELD, CRMSIM_METRIC_NONE, CRMSIM_METRIC_NONE, CRMSIM_METRIC_HIDDEN_FIELD)

    // Every field summed (counts element by element).
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

// Loops that add a value to one of two firms' sums add it to one and +0.0
// to the other (sim::only_if): which firm a customer buys from is as good as
// a coin toss.
using sim::only_if;

// Per-firm tallies of one chunk, interleaved over a few lanes: customer i
// adds to lane i % kLanes. Consecutive customers of the same firm then add
// to different memory and do not wait on each other's store, which otherwise
// chains every customer's revenue addition to the previous one. Lanes are
// summed in lane order, so the totals stay independent of the thread count.
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

// The recorded table: one row per (tick, firm), a column per entry of
// FirmMetrics.hpp that has one.
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
// Adds to tally[f] (f < firms) the after-tick sums of the CUSTOMER_MEAN
// entries over the customers of [begin, end) (each at their firm after the
// tick), in customer order per tally lane: the same for any thread count.
void sum_customer_means(const CustomerColumns& c, std::uint32_t begin, std::uint32_t end, std::size_t firms,
                        FirmTally* tally);

}  // namespace models
