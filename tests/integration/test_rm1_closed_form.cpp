// RM-1 against its closed form (shared/reference-model.md, "Closed forms it
// must meet"), with word of mouth off, at N = 10^6.
//
// A customer of firm f with satisfaction s switches in a tick with
// probability p = p_fail X_f + (1 - p_fail) h0 (1 - s). Switches are
// independent Bernoulli draws, so the number of switchers of firm f is a sum
// of Bernoullis with mean sum(p_i) and variance sum(p_i (1 - p_i)), computed
// from the start-of-tick state. Each check allows 5 standard deviations: with
// the fixed seed the test is deterministic, and a correct model would fail a
// check with probability below 6e-7.
#include "experiments/config/ExperimentConfig.hpp"
#include "models/market/Market.hpp"

#include "tests/support/Rm1Params.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using models::Outcome;
using models::Severity;

constexpr double kSigmas = 5.0;

using testing_support::no_repurchase_after_failure;

class Rm1ClosedForm : public ::testing::Test {
protected:
    void SetUp() override {
        config_ =
            experiments::load_experiment_config(CRMSIM_SOURCE_DIR "/configs/reference/rm1.yaml",
                                                {"population.size=1000000", "mechanisms.word_of_mouth.enabled=false"});
    }
    experiments::ExperimentConfig config_;
    sim::Network no_network_;  // word of mouth is off: the market never reads the network
};

TEST_F(Rm1ClosedForm, TreeGivesThePublishedNoRepurchaseShares) {
    EXPECT_NEAR(no_repurchase_after_failure(config_.market, 0), 0.55053, 5e-6);
    EXPECT_NEAR(no_repurchase_after_failure(config_.market, 1), 0.60975, 5e-6);
}

TEST_F(Rm1ClosedForm, SwitchingMatchesTheHazardEveryTick) {
    const models::MarketParams& p = config_.market;
    models::Market market(p, no_network_, sim::StreamKey{20261123});
    const double p_fail = p.firms[0].service.failure_rate, h0 = p.mechanisms.switching.drift_hazard;
    const double x[2] = {no_repurchase_after_failure(p, 0), no_repurchase_after_failure(p, 1)};
    // Over all ticks: the deviations from each tick's conditional mean are a
    // martingale, so their variances add and the total is a sharper check.
    double total_switched[2] = {0, 0}, total_mean[2] = {0, 0}, total_variance[2] = {0, 0};
    for (std::uint32_t tick = 0; tick < 8; ++tick) {
        double mean[2] = {0, 0}, variance[2] = {0, 0};
        std::int64_t customers[2] = {0, 0};
        const auto& c = market.customers();
        for (std::uint32_t i = 0; i < c.size(); ++i) {
            const int f = c.firm[i];
            const double pi = p_fail * x[f] + (1 - p_fail) * h0 * (1 - c.satisfaction[i]);
            mean[f] += pi;
            variance[f] += pi * (1 - pi);
            ++customers[f];
        }
        if (tick == 0) {
            // Every s = 0.7: the reference model's expected first-tick shares.
            EXPECT_NEAR(mean[0] / customers[0], 0.060453, 5e-7);
            EXPECT_NEAR(mean[1] / customers[1], 0.066375, 5e-7);
        }
        market.step(tick);
        for (int f = 0; f < 2; ++f) {
            const auto switched = static_cast<double>(market.tally()[f].switched_out);
            EXPECT_NEAR(switched, mean[f], kSigmas * std::sqrt(variance[f])) << "firm " << f << ", tick " << tick;
            total_switched[f] += switched;
            total_mean[f] += mean[f];
            total_variance[f] += variance[f];
        }
    }
    for (int f = 0; f < 2; ++f)
        EXPECT_NEAR(total_switched[f], total_mean[f], kSigmas * std::sqrt(total_variance[f])) << "firm " << f;
}

// The steps of the tree: failures ~ Binomial(n, p_fail); complaints given
// failures; quick / slow / unresolved given complaints. Each count is a
// binomial given the one before it; 5 sd again.
TEST_F(Rm1ClosedForm, FailureComplaintAndOutcomeCountsFollowTheTree) {
    const models::MarketParams& p = config_.market;
    models::Market market(p, no_network_, sim::StreamKey{7});
    std::int64_t start[2] = {0, 0};
    double spend[2] = {0, 0};
    for (std::uint32_t i = 0; i < market.customers().size(); ++i) {
        ++start[market.customers().firm[i]];
        spend[market.customers().firm[i]] += market.customers().spend[i];
    }
    market.step(0);
    auto expect_binomial = [](std::int64_t count, std::int64_t n, double prob, const char* what) {
        const double sd = std::sqrt(n * prob * (1 - prob));
        EXPECT_NEAR(static_cast<double>(count), n * prob, kSigmas * sd) << what;
    };
    for (int f = 0; f < 2; ++f) {
        const auto& t = market.tally()[f];
        const auto& firm = p.firms[f];
        expect_binomial(t.failures, start[f], firm.service.failure_rate, "failures");
        expect_binomial(t.major_failures, t.failures, firm.service.major_share, "major failures");
        const double p_complain = firm.service.major_share * 0.5 + (1 - firm.service.major_share) * 0.3;
        expect_binomial(t.complaints, t.failures, p_complain, "complaints");
        expect_binomial(t.outcomes[models::index(Outcome::ResolvedQuickly)], t.complaints, firm.recovery.quick,
                        "quick");
        expect_binomial(t.outcomes[models::index(Outcome::Resolved)], t.complaints, firm.recovery.slow, "resolved");
        // Revenue is the spend of the firm's start-of-tick customers (summed in another order here).
        EXPECT_NEAR(t.revenue, spend[f], 1e-9 * spend[f]);
    }
}

}  // namespace
