#pragma once
// Retention / loyalty programmes (seed 001): a firm enrols customers, and
// members are less likely to leave and, with some programme types, more
// satisfied; every member costs the firm each tick, and points programmes
// also give back a share of what members spend.
//   membership: a switching barrier (members' drift hazard times `barrier`);
//   information: news and service for members (a satisfaction gain per tick);
//   points: a barrier plus points worth `points_rate` of every purchase.
// Targeting: everyone, the top `top_share` of the firm's customers by the
// firm's estimate of their value (spend with the firm so far; seed 001's
// "most valuable 20 %"), or an RFM score of at least `min_rfm_score`
// (Segmentation.hpp), re-decided every `review_every` ticks. Customers tied
// at the top-share boundary are left out, so the programme never exceeds
// its share; at the first review, when nobody has spent anything, it is empty.
#include "models/strategies/Segmentation.hpp"
#include "models/strategies/StrategyTraits.hpp"

#include <cstdint>

namespace models {

enum class ProgrammeType : std::uint8_t { Membership, Information, Points };

struct LoyaltyProgramme {
    static constexpr StrategyTraits kTraits{"loyalty", true, true};  // members are members every tick
    bool active() const { return enabled; }

    bool enabled = false;
    ProgrammeType type = ProgrammeType::Membership;
    Targeting targeting = Targeting::Everyone;
    double top_share = 0.20;           // TopValue: share of the firm's customers enrolled
    std::uint32_t review_every = 4;    // ticks between re-deciding who is targeted
    std::uint32_t min_rfm_score = 12;  // Rfm: the R + F + M score (3..15) enrolled from

    TargetRule target() const { return {targeting, top_share, min_rfm_score, review_every}; }
    double barrier = 0.70;            // membership, points: members' drift hazard multiplier
    double satisfaction_gain = 0.01;  // information: added to a member's satisfaction per tick
    double cost_per_member = 0.50;    // currency units per member per tick
    double points_rate = 0.02;        // points: share of a member's spend given back (a cost)

    bool has_barrier() const { return type != ProgrammeType::Information; }
    bool informs() const { return type == ProgrammeType::Information; }
    bool gives_points() const { return type == ProgrammeType::Points; }
};

}  // namespace models
