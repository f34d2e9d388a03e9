#pragma once
// The run plan: every run of an experiment with its coordinates and seeds,
// computed from the config alone (`crmsim plan` prints it). Runs are ordered
// scenario, sweep point, replication, policy, so the policies of one
// replication, which share their random draws, sit side by side.
#include "experiments/config/ExperimentConfig.hpp"
#include "sim/random/SeedDerivation.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace experiments {

struct RunSpec {
    std::uint32_t run_id = 0;
    std::uint32_t scenario = 0;     // index into design.scenarios
    std::uint32_t sweep_point = 0;  // index into ExperimentPlan::sweep_points
    std::uint32_t replication = 0;
    std::uint32_t policy = 0;    // index into design.policies
    sim::StreamKey stream_key;   // the run's model draws
    sim::StreamKey network_key;  // the run's network draws
};

struct ExperimentPlan {
    ExperimentDesign design;
    std::uint64_t seed = 0;
    bool common_random_numbers = true;
    bool common_across_scenarios = false;           // experiment.common_random_numbers: across_scenarios
    std::vector<std::vector<double>> sweep_points;  // [point][parameter]
    std::vector<RunSpec> runs;
};

ExperimentPlan make_plan(const ExperimentConfig& base);

// The overrides that turn the base config into run `run`'s config: its
// scenario's, then its sweep point's values, then its policy's.
std::vector<Override> run_overrides(const ExperimentPlan& plan, const RunSpec& run);
// The same before the run's policy takes effect: its scenario's, then its
// sweep point's values (the config of a warm-up, docs/experiments.md).
std::vector<Override> before_policy_overrides(const ExperimentPlan& plan, const RunSpec& run);
// Whether run `run` starts without its policy: after a warm-up, or with a
// policy start_tick.
bool policy_starts_later(const ExperimentConfig& base, const RunSpec& run);

// Seeding policy for runs (see sim/random/SeedDerivation.hpp): a run's key
// depends on (scenario, sweep point, replication) and, only when common
// random numbers are off, on its policy; the network has a stream of its own.
// `across_scenarios` keys by replication alone: the key of scenario 0, sweep
// point 0, so that every scenario and sweep point shares that replication's draws.
sim::StreamKey run_stream_key(std::uint64_t seed, const RunSpec& run, bool common_random_numbers, bool network,
                              bool across_scenarios = false);

// How a plan's runs share draws, as the results file records it (root
// attribute common_random_numbers; docs/experiments.md): "across_scenarios",
// "across_policies", "across_policies_and_sweep_points" (with
// sweep.common_random_numbers), "across_sweep_points" (that, with
// experiment.common_random_numbers: false) or "none".
std::string random_number_sharing(const ExperimentPlan& plan);
// Whether the sweep's points draw as point 0 does (sweep.common_random_numbers
// with more than one point).
bool sweep_points_share_draws(const ExperimentPlan& plan);

}  // namespace experiments
