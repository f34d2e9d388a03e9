#pragma once
// Timing a model run the way every model benchmark reports it: T ticks with
// recording on (per-tick rows streamed to an HDF5 file), the network built
// once per size and excluded from the time, and the counters
//   agent_ticks_per_s   N * T / wall seconds of the tick loop and the flush
//   bytes_per_customer  customer state + network + tallies, per customer
//   network_build_s     building the network (reported apart)
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/run/BuildNetwork.hpp"
#include "models/market/Market.hpp"
#include "sim/recording/TimeSeriesWriter.hpp"
#include "sim/schedule/TickLoop.hpp"

#include <benchmark/benchmark.h>

#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

namespace bench {

constexpr std::uint32_t kTicks = 60;

struct BuiltNetwork {
    sim::Network network;
    double seconds;
};

// One network per size, built once and shared by the benchmarks of that size
// (every benchmarked config uses the same Watts-Strogatz network).
inline const BuiltNetwork& network_for(const experiments::ExperimentConfig& config) {
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

inline void time_model(benchmark::State& state, const experiments::ExperimentConfig& config) {
    const std::uint32_t customers = config.market.population.size;
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
}

}  // namespace bench
