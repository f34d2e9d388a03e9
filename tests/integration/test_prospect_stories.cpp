// Stories move prospects both ways, and choices among firms (issue 21, item
// 6): a negative story heard lowers a prospect's adoption hazard by
// acquisition.negative_story_weight, and every story heard about a firm
// moves that firm's utility in the hearer's choice by
// word_of_mouth.choice_effect (prospects adopting, switchers choosing a
// competitor).
//
// Each test reads what a person heard last tick (their story counter and,
// per firm, Market::heard_about()) before the tick and checks each decision
// against the probability the documented formula gives for it: exact
// where the formula makes it 0, else as a sum of Bernoulli trials whose
// total is within 5 standard errors sqrt(sum p (1 - p)) of sum p.
#include "experiments/run/BuildNetwork.hpp"
#include "models/market/Market.hpp"
#include "sim/parallel/Threads.hpp"

#include "tests/support/Rm1Params.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace {

using models::CustomerStatus;
using models::kNoFirm;

constexpr double kSigmas = 5.0;

class ProspectStories : public ::testing::Test {
protected:
    void SetUp() override { sim::set_threads(2); }
    void TearDown() override { sim::set_threads(threads_); }

private:
    int threads_ = sim::max_threads();
};

// Half the people are prospects; marketing alone brings them (mixed
// influence, internal 0); customers fail often and tell every neighbour
// about it, so prospects hear negative stories.
models::MarketParams storytelling_market(std::size_t firms) {
    models::MarketParams p = testing_support::rm1_params(60000);
    while (p.firms.size() < firms) p.firms.push_back(p.firms[0]);
    for (std::size_t f = 0; f < firms; ++f) p.firms[f].initial_share = 1.0 / static_cast<double>(firms);
    p.population.initial_prospects = 0.5;
    p.metrics.concentration_every = 0;
    auto& a = p.mechanisms.acquisition;
    a.enabled = true;
    a.influence = models::Influence::Mixed;
    a.external = 0.05;
    a.internal = 0.0;
    p.mechanisms.word_of_mouth.negative_reach = 0.5;
    p.mechanisms.word_of_mouth.positive_reach = 0.5;
    for (auto& f : p.firms) f.service.failure_rate = 0.3;
    return p;
}

struct Stepped {
    explicit Stepped(const models::MarketParams& p)
        : network(sim::watts_strogatz(p.population.size, sim::SmallWorldParams{}, sim::CounterStream({3}))),
          market(p, network, sim::StreamKey{17}) {}
    sim::Network network;
    models::Market market;
};

// With a deterrent per negative story equal to the whole hazard, a prospect
// whose net stories are negative never adopts; one with none adopts with
// 1 - exp(-external).
TEST_F(ProspectStories, NegativeStoriesDeterProspects) {
    models::MarketParams p = storytelling_market(2);
    p.mechanisms.acquisition.negative_story_weight = p.mechanisms.acquisition.external;
    Stepped s(p);
    const models::CustomerState& c = s.market.customers();
    double deterred = 0, unheard = 0, unheard_adopted = 0;
    for (std::uint32_t tick = 0; tick < 8; ++tick) {
        const std::vector<std::int32_t> stories(c.stories.span().begin(), c.stories.span().end());
        const std::vector<std::uint8_t> before(c.firm.span().begin(), c.firm.span().end());
        s.market.step(tick);
        for (std::uint32_t i = 0; i < c.size(); ++i) {
            if (before[i] != kNoFirm) continue;
            const bool adopted = c.firm[i] != kNoFirm;
            if (stories[i] < 0) {
                ++deterred;
                EXPECT_FALSE(adopted) << "tick " << tick << ", prospect " << i << " heard " << stories[i];
            } else if (stories[i] == 0) {
                ++unheard;
                unheard_adopted += adopted;
            }
        }
    }
    ASSERT_GT(deterred, 10000);
    const double q = -std::expm1(-p.mechanisms.acquisition.external);
    EXPECT_NEAR(unheard_adopted, q * unheard, kSigmas * std::sqrt(unheard * q * (1 - q)));
}

// Off (the default): prospects hear no negative story, as before.
TEST_F(ProspectStories, ByDefaultProspectsHearOnlyPositiveStories) {
    Stepped s(storytelling_market(2));
    const models::CustomerState& c = s.market.customers();
    std::int64_t heard = 0;
    for (std::uint32_t tick = 0; tick < 4; ++tick) {
        s.market.step(tick);
        for (std::uint32_t i = 0; i < c.size(); ++i) {
            if (c.firm[i] != kNoFirm) continue;
            EXPECT_GE(c.stories[i], 0) << "tick " << tick << ", prospect " << i;
            heard += c.stories[i];
        }
    }
    EXPECT_GT(heard, 1000);
    EXPECT_TRUE(s.market.heard_about().empty());
}

// Three equal firms; firm 0 fails far more often, so most stories are
// negative ones about it. An adopter picks firm f with probability
// exp(w h_f) / sum_g exp(w h_g) (h: net stories heard about each firm last
// tick); a switcher the same among the other two.
TEST_F(ProspectStories, StoriesMoveTheChoiceAmongFirms) {
    models::MarketParams p = storytelling_market(3);
    p.firms[0].service.failure_rate = 0.8;
    p.mechanisms.word_of_mouth.negative_reach = 1.0;
    p.firms[1].service.failure_rate = 0.05;
    p.firms[2].service.failure_rate = 0.05;
    const double w = 2.0;
    p.mechanisms.word_of_mouth.choice_effect = w;
    Stepped s(p);
    const models::CustomerState& c = s.market.customers();
    const std::size_t firms = p.firms.size();
    double to0 = 0, expected0 = 0, variance0 = 0, chose = 0, heard = 0, even0 = 0, even_variance0 = 0;
    for (std::uint32_t tick = 0; tick < 8; ++tick) {
        const auto h = s.market.heard_about();
        const std::vector<std::int16_t> heard_before(h.begin(), h.end());
        const std::vector<std::uint8_t> before(c.firm.span().begin(), c.firm.span().end());
        s.market.step(tick);
        for (std::uint32_t i = 0; i < c.size(); ++i) {
            const std::uint8_t from = before[i], to = c.firm[i];
            if (to == kNoFirm || to == from) continue;
            // The logit over the firms open to them: all for an adopter, the others for a switcher.
            double total = 0, weight0 = 0;
            for (std::size_t f = 0; f < firms; ++f) {
                if (f == from) continue;
                const double x = std::exp(w * heard_before[i * firms + f]);
                total += x;
                if (f == 0) weight0 = x;
                heard += heard_before[i * firms + f] != 0;
            }
            const double p0 = weight0 / total;
            // Without stories: uniform over the open firms.
            const double e0 = from == 0 ? 0.0 : 1.0 / static_cast<double>(from == kNoFirm ? firms : firms - 1);
            even0 += e0;
            even_variance0 += e0 * (1 - e0);
            to0 += to == 0;
            expected0 += p0;
            variance0 += p0 * (1 - p0);
            ++chose;
        }
    }
    ASSERT_GT(chose, 5000);
    ASSERT_GT(heard, 1000);
    EXPECT_NEAR(to0, expected0, kSigmas * std::sqrt(variance0));
    // Direction: firm 0 gets fewer than the uniform choice would give it.
    EXPECT_LT(to0, even0 - kSigmas * std::sqrt(even_variance0)) << to0 << " vs " << even0;
}

}  // namespace
