// Same config and seed give bit-identical results, whatever the thread count:
// every draw is addressed by what it is for, chunk boundaries do not depend
// on threads, and floating-point totals are summed in chunk order.
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/run/BuildNetwork.hpp"
#include "experiments/run/RunExperiment.hpp"
#include "models/market/Market.hpp"
#include "sim/network/Generators.hpp"
#include "sim/parallel/Threads.hpp"
#include "sim/recording/Hdf5File.hpp"

#include "tests/support/Fnv1a.hpp"
#include "tests/support/SameCustomers.hpp"
#include "tests/support/TestFolder.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <cstring>
#include <filesystem>

namespace {
namespace fs = std::filesystem;

// Each check runs on RM-1 and on the full lifecycle model (every mechanism on;
// tests/data/regression/lifecycle.yaml, the lifecycle example with RM-1's
// high failure rates, so that stories, switches and recoveries are many in a
// few ticks).
class Determinism : public ::testing::TestWithParam<const char*> {
protected:
    void TearDown() override { sim::set_threads(default_threads_); }

    static std::string config_path() { return std::string(CRMSIM_SOURCE_DIR "/") + GetParam(); }

    // Runs a small experiment (2 replications) and returns the file path.
    std::string run(const std::string& name, int threads, std::vector<std::string> overrides = {}) {
        overrides.insert(overrides.end(),
                         {"population.size=30000", "experiment.ticks=12", "experiment.replications=2"});
        const auto config = experiments::load_experiment_config(config_path(), overrides);
        experiments::RunOptions options;
        options.output_path = folder_.path(name);
        options.threads = threads;
        const auto result = experiments::run_experiment(config, options);
        EXPECT_TRUE(result.all_complete());
        return options.output_path;
    }

    testing_support::TestFolder folder_;
    int default_threads_ = sim::max_threads();
};

// Every dataset of every run's time series, compared bit for bit (memcmp:
// NaN-safe and stricter than ==).
void expect_same_series(const std::string& a, const std::string& b, bool expect_equal = true) {
    const sim::h5::File fa(a, sim::h5::Mode::ReadOnly), fb(b, sim::h5::Mode::ReadOnly);
    const auto runs_a = fa.root().open_group("runs"), runs_b = fb.root().open_group("runs");
    ASSERT_EQ(runs_a.children(), runs_b.children());
    bool all_equal = true;
    for (const auto& run : runs_a.children()) {
        for (const char* table : {"timeseries", "tarp"}) {
            const auto ga = runs_a.open_group(run + "/" + table), gb = runs_b.open_group(run + "/" + table);
            ASSERT_EQ(ga.children(), gb.children());
            for (const auto& column : ga.children()) {
                if (column == "severity" || column == "outcome") continue;  // TARP's string labels
                const auto va = ga.read_doubles(column), vb = gb.read_doubles(column);
                ASSERT_EQ(va.size(), vb.size()) << column;
                const bool equal = std::memcmp(va.data(), vb.data(), va.size() * sizeof(double)) == 0;
                if (expect_equal) {
                    EXPECT_TRUE(equal) << "run " << run << ", column " << column;
                }
                all_equal = all_equal && equal;
            }
        }
    }
    if (!expect_equal) {
        EXPECT_FALSE(all_equal);
    }
}

TEST_P(Determinism, SameSeedGivesIdenticalDatasets) {
    expect_same_series(run("a.h5", 2), run("b.h5", 2));
}

TEST_P(Determinism, OneAndTwoThreadsGiveIdenticalDatasets) {
    expect_same_series(run("one.h5", 1), run("two.h5", 2));
}

TEST_P(Determinism, AnotherSeedGivesOtherResults) {
    expect_same_series(run("a.h5", 2), run("c.h5", 2, {"experiment.seed=2"}), false);
}

using testing_support::first_difference;

// Stronger than the recorded totals: the whole customer state after each tick.
TEST_P(Determinism, CustomerStateIsIdenticalForOneAndTwoThreads) {
    const auto config = experiments::load_experiment_config(config_path(), {"population.size=40000"});
    const sim::Network network = experiments::build_network(config.network, 40000, sim::CounterStream({77}));
    sim::set_threads(1);
    models::Market serial(config.market, network, sim::StreamKey{99});
    sim::set_threads(2);
    models::Market parallel(config.market, network, sim::StreamKey{99});
    for (std::uint32_t tick = 0; tick < 10; ++tick) {
        sim::set_threads(1);
        serial.step(tick);
        sim::set_threads(2);
        parallel.step(tick);
        const auto& a = serial.customers();
        const auto& b = parallel.customers();
        ASSERT_EQ(first_difference(a, b), "") << "tick " << tick;
    }
}

// Each chunk's tellers tell as soon as the chunk is decided (Market::step),
// holding back the stories for people with no firm until every decision is
// made; that gives what a phase of its own after all decisions gives. The
// lifecycle model has prospects from the start and people lapsing later.
TEST_P(Determinism, StoriesToldChunkByChunkGiveWhatASeparatePhaseGives) {
    const auto config = experiments::load_experiment_config(config_path(), {"population.size=40000"});
    const sim::Network network = experiments::build_network(config.network, 40000, sim::CounterStream({77}));
    sim::set_threads(2);
    models::Market per_chunk(config.market, network, sim::StreamKey{99});
    models::Market separate(config.market, network, sim::StreamKey{99});
    separate.tell_in_a_separate_phase();
    std::int64_t stories = 0;
    for (std::uint32_t tick = 0; tick < 10; ++tick) {
        per_chunk.step(tick);
        separate.step(tick);
        for (std::size_t f = 0; f < config.market.firms.size(); ++f) {
            const models::FirmTally &a = per_chunk.tally()[f], &b = separate.tally()[f];
            ASSERT_EQ(std::memcmp(&a, &b, sizeof a), 0) << "firm " << f << ", tick " << tick;
            stories += a.negative_stories + a.positive_stories;
        }
        ASSERT_EQ(first_difference(per_chunk.customers(), separate.customers()), "") << "tick " << tick;
    }
    EXPECT_GT(stories, 1000) << "too few stories to compare";
}

INSTANTIATE_TEST_SUITE_P(Models, Determinism,
                         ::testing::Values("configs/reference/rm1.yaml", "tests/data/regression/lifecycle.yaml"),
                         [](const auto& info) { return std::string(info.index == 0 ? "Rm1" : "Lifecycle"); });

// RM-1 with every lifecycle mechanism off gives exactly what it gave before
// the lifecycle model existed: this digest of the per-tick tallies was
// computed by commit 737a989 (the last version without it). A change to RM-1's
// draws or arithmetic fails here; update the digest only for a deliberate one.
TEST(Rm1Regression, TalliesAreBitIdenticalToTheVersionBeforeTheLifecycleModel) {
    models::MarketParams p;
    p.population.size = 20000;
    models::FirmParams a, b;
    a.name = "a";
    b.name = "b";
    b.recovery.quick = 0.2;
    p.firms = {a, b};
    const sim::Network network = sim::watts_strogatz(20000, sim::SmallWorldParams{}, sim::CounterStream({1}));
    models::Market market(p, network, sim::StreamKey{2026});
    testing_support::Fnv1a digest;
    for (std::uint32_t tick = 0; tick < 12; ++tick) {
        market.step(tick);
        for (const auto& f : market.tally()) {
            const std::int64_t ints[] = {f.customers,       f.switched_out, f.switched_in, f.failures,
                                         f.major_failures,  f.complaints,   f.outcomes[0], f.outcomes[1],
                                         f.outcomes[2],     f.outcomes[3],  f.outcomes[4], f.negative_stories,
                                         f.positive_stories};
            const double doubles[] = {f.satisfaction_sum, f.revenue, f.recovery_cost};
            digest.mix(ints, sizeof ints);
            digest.mix(doubles, sizeof doubles);
        }
    }
    EXPECT_EQ(digest.value(), 0xc359371cfc77b591ull);
}

// The full lifecycle model (every mechanism and strategy of lifecycle.yaml)
// gives exactly what it gave at commit 6374dd1, before its draws were
// batched: a digest of every per-tick tally field of that commit, in its
// layout then (the bytes of FirmTally, which holds only 64-bit fields; its
// fields now follow models/market/FirmMetrics.hpp, and metrics added since
// are not in the digest), and of the final satisfaction and firm columns.
// Update it only for a deliberate change to the model.
// The market is tests/data/regression/lifecycle.yaml, the example as it was
// then (the example now has published yearly rates). Mechanisms added since,
// whose defaults change its dynamics, are set to what the model did then:
// barriers acting on drift alone (switching.barrier_after_failure 0; its
// default, 1, lets the firm barrier and stage factors act after a failure too).
TEST(LifecycleRegression, TalliesAreBitIdenticalToTheVersionBeforeBatchedDraws) {
    const auto config =
        experiments::load_experiment_config(CRMSIM_TEST_DATA "/regression/lifecycle.yaml",
                                            {"population.size=20000", "mechanisms.switching.barrier_after_failure=0"});
    const sim::Network network = experiments::build_network(config.network, 20000, sim::CounterStream({1}));
    models::Market market(config.market, network, sim::StreamKey{2026});
    testing_support::Fnv1a digest;
    for (std::uint32_t tick = 0; tick < 12; ++tick) {
        market.step(tick);
        for (const models::FirmTally& f : market.tally()) {
            const auto mix = [&](const auto&... v) { (digest.mix(&v, sizeof v), ...); };
            mix(f.customers, f.switched_out, f.switched_in, f.failures, f.major_failures, f.complaints, f.outcomes,
                f.negative_stories, f.positive_stories, f.satisfaction_sum, f.revenue, f.recovery_cost,
                f.compensation_cost, f.service_cost, f.programme_cost, f.offer_cost, f.acquisition_cost,
                f.termination_cost, f.members, f.offers, f.offers_accepted, f.terminated, f.limited,
                f.terminated_cost_to_serve, f.won_back, f.activated, f.cross_sold, f.dormant, f.stages,
                f.acquired_marketing, f.acquired_word_of_mouth, f.churn, f.left_market, f.major_complaints,
                f.major_outcomes, f.purchases, f.promoters, f.detractors, f.tarp);
        }
    }
    const auto& c = market.customers();
    digest.mix(c.satisfaction.data(), c.satisfaction.size() * sizeof(double));
    digest.mix(c.firm.data(), c.firm.size());
    EXPECT_EQ(digest.value(), 0x44941b3a6b643b7aull);
}

}  // namespace
