// Planning an experiment before any run (issue 23, item 6): building the plan
// and checking every run's config must take time linear in the number of
// runs and memory that does not grow with it. Two shapes:
//
// - BM_PlanReplications/runs:N: one config, N replications. Replications
//   share their config, so it is checked once: the cost is the plan itself.
// - BM_PlanSweepPoints/runs:N: an LHS sweep of N points, each a distinct
//   config, checked once each: the cost is N config checks.
//
// Each reports runs_per_s; linear planning keeps it flat as N grows
// (before issue 23: 1.3 s for 10^3 runs, 15 s for 10^4, 259 s for 10^5).
//
//   ./crmsim_plan_bench
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/run/RunExperiment.hpp"

#include <benchmark/benchmark.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace {

const std::string kTiny = CRMSIM_SOURCE_DIR "/tests/data/configs/tiny.yaml";

// A config with an LHS sweep of `points` points over one firm's failure rate.
std::string sweep_config(long points) {
    const std::string path =
        (std::filesystem::temp_directory_path() / ("crmsim-plan-bench-" + std::to_string(getpid()) + ".yaml")).string();
    std::ofstream(path) << "experiment: {name: plan-bench, ticks: 3}\n"
                           "population: {size: 1000}\n"
                           "firms: [{name: a}, {name: b}]\n"
                           "sweep:\n  method: lhs\n  points: "
                        << points << "\n  parameters:\n    - {key: firms.0.failure_rate, low: 0.1, high: 0.2}\n";
    return path;
}

void plan(benchmark::State& state, const experiments::ExperimentConfig& config) {
    for (auto _ : state) {
        const experiments::ExperimentRunner runner(config, experiments::RunOptions{});
        benchmark::DoNotOptimize(runner.planned_runs());
    }
    state.counters["runs_per_s"] =
        benchmark::Counter(double(state.range(0)), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_PlanReplications(benchmark::State& state) {
    const auto config =
        experiments::load_experiment_config(kTiny, {"experiment.replications=" + std::to_string(state.range(0))});
    plan(state, config);
}
BENCHMARK(BM_PlanReplications)
    ->RangeMultiplier(10)
    ->Range(1000, 100000)
    ->ArgName("runs")
    ->Unit(benchmark::kMillisecond);

void BM_PlanSweepPoints(benchmark::State& state) {
    const std::string path = sweep_config(state.range(0));
    const auto config = experiments::load_experiment_config(path, {});
    plan(state, config);
    std::filesystem::remove(path);
}
BENCHMARK(BM_PlanSweepPoints)
    ->RangeMultiplier(10)
    ->Range(1000, 100000)
    ->ArgName("runs")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
