#pragma once
// A firm's accounts for one tick (DESIGN 1.11): revenue, cost by category,
// profit, and customer lifetime value and equity. Revenue minus every cost,
// the cost of sales included, is the profit.
#include "models/market/FirmTally.hpp"

#include <limits>

namespace models {

struct FirmAccounts {
    double cost_of_sales;  // revenue - margin * revenue
    double other_costs;    // every COST of FirmMetrics.hpp: recovery, service, programme, offers, ...
    double profit;         // margin * revenue - other_costs
    double churn;          // share of the tick's starting customers who left the firm (switched_out / start)
    double retention;      // 1 - churn: share of the tick's starting customers still with the firm
    double clv;            // m r / (1 + i - r), m: profit per starting customer (Gupta & Lehmann)
    // The expected discounted profit of the customers after the tick: each
    // pays m in the next tick (discounted by one tick) and in every later one
    // they stay for (probability r each tick), so is worth
    //   sum_{k >= 1} m r^(k-1) / (1 + i)^k = m / (1 + i - r) = clv / r.
    // (Gupta & Lehmann's clv counts a customer's margins from the first
    // retention onwards, so clv * customers undercounts them by the factor r.)
    double equity;
};

inline FirmAccounts account(const FirmTally& t, double margin, double discount_rate) {
    FirmAccounts a{};
    a.cost_of_sales = t.revenue - margin * t.revenue;
    // Every COST of FirmMetrics.hpp, in its order (recovery first): RM-1's
    // profit (other costs all 0) is margin * revenue - recovery_cost exactly,
    // and a cost that is 0 changes no sum.
    a.other_costs = 0.0;
#define CRMSIM_METRIC_ADD_COST(field, ...) a.other_costs += t.field;
    CRMSIM_FIRM_METRICS(CRMSIM_METRIC_NONE, CRMSIM_METRIC_NONE, CRMSIM_METRIC_ADD_COST, CRMSIM_METRIC_NONE,
                        CRMSIM_METRIC_NONE, CRMSIM_METRIC_NONE, CRMSIM_METRIC_NONE, CRMSIM_METRIC_NONE,
                        CRMSIM_METRIC_NONE, CRMSIM_METRIC_NONE)
#undef CRMSIM_METRIC_ADD_COST
    a.profit = margin * t.revenue - a.other_costs;
    const std::int64_t joined = t.switched_in + t.acquired_marketing + t.acquired_word_of_mouth + t.won_back;
    const std::int64_t start = t.customers - joined + t.switched_out;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    a.churn = start > 0 ? static_cast<double>(t.switched_out) / static_cast<double>(start) : nan;
    a.retention = 1.0 - a.churn;
    const double per_customer = start > 0 ? a.profit / static_cast<double>(start) : nan;
    a.clv = per_customer * a.retention / (1.0 + discount_rate - a.retention);
    a.equity = per_customer / (1.0 + discount_rate - a.retention) * static_cast<double>(t.customers);
    return a;
}

}  // namespace models
