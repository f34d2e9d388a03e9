#include "experiments/run/MemoryBudget.hpp"

#include "models/market/Market.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>

namespace experiments {
namespace {

// Beyond the customers and network: the code, the HDF5 library and its
// caches, threads' stacks and the time series being written.
constexpr std::uint64_t kFixedBytes = 128ull << 20;

std::uint64_t expected_edges(const ExperimentConfig& c) {
    const double n = c.market.population.size;
    switch (c.network.kind) {
        case NetworkKind::WattsStrogatz:
            return static_cast<std::uint64_t>(n * c.network.small_world.k / 2);
        case NetworkKind::ErdosRenyi:
            return static_cast<std::uint64_t>(n * c.network.random_graph.mean_degree / 2);
        case NetworkKind::ScaleFree:
            return static_cast<std::uint64_t>(n * c.network.scale_free.mean_degree / 2);
        case NetworkKind::EdgeList:  // read once and shared by the runs: not a run's own
        case NetworkKind::None:
            break;
    }
    return 0;
}

std::uint64_t market_bytes(const ExperimentConfig& config, std::uint32_t customers) {
    models::MarketParams params = config.market;
    params.population.size = customers;
    const sim::Network empty = sim::Network::from_edges(customers, {});
    const models::Market market(params, empty, sim::StreamKey{0});
    return market.bytes();
}

// The first number on the line of `file` (cgroup files: "max" is no limit).
std::uint64_t number_in(const std::string& file) {
    std::ifstream in(file);
    std::string word;
    if (!(in >> word) || word == "max") return std::numeric_limits<std::uint64_t>::max();
    try {
        return std::stoull(word);
    } catch (const std::exception&) {
        return std::numeric_limits<std::uint64_t>::max();
    }
}

// Address space already mapped (code, libraries, stacks): ulimit -v counts it.
std::uint64_t mapped_bytes() {
    std::ifstream in("/proc/self/statm");
    std::uint64_t pages = 0;
    in >> pages;
    return pages * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace

double measure_bytes_per_customer(const ExperimentConfig& config) {
    // Two sizes, so that what does not grow with the customers (per-firm
    // tallies) is not counted per customer.
    constexpr std::uint32_t kSmall = 4096, kLarge = 2 * kSmall;
    const double small = static_cast<double>(market_bytes(config, kSmall));
    const double large = static_cast<double>(market_bytes(config, kLarge));
    return std::max(1.0, (large - small) / (kLarge - kSmall));
}

RunMemory run_memory(const ExperimentConfig& config, double bytes_per_customer) {
    RunMemory m;
    m.bytes_per_customer = bytes_per_customer;
    m.customers = config.market.population.size;
    m.edges = expected_edges(config);
    double bytes = static_cast<double>(kFixedBytes) + bytes_per_customer * static_cast<double>(m.customers);
    if (config.network.kind != NetworkKind::None) bytes += 8.0 * static_cast<double>(m.customers + 1);
    bytes += 8.0 * static_cast<double>(m.edges);
    // A snapshot copies every customer variable into 8-byte cells before writing.
    if (config.output.snapshot_every > 0) bytes += 8.0 * 24.0 * static_cast<double>(m.customers);
    m.bytes = static_cast<std::uint64_t>(std::min(bytes, 1.8e19));
    return m;
}

MemoryLimit memory_limit() {
    MemoryLimit limit{
        static_cast<std::uint64_t>(::sysconf(_SC_PHYS_PAGES)) * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)),
        "physical memory"};
    const auto consider = [&](std::uint64_t bytes, const char* source) {
        if (bytes < limit.bytes) limit = {bytes, source};
    };
    consider(number_in("/sys/fs/cgroup/memory.max"), "the cgroup limit (/sys/fs/cgroup/memory.max)");
    consider(number_in("/sys/fs/cgroup/memory/memory.limit_in_bytes"), "the cgroup limit (memory.limit_in_bytes)");
    struct rlimit as {};
    if (::getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY) {
        const std::uint64_t mapped = mapped_bytes();
        consider(as.rlim_cur > mapped ? as.rlim_cur - mapped : 0, "the address-space limit (ulimit -v)");
    }
    return limit;
}

std::string format_bytes(double bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int u = 0;
    while (bytes >= 1024 && u < 5) bytes /= 1024, ++u;
    char text[32];
    std::snprintf(text, sizeof text, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
    return text;
}

}  // namespace experiments
