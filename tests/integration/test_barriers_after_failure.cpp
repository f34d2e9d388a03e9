// Loyalty programmes and switching barriers act on leaving after a failure
// too (issue 21, item 6; mechanisms.switching.barrier_after_failure, k): a
// customer leaves after a failure with (1 - R) * barrier^k. With no drift
// and RM-1's recovery, a firm's leavers after a failure are then a share
// X_f * barrier^k of its failures (X_f: the TARP tree's no-repurchase share,
// reference-model.md), binomial, checked within 5 standard errors
// sqrt(p (1 - p) / failures). Bookkeeping: churn_after_failure is the
// customers recounted here who met a failure (outcome) and changed firm.
#include "models/market/Market.hpp"
#include "sim/parallel/Threads.hpp"

#include "tests/support/Rm1Params.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace {

constexpr double kSigmas = 5.0;
constexpr std::uint32_t kTicks = 10;

class BarriersAfterFailure : public ::testing::Test {
protected:
    void SetUp() override { sim::set_threads(2); }
    void TearDown() override { sim::set_threads(threads_); }

private:
    int threads_ = sim::max_threads();
};

// Firm 0: a membership programme for everyone (barrier 0.7). Firm 1: a
// switching barrier of ln 2 (factor exp(-ln 2) = 0.5). No drift, no word of
// mouth: every leaver left after a failure.
models::MarketParams barriers(double k) {
    models::MarketParams p = testing_support::rm1_params(100000);
    p.mechanisms.word_of_mouth.enabled = false;
    p.metrics.concentration_every = 0;
    p.mechanisms.switching.drift_hazard = 0.0;
    p.mechanisms.switching.barrier_after_failure = k;
    p.firms[0].strategies.loyalty.enabled = true;
    p.firms[1].switching_barrier = std::log(2.0);
    return p;
}

struct Churn {
    std::array<double, 2> failures{}, after_failure{};
};

Churn run(const models::MarketParams& p) {
    models::Market market(p, sim::Network{}, sim::StreamKey{13});
    const models::CustomerState& c = market.customers();
    Churn churn;
    for (std::uint32_t tick = 0; tick < kTicks; ++tick) {
        const std::vector<std::uint8_t> before(c.firm.span().begin(), c.firm.span().end());
        market.step(tick);
        std::array<std::int64_t, 2> left{};
        for (std::uint32_t i = 0; i < c.size(); ++i)
            left[before[i]] +=
                c.outcome[i] != static_cast<std::uint8_t>(models::Outcome::NoFailure) && c.firm[i] != before[i];
        for (std::size_t f = 0; f < 2; ++f) {
            const models::FirmTally& t = market.tally()[f];
            const std::string at = "tick " + std::to_string(tick) + ", firm " + std::to_string(f);
            EXPECT_EQ(t.churn[models::churn_index(models::ChurnReason::AfterFailure)], left[f]) << at;
            EXPECT_EQ(t.switched_out, left[f]) << at;  // no drift: nobody else leaves
            churn.failures[f] += static_cast<double>(t.failures);
            churn.after_failure[f] += static_cast<double>(left[f]);
        }
    }
    return churn;
}

void expect_share(const Churn& churn, std::size_t f, double p, const std::string& what) {
    const double n = churn.failures[f];
    ASSERT_GT(n, 20000) << what;
    EXPECT_NEAR(churn.after_failure[f] / n, p, kSigmas * std::sqrt(p * (1 - p) / n)) << what;
}

TEST_F(BarriersAfterFailure, BarriersScaleLeavingAfterAFailure) {
    const models::MarketParams whole = barriers(1.0);  // the default
    const double x0 = testing_support::no_repurchase_after_failure(whole, 0);
    const double x1 = testing_support::no_repurchase_after_failure(whole, 1);
    const Churn k1 = run(whole);
    expect_share(k1, 0, x0 * 0.7, "k = 1, programme");
    expect_share(k1, 1, x1 * 0.5, "k = 1, firm barrier");
    const Churn half = run(barriers(0.5));
    expect_share(half, 0, x0 * std::sqrt(0.7), "k = 0.5, programme");
    expect_share(half, 1, x1 * std::sqrt(0.5), "k = 0.5, firm barrier");
    const Churn k0 = run(barriers(0.0));  // barriers on drift alone: the model before
    expect_share(k0, 0, x0, "k = 0, programme");
    expect_share(k0, 1, x1, "k = 0, firm barrier");
}

TEST_F(BarriersAfterFailure, DefaultLetsTheBarrierActAsOnDrift) {
    EXPECT_EQ(models::SwitchingHazard{}.barrier_after_failure, 1.0);
}

}  // namespace
