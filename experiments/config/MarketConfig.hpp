#pragma once
// Reads the market sections of a config (population, network, firms,
// mechanisms, output.metrics) into model parameters. Key names and defaults
// are documented in docs/config.md.
#include "experiments/config/ConfigTree.hpp"
#include "experiments/config/ExperimentConfig.hpp"
#include "sim/random/Distribution.hpp"

#include <limits>
#include <vector>

namespace experiments {

// A distribution spec, {distribution: KIND, ...}: constant (mean), lognormal
// (mean, sigma), gamma (shape and mean, or shape and rate = shape / mean),
// beta (a, b). Only the `allowed` kinds are accepted (the first error names
// them); a constant's mean must lie in [constant_min, constant_max].
// Parameters not given take `fallback`'s values, where those are valid.
sim::Distribution read_distribution(ConfigNode node, const sim::Distribution& fallback,
                                    const std::vector<sim::DistributionKind>& allowed, double constant_min = 0.0,
                                    double constant_max = std::numeric_limits<double>::max());

models::PopulationParams read_population(ConfigNode node);
std::vector<models::FirmParams> read_firms(ConfigNode& root);
models::Mechanisms read_mechanisms(ConfigNode node);
models::MetricOptions read_metrics(ConfigNode node);
// `population_at`: where population.size is set, for errors a default network
// parameter causes with it.
NetworkSettings read_network(ConfigNode node, const std::string& config_dir, std::uint32_t population,
                             const ConfigLocation& population_at);

}  // namespace experiments
