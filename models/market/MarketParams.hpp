#pragma once
// Everything that defines a market: its customers, its firms and which
// mechanisms run. Plain data with documented defaults (the RM-1 values, with
// every mechanism RM-1 does not have switched off); experiments/config
// fills it from YAML.
#include "models/mechanisms/Acquisition.hpp"
#include "models/mechanisms/ComplaintBehaviour.hpp"
#include "models/mechanisms/ComplaintRecovery.hpp"
#include "models/mechanisms/CustomerTraits.hpp"
#include "models/mechanisms/Purchases.hpp"
#include "models/mechanisms/RecoveryParadox.hpp"
#include "models/mechanisms/RelationshipLadder.hpp"
#include "models/mechanisms/RepurchaseIntention.hpp"
#include "models/mechanisms/SatisfactionUpdate.hpp"
#include "models/mechanisms/ServiceFailure.hpp"
#include "models/mechanisms/SwitchingHazard.hpp"
#include "models/mechanisms/TarpTable.hpp"
#include "models/mechanisms/WordOfMouth.hpp"
#include "models/strategies/FirmStrategies.hpp"
#include "sim/random/Distribution.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace models {

struct FirmParams {
    std::string name;
    double initial_share = 0.5;      // share of the starting customers who buy from this firm
    double margin = 0.30;            // profit share of revenue
    double attractiveness = 0.0;     // utility in customers' firm choice (logit)
    double price = 1.0;              // relative price index, weighed by each customer's price sensitivity
    double service_quality = 0.80;   // perceived performance of good service (disconfirmation satisfaction)
    double switching_barrier = 0.0;  // drift hazard x exp(-barrier)
    ServiceFailureParams service;
    RecoveryParams recovery;    // incl. complaint handling
    FirmStrategies strategies;  // loyalty, prevention, termination, win-back, acquisition spend
};

struct PopulationParams {
    std::uint32_t size = 100000;
    double initial_satisfaction = 0.7;  // [0, 1]; a newcomer's, and the starting customers' mean
    // How the starting customers' satisfaction is spread around that mean:
    // constant (everyone at initial_satisfaction, RM-1) or beta.
    sim::Distribution initial_satisfaction_spread{sim::DistributionKind::Constant, 0.7};
    double initial_prospects = 0.0;  // share of people who start buying from no firm
    sim::Distribution spend{sim::DistributionKind::LogNormal, 50.0, 1.7};  // spend level, currency units
    CustomerTraits traits;
};

struct Mechanisms {
    ServiceFailure service_failures;
    ComplaintBehaviour complaints;
    ComplaintRecovery recovery;
    RepurchaseIntention repurchase;
    RecoveryParadox paradox;
    SatisfactionUpdate satisfaction;
    SwitchingHazard switching;
    WordOfMouth word_of_mouth;
    RelationshipLadder ladder;
    Purchases purchases;
    Acquisition acquisition;
    TarpTracking tarp;
};

// How much of the per-tick metrics to compute (their cost is not negligible).
struct MetricOptions {
    double promoter_from = 0.85;    // satisfaction at or above: a promoter (9-10 on a 0-10 scale)
    double detractor_below = 0.65;  // below: a detractor (0-6)
    // Every how many ticks the top-20 % value share is computed (0: never; NaN in between).
    std::uint32_t concentration_every = 1;
    // The first recorded tick (after a warm-up): concentration_every counts
    // from it, and nothing is computed before it.
    std::uint32_t recorded_from = 0;
    // Keep every customer's purchases of each tick for the transaction log.
    bool transaction_log = false;
    // Per tick, for customer lifetime value m r / (1 + i - r) (Gupta & Lehmann).
    double discount_rate = 0.002;
};

struct MarketParams {
    PopulationParams population;
    std::vector<FirmParams> firms;  // 2..254 firms
    Mechanisms mechanisms;
    MetricOptions metrics;
    // Run every customer through the general loops, never a fast path
    // (crmsim run --general-loops): the same results bit for bit, slower;
    // for checking the fast paths (docs/fast-paths.md).
    bool general_loops = false;
};

}  // namespace models
