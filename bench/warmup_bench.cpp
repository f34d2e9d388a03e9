// What sharing the warm-up saves (experiment.warmup; docs/experiments.md).
//
// BM_WarmUp/<mode>/policies:P runs one replication of P policies after a
// warm-up of W = 52 ticks, recording T = 13 ticks each, N = 50,000 customers
// (RM-1's market; the policies differ in firm 0's quick-recovery share), in
// this process on one thread, one run at a time:
//   shared      the warm-up runs once and every policy continues from a copy
//               (the default): W + P * T ticks simulated
//   recomputed  every policy runs its own warm-up (RunOptions::share_warm_ups
//               false): P * (W + T) ticks
// and reports
//   model_ticks     the ticks simulated, W + P * T or P * (W + T)
//   ticks_per_s     model_ticks / CPU seconds of the whole experiment
//                   (network builds, recording and assembly included)
// Times are CPU times of the experiment's one thread, steadier than wall
// times on a shared machine.
//
//   ./crmsim_warmup_bench --benchmark_repetitions=1
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/run/RunExperiment.hpp"

#include <benchmark/benchmark.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace {

constexpr int kWarmup = 52;
constexpr int kTicks = 13;

std::string temp_path(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("crmsim-bench-warmup-" + std::to_string(getpid()) + name))
        .string();
}

// RM-1's two firms with P policies: the baseline and P - 1 quick-recovery shares (0.25, 0.3, ...).
std::string write_config(int policies) {
    std::string text = "experiment: {name: warm-up, ticks: " + std::to_string(kTicks) +
                       ", warmup: " + std::to_string(kWarmup) +
                       "}\npopulation: {size: 50000}\nfirms: [{name: a}, {name: b}]\npolicies:\n"
                       "  - {name: baseline, baseline: true}\n";
    for (int p = 1; p < policies; ++p)
        text += "  - {name: quick" + std::to_string(p) +
                ", set: {firms.0.recovery.quick: " + std::to_string(0.2 + 0.05 * p) + "}}\n";
    const std::string path = temp_path(".yaml");
    std::ofstream(path) << text;
    return path;
}

void BM_WarmUp(benchmark::State& state, bool shared) {
    const int policies = static_cast<int>(state.range(0));
    const std::string config_path = write_config(policies);
    const auto config = experiments::load_experiment_config(config_path, {});
    experiments::RunOptions options;
    options.output_path = temp_path(".h5");
    options.jobs = 1;
    options.threads = 1;
    options.share_warm_ups = shared;
    for (auto _ : state) {
        std::filesystem::remove(options.output_path);
        benchmark::DoNotOptimize(experiments::run_experiment(config, options));
    }
    std::filesystem::remove(options.output_path);
    std::filesystem::remove(config_path);
    const double ticks = shared ? kWarmup + policies * kTicks : policies * (kWarmup + kTicks);
    state.counters["model_ticks"] = ticks;
    state.counters["ticks_per_s"] = benchmark::Counter(ticks, benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK_CAPTURE(BM_WarmUp, shared, true)
    ->Arg(1)
    ->Arg(2)
    ->Arg(4)
    ->Arg(8)
    ->ArgName("policies")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_WarmUp, recomputed, false)
    ->Arg(1)
    ->Arg(2)
    ->Arg(4)
    ->Arg(8)
    ->ArgName("policies")
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
