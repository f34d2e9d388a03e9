// The firms' strategies (issue 4): loyalty programmes, switching prevention,
// ending and limiting relationships, win-back and activation, acquisition
// spend, and the accounts they are charged to.
//
// Each test drives models::Market directly, word of mouth off (no network)
// unless it needs it, and compares a market with the strategy against the
// same market without it under the same stream key (common random numbers):
// every customer meets the same draws in both, so a difference is the
// strategy's effect and not sampling noise. Where a test predicts a count
// exactly, it computes who the strategy acts on from the start-of-tick state
// (Market::customers() before the step) with the strategy's documented rule.
//
// Statistical checks allow kSigmas = 5 standard errors of the compared
// quantity, derived at each check; they treat the two runs as independent,
// which overstates the noise of a paired comparison (common random numbers
// only make the two runs more alike). With the fixed seed the tests are
// deterministic.
#include "models/market/DrawPurpose.hpp"
#include "models/market/FirmAccounts.hpp"
#include "models/market/Market.hpp"
#include "sim/parallel/Threads.hpp"

#include "tests/support/Rm1Params.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace {

using models::ChurnReason;
using models::CustomerStatus;
using models::kNoFirm;

constexpr std::uint32_t kCustomers = 100000;
constexpr double kSigmas = 5.0;

// RM-1 (two firms, half the market each) without word of mouth.
models::MarketParams market() {
    models::MarketParams p = testing_support::rm1_params(kCustomers);
    p.mechanisms.word_of_mouth.enabled = false;
    p.metrics.concentration_every = 0;  // not needed here; saves a sort per tick
    return p;
}

// A market and the (empty) network it needs, on the tests' common stream.
struct MarketRun {
    explicit MarketRun(const models::MarketParams& p) : market(p, network, sim::StreamKey{41}) {}
    const std::vector<models::FirmTally>& step(std::uint32_t tick) {
        market.step(tick);
        return market.tally();
    }
    const models::CustomerState& customers() const { return market.customers(); }
    std::vector<std::uint8_t> firms() const {
        const auto f = market.customers().firm.span();
        return {f.begin(), f.end()};
    }
    sim::Network network;
    models::Market market;
};

// Every cell of the firms' rows of the last tick, as bits.
std::vector<std::uint64_t> row_bits(const models::Market& m, std::uint32_t tick) {
    std::vector<std::uint64_t> bits;
    m.emit_metrics(tick, [&](std::span<const sim::Cell> row) {
        for (const sim::Cell& c : row) {
            std::uint64_t b;
            std::memcpy(&b, &c, sizeof b);
            bits.push_back(b);
        }
    });
    return bits;
}

std::size_t reason(ChurnReason r) {
    return static_cast<std::size_t>(r);
}

bool is(const models::CustomerState& c, std::uint32_t i, CustomerStatus s) {
    return c.status[i] == static_cast<std::uint8_t>(s);
}

// |a - b| within `rel` of `scale`: for sums the model adds in another order.
void expect_close(double a, double b, double scale, double rel, const std::string& what) {
    EXPECT_LE(std::abs(a - b), rel * std::abs(scale)) << what << ": " << a << " vs " << b;
}

// Sums of doubles added in a different order than the model adds them differ
// by rounding only: each addition rounds by at most 2^-53 relative, so n
// additions by about n * 1.1e-16 of the total; 1e-9 is far above that for the
// 10^5 terms here and far below any real difference (one customer's spend is
// about 1e-5 of a firm's revenue).
constexpr double kSumRounding = 1e-9;

// Two independent counts (approximately Poisson): the standard error of
// their difference is sqrt(a + b).
double count_difference_se(double a, double b) {
    return std::sqrt(a + b);
}

// One thread: ctest runs test programs side by side, and the results do not
// depend on the thread count (tests/integration/test_determinism.cpp).
class Strategies : public ::testing::Test {
protected:
    void SetUp() override { sim::set_threads(1); }
    void TearDown() override { sim::set_threads(threads_); }

private:
    int threads_ = sim::max_threads();
};

// ---------------------------------------------------------------------------
// Loyalty programmes

// A membership programme is a switching barrier: members' drift hazard is
// multiplied by `barrier` (0.7). Failures are off here so that every
// departure is drift (after a failure the barrier acts too:
// test_barriers_after_failure.cpp).
TEST_F(Strategies, LoyaltyMembershipLosesFewerCustomers) {
    models::MarketParams base = market();
    base.mechanisms.service_failures.enabled = false;
    models::MarketParams with = base;
    auto& loyalty = with.firms[0].strategies.loyalty;
    loyalty.enabled = true;  // membership, everyone enrolled
    MarketRun a(with), b(base);
    double out_a = 0, out_b = 0, moves_a = 0, moves_b = 0;
    for (std::uint32_t tick = 0; tick < 20; ++tick) {
        const std::vector<std::uint8_t> start = a.firms();
        const auto members = std::count(start.begin(), start.end(), 0);
        const auto& ta = a.step(tick);
        const auto& tb = b.step(tick);
        EXPECT_EQ(ta[0].members, members) << "tick " << tick;  // everyone is enrolled
        EXPECT_DOUBLE_EQ(ta[0].programme_cost, loyalty.cost_per_member * members) << "tick " << tick;
        EXPECT_EQ(ta[1].members, 0);
        EXPECT_EQ(ta[1].programme_cost, 0.0);
        // Same draws, lower hazard: nobody leaves who would have stayed.
        if (tick == 0) {
            EXPECT_LE(ta[0].switched_out, tb[0].switched_out);
        }
        out_a += ta[0].switched_out;
        out_b += tb[0].switched_out;
        moves_a += ta[0].switched_out + ta[0].switched_in;
        moves_b += tb[0].switched_out + tb[0].switched_in;
    }
    // Drift departures: about 4,000 without the programme, 30 % fewer with it;
    // counts, so their difference has standard error sqrt(out_a + out_b) (~80).
    EXPECT_GT(out_b - out_a, kSigmas * count_difference_se(out_a, out_b)) << out_a << " vs " << out_b;
    // Customers at the end: the same start plus arrivals minus departures, whose
    // variance is at most the number of moves.
    const double gained =
        static_cast<double>(a.market.tally()[0].customers) - static_cast<double>(b.market.tally()[0].customers);
    EXPECT_GT(gained, kSigmas * count_difference_se(moves_a, moves_b)) << gained;
}

// An information programme adds `satisfaction_gain` to members' satisfaction
// every tick (and no barrier).
TEST_F(Strategies, LoyaltyInformationRaisesSatisfaction) {
    models::MarketParams with = market();
    auto& loyalty = with.firms[0].strategies.loyalty;
    loyalty.enabled = true;
    loyalty.type = models::ProgrammeType::Information;
    MarketRun a(with), b(market());

    // Tick 0: the same encounters, so each member's satisfaction is the
    // baseline's plus the gain (capped at 1), and nobody leaves differently.
    const std::vector<std::uint8_t> start = a.firms();
    const auto& ta = a.step(0);
    const auto& tb = b.step(0);
    EXPECT_EQ(ta[0].switched_out, tb[0].switched_out);
    std::int64_t checked = 0;
    for (std::uint32_t i = 0; i < kCustomers; ++i) {
        if (start[i] != 0 || a.customers().firm[i] != 0) continue;
        ASSERT_EQ(a.customers().satisfaction[i], std::min(1.0, b.customers().satisfaction[i] + 0.01)) << i;
        ++checked;
    }
    EXPECT_GT(checked, 40000);
    for (std::uint32_t i = 0; i < kCustomers; ++i)
        if (start[i] == 1) {
            ASSERT_EQ(a.customers().satisfaction[i], b.customers().satisfaction[i]) << i;
        }

    for (std::uint32_t tick = 1; tick < 10; ++tick) {
        a.step(tick);
        b.step(tick);
    }
    // Mean satisfaction of firm 0's customers: standard error sd / sqrt(n) in
    // each run (sd of satisfaction across its customers).
    const auto mean_and_se = [](const models::CustomerState& c) {
        double sum = 0, sq = 0, n = 0;
        for (std::uint32_t i = 0; i < c.size(); ++i)
            if (c.firm[i] == 0) {
                sum += c.satisfaction[i];
                sq += c.satisfaction[i] * c.satisfaction[i];
                ++n;
            }
        const double mean = sum / n;
        return std::pair{mean, std::sqrt((sq / n - mean * mean) / n)};
    };
    const auto [mean_a, se_a] = mean_and_se(a.customers());
    const auto [mean_b, se_b] = mean_and_se(b.customers());
    EXPECT_GT(mean_a - mean_b, kSigmas * std::hypot(se_a, se_b)) << mean_a << " vs " << mean_b;
    EXPECT_NEAR(a.market.tally()[0].satisfaction_sum / a.market.tally()[0].customers, mean_a, 1e-9);
}

// A points programme charges cost_per_member plus points_rate of what
// members spend; with everyone enrolled, members' spend is the firm's revenue.
TEST_F(Strategies, LoyaltyPointsChargeAShareOfMembersSpend) {
    models::MarketParams with = market();
    auto& loyalty = with.firms[0].strategies.loyalty;
    loyalty.enabled = true;
    loyalty.type = models::ProgrammeType::Points;
    loyalty.points_rate = 0.03;
    MarketRun a(with);
    for (std::uint32_t tick = 0; tick < 5; ++tick) {
        const auto& t = a.step(tick);
        const double expected = loyalty.cost_per_member * t[0].members + loyalty.points_rate * t[0].revenue;
        expect_close(t[0].programme_cost, expected, expected, kSumRounding,
                     "programme cost, tick " + std::to_string(tick));
        EXPECT_GT(t[0].members, 40000);
        EXPECT_EQ(t[1].programme_cost, 0.0);
    }
}

// Top-value targeting enrols the top `top_share` of the firm's customers by
// value (spend with the firm so far), recomputed every `review_every` ticks.
// With RM-1's purchases every tick a customer's value is spend level x
// tenure. A points programme reveals who the members are: its points are
// points_rate times the members' spend, which the test predicts from the
// start-of-tick state. (From tick 4 on: at tick 0 nobody has any value yet,
// see TopValueTargetingEnrolsNoMoreThanTheTopShareAtTheFirstReview.)
TEST_F(Strategies, TopValueTargetingEnrolsTheMostValuableTopShare) {
    models::MarketParams with = market();
    auto& loyalty = with.firms[0].strategies.loyalty;
    loyalty.enabled = true;
    loyalty.type = models::ProgrammeType::Points;
    loyalty.targeting = models::Targeting::TopValue;
    loyalty.top_share = 0.2;
    loyalty.review_every = 4;
    MarketRun a(with);
    // Who the review of the last review tick enrolled, and when they had joined.
    std::vector<char> enrolled;
    std::vector<std::uint32_t> joined;
    for (std::uint32_t tick = 0; tick < 12; ++tick) {
        const models::CustomerState& c = a.customers();
        std::vector<double> values;
        for (std::uint32_t i = 0; i < c.size(); ++i)
            if (c.firm[i] == 0) values.push_back(c.spend[i] * (tick - c.since[i]));
        const auto k = static_cast<std::size_t>(std::ceil(loyalty.top_share * static_cast<double>(values.size())));
        if (tick % loyalty.review_every == 0) {
            // Members must beat the first value outside the top k (ties there are left out).
            std::vector<double> sorted = values;
            std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(k), sorted.end(),
                             std::greater<double>());
            const double cutoff = sorted[k];
            enrolled.assign(c.size(), 0);
            joined.assign(c.since.data(), c.since.data() + c.size());
            for (std::uint32_t i = 0; i < c.size(); ++i)
                enrolled[i] = c.firm[i] == 0 && c.spend[i] * (tick - c.since[i]) > cutoff;
        }
        std::int64_t members = 0;
        double spend = 0, all_spend = 0;
        for (std::uint32_t i = 0; i < c.size(); ++i) {
            if (c.firm[i] != 0) continue;
            all_spend += c.spend[i];
            // Membership holds until the next review, unless the customer left and came back.
            if (enrolled[i] && c.since[i] == joined[i]) {
                ++members;
                spend += c.spend[i];
            }
        }
        const auto& t = a.step(tick);
        if (tick < 4) continue;
        const std::string at = "tick " + std::to_string(tick);
        // At a review exactly the top share (values are continuous: no ties at the
        // cutoff); in between, the same members, less those who left.
        if (tick % loyalty.review_every == 0) {
            EXPECT_EQ(members, static_cast<std::int64_t>(k)) << at;
        }
        EXPECT_EQ(t[0].members, members) << at;
        const double points = t[0].programme_cost - loyalty.cost_per_member * static_cast<double>(t[0].members);
        expect_close(points, loyalty.points_rate * spend, t[0].programme_cost, kSumRounding, "points, " + at);
        // The most valuable: a fifth of the customers hold most of the spend
        // (lognormal sigma 1.7 puts ~80 % with the top 20 %).
        EXPECT_GT(spend, 0.6 * all_spend) << at;
    }
}

// At the first review (tick 0) nobody has bought yet: every value is 0, all
// tie at the cutoff, and customers tied at the cutoff are left out
// (LoyaltyProgramme.hpp, docs/config.md), so the programme is empty, and stays empty
// until the next review. Enrolling the ties would put everyone in, five times
// the top 20 % the programme is configured for.
TEST_F(Strategies, TopValueTargetingIsEmptyUntilTheSecondReview) {
    models::MarketParams with = market();
    auto& loyalty = with.firms[0].strategies.loyalty;
    loyalty.enabled = true;
    loyalty.targeting = models::Targeting::TopValue;
    loyalty.top_share = 0.2;
    MarketRun a(with);
    const std::vector<std::uint8_t> start = a.firms();
    const auto customers = std::count(start.begin(), start.end(), 0);
    ASSERT_GT(customers, 0);
    for (std::uint32_t tick = 0; tick < loyalty.review_every; ++tick) {
        const auto& t = a.step(tick);
        EXPECT_EQ(t[0].members, 0) << "members at tick " << tick << " of " << customers << " customers";
    }
}

// ---------------------------------------------------------------------------
// Switching prevention

// With an exact survey (survey_noise 0) the firm knows each customer's risk;
// offers go to exactly the customers at or above the threshold. The risk here
// depends only on start-of-tick satisfaction (failure_weight 0; recency is 0
// with purchases every tick).
TEST_F(Strategies, PreventionOffersGoExactlyToCustomersAtOrAboveTheThreshold) {
    models::MarketParams with = market();
    auto& prevention = with.firms[0].strategies.prevention;
    prevention.enabled = true;
    prevention.survey_noise = 0.0;
    prevention.recency_weight = 0.5;
    prevention.failure_weight = 0.0;
    prevention.satisfaction_weight = 1.0;
    prevention.threshold = 0.35;  // satisfaction 0.65 or less
    MarketRun a(with);
    double offers = 0, accepted = 0;
    for (std::uint32_t tick = 0; tick < 10; ++tick) {
        const models::CustomerState& c = a.customers();
        std::int64_t at_risk = 0;
        for (std::uint32_t i = 0; i < c.size(); ++i)
            if (c.firm[i] == 0 && prevention.risk(0, c.failures[i], c.satisfaction[i], 0.5) >= prevention.threshold)
                ++at_risk;
        const auto& t = a.step(tick);
        EXPECT_EQ(t[0].offers, at_risk) << "tick " << tick;
        EXPECT_EQ(t[0].offer_cost, prevention.offer_cost * static_cast<double>(t[0].offers)) << "tick " << tick;
        EXPECT_EQ(t[1].offers, 0);
        EXPECT_EQ(t[1].offer_cost, 0.0);
        if (tick == 0) {  // everyone starts at 0.7
            EXPECT_EQ(t[0].offers, 0);
        }
        offers += t[0].offers;
        accepted += t[0].offers_accepted;
    }
    ASSERT_GT(offers, 10000);
    // Accepted: binomial(offers, success), sd sqrt(n p (1 - p)).
    const double p = prevention.success;
    EXPECT_NEAR(accepted, p * offers, kSigmas * std::sqrt(offers * p * (1 - p)));
}

// What the risk score counts as the customer's failures: those met with the
// firm including this tick's encounter (the firm scores after the encounter;
// its satisfaction survey is the start-of-tick satisfaction). The test
// replays this tick's failure draw (DrawPurpose.hpp: kEncounter lanes 0, 1).
TEST_F(Strategies, PreventionRiskCountsTheFailureMetThisTick) {
    models::MarketParams with = market();
    auto& prevention = with.firms[0].strategies.prevention;
    prevention.enabled = true;
    prevention.survey_noise = 0.0;
    prevention.failure_weight = 0.2;
    prevention.satisfaction_weight = 1.0;
    prevention.threshold = 0.5;
    MarketRun a(with);
    const sim::CounterStream stream(sim::StreamKey{41});
    const models::ServiceFailure failures = with.mechanisms.service_failures;
    for (std::uint32_t tick = 0; tick < 6; ++tick) {
        const models::CustomerState& c = a.customers();
        std::int64_t by_start = 0, by_encounter = 0;
        for (std::uint32_t i = 0; i < c.size(); ++i) {
            if (c.firm[i] != 0) continue;
            const sim::Block4 d = stream.block(models::kEncounter, i, tick);
            const bool failed = failures.draw(with.firms[0].service, d[models::kLaneFailure],
                                              d[models::kLaneSeverity]) != models::Severity::None;
            const std::uint32_t before = c.failures[i];
            by_start += prevention.risk(0, before, c.satisfaction[i], 0.5) >= prevention.threshold;
            by_encounter +=
                prevention.risk(0, std::min(255u, before + failed), c.satisfaction[i], 0.5) >= prevention.threshold;
        }
        const auto& t = a.step(tick);
        EXPECT_EQ(t[0].offers, by_encounter) << "tick " << tick << " (start-of-tick failures give " << by_start << ")";
    }
}

// Offers lower the chance of leaving of those they reach.
TEST_F(Strategies, PreventionLowersSwitching) {
    models::MarketParams with = market();
    auto& prevention = with.firms[0].strategies.prevention;
    prevention.enabled = true;
    prevention.failure_weight = 0.0;
    prevention.threshold = 0.25;  // satisfaction up to about 0.75 (survey error sd 0.1)
    MarketRun a(with), b(market());
    double out_a = 0, out_b = 0;
    for (std::uint32_t tick = 0; tick < 10; ++tick) {
        const auto& ta = a.step(tick);
        const auto& tb = b.step(tick);
        if (tick == 0) {  // same draws, lower hazard
            EXPECT_LE(ta[0].switched_out, tb[0].switched_out);
        }
        EXPECT_GT(ta[0].offers, 0);
        out_a += ta[0].switched_out;
        out_b += tb[0].switched_out;
    }
    // Counts: standard error of the difference sqrt(out_a + out_b) (~200).
    EXPECT_GT(out_b - out_a, kSigmas * count_difference_se(out_a, out_b)) << out_a << " vs " << out_b;
}

// ---------------------------------------------------------------------------
// Ending and limiting relationships

// Costs to serve that vary (lognormal, mean 8): with margin 0.3 on a
// lognormal spend of mean 50, a good share of customers cost more than they
// earn the firm.
models::MarketParams costly_market() {
    models::MarketParams p = market();
    p.population.traits.cost_to_serve = {sim::DistributionKind::LogNormal, 8.0, 1.0};
    return p;
}

// Whom a firm's unprofitable rule selects at `tick`, from start-of-tick state:
// tenure = tick - since, average profit per tick = margin * value / tenure -
// cost_to_serve, value = spend level x tenure (RM-1's purchases).
bool unprofitable(const models::MarketParams& p, const models::CustomerState& c, std::uint32_t i, std::uint32_t tick) {
    const std::uint8_t f = c.firm[i];
    if (f == kNoFirm || !p.firms[f].strategies.termination.enabled) return false;
    const models::Termination& rule = p.firms[f].strategies.termination;
    const std::uint32_t tenure = tick - c.since[i];
    if (tenure < rule.window) return false;
    const double value = c.spend[i] * tenure;
    const double average_profit = p.firms[f].margin * value / tenure - c.traits.cost_to_serve[i];
    return average_profit < rule.min_profit;
}

// Natural switching off (no failures, no drift), so that every change of firm
// is a termination: each tick the firms end exactly the customers their rule
// selects, and those customers, and nobody else, change firm. Both firms
// terminate, so the customers ended at tick 8 are ended again by the other
// firm 8 ticks after joining it.
TEST_F(Strategies, TerminationEndsExactlyTheCustomersItsRuleSelects) {
    models::MarketParams with = costly_market();
    with.mechanisms.service_failures.enabled = false;
    with.mechanisms.switching.drift_hazard = 0.0;
    for (auto& firm : with.firms) {
        auto& rule = firm.strategies.termination;
        rule.enabled = true;  // unprofitable, min_profit 0, window 8, End
    }
    const models::Termination& rule = with.firms[0].strategies.termination;
    MarketRun a(with);
    std::int64_t total = 0;
    for (std::uint32_t tick = 0; tick < 20; ++tick) {
        const models::CustomerState& c = a.customers();
        const std::vector<std::uint8_t> start = a.firms();
        std::vector<char> selected(c.size());
        std::int64_t count[2] = {0, 0};
        double cost[2] = {0, 0};
        for (std::uint32_t i = 0; i < c.size(); ++i)
            if ((selected[i] = unprofitable(with, c, i, tick))) {
                ++count[start[i]];
                cost[start[i]] += c.traits.cost_to_serve[i];
            }
        const auto& t = a.step(tick);
        const std::string at = "tick " + std::to_string(tick);
        std::int64_t mismatched = 0;
        for (std::uint32_t i = 0; i < c.size(); ++i) mismatched += (c.firm[i] != start[i]) != bool(selected[i]);
        EXPECT_EQ(mismatched, 0) << at;
        for (std::size_t f = 0; f < 2; ++f) {
            EXPECT_EQ(t[f].terminated, count[f]) << at << " firm " << f;
            EXPECT_EQ(t[f].churn[reason(ChurnReason::Termination)], count[f]) << at;
            EXPECT_EQ(t[f].switched_out, count[f]) << at;
            EXPECT_EQ(t[f].termination_cost, rule.cost_per_termination * static_cast<double>(count[f])) << at;
            expect_close(t[f].terminated_cost_to_serve, cost[f], cost[f], kSumRounding, "saved cost to serve, " + at);
            total += count[f];
        }
        if (tick < rule.window) {
            EXPECT_EQ(t[0].terminated + t[1].terminated, 0) << at;
        }
        if (tick == rule.window) {
            EXPECT_GT(t[0].terminated, 10000) << at;
        }
        if (tick == 2 * rule.window + 1) {  // firm 0's, ended again
            EXPECT_GT(t[1].terminated, 10000) << at;
        }
    }
    EXPECT_GT(total, 40000);
}

// With natural switching on, the customers who change firm are those who
// would have anyway (the baseline, same draws) plus those the rule selects;
// the terminations counted are the selected who would have stayed.
TEST_F(Strategies, TerminationAddsItsSelectionToNaturalChurn) {
    models::MarketParams with = costly_market();
    with.firms[0].strategies.termination.enabled = true;
    const std::uint32_t tick = with.firms[0].strategies.termination.window;  // the first tick it can act
    MarketRun a(with), b(costly_market());
    for (std::uint32_t t = 0; t < tick; ++t) {
        EXPECT_EQ(a.step(t)[0].terminated, 0);
        b.step(t);
    }
    ASSERT_EQ(a.firms(), b.firms());
    const models::CustomerState& c = a.customers();
    const std::vector<std::uint8_t> start = a.firms();
    std::vector<char> selected(c.size());
    for (std::uint32_t i = 0; i < c.size(); ++i) selected[i] = unprofitable(with, c, i, tick);
    const auto& ta = a.step(tick);
    const auto& tb = b.step(tick);
    std::int64_t ended = 0, mismatched = 0, selected_count = 0;
    for (std::uint32_t i = 0; i < c.size(); ++i) {
        const bool left_anyway = b.customers().firm[i] != start[i];
        mismatched += (c.firm[i] != start[i]) != (left_anyway || selected[i]);
        ended += selected[i] && !left_anyway;
        selected_count += selected[i];
    }
    EXPECT_EQ(mismatched, 0);
    EXPECT_GT(selected_count, 10000);
    EXPECT_EQ(ta[0].terminated, ended);
    EXPECT_EQ(ta[0].switched_out, tb[0].switched_out + ended);
    EXPECT_EQ(ta[0].churn[reason(ChurnReason::AfterFailure)], tb[0].churn[reason(ChurnReason::AfterFailure)]);
    EXPECT_EQ(ta[1].terminated, 0);
}

// The draining and violator rules select by the customers' flags, whatever
// their tenure and profit.
TEST_F(Strategies, TerminationByDrainingAndViolatorFlags) {
    for (const bool draining : {true, false}) {
        models::MarketParams with = market();
        with.population.traits.draining_share = 0.05;
        with.population.traits.violator_share = 0.03;
        with.mechanisms.service_failures.enabled = false;
        with.mechanisms.switching.drift_hazard = 0.0;
        auto& rule = with.firms[0].strategies.termination;
        rule.enabled = true;
        rule.unprofitable = false;
        rule.draining = draining;
        rule.violators = !draining;
        const std::uint8_t flag = draining ? models::kDraining : models::kViolator;
        MarketRun a(with);
        const models::CustomerState& c = a.customers();
        const std::vector<std::uint8_t> start = a.firms();
        std::int64_t flagged = 0, mismatched = 0;
        for (std::uint32_t i = 0; i < c.size(); ++i) flagged += start[i] == 0 && (c.traits.flags[i] & flag);
        const auto& t = a.step(0);
        for (std::uint32_t i = 0; i < c.size(); ++i)
            mismatched += (c.firm[i] != start[i]) != (start[i] == 0 && (c.traits.flags[i] & flag) != 0);
        const std::string which = draining ? "draining" : "violators";
        EXPECT_EQ(t[0].terminated, flagged) << which;
        EXPECT_EQ(mismatched, 0) << which;
        EXPECT_GT(flagged, draining ? 2000 : 1200) << which;  // 5 % / 3 % of 50,000
        EXPECT_EQ(t[1].terminated, 0) << which;
        // Once they are gone, nobody is left to select.
        EXPECT_EQ(a.step(1)[0].terminated, 0) << which;
    }
}

// Limiting instead of ending: the selected customers stay, pay price_markup
// more and cost service_cut less to serve, and meet failures more often.
// At the first tick the rule acts the two markets start alike, so the
// differences are exactly the limited customers'.
TEST_F(Strategies, LimitRaisesRevenueByTheMarkupAndCutsServiceCost) {
    models::MarketParams with = costly_market();
    auto& rule = with.firms[0].strategies.termination;
    rule.enabled = true;
    rule.action = models::TerminationAction::Limit;
    const std::uint32_t tick = rule.window;
    MarketRun a(with), b(costly_market());
    for (std::uint32_t t = 0; t < tick; ++t) {
        EXPECT_EQ(a.step(t)[0].limited, 0);
        b.step(t);
    }
    ASSERT_EQ(a.firms(), b.firms());
    const models::CustomerState& c = a.customers();
    std::int64_t limited = 0;
    double spend = 0, cost = 0;
    for (std::uint32_t i = 0; i < c.size(); ++i)
        if (unprofitable(with, c, i, tick)) {
            ++limited;
            spend += c.spend[i];
            cost += c.traits.cost_to_serve[i];
        }
    const auto& ta = a.step(tick);
    const auto& tb = b.step(tick);
    ASSERT_GT(limited, 10000);
    EXPECT_EQ(ta[0].limited, limited);
    EXPECT_EQ(ta[0].terminated, 0);
    EXPECT_EQ(ta[0].termination_cost, 0.0);
    // Revenue per limited customer rises by the markup on their spend.
    const double extra = ta[0].revenue - tb[0].revenue;
    expect_close(extra / limited, rule.price_markup * spend / limited, ta[0].revenue / limited, kSumRounding,
                 "extra revenue per limited customer");
    expect_close(tb[0].service_cost - ta[0].service_cost, rule.service_cut * cost, tb[0].service_cost, kSumRounding,
                 "service cost saved");
    // A higher failure rate with the same draws: every baseline failure and more.
    EXPECT_GT(ta[0].failures, tb[0].failures);
    EXPECT_EQ(ta[1].revenue, tb[1].revenue);
    EXPECT_EQ(ta[1].limited, 0);
}

// ---------------------------------------------------------------------------
// Win-back and activation

// Every leaver leaves the market (lapses) and nobody is acquired: the only
// way back is firm 0's win-back, which contacts its lapsed former customers
// within `window` ticks of their leaving.
TEST_F(Strategies, WinBackBringsLapsedCustomersBackToTheirLastFirm) {
    models::MarketParams base = market();
    base.mechanisms.switching.leave_market_share = 1.0;
    models::MarketParams with = base;
    auto& w = with.firms[0].strategies.win_back;
    w.enabled = true;
    w.window = 5;
    w.success = 0.1;
    w.contact_cost = 2.0;
    w.satisfaction = 0.65;
    MarketRun a(with), b(base);
    double contacted = 0, won = 0, moves_a = 0, moves_b = 0;
    for (std::uint32_t tick = 0; tick < 20; ++tick) {
        const models::CustomerState& c = a.customers();
        const std::vector<std::uint8_t> start = a.firms();
        std::vector<char> contact(c.size());
        std::int64_t contacts = 0;
        for (std::uint32_t i = 0; i < c.size(); ++i)
            if (start[i] == kNoFirm && is(c, i, CustomerStatus::Lapsed) && c.last_firm[i] == 0 &&
                tick - c.since[i] < w.window)
                contacts += contact[i] = 1;
        const auto& t = a.step(tick);
        const auto& tb = b.step(tick);
        moves_a += t[0].switched_out + t[0].switched_in + t[0].won_back;
        moves_b += tb[0].switched_out + tb[0].switched_in + tb[0].won_back;
        const std::string at = "tick " + std::to_string(tick);
        std::int64_t returned = 0;
        for (std::uint32_t i = 0; i < c.size(); ++i) {
            if (start[i] != kNoFirm || c.firm[i] == kNoFirm) continue;
            ++returned;
            EXPECT_EQ(c.firm[i], 0) << at << " customer " << i;
            EXPECT_TRUE(contact[i]) << at << " customer " << i;
            EXPECT_EQ(c.satisfaction[i], w.satisfaction) << at << " customer " << i;
        }
        EXPECT_EQ(t[0].won_back, returned) << at;
        EXPECT_EQ(t[0].offer_cost, w.contact_cost * static_cast<double>(contacts)) << at;
        EXPECT_EQ(t[1].won_back, 0) << at;
        EXPECT_EQ(t[1].offer_cost, 0.0) << at;
        contacted += contacts;
        won += returned;
    }
    ASSERT_GT(contacted, 10000);
    // Won back: binomial(contacts, success), sd sqrt(n p (1 - p)).
    EXPECT_NEAR(won, w.success * contacted, kSigmas * std::sqrt(contacted * w.success * (1 - w.success)));
    // Firm 0 keeps customers it won back: its count at the end is the same start
    // plus arrivals minus departures, whose variance is at most the number of
    // moves (counts), in each run.
    const double gained =
        static_cast<double>(a.market.tally()[0].customers) - static_cast<double>(b.market.tally()[0].customers);
    EXPECT_GT(gained, kSigmas * count_difference_se(moves_a, moves_b)) << gained;
}

// BG/NBD purchases with dropout: customers go dormant; firm 0 contacts its
// dormant customers every tick and a contact revives one with
// activation_success.
TEST_F(Strategies, ActivationRevivesDormantCustomers) {
    models::MarketParams base = market();
    auto& purchases = base.mechanisms.purchases;
    purchases.process = models::PurchaseProcess::BgNbd;
    purchases.rate = {sim::DistributionKind::Constant, 1.0};
    purchases.dropout = {sim::DistributionKind::Constant, 0.05};
    models::MarketParams with = base;
    auto& w = with.firms[0].strategies.win_back;
    w.enabled = true;
    w.activation_success = 0.2;
    w.contact_cost = 2.0;
    MarketRun a(with), b(base);
    double contacted = 0, activated = 0;
    for (std::uint32_t tick = 0; tick < 20; ++tick) {
        const models::CustomerState& c = a.customers();
        std::vector<std::uint32_t> dormant;
        for (std::uint32_t i = 0; i < c.size(); ++i)
            if (c.firm[i] == 0 && is(c, i, CustomerStatus::Dormant)) dormant.push_back(i);
        const auto& t = a.step(tick);
        b.step(tick);
        const std::string at = "tick " + std::to_string(tick);
        std::int64_t revived = 0;
        for (const std::uint32_t i : dormant) {
            EXPECT_EQ(c.firm[i], 0) << at;  // dormant customers do not switch
            revived += is(c, i, CustomerStatus::Active);
        }
        EXPECT_EQ(t[0].activated, revived) << at;
        EXPECT_EQ(t[0].offer_cost, w.contact_cost * static_cast<double>(dormant.size())) << at;
        EXPECT_EQ(t[1].activated, 0) << at;
        EXPECT_EQ(t[1].offer_cost, 0.0) << at;
        contacted += static_cast<double>(dormant.size());
        activated += revived;
    }
    ASSERT_GT(contacted, 20000);
    const double p = w.activation_success;
    EXPECT_NEAR(activated, p * contacted, kSigmas * std::sqrt(contacted * p * (1 - p)));
    // Dormant customers of firm 0 after the run: counts, sd below sqrt(count).
    const double dormant_a = a.market.tally()[0].dormant, dormant_b = b.market.tally()[0].dormant;
    EXPECT_GT(dormant_b - dormant_a, kSigmas * count_difference_se(dormant_a, dormant_b))
        << dormant_a << " vs " << dormant_b;
}

// ---------------------------------------------------------------------------
// Acquisition spend

// Half the people start as prospects and adopt by the Bass model (mixed
// influence); firm 0's marketing adds lift_per_1000 * spend / 1000 = 0.5 to
// its utility in their choice. Whether someone adopts does not depend on the
// firms (market-wide influence), so the same prospects adopt in both markets;
// with the same choice draw, whoever picks firm 0 without the spend picks it
// with it.
TEST_F(Strategies, AcquisitionSpendShiftsProspectsToTheSpendingFirm) {
    models::MarketParams base = market();
    base.population.initial_prospects = 0.5;
    auto& acquisition = base.mechanisms.acquisition;
    acquisition.enabled = true;
    acquisition.influence = models::Influence::Mixed;
    acquisition.external = 0.02;
    acquisition.internal = 0.1;
    base.firms[0].strategies.acquisition.referral_reward = 4.0;
    base.firms[1].strategies.acquisition.referral_reward = 3.0;
    models::MarketParams with = base;
    auto& spend = with.firms[0].strategies.acquisition;
    spend.marketing_per_tick = 1000.0;
    spend.lift_per_1000 = 0.5;
    MarketRun a(with), b(base);
    double to_0a = 0, to_0b = 0, all = 0;
    const auto acquired = [](const models::FirmTally& t) {
        return static_cast<double>(t.acquired_marketing + t.acquired_word_of_mouth);
    };
    for (std::uint32_t tick = 0; tick < 10; ++tick) {
        const auto& ta = a.step(tick);
        const auto& tb = b.step(tick);
        const std::string at = "tick " + std::to_string(tick);
        EXPECT_EQ(acquired(ta[0]) + acquired(ta[1]), acquired(tb[0]) + acquired(tb[1])) << at;
        EXPECT_GE(acquired(ta[0]), acquired(tb[0])) << at;
        // Marketing every tick, and the referral reward per word-of-mouth adoption.
        EXPECT_EQ(ta[0].acquisition_cost, 1000.0 + 4.0 * ta[0].acquired_word_of_mouth) << at;
        EXPECT_EQ(ta[1].acquisition_cost, 3.0 * ta[1].acquired_word_of_mouth) << at;
        EXPECT_EQ(tb[0].acquisition_cost, 4.0 * tb[0].acquired_word_of_mouth) << at;
        EXPECT_GT(ta[0].acquired_word_of_mouth, 0) << at;
        to_0a += acquired(ta[0]);
        to_0b += acquired(tb[0]);
        all += acquired(ta[0]) + acquired(ta[1]);
    }
    ASSERT_GT(all, 10000);
    // Each adopter picks firm 0 with the logit probability 1 / (1 + e^-0.5)
    // (0.5 without the spend): binomial, sd sqrt(n p (1 - p)).
    const double p = 1.0 / (1.0 + std::exp(-spend.appeal()));
    EXPECT_NEAR(to_0a, p * all, kSigmas * std::sqrt(all * p * (1 - p)));
    EXPECT_NEAR(to_0b, 0.5 * all, kSigmas * std::sqrt(all * 0.25));
}

// ---------------------------------------------------------------------------
// Service guarantee (Hart 1988)

// Firm 0 refunds 12.5 after every failure, which lifts repurchase intention
// after it by 0.2.
models::MarketParams guaranteed_market() {
    models::MarketParams p = market();
    auto& g = p.firms[0].strategies.service_guarantee;
    g.enabled = true;
    g.refund = 12.5;
    g.repurchase_lift = 0.2;
    return p;
}

// Every failure of the guaranteeing firm is refunded once, and nothing else:
// guaranteed_failures equals the number of firm 0's customers (at the start
// of the tick) whose encounter failed, counted from the customers' outcome
// column rather than the tally, and guarantee_cost is the refund times that
// number exactly (multiples of 12.5 add up exactly in double). Firm 1 has
// no guarantee: nothing. The refunds are a cost in the profit.
TEST_F(Strategies, GuaranteeRefundsEveryFailureOnceInItsOwnCostColumn) {
    const models::MarketParams p = guaranteed_market();
    MarketRun run(p);
    std::int64_t refunded = 0;
    for (std::uint32_t tick = 0; tick < 6; ++tick) {
        const std::vector<std::uint8_t> before = run.firms();
        const auto& t = run.step(tick);
        const models::CustomerState& c = run.customers();
        std::int64_t failed = 0;
        for (std::uint32_t i = 0; i < c.size(); ++i)
            failed += before[i] == 0 && c.outcome[i] != static_cast<std::uint8_t>(models::Outcome::NoFailure);
        const std::string at = "tick " + std::to_string(tick);
        EXPECT_EQ(t[0].guaranteed_failures, failed) << at;
        EXPECT_EQ(t[0].guarantee_cost, 12.5 * static_cast<double>(failed)) << at;
        EXPECT_EQ(t[1].guaranteed_failures, 0) << at;
        EXPECT_EQ(t[1].guarantee_cost, 0.0) << at;
        // RM-1 has no other strategy cost: profit = margin * revenue - (recovery + refunds).
        for (std::size_t f = 0; f < 2; ++f) {
            const models::FirmAccounts a = models::account(t[f], p.firms[f].margin, p.metrics.discount_rate);
            EXPECT_EQ(a.profit, p.firms[f].margin * t[f].revenue - (t[f].recovery_cost + t[f].guarantee_cost)) << at;
        }
        refunded += failed;
    }
    EXPECT_GT(refunded, 1000);  // failure rate 0.1 of ~50,000 customers a tick
}

// In RM-1 a customer leaves after a failure with 1 - repurchase intention:
// the lift keeps more of them. Same draws in both markets (common random
// numbers), so at tick 0, before the markets differ, no customer of firm 0
// leaves after a failure with the guarantee who stays without it; over ten
// ticks, fewer leave by more than kSigmas standard errors of the difference
// of two counts, and about 0.2 fewer per failure (at most 0.2: intentions
// above 0.8 are capped at 1), within the same kSigmas of that count.
TEST_F(Strategies, GuaranteeKeepsCustomersWhoMetAFailure) {
    MarketRun a(guaranteed_market()), b(market());
    const auto after_failure = static_cast<std::size_t>(ChurnReason::AfterFailure);
    double left_a = 0, left_b = 0, failures = 0;
    for (std::uint32_t tick = 0; tick < 10; ++tick) {
        const auto& ta = a.step(tick);
        const auto& tb = b.step(tick);
        if (tick == 0) {
            EXPECT_LE(ta[0].churn[after_failure], tb[0].churn[after_failure]);
            EXPECT_EQ(ta[1].churn[after_failure], tb[1].churn[after_failure]);  // firm 1 has no guarantee
        }
        left_a += ta[0].churn[after_failure];
        left_b += tb[0].churn[after_failure];
        failures += ta[0].failures;
    }
    const double se = count_difference_se(left_a, left_b);
    EXPECT_GT(left_b - left_a, kSigmas * se) << left_a << " vs " << left_b;
    EXPECT_LT(left_b - left_a, 0.2 * failures + kSigmas * se) << left_a << " vs " << left_b;
}

// ---------------------------------------------------------------------------
// Accounts

struct CostColumns {
    double recovery, service, programme, offer, acquisition, termination, guarantee;
};
CostColumns costs(const models::FirmTally& t) {
    return {t.recovery_cost,    t.service_cost,     t.programme_cost, t.offer_cost,
            t.acquisition_cost, t.termination_cost, t.guarantee_cost};
}

// Each strategy alone on firm 0 (costs to serve 0, so service_cost is only a
// Limit's business): its cost lands in its own column, equals its rule, and
// every other strategy column stays 0 at both firms. Complaint recovery is in
// recovery_cost in every market (RM-1 has it); a faster one changes only
// that column.
TEST_F(Strategies, EachStrategysCostLandsInItsOwnColumn) {
    enum Column { Programme, Offer, Acquisition, Termination, Guarantee, None };
    struct Case {
        std::string name;
        std::function<void(models::MarketParams&)> set;
        Column column;
        std::function<double(const models::FirmTally&, const models::FirmParams&)> expected;
    };
    const std::vector<Case> cases = {
        {"loyalty",
         [](models::MarketParams& p) {
             p.firms[0].strategies.loyalty.enabled = true;
             p.firms[0].strategies.loyalty.type = models::ProgrammeType::Points;
         },
         Programme,
         [](const models::FirmTally& t, const models::FirmParams& f) {
             return f.strategies.loyalty.cost_per_member * t.members + f.strategies.loyalty.points_rate * t.revenue;
         }},
        {"prevention", [](models::MarketParams& p) { p.firms[0].strategies.prevention.enabled = true; }, Offer,
         [](const models::FirmTally& t, const models::FirmParams& f) {
             return f.strategies.prevention.offer_cost * t.offers;
         }},
        {"termination",
         [](models::MarketParams& p) {
             p.population.traits.draining_share = 0.05;
             auto& rule = p.firms[0].strategies.termination;
             rule.enabled = true;
             rule.draining = true;
         },
         Termination,
         [](const models::FirmTally& t, const models::FirmParams& f) {
             return f.strategies.termination.cost_per_termination * t.terminated;
         }},
        {"limit",
         [](models::MarketParams& p) {
             p.population.traits.draining_share = 0.05;
             auto& rule = p.firms[0].strategies.termination;
             rule.enabled = true;
             rule.draining = true;
             rule.action = models::TerminationAction::Limit;
         },
         None, nullptr},
        {"win-back",
         [](models::MarketParams& p) {
             p.mechanisms.switching.leave_market_share = 1.0;
             p.firms[0].strategies.win_back.enabled = true;
         },
         Offer, nullptr},
        {"acquisition",
         [](models::MarketParams& p) {
             p.population.initial_prospects = 0.3;
             p.mechanisms.acquisition.enabled = true;
             p.mechanisms.acquisition.influence = models::Influence::Mixed;
             auto& a = p.firms[0].strategies.acquisition;
             a.marketing_per_tick = 500.0;
             a.lift_per_1000 = 0.4;
             a.referral_reward = 2.0;
         },
         Acquisition,
         [](const models::FirmTally& t, const models::FirmParams& f) {
             return f.strategies.acquisition.marketing_per_tick +
                    f.strategies.acquisition.referral_reward * t.acquired_word_of_mouth;
         }},
        {"service guarantee", [](models::MarketParams& p) { p.firms[0].strategies.service_guarantee.enabled = true; },
         Guarantee,
         [](const models::FirmTally& t, const models::FirmParams& f) {
             return f.strategies.service_guarantee.refund * t.failures;
         }},
        {"fast recovery", [](models::MarketParams& p) { p.firms[0].recovery.quick = 0.8; }, None, nullptr},
    };
    for (const Case& c : cases) {
        models::MarketParams p = market();
        c.set(p);
        MarketRun run(p);
        double own = 0;
        for (std::uint32_t tick = 0; tick < 6; ++tick) {
            const auto& t = run.step(tick);
            for (std::size_t f = 0; f < 2; ++f) {
                const CostColumns k = costs(t[f]);
                const std::string at = c.name + ", tick " + std::to_string(tick) + ", firm " + std::to_string(f);
                const bool mine = f == 0;
                EXPECT_EQ(k.service, 0.0) << at;
                EXPECT_GT(k.recovery, 0.0) << at;  // RM-1's complaint handling, always there
                const double columns[] = {k.programme, k.offer, k.acquisition, k.termination, k.guarantee};
                const char* names[] = {"programme", "offer", "acquisition", "termination", "guarantee"};
                for (int col = Programme; col < None; ++col)
                    if (!(mine && col == c.column)) {
                        EXPECT_EQ(columns[col], 0.0) << at << ": " << names[col] << "_cost";
                    }
                if (mine && c.column != None) {
                    own += columns[c.column];
                    if (c.expected) {
                        const double e = c.expected(t[f], p.firms[f]);
                        expect_close(columns[c.column], e, e, kSumRounding, at);
                    }
                }
            }
        }
        if (c.column != None) {
            EXPECT_GT(own, 0.0) << c.name;
        }
    }
}

// Every strategy on (firm 0: points for the top 20 %, prevention, ending the
// unprofitable and draining, win-back and activation, marketing and
// referrals; firm 1: information for everyone, limiting the unprofitable,
// referrals, a resolution capacity, compensation, a service guarantee), with prospects, lapsing,
// dropout and varying costs to serve: revenue less the cost of sales and
// every other cost is the profit, every tick, for every firm.
//
// Not bit for bit: cost_of_sales = revenue - margin * revenue is rounded
// once, so revenue - cost_of_sales differs from the margin * revenue in the
// profit by up to an ulp of revenue, and the costs here are added in another
// grouping than account()'s; each rounding is at most 2^-53 of the revenue's
// scale, eight of them ~1e-15 relative. 1e-9 of revenue is far above that,
// and far below any cost that was left out (the smallest, one termination,
// is 5 against a revenue of ~10^6).
TEST_F(Strategies, ProfitIsRevenueLessEveryCostForEveryFirmEveryTick) {
    models::MarketParams p = costly_market();
    p.population.initial_prospects = 0.3;
    p.population.traits.draining_share = 0.02;
    p.mechanisms.switching.leave_market_share = 0.3;
    p.mechanisms.acquisition.enabled = true;
    p.mechanisms.acquisition.influence = models::Influence::Mixed;
    p.mechanisms.purchases.process = models::PurchaseProcess::BgNbd;
    p.mechanisms.purchases.dropout = {sim::DistributionKind::Constant, 0.02};
    p.mechanisms.purchases.amount_shape = 4.0;
    {
        auto& s = p.firms[0].strategies;
        s.loyalty.enabled = true;
        s.loyalty.type = models::ProgrammeType::Points;
        s.loyalty.targeting = models::Targeting::TopValue;
        s.prevention.enabled = true;
        s.termination.enabled = true;
        s.termination.draining = true;
        s.win_back.enabled = true;
        s.acquisition = {800.0, 0.3, 5.0};
    }
    {
        auto& s = p.firms[1].strategies;
        s.loyalty.enabled = true;
        s.loyalty.type = models::ProgrammeType::Information;
        s.termination.enabled = true;
        s.termination.action = models::TerminationAction::Limit;
        s.acquisition.referral_reward = 3.0;
        p.firms[1].recovery.capacity = 200;
        p.firms[1].recovery.compensation = 10.0;
        s.service_guarantee.enabled = true;  // with the capacity: refunds of complaints concluded late too
    }
    MarketRun run(p);
    CostColumns seen{};
    const auto columns = models::firm_tick_columns();
    const auto column = [&](const std::string& name) {
        const auto it = std::find_if(columns.begin(), columns.end(), [&](const auto& c) { return c.name == name; });
        return static_cast<std::size_t>(it - columns.begin());
    };
    const std::size_t profit_column = column("profit"), cost_of_sales_column = column("cost_of_sales");
    for (std::uint32_t tick = 0; tick < 16; ++tick) {
        const auto& t = run.step(tick);
        std::vector<std::vector<sim::Cell>> rows;
        run.market.emit_metrics(tick,
                                [&](std::span<const sim::Cell> row) { rows.emplace_back(row.begin(), row.end()); });
        ASSERT_EQ(rows.size(), 2u);
        for (std::size_t f = 0; f < 2; ++f) {
            const models::FirmAccounts a = models::account(t[f], p.firms[f].margin, p.metrics.discount_rate);
            const double total = a.cost_of_sales + t[f].recovery_cost + t[f].service_cost + t[f].programme_cost +
                                 t[f].offer_cost + t[f].acquisition_cost + t[f].termination_cost + t[f].guarantee_cost;
            const std::string at = "tick " + std::to_string(tick) + ", firm " + std::to_string(f);
            expect_close(t[f].revenue - total, a.profit, t[f].revenue, 1e-9, "profit, " + at);
            // The recorded row carries the same accounts.
            EXPECT_EQ(rows[f][profit_column].f, a.profit) << at;
            EXPECT_EQ(rows[f][cost_of_sales_column].f, a.cost_of_sales) << at;
            seen.recovery += t[f].recovery_cost;
            seen.service += t[f].service_cost;
            seen.programme += t[f].programme_cost;
            seen.offer += t[f].offer_cost;
            seen.acquisition += t[f].acquisition_cost;
            seen.termination += t[f].termination_cost;
            seen.guarantee += t[f].guarantee_cost;
        }
    }
    // Every cost category was exercised.
    EXPECT_GT(seen.recovery, 0.0);
    EXPECT_GT(seen.service, 0.0);
    EXPECT_GT(seen.programme, 0.0);
    EXPECT_GT(seen.offer, 0.0);
    EXPECT_GT(seen.acquisition, 0.0);
    EXPECT_GT(seen.termination, 0.0);
    EXPECT_GT(seen.guarantee, 0.0);
}

// A policy that is configured but never acts costs nothing and changes
// nothing: every recorded cell, the TARP table and every customer's firm and
// satisfaction are bit for bit the baseline's.
TEST_F(Strategies, UntriggeredPolicyCostsNothingAndChangesNothing) {
    const std::vector<std::pair<std::string, std::function<void(models::FirmStrategies&)>>> cases = {
        {"prevention above any risk",
         [](models::FirmStrategies& s) {
             s.prevention.enabled = true;
             s.prevention.threshold = 1e9;  // risk <= 0.2 * 255 + 1
         }},
        {"termination selecting nobody",
         [](models::FirmStrategies& s) {
             s.termination.enabled = true;
             s.termination.min_profit = -1e300;  // no average profit is below
         }},
        {"win-back with nobody lapsed", [](models::FirmStrategies& s) { s.win_back.enabled = true; }},
        {"loyalty for the top 0 %",
         [](models::FirmStrategies& s) {
             s.loyalty.enabled = true;
             s.loyalty.targeting = models::Targeting::TopValue;
             s.loyalty.top_share = 0.0;
         }},
    };
    for (const auto& [name, set] : cases) {
        models::MarketParams with = market();
        set(with.firms[0].strategies);
        set(with.firms[1].strategies);
        MarketRun a(with), b(market());
        for (std::uint32_t tick = 0; tick < 12; ++tick) {
            a.step(tick);
            b.step(tick);
            ASSERT_EQ(row_bits(a.market, tick), row_bits(b.market, tick)) << name << ", tick " << tick;
        }
        for (std::size_t f = 0; f < 2; ++f) {
            EXPECT_EQ(a.market.tarp()[f].customers, b.market.tarp()[f].customers) << name;
            EXPECT_EQ(a.market.tarp()[f].retained, b.market.tarp()[f].retained) << name;
        }
        EXPECT_EQ(a.firms(), b.firms()) << name;
        const auto sa = a.customers().satisfaction.span(), sb = b.customers().satisfaction.span();
        EXPECT_TRUE(std::equal(sa.begin(), sa.end(), sb.begin())) << name;
    }
}

// Customer lifetime value with constant retention: no failures, satisfaction
// fixed (no gain from good service), so every customer leaves at the drift
// hazard 0.02 * (1 - 0.5) = 0.01 each tick, and leavers lapse (nobody joins).
// The tick's clv is m r / (1 + i - r) with the realised retention r (counted
// here from the customers) and m the profit per starting customer.
TEST_F(Strategies, ClvFollowsTheRetentionFormulaAtConstantRetention) {
    models::MarketParams p = costly_market();
    p.mechanisms.service_failures.enabled = false;
    p.mechanisms.satisfaction.good_service_gain = 0.0;
    p.population.initial_satisfaction = 0.5;
    p.mechanisms.switching.leave_market_share = 1.0;
    p.metrics.discount_rate = 0.01;
    const double hazard = p.mechanisms.switching.drift_hazard * (1.0 - p.population.initial_satisfaction);
    MarketRun run(p);
    const auto columns = models::firm_tick_columns();
    const auto column = [&](const std::string& name) {
        const auto it = std::find_if(columns.begin(), columns.end(), [&](const auto& c) { return c.name == name; });
        return static_cast<std::size_t>(it - columns.begin());
    };
    for (std::uint32_t tick = 0; tick < 10; ++tick) {
        const std::vector<std::uint8_t> start = run.firms();
        const auto& t = run.step(tick);
        std::vector<std::vector<sim::Cell>> rows;
        run.market.emit_metrics(tick,
                                [&](std::span<const sim::Cell> row) { rows.emplace_back(row.begin(), row.end()); });
        for (std::uint8_t f = 0; f < 2; ++f) {
            const std::string at = "tick " + std::to_string(tick) + ", firm " + std::to_string(f);
            double starting = 0, stayed = 0;
            for (std::uint32_t i = 0; i < kCustomers; ++i)
                if (start[i] == f) {
                    ++starting;
                    stayed += run.customers().firm[i] == f;
                }
            const double r = stayed / starting;
            const models::FirmAccounts a = models::account(t[f], p.firms[f].margin, p.metrics.discount_rate);
            const double m = a.profit / starting;
            const double i = p.metrics.discount_rate;
            expect_close(a.retention, r, 1.0, 1e-12, "retention, " + at);
            expect_close(a.clv, m * r / (1.0 + i - r), a.clv, 1e-12, "clv, " + at);
            EXPECT_EQ(rows[f][column("clv")].f, a.clv) << at;
            // Equity: each customer after the tick pays m next tick, then stays with r (FirmAccounts).
            expect_close(a.equity, m / (1.0 + i - r) * t[f].customers, a.equity, 1e-12, "equity, " + at);
            EXPECT_EQ(rows[f][column("customer_equity")].f, a.equity) << at;
            // Retention is the constant 1 - 0.01 up to binomial noise, sd sqrt(r (1 - r) / n).
            EXPECT_NEAR(r, 1.0 - hazard, kSigmas * std::sqrt(hazard * (1.0 - hazard) / starting)) << at;
            // Costs to serve (mean 8 per customer) are in m.
            EXPECT_LT(m, p.firms[f].margin * t[f].revenue / starting) << at;
        }
    }
}

// customer_equity is the expected discounted profit of the customers it
// counts (FirmAccounts): following the customers of firm 0 after tick 0, each
// paying margin * spend in every later tick they start with the firm,
// discounted by (1 + i)^k at tick k, gives it back. Leavers leave the market
// and nobody is acquired, so "with the firm" means "never left". Retention
// is 0.7, so the former clv * customers would be 30 % low.
// Tolerance: 5 sd of the difference, from the cohort's per-customer spread
// (sample sd / sqrt(n), times n) and from the recorded equity's dependence on
// the tick-0 retention estimate (sd sqrt(r (1 - r) / start), times
// d equity / d r = customers * m / (1 + i - r)^2).
TEST_F(Strategies, CustomerEquityIsTheCohortsDiscountedProfit) {
    models::MarketParams p = market();
    p.population.spend = {sim::DistributionKind::Constant, 10.0};
    p.mechanisms.service_failures.enabled = false;
    p.mechanisms.satisfaction.good_service_gain = 0.0;
    p.population.initial_satisfaction = 0.5;
    p.mechanisms.switching.drift_hazard = 0.6;  // 0.6 * (1 - 0.5): r = 0.7
    p.mechanisms.switching.leave_market_share = 1.0;
    p.metrics.discount_rate = 0.05;
    const double i = p.metrics.discount_rate;
    MarketRun run(p);
    const std::vector<std::uint8_t> start = run.firms();
    const models::FirmTally t0 = run.step(0)[0];
    const models::FirmAccounts a = models::account(t0, p.firms[0].margin, i);
    std::vector<char> member(start.size()), in_cohort(start.size());
    for (std::size_t c = 0; c < start.size(); ++c) member[c] = in_cohort[c] = run.customers().firm[c] == 0;
    std::vector<double> value(start.size(), 0.0);  // each member's realised discounted profit
    double discount = 1.0;
    for (std::uint32_t tick = 1; tick < 80; ++tick) {  // (0.7 / 1.05)^80 < 1e-14: the rest is nothing
        discount /= 1.0 + i;
        for (std::size_t c = 0; c < start.size(); ++c)
            if (in_cohort[c]) value[c] += discount * p.firms[0].margin * run.customers().spend[c];
        run.step(tick);
        for (std::size_t c = 0; c < start.size(); ++c) in_cohort[c] &= run.customers().firm[c] == 0;
    }
    double sum = 0.0, sum_sq = 0.0;
    for (std::size_t c = 0; c < start.size(); ++c)
        if (member[c]) {
            sum += value[c];
            sum_sq += value[c] * value[c];
        }
    const double members = static_cast<double>(t0.customers);
    const double mean = sum / members;
    const double sd_value = std::sqrt((sum_sq / members - mean * mean) / members) * members;
    const double starting = static_cast<double>(t0.customers + t0.switched_out);
    const double r = a.retention, m = a.profit / starting;
    const double sd_equity = members * m / ((1.0 + i - r) * (1.0 + i - r)) * std::sqrt(r * (1.0 - r) / starting);
    const double sd = std::hypot(sd_value, sd_equity);
    EXPECT_NEAR(a.equity, sum, kSigmas * sd);
    EXPECT_GT(std::abs(a.clv * members - sum), kSigmas * sd) << "the former definition must fail";
}

// Ending a relationship is final with that firm: someone ended who leaves the
// market is terminated, not lapsed, and its win-back never contacts them.
TEST_F(Strategies, EndedCustomersAreTerminatedAndNotWonBack) {
    models::MarketParams p = market();
    p.mechanisms.service_failures.enabled = false;
    p.mechanisms.switching.drift_hazard = 0.0;        // nobody leaves but the ended
    p.mechanisms.switching.leave_market_share = 1.0;  // and they leave the market
    p.population.traits.draining_share = 0.05;
    auto& s = p.firms[0].strategies;
    s.termination.enabled = true;
    s.termination.unprofitable = false;
    s.termination.draining = true;
    s.win_back.enabled = true;
    s.win_back.success = 1.0;  // anyone contacted comes back
    MarketRun run(p);
    const auto& t0 = run.step(0);
    ASSERT_GT(t0[0].terminated, 1000);
    std::int64_t terminated = 0;
    const models::CustomerState& c = run.customers();
    for (std::uint32_t i = 0; i < c.size(); ++i) {
        if (c.firm[i] != kNoFirm) continue;
        EXPECT_TRUE(is(c, i, CustomerStatus::Terminated)) << "customer " << i;
        EXPECT_EQ(c.last_firm[i], 0) << "customer " << i;
        ++terminated;
    }
    EXPECT_EQ(terminated, t0[0].terminated);
    EXPECT_EQ(run.market.market_tally().lapsed, terminated);  // they have left the market
    const auto& t1 = run.step(1);
    EXPECT_EQ(t1[0].won_back, 0);
    EXPECT_EQ(t1[0].offer_cost, 0.0);
}

// Relationship-enhancement tactics: every targeted customer costs the sum of
// the tactics' costs (programme costs); social reinforcement raises
// satisfaction, benefit reinforcement and customisation cut the drift hazard.
TEST_F(Strategies, TacticsRaiseSatisfactionCutDriftAndCostPerCustomer) {
    models::MarketParams base = market();
    base.mechanisms.service_failures.enabled = false;  // every departure is drift
    models::MarketParams with = base;
    auto& tactics = with.firms[0].strategies.tactics;
    tactics.enabled = true;
    tactics.social_reinforcement = {0.02, 1.0};
    tactics.benefit_reinforcement = {0.3, 0.5};
    tactics.customisation = {0.2, 0.25};
    MarketRun a(with), b(base);
    std::int64_t out_a = 0, out_b = 0;
    for (std::uint32_t tick = 0; tick < 10; ++tick) {
        std::int64_t start = 0;
        for (std::uint32_t i = 0; i < a.customers().size(); ++i) start += a.customers().firm[i] == 0;
        const auto& ta = a.step(tick);
        const auto& tb = b.step(tick);
        EXPECT_DOUBLE_EQ(ta[0].programme_cost, 1.75 * static_cast<double>(start)) << "tick " << tick;
        EXPECT_EQ(ta[1].programme_cost, 0.0);
        if (tick == 0) {
            EXPECT_LE(ta[0].switched_out, tb[0].switched_out);  // same draws, lower hazard
            EXPECT_GT(ta[0].satisfaction_sum / ta[0].customers, tb[0].satisfaction_sum / tb[0].customers);
        }
        out_a += ta[0].switched_out;
        out_b += tb[0].switched_out;
    }
    // Drift hazard x 0.7 x 0.8 = 0.56 of the baseline's, and satisfaction rises too.
    EXPECT_LT(out_a, out_b * 6 / 10);
}

// RFM targeting: a customer is targeted when their recency, frequency and
// monetary quintile scores among the firm's customers add up to at least
// min_rfm_score, recomputed here from start-of-tick state at every review.
TEST_F(Strategies, RfmTargetingPicksTheHighScores) {
    models::MarketParams p = market();
    p.mechanisms.service_failures.enabled = false;
    p.mechanisms.switching.drift_hazard = 0.0;
    p.mechanisms.purchases.process = models::PurchaseProcess::Poisson;
    p.mechanisms.purchases.rate = {sim::DistributionKind::Gamma, 0.5, 1.0, 1.0};
    auto& tactics = p.firms[0].strategies.tactics;
    tactics.enabled = true;
    tactics.target.targeting = models::Targeting::Rfm;
    tactics.target.min_rfm_score = 12;
    tactics.target.review_every = 3;
    tactics.social_reinforcement = {0.0, 1.0};  // 1 per targeted customer: the cost counts them
    MarketRun run(p);
    std::int64_t expected = 0;
    for (std::uint32_t tick = 0; tick < 10; ++tick) {
        const models::CustomerState& c = run.customers();
        if (tick % 3 == 0) {
            std::vector<std::uint32_t> who;
            std::array<std::vector<double>, 3> values;
            const auto value = [&](std::uint32_t i, std::size_t d) {
                const double last = c.last_purchase[i];
                const double recency = last ? tick - last : tick - c.since[i];
                return d == 0 ? -recency : d == 1 ? double(c.purchases[i]) : double(c.monetary[i]);
            };
            for (std::uint32_t i = 0; i < c.size(); ++i)
                if (c.firm[i] == 0) {
                    who.push_back(i);
                    for (std::size_t d = 0; d < 3; ++d) values[d].push_back(value(i, d));
                }
            std::array<std::array<double, 4>, 3> cut{};
            for (std::size_t d = 0; d < 3; ++d) {
                std::sort(values[d].begin(), values[d].end());
                for (std::size_t q = 0; q < 4; ++q)
                    cut[d][q] = values[d][std::min(values[d].size() - 1,
                                                   static_cast<std::size_t>(0.2 * (q + 1) * values[d].size()))];
            }
            expected = 0;
            for (const std::uint32_t i : who) {
                std::uint32_t score = 0;
                for (std::size_t d = 0; d < 3; ++d) {
                    score += 1;
                    for (const double x : cut[d]) score += value(i, d) >= x;
                }
                expected += score >= 12;
            }
        }
        const auto& t = run.step(tick);
        // Between reviews the targeted stay targeted (nobody leaves: failures and drift are off).
        EXPECT_EQ(static_cast<std::int64_t>(t[0].programme_cost), expected) << "tick " << tick;
        if (tick >= 3) {
            EXPECT_GT(expected, 0) << "tick " << tick;
            EXPECT_LT(expected, t[0].customers / 2) << "tick " << tick;
        }
    }
}

// Cross-selling: offers reach about cross_sell_reach of the active customers,
// each costs cross_sell_cost, and those who take another product spend
// cross_sell_lift more from the next tick on.
TEST_F(Strategies, CrossSellingRaisesTheSpendOfThoseWhoBuy) {
    models::MarketParams p = market();
    p.mechanisms.service_failures.enabled = false;
    p.mechanisms.switching.drift_hazard = 0.0;
    auto& w = p.firms[0].strategies.win_back;
    w.enabled = true;
    w.cross_sell_reach = 0.2;
    w.cross_sell_success = 0.25;
    w.cross_sell_lift = 0.5;
    w.cross_sell_cost = 3.0;
    MarketRun run(p), base(market());
    const std::vector<double> before(run.customers().spend.data(),
                                     run.customers().spend.data() + run.customers().size());
    const auto& t = run.step(0);
    const double customers = static_cast<double>(t[0].customers);
    const double offers = t[0].offer_cost / 3.0;
    // Offers and take-up are binomial: 5 standard deviations.
    EXPECT_NEAR(offers, 0.2 * customers, 5.0 * std::sqrt(customers * 0.2 * 0.8));
    EXPECT_NEAR(static_cast<double>(t[0].cross_sold), 0.25 * offers, 5.0 * std::sqrt(offers * 0.25 * 0.75));
    std::int64_t raised = 0;
    const models::CustomerState& c = run.customers();
    for (std::uint32_t i = 0; i < c.size(); ++i) {
        if (c.spend[i] == before[i]) continue;
        ++raised;
        EXPECT_EQ(c.firm[i], 0);
        EXPECT_DOUBLE_EQ(c.spend[i], before[i] * 1.5);
    }
    EXPECT_EQ(raised, t[0].cross_sold);
    EXPECT_EQ(t[1].cross_sold, 0);
    EXPECT_EQ(t[1].offer_cost, 0.0);
}

}  // namespace
