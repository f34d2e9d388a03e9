#include "experiments/config/ExperimentConfig.hpp"

#include "experiments/config/MarketConfig.hpp"
#include "experiments/config/Overrides.hpp"

#include <filesystem>
#include <fstream>
#include <limits>
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
    e.seed = static_cast<std::uint64_t>(
        node.integer("seed", static_cast<std::int64_t>(e.seed), 0, std::numeric_limits<std::int64_t>::max()));
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
    o.snapshot_every = static_cast<std::uint32_t>(node.integer("snapshot_every", 0, 0, 100'000'000));
    // Transaction logs need the purchase mechanism, which this version does not have.
    if (node.flag("transaction_log", false))
        throw node.error("transaction_log", "not available: this version has no purchase mechanism to log");
    node.finish();
    return o;
}

std::vector<Variant> read_variants(ConfigNode& root, const std::string& key, const std::string& implicit,
                                   std::vector<ConfigNode>& nodes) {
    nodes = root.mappings(key, false);
    std::vector<Variant> variants;
    for (auto& node : nodes) {
        Variant v;
        v.name = node.required_text("name");
        for (const auto& other : variants)
            if (other.name == v.name) throw node.error("name", "two " + key + " are called \"" + v.name + "\"");
        v.overrides = node.overrides("set");
        variants.push_back(std::move(v));
    }
    if (variants.empty()) variants.push_back(Variant{implicit, {}});
    return variants;
}

// Policies: exactly one is the baseline the others are compared with. A
// single policy is its own baseline.
std::size_t read_baseline(std::vector<ConfigNode>& nodes, ConfigNode& root) {
    std::size_t baseline = nodes.size();
    for (std::size_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].flag("baseline", nodes.size() == 1)) {
            if (baseline != nodes.size()) throw nodes[i].error("baseline", "only one policy can be the baseline");
            baseline = i;
        }
    if (nodes.empty()) return 0;
    if (baseline == nodes.size()) throw root.error("policies", "mark one policy as the baseline (baseline: true)");
    return baseline;
}

SweepParameter read_sweep_parameter(ConfigNode node, SweepMethod method) {
    SweepParameter p;
    p.key = node.required_text("key");
    p.low = node.number("low", p.low);
    p.high = node.number("high", p.high);
    if (p.low > p.high) throw node.error("high", "must not be below low (" + format_number(p.low) + ")");
    p.scale = node.choice("scale", "linear", {"linear", "log"}) == "log" ? SweepScale::Log : SweepScale::Linear;
    if (p.scale == SweepScale::Log && p.low <= 0) throw node.error("low", "must be above 0 on a log scale");
    if (method == SweepMethod::Grid) p.steps = static_cast<std::uint32_t>(node.integer("steps", 2, 1, 1'000'000));
    p.integer = node.flag("integer", false);
    node.finish();
    return p;
}

SweepSettings read_sweep(ConfigNode node) {
    SweepSettings s;
    const std::string method = node.choice("method", "grid", {"grid", "lhs", "sobol"});
    s.method = method == "grid"  ? SweepMethod::Grid
               : method == "lhs" ? SweepMethod::LatinHypercube
                                 : SweepMethod::Sobol;
    if (s.method != SweepMethod::Grid) s.points = static_cast<std::uint32_t>(node.integer("points", 10, 1, 10'000'000));
    // Grid without parameters is the single base point; lhs and sobol need some.
    for (auto& p : node.mappings("parameters", s.method != SweepMethod::Grid))
        s.parameters.push_back(read_sweep_parameter(p, s.method));
    node.finish();
    return s;
}

ExperimentDesign read_design(ConfigNode& root) {
    ExperimentDesign d;
    std::vector<ConfigNode> scenario_nodes, policy_nodes;
    d.scenarios = read_variants(root, "scenarios", "base", scenario_nodes);
    for (auto& n : scenario_nodes) n.finish();
    d.policies = read_variants(root, "policies", "baseline", policy_nodes);
    d.baseline = read_baseline(policy_nodes, root);
    for (auto& n : policy_nodes) n.finish();
    d.sweep = read_sweep(root.mapping("sweep"));
    return d;
}

}  // namespace

ExperimentConfig load_experiment_config(const std::string& path, const std::vector<std::string>& overrides,
                                        const std::vector<Override>& variant) {
    auto source = std::make_shared<ConfigSource>();
    source->file = path;
    YAML::Node tree = parse_file(path);
    if (!tree.IsMap()) throw ConfigError({path, 1, 1, ""}, "the config must be a mapping of sections");
    for (const auto& assignment : overrides) apply_override(tree, parse_assignment(assignment), *source);
    for (const auto& o : variant) apply_override(tree, o, *source);

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
        throw root.error("network",
                         "word of mouth is on but network.kind is none; "
                         "set mechanisms.word_of_mouth.enabled: false or choose a network");
    config.design = read_design(root);
    config.output = read_output(root.mapping("output"));
    root.finish();

    YAML::Emitter out;
    out << resolved;
    config.resolved_yaml = std::string(out.c_str()) + "\n";
    return config;
}

}  // namespace experiments
