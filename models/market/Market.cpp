#include "models/market/Market.hpp"

#include "models/market/DrawPurpose.hpp"
#include "models/market/InitialPopulation.hpp"
#include "sim/parallel/SharedCounter.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

namespace models {
namespace {

// Per-thread working lists of the word-of-mouth phase, kept between chunks
// and ticks so that their memory is allocated once, not once per chunk.
struct DrawScratch {
    std::vector<sim::Block4> addresses;
    std::vector<sim::Block4> draws;
};

DrawScratch& draw_scratch() {
    thread_local DrawScratch scratch;
    return scratch;
}

bool needs_lifecycle_draws(const MarketParams& p) {
    const Mechanisms& m = p.mechanisms;
    return !m.purchases.every_tick() || m.ladder.enabled || m.word_of_mouth.advocate_talk > 0.0 ||
           m.switching.leave_market_share > 0.0;
}

bool needs_network(const MarketParams& p) {
    const Mechanisms& m = p.mechanisms;
    return m.word_of_mouth.enabled || (m.acquisition.enabled && m.acquisition.influence == Influence::Network);
}

}  // namespace

Market::Market(MarketParams params, const sim::Network& network, sim::StreamKey key)
    : params_(std::move(params)),
      network_(network),
      stream_(key),
      customers_(params_.population.size),
      chunks_(params_.population.size),
      chunk_tallies_(chunks_.count() * params_.firms.size()),
      chunk_scratch_(chunks_.count()),
      tally_(params_.firms.size()),
      tarp_(params_.firms.size()),
      tarp_follow_up_(params_.firms.size()),
      value_concentration_(params_.firms.size(), std::numeric_limits<double>::quiet_NaN()) {
    derive_from_params();
    if (!targeted_.empty()) customers_.member = sim::Column<std::uint8_t>("member", customers_.size());
    initialise_customers(params_, stream_, customers_);
    const std::size_t firms = params_.firms.size();
    lapsed_from_firm_.assign(firms, 0);
    for (std::uint32_t i = 0; i < customers_.size(); ++i) {
        adopters_ += customers_.firm[i] != kNoFirm;
        const auto status = static_cast<CustomerStatus>(customers_.status[i]);
        if ((status == CustomerStatus::Lapsed || status == CustomerStatus::Terminated) &&
            customers_.last_firm[i] < firms)
            ++lapsed_from_firm_[customers_.last_firm[i]];
    }
    if (params_.mechanisms.acquisition.enabled && params_.mechanisms.acquisition.influence == Influence::Network)
        count_adopted_neighbours();
}

// What the market computes once from its parameters: the per-firm constants
// and the loops it runs (decide_scope). Called again when the parameters
// change (continue_under).
void Market::derive_from_params() {
    const std::size_t firms = params_.firms.size();
    if (firms < 2 || firms >= kNoFirm)
        throw std::invalid_argument("a market needs 2 to 254 firms, got " + std::to_string(firms));
    if (needs_network(params_) && network_.nodes() != params_.population.size)
        throw std::invalid_argument("the network has " + std::to_string(network_.nodes()) + " nodes but there are " +
                                    std::to_string(params_.population.size) + " customers");
    lifecycle_draws_ = needs_lifecycle_draws(params_);
    cost_to_serve_ = params_.population.traits.cost_to_serve.mean != 0.0;
    limited_capacity_ = wins_back_ = any_strategic_ = false;
    acting_.clear();
    appeal_.clear();
    barrier_factor_.clear();
    basket_shapes_.clear();
    pull_.clear();
    quiet_firms_.clear();
    for (const FirmParams& f : params_.firms) {
        limited_capacity_ = limited_capacity_ || f.recovery.capacity > 0;
        wins_back_ = wins_back_ || f.strategies.win_back.enabled;
        const FirmStrategies& s = f.strategies;
        acting_.push_back(acts_on_customers(s));
        any_strategic_ = any_strategic_ || acting_.back() || cost_to_serve_;
        appeal_.push_back({f.attractiveness + s.acquisition.appeal(), f.price});
        barrier_factor_.push_back(std::exp(-f.switching_barrier));
    }
    for (std::uint32_t n = 0; n < 16; ++n)
        basket_shapes_.push_back(sim::GammaShape::of(std::max(1.0, n * params_.mechanisms.purchases.amount_shape)));
    equal_appeal_ = std::all_of(appeal_.begin(), appeal_.end(), [&](const FirmAppeal& a) {
        return a.attractiveness == appeal_[0].attractiveness && a.price == appeal_[0].price;
    });
    // A competitor better than the own firm pulls at the average customer's
    // price sensitivity (1); equal firms pull nothing.
    for (std::size_t f = 0; f < firms; ++f) {
        double best_gap = 0.0;
        for (std::size_t g = 0; g < firms; ++g)
            if (g != f)
                best_gap = std::max(best_gap, (appeal_[g].attractiveness - appeal_[g].price) -
                                                  (appeal_[f].attractiveness - appeal_[f].price));
        pull_.push_back(params_.mechanisms.switching.competitor_pull * best_gap);
    }
    targeted_ = targeted_strategies();
    scope_ = decide_scope();
    const bool failures = params_.mechanisms.service_failures.enabled;
    for (std::size_t f = 0; f < firms; ++f)
        quiet_firms_.push_back({sim::BernoulliBound(failures ? params_.firms[f].service.failure_rate : 0.0).bound(),
                                params_.firms[f].service_quality, barrier_factor_[f], pull_[f]});
    staged_batches_ = may_decide_in_stages();
    staged_settling_ = settles_lifecycle_stayers(firms);
    if (params_.general_loops) use_general_loops();
    // Stories heard about each firm, kept only while choices read them
    // (a policy may turn them on or off: continue_under).
    if (!params_.mechanisms.word_of_mouth.enabled || params_.mechanisms.word_of_mouth.choice_effect == 0.0)
        heard_about_ = {};
    else if (heard_about_.empty())
        heard_about_.assign(std::size_t{params_.population.size} * firms, 0);
}

// The state stays (customers, their histories, the counts that follow
// them); what follows from the parameters is derived again, and the state
// a new mechanism or strategy needs is made from the state there is. With
// the same targeting rules the targets stay, on their schedule; when a rule
// changes, every targeted strategy chooses at once, and every review_every
// ticks from now.
void Market::continue_under(MarketParams params) {
    if (params.firms.size() != params_.firms.size() || params.population.size != params_.population.size)
        throw std::invalid_argument("a market continues with the same firms and customers");
    const std::vector<TargetedStrategy> targeted_before = targeted_;
    params_ = std::move(params);
    derive_from_params();
    const auto same = [](const TargetedStrategy& a, const TargetedStrategy& b) {
        return a.firm == b.firm && a.bit == b.bit && a.rule.targeting == b.rule.targeting &&
               a.rule.top_share == b.rule.top_share && a.rule.min_rfm_score == b.rule.min_rfm_score &&
               a.rule.review_every == b.rule.review_every;
    };
    const bool same_targets =
        std::equal(targeted_.begin(), targeted_.end(), targeted_before.begin(), targeted_before.end(), same);
    if (!same_targets) {
        strategies_from_ = ticks_done_;
        customers_.member =
            targeted_.empty() ? sim::Column<std::uint8_t>{} : sim::Column<std::uint8_t>("member", customers_.size());
    }
    const bool counts_adopters =
        params_.mechanisms.acquisition.enabled && params_.mechanisms.acquisition.influence == Influence::Network;
    if (!counts_adopters)
        customers_.adopted_neighbours = sim::Column<std::uint32_t>{};
    else if (customers_.adopted_neighbours.size() == 0)
        count_adopted_neighbours();
}

// Counting once and then following every adoption and departure (in apply)
// is far cheaper than scanning every prospect's neighbours every tick.
void Market::count_adopted_neighbours() {
    auto& counts = customers_.adopted_neighbours;
    counts = sim::Column<std::uint32_t>("adopted_neighbours", customers_.size());
    sim::for_each_chunk(chunks_, [&](const sim::Chunk& c) {
        for (std::uint32_t i = c.begin; i < c.end; ++i)
            for (const sim::NodeId j : network_.neighbours(i)) counts[i] += customers_.firm[j] != kNoFirm;
    });
}

// Person i, of `chunk`, started (+1) or stopped (-1) buying from any firm:
// their neighbours in the chunk are told now, with plain additions, since
// no other thread writes the chunk's counters while it is settled; those
// elsewhere are listed in `distant` for tell_distant_neighbours. On a
// small-world network most neighbours are near, and atomic additions (two
// threads) had taken a third longer than plain ones.
void Market::tell_neighbours_of_adoption(std::uint32_t i, int change, const sim::Chunk& chunk,
                                         std::vector<AdoptionChange>& distant) {
    std::uint32_t* counts = customers_.adopted_neighbours.data();
    for (const sim::NodeId j : network_.neighbours(i)) {
        if (j - chunk.begin < chunk.end - chunk.begin)
            counts[j] += static_cast<std::uint32_t>(change);
        else
            distant.push_back({j, change});
    }
}

// The people's offsets, rows and neighbours' counters are all cache misses,
// each needing the one before: the offsets are asked for kOffsetsAhead
// people ahead, the rows half as far, and the counters (whose addresses are
// in the rows) a quarter as far, so that each has arrived when it is used.
void Market::tell_neighbours_of_adoptions(const sim::Chunk& chunk, ChunkScratch& scratch) {
    constexpr std::size_t kOffsetsAhead = 16;
    constexpr std::size_t kRowsAhead = 8;
    constexpr std::size_t kCountersAhead = 4;
    const std::vector<AdoptionChange>& changes = scratch.adoptions;
    scratch.distant_neighbours.clear();
    const std::uint32_t* counts = customers_.adopted_neighbours.data();
    const auto ask_for_counters = [&](std::size_t k) {
        for (const sim::NodeId j : network_.neighbours(changes[k].customer)) __builtin_prefetch(&counts[j], 1);
    };
    const std::size_t n = changes.size();
    for (std::size_t k = 0; k < std::min(n, kOffsetsAhead); ++k) network_.prefetch_offsets(changes[k].customer);
    for (std::size_t k = 0; k < std::min(n, kRowsAhead); ++k) network_.prefetch_neighbours(changes[k].customer);
    for (std::size_t k = 0; k < std::min(n, kCountersAhead); ++k) ask_for_counters(k);
    for (std::size_t k = 0; k < n; ++k) {
        if (k + kOffsetsAhead < n) network_.prefetch_offsets(changes[k + kOffsetsAhead].customer);
        if (k + kRowsAhead < n) network_.prefetch_neighbours(changes[k + kRowsAhead].customer);
        if (k + kCountersAhead < n) ask_for_counters(k + kCountersAhead);
        tell_neighbours_of_adoption(changes[k].customer, changes[k].change, chunk, scratch.distant_neighbours);
    }
}

// The neighbours listed as distant, after every chunk has told its own:
// integer additions from any thread commute, so the counts do not depend on
// the order.
void Market::tell_distant_neighbours() {
    sim::for_each_chunk(chunks_, [&](const sim::Chunk& c) {
        constexpr std::size_t kAhead = 16;
        const std::vector<AdoptionChange>& distant = chunk_scratch_[c.index].distant_neighbours;
        std::uint32_t* counts = customers_.adopted_neighbours.data();
        const bool shared = sim::team_shared();
        for (std::size_t k = 0; k < distant.size(); ++k) {
            if (k + kAhead < distant.size()) __builtin_prefetch(&counts[distant[k + kAhead].customer], 1);
            sim::add_to_counter(counts[distant[k].customer], static_cast<std::uint32_t>(distant[k].change), shared);
        }
    });
}

void Market::step(std::uint32_t tick) {
    review_targets(tick);
    if (params_.mechanisms.tarp.opens_reference(tick)) open_reference_observations(tick);
    // A chunk's tellers may tell as soon as the chunk is decided, while its
    // customers are still in cache, unless something after decide_chunk
    // changes them (a capacity limit does). Only a prospect's decision reads
    // a story counter (the positive stories heard last tick): stories for
    // people with no firm are held until every decision is made.
    // Stories read by choices (heard_about_) and negative stories for
    // prospects are told after every decision, in a phase of their own.
    const bool wom = params_.mechanisms.word_of_mouth.enabled;
    const bool after_decisions = !heard_about_.empty() || params_.mechanisms.acquisition.deterred();
    const bool per_chunk = wom && tell_per_chunk_ && !limited_capacity_ && !after_decisions;
    decide(tick, per_chunk);
    if (per_chunk) deliver_held_stories();
    if (limited_capacity_) resolve_complaints(tick);
    // Last tick's stories about firms are used up by this tick's choices.
    std::fill(heard_about_.begin(), heard_about_.end(), std::int16_t{0});
    if (wom && !per_chunk) spread_word_of_mouth(tick);
    apply(tick);
    ticks_done_ = tick + 1;
    sum_chunk_tallies(tick);
}

// Between ticks, outside the decide loops: the loops then meet these
// observations as any other open one (closing one is an eventful tick).
void Market::open_reference_observations(std::uint32_t tick) {
    sim::for_each_chunk(chunks_, [&](const sim::Chunk& chunk) {
        CustomerState& c = customers_;
        for (std::uint32_t i = chunk.begin; i < chunk.end; ++i) {
            if (c.firm[i] == kNoFirm || c.status[i] != static_cast<std::uint8_t>(CustomerStatus::Active) ||
                c.tarp_group[i] != kNotObserved)
                continue;
            c.tarp_group[i] = kTarpReference;
            c.tarp_opened[i] = tick;
        }
    });
}

std::uint32_t Market::frequency(std::uint32_t i, std::uint32_t ticks) const {
    if (customers_.firm[i] == kNoFirm) return 0;
    return params_.mechanisms.purchases.every_tick() ? ticks - customers_.since[i] : customers_.purchases[i];
}

double Market::monetary(std::uint32_t i, std::uint32_t ticks) const {
    return params_.mechanisms.purchases.every_tick() ? customers_.spend[i] * frequency(i, ticks)
                                                     : customers_.monetary[i];
}

std::uint32_t Market::last_purchase(std::uint32_t i, std::uint32_t ticks) const {
    if (!params_.mechanisms.purchases.every_tick()) return customers_.last_purchase[i];
    return frequency(i, ticks) > 0 ? ticks : 0;
}

// Tellers push stories to their neighbours. A hearer's counter takes integer
// increments from any thread: integer addition commutes, so the result does
// not depend on which thread got there first.
void Market::spread_word_of_mouth(std::uint32_t tick) {
    sim::for_each_chunk(chunks_, [&](const sim::Chunk& c) { spread_chunk_word_of_mouth(c, tick, false); });
}

// Integer increments, like hear(): the order they come in does not matter.
void Market::deliver_held_stories() {
    sim::for_each_chunk(chunks_, [&](const sim::Chunk& c) {
        std::vector<std::uint32_t>& held = chunk_scratch_[c.index].held_stories;
        const bool shared = sim::team_shared();
        for (const std::uint32_t j : held) sim::add_to_counter(customers_.stories[j], 1, shared);
        held.clear();
    });
}

void Market::spread_chunk_word_of_mouth(const sim::Chunk& c, std::uint32_t tick, bool just_decided) {
    // Tellers are few (a tenth of customers or less) and scattered; the
    // decide phase listed them. Draw all their blocks at once (SIMD), a
    // teller's edge blocks then their weak ties', then list who hears them,
    // with the adjacency rows a few tellers ahead asked for (rows fetched
    // while the chunk was decided would be gone from cache by now), then
    // deliver the stories.
    const std::vector<Teller>& tellers = chunk_scratch_[c.index].tellers;
    const std::uint32_t weak_ties = params_.mechanisms.word_of_mouth.weak_ties;
    DrawScratch& scratch = draw_scratch();
    auto& [addresses, draws] = scratch;
    addresses.clear();
    for (const Teller& teller : tellers) {
        for (std::uint32_t q = 0; q * 4 < network_.degree(teller.customer); ++q)
            addresses.push_back(sim::CounterStream::address(kWordOfMouth, teller.customer, tick, q));
        for (std::uint32_t w = 0; w < weak_ties; ++w)
            addresses.push_back(sim::CounterStream::address(kWeakTie, teller.customer, tick, w));
    }
    draws.resize(addresses.size());
    stream_.blocks(addresses.data(), draws.data(), addresses.size());

    constexpr std::size_t kAhead = 8;
    const float* talkativeness = customers_.traits.talkativeness.values();
    std::vector<FirmTally> stories(params_.firms.size());
    thread_local std::vector<Hearing> hearings;
    hearings.clear();
    const sim::Block4* next_draws = draws.data();
    for (std::size_t k = 0; k < tellers.size(); ++k) {
        if (k + kAhead < tellers.size()) {
            network_.prefetch_neighbours(tellers[k + kAhead].customer);
            if (talkativeness) __builtin_prefetch(talkativeness + tellers[k + kAhead].customer);
        }
        const auto [i, sign] = tellers[k];
        std::int64_t told = list_neighbours_who_hear(i, sign, next_draws, hearings);
        next_draws += (network_.degree(i) + 3) / 4;
        if (weak_ties > 0) told += list_weak_ties_who_hear(i, sign, next_draws, hearings);
        next_draws += weak_ties;
        FirmTally& t = stories[customers_.firm[i]];
        (sign > 0 ? t.positive_stories : t.negative_stories) += told;
    }
    deliver(hearings, Delivery{just_decided ? &chunk_scratch_[c.index].held_stories : nullptr, sim::team_shared()});
    FirmTally* tally = chunk_tally(c.index);
    for (std::size_t f = 0; f < stories.size(); ++f) {
        tally[f].positive_stories = stories[f].positive_stories;
        tally[f].negative_stories = stories[f].negative_stories;
    }
}

// Hearers are listed before any story is delivered so that their counters,
// often far apart (weak ties, rewired edges), can be asked for a few
// deliveries ahead: otherwise each waits on main memory in turn.
void Market::deliver(const std::vector<Hearing>& hearings, const Delivery& to) {
    constexpr std::size_t kAhead = 16;
    const auto ask_for = [&](std::size_t k) {
        if (k >= hearings.size()) return;
        const std::uint32_t j = hearings[k].hearer;
        __builtin_prefetch(&customers_.firm[j]);
        __builtin_prefetch(&customers_.stories[j], 1);
    };
    for (std::size_t k = 0; k < kAhead; ++k) ask_for(k);
    for (std::size_t k = 0; k < hearings.size(); ++k) {
        ask_for(k + kAhead);
        hear(hearings[k].hearer, hearings[k].about, hearings[k].sign, to);
    }
}

// A story about firm `about` reaches person j: it counts if j buys from that
// firm, or if j buys from no firm (a prospect hearing of one; held in
// `to.held` when that is given), when positive or when prospects are
// deterred by negative ones. With choices moved by stories it also counts
// for j's next choice of a firm, if j does not buy from it.
void Market::hear(std::uint32_t j, std::uint8_t about, int sign, const Delivery& to) {
    const std::uint8_t firm = customers_.firm[j];
    if (firm == about) {
        sim::add_to_counter(customers_.stories[j], sign, to.shared);
        return;
    }
    if (!heard_about_.empty())
        sim::add_to_counter(heard_about_[std::size_t{j} * params_.firms.size() + about],
                            static_cast<std::int16_t>(sign), to.shared);
    if (firm != kNoFirm || (sign < 0 && !params_.mechanisms.acquisition.deterred())) return;
    if (to.held)  // positive only: negative stories for prospects are told after every decision (step)
        to.held->push_back(j);
    else
        sim::add_to_counter(customers_.stories[j], sign, to.shared);
}

StoriesHeard Market::heard_by(std::uint32_t i) const {
    if (heard_about_.empty()) return {};
    const std::size_t firms = params_.firms.size();
    return {{heard_about_.data() + std::size_t{i} * firms, firms}, params_.mechanisms.word_of_mouth.choice_effect};
}

// Customer i tells each neighbour e with the story's reach, deciding by word
// e % 4 of draws[e / 4] (its kWordOfMouth blocks); lists who heard in
// `hearings` and returns how many.
std::int64_t Market::list_neighbours_who_hear(std::uint32_t i, int sign, const sim::Block4* draws,
                                              std::vector<Hearing>& hearings) const {
    const std::uint8_t f = customers_.firm[i];
    const sim::BernoulliBound hears(params_.mechanisms.word_of_mouth.reach(sign, customers_.traits.talkativeness[i]));
    const auto neighbours = network_.neighbours(i);
    std::int64_t told = 0;
    for (std::uint32_t e = 0; e < neighbours.size(); ++e) {
        if (!hears(draws[e / 4][e % 4])) continue;
        ++told;
        hearings.push_back({neighbours[e], f, static_cast<std::int8_t>(sign)});
    }
    return told;
}

// Weak ties: a few people anywhere in the population, each drawn afresh
// (draws[w]: weak tie w's kWeakTie block).
std::int64_t Market::list_weak_ties_who_hear(std::uint32_t i, int sign, const sim::Block4* draws,
                                             std::vector<Hearing>& hearings) const {
    const WordOfMouth& wom = params_.mechanisms.word_of_mouth;
    const double reach = std::min(1.0, wom.weak_reach * customers_.traits.talkativeness[i]);
    const std::uint64_t people = customers_.size();
    std::int64_t told = 0;
    for (std::uint32_t w = 0; w < wom.weak_ties; ++w) {
        const sim::Block4& draw = draws[w];
        const auto j = static_cast<std::uint32_t>((people * draw[0]) >> 32);
        if (j == i || !sim::bernoulli(draw[1], reach)) continue;
        ++told;
        hearings.push_back({j, customers_.firm[i], static_cast<std::int8_t>(sign)});
    }
    return told;
}

void Market::sum_chunk_tallies(std::uint32_t tick) {
    const std::size_t firms = params_.firms.size();
    std::fill(tally_.begin(), tally_.end(), FirmTally{});
    market_tally_ = MarketTally{};
    for (std::size_t c = 0; c < chunks_.count(); ++c) {
        for (std::size_t f = 0; f < firms; ++f) tally_[f] += chunk_tallies_[c * firms + f];
        market_tally_ += chunk_scratch_[c].market;
    }
    adopters_ = static_cast<std::int64_t>(customers_.size()) - market_tally_.prospects - market_tally_.lapsed;
    for (std::size_t f = 0; f < firms; ++f) {
        tarp_[f] += tally_[f].tarp;
        tarp_follow_up_[f] += tally_[f].tarp_follow_up;
        lapsed_from_firm_[f] += tally_[f].left_market - tally_[f].lapsed_returns;
        tally_[f].lapsed_customers = lapsed_from_firm_[f];
        tally_[f].acquisition_cost += params_.firms[f].strategies.acquisition.marketing_per_tick;
    }
    const std::uint32_t every = params_.metrics.concentration_every;
    const std::uint32_t from = params_.metrics.recorded_from;
    const bool concentration_tick = every != 0 && tick >= from && (tick + 1 - from) % every == 0;
    if (concentration_tick)
        value_concentration_ =
            params_.mechanisms.purchases.every_tick()
                ? value_share_(
                      customers_.firm.span(), [&](std::uint32_t i) { return monetary(i, tick + 1); }, firms, 0.2)
                : value_share_(customers_.firm.span(), customers_.monetary.span(), firms, 0.2);
    else
        std::fill(value_concentration_.begin(), value_concentration_.end(), std::numeric_limits<double>::quiet_NaN());
}

std::size_t Market::bytes() const {
    return customers_.bytes() + chunk_tallies_.capacity() * sizeof(FirmTally) + tally_.capacity() * sizeof(FirmTally);
}

}  // namespace models
