// The apply phase of a tick: every person takes on what their decision and
// the stories they heard imply, and the tick's per-firm counts are taken.
#include "models/market/Market.hpp"
#include "models/market/QuietLifecycle.hpp"

#include <span>
#include <utility>
#include <vector>

namespace models {
namespace {

// A customer moves to `firm`: the relationship starts over.
void switch_firm(const CustomerColumns& c, std::uint32_t i, std::uint8_t firm, std::uint32_t tick) {
    c.firm[i] = firm;
    c.since[i] = tick + 1;
    c.failures[i] = 0;
}

// Someone starts a relationship with `firm`: the ladder and the RFM counters
// start over too.
void join(const CustomerColumns& c, std::uint32_t i, std::uint8_t firm, std::uint32_t tick) {
    switch_firm(c, i, firm, tick);
    c.status[i] = static_cast<std::uint8_t>(CustomerStatus::Active);
    c.stage[i] = static_cast<std::uint8_t>(Stage::Customer);
    c.purchases[i] = 0;
    if (c.member) c.member[i] = 0;  // a new customer is not (yet) in the programme
    c.monetary[i] = 0.0f;
}

// Someone the firm ended (marked while deciding) stays terminated: no firm
// wins them back.
void leave_market(const CustomerColumns& c, std::uint32_t i, std::uint32_t tick) {
    c.firm[i] = kNoFirm;
    if (c.status[i] != static_cast<std::uint8_t>(CustomerStatus::Terminated))
        c.status[i] = static_cast<std::uint8_t>(CustomerStatus::Lapsed);
    c.since[i] = tick + 1;
    c.stage[i] = static_cast<std::uint8_t>(Stage::Prospect);
}

// The people of the chunk that `list` finds (in customer order), each
// settled by the general code: what the lean loops that settle everyone
// else leave to it. Kept per thread between chunks.
template <class List, class Settle>
std::pair<std::span<const std::uint32_t>, std::span<const Settled>> settle_movers(const sim::Chunk& chunk,
                                                                                  const CustomerColumns& c, List&& list,
                                                                                  Settle& settle) {
    thread_local std::vector<std::uint32_t> movers;
    thread_local std::vector<Settled> settled;
    movers.clear();
    settled.clear();
    list(c.firm, c.next_firm, chunk.begin, chunk.end, movers);
    for (const std::uint32_t i : movers) settled.push_back(settle(i));
    return {movers, settled};
}

// Where someone starts when they join a firm.
struct Arrival {
    double satisfaction;
    double expectation;
};

}  // namespace

// The lifecycle's scopes (at most four firms): the movers (whose firm
// changes) settle by the general code first, then the stayers by the lean
// loops (QuietLifecycle.hpp), which count everyone in customer order.
template <class Settle>
void Market::settle_lifecycle_chunk(const sim::Chunk& chunk, const CustomerColumns& c, InterleavedTally& lanes,
                                    MarketTally& market, Settle&& settle) const {
    const auto [movers, settled] = settle_movers(chunk, c, list_firm_changes, settle);
    const Mechanisms& m = params_.mechanisms;
    const LifecycleSettlement q{c,
                                params_.firms.size(),
                                m.word_of_mouth.story_effect,
                                m.word_of_mouth.expectation_effect,
                                params_.metrics.promoter_from,
                                params_.metrics.detractor_below,
                                m.ladder.enabled || m.purchases.dropout.mean > 0.0};
    LifecycleSettledCounts counts;
    settle_lifecycle_stayers(q, chunk.begin, chunk.end, movers, settled, counts);
    for (std::size_t f = 0; f < params_.firms.size(); ++f) {
        for (std::uint32_t l = 0; l < InterleavedTally::kLanes; ++l)
            lanes.at(chunk.begin + l, f).satisfaction_sum = counts.satisfaction[f][l];
        FirmTally& t = lanes.at(chunk.begin, f);  // counts add up the same in any lane
        const SettledFirm& n = counts.firms[f];
        t.customers += n.customers;
        t.promoters += n.promoters;
        t.detractors += n.detractors;
        t.dormant += n.dormant;
        for (std::size_t s = 0; s < kStages; ++s) t.stages[s] += n.stages[s];
    }
    market.prospects += counts.prospects;
    market.lapsed += counts.lapsed;
}

void Market::apply(std::uint32_t tick) {
    // Locals, not members: a byte store could alias the market's own copy.
    const Mechanisms& m = params_.mechanisms;
    const double effect = m.word_of_mouth.story_effect;
    const double expectation_effect = m.word_of_mouth.expectation_effect;
    const double promoter_from = params_.metrics.promoter_from;
    const double detractor_below = params_.metrics.detractor_below;
    const bool count_stages = m.ladder.enabled || m.purchases.dropout.mean > 0.0;
    const Arrival acquired{params_.population.initial_satisfaction, m.satisfaction.initial_expectation};
    const Arrival switched{m.switching.satisfaction_after_switch, m.switching.expectation_after_switch};
    const bool track_adopters = customers_.adopted_neighbours.size() > 0;
    sim::for_each_chunk(chunks_, [&](const sim::Chunk& chunk) {
        const CustomerColumns c(customers_);
        InterleavedTally lanes(params_.firms.size());
        MarketTally market;
        // Told once the chunk is settled: integer adds commute, and in a
        // batch the cache misses can overlap.
        std::vector<AdoptionChange>& adoptions = chunk_scratch_[chunk.index].adoptions;
        adoptions.clear();
        // Person i takes on their decision and the stories they heard.
        // Returns the firm they are a customer of after the tick (kNoFirm:
        // none) and their satisfaction, for the caller to count.
        // Forced inline: it runs for every person, and GCC would otherwise
        // call it (the push_back below makes it look too large).
        const auto settle = [&](std::uint32_t i) __attribute__((always_inline))->Settled {
            const std::uint8_t before = c.firm[i];
            const std::uint8_t after = c.next_firm[i];
            if (after == before) {
                // Someone with no firm keeps the positive stories they heard for their next decision.
                if (before == kNoFirm) {
                    // Lapsed and terminated people have left the market; prospects never joined it.
                    ++(c.status[i] == static_cast<std::uint8_t>(CustomerStatus::Prospect) ? market.prospects
                                                                                          : market.lapsed);
                    return {kNoFirm, 0.0};
                }
                const std::int32_t stories = c.stories[i];
                const double s = WordOfMouth::after_stories(c.next_satisfaction[i], double(stories), effect);
                c.satisfaction[i] = s;
                if (expectation_effect != 0.0)
                    c.expectation[i] = static_cast<float>(
                        WordOfMouth::after_stories(double(c.expectation[i]), double(stories), expectation_effect));
                c.stories[i] = 0;
                return {after, s};
            }
            // Stories heard about the old firm no longer matter.
            c.stories[i] = 0;
            if (before != kNoFirm) c.last_firm[i] = before;
            if (track_adopters && (before == kNoFirm || after == kNoFirm))
                adoptions.push_back({i, before == kNoFirm ? +1 : -1});
            if (after == kNoFirm) {
                leave_market(c, i, tick);
                ++market.lapsed;
                return {kNoFirm, 0.0};
            }
            // Someone from no firm starts where their decision said (acquired or won back).
            const Arrival start = before == kNoFirm ? Arrival{c.next_satisfaction[i], acquired.expectation} : switched;
            join(c, i, after, tick);
            c.satisfaction[i] = start.satisfaction;
            c.expectation[i] = static_cast<float>(start.expectation);
            lanes.at(i, after).switched_in += before != kNoFirm;
            return {after, start.satisfaction};
        };
        if (staged_settling_) {
            settle_lifecycle_chunk(chunk, c, lanes, market, settle);
        } else {
            for (std::uint32_t i = chunk.begin; i < chunk.end; ++i) {
                const Settled x = settle(i);
                if (x.firm == kNoFirm) continue;
                FirmTally& t = lanes.at(i, x.firm);
                ++t.customers;
                t.satisfaction_sum += x.satisfaction;
                t.promoters += x.satisfaction >= promoter_from;
                t.detractors += x.satisfaction < detractor_below;
                if (count_stages) {
                    ++t.stages[c.stage[i]];
                    t.dormant += c.status[i] == static_cast<std::uint8_t>(CustomerStatus::Dormant);
                }
            }
        }
        tell_neighbours_of_adoptions(chunk, chunk_scratch_[chunk.index]);
        std::vector<FirmTally> tally = lanes.sum();
        // Without the ladder or dropout everyone is an active customer.
        if (!count_stages)
            for (FirmTally& t : tally) t.stages[index(Stage::Customer)] = t.customers;
        // The decide phase left the after-tick fields at 0 in the chunk's
        // tally, and this phase adds to no other: a plain sum.
        FirmTally* out = chunk_tally(chunk.index);
        for (std::size_t f = 0; f < tally.size(); ++f) out[f] += tally[f];
        // The metrics summed over customers by their registry entry alone
        // (FirmMetrics.hpp, CUSTOMER_MEAN), while the chunk is in cache.
        sum_customer_means(c, chunk.begin, chunk.end, tally.size(), out);
        chunk_scratch_[chunk.index].market = market;
    });
    if (track_adopters) tell_distant_neighbours();
}

}  // namespace models
