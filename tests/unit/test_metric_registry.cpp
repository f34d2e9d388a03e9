// The per-firm metric registry (models/market/FirmMetrics.hpp): its table,
// its chunk sum, its rows, and the docs table written from it.
#include "experiments/run/MetricsTable.hpp"
#include "models/market/FirmTally.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <cstring>
#include <fstream>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <vector>

namespace {

// Every column has a unique name, a unit ("" only for none) and a
// description; RM-1's first columns keep their positions.
TEST(MetricRegistry, ColumnsAreNamedUniquelyAndDocumented) {
    const auto columns = models::firm_tick_columns();
    std::set<std::string> names;
    for (const sim::ColumnSpec& c : columns) {
        EXPECT_TRUE(names.insert(c.name).second) << "column " << c.name << " twice";
        EXPECT_FALSE(c.units.empty()) << c.name;
        EXPECT_FALSE(c.description.empty()) << c.name;
        EXPECT_NE(c.type, sim::ColumnType::String) << c.name;
    }
    const char* rm1[] = {"tick",
                         "firm",
                         "customers",
                         "switched_out",
                         "switched_in",
                         "failures",
                         "major_failures",
                         "complaints",
                         "silent",
                         "unresolved",
                         "resolved",
                         "quick",
                         "negative_stories",
                         "positive_stories",
                         "mean_satisfaction",
                         "revenue",
                         "recovery_cost",
                         "profit"};
    for (std::size_t k = 0; k < std::size(rm1); ++k) EXPECT_EQ(columns[k].name, rm1[k]) << "position " << k;
}

// The accounts subtract every COST entry from the profit; its description
// says so by naming each (the profit's formula in the docs).
TEST(MetricRegistry, ProfitNamesEveryCost) {
    std::vector<std::string> costs;
#define CRMSIM_TEST_COST(field, column, ...) costs.push_back(#column);
    CRMSIM_FIRM_METRICS(CRMSIM_METRIC_NONE, CRMSIM_METRIC_NONE, CRMSIM_TEST_COST, CRMSIM_METRIC_NONE,
                        CRMSIM_METRIC_NONE, CRMSIM_METRIC_NONE, CRMSIM_METRIC_NONE, CRMSIM_METRIC_NONE,
                        CRMSIM_METRIC_NONE, CRMSIM_METRIC_NONE)
#undef CRMSIM_TEST_COST
    ASSERT_GE(costs.size(), 7u);
    EXPECT_EQ(costs.front(), "recovery_cost");  // first: RM-1's profit is margin * revenue - recovery_cost
    std::string profit;
    for (const sim::ColumnSpec& c : models::firm_tick_columns())
        if (c.name == "profit") profit = c.description;
    for (const std::string& cost : costs) EXPECT_NE(profit.find(cost), std::string::npos) << cost;
}

// The chunk sum adds every field: FirmTally holds only 64-bit fields, and
// adding a tally whose every word is 0x3FF0000000000000 (1.0 as a double, a
// large integer as an int64) to an empty one must give it word for word. A
// field the sum left out would stay 0.
TEST(MetricRegistry, ChunkSumAddsEveryField) {
    static_assert(sizeof(models::FirmTally) % sizeof(std::uint64_t) == 0);
    constexpr std::size_t kWords = sizeof(models::FirmTally) / sizeof(std::uint64_t);
    std::uint64_t words[kWords];
    for (std::uint64_t& w : words) w = 0x3FF0000000000000ull;
    models::FirmTally ones;
    std::memcpy(&ones, words, sizeof ones);
    models::FirmTally sum;
    sum += ones;
    EXPECT_EQ(std::memcmp(&sum, &ones, sizeof sum), 0);
}

// A row has a cell per column, and each column reads its own entry: a tally
// with a distinct count in each of a few fields shows each in its column.
TEST(MetricRegistry, RowsHaveACellPerColumnFromTheirEntry) {
    const auto columns = models::firm_tick_columns();
    const auto at = [&](const std::string& name) {
        for (std::size_t k = 0; k < columns.size(); ++k)
            if (columns[k].name == name) return k;
        ADD_FAILURE() << "no column " << name;
        return std::size_t{0};
    };
    models::FirmTally t;
    t.customers = 40;
    t.offers = 7;  // its column is named prevention_offers
    t.outcomes[models::index(models::Outcome::Resolved)] = 3;
    t.churn[models::churn_index(models::ChurnReason::Drift)] = 5;
    t.satisfaction_sum = 30.0;
    t.expectation_sum = 20.0;
    t.promoters = 10;
    t.guarantee_cost = 62.5;
    const models::MarketTally market{11, 13};
    std::vector<sim::Cell> row;
    models::emit_firm_tick_row(9, 1, t, {0.3, 0.002, market, 0.5},
                               [&](std::span<const sim::Cell> cells) { row.assign(cells.begin(), cells.end()); });
    ASSERT_EQ(row.size(), columns.size());
    EXPECT_EQ(row[at("tick")].i, 9);
    EXPECT_EQ(row[at("firm")].i, 1);
    EXPECT_EQ(row[at("customers")].i, 40);
    EXPECT_EQ(row[at("prevention_offers")].i, 7);
    EXPECT_EQ(row[at("resolved")].i, 3);
    EXPECT_EQ(row[at("churn_drift")].i, 5);
    EXPECT_EQ(row[at("mean_satisfaction")].f, 0.75);
    EXPECT_EQ(row[at("mean_expectation")].f, 0.5);
    EXPECT_EQ(row[at("promoter_share")].f, 0.25);
    EXPECT_EQ(row[at("guarantee_cost")].f, 62.5);
    EXPECT_EQ(row[at("profit")].f, -62.5);  // no revenue, the refunds as its only cost
    EXPECT_EQ(row[at("prospects")].i, 11);
    EXPECT_EQ(row[at("lapsed")].i, 13);
    EXPECT_EQ(row[at("top20_value_share")].f, 0.5);
}

// The table between the markers of docs/metrics.md is exactly what `crmsim
// metrics` prints from the registry: names, types, units and descriptions.
// After changing a metric, regenerate it (see docs/metrics.md).
TEST(MetricRegistry, DocsTableIsTheRegistrys) {
    std::ifstream in(CRMSIM_SOURCE_DIR "/docs/metrics.md");
    ASSERT_TRUE(in) << "docs/metrics.md is missing";
    const std::string begin = "<!-- metrics table: begin (crmsim metrics) -->", end = "<!-- metrics table: end -->";
    std::string line, documented;
    bool inside = false, found = false;
    while (std::getline(in, line)) {
        if (line == end) inside = false;
        if (inside) documented += line + "\n";
        if (line == begin) inside = found = true;
    }
    ASSERT_TRUE(found) << "docs/metrics.md has no line " << begin;
    std::ostringstream generated;
    experiments::write_metrics_table(generated);
    std::istringstream want(generated.str()), have(documented);
    std::string w, h;
    for (int n = 1; std::getline(want, w); ++n) {
        ASSERT_TRUE(std::getline(have, h)) << "docs/metrics.md lacks table line " << n << ": " << w;
        ASSERT_EQ(h, w) << "docs/metrics.md, table line " << n << " differs from the registry";
    }
    EXPECT_FALSE(std::getline(have, h)) << "docs/metrics.md has a row the registry has not: " << h;
}

// docs/results-file.md lists the time-series columns by name in its layout
// of the file (/runs/<run_id>/timeseries/ up to the next group): the names
// there, asides in parentheses left out, are the registry's, in its order.
TEST(MetricRegistry, ResultsFileDocsListEveryColumnInOrder) {
    std::ifstream in(CRMSIM_SOURCE_DIR "/docs/results-file.md");
    ASSERT_TRUE(in) << "docs/results-file.md is missing";
    std::string line, text;
    bool inside = false;
    while (std::getline(in, line)) {
        if (line.rfind("/runs/<run_id>/timeseries/", 0) == 0) {
            inside = true;
            line = line.substr(line.find(':') + 1);  // after "one row per (tick, firm), ...:"
        } else if (inside && line.rfind("/", 0) == 0) {
            break;
        }
        if (inside) text += line + " ";
    }
    ASSERT_FALSE(text.empty()) << "no /runs/<run_id>/timeseries/ entry in docs/results-file.md";
    std::string plain;  // without the asides in parentheses
    int depth = 0;
    for (const char c : text) {
        depth += c == '(';
        if (depth == 0) plain += c;
        depth -= c == ')' && depth > 0;
    }
    std::set<std::string> names;
    std::vector<std::string> registry;
    for (const sim::ColumnSpec& c : models::firm_tick_columns()) {
        names.insert(c.name);
        registry.push_back(c.name);
    }
    // Words in the prose that name a column ("the firm's strategies") are
    // followed by an apostrophe; the list's names by a comma or the end.
    std::vector<std::string> listed;
    const auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    for (std::size_t k = 0; k < plain.size();) {
        if (!word(plain[k])) {
            ++k;
            continue;
        }
        std::size_t e = k;
        while (e < plain.size() && word(plain[e])) ++e;
        const std::string token = plain.substr(k, e - k);
        if (names.count(token) && (e == plain.size() || plain[e] != '\'')) listed.push_back(token);
        k = e;
    }
    EXPECT_EQ(listed, registry) << "docs/results-file.md's list of time-series columns differs from the registry";
}

}  // namespace
