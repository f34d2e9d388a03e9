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
#include "bench/ModelTiming.hpp"
#include "experiments/run/BuildNetwork.hpp"
#include "sim/parallel/Threads.hpp"

#include <benchmark/benchmark.h>

namespace {

constexpr const char* kRm1 = CRMSIM_SOURCE_DIR "/configs/reference/rm1.yaml";
constexpr const char* kLifecycle = CRMSIM_SOURCE_DIR "/configs/examples/lifecycle.yaml";

experiments::ExperimentConfig load(const char* path, std::uint32_t customers) {
    return experiments::load_experiment_config(path, {"population.size=" + std::to_string(customers)});
}

void time_model(benchmark::State& state, const char* config_path) {
    sim::set_threads(static_cast<int>(state.range(1)));
    bench::time_model(state, load(config_path, static_cast<std::uint32_t>(state.range(0))));
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
