#include "experiments/run/RunRecord.hpp"

#include "models/market/FirmTally.hpp"

#include <stdexcept>
#include <string>

namespace experiments {
namespace {

// The position of a column of models::firm_tick_columns(), found by name once.
std::size_t column(const char* name) {
    static const std::vector<sim::ColumnSpec> columns = models::firm_tick_columns();
    for (std::size_t c = 0; c < columns.size(); ++c)
        if (columns[c].name == name) return c;
    throw std::logic_error(std::string("no time-series column ") + name);
}

const std::size_t kFirm = column("firm");
const std::size_t kCustomers = column("customers");
const std::size_t kSwitchedOut = column("switched_out");
const std::size_t kFailures = column("failures");
const std::size_t kComplaints = column("complaints");
const std::size_t kMeanSatisfaction = column("mean_satisfaction");
const std::size_t kRevenue = column("revenue");
const std::size_t kRecoveryCost = column("recovery_cost");
const std::size_t kProfit = column("profit");
const std::size_t kNegativeStories = column("negative_stories");
const std::size_t kPositiveStories = column("positive_stories");
const std::size_t kAcquiredMarketing = column("acquired_marketing");
const std::size_t kAcquiredWordOfMouth = column("acquired_word_of_mouth");
const std::size_t kTerminated = column("terminated");
const std::size_t kWonBack = column("won_back");
const std::size_t kEquity = column("customer_equity");

}  // namespace

void accumulate_outcome(std::span<const sim::Cell> row, std::vector<FirmOutcome>& firms) {
    FirmOutcome& f = firms.at(static_cast<std::size_t>(row[kFirm].i));
    f.final_customers = row[kCustomers].i;
    f.switched_out += row[kSwitchedOut].i;
    f.failures += row[kFailures].i;
    f.complaints += row[kComplaints].i;
    f.final_mean_satisfaction = row[kMeanSatisfaction].f;
    f.revenue += row[kRevenue].f;
    f.recovery_cost += row[kRecoveryCost].f;
    f.profit += row[kProfit].f;
    f.negative_stories += row[kNegativeStories].i;
    f.positive_stories += row[kPositiveStories].i;
    f.acquired += row[kAcquiredMarketing].i + row[kAcquiredWordOfMouth].i;
    f.terminated += row[kTerminated].i;
    f.won_back += row[kWonBack].i;
    f.final_customer_equity = row[kEquity].f;
}

void write_run_attributes(const sim::h5::Group& g, const RunRecord& r) {
    g.set_attribute("run_id", std::int64_t{r.spec.run_id});
    g.set_attribute("scenario", std::int64_t{r.spec.scenario});
    g.set_attribute("sweep_point", std::int64_t{r.spec.sweep_point});
    g.set_attribute("replication", std::int64_t{r.spec.replication});
    g.set_attribute("policy", std::int64_t{r.spec.policy});
    // Unsigned, as `crmsim plan` prints them: a key is 64 random bits.
    g.set_unsigned_attribute("stream_key", r.spec.stream_key.value);
    g.set_unsigned_attribute("network_key", r.spec.network_key.value);
    g.set_attribute("status", r.status);
    g.set_attribute("error", r.error);
    g.set_attribute("network_seconds", r.network_seconds);
    g.set_attribute("simulation_seconds", r.simulation_seconds);
    g.set_attribute("network_edges", static_cast<std::int64_t>(r.network_edges));
    std::string initial;
    for (const auto& f : r.firms) initial += (initial.empty() ? "" : ",") + std::to_string(f.initial_customers);
    g.set_attribute("initial_customers", initial);
}

RunRecord read_run_record(const sim::h5::Group& g, std::size_t firms) {
    RunRecord r;
    r.spec.run_id = static_cast<std::uint32_t>(g.int_attribute("run_id"));
    r.spec.scenario = static_cast<std::uint32_t>(g.int_attribute("scenario"));
    r.spec.sweep_point = static_cast<std::uint32_t>(g.int_attribute("sweep_point"));
    r.spec.replication = static_cast<std::uint32_t>(g.int_attribute("replication"));
    r.spec.policy = static_cast<std::uint32_t>(g.int_attribute("policy"));
    r.spec.stream_key.value = g.unsigned_attribute("stream_key");
    r.spec.network_key.value = g.unsigned_attribute("network_key");
    r.status = g.string_attribute("status");
    r.error = g.string_attribute("error");
    r.network_seconds = g.double_attribute("network_seconds");
    r.simulation_seconds = g.double_attribute("simulation_seconds");
    r.network_edges = static_cast<std::uint64_t>(g.int_attribute("network_edges"));
    r.firms.assign(firms, FirmOutcome{});
    const std::string initial = g.string_attribute("initial_customers");
    std::size_t f = 0, start = 0;
    while (f < firms && start <= initial.size()) {
        const std::size_t comma = initial.find(',', start);
        if (start < initial.size()) r.firms[f].initial_customers = std::stoll(initial.substr(start, comma - start));
        ++f;
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    if (r.status != "complete" || !g.has("timeseries")) return r;

    // Re-fold the stored rows in tick order: the same sums, in the same order, as during the run.
    const sim::h5::Group ts = g.open_group("timeseries");
    const std::vector<sim::ColumnSpec> columns = models::firm_tick_columns();
    std::vector<std::vector<std::int64_t>> ints(columns.size());
    std::vector<std::vector<double>> doubles(columns.size());
    for (std::size_t c = 0; c < columns.size(); ++c) {
        if (columns[c].type == sim::ColumnType::Int64)
            ints[c] = ts.read_ints(columns[c].name);
        else
            doubles[c] = ts.read_doubles(columns[c].name);
    }
    std::vector<sim::Cell> row(columns.size());
    for (std::size_t k = 0; k < ints[0].size(); ++k) {
        for (std::size_t c = 0; c < columns.size(); ++c) {
            if (columns[c].type == sim::ColumnType::Int64)
                row[c].i = ints[c][k];
            else
                row[c].f = doubles[c][k];
        }
        accumulate_outcome(row, r.firms);
    }
    return r;
}

}  // namespace experiments
