// Throughput of an experiment of many small runs (issue: experiment engine).
//
// BM_ExperimentJobs/jobs:J runs the experiment in this process with J runs in
// parallel (one thread inside each run); BM_ExperimentMpi/ranks:R launches
// `mpirun -np R crmsim run ...` (the launch is part of the time). Both report
// runs_per_s; parallel efficiency = runs_per_s(J or R) / (J or R x runs_per_s(1)).
//
//   ./crmsim_experiment_bench
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/run/RunExperiment.hpp"

#include <benchmark/benchmark.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

const std::string kConfig = CRMSIM_SOURCE_DIR "/configs/examples/recovery-policies.yaml";
// 2 scenarios x 4 replications x 3 policies = 24 runs of 5000 customers x 20 ticks.
const std::vector<std::string> kSmall = {"population.size=5000", "experiment.ticks=20", "experiment.replications=4"};
constexpr double kRuns = 24;

std::string temp_output() {
    return (std::filesystem::temp_directory_path() / ("crmsim-bench-exp-" + std::to_string(getpid()) + ".h5")).string();
}

void BM_ExperimentJobs(benchmark::State& state) {
    const auto config = experiments::load_experiment_config(kConfig, kSmall);
    experiments::RunOptions options;
    options.output_path = temp_output();
    options.overwrite = true;
    options.jobs = static_cast<int>(state.range(0));
    options.threads = 1;
    for (auto _ : state) {
        std::filesystem::remove(options.output_path);
        benchmark::DoNotOptimize(experiments::run_experiment(config, options));
    }
    std::filesystem::remove(options.output_path);
    state.counters["runs_per_s"] = benchmark::Counter(kRuns, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ExperimentJobs)->Arg(1)->Arg(2)->ArgName("jobs")->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ExperimentMpi(benchmark::State& state) {
    setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
    setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
    const std::string out = temp_output();
    std::string command = "mpirun --oversubscribe -np " + std::to_string(state.range(0)) + " " CRMSIM_BINARY " run " +
                          kConfig + " -o " + out + " --overwrite -q --threads 1";
    for (const auto& s : kSmall) command += " --set " + s;
    for (auto _ : state) {
        const int status = std::system(command.c_str());
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) state.SkipWithError("mpirun failed");
    }
    std::filesystem::remove(out);
    state.counters["runs_per_s"] = benchmark::Counter(kRuns, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ExperimentMpi)->Arg(1)->Arg(2)->ArgName("ranks")->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
