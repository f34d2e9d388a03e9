#pragma once
// Every random decision of the market model, with the stream it draws from.
//
// A draw is addressed by (purpose, customer, tick, block) in the run's
// counter-based stream (sim/random/CounterStream.hpp). Each decision owns its
// purpose, or a fixed lane of a shared block, so switching a mechanism on or
// off, or adding a new one, never changes the draws any other decision sees.
// New mechanisms append new purposes; existing numbers never change.
#include <cstdint>

namespace models {

enum DrawPurpose : std::uint32_t {
    // Set-up (tick 0 of the stream, before the first simulated tick).
    kInitialFirm = 1,         // lane 0: which firm a customer starts with
    kInitialSpend = 2,        // BlockEngine: spend level per customer (Boost distribution)
    kInitialStatus = 3,       // lanes: 0 prospect or customer, 1 draining flag, 2 violator flag
    kInitialCostToServe = 4,  // BlockEngine, per trait
    kInitialComplaintPropensity = 5,
    kInitialTalkativeness = 6,
    kInitialPriceSensitivity = 7,
    kInitialPurchaseRate = 8,
    kInitialDropout = 9,
    // Set-up purposes added later count on from 30, clear of the per-tick ones.
    kInitialSatisfaction = 30,  // BlockEngine: starting satisfaction (when population.initial_satisfaction varies)

    // One block per customer per tick; its four lanes are four decisions:
    kEncounter = 10,       // lanes: see EncounterLane
    kRecovery = 11,        // lane 0: how a complaint ends (drawn only for complainers)
    kSwitchTarget = 12,    // lane 0: which competitor a switcher moves to (3+ firms)
    kWordOfMouth = 13,     // block e/4, lane e%4: whether the teller tells neighbour e
    kLifecycle = 14,       // lanes: see LifecycleLane (drawn only when a lifecycle mechanism is on)
    kAcquisition = 15,     // prospects: lane 0 whether they adopt, lane 1 which firm
    kDropout = 16,         // BG/NBD: block j/4, lane j%4 after purchase j; Pareto/NBD: lanes 0, 1
    kPurchaseAmount = 17,  // BlockEngine: gamma-gamma amounts of the tick's purchases
    kPurchaseCount = 18,   // BlockEngine: purchase count when the mean is too large for inversion
    kWeakTie = 19,         // block w: lane 0 who weak tie w is, lane 1 whether they hear
    kStrategy = 20,        // lanes: see StrategyLane (drawn only for customers a strategy acts on)
};

// Lanes of the kEncounter block. One Philox block covers a customer's whole
// common-path tick (good service or a failure without complaint), which is
// what keeps the per-customer cost at one block.
enum EncounterLane : std::uint32_t {
    kLaneFailure = 0,
    kLaneSeverity = 1,
    kLaneComplaint = 2,
    kLaneSwitch = 3,
};

// Lanes of the kStrategy block (index 0); index 1 holds cross-selling's
// lanes 0 (offered) and 1 (worked).
enum StrategyLane : std::uint32_t {
    kLaneSurvey = 0,       // the error of the firm's satisfaction survey (switching prevention)
    kLaneOffer = 1,        // whether a prevention offer works
    kLaneTermination = 2,  // whether an ended customer tells others
    kLaneWinBack = 3,      // whether a win-back or activation contact works
};

// Lanes of the kLifecycle block.
enum LifecycleLane : std::uint32_t {
    kLanePurchases = 0,
    kLaneLadder = 1,
    kLaneTalk = 2,   // whether an advocate recommends the firm this tick
    kLaneLeave = 3,  // whether a leaver leaves the market rather than switch
};

}  // namespace models
