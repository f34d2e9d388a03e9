#pragma once
// Runs of an experiment spread over MPI ranks. Rank 0 hands runs out one at
// a time to whichever rank asks (dynamic: a slow run does not hold the
// others back), runs some itself on a second thread, and alone assembles the
// results file. Every rank writes the runs it did into OUT.partial/, which
// must therefore be on a file system all ranks see (one machine, or a
// cluster's shared disk). Runs are pure functions of their coordinates, so
// the file is identical whatever rank did which run.
#include "experiments/run/MpiSession.hpp"
#include "experiments/run/RunExperiment.hpp"

namespace experiments {

// Called on every rank with the same config and options; rank 0 returns the
// result, other ranks an empty one. If rank 0 cannot open the output, it
// throws and the other ranks return an empty result.
ExperimentResult run_experiment_mpi(const ExperimentConfig& base, const RunOptions& options, const MpiSession& mpi);

}  // namespace experiments
