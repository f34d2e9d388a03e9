#pragma once
// Acquisition (seed 000, "신규고객관리"; DESIGN 1.9): a prospect adopts in a
// tick with a probability made from
//   h = external + internal * x + story_weight * (positive stories heard),
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
// The adopter then chooses a firm (FirmChoice).
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
    double story_weight = 0.0;  // hazard added per positive story heard last tick
    bool lapsed_return = true;  // customers who left the market become prospects again
    AdoptionProbability probability = AdoptionProbability::Hazard;

    // The probability of adopting this tick at hazard (or linear rate) h > 0.
    // Never above h, which the quiet loops rely on (a draw at or above h
    // never adopts).
    double adoption_probability(double h) const {
        return probability == AdoptionProbability::Linear ? std::min(h, 1.0) : -std::expm1(-h);
    }

    // Over a lane type V (double or sim::Pack): `stories` as doubles; only
    // positive ones count.
    template <class V>
    V hazard(V adopter_share, V stories) const {
        return V(external) + V(internal) * adopter_share + V(story_weight) * sim::lanes::max(stories, V(0.0));
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
        return x < p * (external / h) ? AcquisitionSource::Marketing : AcquisitionSource::WordOfMouth;
    }
};

}  // namespace models
