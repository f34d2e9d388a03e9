#include "experiments/run/RunExperiment.hpp"

#include "experiments/config/ConfigError.hpp"
#include "experiments/run/BuildNetwork.hpp"
#include "sim/network/EdgeListFile.hpp"
#include "experiments/run/Provenance.hpp"
#include "experiments/run/UsageError.hpp"
#include "models/market/Market.hpp"
#include "sim/parallel/Threads.hpp"
#include "sim/random/SeedDerivation.hpp"
#include "sim/recording/TimeSeriesWriter.hpp"
#include "sim/schedule/TickLoop.hpp"
#include "sim/util/MemoryUsage.hpp"
#include "sim/util/Progress.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <memory>
#include <ostream>

namespace experiments {
namespace fs = std::filesystem;
namespace {

constexpr std::uint32_t kNetworkStream = 1;  // RunCoordinates::stream of the network's draws

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string partial_path(const std::string& output) { return output + ".partial"; }

// Keeps the run's per-firm outcomes up to date as rows stream past.
class OutcomeTracker {
public:
    explicit OutcomeTracker(std::vector<FirmOutcome>& firms) : firms_(firms) {}
    void observe(std::span<const sim::Cell> row) {
        // Column positions follow models::firm_tick_columns().
        FirmOutcome& f = firms_[static_cast<std::size_t>(row[1].i)];
        f.final_customers = row[2].i;
        f.switched_out += row[3].i;
        f.failures += row[5].i;
        f.complaints += row[7].i;
        f.final_mean_satisfaction = row[14].f;
        f.revenue += row[15].f;
        f.recovery_cost += row[16].f;
        f.profit += row[17].f;
    }

private:
    std::vector<FirmOutcome>& firms_;
};

void write_run_attributes(const sim::h5::Group& g, const RunRecord& r) {
    g.set_attribute("run_id", static_cast<std::int64_t>(r.run_id));
    g.set_attribute("replication", static_cast<std::int64_t>(r.replication));
    g.set_attribute("stream_key", static_cast<std::int64_t>(r.stream_key));
    g.set_attribute("status", r.status);
    g.set_attribute("error", r.error);
    g.set_attribute("network_seconds", r.network_seconds);
    g.set_attribute("simulation_seconds", r.simulation_seconds);
    g.set_attribute("network_edges", static_cast<std::int64_t>(r.network_edges));
}

void execute_run(const ExperimentConfig& config, const sim::Network* fixed_network, const sim::h5::Group& runs,
                 sim::Progress& progress, RunRecord& record) {
    const std::uint32_t r = record.replication;
    const sim::StreamKey key = sim::derive_stream_key(config.experiment.seed, {0, 0, r, 0});
    record.stream_key = key.value;
    for (const auto& f : config.market.firms) record.firms.push_back(FirmOutcome{f.name});

    const auto network_start = std::chrono::steady_clock::now();
    sim::Network own_network;
    if (!fixed_network) {
        const sim::CounterStream network_stream(sim::derive_stream_key(config.experiment.seed, {0, 0, r, kNetworkStream}));
        own_network = build_network(config.network, config.market.population.size, network_stream);
    }
    const sim::Network& network = fixed_network ? *fixed_network : own_network;
    record.network_seconds = fixed_network ? 0.0 : seconds_since(network_start);
    record.network_edges = network.undirected_edges();

    models::Market market(config.market, network, key);
    for (std::size_t f = 0; f < market.tally().size(); ++f) record.firms[f].initial_customers = 0;
    for (std::uint32_t i = 0; i < market.customers().size(); ++i)
        ++record.firms[market.customers().firm[i]].initial_customers;

    const sim::h5::Group group = runs.create_group(std::to_string(record.run_id));
    sim::TimeSeriesWriter series(group, "timeseries", market.metric_columns(), config.output.chunk_rows,
                                 config.output.compression);
    OutcomeTracker tracker(record.firms);
    sim::TickLoopOptions loop;
    loop.ticks = config.experiment.ticks;
    loop.record = [&](std::span<const sim::Cell> row) {
        series.append(row);
        tracker.observe(row);
    };
    const std::uint64_t ticks_before = static_cast<std::uint64_t>(r) * config.experiment.ticks;
    loop.progress = [&](std::uint32_t done) { progress.update(ticks_before + done); };
    record.simulation_seconds = sim::run_ticks(market, loop);
    series.flush();
    record.status = "complete";
    write_run_attributes(group, record);
}

void write_plan(const sim::h5::Group& root, const std::vector<RunRecord>& runs) {
    const sim::h5::Group plan = root.create_group("plan");
    std::vector<std::int64_t> id, replication, key, edges;
    std::vector<double> network_s, simulation_s;
    std::vector<std::string> status, error;
    for (const auto& r : runs) {
        id.push_back(r.run_id);
        replication.push_back(r.replication);
        key.push_back(static_cast<std::int64_t>(r.stream_key));
        edges.push_back(static_cast<std::int64_t>(r.network_edges));
        network_s.push_back(r.network_seconds);
        simulation_s.push_back(r.simulation_seconds);
        status.push_back(r.status);
        error.push_back(r.error);
    }
    plan.write_column("run_id", id, "1", "run number; its time series is /runs/<run_id>/timeseries");
    plan.write_column("replication", replication, "1", "replication index, 0-based");
    plan.write_column("stream_key", key, "1", "the run's random stream key (64 bits, derived from seed and coordinates)");
    plan.write_column("status", status, "complete, failed or pending");
    plan.write_column("error", error, "why the run failed; empty when it did not");
    plan.write_column("network_edges", edges, "edges", "undirected edges of the run's social network");
    plan.write_column("network_seconds", network_s, "s", "wall time to build the network");
    plan.write_column("simulation_seconds", simulation_s, "s", "wall time to simulate and record the ticks");
}

void write_summary(const sim::h5::Group& root, const std::vector<RunRecord>& runs) {
    const sim::h5::Group summary = root.create_group("summary");
    std::vector<std::int64_t> run_id, firm, initial, final_customers, switched, failures, complaints;
    std::vector<double> revenue, cost, profit, satisfaction;
    std::vector<std::string> name;
    for (const auto& r : runs)
        for (std::size_t f = 0; f < r.firms.size(); ++f) {
            const FirmOutcome& o = r.firms[f];
            run_id.push_back(r.run_id);
            firm.push_back(static_cast<std::int64_t>(f));
            name.push_back(o.firm);
            initial.push_back(o.initial_customers);
            final_customers.push_back(o.final_customers);
            switched.push_back(o.switched_out);
            failures.push_back(o.failures);
            complaints.push_back(o.complaints);
            revenue.push_back(o.revenue);
            cost.push_back(o.recovery_cost);
            profit.push_back(o.profit);
            satisfaction.push_back(o.final_mean_satisfaction);
        }
    summary.write_column("run_id", run_id, "1", "run number (see /plan)");
    summary.write_column("firm", firm, "1", "firm index into the config's firms list");
    summary.write_column("firm_name", name, "firm name from the config");
    summary.write_column("initial_customers", initial, "customers", "customers at the start of the run");
    summary.write_column("final_customers", final_customers, "customers", "customers after the last tick");
    summary.write_column("switched_out", switched, "customers", "customers lost to competitors, summed over ticks");
    summary.write_column("failures", failures, "customers", "service failures, summed over ticks");
    summary.write_column("complaints", complaints, "customers", "complaints, summed over ticks");
    summary.write_column("revenue", revenue, "currency units", "revenue summed over ticks");
    summary.write_column("recovery_cost", cost, "currency units", "recovery cost summed over ticks");
    summary.write_column("profit", profit, "currency units", "profit summed over ticks");
    summary.write_column("final_mean_satisfaction", satisfaction, "1", "mean satisfaction after the last tick");
}

}  // namespace

bool ExperimentResult::all_complete() const {
    for (const auto& r : runs)
        if (r.status != "complete") return false;
    return true;
}

void check_output_path(const RunOptions& options) {
    const fs::path out(options.output_path);
    if (options.output_path.empty()) throw UsageError("no output file given: use -o OUT.h5");
    if (fs::is_directory(out)) throw UsageError(options.output_path + ": is a folder; give a file name (-o OUT.h5)");
    if (fs::exists(out) && !options.overwrite)
        throw UsageError(options.output_path + ": exists; pass --overwrite to replace it");
    const fs::path folder = out.parent_path().empty() ? fs::path(".") : out.parent_path();
    if (!fs::is_directory(folder)) throw UsageError(options.output_path + ": folder " + folder.string() + " does not exist");
    if (access(folder.c_str(), W_OK) != 0)
        throw UsageError(options.output_path + ": folder " + folder.string() + " is not writable");
}

namespace {

// Everything that touches the file happens here, so that every HDF5 handle is
// closed when it returns and the finished file can be renamed into place.
void write_results(const std::string& path, const ExperimentConfig& config, const RunOptions& options,
                   const sim::Network* fixed_network, ExperimentResult& result) {
    sim::h5::File file(path, sim::h5::Mode::CreateTruncate);
    const sim::h5::Group root = file.root();
    write_provenance(root, collect_provenance(options.command_line, sim::max_threads()), config);
    root.set_attribute("status", "running");
    const sim::h5::Group runs = root.create_group("runs");

    const std::uint32_t total_runs = config.experiment.replications;
    sim::Progress progress(std::uint64_t{total_runs} * config.experiment.ticks, "ticks", options.show_progress);
    for (std::uint32_t r = 0; r < total_runs; ++r) {
        RunRecord record;
        record.run_id = r;
        record.replication = r;
        progress.set_label("run " + std::to_string(r + 1) + "/" + std::to_string(total_runs) + "  ");
        try {
            execute_run(config, fixed_network, runs, progress, record);
        } catch (const std::exception& e) {
            record.status = "failed";
            record.error = e.what();
        }
        file.flush();
        result.runs.push_back(std::move(record));
    }
    progress.finish();

    write_plan(root, result.runs);
    write_summary(root, result.runs);
    root.set_attribute("finished_at", utc_now_iso8601());
    root.set_attribute("status", result.all_complete() ? "complete" : "failed runs");
    root.set_attribute("peak_resident_bytes", static_cast<std::int64_t>(sim::peak_resident_bytes()));
    file.flush();
}

}  // namespace

ExperimentResult run_experiment(const ExperimentConfig& config, const RunOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    sim::set_threads(options.threads);
    ExperimentResult result;
    result.output_path = options.output_path;

    // A file network is input: read it before anything is written, so a bad
    // file is a clean input error.
    std::unique_ptr<sim::Network> fixed_network;
    if (network_is_fixed(config.network)) {
        try {
            fixed_network = std::make_unique<sim::Network>(
                build_network(config.network, config.market.population.size, sim::CounterStream({0})));
        } catch (const sim::EdgeListError& e) {
            throw ConfigError({config.file, config.network.line, 0, "network.path"}, std::string("edge list ") + e.what());
        }
    }

    const std::string partial = partial_path(options.output_path);
    write_results(partial, config, options, fixed_network.get(), result);
    fs::rename(partial, options.output_path);
    result.wall_seconds = seconds_since(start);
    result.peak_resident_bytes = sim::peak_resident_bytes();
    return result;
}

void print_summary(const ExperimentConfig& config, const ExperimentResult& result, std::ostream& out) {
    const auto& e = config.experiment;
    out << "crmsim: " << e.name << ": " << result.runs.size() << " run(s) x " << e.ticks << " ticks x "
        << config.market.population.size << " customers in " << std::fixed << std::setprecision(2)
        << result.wall_seconds << " s -> " << result.output_path << "\n";
    for (const auto& run : result.runs) {
        out << "\nrun " << run.run_id << " (replication " << run.replication << "): " << run.status;
        if (!run.error.empty()) out << ": " << run.error;
        if (run.status == "complete") {
            const double agent_ticks = double(config.market.population.size) * e.ticks;
            out << ", network " << std::setprecision(2) << run.network_seconds << " s, simulation "
                << run.simulation_seconds << " s (" << std::setprecision(1) << agent_ticks / run.simulation_seconds / 1e6
                << " M agent-ticks/s)";
        }
        out << "\n";
        if (run.status != "complete") continue;
        out << "  " << std::left << std::setw(14) << "firm" << std::right << std::setw(12) << "customers"
            << std::setw(12) << "->" << std::setw(12) << "switched" << std::setw(12) << "complaints" << std::setw(16)
            << "revenue" << std::setw(16) << "profit" << std::setw(14) << "satisfaction" << "\n";
        for (const auto& f : run.firms)
            out << "  " << std::left << std::setw(14) << f.firm << std::right << std::setw(12) << f.initial_customers
                << std::setw(12) << f.final_customers << std::setw(12) << f.switched_out << std::setw(12)
                << f.complaints << std::setw(16) << std::setprecision(0) << f.revenue << std::setw(16) << f.profit
                << std::setw(14) << std::setprecision(3) << f.final_mean_satisfaction << "\n";
    }
}

}  // namespace experiments
