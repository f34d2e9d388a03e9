#pragma once
// Reads the market sections of a config (population, network, firms,
// mechanisms) into model parameters. Key names and defaults are documented
// in README.md, "Config reference".
#include "experiments/config/ConfigTree.hpp"
#include "experiments/config/ExperimentConfig.hpp"

namespace experiments {

models::PopulationParams read_population(ConfigNode node);
std::vector<models::FirmParams> read_firms(ConfigNode& root);
models::Mechanisms read_mechanisms(ConfigNode node);
NetworkSettings read_network(ConfigNode node, const std::string& config_dir, std::uint32_t population);

}  // namespace experiments
