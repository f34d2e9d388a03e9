#pragma once
// Switching (seed 000, "전환 예방관리"; DESIGN 1.7). After a failure a customer
// leaves with the probability of not buying again (1 - repurchase
// intention). Otherwise they drift away at a hazard that falls with
// satisfaction, (1 - s)^convexity (convexity > 1: loyalty rises steeply near
// full satisfaction, Jones & Sasser 1995), scaled by the relationship
// stage and the firm's switching barrier, plus variety seeking; competitors
// more attractive than the own firm add a pull. A leaver joins a competitor
// (multinomial logit, FirmChoice) or, with leave_market_share, leaves the
// market, starting over at configured satisfaction and expectation.
//
// Barriers (the relationship stage's factor, the firm's switching barrier,
// a loyalty programme's or tactics' factor: together `barrier`) act on
// leaving after a failure too: (1 - repurchase) * barrier^barrier_after_failure.
// Switching barriers keep customers whatever their satisfaction (Burnham,
// Frels & Mahajan 2003: switching costs explain intentions to stay beside
// satisfaction, not through it) and most where satisfaction is low (Jones,
// Mothersbaugh & Beatty 2000: with high barriers, low satisfaction lowers
// repurchase intentions less), which is where a failure leaves a customer.
// The default, 1, lets a barrier act on leaving after a failure as on
// drift; 0 is the model before (barriers on drift alone, about 7 % of churn
// in the example markets).
#include "models/mechanisms/RelationshipLadder.hpp"
#include "sim/simd/Pack.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <string_view>

namespace models {

// Why a customer left their firm (recorded per firm and tick).
enum class ChurnReason : std::uint8_t { None = 0, AfterFailure, Drift, CompetitorPull, Termination };
inline constexpr std::size_t kChurnReasons = 5;

// How the drift hazard falls with satisfaction s: (1 - s)^convexity, or
// logistically, 1 / (1 + exp(steepness (s - midpoint))): nearly flat among
// the very dissatisfied and the very satisfied, with the fall concentrated
// around a threshold (a "zone of tolerance", Zeithaml, Berry & Parasuraman
// 1993).
enum class DriftShape : std::uint8_t { Power, Logistic };

struct SwitchingHazard {
    double drift_hazard = 0.02;  // per tick, times the shape (at most 1)
    DriftShape shape = DriftShape::Power;
    double convexity = 1.0;            // power
    double logistic_midpoint = 0.5;    // logistic: the satisfaction at which the shape is 1/2
    double logistic_steepness = 10.0;  // logistic: how sharply it falls there (per unit of satisfaction)
    std::array<double, kStages> stage_factor = {1.0, 1.0, 1.0, 1.0, 1.0};  // hazard multiplier by stage
    double variety_seeking = 0.0;             // hazard per tick added to drift, whatever the satisfaction
    double competitor_pull = 0.0;             // hazard per unit of utility by which the best competitor beats the firm
    double leave_market_share = 0.0;          // share of leavers who buy from no firm afterwards
    double satisfaction_after_switch = 0.60;  // a new customer's starting satisfaction
    double expectation_after_switch = 0.70;
    double barrier_after_failure = 1.0;  // exponent of the barrier on leaving after a failure, in [0, 1]

    // Written once over a lane type V (double: one customer; sim::Pack:
    // several at a time, sim/simd/Pack.hpp), for every path and width.
    template <class V>
    V drift(V satisfaction) const {
        return V(drift_hazard) * (shape == DriftShape::Logistic ? logistic(satisfaction) : power(satisfaction));
    }
    template <class V>
    V power(V satisfaction) const {
        const V gap = V(1.0) - satisfaction;
        // pow() is slow and this runs for every customer every tick: the
        // common exponents are multiplied out.
        return convexity == 1.0 ? gap : convexity == 2.0 ? gap * gap : sim::lanes::pow(gap, convexity);
    }
    template <class V>
    V logistic(V satisfaction) const {
        return V(1.0) / (V(1.0) + sim::lanes::exp(V(logistic_steepness) * (satisfaction - V(logistic_midpoint))));
    }
    // The drift hazard of a customer whose stage and firm scale it by
    // `barrier` (stage factor times the firm's barrier and policy), variety
    // seeking included.
    template <class V>
    V drift(V satisfaction, V barrier) const {
        return barrier * (drift(satisfaction) + V(variety_seeking));
    }
    // The chance of leaving this tick without a failure: drift plus the
    // pull of better competitors, scaled by the same barrier.
    template <class V>
    static V leave_chance(V drift, V barrier, V pull) {
        return drift + barrier * pull;
    }
    // The chance of leaving after a failure, scaled by the barrier (a
    // barrier of 1, RM-1's, leaves 1 - repurchase exactly).
    double after_failure(double repurchase, double barrier) const {
        const double scale = barrier_after_failure == 1.0   ? barrier
                             : barrier_after_failure == 0.0 ? 1.0
                                                            : std::pow(barrier, barrier_after_failure);
        return (1.0 - repurchase) * scale;
    }

    // The competitor a switcher joins when all firms are equally attractive:
    // with two firms the other one; with more, one of the others chosen
    // uniformly by one 32-bit draw.
    static std::uint8_t competitor(std::uint8_t from, std::uint32_t firms, std::uint32_t u) {
        if (firms == 2) return static_cast<std::uint8_t>(1 - from);
        const auto pick = static_cast<std::uint32_t>((static_cast<std::uint64_t>(u) * (firms - 1)) >> 32);
        return static_cast<std::uint8_t>(pick >= from ? pick + 1 : pick);
    }
};

}  // namespace models
