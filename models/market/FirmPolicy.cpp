// The firms' strategies acting on their customers (models/strategies/):
// loyalty programmes, switching prevention, ending relationships, win-back
// and activation, acquisition spend. Each acts only when its firm has it on;
// every action is charged to its cost category.
#include "models/market/DrawPurpose.hpp"
#include "models/market/Market.hpp"
#include "models/market/ValueConcentration.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <limits>

namespace models {

// Who is in the programme and whose relationship ends or is limited, from
// start-of-tick state.
Market::PolicyEffect Market::policy_effect(std::uint32_t i, std::uint32_t tick, std::uint8_t f) const {
    const FirmParams& firm = params_.firms[f];
    const FirmStrategies& s = firm.strategies;
    PolicyEffect p;
    const std::uint8_t targets = customers_.member.size() ? customers_.member[i] : 0;
    if (s.loyalty.enabled && (s.loyalty.target().everyone() || (targets & kLoyaltyMember))) {
        p.member = true;
        if (s.loyalty.has_barrier()) p.drift_factor = s.loyalty.barrier;
        if (s.loyalty.informs()) p.satisfaction_gain = s.loyalty.satisfaction_gain;
    }
    if (s.tactics.enabled && (s.tactics.target.everyone() || (targets & kTacticsTarget))) {
        p.tactics = true;
        p.satisfaction_gain += s.tactics.satisfaction_gain();
        p.drift_factor *= s.tactics.drift_factor();
        p.expectation_shift = -s.tactics.reassurance.effect;
        p.recovery_gain = s.tactics.problem_solving.effect;
    }
    if (s.termination.enabled) {
        const std::uint32_t tenure = tick - customers_.since[i];
        const double cost = customers_.traits.cost_to_serve[i];
        const double average_profit = tenure ? firm.margin * monetary(i, tick) / tenure - cost : 0.0;
        const std::uint8_t flags = customers_.traits.flags[i];
        if (s.termination.selects(average_profit, tenure, flags & kDraining, flags & kViolator)) {
            p.end = s.termination.action == TerminationAction::End;
            p.limited = s.termination.action == TerminationAction::Limit;
        }
    }
    return p;
}

// The tick's costs of serving customer i, and of their programme membership.
void Market::charge_policy(std::uint32_t i, const PolicyEffect& p, const FirmParams& firm, double amount,
                           FirmTally& t) const {
    const double cost = customers_.traits.cost_to_serve[i];
    t.service_cost += p.limited ? cost * (1.0 - firm.strategies.termination.service_cut) : cost;
    t.limited += p.limited;
    if (p.tactics) t.programme_cost += firm.strategies.tactics.cost();
    if (!p.member) return;
    const LoyaltyProgramme& programme = firm.strategies.loyalty;
    ++t.members;
    t.programme_cost += programme.cost_per_member + (programme.gives_points() ? programme.points_rate * amount : 0.0);
}

double Market::prevent_switching(std::uint32_t i, std::uint32_t tick, const FirmParams& firm, double satisfaction,
                                 double& satisfaction_gain, FirmTally& t) const {
    const SwitchingPrevention& prevention = firm.strategies.prevention;
    if (!prevention.enabled) return 1.0;
    const sim::Block4 draws = stream_.block(kStrategy, i, tick);
    const std::uint32_t last = last_purchase(i, tick + 1);
    const std::uint32_t recency = last ? tick + 1 - last : tick + 1 - customers_.since[i];
    const double risk =
        prevention.risk(recency, customers_.failures[i], satisfaction, sim::to_unit(draws[kLaneSurvey]));
    if (risk < prevention.threshold) return 1.0;
    ++t.offers;
    t.offer_cost += prevention.offer_cost;
    if (!sim::bernoulli(draws[kLaneOffer], prevention.success)) return 1.0;
    ++t.offers_accepted;
    satisfaction_gain += prevention.satisfaction_gain;
    return 1.0 - prevention.hazard_cut;
}

// The firm ends the relationship: counted, charged, and perhaps told about
// (`story` becomes -1).
bool Market::end_relationship(std::uint32_t i, std::uint32_t tick, const FirmParams& firm, FirmTally& t,
                              int& story) const {
    const Termination& rule = firm.strategies.termination;
    ++t.terminated;
    t.termination_cost += rule.cost_per_termination;
    t.terminated_cost_to_serve += customers_.traits.cost_to_serve[i];
    if (params_.mechanisms.word_of_mouth.enabled &&
        sim::bernoulli(stream_.block(kStrategy, i, tick)[kLaneTermination], rule.negative_word_of_mouth))
        story = -1;
    return true;
}

// A dormant customer contacted by their firm may buy again.
void Market::activate(std::uint32_t i, std::uint32_t tick, const FirmParams& firm, FirmTally& t) {
    const WinBack& w = firm.strategies.win_back;
    if (!w.enabled) return;
    t.offer_cost += w.contact_cost;
    if (!sim::bernoulli(stream_.block(kStrategy, i, tick)[kLaneWinBack], w.activation_success)) return;
    ++t.activated;
    customers_.status[i] = static_cast<std::uint8_t>(CustomerStatus::Active);
}

// Another product offered to an active customer: a higher spend level from
// the next tick on (this tick's purchases are already made).
void Market::cross_sell(std::uint32_t i, std::uint32_t tick, const FirmParams& firm, FirmTally& t) {
    const WinBack& w = firm.strategies.win_back;
    if (!w.enabled || w.cross_sell_reach <= 0.0) return;
    const sim::Block4 draws = stream_.block(kStrategy, i, tick, 1);
    if (!sim::bernoulli(draws[0], w.cross_sell_reach)) return;
    t.offer_cost += w.cross_sell_cost;
    if (!sim::bernoulli(draws[1], w.cross_sell_success)) return;
    ++t.cross_sold;
    customers_.spend[i] *= 1.0 + w.cross_sell_lift;
}

// A lapsed former customer within the firm's window is contacted and may
// come back; returns whether they did.
bool Market::win_back(std::uint32_t i, std::uint32_t tick, FirmTally* tally) {
    // Without a programme anywhere, the former firm need not be read: a
    // cache miss for every lapsed person deciding (1 % of a lifecycle tick).
    if (!wins_back_) return false;
    CustomerState& c = customers_;
    const std::uint8_t f = c.last_firm[i];
    if (f == kNoFirm || c.status[i] != static_cast<std::uint8_t>(CustomerStatus::Lapsed)) return false;
    const WinBack& w = params_.firms[f].strategies.win_back;
    if (!w.enabled || tick - c.since[i] >= w.window) return false;
    tally[f].offer_cost += w.contact_cost;
    if (!sim::bernoulli(stream_.block(kStrategy, i, tick)[kLaneWinBack], w.success)) return false;
    ++tally[f].won_back;
    c.next_firm[i] = f;
    c.next_satisfaction[i] = w.satisfaction;
    return true;
}

// The targeted strategies, each with its bit in CustomerState::member.
std::vector<Market::TargetedStrategy> Market::targeted_strategies() const {
    std::vector<TargetedStrategy> all;
    for (std::size_t f = 0; f < params_.firms.size(); ++f) {
        const FirmStrategies& s = params_.firms[f].strategies;
        if (s.loyalty.enabled && !s.loyalty.target().everyone()) all.push_back({f, s.loyalty.target(), kLoyaltyMember});
        if (s.tactics.enabled && !s.tactics.target.everyone()) all.push_back({f, s.tactics.target, kTacticsTarget});
    }
    return all;
}

// Who each targeted strategy is for, decided every review_every ticks (from
// the tick the targeting rules took effect, strategies_from_) from
// start-of-tick state and held until the next review, whatever values do
// meanwhile.
void Market::review_targets(std::uint32_t tick) {
    const std::size_t firms = params_.firms.size();
    std::vector<TargetedStrategy> due;
    std::copy_if(targeted_.begin(), targeted_.end(), std::back_inserter(due),
                 [&](const TargetedStrategy& t) { return (tick - strategies_from_) % t.rule.review_every == 0; });
    if (due.empty()) return;
    const auto uses = [&](Targeting kind) {
        return std::any_of(due.begin(), due.end(), [&](const TargetedStrategy& t) { return t.rule.targeting == kind; });
    };
    // Value tiers: one cutoff per (strategy, firm).
    std::vector<double> value_cutoff(due.size(), 0.0);
    if (uses(Targeting::TopValue)) {
        for (std::size_t k = 0; k < due.size(); ++k) {
            if (due[k].rule.targeting != Targeting::TopValue) continue;
            std::vector<double> top(firms, 0.0);
            top[due[k].firm] = due[k].rule.top_share;
            value_cutoff[k] = top_value_cutoff(
                customers_.firm.span(), [&](std::uint32_t i) { return monetary(i, tick); }, firms, top)[due[k].firm];
        }
    }
    const RfmCutoffs rfm = uses(Targeting::Rfm) ? rfm_cutoffs(tick) : RfmCutoffs(firms);
    sim::for_each_chunk(chunks_, [&](const sim::Chunk& c) {
        for (std::uint32_t i = c.begin; i < c.end; ++i) {
            const std::uint8_t f = customers_.firm[i];
            if (f == kNoFirm) continue;
            for (std::size_t k = 0; k < due.size(); ++k) {
                if (due[k].firm != f) continue;
                const bool chosen = due[k].rule.targeting == Targeting::TopValue
                                        ? monetary(i, tick) > value_cutoff[k]
                                        : rfm_score(i, tick, rfm[f]) >= due[k].rule.min_rfm_score;
                customers_.member[i] = static_cast<std::uint8_t>(chosen ? customers_.member[i] | due[k].bit
                                                                        : customers_.member[i] & ~due[k].bit);
            }
        }
    });
}

// The quintile cutoffs of recency (negated: recent is high), frequency and
// monetary value among each firm's customers.
Market::RfmCutoffs Market::rfm_cutoffs(std::uint32_t tick) const {
    const std::size_t firms = params_.firms.size();
    std::vector<std::array<std::vector<double>, 3>> values(firms);
    for (std::uint32_t i = 0; i < customers_.size(); ++i) {
        const std::uint8_t f = customers_.firm[i];
        if (f == kNoFirm) continue;
        const RfmValues v = rfm_values(i, tick);
        for (std::size_t d = 0; d < 3; ++d) values[f][d].push_back(v[d]);
    }
    RfmCutoffs cut(firms);
    for (std::size_t f = 0; f < firms; ++f)
        for (std::size_t d = 0; d < 3; ++d) cut[f][d] = quintile_cutoffs(values[f][d]);
    return cut;
}

Market::RfmValues Market::rfm_values(std::uint32_t i, std::uint32_t tick) const {
    const std::uint32_t last = last_purchase(i, tick);
    const double recency = last ? static_cast<double>(tick - last) : static_cast<double>(tick - customers_.since[i]);
    return {-recency, static_cast<double>(frequency(i, tick)), monetary(i, tick)};
}

std::uint32_t Market::rfm_score(std::uint32_t i, std::uint32_t tick,
                                const std::array<std::array<double, 4>, 3>& cut) const {
    const RfmValues v = rfm_values(i, tick);
    return quintile_score(v[0], cut[0]) + quintile_score(v[1], cut[1]) + quintile_score(v[2], cut[2]);
}

}  // namespace models
