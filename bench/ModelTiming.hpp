#pragma once
// Timing a model run the way every model benchmark reports it: T ticks with
// recording on (per-tick rows streamed to an HDF5 file), the network built
// once per size and excluded from the time, and the counters
//   agent_ticks_per_s   N * T / wall seconds of the tick loop and the flush
//   bytes_per_customer  customer state + network + tallies, per customer
//   network_build_s     building the network (reported apart)
//   peak_rss_gib        peak resident memory of the benchmarks of this size so
//                       far: network build, model and recording (the mark
//                       restarts when the size changes; where the kernel
//                       refuses that, it is the whole process's peak)
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/run/BuildNetwork.hpp"
#include "models/market/Market.hpp"
#include "sim/recording/TimeSeriesWriter.hpp"
#include "sim/schedule/TickLoop.hpp"
#include "sim/util/MemoryUsage.hpp"

#include <benchmark/benchmark.h>

#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

namespace bench {

constexpr std::uint32_t kTicks = 60;

struct BuiltNetwork {
    std::uint32_t customers;
    sim::Network network;
    double seconds;
};

// The network of the size last asked for, built once and shared by the
// benchmarks of that size (every benchmarked config uses the same
// Watts-Strogatz network). Only one size is kept: a network is half a GiB at
// 10^7 customers and nearly 5 GiB at 10^8, so caching each size would add up.
inline std::unique_ptr<BuiltNetwork>& cached_network() {
    static std::unique_ptr<BuiltNetwork> cached;
    return cached;
}

inline void drop_cached_network() {
    cached_network().reset();
}

inline const BuiltNetwork& network_for(const experiments::ExperimentConfig& config) {
    auto& cached = cached_network();
    const std::uint32_t n = config.market.population.size;
    if (!cached || cached->customers != n) {
        // Free the last size's network first, then restart the peak mark, so
        // that neither counts towards this size's peak_rss_gib.
        cached.reset();
        sim::reset_peak_resident_bytes();
        const auto start = std::chrono::steady_clock::now();
        sim::Network net = experiments::build_network(config.network, n, sim::CounterStream({1}));
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        cached = std::make_unique<BuiltNetwork>(BuiltNetwork{n, std::move(net), s});
    }
    return *cached;
}

inline double gib(std::size_t bytes) {
    return static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0);
}

// One run of T ticks of `config`'s market on `built`'s network, recording
// its per-tick rows to a scratch HDF5 file: the seconds of the tick loop and
// the flush (the market built outside the time), and the bytes of customer
// state, network and tallies.
struct Run {
    double seconds;
    std::size_t bytes;
};

inline Run run_once(const experiments::ExperimentConfig& config, const BuiltNetwork& built) {
    const std::string path =
        (std::filesystem::temp_directory_path() / ("crmsim-bench-" + std::to_string(getpid()) + ".h5")).string();
    Run run{};
    {
        models::Market market(config.market, built.network, sim::StreamKey{42});
        sim::h5::File file(path, sim::h5::Mode::CreateTruncate);
        sim::TimeSeriesWriter series(file.root(), "timeseries", market.metric_columns());
        sim::TickLoopOptions loop;
        loop.ticks = kTicks;
        loop.record = [&](std::span<const sim::Cell> row) { series.append(row); };
        run.seconds = sim::run_ticks(market, loop);
        const auto flush_start = std::chrono::steady_clock::now();
        series.flush();
        run.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - flush_start).count();
        run.bytes = market.bytes() + built.network.bytes();
    }
    std::filesystem::remove(path);
    return run;
}

inline void time_model(benchmark::State& state, const experiments::ExperimentConfig& config) {
    const std::uint32_t customers = config.market.population.size;
    const BuiltNetwork& built = network_for(config);
    std::size_t bytes = 0;
    for (auto _ : state) {
        const Run run = run_once(config, built);
        state.SetIterationTime(run.seconds);
        bytes = run.bytes;
    }
    state.counters["agent_ticks_per_s"] =
        benchmark::Counter(double(customers) * kTicks, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["bytes_per_customer"] = double(bytes) / customers;
    state.counters["network_build_s"] = built.seconds;
    state.counters["peak_rss_gib"] = gib(sim::peak_resident_bytes());
}

}  // namespace bench
