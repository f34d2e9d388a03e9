#include "experiments/run/MpiRuns.hpp"
#include "experiments/run/UsageError.hpp"

#include "sim/parallel/Threads.hpp"
#include "sim/util/Progress.hpp"

#include <mpi.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <thread>

namespace experiments {
namespace {

enum Tag : int { kRequest = 1, kAssign = 2 };
constexpr int kNoMoreRuns = -1;

// Rank 0's main thread: answer requests for work until every run is handed
// out and every other rank has been told to stop. Runs are taken from the
// same counter the local worker thread takes from.
void coordinate(int ranks, const std::vector<RunSpec>& todo, std::atomic<std::size_t>& next,
                std::atomic<std::size_t>& finished, sim::Progress& progress) {
    int stopped = 0;
    while (stopped < ranks - 1) {
        int waiting = 0;
        MPI_Status status;
        MPI_Iprobe(MPI_ANY_SOURCE, kRequest, MPI_COMM_WORLD, &waiting, &status);
        if (!waiting) {
            progress.update(finished);
            // Polling with a nap, not a blocking receive: Open MPI's blocking
            // calls spin and would take a core from the runs.
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            continue;
        }
        int done_run = 0;
        MPI_Recv(&done_run, 1, MPI_INT, status.MPI_SOURCE, kRequest, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (done_run != kNoMoreRuns) ++finished;
        const std::size_t k = next++;
        int assign = k < todo.size() ? static_cast<int>(k) : kNoMoreRuns;
        if (assign == kNoMoreRuns) ++stopped;
        MPI_Send(&assign, 1, MPI_INT, status.MPI_SOURCE, kAssign, MPI_COMM_WORLD);
    }
}

void serve(const ExperimentRunner& runner, const std::vector<RunSpec>& todo) {
    int done_run = kNoMoreRuns;
    while (true) {
        MPI_Send(&done_run, 1, MPI_INT, 0, kRequest, MPI_COMM_WORLD);
        int assign = kNoMoreRuns;
        MPI_Recv(&assign, 1, MPI_INT, 0, kAssign, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (assign == kNoMoreRuns) return;
        runner.run(todo[static_cast<std::size_t>(assign)], {});
        done_run = static_cast<int>(todo[static_cast<std::size_t>(assign)].run_id);
    }
}

// Rank 0: a local worker thread runs plans' runs too, while the main thread
// coordinates (only the main thread calls MPI).
void lead(const ExperimentRunner& runner, const std::vector<RunSpec>& todo, int ranks) {
    std::atomic<std::size_t> next{0}, finished{0};
    std::exception_ptr error;
    sim::Progress progress(todo.size(), "runs", runner.options().show_progress);
    std::thread local([&] {
        sim::set_threads(runner.threads_per_run());
        try {
            for (std::size_t k; (k = next++) < todo.size(); ++finished) runner.run(todo[k], {});
        } catch (...) {
            error = std::current_exception();
        }
    });
    coordinate(ranks, todo, next, finished, progress);
    local.join();
    progress.update(todo.size());
    progress.finish();
    if (error) std::rethrow_exception(error);
}

}  // namespace

ExperimentResult run_experiment_mpi(const ExperimentConfig& base, const RunOptions& options, const MpiSession& mpi) {
    ExperimentRunner runner(base, options);
    // Rank 0 creates (or checks) OUT.partial/ before anyone writes into it.
    // 1: ready; 0: a failure; 2: bad input (a UsageError, exit status 2).
    int ready = 1;
    std::string problem;
    if (mpi.rank() == 0) {
        try {
            runner.open_output();
        } catch (const UsageError& e) {
            ready = 2;
            problem = e.what();
        } catch (const std::exception& e) {
            ready = 0;
            problem = e.what();
        }
    }
    MPI_Bcast(&ready, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (ready != 1) {
        if (mpi.rank() != 0) return {};
        if (ready == 2) throw UsageError(problem);
        throw std::runtime_error(problem);
    }
    // Every rank lists the remaining runs before any new run file can appear,
    // so the lists agree and a run index means the same run everywhere.
    const std::vector<RunSpec> todo = runner.remaining();
    MPI_Barrier(MPI_COMM_WORLD);
    if (mpi.rank() == 0) {
        lead(runner, todo, mpi.size());
    } else {
        sim::set_threads(runner.threads_per_run());
        serve(runner, todo);
    }
    MPI_Barrier(MPI_COMM_WORLD);  // every run file is committed
    if (mpi.rank() != 0) return {};
    return runner.finish(runner.planned_runs() - todo.size());
}

}  // namespace experiments
