#pragma once
// Where a results file came from: enough to reproduce every number in it.
#include "experiments/config/ExperimentConfig.hpp"
#include "sim/recording/Hdf5File.hpp"

#include <string>
#include <vector>

namespace experiments {

struct Provenance {
    std::string crmsim_version;
    std::string git_commit;
    std::string host;
    std::string command_line;
    std::string started_at;  // ISO 8601, UTC
    int threads = 0;
};

Provenance collect_provenance(const std::vector<std::string>& argv, int threads);
// Root attributes: provenance, the resolved config and the experiment's settings.
void write_provenance(const sim::h5::Group& root, const Provenance& p, const ExperimentConfig& config);
std::string utc_now_iso8601();

}  // namespace experiments
