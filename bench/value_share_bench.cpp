// The top-20 % value share (sim/stats/GroupTopShare.hpp, each firm a group)
// alone: the lifecycle model computes it every tick by default, over every
// customer. N = 10^6 people, 70 % of them customers of three firms
// (50 / 30 / 20 %), cumulative spend lognormal as in the lifecycle config;
// 1 and 2 threads. Reports customers per second. BM_TopValueShare is the
// share as a run computes it tick after tick; BM_TopValueShareFirst the
// first tick's, when nothing is known of where the thresholds lie.
//
//   ./crmsim_bench --benchmark_filter='BM_TopValueShare'
#include "sim/parallel/Threads.hpp"
#include "sim/stats/GroupTopShare.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace {

struct Customers {
    std::vector<std::uint8_t> firm;
    std::vector<float> monetary;
};

Customers make_customers(std::uint32_t n) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::lognormal_distribution<double> spend(std::log(50.0 * 20.0) - 1.7 * 1.7 / 2.0, 1.7);
    Customers c;
    for (std::uint32_t i = 0; i < n; ++i) {
        const double r = u(rng);
        c.firm.push_back(r < 0.35 ? 0 : r < 0.56 ? 1 : r < 0.7 ? 2 : 255);
        c.monetary.push_back(static_cast<float>(spend(rng)));
    }
    return c;
}

// Cumulative spend grows from tick to tick: kSnapshots copies of the
// values, each 1 % above the last, visited back and forth.
constexpr std::size_t kSnapshots = 16;

std::vector<std::vector<float>> drifting(const Customers& c) {
    std::vector<std::vector<float>> snapshot(kSnapshots, c.monetary);
    for (std::size_t s = 0; s < kSnapshots; ++s)
        for (float& x : snapshot[s]) x = static_cast<float>(x * (1.0 + 0.01 * static_cast<double>(s)));
    return snapshot;
}

// As the market asks it every tick: one GroupTopShare following the
// threshold as the values drift.
void BM_TopValueShare(benchmark::State& state) {
    sim::set_threads(static_cast<int>(state.range(1)));
    const Customers c = make_customers(static_cast<std::uint32_t>(state.range(0)));
    const std::vector<std::vector<float>> snapshot = drifting(c);
    const std::span<const std::uint8_t> firm(c.firm);
    sim::GroupTopShare share;
    std::size_t call = 0;
    for (auto _ : state) {
        const std::size_t phase = call++ % (2 * kSnapshots);
        const std::vector<float>& values = snapshot[phase < kSnapshots ? phase : 2 * kSnapshots - 1 - phase];
        const std::vector<double> result = share(firm, std::span<const float>(values), 3, 0.2);
        benchmark::DoNotOptimize(result.data());
    }
    state.counters["customers_per_s"] =
        benchmark::Counter(double(state.range(0)), benchmark::Counter::kIsIterationInvariantRate);
    state.counters["threads"] = double(state.range(1));
}
BENCHMARK(BM_TopValueShare)
    ->Args({1'000'000, 1})
    ->Args({1'000'000, 2})
    ->ArgNames({"N", "threads"})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// The first tick's share, with nothing known of the thresholds: every value
// is copied out and selected from.
void BM_TopValueShareFirst(benchmark::State& state) {
    sim::set_threads(static_cast<int>(state.range(1)));
    const Customers c = make_customers(static_cast<std::uint32_t>(state.range(0)));
    const std::span<const std::uint8_t> firm(c.firm);
    for (auto _ : state) {
        const std::vector<double> share = sim::group_top_share(firm, std::span<const float>(c.monetary), 3, 0.2);
        benchmark::DoNotOptimize(share.data());
    }
    state.counters["customers_per_s"] =
        benchmark::Counter(double(state.range(0)), benchmark::Counter::kIsIterationInvariantRate);
    state.counters["threads"] = double(state.range(1));
}
BENCHMARK(BM_TopValueShareFirst)
    ->Args({1'000'000, 1})
    ->Args({1'000'000, 2})
    ->ArgNames({"N", "threads"})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
