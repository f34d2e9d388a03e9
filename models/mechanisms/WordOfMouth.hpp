#pragma once
// Word of mouth (DESIGN 1.8): after a bad experience a customer tells each
// neighbour a negative story about their firm with one probability, after a
// quick recovery a positive story with another (negative stories travel
// further: TARP's roughly 2 : 1). A story moves a hearer who buys from the
// same firm by a fixed step; stories about other firms have no effect.
#include "models/mechanisms/ServiceOutcome.hpp"

#include <array>

namespace models {

struct WordOfMouth {
    bool enabled = true;
    double negative_reach = 0.10;  // P(a neighbour hears a negative story), per teller and edge
    double positive_reach = 0.05;  // P(a neighbour hears a positive story)
    double story_effect = 0.02;    // satisfaction change per story heard

    // Which outcomes make a customer tell, and with which sign.
    std::array<int, kOutcomes> story_sign = {0, -1, -1, 0, +1};

    int sign(Outcome o) const { return enabled ? story_sign[index(o)] : 0; }
    double reach(int sign) const { return sign > 0 ? positive_reach : negative_reach; }
};

}  // namespace models
