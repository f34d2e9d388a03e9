#pragma once
// RM-1's parameters (shared/reference-model.md) built in code, for tests
// that drive the model directly. The model's defaults are RM-1's values; only
// firm 1's quick-resolution rate differs from the defaults.
#include "models/market/MarketParams.hpp"

namespace testing_support {

inline models::MarketParams rm1_params(std::uint32_t customers) {
    models::MarketParams p;
    p.population.size = customers;
    models::FirmParams firm0, firm1;
    firm0.name = "firm0";
    firm1.name = "firm1";
    firm1.recovery.quick = 0.20;
    p.firms = {firm0, firm1};
    return p;
}

}  // namespace testing_support
