// What the market reports: the per-tick firm table, per-customer snapshots
// and the run's TARP table.
#include "models/market/Market.hpp"

#include <limits>
#include <string_view>
#include <type_traits>

namespace models {
namespace {

// A snapshot column of the customers' values, as integers or as doubles.
template <class T>
sim::ColumnData snapshot_column(const char* name, const char* unit, const char* description,
                                const sim::Column<T>& values) {
    constexpr bool kFloat = std::is_floating_point_v<T>;
    sim::ColumnData column{
        {name, kFloat ? sim::ColumnType::Float64 : sim::ColumnType::Int64, unit, description}, {}, {}, {}};
    if constexpr (kFloat)
        column.doubles.assign(values.data(), values.data() + values.size());
    else
        column.ints.assign(values.data(), values.data() + values.size());
    return column;
}

}  // namespace

std::vector<sim::ColumnSpec> Market::metric_columns() const {
    return firm_tick_columns();
}

void Market::emit_metrics(std::uint32_t tick, const sim::RowSink& sink) const {
    for (std::uint32_t f = 0; f < tally_.size(); ++f)
        emit_firm_tick_row(
            tick, f, tally_[f],
            {params_.firms[f].margin, params_.metrics.discount_rate, market_tally_, value_concentration_[f]}, sink);
}

std::vector<sim::ColumnData> Market::snapshot() const {
    using sim::ColumnType;
    const CustomerState& c = customers_;
    std::vector<sim::ColumnData> columns;
#define CRMSIM_SNAPSHOT_COLUMN(type, name, initial, unit, description) \
    columns.push_back(snapshot_column(#name, unit, description, c.name));
    CRMSIM_CUSTOMER_COLUMNS(CRMSIM_SNAPSHOT_COLUMN, CRMSIM_CUSTOMER_NONE, CRMSIM_CUSTOMER_NONE, CRMSIM_CUSTOMER_NONE)
#undef CRMSIM_SNAPSHOT_COLUMN
    // The RFM counters, which RM-1's customers do not store (Market::frequency).
    sim::ColumnData frequency{
        {"frequency", ColumnType::Int64, "purchases", "purchases from the current firm"}, {}, {}, {}};
    sim::ColumnData last{{"last_purchase", ColumnType::Int64, "tick",
                          "tick of the last purchase + 1 (0: none); recency after tick t = t + 1 - this"},
                         {},
                         {},
                         {}};
    sim::ColumnData value{
        {"monetary", ColumnType::Float64, "currency units", "spend with the current firm so far"}, {}, {}, {}};
    for (std::uint32_t i = 0; i < c.size(); ++i) {
        frequency.ints.push_back(this->frequency(i, ticks_done_));
        last.ints.push_back(last_purchase(i, ticks_done_));
        value.doubles.push_back(monetary(i, ticks_done_));
    }
    columns.push_back(std::move(frequency));
    columns.push_back(std::move(last));
    columns.push_back(std::move(value));
    return columns;
}

std::vector<sim::ColumnSpec> Market::event_columns() const {
    using sim::ColumnType;
    if (!params_.metrics.transaction_log) return {};
    return {
        {"customer", ColumnType::Int64, "1", "customer index"},
        {"tick", ColumnType::Int64, "tick", "tick of the purchases"},
        {"firm", ColumnType::Int64, "1", "firm bought from"},
        {"purchases", ColumnType::Int64, "purchases", "purchases by the customer in the tick"},
        {"amount", ColumnType::Float64, "currency units", "their total amount"},
    };
}

// Rows in customer order: chunks in order, customers in order within each.
void Market::emit_events(std::uint32_t tick, const sim::RowSink& sink) const {
    if (!params_.metrics.transaction_log) return;
    for (const ChunkScratch& chunk : chunk_scratch_) {
        for (const Transaction& t : chunk.transactions) {
            sim::Cell row[5];
            row[0].i = t.customer;
            row[1].i = tick;
            row[2].i = t.firm;
            row[3].i = t.purchases;
            row[4].f = t.amount;
            sink(row);
        }
    }
}

// /runs/<id>/tarp: one row per (firm, severity, outcome).
std::vector<sim::Table> Market::run_tables() const {
    using sim::ColumnType;
    sim::ColumnData firm{{"firm", ColumnType::Int64, "1", "firm index"}, {}, {}, {}};
    sim::ColumnData severity{{"severity", ColumnType::String, "", "minor or major"}, {}, {}, {}};
    sim::ColumnData outcome{
        {"outcome", ColumnType::String, "", "silent, unresolved, resolved or resolved_quickly"}, {}, {}, {}};
    sim::ColumnData customers{{"customers", ColumnType::Int64, "customers",
                               "customers whose failure of this kind started an observation that completed"},
                              {},
                              {},
                              {}};
    sim::ColumnData retained{{"retained", ColumnType::Int64, "customers",
                              "of those, customers still with the firm at the end of the horizon"},
                             {},
                             {},
                             {}};
    sim::ColumnData share{{"share", ColumnType::Float64, "1", "retained / customers (NaN if none)"}, {}, {}, {}};
    sim::ColumnData satisfaction{
        {"retained_satisfaction", ColumnType::Float64, "1",
         "mean satisfaction [0, 1] of the retained when their observation ended (NaN if none)"},
        {},
        {},
        {}};
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const auto row = [&](std::size_t f, std::string_view sev, std::string_view out, std::int64_t n, std::int64_t kept,
                         double satisfaction_sum) {
        firm.ints.push_back(static_cast<std::int64_t>(f));
        severity.strings.emplace_back(sev);
        outcome.strings.emplace_back(out);
        customers.ints.push_back(n);
        retained.ints.push_back(kept);
        share.doubles.push_back(n ? static_cast<double>(kept) / static_cast<double>(n) : nan);
        satisfaction.doubles.push_back(kept ? satisfaction_sum / static_cast<double>(kept) : nan);
    };
    const bool reference = params_.mechanisms.tarp.reference_every > 0;
    for (std::size_t f = 0; f < tarp_.size(); ++f) {
        const TarpFollowUp& follow_up = tarp_follow_up_[f];
        for (std::size_t g = 0; g < kTarpGroups; ++g)
            row(f, tarp_severity(g) == Severity::Major ? "major" : "minor", kOutcomeNames[index(tarp_outcome(g))],
                tarp_[f].customers[g], tarp_[f].retained[g], follow_up.satisfaction[g]);
        // The customers who met no failure in their window (TarpTracking::reference_every).
        if (reference)
            row(f, "none", kOutcomeNames[index(Outcome::NoFailure)], follow_up.reference_customers,
                follow_up.reference_retained, follow_up.satisfaction[kTarpReference]);
    }
    sim::Table table{
        "tarp",
        "TARP table: customers who met a failure, by firm, severity and outcome, and the share still "
        "with the firm after mechanisms.tarp.horizon ticks (only failures at or before tick ticks - horizon, "
        "whose observation can complete within the run); with mechanisms.tarp.reference_every, a row per firm "
        "(severity none, outcome no_failure) of customers who met no failure in an observation as long",
        {std::move(firm), std::move(severity), std::move(outcome), std::move(customers), std::move(retained),
         std::move(share), std::move(satisfaction)}};
    return {std::move(table)};
}

}  // namespace models
