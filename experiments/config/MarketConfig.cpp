#include "experiments/config/MarketConfig.hpp"

#include <cmath>
#include <filesystem>
#include <set>

namespace experiments {
namespace {

models::SpendParams read_spend(ConfigNode node) {
    models::SpendParams p;
    const std::string kind = node.choice("distribution", "lognormal", {"lognormal", "gamma", "constant"});
    p.mean = node.number("mean", p.mean, 1e-9);
    if (kind == "lognormal") {
        p.distribution = models::SpendDistribution::LogNormal;
        p.sigma = node.number("sigma", p.sigma, 0.0, 10.0);
    } else if (kind == "gamma") {
        p.distribution = models::SpendDistribution::Gamma;
        p.shape = node.number("shape", p.shape, 1e-6);
    } else {
        p.distribution = models::SpendDistribution::Constant;
    }
    node.finish();
    return p;
}

models::FirmParams read_firm(ConfigNode node, std::size_t index, std::size_t count) {
    models::FirmParams f;
    f.name = node.text("name", "firm" + std::to_string(index));
    f.initial_share = node.probability("initial_share", 1.0 / static_cast<double>(count));
    f.margin = node.probability("margin", f.margin);
    f.service.failure_rate = node.probability("failure_rate", f.service.failure_rate);
    f.service.major_share = node.probability("major_share", f.service.major_share);

    ConfigNode recovery = node.mapping("recovery");
    f.recovery.quick = recovery.probability("quick", f.recovery.quick);
    f.recovery.slow = recovery.probability("slow", f.recovery.slow);
    if (f.recovery.quick + f.recovery.slow > 1.0 + 1e-12)
        throw recovery.error("slow", "quick + slow must be at most 1 (the rest stay unresolved), found " +
                                         format_number(f.recovery.quick + f.recovery.slow));
    f.recovery.cost_quick = recovery.number("cost_quick", f.recovery.cost_quick, 0.0);
    f.recovery.cost_slow = recovery.number("cost_slow", f.recovery.cost_slow, 0.0);
    recovery.finish();
    node.finish();
    return f;
}

models::RepurchaseByOutcome read_repurchase_row(ConfigNode node, models::RepurchaseByOutcome row) {
    row.minor = node.probability("minor", row.minor);
    row.major = node.probability("major", row.major);
    node.finish();
    return row;
}

// A parameter of another network kind is a likely mistake (e.g. k with
// erdos_renyi), so it gets a clearer message than "unknown key".
void reject_parameters_of_other_kinds(const ConfigNode& node, const std::string& kind) {
    static const std::vector<std::pair<std::string, std::string>> parameter_kind = {
        {"k", "watts_strogatz"},
        {"beta", "watts_strogatz"},
        {"mean_degree", "erdos_renyi or scale_free"},
        {"alpha", "scale_free"},
        {"path", "edge_list"}};
    for (const auto& [key, owner] : parameter_kind)
        if (node.has(key) && owner.find(kind) == std::string::npos)
            throw node.error(key, "does not apply to network kind " + kind + " (it is a parameter of " + owner + ")");
}

}  // namespace

models::PopulationParams read_population(ConfigNode node) {
    models::PopulationParams p;
    p.size = static_cast<std::uint32_t>(node.integer("size", p.size, 1, 4'000'000'000));
    p.initial_satisfaction = node.probability("initial_satisfaction", p.initial_satisfaction);
    p.spend = read_spend(node.mapping("spend"));
    node.finish();
    return p;
}

std::vector<models::FirmParams> read_firms(ConfigNode& root) {
    std::vector<ConfigNode> items = root.mappings("firms", true);
    if (items.size() < 2 || items.size() > 255)
        throw root.error("firms", "a market needs 2 to 255 firms, found " + std::to_string(items.size()));
    std::vector<models::FirmParams> firms;
    std::set<std::string> names;
    double share = 0.0;
    for (std::size_t i = 0; i < items.size(); ++i) {
        firms.push_back(read_firm(items[i], i, items.size()));
        if (!names.insert(firms.back().name).second)
            throw items[i].error("name", "two firms are called \"" + firms.back().name + "\"");
        share += firms.back().initial_share;
    }
    if (std::fabs(share - 1.0) > 1e-9)
        throw root.error("firms",
                         "the firms' initial_share values must add up to 1, they add up to " + format_number(share));
    return firms;
}

models::Mechanisms read_mechanisms(ConfigNode node) {
    models::Mechanisms m;
    {
        ConfigNode n = node.mapping("service_failures");
        m.service_failures.enabled = n.flag("enabled", true);
        n.finish();
    }
    {
        ConfigNode n = node.mapping("complaints");
        m.complaints.enabled = n.flag("enabled", true);
        m.complaints.probability.minor = n.probability("minor", m.complaints.probability.minor);
        m.complaints.probability.major = n.probability("major", m.complaints.probability.major);
        n.finish();
    }
    {
        ConfigNode n = node.mapping("repurchase");
        m.repurchase.silent = read_repurchase_row(n.mapping("silent"), m.repurchase.silent);
        m.repurchase.unresolved = read_repurchase_row(n.mapping("unresolved"), m.repurchase.unresolved);
        m.repurchase.resolved = read_repurchase_row(n.mapping("resolved"), m.repurchase.resolved);
        m.repurchase.resolved_quickly =
            read_repurchase_row(n.mapping("resolved_quickly"), m.repurchase.resolved_quickly);
        n.finish();
    }
    {
        ConfigNode n = node.mapping("satisfaction");
        m.satisfaction.good_service_gain = n.probability("good_service_gain", m.satisfaction.good_service_gain);
        n.finish();
    }
    {
        ConfigNode n = node.mapping("switching");
        m.switching.drift_hazard = n.probability("drift_hazard", m.switching.drift_hazard);
        m.switching.satisfaction_after_switch =
            n.probability("satisfaction_after_switch", m.switching.satisfaction_after_switch);
        n.finish();
    }
    {
        ConfigNode n = node.mapping("word_of_mouth");
        auto& w = m.word_of_mouth;
        w.enabled = n.flag("enabled", true);
        w.negative_reach = n.probability("negative_reach", w.negative_reach);
        w.positive_reach = n.probability("positive_reach", w.positive_reach);
        w.story_effect = n.probability("story_effect", w.story_effect);
        n.finish();
    }
    node.finish();
    return m;
}

NetworkSettings read_network(ConfigNode node, const std::string& config_dir, std::uint32_t population) {
    NetworkSettings s;
    const std::string kind =
        node.choice("kind", "watts_strogatz", {"watts_strogatz", "erdos_renyi", "scale_free", "edge_list", "none"});
    if (kind == "watts_strogatz") {
        s.kind = NetworkKind::WattsStrogatz;
        s.small_world.k = static_cast<std::uint32_t>(node.integer("k", s.small_world.k, 2, 1'000'000));
        s.small_world.beta = node.probability("beta", s.small_world.beta);
        if (s.small_world.k % 2 != 0) throw node.error("k", "must be even (k/2 neighbours on each side)");
        // A rewired edge needs a node outside the ring neighbourhood to go to.
        const std::uint64_t room = s.small_world.beta > 0 ? 1 : 0;
        if (s.small_world.k + room >= population)
            throw node.error("k", "must be smaller than population.size" + std::string(room ? " - 1" : "") + " (" +
                                      std::to_string(population - room) + ")" +
                                      (room ? " when beta > 0, so rewired edges have somewhere to go" : ""));
    } else if (kind == "erdos_renyi") {
        s.kind = NetworkKind::ErdosRenyi;
        s.random_graph.mean_degree = node.number("mean_degree", s.random_graph.mean_degree, 0.0,
                                                 std::max(0.0, static_cast<double>(population) - 1.0));
    } else if (kind == "scale_free") {
        s.kind = NetworkKind::ScaleFree;
        s.scale_free.mean_degree = node.number("mean_degree", s.scale_free.mean_degree, 1e-9,
                                               std::max(1e-9, static_cast<double>(population) - 1.0));
        s.scale_free.alpha = node.number("alpha", s.scale_free.alpha, 1e-3, 1.0);
    } else if (kind == "edge_list") {
        s.kind = NetworkKind::EdgeList;
        const std::string given = node.required_text("path");
        const std::filesystem::path p(given);
        s.edge_list_path = p.is_absolute() ? given : (std::filesystem::path(config_dir) / p).string();
    } else {
        s.kind = NetworkKind::None;
    }
    reject_parameters_of_other_kinds(node, kind);
    const ConfigError here = node.error("");
    s.line = here.where().line;
    node.finish();
    return s;
}

}  // namespace experiments
