#pragma once
// The folder OUT.partial/ where an experiment keeps its finished runs until
// they are assembled into OUT. Each run is written to its own HDF5 file under
// a temporary name, flushed to disk, and renamed into place: a run file with
// its final name is complete, whatever happened to the process afterwards.
// That is what makes `--resume` exact after a crash or kill -9: finished runs
// are kept, the run that was interrupted is redone from its start.
#include <cstdint>
#include <string>

namespace experiments {

class PartialResults {
public:
    explicit PartialResults(const std::string& output_path);

    const std::string& folder() const { return folder_; }
    bool exists() const;

    // A new experiment: creates the folder and records what it runs
    // (`identity`: the resolved config, which --resume must match).
    void create(const std::string& identity, const std::string& started_at) const;
    // An interrupted experiment: throws UsageError if there is none, or if
    // `identity` differs from the one it was started with.
    void reopen(const std::string& identity) const;
    std::string started_at() const;

    std::string run_file(std::uint32_t run_id) const;       // where a finished run lives
    std::string run_temp_file(std::uint32_t run_id) const;  // where it is written
    bool has_run(std::uint32_t run_id) const;
    // Makes the written temp file the run's file: fsync, rename, fsync folder.
    void commit_run(std::uint32_t run_id) const;

    // Where the results file is assembled before it is renamed to OUT.
    std::string assembling_file() const { return folder_ + "/assembling.h5"; }

    void remove() const;  // after the results are assembled

private:
    std::string identity_file() const { return folder_ + "/experiment.yaml"; }
    std::string output_;
    std::string folder_;
};

}  // namespace experiments
