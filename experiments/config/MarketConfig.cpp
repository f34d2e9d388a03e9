#include "experiments/config/MarketConfig.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace experiments {
namespace {

using sim::DistributionKind;

constexpr double kMax = std::numeric_limits<double>::max();
constexpr double kPositive = 1e-9;  // the smallest value taken for "above 0"
constexpr std::int64_t kMaxCount = std::numeric_limits<std::uint32_t>::max();

const std::vector<std::pair<DistributionKind, std::string>> kDistributionNames = {
    {DistributionKind::Constant, "constant"},
    {DistributionKind::LogNormal, "lognormal"},
    {DistributionKind::Gamma, "gamma"},
    {DistributionKind::Beta, "beta"}};

const std::string& distribution_name(DistributionKind kind) {
    for (const auto& [k, name] : kDistributionNames)
        if (k == kind) return name;
    return kDistributionNames.front().second;
}

// What each distribution takes, for the message about a parameter of another.
const std::string& distribution_parameters(DistributionKind kind) {
    static const std::string constant = "mean", lognormal = "mean, sigma", gamma = "shape with mean or rate",
                             beta = "a, b";
    return kind == DistributionKind::Constant    ? constant
           : kind == DistributionKind::LogNormal ? lognormal
           : kind == DistributionKind::Gamma     ? gamma
                                                 : beta;
}

std::string join(const std::vector<std::string>& words, const std::string& last = ", ") {
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i)
        out += (i == 0 ? "" : i + 1 == words.size() ? last : ", ") + words[i];
    return out;
}

// A distribution's parameter: `fallback` when the key is absent and that is a
// valid value; with no valid default the key must be given.
double distribution_parameter(ConfigNode& node, const std::string& key, double fallback, double min, double max,
                              const std::string& needs) {
    if (fallback >= min && fallback <= max) return node.number(key, fallback, min, max);
    if (const std::optional<double> value = node.optional_number(key, min, max)) return *value;
    throw node.error(key, needs + " (it has no default here)");
}

// A parameter of another (allowed) kind, e.g. sigma with gamma, is a likely
// mistake, so it gets a clearer message than "unknown key".
void reject_parameters_of_other_distributions(const ConfigNode& node, DistributionKind kind,
                                              const std::vector<DistributionKind>& allowed) {
    static const std::vector<std::pair<std::string, std::vector<DistributionKind>>> owners = {
        {"mean", {DistributionKind::Constant, DistributionKind::LogNormal, DistributionKind::Gamma}},
        {"sigma", {DistributionKind::LogNormal}},
        {"shape", {DistributionKind::Gamma}},
        {"rate", {DistributionKind::Gamma}},
        {"a", {DistributionKind::Beta}},
        {"b", {DistributionKind::Beta}}};
    for (const auto& [key, kinds] : owners) {
        if (!node.has(key) || std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) continue;
        std::vector<std::string> names;
        for (const DistributionKind k : kinds)
            if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) names.push_back(distribution_name(k));
        if (names.empty()) continue;  // an unknown key here
        throw node.error(key, "does not apply to distribution " + distribution_name(kind) + " (it is a parameter of " +
                                  join(names, " and ") + "; " + distribution_name(kind) + " takes " +
                                  distribution_parameters(kind) + ")");
    }
}

// Firm strategies (models/strategies/): each a mapping under the firm, every
// key optional with the struct's default.
// Who a strategy targets: targeting (everyone | top_value | rfm), top_share,
// min_rfm_score, review_every.
models::TargetRule read_target(ConfigNode& node, models::TargetRule t) {
    const std::vector<std::string> targets = {"everyone", "top_value", "rfm"};  // in Targeting order
    const std::string targeting = node.choice("targeting", targets[static_cast<std::size_t>(t.targeting)], targets);
    t.targeting =
        static_cast<models::Targeting>(std::find(targets.begin(), targets.end(), targeting) - targets.begin());
    t.top_share = node.number("top_share", t.top_share, kPositive, 1.0);
    t.min_rfm_score = static_cast<std::uint32_t>(node.integer("min_rfm_score", t.min_rfm_score, 3, 15));
    t.review_every = static_cast<std::uint32_t>(node.integer("review_every", t.review_every, 1, kMaxCount));
    return t;
}

models::Tactic read_tactic(ConfigNode node, models::Tactic t) {
    t.effect = node.probability("effect", t.effect);
    t.cost = node.number("cost", t.cost, 0.0);
    node.finish();
    return t;
}

models::RelationshipTactics read_tactics(ConfigNode node) {
    models::RelationshipTactics t;
    t.enabled = node.flag("enabled", t.enabled);
    t.target = read_target(node, t.target);
    t.social_reinforcement = read_tactic(node.mapping("social_reinforcement"), t.social_reinforcement);
    t.reassurance = read_tactic(node.mapping("reassurance"), t.reassurance);
    t.benefit_reinforcement = read_tactic(node.mapping("benefit_reinforcement"), t.benefit_reinforcement);
    t.problem_solving = read_tactic(node.mapping("problem_solving"), t.problem_solving);
    t.customisation = read_tactic(node.mapping("customisation"), t.customisation);
    t.service_enhancement = read_tactic(node.mapping("service_enhancement"), t.service_enhancement);
    node.finish();
    return t;
}

models::LoyaltyProgramme read_loyalty(ConfigNode node) {
    models::LoyaltyProgramme l;
    l.enabled = node.flag("enabled", l.enabled);
    const std::vector<std::string> types = {"membership", "information", "points"};  // in ProgrammeType order
    const std::string type = node.choice("type", types[static_cast<std::size_t>(l.type)], types);
    l.type = static_cast<models::ProgrammeType>(std::find(types.begin(), types.end(), type) - types.begin());
    const models::TargetRule target = read_target(node, l.target());
    l.targeting = target.targeting;
    l.top_share = target.top_share;
    l.min_rfm_score = target.min_rfm_score;
    l.review_every = target.review_every;
    l.barrier = node.probability("barrier", l.barrier);
    l.satisfaction_gain = node.probability("satisfaction_gain", l.satisfaction_gain);
    l.cost_per_member = node.number("cost_per_member", l.cost_per_member, 0.0);
    l.points_rate = node.probability("points_rate", l.points_rate);
    node.finish();
    return l;
}

models::SwitchingPrevention read_prevention(ConfigNode node) {
    models::SwitchingPrevention p;
    p.enabled = node.flag("enabled", p.enabled);
    p.recency_weight = node.number("recency_weight", p.recency_weight, 0.0);
    p.failure_weight = node.number("failure_weight", p.failure_weight, 0.0);
    p.satisfaction_weight = node.number("satisfaction_weight", p.satisfaction_weight, 0.0);
    p.survey_noise = node.probability("survey_noise", p.survey_noise);
    p.threshold = node.number("threshold", p.threshold, 0.0);
    p.offer_cost = node.number("offer_cost", p.offer_cost, 0.0);
    p.success = node.probability("success", p.success);
    p.hazard_cut = node.probability("hazard_cut", p.hazard_cut);
    p.satisfaction_gain = node.probability("satisfaction_gain", p.satisfaction_gain);
    node.finish();
    return p;
}

models::Termination read_termination(ConfigNode node) {
    models::Termination t;
    t.enabled = node.flag("enabled", t.enabled);
    t.unprofitable = node.flag("unprofitable", t.unprofitable);
    t.draining = node.flag("draining", t.draining);
    t.violators = node.flag("violators", t.violators);
    t.min_profit = node.number("min_profit", t.min_profit);
    t.window = static_cast<std::uint32_t>(node.integer("window", t.window, 1, kMaxCount));
    const std::vector<std::string> actions = {"end", "limit"};  // in TerminationAction order
    const std::string action = node.choice("action", actions[static_cast<std::size_t>(t.action)], actions);
    t.action =
        static_cast<models::TerminationAction>(std::find(actions.begin(), actions.end(), action) - actions.begin());
    t.negative_word_of_mouth = node.probability("negative_word_of_mouth", t.negative_word_of_mouth);
    t.cost_per_termination = node.number("cost_per_termination", t.cost_per_termination, 0.0);
    t.price_markup = node.number("price_markup", t.price_markup, 0.0);
    t.service_cut = node.probability("service_cut", t.service_cut);
    t.failure_increase = node.number("failure_increase", t.failure_increase, 0.0);
    node.finish();
    return t;
}

models::WinBack read_win_back(ConfigNode node) {
    models::WinBack w;
    w.enabled = node.flag("enabled", w.enabled);
    w.window = static_cast<std::uint32_t>(node.integer("window", w.window, 1, kMaxCount));
    w.success = node.probability("success", w.success);
    w.activation_success = node.probability("activation_success", w.activation_success);
    w.contact_cost = node.number("contact_cost", w.contact_cost, 0.0);
    w.satisfaction = node.probability("satisfaction", w.satisfaction);
    w.cross_sell_reach = node.probability("cross_sell_reach", w.cross_sell_reach);
    w.cross_sell_success = node.probability("cross_sell_success", w.cross_sell_success);
    w.cross_sell_lift = node.number("cross_sell_lift", w.cross_sell_lift, 0.0, 100.0);
    w.cross_sell_cost = node.number("cross_sell_cost", w.cross_sell_cost, 0.0);
    node.finish();
    return w;
}

models::AcquisitionSpend read_acquisition_spend(ConfigNode node) {
    models::AcquisitionSpend a;
    a.marketing_per_tick = node.number("marketing_per_tick", a.marketing_per_tick, 0.0);
    a.lift_per_1000 = node.number("lift_per_1000", a.lift_per_1000, 0.0);
    a.referral_reward = node.number("referral_reward", a.referral_reward, 0.0);
    node.finish();
    return a;
}

models::ServiceGuarantee read_service_guarantee(ConfigNode node) {
    models::ServiceGuarantee g;
    g.enabled = node.flag("enabled", g.enabled);
    g.refund = node.number("refund", g.refund, 0.0);
    g.repurchase_lift = node.probability("repurchase_lift", g.repurchase_lift);
    node.finish();
    return g;
}

models::FirmParams read_firm(ConfigNode node, std::size_t index, std::size_t count) {
    models::FirmParams f;
    f.name = node.text("name", "firm" + std::to_string(index));
    f.initial_share = node.probability("initial_share", 1.0 / static_cast<double>(count));
    f.margin = node.probability("margin", f.margin);
    f.attractiveness = node.number("attractiveness", f.attractiveness);
    f.price = node.number("price", f.price, kPositive);
    f.service_quality = node.probability("service_quality", f.service_quality);
    f.switching_barrier = node.number("switching_barrier", f.switching_barrier, 0.0);
    f.service.failure_rate = node.probability("failure_rate", f.service.failure_rate);
    f.service.major_share = node.probability("major_share", f.service.major_share);

    ConfigNode recovery = node.mapping("recovery");
    f.recovery.quick = recovery.probability("quick", f.recovery.quick);
    f.recovery.slow = recovery.probability("slow", f.recovery.slow);
    if (f.recovery.quick + f.recovery.slow > 1.0 + 1e-12)
        throw recovery.error(recovery.overridden("quick") && !recovery.overridden("slow") ? "quick" : "slow",
                             "quick + slow must be at most 1 (the rest stay unresolved), found " +
                                 format_number(f.recovery.quick + f.recovery.slow));
    f.recovery.cost_quick = recovery.number("cost_quick", f.recovery.cost_quick, 0.0);
    f.recovery.cost_slow = recovery.number("cost_slow", f.recovery.cost_slow, 0.0);
    f.recovery.channel_ease = recovery.number("channel_ease", f.recovery.channel_ease, 0.0, 1000.0);
    f.recovery.capacity =
        static_cast<std::uint32_t>(recovery.integer("capacity", f.recovery.capacity, 0, 4'000'000'000));
    f.recovery.cost_per_case = recovery.number("cost_per_case", f.recovery.cost_per_case, 0.0);
    f.recovery.compensation = recovery.number("compensation", f.recovery.compensation, 0.0);
    f.recovery.compensation_lift = recovery.probability("compensation_lift", f.recovery.compensation_lift);
    recovery.finish();
    f.strategies.loyalty = read_loyalty(node.mapping("loyalty"));
    f.strategies.tactics = read_tactics(node.mapping("tactics"));
    f.strategies.prevention = read_prevention(node.mapping("prevention"));
    f.strategies.termination = read_termination(node.mapping("termination"));
    f.strategies.win_back = read_win_back(node.mapping("win_back"));
    f.strategies.acquisition = read_acquisition_spend(node.mapping("acquisition"));
    f.strategies.service_guarantee = read_service_guarantee(node.mapping("service_guarantee"));
    node.finish();
    return f;
}

models::RepurchaseByOutcome read_repurchase_row(ConfigNode node, models::RepurchaseByOutcome row) {
    row.minor = node.probability("minor", row.minor);
    row.major = node.probability("major", row.major);
    node.finish();
    return row;
}

models::CustomerTraits read_traits(ConfigNode node) {
    models::CustomerTraits t;
    const std::vector<DistributionKind> kinds = {DistributionKind::Constant, DistributionKind::LogNormal,
                                                 DistributionKind::Gamma};
    t.cost_to_serve = read_distribution(node.mapping("cost_to_serve"), t.cost_to_serve, kinds);
    t.complaint_propensity = read_distribution(node.mapping("complaint_propensity"), t.complaint_propensity, kinds);
    t.talkativeness = read_distribution(node.mapping("talkativeness"), t.talkativeness, kinds);
    t.price_sensitivity = read_distribution(node.mapping("price_sensitivity"), t.price_sensitivity, kinds);
    t.draining_share = node.probability("draining_share", t.draining_share);
    t.violator_share = node.probability("violator_share", t.violator_share);
    node.finish();
    return t;
}

models::SatisfactionUpdate read_satisfaction(ConfigNode node) {
    models::SatisfactionUpdate s;
    s.model = node.choice("model", "rm1", {"rm1", "disconfirmation"}) == "rm1"
                  ? models::SatisfactionModel::Rm1
                  : models::SatisfactionModel::Disconfirmation;
    s.good_service_gain = node.probability("good_service_gain", s.good_service_gain);
    s.anchor_weight = node.probability("anchor_weight", s.anchor_weight);
    s.disconfirmation_weight = node.number("disconfirmation_weight", s.disconfirmation_weight, 0.0);
    s.expectation_adaptation = node.probability("expectation_adaptation", s.expectation_adaptation);
    s.initial_expectation = node.probability("initial_expectation", s.initial_expectation);
    node.finish();
    return s;
}

models::SwitchingHazard read_switching(ConfigNode node) {
    models::SwitchingHazard s;
    s.drift_hazard = node.probability("drift_hazard", s.drift_hazard);
    s.shape = node.choice("drift_shape", "power", {"power", "logistic"}) == "power" ? models::DriftShape::Power
                                                                                    : models::DriftShape::Logistic;
    s.convexity = node.number("convexity", s.convexity, kPositive);
    s.logistic_midpoint = node.probability("logistic_midpoint", s.logistic_midpoint);
    s.logistic_steepness = node.number("logistic_steepness", s.logistic_steepness, kPositive);
    ConfigNode stages = node.mapping("stage_factor");
    for (std::size_t i = 0; i < models::kStages; ++i)
        s.stage_factor[i] = stages.number(std::string(models::kStageNames[i]), s.stage_factor[i], 0.0);
    stages.finish();
    s.variety_seeking = node.probability("variety_seeking", s.variety_seeking);
    s.competitor_pull = node.number("competitor_pull", s.competitor_pull, 0.0);
    s.leave_market_share = node.probability("leave_market_share", s.leave_market_share);
    s.satisfaction_after_switch = node.probability("satisfaction_after_switch", s.satisfaction_after_switch);
    s.expectation_after_switch = node.probability("expectation_after_switch", s.expectation_after_switch);
    node.finish();
    return s;
}

models::WordOfMouth read_word_of_mouth(ConfigNode node) {
    models::WordOfMouth w;
    w.enabled = node.flag("enabled", w.enabled);
    w.negative_reach = node.probability("negative_reach", w.negative_reach);
    w.positive_reach = node.probability("positive_reach", w.positive_reach);
    w.story_effect = node.probability("story_effect", w.story_effect);
    w.expectation_effect = node.number("expectation_effect", w.expectation_effect, -1.0, 1.0);
    w.dissatisfied_below = node.probability("dissatisfied_below", w.dissatisfied_below);
    w.advocate_talk = node.probability("advocate_talk", w.advocate_talk);
    w.weak_ties = static_cast<std::uint32_t>(node.integer("weak_ties", w.weak_ties, 0, 1000));
    w.weak_reach = node.probability("weak_reach", w.weak_reach);
    node.finish();
    return w;
}

models::RecoveryParadox read_paradox(ConfigNode node) {
    models::RecoveryParadox p;
    p.enabled = node.flag("enabled", p.enabled);
    p.satisfaction_bonus = node.probability("satisfaction_bonus", p.satisfaction_bonus);
    p.first_failure_only = node.flag("first_failure_only", p.first_failure_only);
    p.minor_only = node.flag("minor_only", p.minor_only);
    node.finish();
    return p;
}

models::RelationshipLadder read_ladder(ConfigNode node) {
    models::RelationshipLadder l;
    l.enabled = node.flag("enabled", l.enabled);
    // promote[i] climbs from stage i + 1, demote[i] slips from stage i + 2 (RelationshipLadder::next).
    ConfigNode promote = node.mapping("promote");
    for (std::size_t i = 0; i < l.promote.size(); ++i)
        l.promote[i] = promote.probability(std::string(models::kStageNames[i + 1]), l.promote[i]);
    promote.finish();
    ConfigNode demote = node.mapping("demote");
    for (std::size_t i = 0; i < l.demote.size(); ++i)
        l.demote[i] = demote.probability(std::string(models::kStageNames[i + 2]), l.demote[i]);
    demote.finish();
    // One uniform draw decides both climbing (its low end) and slipping (its
    // high end), so for a stage that can do both they must not overlap.
    for (std::size_t stage = 2; stage <= 3; ++stage) {
        const std::string name(models::kStageNames[stage]);
        const double sum = l.promote[stage - 1] + l.demote[stage - 2];
        if (sum > 1.0 + 1e-12) {
            const std::string message = "promote." + name + " + demote." + name +
                                        " must be at most 1 (one draw decides both), found " + format_number(sum);
            if (promote.overridden(name) && !demote.overridden(name)) throw promote.error(name, message);
            if (demote.has(name)) throw demote.error(name, message);
            throw promote.error(
                name, message + " (demote." + name + " is " + format_number(l.demote[stage - 2]) + " by default)");
        }
    }
    l.client_purchases = static_cast<std::uint32_t>(node.integer("client_purchases", l.client_purchases, 0, kMaxCount));
    l.advocate_satisfaction = node.probability("advocate_satisfaction", l.advocate_satisfaction);
    l.advocate_tenure = static_cast<std::uint32_t>(node.integer("advocate_tenure", l.advocate_tenure, 0, kMaxCount));
    l.partner_satisfaction = node.probability("partner_satisfaction", l.partner_satisfaction);
    l.partner_tenure = static_cast<std::uint32_t>(node.integer("partner_tenure", l.partner_tenure, 0, kMaxCount));
    l.demote_below = node.probability("demote_below", l.demote_below);
    node.finish();
    return l;
}

models::Purchases read_purchases(ConfigNode node) {
    models::Purchases p;
    const std::string process = node.choice("process", "every_tick", {"every_tick", "poisson", "pareto_nbd", "bg_nbd"});
    p.process = process == "every_tick"   ? models::PurchaseProcess::EveryTick
                : process == "poisson"    ? models::PurchaseProcess::Poisson
                : process == "pareto_nbd" ? models::PurchaseProcess::ParetoNbd
                                          : models::PurchaseProcess::BgNbd;
    p.rate = read_distribution(node.mapping("rate"), p.rate,
                               {DistributionKind::Constant, DistributionKind::Gamma, DistributionKind::LogNormal});
    if (p.process == models::PurchaseProcess::ParetoNbd) {  // a dropout rate per tick
        p.dropout = read_distribution(node.mapping("dropout"), p.dropout,
                                      {DistributionKind::Constant, DistributionKind::Gamma});
    } else if (p.process == models::PurchaseProcess::BgNbd) {  // a dropout probability per purchase
        p.dropout = read_distribution(node.mapping("dropout"), p.dropout,
                                      {DistributionKind::Constant, DistributionKind::Beta}, 0.0, 1.0);
    } else {
        if (node.has("dropout"))
            throw node.error("dropout", "applies only to pareto_nbd and bg_nbd (process is " + process + ")");
        node.skip("dropout");
    }
    p.amount_shape = node.number("amount_shape", p.amount_shape, 0.0);
    node.finish();
    return p;
}

models::Acquisition read_acquisition(ConfigNode node) {
    models::Acquisition a;
    a.enabled = node.flag("enabled", a.enabled);
    a.external = node.number("external", a.external, 0.0);
    a.internal = node.number("internal", a.internal, 0.0);
    a.influence = node.choice("influence", "network", {"mixed", "network"}) == "mixed" ? models::Influence::Mixed
                                                                                       : models::Influence::Network;
    a.story_weight = node.number("story_weight", a.story_weight, 0.0);
    a.lapsed_return = node.flag("lapsed_return", a.lapsed_return);
    a.probability = node.choice("probability", "hazard", {"hazard", "linear"}) == "linear"
                        ? models::AdoptionProbability::Linear
                        : models::AdoptionProbability::Hazard;
    node.finish();
    return a;
}

// A parameter of another network kind is a likely mistake (e.g. k with
// erdos_renyi), so it gets a clearer message than "unknown key". But a
// variant that changes network.kind (a scenario's set) replaces the network:
// the file's parameters of its own kind are then left aside, not an error.
// (A resolved config records every parameter of its kind, defaults
// included, and must read back with the same variants.)
void reject_parameters_of_other_kinds(ConfigNode& node, const std::string& kind) {
    static const std::vector<std::pair<std::string, std::string>> parameter_kind = {
        {"k", "watts_strogatz"},
        {"beta", "watts_strogatz"},
        {"mean_degree", "erdos_renyi or scale_free"},
        {"alpha", "scale_free"},
        {"path", "edge_list"}};
    for (const auto& [key, owner] : parameter_kind) {
        if (!node.has(key) || owner.find(kind) != std::string::npos) continue;
        if (node.overridden("kind") && !node.overridden(key)) {
            node.skip(key);
            continue;
        }
        throw node.error(key, "does not apply to network kind " + kind + " (it is a parameter of " + owner + ")");
    }
}

}  // namespace

sim::Distribution read_distribution(ConfigNode node, const sim::Distribution& fallback,
                                    const std::vector<DistributionKind>& allowed, double constant_min,
                                    double constant_max) {
    std::vector<std::string> names;
    for (const DistributionKind k : allowed) names.push_back(distribution_name(k));
    const std::string name = node.text("distribution", distribution_name(fallback.kind));
    if (std::find(names.begin(), names.end(), name) == names.end()) {
        for (const auto& [k, known] : kDistributionNames)
            if (known == name)
                throw node.error("distribution",
                                 "distribution \"" + name + "\" is not available here; one of: " + join(names));
        node.choice("distribution", names.front(), names);  // throws: unknown, with the closest name
    }
    sim::Distribution d = fallback;
    for (const auto& [k, known] : kDistributionNames)
        if (known == name) d.kind = k;
    reject_parameters_of_other_distributions(node, d.kind, allowed);
    switch (d.kind) {
        case DistributionKind::Constant:
            d.mean = distribution_parameter(node, "mean", fallback.mean, constant_min, constant_max,
                                            "distribution constant needs mean");
            break;
        case DistributionKind::LogNormal:
            d.mean = distribution_parameter(node, "mean", fallback.mean, kPositive, kMax,
                                            "distribution lognormal needs mean");
            d.sigma = node.number("sigma", fallback.sigma, 0.0, 10.0);
            break;
        case DistributionKind::Gamma: {
            // Published NBD parameters (r, alpha) are a shape and a rate.
            const std::optional<double> mean = node.optional_number("mean", kPositive);
            const std::optional<double> rate = node.optional_number("rate", kPositive);
            if (mean && rate) throw node.error("rate", "give mean or rate, not both (rate = shape / mean)");
            d.shape =
                distribution_parameter(node, "shape", fallback.shape, 1e-6, kMax, "distribution gamma needs shape");
            if (rate)
                d.mean = d.shape / *rate;
            else if (mean)
                d.mean = *mean;
            else
                d.mean = distribution_parameter(node, "mean", fallback.mean, kPositive, kMax,
                                                "distribution gamma needs mean or rate");
            break;
        }
        case DistributionKind::Beta: {
            const bool was_beta = fallback.kind == DistributionKind::Beta;
            const double nan = std::numeric_limits<double>::quiet_NaN();  // no default: required
            const double a = distribution_parameter(node, "a", was_beta ? fallback.mean * fallback.shape : nan,
                                                    kPositive, kMax, "distribution beta needs a and b");
            const double b = distribution_parameter(node, "b", was_beta ? (1.0 - fallback.mean) * fallback.shape : nan,
                                                    kPositive, kMax, "distribution beta needs a and b");
            d.mean = a / (a + b);
            d.shape = a + b;
            break;
        }
    }
    node.finish();
    return d;
}

namespace {

// A number (everyone starts there, RM-1), or a distribution of the starting
// customers' satisfaction: constant or beta (values in [0, 1]); newcomers
// later start at its mean.
void read_initial_satisfaction(ConfigNode& node, models::PopulationParams& p) {
    if (!node.is_mapping("initial_satisfaction")) {
        p.initial_satisfaction = node.probability("initial_satisfaction", p.initial_satisfaction);
        p.initial_satisfaction_spread = {DistributionKind::Constant, p.initial_satisfaction};
        return;
    }
    p.initial_satisfaction_spread =
        read_distribution(node.mapping("initial_satisfaction"), {DistributionKind::Constant, p.initial_satisfaction},
                          {DistributionKind::Constant, DistributionKind::Beta}, 0.0, 1.0);
    p.initial_satisfaction = p.initial_satisfaction_spread.mean;
}

}  // namespace

models::PopulationParams read_population(ConfigNode node) {
    models::PopulationParams p;
    p.size = static_cast<std::uint32_t>(node.integer("size", p.size, 1, 4'000'000'000));
    read_initial_satisfaction(node, p);
    p.initial_prospects = node.probability("initial_prospects", p.initial_prospects);
    // A constant spend must be above 0, as it always had to be.
    p.spend = read_distribution(node.mapping("spend"), p.spend,
                                {DistributionKind::LogNormal, DistributionKind::Gamma, DistributionKind::Constant},
                                kPositive);
    p.traits = read_traits(node.mapping("traits"));
    node.finish();
    return p;
}

std::vector<models::FirmParams> read_firms(ConfigNode& root) {
    std::vector<ConfigNode> items = root.mappings("firms", true);
    // Firm ids are 8-bit; 255 (models::kNoFirm) marks a customer with no firm.
    if (items.size() < 2 || items.size() > 254)
        throw root.error("firms", "a market needs 2 to 254 firms, found " + std::to_string(items.size()));
    std::vector<models::FirmParams> firms;
    std::map<std::string, std::size_t> named;  // name -> the first firm called so
    double share = 0.0;
    for (std::size_t i = 0; i < items.size(); ++i) {
        firms.push_back(read_firm(items[i], i, items.size()));
        if (const auto [first, fresh] = named.emplace(firms.back().name, i); !fresh) {
            // Located at whichever of the two the user renamed on top of the file.
            ConfigNode& at = items[first->second].overridden("name") ? items[first->second] : items[i];
            throw at.error("name", "two firms are called \"" + firms.back().name + "\"");
        }
        share += firms.back().initial_share;
    }
    const std::string shares = "the firms' initial_share values must add up to 1, they add up to ";
    if (std::fabs(share - 1.0) > 1e-9) {
        for (ConfigNode& firm : items)  // located at a share the user changed on top of the file
            if (firm.overridden("initial_share")) throw firm.error("initial_share", shares + format_number(share));
        throw root.error("firms", shares + format_number(share));
    }
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
    m.paradox = read_paradox(node.mapping("paradox"));
    m.satisfaction = read_satisfaction(node.mapping("satisfaction"));
    m.switching = read_switching(node.mapping("switching"));
    m.word_of_mouth = read_word_of_mouth(node.mapping("word_of_mouth"));
    m.ladder = read_ladder(node.mapping("ladder"));
    m.purchases = read_purchases(node.mapping("purchases"));
    m.acquisition = read_acquisition(node.mapping("acquisition"));
    {
        ConfigNode n = node.mapping("tarp");
        m.tarp.horizon = static_cast<std::uint32_t>(n.integer("horizon", m.tarp.horizon, 1, kMaxCount));
        n.finish();
    }
    node.finish();
    return m;
}

models::MetricOptions read_metrics(ConfigNode node) {
    models::MetricOptions o;
    o.promoter_from = node.probability("promoter_from", o.promoter_from);
    o.detractor_below = node.probability("detractor_below", o.detractor_below);
    if (o.detractor_below > o.promoter_from)
        throw node.error("detractor_below", "must not be above promoter_from (" + format_number(o.promoter_from) +
                                                "): a customer would be a promoter and a detractor at once");
    o.concentration_every =
        static_cast<std::uint32_t>(node.integer("concentration_every", o.concentration_every, 0, 100'000'000));
    o.discount_rate = node.number("discount_rate", o.discount_rate, 0.0);
    node.finish();
    return o;
}

// An error about a network parameter whose bound is the population: at the
// parameter when the user set it; when its default is used, at
// population.size, the key the user set (with the default named).
ConfigError population_bound_error(ConfigNode& node, const std::string& key, const std::string& message,
                                   const ConfigLocation& population_at, const std::string& default_value) {
    if (node.has(key)) return node.error(key, message);
    return ConfigError(population_at, "too small for the default network." + key + " (" + default_value + "), which " +
                                          message + "; set network." + key + ", or a larger population.size");
}

NetworkSettings read_network(ConfigNode node, const std::string& config_dir, std::uint32_t population,
                             const ConfigLocation& population_at) {
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
            throw population_bound_error(node, "k",
                                         "must be smaller than population.size" + std::string(room ? " - 1" : "") +
                                             " (" + std::to_string(population - room) + ")" +
                                             (room ? " when beta > 0, so rewired edges have somewhere to go" : ""),
                                         population_at, std::to_string(s.small_world.k));
    } else if (kind == "erdos_renyi") {
        s.kind = NetworkKind::ErdosRenyi;
        s.random_graph.mean_degree =
            node.number("mean_degree", s.random_graph.mean_degree, 0.0, std::numeric_limits<double>::max());
        // The generator links each pair with probability mean_degree / (n - 1),
        // which must stay below 1 (sim/network/Generators.cpp).
        if (s.random_graph.mean_degree >= static_cast<double>(population) - 1.0)
            throw population_bound_error(
                node, "mean_degree",
                "must be below population.size - 1 (" + format_number(static_cast<double>(population) - 1.0) +
                    "): an Erdos-Renyi network of " + std::to_string(population) +
                    " customers cannot have mean degree " + format_number(s.random_graph.mean_degree),
                population_at, format_number(s.random_graph.mean_degree));
    } else if (kind == "scale_free") {
        s.kind = NetworkKind::ScaleFree;
        s.scale_free.mean_degree =
            node.number("mean_degree", s.scale_free.mean_degree, 1e-9, std::numeric_limits<double>::max());
        s.scale_free.alpha = node.number("alpha", s.scale_free.alpha, 1e-3, 1.0);
        // With every customer's stubs capped at n - 1, no more is reachable (Generators.cpp).
        const double n = static_cast<double>(population);
        if (const double reachable = (1.0 + (n - 1.0) * (n - 1.0)) / n; s.scale_free.mean_degree > reachable)
            throw population_bound_error(node, "mean_degree",
                                         "must be at most " + format_number(reachable) + ": a scale-free network of " +
                                             std::to_string(population) + " customers cannot reach mean degree " +
                                             format_number(s.scale_free.mean_degree),
                                         population_at, format_number(s.scale_free.mean_degree));
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
