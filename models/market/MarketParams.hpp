#pragma once
// Everything that defines a market: its customers, its firms and which
// mechanisms run. Plain data with documented defaults (the RM-1 values);
// experiments/config fills it from YAML.
#include "models/mechanisms/ComplaintBehaviour.hpp"
#include "models/mechanisms/ComplaintRecovery.hpp"
#include "models/mechanisms/RepurchaseIntention.hpp"
#include "models/mechanisms/SatisfactionUpdate.hpp"
#include "models/mechanisms/ServiceFailure.hpp"
#include "models/mechanisms/SwitchingHazard.hpp"
#include "models/mechanisms/WordOfMouth.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace models {

struct FirmParams {
    std::string name;
    double initial_share = 0.5;  // share of customers who start with this firm
    double margin = 0.30;        // profit share of revenue
    ServiceFailureParams service;
    RecoveryParams recovery;
};

enum class SpendDistribution { LogNormal, Gamma, Constant };

struct SpendParams {
    SpendDistribution distribution = SpendDistribution::LogNormal;
    double mean = 50.0;  // currency units per tick
    double sigma = 1.7;  // lognormal: sd of log spend (1.7: top 20 % hold ~80 %)
    double shape = 1.0;  // gamma: shape k (scale = mean / k)
};

struct PopulationParams {
    std::uint32_t size = 100000;
    double initial_satisfaction = 0.7;  // [0, 1]
    SpendParams spend;
};

struct Mechanisms {
    ServiceFailure service_failures;
    ComplaintBehaviour complaints;
    ComplaintRecovery recovery;
    RepurchaseIntention repurchase;
    SatisfactionUpdate satisfaction;
    SwitchingHazard switching;
    WordOfMouth word_of_mouth;
};

struct MarketParams {
    PopulationParams population;
    std::vector<FirmParams> firms;  // 2..255 firms
    Mechanisms mechanisms;
};

}  // namespace models
