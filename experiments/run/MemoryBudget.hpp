#pragma once
// The memory a run needs, known before any work starts, and the memory the
// process can have. A run holds its customers (the model's own columns:
// models::Market::bytes(), measured on a small market of the same config, so
// a new column is counted without anyone updating a constant) and its social
// network (CSR: two 4-byte ids per undirected edge, one 8-byte offset per
// customer). `crmsim plan` prints the need; `crmsim run` refuses (exit 2) a
// design whose parallel runs cannot fit.
#include "experiments/config/ExperimentConfig.hpp"

#include <cstdint>
#include <string>

namespace experiments {

struct RunMemory {
    double bytes_per_customer = 0;  // the model's columns, measured
    std::uint64_t customers = 0;
    std::uint64_t edges = 0;  // undirected edges expected (file networks: 0, counted once apart)
    std::uint64_t bytes = 0;  // the whole run: customers, network, snapshot and a fixed allowance
};

struct MemoryLimit {
    std::uint64_t bytes = 0;  // the smallest of the limits found
    std::string source;       // which: "cgroup memory.max", "ulimit -v", "physical memory"
};

// What a run of `config` needs. `bytes_per_customer`: from measure_bytes_per_customer.
RunMemory run_memory(const ExperimentConfig& config, double bytes_per_customer);
// Bytes per customer of `config`'s market: the model's columns of a small market, per customer.
double measure_bytes_per_customer(const ExperimentConfig& config);
// The memory this process may use.
MemoryLimit memory_limit();
// "1.2 GiB", "512 MiB".
std::string format_bytes(double bytes);

}  // namespace experiments
