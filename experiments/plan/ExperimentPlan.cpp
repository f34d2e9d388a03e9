#include "experiments/plan/ExperimentPlan.hpp"

#include <cmath>
#include <stdexcept>

namespace experiments {
namespace {

constexpr std::uint32_t kModelStream = 0, kNetworkStream = 1;

std::vector<std::vector<double>> sweep_points_of(const ExperimentConfig& base) {
    try {
        return sample_sweep(base.design.sweep, base.experiment.seed);
    } catch (const std::invalid_argument& e) {
        throw ConfigError({base.file, 0, 0, "sweep"}, e.what());
    }
}

YAML::Node sweep_value(const SweepParameter& p, double value) {
    if (p.integer) return YAML::Node(std::to_string(static_cast<long long>(std::llround(value))));
    return YAML::Node(format_number(value));
}

}  // namespace

sim::StreamKey run_stream_key(std::uint64_t seed, const RunSpec& run, bool common_random_numbers, bool network,
                              bool across_scenarios) {
    // Word 3 of the coordinates: which stream, and the policy when policies
    // must not share draws (policy + 1, so 0 always means "shared").
    const std::uint32_t policy_slot = common_random_numbers || across_scenarios ? 0 : run.policy + 1;
    const std::uint32_t stream = (policy_slot << 8) | (network ? kNetworkStream : kModelStream);
    if (across_scenarios) return sim::derive_stream_key(seed, {0, 0, run.replication, stream});
    return sim::derive_stream_key(seed, {run.scenario, run.sweep_point, run.replication, stream});
}

bool sweep_points_share_draws(const ExperimentPlan& plan) {
    return plan.design.sweep.common_random_numbers && plan.sweep_points.size() > 1;
}

// The two options combined, as the keys make_plan gives say: across_scenarios
// keys by replication alone (sweep points and policies included);
// sweep.common_random_numbers keys every sweep point as point 0.
std::string random_number_sharing(const ExperimentPlan& plan) {
    if (plan.common_across_scenarios) return "across_scenarios";
    const bool points = sweep_points_share_draws(plan);
    if (plan.common_random_numbers) return points ? "across_policies_and_sweep_points" : "across_policies";
    return points ? "across_sweep_points" : "none";
}

ExperimentPlan make_plan(const ExperimentConfig& base) {
    ExperimentPlan plan;
    plan.design = base.design;
    plan.seed = base.experiment.seed;
    plan.common_random_numbers = base.experiment.common_random_numbers;
    plan.common_across_scenarios = base.experiment.common_across_scenarios;
    plan.sweep_points = sweep_points_of(base);
    const auto& d = plan.design;
    for (std::uint32_t s = 0; s < d.scenarios.size(); ++s)
        for (std::uint32_t p = 0; p < plan.sweep_points.size(); ++p)
            for (std::uint32_t r = 0; r < base.experiment.replications; ++r)
                for (std::uint32_t q = 0; q < d.policies.size(); ++q) {
                    RunSpec run{static_cast<std::uint32_t>(plan.runs.size()), s, p, r, q, {}, {}};
                    // With common random numbers across the sweep, every point draws as point 0 does.
                    RunSpec keyed = run;
                    if (d.sweep.common_random_numbers) keyed.sweep_point = 0;
                    run.stream_key = run_stream_key(plan.seed, keyed, plan.common_random_numbers, false,
                                                    plan.common_across_scenarios);
                    run.network_key = run_stream_key(plan.seed, keyed, plan.common_random_numbers, true,
                                                     plan.common_across_scenarios);
                    plan.runs.push_back(run);
                }
    return plan;
}

std::vector<Override> before_policy_overrides(const ExperimentPlan& plan, const RunSpec& run) {
    const auto& d = plan.design;
    std::vector<Override> out = d.scenarios[run.scenario].overrides;
    const auto& params = d.sweep.parameters;
    for (std::size_t k = 0; k < params.size(); ++k)
        out.push_back(Override{params[k].key, sweep_value(params[k], plan.sweep_points[run.sweep_point][k]),
                               ConfigLocation{"sweep parameter " + params[k].key, 0, 0, params[k].key}});
    return out;
}

std::vector<Override> run_overrides(const ExperimentPlan& plan, const RunSpec& run) {
    std::vector<Override> out = before_policy_overrides(plan, run);
    const auto& policy = plan.design.policies[run.policy].overrides;
    out.insert(out.end(), policy.begin(), policy.end());
    return out;
}

bool policy_starts_later(const ExperimentConfig& base, const RunSpec& run) {
    return base.experiment.warmup > 0 || base.design.policies[run.policy].start_tick > 0;
}

}  // namespace experiments
