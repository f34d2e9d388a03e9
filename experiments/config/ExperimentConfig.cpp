#include "experiments/config/ExperimentConfig.hpp"

#include "experiments/config/MarketConfig.hpp"
#include "experiments/config/Overrides.hpp"

#include <filesystem>
#include <limits>
#include <fstream>
#include <sstream>

namespace experiments {
namespace {

YAML::Node parse_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const bool exists = std::filesystem::exists(path);
        throw ConfigError({path, 0, 0, ""}, exists ? "cannot read the config file" : "no such config file");
    }
    std::stringstream text;
    text << in.rdbuf();
    try {
        YAML::Node root = YAML::Load(text.str());
        if (!root.IsDefined() || root.IsNull()) return YAML::Node(YAML::NodeType::Map);
        return root;
    } catch (const YAML::Exception& e) {
        throw ConfigError({path, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1, ""},
                          "not valid YAML: " + e.msg);
    }
}

ExperimentSettings read_experiment(ConfigNode node) {
    ExperimentSettings e;
    e.name = node.text("name", e.name);
    e.seed = static_cast<std::uint64_t>(node.integer("seed", static_cast<std::int64_t>(e.seed), 0, std::numeric_limits<std::int64_t>::max()));
    e.ticks = static_cast<std::uint32_t>(node.integer("ticks", e.ticks, 1, 100'000'000));
    e.tick_days = node.number("tick_days", e.tick_days, 1e-6, 36525.0);
    e.replications = static_cast<std::uint32_t>(node.integer("replications", e.replications, 1, 1'000'000));
    e.common_random_numbers = node.flag("common_random_numbers", e.common_random_numbers);
    node.finish();
    return e;
}

OutputSettings read_output(ConfigNode node) {
    OutputSettings o;
    o.compression = static_cast<int>(node.integer("compression", o.compression, 0, 9));
    o.chunk_rows = static_cast<std::uint32_t>(node.integer("chunk_rows", o.chunk_rows, 1, 1'000'000));
    node.finish();
    return o;
}

// Sections the design reserves for the experiment engine (scenarios, policy
// variants, sweeps). Until it lands they must be absent or empty: accepting
// and ignoring them would silently run something other than what was asked.
void reject_unsupported(ConfigNode& root, const std::string& key) {
    root.skip(key);
    if (root.has_content(key))
        throw root.error(key, "'" + key + "' is not supported by this version of crmsim; remove the section");
}

}  // namespace

ExperimentConfig load_experiment_config(const std::string& path, const std::vector<std::string>& overrides) {
    auto source = std::make_shared<ConfigSource>();
    source->file = path;
    YAML::Node tree = parse_file(path);
    if (!tree.IsMap()) throw ConfigError({path, 1, 1, ""}, "the config must be a mapping of sections");
    for (const auto& assignment : overrides) apply_override(tree, assignment, *source);

    ExperimentConfig config;
    config.file = path;
    config.overrides = overrides;
    YAML::Node resolved(YAML::NodeType::Map);
    ConfigNode root(source, tree, "", resolved);
    config.experiment = read_experiment(root.mapping("experiment"));
    config.market.population = read_population(root.mapping("population"));
    const std::string dir = std::filesystem::path(path).parent_path().string();
    config.network = read_network(root.mapping("network"), dir.empty() ? "." : dir, config.market.population.size);
    config.market.firms = read_firms(root);
    config.market.mechanisms = read_mechanisms(root.mapping("mechanisms"));
    if (config.market.mechanisms.word_of_mouth.enabled && config.network.kind == NetworkKind::None)
        throw root.error("network", "word of mouth is on but network.kind is none; "
                                    "set mechanisms.word_of_mouth.enabled: false or choose a network");
    for (const char* key : {"policies", "scenarios", "sweep"}) reject_unsupported(root, key);
    config.output = read_output(root.mapping("output"));
    root.finish();

    YAML::Emitter out;
    out << resolved;
    config.resolved_yaml = std::string(out.c_str()) + "\n";
    return config;
}

}  // namespace experiments
