// The market's mechanisms one at a time, and the phases of a tick on small
// networks where the outcome is known exactly.
#include "models/market/InitialPopulation.hpp"
#include "models/market/Market.hpp"
#include "sim/network/Generators.hpp"
#include "sim/parallel/Threads.hpp"
#include "tests/support/Rm1Params.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <numeric>

namespace {
using models::Outcome;
using models::Severity;
using testing_support::rm1_params;

// The smallest 32-bit word whose unit value is >= u (so word(p) just fails u < p).
std::uint32_t word(double u) {
    return static_cast<std::uint32_t>(std::min(std::ceil(u * 4294967296.0), 4294967295.0));
}

TEST(ServiceFailure, DrawsFailureAndSeverityFromTheirLanes) {
    const models::ServiceFailure failures;
    const models::ServiceFailureParams firm{0.10, 0.30};
    EXPECT_EQ(failures.draw(firm, word(0.10), word(0.0)), Severity::None);  // u >= p: no failure
    EXPECT_EQ(failures.draw(firm, word(0.09), word(0.29)), Severity::Major);
    EXPECT_EQ(failures.draw(firm, word(0.09), word(0.30)), Severity::Minor);
    models::ServiceFailure off;
    off.enabled = false;
    EXPECT_EQ(off.draw(firm, 0, 0), Severity::None);
}

TEST(ComplaintBehaviour, ProbabilityDependsOnSeverity) {
    const models::ComplaintBehaviour c;  // minor 0.30, major 0.50
    EXPECT_TRUE(c.complains(Severity::Minor, word(0.29)));
    EXPECT_FALSE(c.complains(Severity::Minor, word(0.31)));
    EXPECT_TRUE(c.complains(Severity::Major, word(0.49)));
    EXPECT_FALSE(c.complains(Severity::Major, word(0.51)));
    models::ComplaintBehaviour off;
    off.enabled = false;
    EXPECT_FALSE(off.complains(Severity::Major, 0));
}

TEST(ComplaintRecovery, SplitsQuickSlowUnresolvedAndCharges) {
    const models::ComplaintRecovery r;
    const models::RecoveryParams firm{0.5, 0.3, 20.0, 10.0};
    EXPECT_EQ(r.outcome(firm, word(0.49)), Outcome::ResolvedQuickly);
    EXPECT_EQ(r.outcome(firm, word(0.51)), Outcome::Resolved);
    EXPECT_EQ(r.outcome(firm, word(0.79)), Outcome::Resolved);
    EXPECT_EQ(r.outcome(firm, word(0.81)), Outcome::Unresolved);
    EXPECT_EQ(models::ComplaintRecovery::cost(firm, Outcome::ResolvedQuickly), 20.0);
    EXPECT_EQ(models::ComplaintRecovery::cost(firm, Outcome::Resolved), 10.0);
    EXPECT_EQ(models::ComplaintRecovery::cost(firm, Outcome::Unresolved), 0.0);
}

TEST(RepurchaseIntention, DefaultsAreTheTarp1986Table) {
    const models::RepurchaseIntention r;
    EXPECT_EQ(r.after(Outcome::Silent, Severity::Minor), 0.37);
    EXPECT_EQ(r.after(Outcome::Silent, Severity::Major), 0.09);
    EXPECT_EQ(r.after(Outcome::Unresolved, Severity::Minor), 0.46);
    EXPECT_EQ(r.after(Outcome::Unresolved, Severity::Major), 0.19);
    EXPECT_EQ(r.after(Outcome::Resolved, Severity::Minor), 0.70);
    EXPECT_EQ(r.after(Outcome::Resolved, Severity::Major), 0.54);
    EXPECT_EQ(r.after(Outcome::ResolvedQuickly, Severity::Minor), 0.95);
    EXPECT_EQ(r.after(Outcome::ResolvedQuickly, Severity::Major), 0.82);
}

TEST(SwitchingHazard, DriftFallsWithSatisfactionAndCompetitorIsAnotherFirm) {
    const models::SwitchingHazard h;
    EXPECT_DOUBLE_EQ(h.drift(0.7), 0.02 * 0.3);
    EXPECT_DOUBLE_EQ(h.drift(1.0), 0.0);
    EXPECT_EQ(models::SwitchingHazard::competitor(0, 2, 0), 1);
    EXPECT_EQ(models::SwitchingHazard::competitor(1, 2, 0xFFFFFFFFu), 0);
    // Three firms: the two others, each for half of the draw range.
    std::array<int, 3> hits{};
    for (std::uint32_t k = 0; k < 1000; ++k) ++hits[models::SwitchingHazard::competitor(1, 3, word(k / 1000.0))];
    EXPECT_EQ(hits[1], 0);
    EXPECT_EQ(hits[0], 500);
    EXPECT_EQ(hits[2], 500);
}

TEST(InitialPopulation, SharesSatisfactionAndTheParetoSpread) {
    // At N = 200000 the share of firm 0 (p = 0.3) has sd sqrt(.3*.7/N) = 0.001; 5 sd tolerance.
    auto p = rm1_params(200000);
    p.firms[0].initial_share = 0.3;
    p.firms[1].initial_share = 0.7;
    models::CustomerState c(p.population.size);
    models::initialise_customers(p, sim::CounterStream({11}), c);
    const auto firm0 = std::count(c.firm.data(), c.firm.data() + c.size(), 0);
    EXPECT_NEAR(static_cast<double>(firm0) / c.size(), 0.3, 0.005);
    EXPECT_TRUE(
        std::all_of(c.satisfaction.data(), c.satisfaction.data() + c.size(), [](double s) { return s == 0.7; }));
    // LogNormal(sigma = 1.7): the top 20 % hold Phi(sigma - z_0.8) = Phi(0.858) = 0.8046 of spend. The
    // estimate from 200000 heavy-tailed draws has a sampling sd of about 0.004 (measured over seeds); 0.02 is 5 sd.
    std::vector<double> spend(c.spend.data(), c.spend.data() + c.size());
    std::sort(spend.begin(), spend.end(), std::greater<>());
    const double total = std::accumulate(spend.begin(), spend.end(), 0.0);
    const double top = std::accumulate(spend.begin(), spend.begin() + spend.size() / 5, 0.0);
    EXPECT_NEAR(top / total, 0.8046, 0.02);
    // The median of a lognormal is m = exp(mu) = 50 exp(-sigma^2 / 2). The sample median of N draws has
    // sd 1 / (2 f(m) sqrt(N)), with the density at the median f(m) = 1 / (m sigma sqrt(2 pi)): a relative
    // sd of sigma sqrt(pi / (2 N)), 0.48 % at N = 200000. The tolerance is 5 sd.
    const double sigma = 1.7, median = 50.0 * std::exp(-sigma * sigma / 2);
    const double median_sd = sigma * std::sqrt(std::numbers::pi / (2.0 * static_cast<double>(spend.size())));
    EXPECT_NEAR(spend[spend.size() / 2], median, 5 * median_sd * median);
}

// Every customer fails, nobody complains or switches (R = 1 for silent), and
// every silent customer tells every neighbour (reach 1): on a ring lattice
// with k = 4 each customer hears exactly 4 negative stories about its firm.
TEST(WordOfMouth, EveryNeighbourHearsWhenReachIsOne) {
    auto p = rm1_params(1000);
    p.firms[0].initial_share = 1.0;
    p.firms[1].initial_share = 0.0;
    p.firms[0].service.failure_rate = 1.0;
    p.mechanisms.complaints.enabled = false;
    p.mechanisms.repurchase.silent = {1.0, 1.0};
    p.mechanisms.word_of_mouth.negative_reach = 1.0;
    const sim::Network ring = sim::watts_strogatz(1000, {4, 0.0}, sim::CounterStream({1}));
    models::Market market(p, ring, sim::StreamKey{5});
    market.step(0);
    for (std::uint32_t i = 0; i < 1000; ++i) ASSERT_DOUBLE_EQ(market.customers().satisfaction[i], 1.0 - 4 * 0.02);
    EXPECT_EQ(market.tally()[0].negative_stories, 4000);
    EXPECT_EQ(market.tally()[0].switched_out, 0);
}

// Stories about another firm do nothing: customers start with either firm at
// random, so a customer hears only from the neighbours who share its firm.
TEST(WordOfMouth, StoriesAboutOtherFirmsAreIgnored) {
    auto p = rm1_params(1000);
    for (auto& f : p.firms) f.service.failure_rate = 1.0;
    p.mechanisms.complaints.enabled = false;
    p.mechanisms.repurchase.silent = {1.0, 1.0};
    p.mechanisms.word_of_mouth.negative_reach = 1.0;
    const sim::Network ring = sim::watts_strogatz(1000, {4, 0.0}, sim::CounterStream({1}));
    models::Market market(p, ring, sim::StreamKey{5});
    market.step(0);
    const auto& c = market.customers();
    for (std::uint32_t i = 0; i < 1000; ++i) {
        int same = 0;
        for (auto j : ring.neighbours(i)) same += c.firm[j] == c.firm[i];
        ASSERT_DOUBLE_EQ(c.satisfaction[i], std::clamp(1.0 - 0.02 * same, 0.0, 1.0)) << "customer " << i;
    }
}

// Accounting: profit = margin * revenue - recovery cost, and the cost is
// the resolutions counted times their unit costs.
TEST(Market, RecordedCostsMatchCountedResolutions) {
    const sim::Network none;
    auto p = rm1_params(50000);
    p.mechanisms.word_of_mouth.enabled = false;
    models::Market market(p, none, sim::StreamKey{3});
    market.step(0);
    for (std::size_t f = 0; f < 2; ++f) {
        const auto& t = market.tally()[f];
        const double expected_cost = 20.0 * t.outcomes[models::index(Outcome::ResolvedQuickly)] +
                                     10.0 * t.outcomes[models::index(Outcome::Resolved)];
        EXPECT_NEAR(t.recovery_cost, expected_cost, 1e-6);
        EXPECT_EQ(t.failures, t.outcomes[1] + t.outcomes[2] + t.outcomes[3] + t.outcomes[4]);
        EXPECT_EQ(t.complaints, t.failures - t.outcomes[models::index(Outcome::Silent)]);
    }
    EXPECT_EQ(market.tally()[0].customers + market.tally()[1].customers, 50000);
    EXPECT_EQ(market.tally()[0].switched_out, market.tally()[1].switched_in);
}

}  // namespace
