// The decide phase of a tick: every person decides from start-of-tick state.
// A customer's tick with their firm: purchases, the service encounter
// (failure, complaint, recovery, satisfaction), the TARP observation, the
// ladder, and whether they leave. Prospects are in ProspectTick.cpp.
#include "models/market/BasketPayments.hpp"
#include "models/market/DrawPurpose.hpp"
#include "models/market/Market.hpp"
#include "sim/random/BlockEngine.hpp"
#include "sim/random/FastGamma.hpp"
#include "sim/random/GammaFirstTries.hpp"
#include "sim/random/PoissonBatch.hpp"
#include "sim/util/AskAhead.hpp"
#include "sim/util/ListLanes.hpp"

#include <boost/random/poisson_distribution.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

namespace models {
namespace {
// The amount draws handed to a customer who takes no basket (no firm, or
// dormant), which nothing reads.
constexpr sim::Block4 kNoBasketDraws{};
}  // namespace

std::uint32_t Market::purchase_count(std::uint32_t i, std::uint32_t tick, double mean, std::uint32_t u) const {
    if (mean <= 0.0) return 0;
    if (const std::uint32_t counted = count_by_inversion(mean, u); counted != sim::kNotCounted) return counted;
    sim::BlockEngine engine(stream_, kPurchaseCount, i, tick);
    return boost::random::poisson_distribution<std::uint32_t, double>(mean)(engine);
}

// This tick's purchases: their number and total amount, and whether the
// customer dropped out (Pareto/NBD, BG/NBD) along the way.
Market::Basket Market::buy_at_rate(std::uint32_t i, std::uint32_t tick, std::uint32_t u, std::uint32_t counted,
                                   const sim::Block4& amount) const {
    const Purchases& p = params_.mechanisms.purchases;
    Basket basket;
    const double rate = customers_.traits.purchase_rate[i];
    const double dropout = customers_.traits.dropout[i];
    double alive = 1.0;  // share of the tick the customer is still active
    if (p.process == PurchaseProcess::ParetoNbd && dropout > 0.0) {
        // Exponential lifetime: dies within the tick with 1 - e^-mu, at a
        // time from the exponential truncated to the tick.
        const sim::Block4 d = stream_.block(kDropout, i, tick);
        const double dies = -std::expm1(-dropout);
        if (sim::to_unit(d[0]) < dies) {
            basket.dropped_out = true;
            alive = -std::log1p(-sim::to_unit(d[1]) * dies) / dropout;
        }
    }
    basket.purchases = alive == 1.0 && counted != sim::kNotCounted ? counted : purchase_count(i, tick, rate * alive, u);
    if (p.process == PurchaseProcess::BgNbd && dropout > 0.0) {
        // After each purchase the customer drops out with probability p;
        // later purchases of the tick then never happen.
        sim::Block4 d{};
        for (std::uint32_t j = 0; j < basket.purchases; ++j) {
            if (j % 4 == 0) d = stream_.block(kDropout, i, tick, j / 4);
            if (sim::bernoulli(d[j % 4], dropout)) {
                basket.purchases = j + 1;
                basket.dropped_out = true;
                break;
            }
        }
    }
    if (basket.purchases > 0) basket.amount = basket_amount(i, tick, basket.purchases, amount);
    return basket;
}

// What a basket of n > 0 purchases costs: gamma-gamma amounts around the
// customer's spend level, or n times the level.
double Market::basket_amount(std::uint32_t i, std::uint32_t tick, std::uint32_t n, const sim::Block4& amount) const {
    const Purchases& p = params_.mechanisms.purchases;
    const double level = customers_.spend[i];
    if (p.amount_shape <= 0.0) return level * n;
    // The sum of n Gamma(k, level / k) amounts is Gamma(n k, level / k).
    sim::BlockEngine engine(stream_, kPurchaseAmount, i, tick, amount);
    const double shape = n * p.amount_shape;
    const double scale = level / p.amount_shape;
    return n < basket_shapes_.size() && shape >= 1.0 ? sim::fast_gamma(engine, basket_shapes_[n], scale)
                                                     : sim::fast_gamma(engine, shape, scale);
}

// basket_amount for the batch's buyers (customers b + k, k in `buyers`, who
// bought bought[k] > 0 times; first[j]: block 0 of buyer j's kPurchaseAmount
// draws, j counting the buyers): the gamma draws' first tries made together, several at a time
// (sim::gamma_first_tries), and only the few they leave drawn one by one.
// Bit for bit what basket_amount gives each.
void Market::basket_amounts(std::uint32_t b, std::uint32_t tick, std::span<const std::uint16_t> buyers,
                            const std::uint32_t* bought, const sim::Block4* first, double* amount) const {
    const double amount_shape = params_.mechanisms.purchases.amount_shape;
    if (amount_shape <= 0.0) {  // no draws: n times the level
        for (std::size_t j = 0; j < buyers.size(); ++j) {
            const std::uint32_t k = buyers[j];
            amount[k] = basket_amount(b + k, tick, bought[k], first[j]);
        }
        return;
    }
    // Only the first buyers.size() of each are written and read; GCC cannot
    // see that, and clearing 8 KiB per batch to quiet it would cost time.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
    std::array<sim::GammaShape, kBatch> shapes;
    std::array<double, kBatch> scales, values;
    const std::size_t tabled = basket_shapes_.size();
    for (std::size_t j = 0; j < buyers.size(); ++j) {
        const std::uint32_t k = buyers[j];
        shapes[j] = basket_shapes_[std::min<std::size_t>(bought[k], tabled - 1)];
        scales[j] = customers_.spend[b + k] / amount_shape;
    }
    sim::gamma_first_tries(first, shapes.data(), scales.data(), values.data(), buyers.size());
#pragma GCC diagnostic pop
    // basket_amount draws with the tabled shape where n is in the table and
    // n * amount_shape >= 1; elsewhere, and where the first try was not
    // enough (3 % of baskets), it draws itself: those are listed, without a
    // branch per buyer, and drawn after.
    std::array<std::uint16_t, kBatch> redo;
    std::uint32_t redos = 0;
    for (std::size_t j = 0; j < buyers.size(); ++j) {
        const std::uint32_t k = buyers[j], n = bought[k];
        amount[k] = values[j];
        redo[redos] = static_cast<std::uint16_t>(j);
        redos += !(n < tabled && n * amount_shape >= 1.0 && !std::isnan(values[j]));
    }
    for (std::uint32_t r = 0; r < redos; ++r) {
        const std::uint32_t k = buyers[redo[r]];
        amount[k] = basket_amount(b + k, tick, bought[k], first[redo[r]]);
    }
}

// Inline into the decide loop, so that the column pointers stay in registers.
template <Market::Scope kScope>
[[gnu::always_inline]] inline void Market::decide_customer(const Mechanisms& m, const CustomerColumns& c,
                                                           std::uint32_t i, std::uint32_t tick,
                                                           const sim::Block4& draws, const sim::Block4& lifecycle,
                                                           const sim::Block4& amount, std::uint32_t counted,
                                                           FirmTally* tally, ChunkScratch& scratch) {
    constexpr bool kStrategies = kScope == Scope::Strategies;
    const std::uint8_t f = c.firm[i];
    const FirmParams& firm = params_.firms[f];
    FirmTally& t = tally[f];
    c.next_firm[i] = f;
    if (c.status[i] == static_cast<std::uint8_t>(CustomerStatus::Dormant)) {  // gone quiet for good
        c.outcome[i] = static_cast<std::uint8_t>(Outcome::NoFailure);
        c.next_satisfaction[i] = c.satisfaction[i];
        close_tarp_observation(m.tarp, c, i, tick, false, t);       // buys no more: not retained
        if (kStrategies && acting_[f]) activate(i, tick, firm, t);  // unless the firm wins them back
        return;
    }
    // A firm whose only strategic element is the cost to serve has no
    // policy to apply: its customers are charged that cost, and no more.
    const bool acts = kStrategies && acting_[f];
    const PolicyEffect policy = acts ? policy_effect(i, tick, f) : PolicyEffect{};

    // Purchases, and the customer's RFM counters with the firm. RM-1's
    // customers buy once a tick at their level.
    const bool every_tick = m.purchases.every_tick();
    Basket basket =
        every_tick ? Basket{1, c.spend[i], false} : buy_at_rate(i, tick, lifecycle[kLanePurchases], counted, amount);
    take_basket<kScope>(m, c, i, tick, policy, basket, t, scratch);
    meet_service<kScope>(m, c, i, tick, policy, basket, draws, lifecycle, t, scratch);
}

// What the customer pays for this tick's basket (with the firm's cost to
// serve and policy charges), and their RFM counters.
template <Market::Scope kScope>
[[gnu::always_inline]] inline void Market::take_basket(const Mechanisms& m, const CustomerColumns& c, std::uint32_t i,
                                                       std::uint32_t tick, const PolicyEffect& policy, Basket& basket,
                                                       FirmTally& t, ChunkScratch& scratch) {
    constexpr bool kStrategies = kScope == Scope::Strategies;
    const std::uint8_t f = c.firm[i];
    const FirmParams& firm = params_.firms[f];
    const bool acts = kStrategies && acting_[f];
    const bool every_tick = m.purchases.every_tick();
    if (acts) {
        if (policy.limited) basket.amount *= 1.0 + firm.strategies.termination.price_markup;
        charge_policy(i, policy, firm, basket.amount, t);
        cross_sell(i, tick, firm, t);
    } else if (kStrategies && cost_to_serve_) {
        t.service_cost += customers_.traits.cost_to_serve[i];  // what charge_policy charges without a policy
    }
    t.revenue += basket.amount;
    t.purchases += basket.purchases;
    // RM-1's counters follow from tenure and spend (Market::frequency), and are not stored.
    if (basket.purchases > 0 && !every_tick) {
        c.purchases[i] += basket.purchases;
        c.monetary[i] += static_cast<float>(basket.amount);
        c.last_purchase[i] = tick + 1;
    }
    if (basket.purchases > 0 && params_.metrics.transaction_log)
        scratch.transactions.push_back({i, f, basket.purchases, basket.amount});
    if (basket.dropped_out) c.status[i] = static_cast<std::uint8_t>(CustomerStatus::Dormant);
}

// The service encounter of a customer who has taken this tick's basket,
// and what follows from it (conclude_encounter).
template <Market::Scope kScope>
[[gnu::always_inline]] inline void Market::meet_service(const Mechanisms& m, const CustomerColumns& c, std::uint32_t i,
                                                        std::uint32_t tick, const PolicyEffect& policy,
                                                        const Basket& basket, const sim::Block4& draws,
                                                        const sim::Block4& lifecycle, FirmTally& t,
                                                        ChunkScratch& scratch) {
    const std::uint8_t f = c.firm[i];
    const FirmParams& firm = params_.firms[f];
    // The service encounter: every tick a customer buys.
    ServiceFailureParams service = firm.service;
    if (policy.limited)  // a lower service level fails more often
        service.failure_rate =
            std::min(1.0, service.failure_rate * (1.0 + firm.strategies.termination.failure_increase));
    const Severity severity = basket.purchases > 0
                                  ? m.service_failures.draw(service, draws[kLaneFailure], draws[kLaneSeverity])
                                  : Severity::None;
    Outcome outcome = Outcome::NoFailure;
    if (severity != Severity::None) {
        ++t.failures;
        t.major_failures += severity == Severity::Major;
        outcome = Outcome::Silent;
        const double propensity = customers_.traits.complaint_propensity[i] * firm.recovery.channel_ease;
        if (m.complaints.complains(severity, draws[kLaneComplaint], propensity)) {
            ++t.complaints;
            t.major_complaints += severity == Severity::Major;
            outcome = m.recovery.outcome(firm.recovery, stream_.block(kRecovery, i, tick)[0]);
            if (firm.recovery.capacity > 0) {
                // The firm's capacity is shared by all of this tick's complaints:
                // they are concluded once all are known (resolve_complaints).
                scratch.complaints.push_back({i, severity, outcome, policy});
                return;
            }
        }
    }
    conclude_encounter<kScope>(m, c, i, tick, {severity, outcome, basket.purchases > 0, policy}, draws, lifecycle, t,
                               scratch);
}

// What follows from the encounter once its outcome is known: the recovery's
// cost, satisfaction, switching, the TARP observation, the ladder, and
// whether the customer tells anyone.
template <Market::Scope kScope>
[[gnu::always_inline]] inline void Market::conclude_encounter(const Mechanisms& m, const CustomerColumns& c,
                                                              std::uint32_t i, std::uint32_t tick,
                                                              const EncounterResult& e, const sim::Block4& draws,
                                                              const sim::Block4& lifecycle, FirmTally& t,
                                                              ChunkScratch& scratch) {
    constexpr bool kStrategies = kScope == Scope::Strategies;
    const std::uint8_t f = c.firm[i];
    const FirmParams& firm = params_.firms[f];
    const double s = c.satisfaction[i];
    const auto stage = static_cast<Stage>(c.stage[i]);
    const Severity severity = e.severity;
    const Outcome outcome = e.outcome;
    const double barrier = m.switching.stage_factor[index(stage)] * barrier_factor_[f] * e.policy.drift_factor;
    double drift = m.switching.drift(s, barrier);
    double p_switch = SwitchingHazard::leave_chance(drift, barrier, pull_[f]);
    ChurnReason reason = ChurnReason::Drift;
    const bool disconfirmation = m.satisfaction.model == SatisfactionModel::Disconfirmation;
    // Reassurance lowers expectations before the encounter is judged.
    SatisfactionState feel{s, disconfirmation ? c.expectation[i] + e.policy.expectation_shift : 0.0};
    if (severity == Severity::None) {
        if (e.bought)
            feel = disconfirmation ? m.satisfaction.after_encounter(feel, firm.service_quality)
                                   : SatisfactionState{m.satisfaction.after_good_service(s), feel.expectation};
    } else {
        const RecoveryParams& recovery = firm.recovery;
        if (outcome != Outcome::Silent) {
            const double compensation = ComplaintRecovery::compensation(recovery, outcome);
            t.recovery_cost += ComplaintRecovery::cost(recovery, outcome) + recovery.cost_per_case + compensation;
            t.compensation_cost += compensation;
        }
        double repurchase = ComplaintRecovery::lifted(recovery, outcome, m.repurchase.after(outcome, severity));
        if (kStrategies && acting_[f]) repurchase = after_failure(firm.strategies, repurchase, t);
        if (m.paradox.applies(c.failures[i], severity, outcome)) {
            // Recovered so well that it beats good service (DESIGN 1.5), and
            // never below what the recovery alone would have given.
            const double bonus = m.paradox.satisfaction_bonus;
            const double performance = std::min(1.0, std::max(repurchase, firm.service_quality + bonus));
            feel = disconfirmation
                       ? m.satisfaction.after_encounter(feel, performance)
                       : SatisfactionState{std::min(1.0, std::max(SatisfactionUpdate::after_failure(repurchase),
                                                                  m.satisfaction.after_good_service(s) + bonus)),
                                           feel.expectation};
        } else {
            feel = disconfirmation ? m.satisfaction.after_encounter(feel, repurchase)
                                   : SatisfactionState{SatisfactionUpdate::after_failure(repurchase), feel.expectation};
            drift = p_switch = m.switching.after_failure(repurchase, barrier);
            reason = ChurnReason::AfterFailure;
        }
        c.failures[i] = static_cast<std::uint8_t>(std::min(255, c.failures[i] + 1));  // for the paradox
        if (TarpTracking::failure_opens(c.tarp_group[i])) {
            c.tarp_opened[i] = tick;
            c.tarp_group[i] = tarp_group(severity, outcome);
        }
    }
    ++t.outcomes[index(outcome)];
    if (severity == Severity::Major) ++t.major_outcomes[index(outcome)];
    c.outcome[i] = static_cast<std::uint8_t>(outcome);
    if (kStrategies && acting_[f]) {
        double gain = e.policy.satisfaction_gain + (severity != Severity::None ? e.policy.recovery_gain : 0.0);
        const double cut = prevent_switching(i, tick, firm, s, gain, t);
        drift *= cut;
        p_switch *= cut;
        feel.satisfaction += gain;  // clamped to [0, 1] when applied
    }
    c.next_satisfaction[i] = feel.satisfaction;
    if (disconfirmation) c.expectation[i] = static_cast<float>(feel.expectation);

    // Leaving: to a competitor, or out of the market.
    const double x = sim::to_unit(draws[kLaneSwitch]);
    int story = 0;
    if (x >= p_switch && e.policy.end && end_relationship(i, tick, firm, t, story)) {
        reason = ChurnReason::Termination;
        p_switch = 1.0;  // leaves like a switcher, below
    }
    if (x < p_switch) {
        if (reason == ChurnReason::Drift && x >= drift) reason = ChurnReason::CompetitorPull;
        ++t.switched_out;
        ++t.churn[static_cast<std::size_t>(reason)];
        const auto firms = static_cast<std::uint32_t>(params_.firms.size());
        if (sim::bernoulli(lifecycle[kLaneLeave], m.switching.leave_market_share)) {
            c.next_firm[i] = kNoFirm;
            ++t.left_market;
            if (reason == ChurnReason::Termination) c.status[i] = static_cast<std::uint8_t>(CustomerStatus::Terminated);
        } else if (firms == 2) {
            c.next_firm[i] = SwitchingHazard::competitor(f, firms, 0);
        } else {
            const std::uint32_t u = stream_.block(kSwitchTarget, i, tick)[0];
            c.next_firm[i] = equal_appeal_ && heard_about_.empty()
                                 ? SwitchingHazard::competitor(f, firms, u)
                                 : choose_firm(appeal_, customers_.traits.price_sensitivity[i], u, f, heard_by(i));
        }
    }

    close_tarp_observation(m.tarp, c, i, tick, c.next_firm[i] == f, t);
    // Dropped out this tick (dormant customers do not get here) and stayed:
    // a leaver starts afresh wherever they go.
    t.dropped_out += c.next_firm[i] == f && c.status[i] == static_cast<std::uint8_t>(CustomerStatus::Dormant);

    // The ladder, on start-of-tick satisfaction and this tick's purchases.
    if (m.ladder.enabled)
        c.stage[i] = static_cast<std::uint8_t>(
            m.ladder.next({stage, s, frequency(i, tick + 1), tick - c.since[i]}, lifecycle[kLaneLadder]));

    if (story == 0) story = story_sign(m.word_of_mouth, outcome, stage, s, lifecycle);
    if (story != 0) scratch.tellers.push_back({i, story});
}

// Complaints at firms with a resolution capacity: each firm resolves at most
// `capacity` complaints quickly per tick, taken in customer order (chunk by
// chunk, so the same for any thread count); the quick resolutions beyond it
// wait, and end resolved, not quickly. Then each complaint is concluded.
void Market::resolve_complaints(std::uint32_t tick) {
    std::vector<std::uint32_t> quick(params_.firms.size(), 0);
    for (ChunkScratch& chunk : chunk_scratch_)
        for (PendingComplaint& p : chunk.complaints) {
            if (p.outcome != Outcome::ResolvedQuickly) continue;
            const std::uint8_t f = customers_.firm[p.customer];
            if (quick[f] < params_.firms[f].recovery.capacity)
                ++quick[f];
            else
                p.outcome = Outcome::Resolved;
        }
    sim::for_each_chunk(chunks_, [&](const sim::Chunk& chunk) {
        ChunkScratch& scratch = chunk_scratch_[chunk.index];
        if (scratch.complaints.empty()) return;
        const CustomerColumns c(customers_);
        const Mechanisms m = params_.mechanisms;
        FirmTally* tally = chunk_tally(chunk.index);
        for (const PendingComplaint& p : scratch.complaints) {
            const sim::Block4 draws = stream_.block(kEncounter, p.customer, tick);
            const sim::Block4 lifecycle =
                lifecycle_draws_ ? stream_.block(kLifecycle, p.customer, tick) : sim::Block4{};
            conclude_encounter<Scope::Strategies>(m, c, p.customer, tick, {p.severity, p.outcome, true, p.policy},
                                                  draws, lifecycle, tally[c.firm[p.customer]], scratch);
        }
    });
}

// TARP: an observation ends when the customer leaves (or stops buying), or
// when its horizon is over; either way it is known at decide time.
inline void Market::close_tarp_observation(const TarpTracking& tarp, const CustomerColumns& c, std::uint32_t i,
                                           std::uint32_t tick, bool retained, FirmTally& t) {
    const std::uint8_t group = c.tarp_group[i];
    if (group == kNotObserved || (retained && !tarp.complete(c.tarp_opened[i], tick))) return;
    if (tarp.counted(c.tarp_opened[i])) {  // a leaver's observation may be censored (TarpTracking)
        if (group == kTarpReference) {
            ++t.tarp_follow_up.reference_customers;
            t.tarp_follow_up.reference_retained += retained;
        } else {
            ++t.tarp.customers[group];
            t.tarp.retained[group] += retained;
        }
        // As decided this tick (a strategy's gain may still need the clamp applying gives it).
        if (retained) t.tarp_follow_up.satisfaction[group] += clamp_unit(c.next_satisfaction[i]);
    }
    c.tarp_group[i] = kNotObserved;
}

// The strategies' code is compiled into the decide loop only for markets
// where some firm acts or charges a cost to serve.
Market::Scope Market::decide_scope() const {
    return any_strategic_ ? Scope::Strategies : Scope::Lifecycle;
}

void Market::decide(std::uint32_t tick, bool then_tell) {
    sim::for_each_chunk(chunks_, [&](const sim::Chunk& chunk) {
        switch (scope_) {
            case Scope::Lifecycle:
                decide_chunk<Scope::Lifecycle>(chunk, tick);
                break;
            case Scope::Strategies:
                decide_chunk<Scope::Strategies>(chunk, tick);
                break;
        }
        if (then_tell) spread_chunk_word_of_mouth(chunk, tick, true);
    });
}

// The prospects among customers b .. b + n - 1 draw their kAcquisition
// block instead of the encounter.
void Market::draw_prospects(const CustomerColumns& c, std::uint32_t b, std::uint32_t n, std::uint32_t tick,
                            sim::Block4* draws) const {
    std::array<std::uint16_t, kBatch + sim::kListSlack> prospect;
    const std::uint32_t prospects = sim::list_equal_bytes(c.firm + b, n, kNoFirm, prospect.data());
    std::array<sim::Block4, kBatch> acquisition;
    stream_.listed_agent_blocks(kAcquisition, b, tick, prospect.data(), acquisition.data(), prospects);
    for (std::uint32_t p = 0; p < prospects; ++p) draws[prospect[p]] = acquisition[p];
}

template <Market::Scope kScope>
[[gnu::always_inline]] inline void Market::decide_one(const Mechanisms& m, const CustomerColumns& c, std::uint32_t i,
                                                      std::uint32_t tick, const sim::Block4& draws,
                                                      const sim::Block4& lifecycle, const sim::Block4& amount,
                                                      std::uint32_t counted, InterleavedTally& tally,
                                                      ChunkScratch& scratch) {
    if (c.firm[i] == kNoFirm)
        decide_prospect(i, tick, draws, tally.lane_of(i));
    else
        decide_customer<kScope>(m, c, i, tick, draws, lifecycle, amount, counted, tally.lane_of(i), scratch);
}

// The Poisson purchase counts of customers b .. b + n - 1 (counted[k] for
// customer b + k), from their kLifecycle blocks, in one batch
// (sim/random/PoissonBatch.hpp), by inversion up to kInversionLimit as
// count_by_inversion.
void Market::count_batch_purchases(std::uint32_t b, std::uint32_t n, const sim::Block4* lifecycle,
                                   std::uint32_t* counted) const {
    std::array<float, kBatch> shared_rate, shared_p0;
    std::array<std::uint32_t, kBatch> u;
    const CustomerTraitValues& traits = customers_.traits;
    // A trait is a column (read where it is) or one value for everyone.
    const auto values = [b, n](const sim::AgentValue<float>& trait, std::array<float, kBatch>& shared) {
        if (const float* column = trait.values()) return column + b;
        std::fill_n(shared.begin(), n, trait.shared());
        return static_cast<const float*>(shared.data());
    };
    const float* rate = values(traits.purchase_rate, shared_rate);
    const float* p0 = values(traits.no_purchase, shared_p0);
    for (std::uint32_t k = 0; k < n; ++k) u[k] = lifecycle[k][kLanePurchases];
    sim::count_poisson_by_inversion(rate, p0, u.data(), n, kInversionLimit, counted);
}

// The baskets of the batch's takers (customers b + k, k in `takers`), who
// buy once every tick or as a Poisson process (no one drops out), and what
// they pay, in customer order: take_basket for a firm that does not act, in
// stages. Poisson buyers' bought[k] and amount[k] come in 0 for everyone and
// are set here for the takers; every-tick buyers' come in set
// (decide_batch_in_stages).
template <Market::Scope kScope>
void Market::take_batch_baskets(const CustomerColumns& c, std::uint32_t b, std::uint32_t n, std::uint32_t tick,
                                const BatchDraws& d, std::span<const std::uint16_t> takers, std::uint32_t* bought,
                                double* amount, InterleavedTally& tally, ChunkScratch& scratch) {
    const CustomerTraitValues& traits = customers_.traits;
    const bool every_tick = params_.mechanisms.purchases.every_tick();
    std::array<std::uint16_t, kBatch> buyers;
    std::uint32_t buying = 0;
    if (!every_tick) {  // every-tick baskets are set already (decide_batch_in_stages)
        for (const std::uint16_t k : takers) {
            const std::uint32_t i = b + k;
            const std::uint32_t counted = d.counted[k];
            bought[k] = counted != sim::kNotCounted
                            ? counted
                            : purchase_count(i, tick, traits.purchase_rate[i], d.lifecycle[k][kLanePurchases]);
            buyers[buying] = k;
            buying += bought[k] > 0;
        }
        // Block 0 of each buyer's kPurchaseAmount draws: buyers are four in
        // ten, so drawing for them alone saves the rest's blocks.
        std::array<sim::Block4, kBatch> first_amounts;
        if (params_.mechanisms.purchases.amount_shape > 0.0)
            stream_.listed_agent_blocks(kPurchaseAmount, b, tick, buyers.data(), first_amounts.data(), buying);
        basket_amounts(b, tick, {buyers.data(), buying}, bought, first_amounts.data(), amount);
    }
    const std::size_t firms = params_.firms.size();
    if (!params_.metrics.transaction_log && firms <= 4) {  // the lean loops (BasketPayments.hpp)
        const bool charge_cost = kScope == Scope::Strategies && cost_to_serve_;
        PaymentSums sums;
        for (std::size_t f = 0; f < firms; ++f)
            for (std::uint32_t l = 0; l < InterleavedTally::kLanes; ++l) {
                sums.revenue[f][l] = tally.at(l, f).revenue;
                sums.service_cost[f][l] = tally.at(l, f).service_cost;
            }
        const BatchPayments payments{
            c,           firms,      tick, bought, amount, traits.cost_to_serve.values(), traits.cost_to_serve.shared(),
            charge_cost, !every_tick};
        pay_for_baskets(payments, b, n, sums);
        for (std::size_t f = 0; f < firms; ++f) {
            for (std::uint32_t l = 0; l < InterleavedTally::kLanes; ++l) {
                tally.at(l, f).revenue = sums.revenue[f][l];
                tally.at(l, f).service_cost = sums.service_cost[f][l];
            }
            tally.at(0, f).purchases += sums.purchases[f];  // counts add up the same in any lane
        }
        return;
    }
    // With the transaction log or more firms: one customer at a time.
    for (const std::uint16_t k : takers) {
        const std::uint32_t i = b + k;
        Basket basket{bought[k], amount[k], false};
        take_basket<kScope>(params_.mechanisms, c, i, tick, PolicyEffect{}, basket, tally.lane_of(i)[c.firm[i]],
                            scratch);
    }
}

// Markets whose firms do not act (a cost to serve is fine: it is charged
// with the basket), whose customers buy once every tick (RM-1) or as a
// Poisson process (no one drops out while buying), and whose quiet
// customers tell no one.
bool Market::may_decide_in_stages() const {
    const Mechanisms& m = params_.mechanisms;
    // The quiet loops know no strategy: any that acts on quiet ticks, even
    // one that declared it acts on no customer while they decide, keeps
    // them off (fail closed).
    const bool quiet_ticks_acted_on = std::any_of(params_.firms.begin(), params_.firms.end(), [](const FirmParams& f) {
        return acts_on_quiet_ticks(f.strategies);
    });
    return !quiet_ticks_acted_on && std::none_of(acting_.begin(), acting_.end(), [](char a) { return a != 0; }) &&
           (m.purchases.process == PurchaseProcess::Poisson || m.purchases.every_tick()) &&
           m.word_of_mouth.sign(Outcome::NoFailure) == 0;
}

// What only eventful customers read: a failure's complaint propensity and
// failure count, a switcher's or a joiner's price sensitivity. Nobody else
// reads these columns, so the hardware prefetcher does not stream them in,
// and eventful customers are scattered through the batch: read one at a
// time, each would wait on memory. Their lines are asked for a batch ahead
// (sim::ask_ahead). Against asking customer by customer once the quiet loop
// has listed them, 7 % off the lifecycle's tick; asking both ways, nothing
// more (alternating ticks in one run, both orders).
void Market::ask_ahead_for_eventful(const CustomerColumns& c, std::uint32_t b) const {
    const float* propensity = customers_.traits.complaint_propensity.values();
    const float* sensitivity = customers_.traits.price_sensitivity.values();
    for (std::uint32_t k = 0; k < kBatch; k += 16) {  // 16 floats to a line
        if (propensity) sim::ask_ahead(propensity, b + k + kBatch);
        if (sensitivity) sim::ask_ahead(sensitivity, b + k + kBatch);
        if (k % 64 == 0) sim::ask_ahead<true>(c.failures, b + k + kBatch);  // 64 bytes to a line
    }
}

// The lines of this batch that ask_ahead_for_eventful asked for a batch
// ago, read just before the eventful loop (sim::read_lines): the profile's
// hottest loads, the eventful customers' price sensitivity and complaint
// propensity, still waited on memory with the hints alone. 4.3 to 4.7 %
// off the lifecycle's tick (alternating ticks in one run, both orders,
// three runs).
void Market::read_for_eventful(std::uint32_t b, std::uint32_t n) const {
    sim::read_lines(customers_.traits.complaint_propensity.values(), b, b + n);
    sim::read_lines(customers_.traits.price_sensitivity.values(), b, b + n);
}

// What the baskets read, as the population stores it: the purchase rates
// and chances of no purchase (count_batch_purchases), and the spend level
// of the buyers, four in ten, scattered (basket_amounts). Asked for a batch
// ahead: 1.5 % off the decide phase (alternating ticks in one run).
void Market::ask_ahead_for_baskets(const CustomerColumns& c, std::uint32_t b) const {
    const float* rate = customers_.traits.purchase_rate.values();
    const float* no_purchase = customers_.traits.no_purchase.values();
    for (std::uint32_t k = 0; k < kBatch; k += 16) {  // 16 floats, 8 doubles to a line
        if (rate) sim::ask_ahead(rate, b + k + kBatch);
        if (no_purchase) sim::ask_ahead(no_purchase, b + k + kBatch);
        sim::ask_ahead(c.spend, b + k + kBatch);
        sim::ask_ahead(c.spend, b + k + 8 + kBatch);
    }
}

// Every customer's basket first, in customer order, so that the revenue
// and cost sums add up in the order decide_one adds them; then the quiet
// ticks in one branch-free pass; then the eventful rest, in customer order,
// each meeting the service they bought (their basket is taken already).
template <Market::Scope kScope>
void Market::decide_batch_in_stages(const Mechanisms& m, const CustomerColumns& c, std::uint32_t b, std::uint32_t n,
                                    std::uint32_t tick, const BatchDraws& d, InterleavedTally& tally,
                                    ChunkScratch& scratch) {
    const auto takes = [&](std::uint32_t i) { return takes_basket(c.firm[i], c.status[i]); };
    std::array<std::uint32_t, kBatch> bought;
    std::array<double, kBatch> amount;
    std::array<std::uint8_t, kBatch> taking_flags;
    flag_basket_takers(c.firm + b, c.status + b, n, taking_flags.data());
    std::array<std::uint16_t, kBatch + sim::kListSlack> takers;
    const std::uint32_t taking = sim::list_equal_bytes(taking_flags.data(), n, 1, takers.data());
    if (m.purchases.every_tick()) {
        // One basket each at their level (decide_customer's Basket{1, spend}),
        // copied without a branch: a non-taker's amount is never read (the
        // payments mask it, and their tick is decided without a basket).
        std::copy_n(c.spend + b, n, amount.begin());
        std::copy_n(taking_flags.begin(), n, bought.begin());
    } else {
        std::fill_n(bought.begin(), n, 0u);
        std::fill_n(amount.begin(), n, 0.0);
    }
    take_batch_baskets<kScope>(c, b, n, tick, d, {takers.data(), taking}, bought.data(), amount.data(), tally, scratch);
    // Room for the whole groups the vector loops write (kQuietListSlack).
    std::array<std::uint16_t, kBatch + kQuietListSlack> eventful;
    std::array<std::int64_t, 256> quiet;  // per firm byte; only the firms' and kNoFirm's are written
    const std::size_t firms = params_.firms.size();
    std::fill_n(quiet.begin(), firms, 0);
    quiet[kNoFirm] = 0;
    std::array<std::uint16_t, kBatch + kQuietListSlack> quiet_tellers;
    std::array<std::int8_t, kBatch + kQuietListSlack> quiet_signs;
    std::uint32_t quiet_teller_count = 0;
    // Read only with network influence: a market without it may hold a
    // network it never reads.
    const std::uint64_t* offsets = customers_.adopted_neighbours.size() ? network_.offsets().data() : nullptr;
    const QuietLifecycleBatch batch{c,
                                    m,
                                    quiet_firms_.data(),
                                    firms,
                                    tick,
                                    d.encounter,
                                    d.lifecycle,
                                    bought.data(),
                                    m.purchases.every_tick(),
                                    offsets,
                                    customers_.adopted_neighbours.data(),
                                    static_cast<double>(adopters_) / static_cast<double>(customers_.size()),
                                    params_.population.initial_satisfaction,
                                    quiet_tellers.data(),
                                    quiet_signs.data(),
                                    &quiet_teller_count};
    const std::uint32_t events = decide_quiet_lifecycle(batch, b, n, eventful.data(), quiet.data());
    // Quiet tellers come before the batch's eventful ones: the order of the
    // tellers does not matter (each teller's draws are keyed by who they
    // are, and stories add up as integers).
    for (std::uint32_t t = 0; t < quiet_teller_count; ++t)
        scratch.tellers.push_back({b + quiet_tellers[t], quiet_signs[t]});
    for (std::size_t f = 0; f < firms; ++f) tally.at(0, f).outcomes[index(Outcome::NoFailure)] += quiet[f];
    ask_ahead_for_eventful(c, b);
    ask_ahead_for_baskets(c, b);
    read_for_eventful(b, n);
    for (std::uint32_t e = 0; e < events; ++e) {
        const std::uint32_t k = eventful[e], i = b + k;
        if (takes(i)) {
            c.next_firm[i] = c.firm[i];
            meet_service<kScope>(m, c, i, tick, PolicyEffect{}, Basket{bought[k], amount[k], false}, d.encounter[k],
                                 d.lifecycle[k], tally.lane_of(i)[c.firm[i]], scratch);
        } else {
            // No firm, or dormant: no basket, so no amount block is read
            // (decide_customer returns before a dormant customer's is).
            decide_one<kScope>(m, c, i, tick, d.encounter[k], d.lifecycle[k], kNoBasketDraws, d.counted[k], tally,
                               scratch);
        }
    }
}

template <Market::Scope kScope>
void Market::decide_chunk(const sim::Chunk& chunk, std::uint32_t tick) {
    const std::size_t firms = params_.firms.size();
    // Tally locally, then store: no false sharing between threads.
    InterleavedTally tally(firms);
    // Who tells stories is known here; listing them now saves the word
    // of mouth phase a pass over every customer.
    ChunkScratch& scratch = chunk_scratch_[chunk.index];
    scratch.tellers.clear();
    scratch.transactions.clear();
    scratch.complaints.clear();
    const CustomerColumns c(customers_);
    // A local copy of the rules: a byte store could alias the market's
    // own copy, which the compiler would then reload for every customer.
    const Mechanisms m = params_.mechanisms;
    // Draw the blocks of a batch first, many at a time (SIMD), then
    // decide person by person.
    std::array<sim::Block4, kBatch> encounter, lifecycle{}, amount{};
    const bool gamma_amounts = !m.purchases.every_tick() && m.purchases.amount_shape > 0.0;
    // Purchase counts too, for customers who buy as a Poisson process.
    std::array<std::uint32_t, kBatch> counted;
    counted.fill(sim::kNotCounted);
    for (std::uint32_t b = chunk.begin; b < chunk.end; b += kBatch) {
        const std::uint32_t n = std::min(kBatch, chunk.end - b);
        // A customer's block is their encounter, a prospect's their acquisition draw.
        stream_.agent_blocks(kEncounter, b, tick, encounter.data(), n);
        if (std::memchr(c.firm + b, kNoFirm, n)) draw_prospects(c, b, n, tick, encounter.data());
        if (lifecycle_draws_) stream_.agent_blocks(kLifecycle, b, tick, lifecycle.data(), n);
        // Most customers buy in a tick; their amounts' first blocks come in
        // one batch too.
        // (In stages, only the buyers' are drawn: take_batch_baskets.)
        if (gamma_amounts && !staged_batches_) stream_.agent_blocks(kPurchaseAmount, b, tick, amount.data(), n);
        if (!m.purchases.every_tick()) count_batch_purchases(b, n, lifecycle.data(), counted.data());
        if (staged_batches_) {
            const BatchDraws d{encounter.data(), lifecycle.data(), counted.data()};
            decide_batch_in_stages<kScope>(m, c, b, n, tick, d, tally, scratch);
        } else {
            for (std::uint32_t k = 0; k < n; ++k)
                decide_one<kScope>(m, c, b + k, tick, encounter[k], lifecycle[k], amount[k], counted[k], tally,
                                   scratch);
        }
    }
    const std::vector<FirmTally> total = tally.sum();
    std::copy(total.begin(), total.end(), chunk_tally(chunk.index));
}

// Who speaks this tick: after a bad or a quickly recovered experience, when
// dissatisfied, or as an advocate recommending the firm.
inline int Market::story_sign(const WordOfMouth& wom, Outcome outcome, Stage stage, double satisfaction,
                              const sim::Block4& lifecycle) {
    if (!wom.enabled) return 0;
    if (const int sign = wom.sign(outcome); sign != 0) return sign;
    if (satisfaction < wom.dissatisfied_below) return -1;
    if (stage >= Stage::Advocate && sim::bernoulli(lifecycle[kLaneTalk], wom.advocate_talk)) return +1;
    return 0;
}

}  // namespace models
