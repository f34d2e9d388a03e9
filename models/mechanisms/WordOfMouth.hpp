#pragma once
// Word of mouth (DESIGN 1.8). Who speaks: a customer after a bad experience
// (silent or unresolved failure) tells negative stories, one recovered
// quickly tells positive ones (RM-1); optionally customers whose
// satisfaction is below a level speak ill of their firm every tick, and
// advocates and partners recommend it with a per-tick probability. Each
// neighbour on the network (strong ties) hears a story with the story's
// reach (negative stories travel further: TARP's roughly 2 : 1), scaled by
// the speaker's talkativeness; a speaker may also reach a few random others
// (weak ties, Goldenberg, Libai & Muller 2001). A story moves a hearer who
// buys from the same firm by a fixed step in satisfaction (and, optionally,
// expectation); a prospect who hears a positive story becomes more likely to
// adopt (Acquisition::story_weight), one who hears a negative one less
// (Acquisition::negative_story_weight). With choice_effect, every story
// heard about a firm one does not buy from also moves that firm's utility
// when one next chooses a firm (a prospect adopting, a switcher choosing a
// competitor; FirmChoice): word of mouth steers choices between brands, not
// only into the category (East, Hammond & Lomax 2008).
#include "models/mechanisms/SatisfactionUpdate.hpp"
#include "models/mechanisms/ServiceOutcome.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace models {

struct WordOfMouth {
    bool enabled = true;
    double negative_reach = 0.10;     // P(a neighbour hears a negative story), per teller and edge
    double positive_reach = 0.05;     // P(a neighbour hears a positive story)
    double story_effect = 0.02;       // satisfaction change per story heard
    double expectation_effect = 0.0;  // expectation change per story heard
    double dissatisfied_below = 0.0;  // customers less satisfied than this tell negative stories (0: off)
    double advocate_talk = 0.0;       // per-tick probability that an advocate or partner tells a positive story
    std::uint32_t weak_ties = 0;      // random others, outside the network, each speaker may reach
    double weak_reach = 0.0;          // P(a weak tie hears the story)
    double choice_effect = 0.0;       // utility per net story heard about a firm, when choosing one (0: off)

    // Which outcomes make a customer tell, and with which sign.
    std::array<int, kOutcomes> story_sign = {0, -1, -1, 0, +1};

    int sign(Outcome o) const { return enabled ? story_sign[index(o)] : 0; }
    double reach(int sign) const { return sign > 0 ? positive_reach : negative_reach; }
    double reach(int sign, double talkativeness) const { return std::min(1.0, reach(sign) * talkativeness); }

    // A hearer's satisfaction (or expectation) after the tick's `stories`
    // (signed count) about their firm, each moving it by `effect`: the
    // settlement of every path and width (V: double or sim::Pack).
    template <class V>
    static V after_stories(V value, V stories, double effect) {
        return clamp_unit(value + V(effect) * stories);
    }
};

}  // namespace models
