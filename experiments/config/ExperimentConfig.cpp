#include "experiments/config/ExperimentConfig.hpp"

#include "experiments/config/MarketConfig.hpp"
#include "experiments/config/OutputSpec.hpp"
#include "experiments/config/Overrides.hpp"
#include "experiments/config/Utf8.hpp"
#include "experiments/config/YamlChecks.hpp"
#include "experiments/plan/SensitivityDesign.hpp"
#include "experiments/run/SummaryMetrics.hpp"
#include "models/market/FirmTally.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

namespace experiments {
namespace {

// yaml-cpp passes bytes that are not UTF-8 straight into strings (and on into
// names in the results file, which h5py then cannot decode), so a config saved
// in Latin-1, or cut off inside a character, is caught here, at its line.
// UTF-16 and UTF-32 files (a byte-order mark, or a zero byte in the first
// four, YAML 1.2 section 5.2) are left to yaml-cpp, which decodes them.
void check_utf8(const std::string& path, const std::string& text) {
    const std::string head = text.substr(0, 4);
    if (head.rfind("\xFE\xFF", 0) == 0 || head.rfind("\xFF\xFE", 0) == 0 || head.find('\0') != std::string::npos)
        return;
    bool cut_short = false;
    std::size_t bad = first_invalid_utf8(text, cut_short);
    // A NUL is valid UTF-8, but yaml-cpp ends a string at it: a name would be cut short silently.
    if (const std::size_t nul = text.find('\0'); nul < bad) bad = nul, cut_short = false;
    if (bad == std::string::npos) return;
    std::size_t from = bad;  // the start of its line
    while (from > 0 && text[from - 1] != '\n') --from;
    const int line =
        1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(from), '\n'));
    int column = 1;  // in characters: everything before `bad` is valid UTF-8
    for (std::size_t i = from; i < bad; ++i) column += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[bad]));
    const std::string advice =
        cut_short ? ": the file ends inside a character; is it cut short?" : "; save the config as UTF-8";
    if (text[bad] == '\0') throw ConfigError({path, line, column, ""}, "a NUL byte (0x00), which no config may hold");
    throw ConfigError({path, line, column, ""}, std::string("not valid UTF-8 (byte ") + hex + ")" + advice);
}

// Only a regular file is a config: a folder would read as empty, and a device
// such as /dev/zero would be read until memory runs out.
void check_config_file(const std::string& path) {
    std::error_code error;
    const auto kind = std::filesystem::status(path, error).type();
    if (kind == std::filesystem::file_type::not_found) throw ConfigError({path, 0, 0, ""}, "no such config file");
    if (error) throw ConfigError({path, 0, 0, ""}, "cannot read the config file: " + error.message());
    if (kind == std::filesystem::file_type::directory)
        throw ConfigError({path, 0, 0, ""}, "is a folder, not a config file");
    if (kind != std::filesystem::file_type::regular)
        throw ConfigError({path, 0, 0, ""}, "is not a regular file (a device, pipe or socket); give a YAML file");
}

// No config line is anywhere near this long; a file with one is not a config
// (or is damaged), and yaml-cpp would take minutes over a 100 MB line.
constexpr std::size_t kLongestLine = 1 << 20;

void check_line_lengths(const std::string& path, const std::string& text) {
    std::size_t start = 0;
    for (int line = 1; start < text.size(); ++line) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        if (end - start > kLongestLine)
            throw ConfigError({path, line, 1, ""}, "a line of " + std::to_string(end - start) +
                                                       " bytes; no config line may be longer than " +
                                                       std::to_string(kLongestLine) + " bytes (is this a config?)");
        start = end + 1;
    }
}

std::string read_text(const std::string& path) {
    check_config_file(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError({path, 0, 0, ""}, "cannot read the config file");
    std::stringstream text;
    text << in.rdbuf();
    check_utf8(path, text.str());
    check_line_lengths(path, text.str());
    return text.str();
}

// A config or policy file's text, read once per experiment and kept with its digest.
std::string read_input(const std::string& path, InputRole role, InputFiles& inputs) {
    return *inputs.get(path, role, read_text);
}

YAML::Node parse_text(const std::string& path, const std::string& text) {
    try {
        YAML::Node root = load_one_document(path, text);
        reject_tags(root, ConfigLocation{path, 0, 0, ""}, "");
        if (!root.IsDefined() || root.IsNull()) return YAML::Node(YAML::NodeType::Map);
        return root;
    } catch (const YAML::Exception& e) {
        std::string message = "not valid YAML: " + e.msg;
        // A file that stops inside a list or mapping fails at its last token,
        // with a message ("unknown token") that does not say so.
        if (!e.mark.is_null() && text.find_first_not_of(" \t\r\n", e.mark.pos + 1) == std::string::npos)
            message += " at the end of the file; is it cut short?";
        throw ConfigError({path, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1, ""},
                          message);
    }
}

// `common_random_numbers`: true (the policies of a replication share their
// draws), false (no run shares), or across_scenarios (every run of a
// replication shares, whatever its scenario and sweep point). Recorded as
// written, so configs without the new value resolve as before.
void read_common_random_numbers(ConfigNode& node, ExperimentSettings& e) {
    if (node.has("common_random_numbers") && node.text("common_random_numbers", "") == "across_scenarios") {
        e.common_random_numbers = true;
        e.common_across_scenarios = true;
        return;
    }
    try {
        e.common_random_numbers = node.flag("common_random_numbers", e.common_random_numbers);
    } catch (const ConfigError&) {
        throw node.error("common_random_numbers", "expected true, false or across_scenarios, found \"" +
                                                      node.text("common_random_numbers", "") + "\"");
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
    e.warmup = static_cast<std::uint32_t>(node.integer("warmup", e.warmup, 0, 100'000'000));
    read_common_random_numbers(node, e);
    node.finish();
    return e;
}

// `metrics`: output.metrics, which the market computes (models::MetricOptions).
OutputSettings read_output(ConfigNode node, models::MetricOptions& metrics) {
    OutputSettings o;
    o.compression = static_cast<int>(node.integer("compression", o.compression, 0, 9));
    o.chunk_rows = static_cast<std::uint32_t>(node.integer("chunk_rows", o.chunk_rows, 1, 1'000'000));
    o.snapshot_every = static_cast<std::uint32_t>(node.integer("snapshot_every", 0, 0, 100'000'000));
    metrics = read_metrics(node.mapping("metrics"));
    metrics.transaction_log = node.flag("transaction_log", false);
    node.finish();
    return o;
}

// A policy file's mapping as overrides of firm `prefix` (firms.<i>), one per
// value, each located where the file writes it.
void flatten_policy(const std::string& file, const YAML::Node& map, const std::string& prefix,
                    std::vector<Override>& out) {
    std::set<std::string> seen;
    for (const auto& entry : map) {
        const std::string path = prefix + "." + entry.first.Scalar();
        const YAML::Mark key_mark = entry.first.Mark();
        if (!seen.insert(entry.first.Scalar()).second)
            throw ConfigError({file, key_mark.line + 1, key_mark.column + 1, path},
                              "duplicate key: it is already given above");
        if (entry.second.IsMap()) {
            flatten_policy(file, entry.second, path, out);
            continue;
        }
        const YAML::Mark mark = entry.second.Mark().is_null() ? key_mark : entry.second.Mark();
        out.push_back(Override{path, entry.second, ConfigLocation{file, mark.line + 1, mark.column + 1, path}});
    }
}

// `use:` a policy file for `firm:` (an index or a name): the file's settings
// become overrides firms.<i>.<key> (before the variant's `set:`). The file is
// resolved against the config's folder.
std::vector<Override> read_policy_use(ConfigNode& node, const std::string& config_dir,
                                      const std::vector<models::FirmParams>& firms, InputFiles& inputs) {
    if (!node.has("use")) {
        if (node.has("firm")) throw node.error("firm", "applies only with use: (the firm that follows a policy file)");
        node.skip("use");
        node.skip("firm");
        return {};
    }
    const std::string given = node.text("use", "");
    const std::string who = node.required_text("firm");
    // The file's values are recorded in the variant's `set`, so the resolved
    // config reruns without the file (and anywhere).
    node.forget("use");
    node.forget("firm");
    std::size_t firm = firms.size();
    if (!who.empty() && who.find_first_not_of("0123456789") == std::string::npos) {
        if (who.size() > 3 || std::stoul(who) >= firms.size())
            throw node.error("firm", "firm " + who + " is out of range: there are " + std::to_string(firms.size()) +
                                         " firms (0 to " + std::to_string(firms.size() - 1) + ")");
        firm = std::stoul(who);
    } else {
        std::vector<std::string> names;
        for (std::size_t i = 0; i < firms.size(); ++i) {
            names.push_back(firms[i].name);
            if (firms[i].name == who) firm = i;
        }
        if (firm == firms.size()) {
            const std::string near = closest_name(who, names);
            std::string list;
            for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
            throw node.error("firm", "no firm is called \"" + who + "\"" +
                                         (near.empty() ? "" : " (did you mean \"" + near + "\"?)") +
                                         "; give a firm's index or one of: " + list);
        }
    }
    const std::filesystem::path p(given);
    const std::string file = p.is_absolute() ? given : (std::filesystem::path(config_dir) / p).string();
    if (!std::filesystem::is_regular_file(file))
        throw node.error("use",
                         (std::filesystem::exists(file) ? "not a policy file: " : "no such policy file: ") + file);
    const YAML::Node root = parse_text(file, read_input(file, InputRole::Policy, inputs));
    std::vector<Override> out;
    if (root.IsNull() || (root.IsMap() && root.size() == 0)) return out;
    if (!root.IsMap()) {
        const int line = root.Mark().is_null() ? 1 : root.Mark().line + 1;
        throw ConfigError({file, line, 1, ""},
                          "a policy file must be a mapping of one firm's settings (recovery, loyalty, prevention, "
                          "termination, win_back, acquisition, ...)");
    }
    flatten_policy(file, root, "firms." + std::to_string(firm), out);
    return out;
}

const std::string kFixedByThePlan =
    "the plan fixes it for the whole experiment before any run (the runs, their seeds and names), so a "
    "scenario, policy or sweep value would have no effect; set it in the experiment section or with --set";

std::vector<Variant> read_variants(ConfigNode& root, const std::string& key, const std::string& implicit,
                                   std::vector<ConfigNode>& nodes, const std::string& config_dir,
                                   const std::vector<models::FirmParams>& firms, InputFiles& inputs) {
    nodes = root.mappings(key, false);
    std::vector<Variant> variants;
    for (auto& node : nodes) {
        Variant v;
        v.name = node.required_text("name");
        for (const auto& other : variants)
            if (other.name == v.name) throw node.error("name", "two " + key + " are called \"" + v.name + "\"");
        v.overrides = node.overrides("set", read_policy_use(node, config_dir, firms, inputs));
        for (const Override& o : v.overrides)
            if (fixed_by_the_plan(o.path))
                throw ConfigError(
                    o.origin, o.path + " cannot be set by a " + key.substr(0, key.size() - 1) + ": " + kFixedByThePlan);
        variants.push_back(std::move(v));
    }
    if (variants.empty()) variants.push_back(Variant{implicit, {}});
    return variants;
}

// A policy that takes effect in a market that has already run (after a
// warm-up, or from a start tick) changes how the market goes on, not how it
// began: the population and network are drawn at tick 0, and the purchase
// process keeps counters the policy would find missing.
void check_policy_continues(const Variant& policy) {
    for (const Override& o : policy.overrides) {
        const std::string p = canonical_path(o.path);
        for (const char* fixed : {"population", "network", "mechanisms.purchases", "output"})
            if (p == fixed || p.rfind(std::string(fixed) + ".", 0) == 0)
                throw ConfigError(o.origin, o.path + " cannot be set by policy " + policy.name +
                                                ": with experiment.warmup or a start_tick the policy takes effect in "
                                                "a market that has already run, whose " +
                                                fixed +
                                                " was set at its start; set it in the base config or a scenario");
    }
}

// `start_tick`: the recorded tick from which a policy's overrides apply
// (0 to ticks - 1).
void read_policy_starts(std::vector<ConfigNode>& nodes, std::vector<Variant>& policies,
                        const ExperimentSettings& experiment) {
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const std::int64_t start = nodes[i].integer("start_tick", 0, 0, 100'000'000);
        if (start >= experiment.ticks)
            throw nodes[i].error("start_tick", "is beyond the run: the recorded ticks are 0 to " +
                                                   std::to_string(experiment.ticks - 1) + " (experiment.ticks " +
                                                   std::to_string(experiment.ticks) + ")");
        policies[i].start_tick = static_cast<std::uint32_t>(start);
        if (experiment.warmup > 0 || policies[i].start_tick > 0) check_policy_continues(policies[i]);
    }
}

// Policies: exactly one is the baseline the others are compared with. A
// single policy is its own baseline.
std::size_t read_baseline(std::vector<ConfigNode>& nodes, ConfigNode& root) {
    std::vector<std::size_t> marked;
    for (std::size_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].flag("baseline", nodes.size() == 1)) marked.push_back(i);
    // Unknown keys first: a misspelt `baselin: true` says more than "no baseline".
    for (auto& n : nodes) n.finish();
    if (nodes.empty()) return 0;
    if (marked.size() > 1) throw nodes[marked[1]].error("baseline", "only one policy can be the baseline");
    if (marked.empty()) throw root.error("policies", "mark one policy as the baseline (baseline: true)");
    return marked.front();
}

SweepParameter read_sweep_parameter(ConfigNode node, SweepMethod method) {
    SweepParameter p;
    p.key = canonical_path(node.required_text("key"));
    if (fixed_by_the_plan(p.key)) throw node.error("key", p.key + " cannot be swept: " + kFixedByThePlan);
    p.low = node.number("low", p.low);
    p.high = node.number("high", p.high);
    if (p.low > p.high) throw node.error("high", "must not be below low (" + format_number(p.low) + ")");
    // A range with nothing in it sweeps nothing: the value belongs in a `set:`.
    if (p.low == p.high)
        throw node.error("high", "must be above low (" + format_number(p.low) +
                                     "): the range is empty; set a single value with set: or --set instead");
    p.scale = node.choice("scale", "linear", {"linear", "log"}) == "log" ? SweepScale::Log : SweepScale::Linear;
    if (p.scale == SweepScale::Log && p.low <= 0) throw node.error("low", "must be above 0 on a log scale");
    if (method == SweepMethod::Grid) p.steps = static_cast<std::uint32_t>(node.integer("steps", 2, 1, 1'000'000));
    p.integer = node.flag("integer", false);
    node.finish();
    return p;
}

// The keys only saltelli and morris have: what is measured, and how the
// intervals are made (SensitivitySettings.hpp).
void read_sensitivity(ConfigNode& node, SweepSettings& s, const ExperimentSettings& experiment) {
    SensitivitySettings& t = s.sensitivity;
    const bool saltelli = s.method == SweepMethod::Saltelli;
    if (saltelli) {
        const std::int64_t n = node.integer("points", 64, 1, 10'000'000);
        if (n < kMinSaltelliBaseSamples)
            throw node.error("points", "too few base samples (" + std::to_string(n) +
                                           ") for bootstrap intervals: saltelli needs at least " +
                                           std::to_string(kMinSaltelliBaseSamples));
        s.points = static_cast<std::uint32_t>(n);
        t.second_order = node.flag("second_order", false);
        t.sampling = node.choice("sampling", "sobol", {"sobol", "random"}) == "random" ? SaltelliSampling::Random
                                                                                       : SaltelliSampling::Sobol;
    } else {
        const std::int64_t r = node.integer("trajectories", 10, 1, 10'000'000);
        if (r < kMinMorrisTrajectories)
            throw node.error("trajectories", "too few trajectories (" + std::to_string(r) +
                                                 ") for sigma and bootstrap intervals: morris needs at least " +
                                                 std::to_string(kMinMorrisTrajectories));
        s.points = static_cast<std::uint32_t>(r);
        t.levels = static_cast<std::uint32_t>(node.integer("levels", 4, 2, 1'000'000));
        if (t.levels % 2 != 0)
            throw node.error("levels", "must be even: a step of p / (2 (p - 1)) lands on a level only for even p");
    }
    ConfigNode bootstrap = node.mapping("bootstrap");
    t.resamples = static_cast<std::uint32_t>(bootstrap.integer("resamples", 1000, 100, 1'000'000));
    t.bootstrap_seed = static_cast<std::uint64_t>(bootstrap.integer("seed", static_cast<std::int64_t>(experiment.seed),
                                                                    0, std::numeric_limits<std::int64_t>::max()));
    t.confidence = bootstrap.number("confidence", 0.95, 0.5, 0.999);
    bootstrap.finish();
    const std::string use = node.choice("replications", "average", {"average", "noise"});
    t.replications = use == "noise" ? ReplicationUse::Noise : ReplicationUse::Average;
    for (auto& item : node.mappings("outputs", true)) {
        t.outputs.push_back(read_output_spec(item, experiment.ticks));
        item.finish();
    }
    if (t.outputs.empty()) throw node.error("outputs", "list at least one output to measure the sensitivity of");
    for (std::size_t a = 0; a < t.outputs.size(); ++a)
        for (std::size_t b = 0; b < a; ++b)
            if (t.outputs[a].name == t.outputs[b].name)
                throw ConfigError(t.outputs[a].origin, "output " + t.outputs[a].name + " is listed twice");
}

// `key_origins`: where each parameter's key is written, for errors about its values.
SweepSettings read_sweep(ConfigNode node, std::vector<ConfigLocation>& key_origins,
                         const ExperimentSettings& experiment) {
    SweepSettings s;
    const std::string method = node.choice("method", "grid", {"grid", "lhs", "sobol", "saltelli", "morris"});
    s.method = method == "grid"       ? SweepMethod::Grid
               : method == "lhs"      ? SweepMethod::LatinHypercube
               : method == "sobol"    ? SweepMethod::Sobol
               : method == "saltelli" ? SweepMethod::Saltelli
                                      : SweepMethod::Morris;
    if (is_sensitivity_design(s.method))
        read_sensitivity(node, s, experiment);
    else if (s.method != SweepMethod::Grid)
        s.points = static_cast<std::uint32_t>(node.integer("points", 10, 1, 10'000'000));
    s.common_random_numbers = node.flag("common_random_numbers", is_sensitivity_design(s.method));
    // Grid without parameters is the single base point; lhs and sobol need some.
    std::vector<ConfigNode> items = node.mappings("parameters", s.method != SweepMethod::Grid);
    if (s.method != SweepMethod::Grid && items.empty())
        throw node.error("parameters", method + " needs at least one parameter to sample");
    std::uint64_t grid_points = 1;
    for (auto& item : items) {
        s.parameters.push_back(read_sweep_parameter(item, s.method));
        const SweepParameter& p = s.parameters.back();
        key_origins.push_back(item.error("key", "").where());
        key_origins.back().key = p.key;
        // Checked here, where the line is known, rather than when the plan is sampled.
        for (std::size_t k = 0; k + 1 < s.parameters.size(); ++k)
            if (s.parameters[k].key == p.key)
                throw item.error("key", "appears more than once in the sweep: the same key as parameter " +
                                            std::to_string(k) + " (" + p.key + ")");
        grid_points *= s.method == SweepMethod::Grid ? p.steps : 1;
        if (grid_points > std::numeric_limits<std::uint32_t>::max())
            throw item.error("steps", "the grid has more than " +
                                          std::to_string(std::numeric_limits<std::uint32_t>::max()) +
                                          " points (the steps of all parameters multiplied)");
    }
    if (s.sensitivity.second_order && s.parameters.size() < 2)
        throw node.error("second_order", "second-order indices need at least two parameters");
    node.finish();
    return s;
}

// `calibration:` (CalibrationSettings.hpp). `key_origins` as for the sweep.
CalibrationSettings read_calibration(ConfigNode node, std::vector<ConfigLocation>& key_origins) {
    CalibrationSettings c;
    c.max_trials = static_cast<std::uint32_t>(node.integer("max_trials", c.max_trials, 4, 100'000));
    c.tolerance = node.number("tolerance", c.tolerance, 1e-9, 0.5);
    c.curvature_step = node.number("curvature_step", c.curvature_step, 1e-4, 0.25);
    for (auto& item : node.mappings("parameters", false)) {
        CalibrationParameter p;
        p.range.key = item.required_text("key");
        p.range.low = item.number("low", p.range.low);
        p.range.high = item.number("high", p.range.high);
        if (!(p.range.low < p.range.high))
            throw item.error("high", "must be above low (" + format_number(p.range.low) + ")");
        p.range.scale =
            item.choice("scale", "linear", {"linear", "log"}) == "log" ? SweepScale::Log : SweepScale::Linear;
        if (p.range.scale == SweepScale::Log && p.range.low <= 0)
            throw item.error("low", "must be above 0 on a log scale");
        p.start = item.number("start", (p.range.low + p.range.high) / 2, p.range.low, p.range.high);
        for (const auto& other : c.parameters)
            if (other.range.key == p.range.key) throw item.error("key", "appears more than once in the calibration");
        key_origins.push_back(item.error("key", "").where());
        key_origins.back().key = p.range.key;
        item.finish();
        c.parameters.push_back(p);
    }
    node.finish();
    return c;
}

ExperimentDesign read_design(ConfigNode& root, const std::string& config_dir,
                             const std::vector<models::FirmParams>& firms,
                             std::vector<ConfigLocation>& sweep_key_origins, const ExperimentSettings& experiment,
                             InputFiles& inputs) {
    ExperimentDesign d;
    std::vector<ConfigNode> scenario_nodes, policy_nodes;
    d.scenarios = read_variants(root, "scenarios", "base", scenario_nodes, config_dir, firms, inputs);
    for (auto& n : scenario_nodes) n.finish();
    d.policies = read_variants(root, "policies", "baseline", policy_nodes, config_dir, firms, inputs);
    read_policy_starts(policy_nodes, d.policies, experiment);
    d.baseline = read_baseline(policy_nodes, root);
    d.sweep = read_sweep(root.mapping("sweep"), sweep_key_origins, experiment);
    return d;
}

// Reads a parsed config, applying `overrides` and then `variant` to `tree` in
// place. `resolve`: also write out the resolved YAML (not needed for checks).
ExperimentConfig read_config(const ConfigText& text, YAML::Node tree, const std::vector<std::string>& overrides,
                             const std::vector<Override>& variant, std::vector<ConfigLocation>& sweep_key_origins,
                             bool resolve, const std::shared_ptr<InputFiles>& inputs,
                             std::vector<ConfigLocation>* calibration_origins = nullptr) {
    const std::string& path = text.file;
    std::vector<ConfigLocation> unused_origins;
    std::vector<ConfigLocation>& calibration_key_origins = calibration_origins ? *calibration_origins : unused_origins;
    auto source = std::make_shared<ConfigSource>();
    source->file = path;
    if (!tree.IsMap()) {
        const int line = tree.Mark().is_null() ? 1 : tree.Mark().line + 1;  // after any leading comments
        throw ConfigError({path, line, 1, ""}, "the config must be a mapping of sections");
    }
    for (const auto& assignment : overrides) apply_override(tree, parse_assignment(assignment), *source);
    for (const auto& o : variant) apply_override(tree, o, *source);

    ExperimentConfig config;
    config.file = path;
    config.overrides = overrides;
    YAML::Node resolved(YAML::NodeType::Map);
    ConfigNode root(source, tree, "", resolved);
    config.experiment = read_experiment(root.mapping("experiment"));
    ConfigNode population = root.mapping("population");
    const ConfigLocation population_at = population.error("size", "").where();
    config.market.population = read_population(population);
    const std::string& dir = text.dir;
    config.source = text;
    config.inputs = inputs;
    config.network = read_network(root.mapping("network"), dir, config.market.population.size, population_at);
    config.market.firms = read_firms(root);
    config.market.mechanisms = read_mechanisms(root.mapping("mechanisms"));
    if (config.market.mechanisms.word_of_mouth.enabled && config.network.kind == NetworkKind::None)
        throw root.error("network",
                         "word of mouth is on but network.kind is none; "
                         "set mechanisms.word_of_mouth.enabled: false or choose a network");
    const models::Acquisition& acquisition = config.market.mechanisms.acquisition;
    if (acquisition.enabled && acquisition.influence == models::Influence::Network &&
        config.network.kind == NetworkKind::None)
        throw root.error("network",
                         "acquisition by network influence is on but network.kind is none; "
                         "set mechanisms.acquisition.influence: mixed or choose a network");
    config.design = read_design(root, dir, config.market.firms, sweep_key_origins, config.experiment, *inputs);
    config.calibration = read_calibration(root.mapping("calibration"), calibration_key_origins);
    config.output = read_output(root.mapping("output"), config.market.metrics);
    root.finish();

    if (resolve) {
        YAML::Emitter out;
        out << resolved;
        config.resolved_yaml = std::string(out.c_str()) + "\n";
    }
    return config;
}

// The value a sweep gives its key, written as ExperimentPlan.cpp writes it.
YAML::Node sweep_value(const SweepParameter& p, double value) {
    if (p.integer) return YAML::Node(std::to_string(static_cast<long long>(std::llround(value))));
    return YAML::Node(format_number(value));
}

// The values of sweep point 0, which every scenario x policy runs; empty when
// the sweep cannot be sampled (make_plan reports why).
std::vector<double> first_sweep_point(const ExperimentConfig& base) {
    const SweepSettings& sweep = base.design.sweep;
    std::vector<double> point;
    if (sweep.method == SweepMethod::Grid) {  // every low: no need to build the whole grid
        for (const auto& p : sweep.parameters) point.push_back(p.integer ? std::round(p.low) : p.low);
        return point;
    }
    try {
        return sample_sweep(sweep, base.experiment.seed).at(0);
    } catch (const std::exception&) {
        return {};
    }
}

std::string firm_names(const ExperimentConfig& c) {
    std::string names;
    for (const auto& f : c.market.firms) names += (names.empty() ? "" : ", ") + f.name;
    return names;
}

// Where a variant changes the firms: the override that replaces the list, or
// sets a firm's name; else the variant's first override touching firms.
ConfigLocation firm_change_origin(const std::vector<Override>& variant, const std::string& file) {
    const Override* touching = nullptr;
    for (const Override& o : variant) {
        const bool list = o.path == "firms";
        const bool name =
            o.path.rfind("firms.", 0) == 0 && o.path.size() > 5 && o.path.compare(o.path.size() - 5, 5, ".name") == 0;
        if (list || name) return o.origin;
        if (!touching && o.path.rfind("firms", 0) == 0) touching = &o;
    }
    return touching ? touching->origin : ConfigLocation{file, 0, 0, "firms"};
}

bool same_place(const ConfigLocation& a, const ConfigLocation& b) {
    return a.file == b.file && a.line == b.line && a.column == b.column;
}

// Each parameter alone at both ends of its range, on the base: only errors
// located at the parameter's own key count (see check_runs).
template <class Read>
void check_range_ends(const std::vector<SweepParameter>& params, const std::vector<ConfigLocation>& origins,
                      const Read& read) {
    for (std::size_t k = 0; k < params.size(); ++k)
        for (const double end : {params[k].low, params[k].high}) {
            try {
                read({Override{params[k].key, sweep_value(params[k], end), origins[k]}});
            } catch (const ConfigError& e) {
                if (same_place(e.where(), origins[k])) throw;
            }
        }
}

// A run's config is the base with its scenario's `set`, its sweep values and
// its policy's `set` applied (ExperimentPlan.cpp). The runner builds every
// run's config before it writes anything, but `plan` never does, and a sweep
// value's error would name no line. So the same errors are looked for here,
// where both commands see them, located where the value is written:
// - each scenario x policy at sweep point 0: real runs, so never a false alarm;
// - each sweep parameter alone at both ends of its range, on the base: a key
//   the config does not have, or a range beyond the values the key takes.
//   Only errors located at the swept value count; one located elsewhere (e.g.
//   initial shares that no longer add up) depends on values a run's scenario
//   or policy may change, and is left to the runs.
void check_runs(const ConfigText& text, const std::vector<std::string>& overrides, const ExperimentConfig& base,
                const std::vector<ConfigLocation>& sweep_key_origins) {
    const ExperimentDesign& d = base.design;
    const std::vector<SweepParameter>& params = d.sweep.parameters;
    std::vector<ConfigLocation> unused;
    const auto read = [&](const std::vector<Override>& variant) {
        // Parsed again, not YAML::Clone'd: a clone loses the lines errors are located by.
        return read_config(text, parse_text(text.file, text.text), overrides, variant, unused, false, base.inputs);
    };

    const std::vector<double> first = first_sweep_point(base);
    if (first.size() == params.size())
        for (const Variant& scenario : d.scenarios)
            for (const Variant& policy : d.policies) {
                std::vector<Override> variant = scenario.overrides;
                for (std::size_t k = 0; k < params.size(); ++k)
                    variant.push_back(Override{params[k].key, sweep_value(params[k], first[k]), sweep_key_origins[k]});
                variant.insert(variant.end(), policy.overrides.begin(), policy.overrides.end());
                if (!variant.empty())
                    check_same_firms(base, read(variant), variant,
                                     "scenario " + scenario.name + " x policy " + policy.name +
                                         (params.empty() ? "" : " at sweep point 0"));
            }

    for (std::size_t k = 0; k < params.size(); ++k)
        for (const double end : {params[k].low, params[k].high}) {
            try {
                const std::vector<Override> variant{
                    Override{params[k].key, sweep_value(params[k], end), sweep_key_origins[k]}};
                check_same_firms(base, read(variant), variant, "sweep parameter " + params[k].key);
            } catch (const ConfigError& e) {
                if (same_place(e.where(), sweep_key_origins[k])) throw;
            }
        }
}

// A calibration's parameters at both ends of their ranges, like a sweep's.
void check_calibration(const ConfigText& text, const std::vector<std::string>& overrides, const ExperimentConfig& base,
                       const std::vector<ConfigLocation>& origins) {
    std::vector<ConfigLocation> unused;
    const auto read = [&](const std::vector<Override>& variant) {
        read_config(text, parse_text(text.file, text.text), overrides, variant, unused, false, base.inputs);
    };
    std::vector<SweepParameter> ranges;
    for (const auto& p : base.calibration.parameters) ranges.push_back(p.range);
    check_range_ends(ranges, origins, read);
}

}  // namespace

namespace {

// A time-series column's name, checked against the metric registry.
std::string series_column(ConfigNode& node, const std::string& key) {
    const std::string name = node.required_text(key);
    std::vector<std::string> known;
    for (const auto& c : models::firm_tick_columns())
        if (c.name != "tick" && c.name != "firm") known.push_back(c.name);
    if (std::find(known.begin(), known.end(), name) == known.end()) {
        const std::string near = closest_name(name, known);
        throw node.error(key, "no time-series column is called \"" + name + "\"" +
                                  (near.empty() ? "" : " (did you mean \"" + near + "\"?)"));
    }
    return name;
}

// {tarp: {severity: S, outcome: O}}: the share of that TARP group still with
// the firm at the config's horizon (mechanisms.tarp.horizon).
SensitivityOutput read_tarp_cell(ConfigNode& node) {
    SensitivityOutput o;
    o.origin = node.error("", "").where();
    ConfigNode cell = node.mapping("tarp");
    for (const char* key : {"severity", "outcome"})
        if (!cell.has(key))
            throw cell.error(key, std::string("a TARP cell needs its ") + key +
                                      " (severity: minor | major; outcome: silent | unresolved | resolved | "
                                      "resolved_quickly)");
    o.tarp_severity = cell.choice("severity", "", {"minor", "major"});
    o.tarp_outcome = cell.choice("outcome", "", {"silent", "unresolved", "resolved", "resolved_quickly"});
    cell.finish();
    o.name = "tarp:" + o.tarp_severity + "/" + o.tarp_outcome;
    return o;
}

}  // namespace

// One output of a sensitivity design or calibration target: {metric: NAME} (a
// /summary column); {column: NAME, tick: T} or {column: NAME, from: T1, to: T2}
// (a time-series column at a tick, or its mean over ticks T1..T2), optionally
// with per: COLUMN (sum of NAME / sum of COLUMN over those ticks) or per:
// market (the firm's sum of NAME / every firm's); {tarp: {severity, outcome}}.
SensitivityOutput read_output_spec(ConfigNode& node, std::uint32_t ticks) {
    SensitivityOutput o;
    o.origin = node.error("", "").where();
    if (int(node.has("metric")) + int(node.has("column")) + int(node.has("tarp")) != 1)
        throw node.error("metric",
                         "give one of metric: (a /summary column), column: (a time-series column) or tarp: (a TARP "
                         "table cell)");
    if (node.has("tarp")) return read_tarp_cell(node);
    if (node.has("metric")) {
        o.metric = o.name = node.required_text("metric");
        const std::vector<std::string> known = summary_metric_names();
        if (std::find(known.begin(), known.end(), o.metric) == known.end()) {
            const std::string near = closest_name(o.metric, known);
            throw node.error("metric", "no summary metric is called \"" + o.metric + "\"" +
                                           (near.empty() ? "" : " (did you mean \"" + near + "\"?)"));
        }
        return o;
    }
    o.column = series_column(node, "column");
    std::string ratio;
    if (node.has("per")) {
        o.per = node.text("per", "") == "market" ? "market" : series_column(node, "per");
        ratio = "/" + o.per;
    }
    const std::int64_t last = static_cast<std::int64_t>(ticks) - 1;
    if (node.has("tick")) {
        if (node.has("from") || node.has("to"))
            throw node.error("tick", "give either tick: or from: and to:, not both");
        o.from_tick = o.to_tick = static_cast<std::uint32_t>(node.integer("tick", last, 0, last));
        o.name = o.column + ratio + "@" + std::to_string(o.from_tick);
    } else {
        o.from_tick = static_cast<std::uint32_t>(node.integer("from", 0, 0, last));
        o.to_tick = static_cast<std::uint32_t>(node.integer("to", last, o.from_tick, last));
        o.name = o.column + ratio + "@" + std::to_string(o.from_tick) + ".." + std::to_string(o.to_tick);
    }
    return o;
}

void check_same_firms(const ExperimentConfig& base, const ExperimentConfig& run, const std::vector<Override>& variant,
                      const std::string& what) {
    bool same = base.market.firms.size() == run.market.firms.size();
    for (std::size_t f = 0; same && f < base.market.firms.size(); ++f)
        same = base.market.firms[f].name == run.market.firms[f].name;
    if (same) return;
    throw ConfigError(firm_change_origin(variant, base.file),
                      what + " changes the firms (the config has " + firm_names(base) + "; this run would have " +
                          firm_names(run) +
                          "): every run of an experiment has the same firms, in the same order and with the same "
                          "names, so that runs can be compared firm by firm; change firms' parameters, not the "
                          "firms, or run another experiment for another market");
}

ExperimentConfig load_experiment_config(const ConfigText& source, const std::vector<std::string>& overrides,
                                        std::shared_ptr<InputFiles> inputs) {
    if (!inputs) inputs = std::make_shared<InputFiles>();
    std::vector<ConfigLocation> sweep_key_origins, calibration_key_origins;
    ExperimentConfig config = read_config(source, parse_text(source.file, source.text), overrides, {},
                                          sweep_key_origins, true, inputs, &calibration_key_origins);
    check_runs(source, overrides, config, sweep_key_origins);
    check_calibration(source, overrides, config, calibration_key_origins);
    return config;
}

ExperimentConfig load_experiment_config(const std::string& path, const std::vector<std::string>& overrides,
                                        const std::vector<Override>& variant, bool resolve) {
    auto inputs = std::make_shared<InputFiles>();
    const std::string parent = std::filesystem::path(path).parent_path().string();
    const ConfigText source{path, read_input(path, InputRole::Config, *inputs), parent.empty() ? "." : parent};
    if (!variant.empty()) {
        // A run's own config (with its variant) is the one being checked already.
        std::vector<ConfigLocation> unused;
        return read_config(source, parse_text(path, source.text), overrides, variant, unused, resolve, inputs);
    }
    return load_experiment_config(source, overrides, inputs);
}

ExperimentConfig load_run_config(const ExperimentConfig& base, const std::vector<Override>& variant, bool resolve) {
    std::vector<ConfigLocation> unused;
    // Parsed again, not cloned: errors are located by the lines of the text.
    return read_config(base.source, parse_text(base.source.file, base.source.text), base.overrides, variant, unused,
                       resolve, base.inputs);
}

}  // namespace experiments
