#include "experiments/run/ExecuteRun.hpp"

#include "experiments/run/BuildNetwork.hpp"
#include "experiments/run/SafePaths.hpp"
#include "models/market/Market.hpp"
#include "sim/recording/TimeSeriesWriter.hpp"
#include "sim/schedule/TickLoop.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <utility>

namespace experiments {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void write_column(const sim::h5::Group& g, const sim::ColumnData& c) {
    switch (c.spec.type) {
        case sim::ColumnType::Int64:
            return g.write_column(c.spec.name, c.ints, c.spec.units, c.spec.description);
        case sim::ColumnType::Float64:
            return g.write_column(c.spec.name, c.doubles, c.spec.units, c.spec.description);
        case sim::ColumnType::String:
            return g.write_column(c.spec.name, c.strings, c.spec.description);
    }
}

// /snapshots/tick_<t>/: every customer's state after tick t, one dataset per variable.
void write_snapshot(const sim::h5::Group& root, std::uint32_t tick, const std::vector<sim::ColumnData>& columns) {
    if (!root.has("snapshots")) root.create_group("snapshots");
    const sim::h5::Group g = root.open_group("snapshots").create_group("tick_" + std::to_string(tick));
    g.set_attribute("tick", std::int64_t{tick});
    for (const auto& c : columns) write_column(g, c);
}

// /<name>/: a table the model reports once per run (e.g. the TARP table).
void write_table(const sim::h5::Group& root, const sim::Table& table) {
    const sim::h5::Group g = root.create_group(table.name);
    g.set_attribute("description", table.description);
    for (const auto& c : table.columns) write_column(g, c);
}

// Money summed over a run can overflow to inf (and inf - inf to NaN) with
// extreme spend or prices; such a run has no result to report, so it fails
// with a message instead of ending "complete" with numbers that mean nothing.
void check_money_is_finite(const ExperimentConfig& config, const RunRecord& record) {
    for (std::size_t f = 0; f < record.firms.size(); ++f) {
        const FirmOutcome& o = record.firms[f];
        const std::pair<const char*, double> sums[] = {{"revenue", o.revenue},
                                                       {"recovery_cost", o.recovery_cost},
                                                       {"profit", o.profit},
                                                       {"customer_equity", o.final_customer_equity}};
        for (const auto& [name, value] : sums)
            if (!std::isfinite(value))
                throw std::runtime_error("firm " + config.market.firms[f].name + "'s " + name + " is " +
                                         (std::isnan(value) ? "NaN" : "infinite") +
                                         ": money overflowed the range of a double; lower spend or prices");
    }
}

// The run's market at its first recorded tick: built at tick 0 of the model,
// or continued from a copy of its warmed market (with the network it ran on).
struct StartingMarket {
    std::shared_ptr<const WarmedMarket> warmed;  // keeps the warm-up's network alive
    sim::Network own_network;
    std::optional<models::Market> market;
};

void start_market(const ExperimentConfig& config, const sim::Network* fixed_network, const PolicyStart* start,
                  StartingMarket& s, RunRecord& record) {
    const ExperimentConfig& first = start ? *start->before_policy : config;
    if (start && start->warmed) {
        s.warmed = start->warmed();
        record.network_seconds = fixed_network ? 0.0 : s.warmed->network_seconds;
        record.network_edges = s.warmed->network->undirected_edges();
        s.market.emplace(*s.warmed->market);
        return;
    }
    const auto network_start = std::chrono::steady_clock::now();
    if (!fixed_network)
        s.own_network =
            build_network(config.network, config.market.population.size, sim::CounterStream(record.spec.network_key));
    const sim::Network& network = fixed_network ? *fixed_network : s.own_network;
    record.network_seconds = fixed_network ? 0.0 : seconds_since(network_start);
    record.network_edges = network.undirected_edges();
    s.market.emplace(recorded_market(first), network, record.spec.stream_key);
}

void simulate(const ExperimentConfig& config, const sim::Network* fixed_network, const sim::h5::Group& root,
              const std::function<void()>& on_tick, const PolicyStart* start, RunRecord& record) {
    StartingMarket starting;
    start_market(config, fixed_network, start, starting, record);
    models::Market& market = *starting.market;
    const std::uint32_t warmup = config.experiment.warmup;
    const std::uint32_t policy_from = start ? config.design.policies[record.spec.policy].start_tick : 0;
    if (start && policy_from == 0) market.continue_under(recorded_market(config));
    for (std::uint32_t i = 0; i < market.customers().size(); ++i)
        if (const std::uint8_t f = market.customers().firm[i]; f != models::kNoFirm)
            ++record.firms[f].initial_customers;

    // A chunk never larger than the whole series: HDF5 pads and compresses
    // whole chunks, which costs a short run more than its simulation.
    const std::uint64_t rows = std::uint64_t{config.experiment.ticks} * config.market.firms.size();
    const auto chunk = static_cast<std::size_t>(std::min<std::uint64_t>(config.output.chunk_rows, rows));
    sim::TimeSeriesWriter series(root, "timeseries", market.metric_columns(), chunk, config.output.compression);
    sim::TickLoopOptions loop;
    loop.from = loop.origin = warmup;
    loop.ticks = policy_from ? policy_from : config.experiment.ticks;
    loop.record = [&](std::span<const sim::Cell> row) {
        series.append(row);
        accumulate_outcome(row, record.firms);
    };
    // The transaction log, when the model keeps one: streamed like the series.
    std::optional<sim::TimeSeriesWriter> events;
    if (const auto columns = market.event_columns(); !columns.empty()) {
        events.emplace(root, "transactions", columns, config.output.chunk_rows, config.output.compression);
        loop.events = [&](std::span<const sim::Cell> row) { events->append(row); };
    }
    loop.progress = [&](std::uint32_t) {
        if (on_tick) on_tick();
    };
    loop.snapshot_every = config.output.snapshot_every;
    loop.snapshot = [&](std::uint32_t tick, std::vector<sim::ColumnData>&& columns) {
        write_snapshot(root, tick, columns);
    };
    record.simulation_seconds = sim::run_ticks(market, loop);
    if (policy_from) {  // the policy takes effect at recorded tick policy_from
        market.continue_under(recorded_market(config));
        loop.from = warmup + policy_from;
        loop.ticks = config.experiment.ticks - policy_from;
        record.simulation_seconds += sim::run_ticks(market, loop);
    }
    check_money_is_finite(config, record);
    series.flush();
    if (events) events->flush();
    for (const sim::Table& table : market.run_tables()) write_table(root, table);
    record.status = "complete";
}

}  // namespace

RunRecord execute_run(const ExperimentConfig& config, const RunSpec& spec, const sim::Network* fixed_network,
                      const PartialResults& partial, const std::function<void()>& on_tick, const PolicyStart* start) {
    RunRecord record;
    record.spec = spec;
    record.firms.assign(config.market.firms.size(), FirmOutcome{});
    const std::string path = partial.run_temp_file(spec.run_id);
    claim_new_file(path);  // a link left at this name is removed, never written through
    {
        sim::h5::File file(path, sim::h5::Mode::CreateTruncate);
        const sim::h5::Group root = file.root();
        try {
            simulate(config, fixed_network, root, on_tick, start, record);
        } catch (const sim::h5::Error&) {
            throw;  // the run's file is unusable: not a model failure
        } catch (const std::exception& e) {
            record =
                RunRecord{spec, "failed", e.what(), 0.0, 0.0, 0, std::vector<FirmOutcome>(config.market.firms.size())};
            for (const char* group : {"timeseries", "snapshots", "tarp", "transactions"})
                if (root.has(group)) root.remove(group);
        }
        root.set_attribute("config", config.resolved_yaml);
        write_run_attributes(root, record);
        file.flush();
    }
    partial.commit_run(spec.run_id);
    return record;
}

}  // namespace experiments
