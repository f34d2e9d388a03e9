// What a firm's strategy costs in model throughput: the full customer
// lifecycle (configs/examples/lifecycle.yaml, every mechanism on) with one
// strategy switched on for firm 0 (issue 4), beside the same model without.
//
// BM_Policy/<policy>/N times T = 60 ticks on one thread with recording on
// (per-tick rows streamed to an HDF5 file), like bench/rm1_bench.cpp, and
// reports
//   agent_ticks_per_s   N * T / wall seconds of the tick loop
//   bytes_per_customer  customer state + network + tallies, per customer
//   network_build_s     building the Watts-Strogatz network (not in the time)
// Policies (firm 0 only):
//   baseline       the config as it is
//   fast_recovery  firms.0.recovery.quick=0.8 (slow 0.3 -> 0: the slow
//                  resolutions become quick; the config requires quick + slow <= 1)
//   loyalty_top20  a membership programme for the top 20 % by value
//   prevention     switching prevention, default settings
//   termination    ending unprofitable relationships, default settings
//   win_back       win-back of lapsed and activation of dormant customers
// Each is set through the config's keys (firms[].loyalty, ...) when the
// config reader knows them, otherwise on the loaded market parameters; the
// benchmark's label says which.
//
//   ./crmsim_policy_bench --benchmark_filter=Policy --benchmark_repetitions=1
#include "experiments/config/ConfigError.hpp"
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
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

constexpr std::uint32_t kTicks = 60;
constexpr const char* kLifecycle = CRMSIM_SOURCE_DIR "/configs/examples/lifecycle.yaml";

struct Policy {
    std::vector<std::string> overrides;            // the config keys
    std::function<void(models::FirmParams&)> set;  // the same, on the parameters
};

const Policy& policy(const std::string& name) {
    static const std::map<std::string, Policy> policies = {
        {"baseline", {{}, [](models::FirmParams&) {}}},
        {"fast_recovery",
         {{"firms.0.recovery.quick=0.8", "firms.0.recovery.slow=0"},
          [](models::FirmParams& f) {
              f.recovery.quick = 0.8;
              f.recovery.slow = 0.0;
          }}},
        {"loyalty_top20",
         {{"firms.0.loyalty.enabled=true", "firms.0.loyalty.targeting=top_value"},
          [](models::FirmParams& f) {
              f.strategies.loyalty.enabled = true;
              f.strategies.loyalty.targeting = models::Targeting::TopValue;
          }}},
        {"prevention",
         {{"firms.0.prevention.enabled=true"}, [](models::FirmParams& f) { f.strategies.prevention.enabled = true; }}},
        {"termination",
         {{"firms.0.termination.enabled=true"},
          [](models::FirmParams& f) { f.strategies.termination.enabled = true; }}},
        {"win_back",
         {{"firms.0.win_back.enabled=true"}, [](models::FirmParams& f) { f.strategies.win_back.enabled = true; }}},
    };
    return policies.at(name);
}

// The lifecycle config at `customers` with the policy on; `from_yaml` says
// whether the config keys were read.
experiments::ExperimentConfig load(const std::string& name, std::uint32_t customers, bool& from_yaml) {
    const Policy& p = policy(name);
    std::vector<std::string> overrides = {"population.size=" + std::to_string(customers)};
    overrides.insert(overrides.end(), p.overrides.begin(), p.overrides.end());
    try {
        from_yaml = true;
        return experiments::load_experiment_config(kLifecycle, overrides);
    } catch (const experiments::ConfigError& e) {
        static bool told = false;
        if (!told) std::cerr << "policy_bench: config keys not readable (" << e.what() << "); set in C++\n";
        told = true;
        from_yaml = false;
        auto config = experiments::load_experiment_config(kLifecycle, {overrides.front()});
        p.set(config.market.firms[0]);
        return config;
    }
}

struct BuiltNetwork {
    sim::Network network;
    double seconds;
};

// One network per size, built once and shared by every policy of that size.
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

void BM_Policy(benchmark::State& state, const std::string& name) {
    const auto customers = static_cast<std::uint32_t>(state.range(0));
    sim::set_threads(1);
    bool from_yaml = false;
    const auto config = load(name, customers, from_yaml);
    const BuiltNetwork& built = network_for(config);
    const std::string path =
        (std::filesystem::temp_directory_path() / ("crmsim-policy-bench-" + std::to_string(getpid()) + ".h5")).string();
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
    state.SetLabel(from_yaml ? "config keys" : "set in C++");
    state.counters["agent_ticks_per_s"] =
        benchmark::Counter(double(customers) * kTicks, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["bytes_per_customer"] = double(bytes) / customers;
    state.counters["network_build_s"] = built.seconds;
}

#define POLICY_BENCHMARK(name)                             \
    BENCHMARK_CAPTURE(BM_Policy, name, std::string(#name)) \
        ->Arg(100'000)                                     \
        ->Arg(1'000'000)                                   \
        ->ArgName("N")                                     \
        ->UseManualTime()                                  \
        ->Iterations(1)                                    \
        ->Unit(benchmark::kMillisecond)

POLICY_BENCHMARK(baseline);
POLICY_BENCHMARK(fast_recovery);
POLICY_BENCHMARK(loyalty_top20);
POLICY_BENCHMARK(prevention);
POLICY_BENCHMARK(termination);
POLICY_BENCHMARK(win_back);

}  // namespace

BENCHMARK_MAIN();
