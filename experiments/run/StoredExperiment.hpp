#pragma once
// A results file that reruns itself. It keeps the fully resolved config
// (every value used, policy files inlined: root attribute `config`) and, in
// /inputs, every input file's path, role, size and SHA-256 digest, with the
// bytes of every edge list. `crmsim run RESULTS.h5 -o NEW.h5` reruns the
// experiment from the file alone, from any folder, and `crmsim config
// RESULTS.h5` prints the config (docs/experiments.md, "Rerunning").
#include "experiments/config/ExperimentConfig.hpp"
#include "sim/recording/Hdf5File.hpp"

#include <string>
#include <vector>

namespace experiments {

// /inputs: the table of input files, and /inputs/stored/<sha256>: the bytes
// of each edge list (so that a rerun needs no file but the results).
void write_inputs(const sim::h5::Group& root, const InputFiles& inputs);

// Whether `path` starts with the HDF5 signature (a results file, not a YAML config).
bool is_hdf5_file(const std::string& path);

// The experiment stored in results file `results`, with `overrides` (--set)
// applied on top: its config and the edge lists it read, whose digests are
// checked. Throws UsageError for a file that is not a crmsim results file,
// ConfigError for a problem with an override.
ExperimentConfig load_stored_experiment(const std::string& results, const std::vector<std::string>& overrides);

// The stored config as YAML a user can edit and run, after a comment that
// says where it came from and which edge lists it reads.
std::string stored_config_yaml(const std::string& results);

}  // namespace experiments
