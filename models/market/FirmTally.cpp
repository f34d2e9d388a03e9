// FirmTally's sum, columns and rows, expanded from FirmMetrics.hpp's list.
#include "models/market/FirmTally.hpp"

#include "models/market/FirmAccounts.hpp"

#include <array>
#include <limits>
#include <string>

namespace models {
namespace {

using sim::ColumnType;

// What a row's DERIVED entries read (as `r`).
struct RowInputs {
    std::int64_t tick;
    std::int64_t firm;
    const FirmTally& t;
    const FirmAccounts& accounts;
    const RowContext& context;
};

sim::Cell int_cell(std::int64_t v) {
    return sim::Cell{.i = v};
}

sim::Cell float_cell(double v) {
    sim::Cell c;
    c.f = v;
    return c;
}

template <ColumnType kType, class T>
sim::Cell typed_cell(T v) {
    if constexpr (kType == ColumnType::Int64)
        return int_cell(static_cast<std::int64_t>(v));
    else
        return float_cell(static_cast<double>(v));
}

// NaN, not 0, for a firm with no customers left: there is no mean to report.
double per_customer(double x, std::int64_t customers) {
    return customers ? x / static_cast<double>(customers) : std::numeric_limits<double>::quiet_NaN();
}

// How many columns the list has.
#define CRMSIM_METRIC_ONE(...) +1
constexpr std::size_t kColumns = 0 CRMSIM_FIRM_METRICS(
    CRMSIM_METRIC_ONE, CRMSIM_METRIC_ONE, CRMSIM_METRIC_ONE, CRMSIM_METRIC_ONE, CRMSIM_METRIC_ONE, CRMSIM_METRIC_ONE,
    CRMSIM_METRIC_NONE, CRMSIM_METRIC_ONE, CRMSIM_METRIC_ONE, CRMSIM_METRIC_NONE);
#undef CRMSIM_METRIC_ONE

}  // namespace

FirmTally& FirmTally::operator+=(const FirmTally& o) {
#define CRMSIM_METRIC_ADD(field, ...) field += o.field;
#define CRMSIM_METRIC_ADD_COUNTS(field, extent) \
    for (std::size_t k = 0; k < (extent); ++k) field[k] += o.field[k];
#define CRMSIM_METRIC_ADD_HIDDEN(type, field) field += o.field;
    CRMSIM_FIRM_METRICS(CRMSIM_METRIC_ADD, CRMSIM_METRIC_ADD, CRMSIM_METRIC_ADD, CRMSIM_METRIC_ADD, CRMSIM_METRIC_ADD,
                        CRMSIM_METRIC_ADD, CRMSIM_METRIC_ADD_COUNTS, CRMSIM_METRIC_NONE, CRMSIM_METRIC_NONE,
                        CRMSIM_METRIC_ADD_HIDDEN)
#undef CRMSIM_METRIC_ADD
#undef CRMSIM_METRIC_ADD_COUNTS
#undef CRMSIM_METRIC_ADD_HIDDEN
    return *this;
}

std::vector<sim::ColumnSpec> firm_tick_columns() {
#define CRMSIM_METRIC_INT_SPEC(field, column, unit, description, ...) {#column, ColumnType::Int64, unit, description},
#define CRMSIM_METRIC_FLOAT_SPEC(field, column, unit, description, ...) \
    {#column, ColumnType::Float64, unit, description},
#define CRMSIM_METRIC_ELEMENT_SPEC(field, at, column, unit, description) \
    {#column, ColumnType::Int64, unit, description},
#define CRMSIM_METRIC_DERIVED_SPEC(type, column, unit, description, value) \
    {#column, ColumnType::type, unit, description},
    return {CRMSIM_FIRM_METRICS(CRMSIM_METRIC_INT_SPEC, CRMSIM_METRIC_FLOAT_SPEC, CRMSIM_METRIC_FLOAT_SPEC,
                                CRMSIM_METRIC_FLOAT_SPEC, CRMSIM_METRIC_FLOAT_SPEC, CRMSIM_METRIC_FLOAT_SPEC,
                                CRMSIM_METRIC_NONE, CRMSIM_METRIC_ELEMENT_SPEC, CRMSIM_METRIC_DERIVED_SPEC,
                                CRMSIM_METRIC_NONE)};
#undef CRMSIM_METRIC_INT_SPEC
#undef CRMSIM_METRIC_FLOAT_SPEC
#undef CRMSIM_METRIC_ELEMENT_SPEC
#undef CRMSIM_METRIC_DERIVED_SPEC
}

void emit_firm_tick_row(std::uint32_t tick, std::uint32_t firm, const FirmTally& t, const RowContext& context,
                        const sim::RowSink& sink) {
    const FirmAccounts accounts = account(t, context.margin, context.discount_rate);
    [[maybe_unused]] const RowInputs r{tick, firm, t, accounts, context};
#define CRMSIM_METRIC_COUNT_CELL(field, ...) int_cell(t.field),
#define CRMSIM_METRIC_AMOUNT_CELL(field, ...) float_cell(t.field),
#define CRMSIM_METRIC_MEAN_CELL(field, ...) float_cell(per_customer(t.field, t.customers)),
#define CRMSIM_METRIC_SHARE_CELL(field, ...) float_cell(per_customer(static_cast<double>(t.field), t.customers)),
#define CRMSIM_METRIC_ELEMENT_CELL(field, at, ...) int_cell(t.field[at]),
#define CRMSIM_METRIC_DERIVED_CELL(type, column, unit, description, value) typed_cell<ColumnType::type>(value),
    const sim::Cell row[kColumns] = {CRMSIM_FIRM_METRICS(
        CRMSIM_METRIC_COUNT_CELL, CRMSIM_METRIC_AMOUNT_CELL, CRMSIM_METRIC_AMOUNT_CELL, CRMSIM_METRIC_MEAN_CELL,
        CRMSIM_METRIC_MEAN_CELL, CRMSIM_METRIC_SHARE_CELL, CRMSIM_METRIC_NONE, CRMSIM_METRIC_ELEMENT_CELL,
        CRMSIM_METRIC_DERIVED_CELL, CRMSIM_METRIC_NONE)};
#undef CRMSIM_METRIC_COUNT_CELL
#undef CRMSIM_METRIC_AMOUNT_CELL
#undef CRMSIM_METRIC_MEAN_CELL
#undef CRMSIM_METRIC_SHARE_CELL
#undef CRMSIM_METRIC_ELEMENT_CELL
#undef CRMSIM_METRIC_DERIVED_CELL
    sink(row);
}

namespace {

// Per firm f < kFirms and lane i % 4 (customer order within a lane).
template <std::size_t kFirms>
using LaneSums = std::array<std::array<double, 4>, kFirms>;

// Customer i's value added to their firm's lane: with a few firms (kFirms
// known), every firm's lane takes value or +0.0 (which leaves a sum as it
// is; only_if, no branch on the firm), so that the sums stay in registers;
// with more, the sum is indexed by the firm byte (kNoFirm's row dropped).
// Adding to memory indexed by the firm was 3.7 ns a customer (RM-1, 10^6):
// each load waits on an earlier store that may be to the same place.
template <std::size_t kFirms, class Value>
void add_one(const std::uint8_t* firm, std::uint32_t i, Value& value, LaneSums<kFirms>& sums) {
    const double v = value(i);
    for (std::size_t f = 0; f < kFirms; ++f) sums[f][i % 4] += only_if(firm[i] == f, v);
}

template <std::size_t kFirms, class Value>
void sum_few_firms(const std::uint8_t* firm, std::uint32_t begin, std::uint32_t end, Value& value,
                   double FirmTally::*field, FirmTally* tally) {
    LaneSums<kFirms> sums{};
    std::uint32_t i = begin;
    for (; i % 4 != 0 && i < end; ++i) add_one<kFirms>(firm, i, value, sums);
    for (; i + 4 <= end; i += 4) {  // customers i .. i + 3 in lanes 0 .. 3
        const double v[4] = {value(i), value(i + 1), value(i + 2), value(i + 3)};
        for (std::size_t f = 0; f < kFirms; ++f)
            for (std::uint32_t l = 0; l < 4; ++l) sums[f][l] += only_if(firm[i + l] == f, v[l]);
    }
    for (; i < end; ++i) add_one<kFirms>(firm, i, value, sums);
    for (std::size_t f = 0; f < kFirms; ++f) tally[f].*field += ((sums[f][0] + sums[f][1]) + sums[f][2]) + sums[f][3];
}

// Adds value(i) of the customers of [begin, end) to `field` of their firm's
// tally: per firm and lane i % 4, in customer order, then the lanes in
// order (the same sums, whichever way they are taken).
template <class Value>
void sum_per_firm(const std::uint8_t* firm, std::uint32_t begin, std::uint32_t end, Value&& value,
                  double FirmTally::*field, std::size_t firms, FirmTally* tally) {
    switch (firms) {
        case 2:
            return sum_few_firms<2>(firm, begin, end, value, field, tally);
        case 3:
            return sum_few_firms<3>(firm, begin, end, value, field, tally);
        case 4:
            return sum_few_firms<4>(firm, begin, end, value, field, tally);
        default:
            break;
    }
    LaneSums<256> sums{};
    for (std::uint32_t i = begin; i < end; ++i) sums[firm[i]][i % 4] += value(i);
    for (std::size_t f = 0; f < firms; ++f) tally[f].*field += ((sums[f][0] + sums[f][1]) + sums[f][2]) + sums[f][3];
}

}  // namespace

void sum_customer_means([[maybe_unused]] const CustomerColumns& columns, [[maybe_unused]] std::uint32_t begin,
                        [[maybe_unused]] std::uint32_t end, [[maybe_unused]] std::size_t firms,
                        [[maybe_unused]] FirmTally* tally) {
    // A copy the loops own: no store can change its pointers, so they are read once.
    [[maybe_unused]] const CustomerColumns c = columns;
#define CRMSIM_METRIC_SUM(field, column, unit, description, value)                                                 \
    sum_per_firm(                                                                                                  \
        c.firm, begin, end, [&](std::uint32_t i) { return static_cast<double>(value); }, &FirmTally::field, firms, \
        tally);
    CRMSIM_FIRM_METRICS(CRMSIM_METRIC_NONE, CRMSIM_METRIC_NONE, CRMSIM_METRIC_NONE, CRMSIM_METRIC_NONE,
                        CRMSIM_METRIC_SUM, CRMSIM_METRIC_NONE, CRMSIM_METRIC_NONE, CRMSIM_METRIC_NONE,
                        CRMSIM_METRIC_NONE, CRMSIM_METRIC_NONE)
#undef CRMSIM_METRIC_SUM
}

}  // namespace models
