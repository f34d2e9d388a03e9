// The firm's complaint handling (issue 4): channel ease, resolution
// capacity, case costs and compensation, each against the same market
// without it, with common random numbers (the same stream key), so a
// difference is the strategy's effect and not sampling noise.
#include "models/market/Market.hpp"

#include "tests/support/Rm1Params.hpp"

#include <gtest/gtest.h>

namespace {

using models::Outcome;

constexpr std::uint32_t kCustomers = 100000;

// RM-1 without word of mouth (no network needed), one tick or several.
struct MarketRun {
    explicit MarketRun(const models::MarketParams& p) : market(p, network, sim::StreamKey{31}) {}
    const std::vector<models::FirmTally>& step(std::uint32_t tick) {
        market.step(tick);
        return market.tally();
    }
    sim::Network network;
    models::Market market;
};

models::MarketParams market() {
    models::MarketParams p = testing_support::rm1_params(kCustomers);
    p.mechanisms.word_of_mouth.enabled = false;
    return p;
}

std::int64_t quick(const models::FirmTally& t) {
    return t.outcomes[models::index(Outcome::ResolvedQuickly)];
}
std::int64_t slow(const models::FirmTally& t) {
    return t.outcomes[models::index(Outcome::Resolved)];
}

TEST(ComplaintHandling, CapacityCapsQuickResolutionsAndTheRestWait) {
    models::MarketParams limited = market();
    limited.firms[0].recovery.capacity = 300;  // about 1,700 complaints a tick would be quick otherwise
    MarketRun with(limited), without(market());
    for (std::uint32_t tick = 0; tick < 5; ++tick) {
        const auto& a = with.step(tick);
        const auto& b = without.step(tick);
        EXPECT_EQ(quick(a[0]), 300) << "tick " << tick;
        EXPECT_GT(quick(b[0]), 300) << "tick " << tick;
        if (tick == 0) {  // the same complaints: the quick ones beyond capacity became slow
            EXPECT_EQ(a[0].complaints, b[0].complaints);
            EXPECT_EQ(quick(a[0]) + slow(a[0]), quick(b[0]) + slow(b[0]));
            EXPECT_GT(a[0].switched_out, b[0].switched_out);  // slow recovery loses more customers
        }
        // Firm 1 has no limit: the same as without the strategy.
        if (tick == 0) {
            EXPECT_EQ(quick(a[1]), quick(b[1]));
        }
    }
}

TEST(ComplaintHandling, CapacityNeverReachedChangesNothing) {
    models::MarketParams ample = market();
    ample.firms[0].recovery.capacity = kCustomers;  // configured, never binding
    MarketRun with(ample), without(market());
    for (std::uint32_t tick = 0; tick < 5; ++tick) {
        const auto& a = with.step(tick);
        const auto& b = without.step(tick);
        for (std::size_t f = 0; f < 2; ++f) {
            EXPECT_EQ(a[f].customers, b[f].customers);
            EXPECT_EQ(a[f].outcomes, b[f].outcomes);
            EXPECT_EQ(a[f].recovery_cost, b[f].recovery_cost);
            EXPECT_EQ(a[f].satisfaction_sum, b[f].satisfaction_sum);
        }
    }
}

TEST(ComplaintHandling, EasierChannelsBringMoreComplaints) {
    models::MarketParams easy = market();
    easy.firms[0].recovery.channel_ease = 1.8;  // minor 0.3 -> 0.54, major 0.5 -> 0.9
    MarketRun with(easy), without(market());
    const auto& a = with.step(0);
    const auto& b = without.step(0);
    EXPECT_EQ(a[0].failures, b[0].failures);
    EXPECT_GT(a[0].complaints, b[0].complaints * 17 / 10);
    EXPECT_LT(a[0].outcomes[models::index(Outcome::Silent)], b[0].outcomes[models::index(Outcome::Silent)]);
    EXPECT_GT(a[0].customers, b[0].customers);  // complainers are recovered, silent ones leave
    EXPECT_EQ(a[1].complaints, b[1].complaints);
}

TEST(ComplaintHandling, CostsLandInRecoveryAndCompensationKeepsCustomers) {
    models::MarketParams generous = market();
    auto& r = generous.firms[0].recovery;
    r.cost_per_case = 3.0;
    r.compensation = 15.0;
    r.compensation_lift = 0.5;
    MarketRun with(generous), without(market());
    const auto& a = with.step(0);
    const auto& b = without.step(0);
    ASSERT_EQ(a[0].complaints, b[0].complaints);
    const std::int64_t resolved = quick(a[0]) + slow(a[0]);
    EXPECT_DOUBLE_EQ(a[0].compensation_cost, 15.0 * resolved);
    EXPECT_NEAR(a[0].recovery_cost, b[0].recovery_cost + 3.0 * a[0].complaints + 15.0 * resolved, 1e-6);
    EXPECT_EQ(a[1].compensation_cost, 0.0);
    EXPECT_LT(a[0].switched_out, b[0].switched_out);
    EXPECT_EQ(a[0].revenue, b[0].revenue);
}

}  // namespace
