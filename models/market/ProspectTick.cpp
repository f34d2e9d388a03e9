// A prospect's tick (someone who buys from no firm): whether they adopt,
// through which influence, and which firm they choose.
#include "models/market/Market.hpp"

namespace models {

// The share of adopters that influences person i: over the whole market
// (mixed), or among i's network neighbours.
double Market::adopter_share(std::uint32_t i) const {
    const Acquisition& a = params_.mechanisms.acquisition;
    if (a.influence == Influence::Mixed) return static_cast<double>(adopters_) / static_cast<double>(customers_.size());
    const std::uint32_t degree = network_.degree(i);
    return degree ? static_cast<double>(customers_.adopted_neighbours[i]) / degree : 0.0;
}

void Market::decide_prospect(std::uint32_t i, std::uint32_t tick, const sim::Block4& draws, FirmTally* tally) {
    CustomerState& c = customers_;
    const Acquisition& a = params_.mechanisms.acquisition;
    c.outcome[i] = static_cast<std::uint8_t>(Outcome::NoFailure);
    c.next_firm[i] = kNoFirm;
    c.next_satisfaction[i] = params_.population.initial_satisfaction;  // if they join a firm
    // Positive stories heard last tick are used up now (the word of mouth
    // phase of this tick adds the next ones).
    const std::int32_t stories = c.stories[i];
    c.stories[i] = 0;
    const bool lapsed = c.status[i] == static_cast<std::uint8_t>(CustomerStatus::Lapsed);
    if (lapsed && win_back(i, tick, tally)) {
        ++tally[c.last_firm[i]].lapsed_returns;
        return;
    }
    const bool may_adopt = c.status[i] == static_cast<std::uint8_t>(CustomerStatus::Prospect) ||
                           (a.lapsed_return && c.status[i] == static_cast<std::uint8_t>(CustomerStatus::Lapsed));
    if (!a.enabled || !may_adopt) return;
    const AcquisitionSource source = a.adopts(adopter_share(i), stories, draws[0]);
    if (source == AcquisitionSource::None) return;
    const std::uint8_t f = choose_firm(appeal_, c.traits.price_sensitivity[i], draws[1], -1, heard_by(i));
    c.next_firm[i] = f;
    if (lapsed) ++tally[c.last_firm[i]].lapsed_returns;  // no longer the former firm's lapsed customer
    if (source == AcquisitionSource::Marketing) {
        ++tally[f].acquired_marketing;
    } else {
        ++tally[f].acquired_word_of_mouth;
        tally[f].acquisition_cost += params_.firms[f].strategies.acquisition.referral_reward;
    }
}

}  // namespace models
