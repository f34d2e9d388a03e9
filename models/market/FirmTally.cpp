#include "models/market/FirmTally.hpp"

#include <limits>
#include <string>

namespace models {

FirmTally& FirmTally::operator+=(const FirmTally& o) {
    customers += o.customers;
    switched_out += o.switched_out;
    switched_in += o.switched_in;
    failures += o.failures;
    major_failures += o.major_failures;
    complaints += o.complaints;
    for (std::size_t k = 0; k < kOutcomes; ++k) outcomes[k] += o.outcomes[k];
    negative_stories += o.negative_stories;
    positive_stories += o.positive_stories;
    satisfaction_sum += o.satisfaction_sum;
    revenue += o.revenue;
    recovery_cost += o.recovery_cost;
    return *this;
}

std::vector<sim::ColumnSpec> firm_tick_columns() {
    using sim::ColumnType;
    return {
        {"tick", ColumnType::Int64, "tick", "tick index, 0-based; the row describes the state after this tick"},
        {"firm", ColumnType::Int64, "1", "firm index into the config's firms list"},
        {"customers", ColumnType::Int64, "customers", "customers of the firm after the tick"},
        {"switched_out", ColumnType::Int64, "customers", "customers who left the firm during the tick"},
        {"switched_in", ColumnType::Int64, "customers", "customers who joined the firm from a competitor"},
        {"failures", ColumnType::Int64, "customers", "customers who met a service failure"},
        {"major_failures", ColumnType::Int64, "customers", "failures that were major"},
        {"complaints", ColumnType::Int64, "customers", "customers who complained after a failure"},
        {"silent", ColumnType::Int64, "customers", "failures not complained about"},
        {"unresolved", ColumnType::Int64, "customers", "complaints left unresolved"},
        {"resolved", ColumnType::Int64, "customers", "complaints resolved, not quickly"},
        {"quick", ColumnType::Int64, "customers", "complaints resolved quickly"},
        {"negative_stories", ColumnType::Int64, "stories", "negative stories told by the firm's customers"},
        {"positive_stories", ColumnType::Int64, "stories", "positive stories told by the firm's customers"},
        {"mean_satisfaction", ColumnType::Float64, "1",
         "mean satisfaction [0, 1] of the firm's customers after the tick (NaN if it has none)"},
        {"revenue", ColumnType::Float64, "currency units", "spend of the firm's customers at the start of the tick"},
        {"recovery_cost", ColumnType::Float64, "currency units", "cost of the complaints the firm resolved"},
        {"profit", ColumnType::Float64, "currency units", "margin * revenue - recovery_cost"},
    };
}

void emit_firm_tick_row(std::uint32_t tick, std::uint32_t firm, const FirmTally& t, double margin,
                        const sim::RowSink& sink) {
    auto i = [](std::int64_t v) { return sim::Cell{.i = v}; };
    auto f = [](double v) {
        sim::Cell c;
        c.f = v;
        return c;
    };
    // NaN, not 0, for a firm with no customers left: there is no mean to report.
    const double mean_s =
        t.customers ? t.satisfaction_sum / static_cast<double>(t.customers) : std::numeric_limits<double>::quiet_NaN();
    const sim::Cell row[] = {
        i(tick),
        i(firm),
        i(t.customers),
        i(t.switched_out),
        i(t.switched_in),
        i(t.failures),
        i(t.major_failures),
        i(t.complaints),
        i(t.outcomes[index(Outcome::Silent)]),
        i(t.outcomes[index(Outcome::Unresolved)]),
        i(t.outcomes[index(Outcome::Resolved)]),
        i(t.outcomes[index(Outcome::ResolvedQuickly)]),
        i(t.negative_stories),
        i(t.positive_stories),
        f(mean_s),
        f(t.revenue),
        f(t.recovery_cost),
        f(margin * t.revenue - t.recovery_cost),
    };
    sink(row);
}

}  // namespace models
