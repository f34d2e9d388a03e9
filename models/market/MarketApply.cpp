// The apply phase of a tick: every person takes on what their decision and
// the stories they heard imply, and the tick's per-firm counts are taken.
#include "models/market/Market.hpp"

#include <algorithm>

namespace models {
namespace {

// Someone starts a relationship with `firm`: the ladder and the RFM counters
// start over.
void join(const CustomerColumns& c, std::uint32_t i, std::uint8_t firm, std::uint32_t tick) {
    c.firm[i] = firm;
    c.status[i] = static_cast<std::uint8_t>(CustomerStatus::Active);
    c.since[i] = tick + 1;
    c.stage[i] = static_cast<std::uint8_t>(Stage::Customer);
    c.purchases[i] = 0;
    if (c.member) c.member[i] = 0;  // a new customer is not (yet) in the programme
    c.monetary[i] = 0.0f;
    c.failures[i] = 0;
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

// Where someone starts when they join a firm.
struct Arrival {
    double satisfaction;
    double expectation;
};

}  // namespace

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
        for (std::uint32_t i = chunk.begin; i < chunk.end; ++i) {
            const std::uint8_t before = c.firm[i];
            const std::uint8_t after = c.next_firm[i];
            double s;
            if (after == before) {
                // Someone with no firm keeps the positive stories they heard for their next decision.
                if (before == kNoFirm) {
                    // Lapsed and terminated people have left the market; prospects never joined it.
                    ++(c.status[i] == static_cast<std::uint8_t>(CustomerStatus::Prospect) ? market.prospects
                                                                                          : market.lapsed);
                    continue;
                }
                const std::int32_t stories = c.stories[i];
                s = std::clamp(c.next_satisfaction[i] + effect * stories, 0.0, 1.0);
                c.satisfaction[i] = s;
                if (expectation_effect != 0.0)
                    c.expectation[i] =
                        static_cast<float>(std::clamp(c.expectation[i] + expectation_effect * stories, 0.0, 1.0));
                c.stories[i] = 0;
            } else {
                // Stories heard about the old firm no longer matter.
                c.stories[i] = 0;
                if (before != kNoFirm) c.last_firm[i] = before;
                if (track_adopters && (before == kNoFirm || after == kNoFirm))
                    tell_neighbours_of_adoption(i, before == kNoFirm ? +1 : -1);
                if (after == kNoFirm) {
                    leave_market(c, i, tick);
                    ++market.lapsed;
                    continue;
                }
                // Someone from no firm starts where their decision said (acquired or won back).
                const Arrival start =
                    before == kNoFirm ? Arrival{c.next_satisfaction[i], acquired.expectation} : switched;
                join(c, i, after, tick);
                s = start.satisfaction;
                c.satisfaction[i] = s;
                c.expectation[i] = static_cast<float>(start.expectation);
                lanes.at(i, after).switched_in += before != kNoFirm;
            }
            FirmTally& t = lanes.at(i, after);
            ++t.customers;
            t.satisfaction_sum += s;
            t.promoters += s >= promoter_from;
            t.detractors += s < detractor_below;
            if (count_stages) {
                ++t.stages[c.stage[i]];
                t.dormant += c.status[i] == static_cast<std::uint8_t>(CustomerStatus::Dormant);
            }
        }
        std::vector<FirmTally> tally = lanes.sum();
        // Without the ladder or dropout everyone is an active customer.
        if (!count_stages)
            for (FirmTally& t : tally) t.stages[index(Stage::Customer)] = t.customers;
        FirmTally* out = chunk_tally(chunk.index);
        for (std::size_t f = 0; f < tally.size(); ++f) {
            out[f].switched_in = tally[f].switched_in;
            out[f].customers = tally[f].customers;
            out[f].satisfaction_sum = tally[f].satisfaction_sum;
            out[f].stages = tally[f].stages;
            out[f].dormant = tally[f].dormant;
            out[f].promoters = tally[f].promoters;
            out[f].detractors = tally[f].detractors;
        }
        chunk_scratch_[chunk.index].market = market;
    });
}

}  // namespace models
