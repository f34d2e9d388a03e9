#pragma once
// What a firm strategy declares about itself, for the market to act on it
// without a list of strategies written by hand (FirmStrategies.hpp). Every
// strategy has `static constexpr StrategyTraits kTraits` and
// `bool active() const` (configured to do something).
#include <string_view>

namespace models {

struct StrategyTraits {
    // Its config key under a firm (firms.N.<key>).
    std::string_view key;
    // Acts on the firm's customers while they decide (charges, effects):
    // an active one puts its firm among the acting ones, whose customers
    // the market decides with the general code (Market::acting_).
    bool acts_on_customers;
    // Acts on a customer whose tick is quiet (no failure, no leaving): the
    // quiet-tick fast paths know no strategy, so they must not run while one
    // like this is active. One that acts only after a failure (an eventful
    // tick, which the fast paths leave to the general code) says false.
    bool acts_on_quiet_ticks;
};

}  // namespace models
