// The customer lifecycle model against closed forms (issue 3's validation
// list), driving the market directly with only the mechanism under test on.
//
// Tolerances: every check allows 5 standard deviations of the sampling error
// of what it compares, derived per check below. With the fixed seeds the
// tests are deterministic; a correct model would fail a single check with
// probability below 6e-7.
#include "models/market/Market.hpp"
#include "sim/parallel/Threads.hpp"

#include <Eigen/Dense>
// hypergeometric_pFq.hpp uses lgamma and expm1 without including them (Boost 1.74).
#include <gtest/gtest.h>
#include <boost/math/special_functions/expm1.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/hypergeometric_pFq.hpp>

#include <cmath>
#include <functional>

namespace {

using models::CustomerStatus;
using models::Outcome;
using models::Severity;
using models::Stage;

constexpr double kSigmas = 5.0;

// Two identical firms, every mechanism that moves customers off: no
// failures, no drift, no word of mouth, constant spend.
models::MarketParams quiet_market(std::uint32_t people) {
    models::MarketParams p;
    p.population.size = people;
    p.population.spend = {sim::DistributionKind::Constant, 10.0};
    models::FirmParams a, b;
    a.name = "a";
    b.name = "b";
    p.firms = {a, b};
    p.mechanisms.service_failures.enabled = false;
    p.mechanisms.word_of_mouth.enabled = false;
    p.mechanisms.switching.drift_hazard = 0.0;
    p.mechanisms.satisfaction.good_service_gain = 0.0;
    p.metrics.concentration_every = 0;
    return p;
}

// One thread: these are statistical checks, and the results do not depend on
// the thread count (tests/integration/test_determinism.cpp); a second thread
// only adds barrier waits to thousands of small ticks when ctest runs tests
// side by side.
class LifecycleClosedForms : public ::testing::Test {
protected:
    void SetUp() override { sim::set_threads(1); }
    void TearDown() override { sim::set_threads(threads_); }

private:
    int threads_ = sim::max_threads();
};

sim::StreamKey key(std::uint64_t seed) {
    return sim::StreamKey{seed};
}

// 1. The ladder with every condition met is a birth-death Markov chain over
// customer, client, advocate, partner; stage shares follow pi_0 P^t.
TEST_F(LifecycleClosedForms, LadderStageSharesFollowTheMarkovChain) {
    constexpr std::uint32_t kPeople = 200000;
    models::MarketParams p = quiet_market(kPeople);
    auto& ladder = p.mechanisms.ladder;
    ladder.enabled = true;
    ladder.client_purchases = 0;
    ladder.advocate_satisfaction = ladder.partner_satisfaction = 0.0;
    ladder.advocate_tenure = ladder.partner_tenure = 0;
    ladder.demote_below = 1.0;  // satisfaction stays 0.7: demotion always possible
    ladder.promote = {0.30, 0.20, 0.10};
    ladder.demote = {0.10, 0.15, 0.20};

    Eigen::Matrix4d P = Eigen::Matrix4d::Zero();  // rows: from customer, client, advocate, partner
    for (int s = 0; s < 4; ++s) {
        const double up = s < 3 ? ladder.promote[s] : 0.0;
        const double down = s > 0 ? ladder.demote[s - 1] : 0.0;
        if (s < 3) P(s, s + 1) = up;
        if (s > 0) P(s, s - 1) = down;
        P(s, s) = 1.0 - up - down;
    }
    Eigen::RowVector4d share(1.0, 0.0, 0.0, 0.0);

    sim::Network none;
    models::Market market(p, none, key(11));
    for (std::uint32_t tick = 0; tick < 25; ++tick) {
        market.step(tick);
        share = share * P;
        for (int s = 0; s < 4; ++s) {
            std::int64_t count = 0;
            for (const auto& firm : market.tally()) count += firm.stages[static_cast<std::size_t>(s) + 1];
            // Customers move independently: the count is binomial(N, share).
            const double sd = std::sqrt(kPeople * share[s] * (1.0 - share[s]));
            EXPECT_NEAR(static_cast<double>(count), kPeople * share[s], kSigmas * sd + 1e-9)
                << "tick " << tick << ", stage " << models::kStageNames[static_cast<std::size_t>(s) + 1];
        }
    }
}

// 2. Acquisition in a fully mixed population with no churn is the Bass model.
// Two-day ticks (dt = 1/182.5 year) of p = 0.05, q = 0.5 per year over eight
// years, with h = (p + q F) dt read either way (Acquisition::probability):
//   hazard: F' = F + (1 - F)(1 - exp(-h)), within 7.6e-4 of the closed form
//           F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t});
//   linear: F' = F + (1 - F) h, the textbook discrete Bass recursion, within
//           1.6e-3 of it at this tick length;
// both well inside the tolerance (about 0.01 at the curve's middle). Each
// reading is checked against its own recursion.
void expect_bass_curve(models::AdoptionProbability reading, double worst_allowed) {
    constexpr std::uint32_t kPeople = 20000;
    constexpr double kP = 0.05, kQ = 0.5, kDt = 1.0 / 182.5;
    constexpr std::uint32_t kTicks = 1460;
    models::MarketParams p = quiet_market(kPeople);
    p.population.initial_prospects = 1.0;
    auto& a = p.mechanisms.acquisition;
    a.enabled = true;
    a.influence = models::Influence::Mixed;
    a.external = kP * kDt;
    a.internal = kQ * kDt;
    a.probability = reading;
    const bool linear = reading == models::AdoptionProbability::Linear;

    sim::Network none;
    models::Market market(p, none, key(12));
    double discrete = 0.0;
    // Linear-noise approximation of the sampling variance of the adopted
    // share: each tick adds binomial noise and propagates the old through
    // the recursion's slope dF'/dF.
    double variance = 0.0;
    double worst_discretisation = 0.0;
    std::int64_t marketing = 0;
    double expected_marketing = 0.0;
    for (std::uint32_t tick = 0; tick < kTicks; ++tick) {
        market.step(tick);
        const double h = a.external + a.internal * discrete;
        const double adopt = linear ? h : -std::expm1(-h);
        const double slope =
            linear ? 1.0 - h + a.internal * (1.0 - discrete) : std::exp(-h) * (1.0 + a.internal * (1.0 - discrete));
        expected_marketing += kPeople * (1.0 - discrete) * adopt * (a.external / h);
        variance = variance * slope * slope + (1.0 - discrete) * adopt * (1.0 - adopt) / kPeople;
        discrete += (1.0 - discrete) * adopt;

        const double t = (tick + 1) * kDt;
        const double e = std::exp(-(kP + kQ) * t);
        const double bass = (1.0 - e) / (1.0 + (kQ / kP) * e);
        worst_discretisation = std::max(worst_discretisation, std::fabs(discrete - bass));

        std::int64_t adopters = 0;
        for (const auto& firm : market.tally()) {
            adopters += firm.customers;
            marketing += firm.acquired_marketing;
        }
        const double simulated = static_cast<double>(adopters) / kPeople;
        const double tolerance = kSigmas * std::sqrt(variance) + 1e-9;
        ASSERT_NEAR(simulated, discrete, tolerance) << "tick " << tick << ": the discrete recursion";
        ASSERT_NEAR(simulated, bass, tolerance) << "tick " << tick << ": the Bass closed form";
    }
    EXPECT_LT(worst_discretisation, worst_allowed);
    EXPECT_GT(discrete, 0.85);  // the curve ran well past its inflection point
    // Attribution: adoptions through marketing are a thinned binomial.
    EXPECT_NEAR(static_cast<double>(marketing), expected_marketing, kSigmas * std::sqrt(expected_marketing));
}

TEST_F(LifecycleClosedForms, MixedAcquisitionFollowsTheBassCurve) {
    expect_bass_curve(models::AdoptionProbability::Hazard, 7.6e-4);
}

TEST_F(LifecycleClosedForms, LinearAcquisitionFollowsTheDiscreteBassRecursion) {
    expect_bass_curve(models::AdoptionProbability::Linear, 1.6e-3);
}

// The two readings differ where h is large: with yearly ticks (p = 0.05,
// q = 0.5 per tick) the linear recursion is the textbook table, and the
// hazard reading adopts 1 - exp(-h) < h. Each follows its own recursion
// within 5 sd of its binomial noise, and they part by far more.
TEST_F(LifecycleClosedForms, YearlyTicksSeparateTheTwoReadingsOfBass) {
    constexpr std::uint32_t kPeople = 200000;
    std::array<double, 2> after_four{};
    for (const auto reading : {models::AdoptionProbability::Hazard, models::AdoptionProbability::Linear}) {
        models::MarketParams p = quiet_market(kPeople);
        p.population.initial_prospects = 1.0;
        auto& a = p.mechanisms.acquisition;
        a.enabled = true;
        a.influence = models::Influence::Mixed;
        a.external = 0.05;
        a.internal = 0.5;
        a.probability = reading;
        const bool linear = reading == models::AdoptionProbability::Linear;
        sim::Network none;
        models::Market market(p, none, key(13));
        double previous = 0.0;
        for (std::uint32_t tick = 0; tick < 4; ++tick) {
            market.step(tick);
            const double h = a.external + a.internal * previous;
            const double adopt = linear ? h : -std::expm1(-h);
            const double expected = previous + (1.0 - previous) * adopt;  // given the realised previous share
            std::int64_t adopters = 0;
            for (const auto& firm : market.tally()) adopters += firm.customers;
            const double share = static_cast<double>(adopters) / kPeople;
            EXPECT_NEAR(share, expected, kSigmas * std::sqrt((1.0 - previous) * adopt * (1.0 - adopt) / kPeople))
                << (linear ? "linear" : "hazard") << ", tick " << tick;
            previous = share;
        }
        after_four[linear] = previous;
    }
    EXPECT_GT(after_four[1] - after_four[0], 0.02);
}

// E[X(t)] of the BG/NBD model (Fader, Hardie & Lee 2005, eq. 9).
double bg_nbd_expected(double r, double alpha, double a, double b, double t) {
    const double z = t / (alpha + t);
    const double f = boost::math::hypergeometric_pFq({r, b}, {a + b - 1.0}, z);
    return (a + b - 1.0) / (a - 1.0) * (1.0 - std::pow(alpha / (alpha + t), r) * f);
}

// E[X(t)] of the Pareto/NBD model (Schmittlein, Morrison & Colombo 1987).
double pareto_nbd_expected(double r, double alpha, double s, double beta, double t) {
    return r * beta / (alpha * (s - 1.0)) * (1.0 - std::pow(beta / (beta + t), s - 1.0));
}

// Mean repeat purchases per customer after each weekly tick against a closed
// form; the tolerance is 5 standard errors of the mean, from the simulated
// customers' own spread.
void expect_purchases_follow(models::MarketParams p, const std::function<double(double)>& expected, int weeks) {
    sim::Network none;
    models::Market market(p, none, key(13));
    const auto& c = market.customers();
    for (int week = 1; week <= weeks; ++week) {
        market.step(static_cast<std::uint32_t>(week - 1));
        double sum = 0.0, sum_sq = 0.0;
        for (std::uint32_t i = 0; i < c.size(); ++i) {
            sum += c.purchases[i];
            sum_sq += static_cast<double>(c.purchases[i]) * c.purchases[i];
        }
        const double n = c.size();
        const double mean = sum / n;
        const double se = std::sqrt((sum_sq / n - mean * mean) / n);
        EXPECT_NEAR(mean, expected(week), kSigmas * se) << "week " << week;
    }
}

// 3. The BG/NBD purchase process, with the CDNOW estimates of Fader, Hardie
// & Lee (2005): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426 (weeks).
TEST_F(LifecycleClosedForms, BgNbdRepeatPurchasesMatchTheClosedForm) {
    constexpr double r = 0.243, alpha = 4.414, a = 0.793, b = 2.426;
    models::MarketParams p = quiet_market(200000);
    auto& purchases = p.mechanisms.purchases;
    purchases.process = models::PurchaseProcess::BgNbd;
    purchases.rate = {sim::DistributionKind::Gamma, r / alpha, 1.0, r};
    purchases.dropout = {sim::DistributionKind::Beta, a / (a + b), 1.0, a + b};
    // The published model's 39-week calibration period, and a year.
    // Guards the formula itself: 1.19672 was computed separately by summing the series of 2F1.
    EXPECT_NEAR(bg_nbd_expected(r, alpha, a, b, 39.0), 1.19672, 1e-5);
    expect_purchases_follow(
        p, [&](double t) { return bg_nbd_expected(r, alpha, a, b, t); }, 52);
}

// ... and the Pareto/NBD process, with the CDNOW estimates of Fader, Hardie
// & Lee (2005): r = 0.55, alpha = 10.58, s = 0.61, beta = 11.67 (weeks).
TEST_F(LifecycleClosedForms, ParetoNbdRepeatPurchasesMatchTheClosedForm) {
    constexpr double r = 0.55, alpha = 10.58, s = 0.61, beta = 11.67;
    models::MarketParams p = quiet_market(200000);
    auto& purchases = p.mechanisms.purchases;
    purchases.process = models::PurchaseProcess::ParetoNbd;
    purchases.rate = {sim::DistributionKind::Gamma, r / alpha, 1.0, r};
    purchases.dropout = {sim::DistributionKind::Gamma, s / beta, 1.0, s};
    expect_purchases_follow(
        p, [&](double t) { return pareto_nbd_expected(r, alpha, s, beta, t); }, 52);
}

// 4. Constant retention r and margin m: the discounted value per customer
// is m r / (1 + i - r) (Gupta & Lehmann). Revenue of tick t >= 1 comes from
// those retained t times; leavers leave the market for good.
TEST_F(LifecycleClosedForms, DiscountedValueMatchesTheRetentionFormula) {
    constexpr std::uint32_t kPeople = 100000;
    constexpr double kRetention = 0.8, kDiscount = 0.01;
    models::MarketParams p = quiet_market(kPeople);
    p.population.initial_satisfaction = 0.0;  // drift hazard (1 - s) h0 = h0
    p.mechanisms.switching.drift_hazard = 1.0 - kRetention;
    p.mechanisms.switching.leave_market_share = 1.0;
    const double m = p.firms[0].margin * p.population.spend.mean;

    sim::Network none;
    models::Market market(p, none, key(14));
    double value = 0.0;
    for (std::uint32_t tick = 0; tick < 120; ++tick) {
        market.step(tick);
        double revenue = 0.0;
        for (const auto& firm : market.tally()) revenue += firm.revenue;
        if (tick >= 1) value += m / p.population.spend.mean * revenue / kPeople / std::pow(1.0 + kDiscount, tick);
    }
    const double expected = m * kRetention / (1.0 + kDiscount - kRetention);
    // A customer's value is m * sum_{t=1}^{L} d^t = m d (1 - d^L) / (1 - d),
    // d = 1 / (1 + i), with L ~ Geometric: P(L = l) = (1 - r) r^l, whose
    // generating function is E[x^L] = (1 - r) / (1 - r x).
    const double d = 1.0 / (1.0 + kDiscount);
    const auto pgf = [&](double x) { return (1.0 - kRetention) / (1.0 - kRetention * x); };
    const double var_dl = pgf(d * d) - pgf(d) * pgf(d);
    const double sd = m * d / (1.0 - d) * std::sqrt(var_dl);
    EXPECT_NEAR(value, expected, kSigmas * sd / std::sqrt(kPeople));
    EXPECT_NEAR(expected, 11.4286, 1e-4);
}

// The TARP tree's branch of group g for firm f: P(g | a failure at f) and
// R_g, the share who buy again (seed 000; DESIGN, "The TARP tree").
struct TarpBranch {
    double probability;
    double repurchase;
};
TarpBranch tarp_branch(const models::MarketParams& p, std::size_t f, std::size_t g) {
    const auto& m = p.mechanisms;
    const auto& firm = p.firms[f];
    const Severity sev = models::tarp_severity(g);
    const Outcome out = models::tarp_outcome(g);
    const double p_sev = sev == Severity::Major ? firm.service.major_share : 1.0 - firm.service.major_share;
    const double p_complain = sev == Severity::Major ? m.complaints.probability.major : m.complaints.probability.minor;
    const double p_out = out == Outcome::Silent            ? 1.0 - p_complain
                         : out == Outcome::ResolvedQuickly ? p_complain * firm.recovery.quick
                         : out == Outcome::Resolved        ? p_complain * firm.recovery.slow
                                                    : p_complain * (1.0 - firm.recovery.quick - firm.recovery.slow);
    return {p_sev * p_out, m.repurchase.after(out, sev)};
}

// X_f = sum_g P(g | f) (1 - R_g): the share of a failure's customers who do not buy again.
double no_repurchase_share(const models::MarketParams& p, std::size_t f) {
    double x = 0.0;
    for (std::size_t g = 0; g < models::kTarpGroups; ++g) {
        const TarpBranch b = tarp_branch(p, f, g);
        x += b.probability * (1.0 - b.repurchase);
    }
    return x;
}

// 5. The TARP tree: with only failures, complaints and recovery on, the
// share of customers who met a failure and do not buy again equals the
// weighted sum over the groups, sum_g P(g) (1 - R_g); each group's share
// still with the firm after the one-tick horizon is its R_g.
TEST_F(LifecycleClosedForms, TarpTreeGivesTheNoRepurchaseShare) {
    constexpr std::uint32_t kPeople = 500000;
    models::MarketParams p = quiet_market(kPeople);
    p.mechanisms.service_failures.enabled = true;
    p.firms[1].recovery.quick = 0.20;
    p.mechanisms.tarp.horizon = 1;

    sim::Network none;
    models::Market market(p, none, key(15));
    std::vector<std::int64_t> failures(2), left(2);
    for (std::uint32_t tick = 0; tick < 4; ++tick) {
        market.step(tick);
        for (std::size_t f = 0; f < 2; ++f) {
            failures[f] += market.tally()[f].failures;
            left[f] += market.tally()[f].churn[static_cast<std::size_t>(models::ChurnReason::AfterFailure)];
        }
    }
    for (std::size_t f = 0; f < 2; ++f) {
        const models::TarpCounts& tarp = market.tarp()[f];
        const double tree = no_repurchase_share(p, f);  // sum_g P(g) (1 - R_g), from the parameters
        std::int64_t observed = 0, lost = 0;
        for (std::size_t g = 0; g < models::kTarpGroups; ++g) {
            const double repurchase = tarp_branch(p, f, g).repurchase;

            // Each group's share still with the firm is binomial around R_g.
            const double n = static_cast<double>(tarp.customers[g]);
            ASSERT_GT(n, 100.0);
            EXPECT_NEAR(tarp.retained[g] / n, repurchase, kSigmas * std::sqrt(repurchase * (1 - repurchase) / n))
                << "firm " << f << " group " << g;
            observed += tarp.customers[g];
            lost += tarp.customers[g] - tarp.retained[g];
        }
        EXPECT_NEAR(tree, f == 0 ? 0.55053 : 0.60975, 5e-6);  // the reference model's X_f
        // The weighted sum of the group shares is the overall share (all
        // failures were observed: no customer is under observation at the
        // start of a tick with horizon 1)...
        EXPECT_EQ(observed, failures[f]);
        EXPECT_EQ(lost, left[f]);
        // ... and it matches the tree within binomial error.
        const double n = static_cast<double>(failures[f]);
        EXPECT_NEAR(lost / n, tree, kSigmas * std::sqrt(tree * (1 - tree) / n));
    }
}

// 6. The TARP table at longer horizons. With no drift a customer observed
// after a failure in group g is still with the firm H ticks later if they
// bought again after that failure (R_g) and did not leave after any failure
// in the H - 1 ticks that follow (each tick: a failure with probability p_f,
// then leaving with probability X_f): R_g (1 - p_f X_f)^(H - 1). The run
// counts only observations that can complete within its T ticks (opened at
// or before T - H; TarpTracking::counted): counting the leavers of the last
// H - 1 ticks and not their stayers put every cell 7 to 23 % below this.
// Tolerance: 5 binomial standard errors of each cell's share.
TEST_F(LifecycleClosedForms, TarpTableAtLongerHorizonsFollowsTheClosedForm) {
    constexpr std::uint32_t kPeople = 100000, kTicks = 52;
    for (const std::uint32_t horizon : {4u, 13u, 40u}) {
        models::MarketParams p = quiet_market(kPeople);
        p.mechanisms.service_failures.enabled = true;
        p.firms[1].recovery.quick = 0.20;
        p.mechanisms.tarp.horizon = horizon;
        p.mechanisms.tarp.run_ticks = kTicks;

        sim::Network none;
        models::Market market(p, none, key(16));
        for (std::uint32_t tick = 0; tick < kTicks; ++tick) market.step(tick);
        for (std::size_t f = 0; f < 2; ++f) {
            const double stays_a_tick = 1.0 - p.firms[f].service.failure_rate * no_repurchase_share(p, f);
            const models::TarpCounts& tarp = market.tarp()[f];
            for (std::size_t g = 0; g < models::kTarpGroups; ++g) {
                const double expected = tarp_branch(p, f, g).repurchase * std::pow(stays_a_tick, horizon - 1.0);
                const double n = static_cast<double>(tarp.customers[g]);
                ASSERT_GT(n, 100.0) << "horizon " << horizon << " firm " << f << " group " << g;
                EXPECT_NEAR(tarp.retained[g] / n, expected, kSigmas * std::sqrt(expected * (1 - expected) / n))
                    << "horizon " << horizon << " firm " << f << " group " << g;
            }
        }
    }
}

}  // namespace
