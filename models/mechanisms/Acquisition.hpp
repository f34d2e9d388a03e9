#pragma once
// Acquisition (seed 000, "신규고객관리"; DESIGN 1.9): a prospect adopts in a
// tick with a probability made from
//   h = external + internal * x + story_weight * (positive stories heard)
//       - negative_story_weight * (negative stories heard),  (at least 0)
// which adds external influence (marketing) and internal influence (x: the
// share of adopters in the whole population, or among the prospect's network
// neighbours). Two readings of h, both Bass (1969) with mixed influence and
// no stories:
//   - hazard (default): h is a per-tick hazard, the probability 1 - exp(-h);
//     the exact discretisation of the continuous-time Bass model, so short
//     ticks approach its closed form, and annual p, q map to ticks as
//     p * tick_days / 365;
//   - linear: h itself is the probability (at most 1), the textbook
//     discrete Bass recursion F' = F + (p + q F)(1 - F), with p and q the
//     coefficients per tick (per period) as estimated on per-period data.
// Stories heard are counted net (positive minus negative): a net positive
// count adds story_weight per story, a net negative one (heard only with
// negative_story_weight > 0) takes negative_story_weight per story off, so
// that bad word of mouth deters prospects as good word of mouth attracts
// them (Arndt 1967; East, Hammond & Lomax 2008 measure both moving purchase
// probability, negative usually somewhat less per story). Adoptions are attributed to marketing or
// word of mouth in proportion to the positive influences. The adopter then
// chooses a firm (FirmChoice), stories about each firm moving its utility
// (WordOfMouth::choice_effect).
#include "sim/random/CounterStream.hpp"
#include "sim/simd/Pack.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace models {

enum class Influence : std::uint8_t { Mixed, Network };
enum class AcquisitionSource : std::uint8_t { None, Marketing, WordOfMouth };
enum class AdoptionProbability : std::uint8_t { Hazard, Linear };

struct Acquisition {
    bool enabled = false;
    double external = 0.01;  // Bass p, per tick
    double internal = 0.10;  // Bass q, per tick
    Influence influence = Influence::Network;
    double story_weight = 0.0;           // hazard added per (net) positive story heard last tick
    double negative_story_weight = 0.0;  // hazard taken off per (net) negative story heard last tick
    bool lapsed_return = true;           // customers who left the market become prospects again
    AdoptionProbability probability = AdoptionProbability::Hazard;

    // The probability of adopting this tick at hazard (or linear rate) h > 0.
    // Never above h, which the quiet loops rely on (a draw at or above h
    // never adopts).
    double adoption_probability(double h) const {
        return probability == AdoptionProbability::Linear ? std::min(h, 1.0) : -std::expm1(-h);
    }

    // Whether prospects hear negative stories (and are deterred by them).
    bool deterred() const { return negative_story_weight > 0.0; }

    // Over a lane type V (double or sim::Pack): `stories` as doubles. The
    // positive influences: the hazard with no deterrent, which is never
    // below it (the quiet loops' bound: a draw at or above it never adopts).
    template <class V>
    V attraction(V adopter_share, V stories) const {
        return V(external) + V(internal) * adopter_share + V(story_weight) * sim::lanes::max(stories, V(0.0));
    }
    template <class V>
    V hazard(V adopter_share, V stories) const {
        const V pulled = attraction(adopter_share, stories);
        if (!deterred()) return pulled;
        return sim::lanes::max(pulled - V(negative_story_weight) * sim::lanes::max(-stories, V(0.0)), V(0.0));
    }
    double hazard(double adopter_share, std::int32_t stories) const {
        return hazard(adopter_share, static_cast<double>(stories));
    }

    // Whether a draw x (sim::to_unit) surely means no adoption: at or above
    // the hazard (see adopts). Nearly every prospect's tick.
    template <class V>
    auto surely_not(V adopter_share, V stories, V x) const {
        return x >= hazard(adopter_share, stories);
    }

    // Whether the prospect adopts, and through which influence: the draw
    // falls in the external part of the hazard's probability or the rest.
    AcquisitionSource adopts(double adopter_share, std::int32_t stories, std::uint32_t u) const {
        const double h = hazard(adopter_share, stories);
        if (h <= 0.0) return AcquisitionSource::None;
        const double x = sim::to_unit(u);
        // 1 - exp(-h) < h, and expm1 is faithfully rounded, so p <= h (and
        // min(h, 1) <= h): a draw at or above h is no adoption without the
        // exponential. With the small hazards of a tick that is nearly every
        // prospect.
        if (surely_not(adopter_share, static_cast<double>(stories), x)) return AcquisitionSource::None;
        const double p = adoption_probability(h);
        if (x >= p) return AcquisitionSource::None;
        const double pulled = deterred() ? attraction(adopter_share, static_cast<double>(stories)) : h;
        return x < p * (external / pulled) ? AcquisitionSource::Marketing : AcquisitionSource::WordOfMouth;
    }
};

}  // namespace models
