#pragma once
// Runs an experiment's plan and writes one HDF5 results file.
//
// Finished runs go to OUT.partial/ one file each (PartialResults.hpp); when
// the last run is done they are assembled into OUT, and the folder removed.
// OUT is therefore always absent, a previous complete result (kept until the
// new one is complete, with --overwrite), or a complete result. `--resume`
// continues an interrupted experiment from the runs it had finished.
// A run that throws is recorded as failed with its message; the others go on.
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/run/RunRecord.hpp"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace experiments {

struct RunOptions {
    std::string output_path;
    bool overwrite = false;
    bool resume = false;
    int threads = 0;  // threads inside a run; 0: the cores divided among the jobs
    int jobs = 1;     // runs in parallel
    bool show_progress = false;
    std::vector<std::string> command_line;  // recorded in the file's provenance
};

struct ExperimentResult {
    std::string output_path;
    std::vector<RunRecord> runs;
    std::size_t resumed_runs = 0;  // runs found finished in OUT.partial/ and not run again
    double wall_seconds = 0.0;
    bool all_complete() const;
};

// Throws UsageError when the output cannot or must not be written (exists
// without --overwrite, an interrupted run's folder is in the way, folder
// missing or read-only). Call before any work.
void check_output_path(const RunOptions& options);

ExperimentResult run_experiment(const ExperimentConfig& base, const RunOptions& options);

// The short summary printed after a run.
void print_summary(const ExperimentConfig& base, const ExperimentResult& result, std::ostream& out);

}  // namespace experiments
