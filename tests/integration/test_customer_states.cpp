// Where a firm's customers stand after each tick (issue 21, item 6): active,
// dormant and lapsed counted apart, and the tick's churn and retention rates
// (docs/metrics.md, "Customer states and rates"). Each is checked against an
// independent count: the customers' own columns (firm, status, last_firm)
// before and after the tick, recounted here, against the row the market
// emits for the tick.
#include "models/market/Market.hpp"
#include "sim/parallel/Threads.hpp"

#include "tests/support/Rm1Params.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace {

using models::CustomerStatus;
using models::kNoFirm;

// The cells of firm f's row of the last tick, by column name.
struct Row {
    std::vector<sim::ColumnSpec> columns = models::firm_tick_columns();
    std::vector<std::vector<sim::Cell>> rows;
    Row(const models::Market& m, std::uint32_t tick) {
        m.emit_metrics(tick, [&](std::span<const sim::Cell> r) { rows.emplace_back(r.begin(), r.end()); });
    }
    const sim::Cell& at(std::size_t firm, const std::string& name) const {
        for (std::size_t k = 0; k < columns.size(); ++k)
            if (columns[k].name == name) return rows[firm][k];
        throw std::runtime_error("no column " + name);
    }
};

bool is(const models::CustomerState& c, std::uint32_t i, CustomerStatus s) {
    return c.status[i] == static_cast<std::uint8_t>(s);
}

class CustomerStates : public ::testing::Test {
protected:
    void SetUp() override { sim::set_threads(2); }  // chunks summed across threads, as in a run
    void TearDown() override { sim::set_threads(threads_); }

private:
    int threads_ = sim::max_threads();
};

// A market where every state is reached: BG/NBD dropout (dormant), leavers
// who leave the market (lapsed), lapsed people who come back by adoption or
// win-back, and a firm that ends relationships (terminated).
models::MarketParams market_with_every_state() {
    models::MarketParams p = testing_support::rm1_params(40000);
    p.mechanisms.word_of_mouth.enabled = false;
    p.metrics.concentration_every = 0;
    auto& purchases = p.mechanisms.purchases;
    purchases.process = models::PurchaseProcess::BgNbd;
    purchases.rate = {sim::DistributionKind::Constant, 1.0};
    purchases.dropout = {sim::DistributionKind::Constant, 0.02};
    p.mechanisms.switching.leave_market_share = 0.5;
    p.mechanisms.acquisition.enabled = true;
    p.mechanisms.acquisition.influence = models::Influence::Mixed;
    p.mechanisms.acquisition.external = 0.05;
    p.mechanisms.acquisition.internal = 0.0;
    auto& w = p.firms[0].strategies.win_back;
    w.enabled = true;
    w.window = 4;
    w.success = 0.2;
    auto& end = p.firms[1].strategies.termination;
    end.enabled = true;
    end.min_profit = 5.0;  // ends customers whose average profit per tick is below this
    end.window = 4;
    return p;
}

TEST_F(CustomerStates, ActiveDormantLapsedAndChurnAreTheCustomersOwnCounts) {
    const models::MarketParams p = market_with_every_state();
    sim::Network network;
    models::Market market(p, network, sim::StreamKey{77});
    const models::CustomerState& c = market.customers();
    const std::size_t firms = p.firms.size();
    std::int64_t dormant_seen = 0, lapsed_seen = 0, returns_seen = 0, terminated_seen = 0;
    for (std::uint32_t tick = 0; tick < 30; ++tick) {
        std::vector<std::uint8_t> before(c.firm.span().begin(), c.firm.span().end());
        std::vector<std::uint8_t> status_before(c.status.span().begin(), c.status.span().end());
        market.step(tick);
        const Row row(market, tick);
        for (std::size_t f = 0; f < firms; ++f) {
            std::int64_t active = 0, dormant = 0, lapsed = 0, start = 0, left = 0, went_dormant = 0;
            for (std::uint32_t i = 0; i < c.size(); ++i) {
                if (c.firm[i] == f) {
                    active += is(c, i, CustomerStatus::Active);
                    dormant += is(c, i, CustomerStatus::Dormant);
                    went_dormant += is(c, i, CustomerStatus::Dormant) && before[i] == f &&
                                    status_before[i] != static_cast<std::uint8_t>(CustomerStatus::Dormant);
                }
                if (c.firm[i] == kNoFirm && c.last_firm[i] == f &&
                    (is(c, i, CustomerStatus::Lapsed) || is(c, i, CustomerStatus::Terminated)))
                    ++lapsed;
                if (before[i] == f) {
                    ++start;
                    left += c.firm[i] != f;
                }
                if (f == 0 && before[i] == kNoFirm && c.firm[i] != kNoFirm &&
                    status_before[i] == static_cast<std::uint8_t>(CustomerStatus::Lapsed))
                    ++returns_seen;
            }
            const std::string at = "tick " + std::to_string(tick) + ", firm " + std::to_string(f);
            EXPECT_EQ(row.at(f, "active").i, active) << at;
            EXPECT_EQ(row.at(f, "dormant").i, dormant) << at;
            EXPECT_EQ(row.at(f, "customers").i, active + dormant) << at;
            EXPECT_EQ(row.at(f, "became_dormant").i, went_dormant) << at;
            EXPECT_EQ(row.at(f, "lapsed_from_firm").i, lapsed) << at;
            ASSERT_GT(start, 0) << at;
            // The same division the model makes: bit for bit.
            const double churn = static_cast<double>(left) / static_cast<double>(start);
            EXPECT_EQ(row.at(f, "churn_rate").f, churn) << at;
            EXPECT_EQ(row.at(f, "retention").f, 1.0 - churn) << at;
            dormant_seen += dormant;
            lapsed_seen += lapsed;
        }
        for (std::uint32_t i = 0; i < c.size(); ++i) terminated_seen += is(c, i, CustomerStatus::Terminated);
    }
    // Every state was reached, so the counts above were tested on real flows.
    EXPECT_GT(dormant_seen, 1000);
    EXPECT_GT(lapsed_seen, 1000);
    EXPECT_GT(returns_seen, 100);
    EXPECT_GT(terminated_seen, 100);
}

}  // namespace
