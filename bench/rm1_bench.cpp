// Model throughput: RM-1 (shared/reference-model.md, "Benchmark sizes") and
// the full customer lifecycle (configs/examples/lifecycle.yaml, every
// mechanism on) on the same machine.
//
// BM_Rm1/N/threads and BM_Lifecycle/N/threads time T = 60 ticks with
// recording on (per-tick rows streamed to an HDF5 file) and report
//   agent_ticks_per_s   N * T / wall seconds of the tick loop
//   bytes_per_customer  customer state + network + tallies, per customer
//   network_build_s     building the Watts-Strogatz network (not in the time)
// BM_NetworkBuild/N times the network build alone.
//
//   ./crmsim_bench --benchmark_filter='Rm1|Lifecycle'
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/run/BuildNetwork.hpp"
#include "models/market/Market.hpp"
#include "sim/parallel/Threads.hpp"
#include "sim/recording/TimeSeriesWriter.hpp"
#include "sim/schedule/TickLoop.hpp"

#include <benchmark/benchmark.h>

#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>

namespace {

constexpr std::uint32_t kTicks = 60;

constexpr const char* kRm1 = CRMSIM_SOURCE_DIR "/configs/reference/rm1.yaml";
constexpr const char* kLifecycle = CRMSIM_SOURCE_DIR "/configs/examples/lifecycle.yaml";

experiments::ExperimentConfig load(const char* path, std::uint32_t customers) {
    return experiments::load_experiment_config(path, {"population.size=" + std::to_string(customers)});
}

struct BuiltNetwork {
    sim::Network network;
    double seconds;
};

// One network per size, built once and shared by the benchmarks of that size
// (both configs use the same Watts-Strogatz network).
const BuiltNetwork& network_for(const experiments::ExperimentConfig& config) {
    static std::map<std::uint32_t, std::unique_ptr<BuiltNetwork>> cache;
    const std::uint32_t n = config.market.population.size;
    auto& slot = cache[n];
    if (!slot) {
        const auto start = std::chrono::steady_clock::now();
        sim::Network net = experiments::build_network(config.network, n, sim::CounterStream({1}));
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        slot = std::make_unique<BuiltNetwork>(BuiltNetwork{std::move(net), s});
    }
    return *slot;
}

void time_model(benchmark::State& state, const char* config_path) {
    const auto customers = static_cast<std::uint32_t>(state.range(0));
    sim::set_threads(static_cast<int>(state.range(1)));
    const auto config = load(config_path, customers);
    const BuiltNetwork& built = network_for(config);
    const std::string path =
        (std::filesystem::temp_directory_path() / ("crmsim-bench-" + std::to_string(getpid()) + ".h5")).string();
    std::size_t bytes = 0;
    for (auto _ : state) {
        models::Market market(config.market, built.network, sim::StreamKey{42});
        sim::h5::File file(path, sim::h5::Mode::CreateTruncate);
        sim::TimeSeriesWriter series(file.root(), "timeseries", market.metric_columns());
        sim::TickLoopOptions loop;
        loop.ticks = kTicks;
        loop.record = [&](std::span<const sim::Cell> row) { series.append(row); };
        double seconds = sim::run_ticks(market, loop);
        const auto flush_start = std::chrono::steady_clock::now();
        series.flush();
        seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - flush_start).count();
        state.SetIterationTime(seconds);
        bytes = market.bytes() + built.network.bytes();
    }
    std::filesystem::remove(path);
    state.counters["agent_ticks_per_s"] =
        benchmark::Counter(double(customers) * kTicks, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["bytes_per_customer"] = double(bytes) / customers;
    state.counters["network_build_s"] = built.seconds;
    state.counters["threads"] = double(state.range(1));
}

void BM_Rm1(benchmark::State& state) {
    time_model(state, kRm1);
}
BENCHMARK(BM_Rm1)
    ->ArgsProduct({{10'000, 100'000, 1'000'000}, {1, 2}})
    ->ArgNames({"N", "threads"})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

void BM_Lifecycle(benchmark::State& state) {
    time_model(state, kLifecycle);
}
BENCHMARK(BM_Lifecycle)
    ->ArgsProduct({{100'000, 1'000'000}, {1, 2}})
    ->ArgNames({"N", "threads"})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

void BM_NetworkBuild(benchmark::State& state) {
    const auto config = load(kRm1, static_cast<std::uint32_t>(state.range(0)));
    for (auto _ : state) {
        sim::Network net =
            experiments::build_network(config.network, config.market.population.size, sim::CounterStream({1}));
        benchmark::DoNotOptimize(net);
    }
    state.counters["nodes_per_s"] =
        benchmark::Counter(double(state.range(0)), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_NetworkBuild)->Arg(100'000)->Arg(1'000'000)->ArgName("N")->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
