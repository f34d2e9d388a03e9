// What a firm's strategy costs in model throughput: the full customer
// lifecycle (tests/data/regression/lifecycle.yaml, every mechanism on) with one
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
//
//   ./crmsim_policy_bench --benchmark_filter=Policy --benchmark_repetitions=1
#include "bench/ModelTiming.hpp"
#include "sim/parallel/Threads.hpp"

#include <map>
#include <string>
#include <vector>

namespace {

constexpr const char* kLifecycle = CRMSIM_SOURCE_DIR "/tests/data/regression/lifecycle.yaml";

// The config keys that switch a policy on for firm 0.
const std::vector<std::string>& policy(const std::string& name) {
    static const std::map<std::string, std::vector<std::string>> policies = {
        {"baseline", {}},
        {"fast_recovery", {"firms.0.recovery.quick=0.8", "firms.0.recovery.slow=0"}},
        {"loyalty_top20", {"firms.0.loyalty.enabled=true", "firms.0.loyalty.targeting=top_value"}},
        {"prevention", {"firms.0.prevention.enabled=true"}},
        {"termination", {"firms.0.termination.enabled=true"}},
        {"win_back", {"firms.0.win_back.enabled=true"}},
    };
    return policies.at(name);
}

void BM_Policy(benchmark::State& state, const std::string& name) {
    sim::set_threads(1);
    std::vector<std::string> overrides = {"population.size=" + std::to_string(state.range(0))};
    const std::vector<std::string>& keys = policy(name);
    overrides.insert(overrides.end(), keys.begin(), keys.end());
    bench::time_model(state, experiments::load_experiment_config(kLifecycle, overrides));
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
