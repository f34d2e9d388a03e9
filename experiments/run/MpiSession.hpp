#pragma once
// MPI for `mpirun -np K crmsim run ...`. MPI is started only when the
// process was launched by mpirun (its environment says so): a plain
// `crmsim run` never initialises MPI and never needs a launcher.
namespace experiments {

class MpiSession {
public:
    MpiSession(int& argc, char**& argv);  // MPI_Init_thread when launched by mpirun
    ~MpiSession();                        // MPI_Finalize
    MpiSession(const MpiSession&) = delete;
    MpiSession& operator=(const MpiSession&) = delete;

    bool active() const { return active_; }
    int rank() const { return rank_; }
    int size() const { return size_; }
    static bool launched_by_mpirun();

private:
    bool active_ = false;
    int rank_ = 0;
    int size_ = 1;
};

// Rank 0's flag, on every rank (MPI_Bcast).
bool mpi_broadcast_flag(int flag);
// Ends every rank of the job with `status` (MPI_Abort).
void mpi_abort(int status);

}  // namespace experiments
