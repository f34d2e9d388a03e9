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
#include "experiments/plan/ExperimentPlan.hpp"
#include "experiments/run/MemoryBudget.hpp"
#include "experiments/run/RunRecord.hpp"
#include "experiments/run/WarmUp.hpp"

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace experiments {

struct RunOptions {
    std::string output_path;
    bool overwrite = false;
    bool resume = false;
    int threads = 0;  // threads inside a run; 0: the cores divided among the jobs (1 under MPI)
    int jobs = 0;     // runs in parallel; 0: automatic (many small runs side by side, big runs one at a time)
    bool show_progress = false;
    std::vector<std::string> command_line;  // recorded in the file's provenance
    int processes = 1;                      // MPI ranks sharing the machine(s); recorded in provenance
    // With experiment.warmup, run each shared warm-up once and continue every
    // policy from a copy (false: every run warms up on its own; for checking
    // that both give the same datasets).
    bool share_warm_ups = true;
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
// Every file the experiment reads: the config, the policy files its variants
// use, the edge lists, and `more` (calibrate's targets). --overwrite must
// never replace one of them with results.
std::vector<std::string> input_files(const ExperimentConfig& base, const std::vector<std::string>& more = {});
// Throws UsageError if `output` is one of `inputs` (the same file by any path).
void check_output_is_not_an_input(const std::string& output, const std::vector<std::string>& inputs);

// An experiment ready to run: its plan, every run's config (validated) and
// the networks read from files. Constructing it writes nothing.
class ExperimentRunner {
public:
    ExperimentRunner(const ExperimentConfig& base, const RunOptions& options);
    ~ExperimentRunner();
    ExperimentRunner(const ExperimentRunner&) = delete;
    ExperimentRunner& operator=(const ExperimentRunner&) = delete;

    const ExperimentConfig& base() const { return base_; }
    const RunOptions& options() const { return options_; }
    // Creates OUT.partial/ (or, with --resume, checks it is this experiment's).
    void open_output();
    // The runs that have no finished file yet, in run order.
    std::vector<RunSpec> remaining() const;
    std::size_t planned_runs() const;
    const ExperimentPlan& plan() const;
    // Runs one run here and commits its file (threads: the options' share).
    void run(const RunSpec& spec, const std::function<void()>& on_tick) const;
    // Runs `todo` on this machine: --jobs worker threads, progress on stderr.
    void run_locally(const std::vector<RunSpec>& todo) const;
    // Assembles OUT from the run files and removes OUT.partial/.
    ExperimentResult finish(std::size_t resumed_runs) const;
    int threads_per_run() const;
    // The largest run's memory, the limit it must fit in (MemoryBudget.hpp),
    // and the check open_output() makes: UsageError when --jobs runs at once
    // do not fit.
    const RunMemory& run_memory_need() const;
    const MemoryLimit& memory_available() const;
    void check_memory() const;

private:
    struct Prepared;
    void lock_partial();
    std::shared_ptr<const WarmedMarket> warmed(const RunSpec& spec, const ExperimentConfig& before_policy,
                                               const sim::Network* network) const;
    void set_aside_unreadable_runs() const;
    const ExperimentConfig& base_;
    RunOptions options_;
    std::unique_ptr<Prepared> prepared_;
};

// Prepares, runs locally and assembles: the whole of `crmsim run` on one machine.
ExperimentResult run_experiment(const ExperimentConfig& base, const RunOptions& options);

// The short summary printed after a run.
void print_summary(const ExperimentConfig& base, const ExperimentResult& result, std::ostream& out);

}  // namespace experiments
