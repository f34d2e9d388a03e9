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
    kInitialFirm = 1,   // lane 0: which firm a customer starts with
    kInitialSpend = 2,  // BlockEngine: spend level per customer (Boost distribution)

    // One block per customer per tick; its four lanes are four decisions:
    kEncounter = 10,     // lanes: see EncounterLane
    kRecovery = 11,      // lane 0: how a complaint ends (drawn only for complainers)
    kSwitchTarget = 12,  // lane 0: which competitor a switcher moves to (3+ firms)
    kWordOfMouth = 13,   // block e/4, lane e%4: whether the teller tells neighbour e
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

}  // namespace models
