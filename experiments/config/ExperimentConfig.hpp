#pragma once
// The whole experiment as read from a YAML config (DESIGN.md 2, "Config
// shape"): what to simulate, how long, with which seed, and what to write.
#include "experiments/config/CalibrationSettings.hpp"
#include "experiments/config/InputFiles.hpp"
#include "experiments/config/Overrides.hpp"
#include "experiments/plan/SweepSampler.hpp"
#include "models/market/MarketParams.hpp"
#include "sim/network/Generators.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace experiments {

struct ExperimentSettings {
    std::string name = "experiment";
    std::uint64_t seed = 1;
    std::uint32_t ticks = 52;
    double tick_days = 7.0;  // length of one tick in days (documentation of the time scale)
    std::uint32_t replications = 1;
    // Ticks run before recording starts and before the policies act
    // (docs/experiments.md, "Warm-up and policy start"): recorded tick 0 is
    // the first tick after them.
    std::uint32_t warmup = 0;
    // Which runs share their random draws (DESIGN.md 2; docs/experiments.md,
    // "Common random numbers"): with common_random_numbers the policies of a
    // replication do; with common_across_scenarios (`across_scenarios`) every
    // run of a replication does, whatever its scenario and sweep point.
    bool common_random_numbers = true;
    bool common_across_scenarios = false;
};

enum class NetworkKind { None, WattsStrogatz, ErdosRenyi, ScaleFree, EdgeList };

struct NetworkSettings {
    NetworkKind kind = NetworkKind::WattsStrogatz;
    sim::SmallWorldParams small_world;
    sim::RandomGraphParams random_graph;
    sim::ScaleFreeParams scale_free;
    std::string edge_list_path;  // resolved against the config file's folder
    int line = 0;                // where the network section is, for errors while loading the file
};

struct OutputSettings {
    int compression = 4;               // deflate level 0..9 for every dataset
    std::uint32_t chunk_rows = 4096;   // rows per chunk of the time-series datasets
    std::uint32_t snapshot_every = 0;  // per-customer snapshots every k ticks; 0: none
};

// A named variant of the base config: a scenario or a policy. Its overrides
// are those of the policy file it may `use:` for one `firm:` (as
// firms.<i>.<key>, located in that file), then those of its `set:`.
struct Variant {
    std::string name;
    std::vector<Override> overrides;  // applied on top of the base config, in order
    // A policy's: the recorded tick from which its overrides apply; before
    // it the market runs without them (0: from the first recorded tick).
    std::uint32_t start_tick = 0;
};

// What an experiment compares (DESIGN.md 2): scenarios x sweep points x
// replications x policies. With no `scenarios` there is one, "base"; with no
// `policies` one, "baseline"; with no `sweep` one point.
struct ExperimentDesign {
    std::vector<Variant> scenarios;
    std::vector<Variant> policies;
    std::size_t baseline = 0;  // index into policies
    SweepSettings sweep;
};

// A config's YAML text and where it came from: `file` names it in errors,
// and relative paths in it (policy files, edge lists) are read from `dir`.
struct ConfigText {
    std::string file;
    std::string text;
    std::string dir;
};

struct ExperimentConfig {
    std::string file;  // the config's path
    ExperimentSettings experiment;
    models::MarketParams market;
    NetworkSettings network;
    OutputSettings output;
    ExperimentDesign design;
    CalibrationSettings calibration;
    std::vector<std::string> overrides;  // the --set assignments applied
    std::string resolved_yaml;           // every value used, defaults included, policy files inlined
    ConfigText source;                   // what it was read from, for every run's config
    std::shared_ptr<InputFiles> inputs;  // every file read, with digests (shared by every run's config)
};

// Reads and validates a config file with `--set` overrides applied (in order),
// then `variant` overrides (a run's scenario, sweep values and policy).
// Throws ConfigError naming file, line and key on any problem.
// `resolve`: also write the resolved YAML (resolved_yaml), which checking
// alone does not need.
ExperimentConfig load_experiment_config(const std::string& path, const std::vector<std::string>& overrides,
                                        const std::vector<Override>& variant = {}, bool resolve = true);
// The same from a config's text (a config stored in a results file).
// `inputs`: files already known (stored edge lists); null: none.
ExperimentConfig load_experiment_config(const ConfigText& source, const std::vector<std::string>& overrides,
                                        std::shared_ptr<InputFiles> inputs);
// One run's config: `base`'s text and --set values, then `variant`; reads
// no file again (the same bytes, the same InputFiles).
ExperimentConfig load_run_config(const ExperimentConfig& base, const std::vector<Override>& variant,
                                 bool resolve = true);

// A scenario, sweep value or policy may change firms' parameters but not
// the firms: their number, order and names are the base config's in every
// run (records, /summary and /comparisons are indexed by firm). Throws
// ConfigError located at the override that changes them; `what` names the
// variant ("scenario s x policy p").
void check_same_firms(const ExperimentConfig& base, const ExperimentConfig& run, const std::vector<Override>& variant,
                      const std::string& what);

}  // namespace experiments
