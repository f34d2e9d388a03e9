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

// X_f: probability of no repurchase after a failure (the seed-000 tree).
inline double no_repurchase_after_failure(const models::MarketParams& p, std::size_t f) {
    const auto& m = p.mechanisms;
    const auto& firm = p.firms[f];
    double x = 0.0;
    for (models::Severity sev : {models::Severity::Minor, models::Severity::Major}) {
        const double p_sev = sev == models::Severity::Major ? firm.service.major_share : 1.0 - firm.service.major_share;
        const double p_complain =
            sev == models::Severity::Major ? m.complaints.probability.major : m.complaints.probability.minor;
        const double unresolved = 1.0 - firm.recovery.quick - firm.recovery.slow;
        x += p_sev * (1 - p_complain) * (1 - m.repurchase.after(models::Outcome::Silent, sev));
        x += p_sev * p_complain * firm.recovery.quick * (1 - m.repurchase.after(models::Outcome::ResolvedQuickly, sev));
        x += p_sev * p_complain * firm.recovery.slow * (1 - m.repurchase.after(models::Outcome::Resolved, sev));
        x += p_sev * p_complain * unresolved * (1 - m.repurchase.after(models::Outcome::Unresolved, sev));
    }
    return x;
}

}  // namespace testing_support
