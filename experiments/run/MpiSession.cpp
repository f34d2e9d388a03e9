#include "experiments/run/MpiSession.hpp"

#include <mpi.h>

#include <cstdlib>

namespace experiments {

bool MpiSession::launched_by_mpirun() {
    // Open MPI's, and the PMI/PMIx launchers' (Slurm, MPICH), rank variables.
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
        if (std::getenv(name)) return true;
    return false;
}

MpiSession::MpiSession(int& argc, char**& argv) {
    if (!launched_by_mpirun()) return;
    int provided = 0;
    // Only the main thread calls MPI; worker threads only simulate.
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    active_ = true;
}

MpiSession::~MpiSession() {
    if (active_) MPI_Finalize();
}

bool mpi_broadcast_flag(int flag) {
    MPI_Bcast(&flag, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return flag != 0;
}

void mpi_abort(int status) {
    MPI_Abort(MPI_COMM_WORLD, status);
}

}  // namespace experiments
