#pragma once
// Runs every run of an experiment and writes one HDF5 results file.
//
// The file is written as OUT.partial and renamed to OUT only when the
// experiment has finished, so OUT is always either absent, a previous
// complete result (kept until the new one is complete, with --overwrite), or
// a complete result. A run that throws is recorded as failed with its message
// and the experiment goes on.
#include "experiments/config/ExperimentConfig.hpp"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace experiments {

struct RunOptions {
    std::string output_path;
    bool overwrite = false;
    int threads = 0;  // threads inside a run; 0: all cores
    bool show_progress = false;
    std::vector<std::string> command_line;  // recorded in the file's provenance
};

struct FirmOutcome {
    std::string firm;
    std::int64_t initial_customers = 0;
    std::int64_t final_customers = 0;
    std::int64_t switched_out = 0;  // summed over ticks
    std::int64_t failures = 0;
    std::int64_t complaints = 0;
    double revenue = 0.0;
    double recovery_cost = 0.0;
    double profit = 0.0;
    double final_mean_satisfaction = 0.0;
};

struct RunRecord {
    std::uint32_t run_id = 0;
    std::uint32_t replication = 0;
    std::uint64_t stream_key = 0;
    std::string status = "pending";  // pending | complete | failed
    std::string error;
    double network_seconds = 0.0;
    double simulation_seconds = 0.0;
    std::uint64_t network_edges = 0;
    std::vector<FirmOutcome> firms;
};

struct ExperimentResult {
    std::string output_path;
    std::vector<RunRecord> runs;
    double wall_seconds = 0.0;
    std::size_t peak_resident_bytes = 0;
    bool all_complete() const;
};

// Throws UsageError when the output cannot or must not be written (exists
// without --overwrite, folder missing or read-only). Call before any work.
void check_output_path(const RunOptions& options);

ExperimentResult run_experiment(const ExperimentConfig& config, const RunOptions& options);

// The short per-firm summary printed after a run.
void print_summary(const ExperimentConfig& config, const ExperimentResult& result, std::ostream& out);

}  // namespace experiments
