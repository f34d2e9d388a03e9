// Same config and seed give bit-identical results, whatever the thread count:
// every draw is addressed by what it is for, chunk boundaries do not depend
// on threads, and floating-point totals are summed in chunk order.
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/run/BuildNetwork.hpp"
#include "experiments/run/RunExperiment.hpp"
#include "models/market/Market.hpp"
#include "sim/parallel/Threads.hpp"
#include "sim/recording/Hdf5File.hpp"

#include "tests/support/TestFolder.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <cstring>
#include <filesystem>

namespace {
namespace fs = std::filesystem;

class Determinism : public ::testing::Test {
protected:
    void TearDown() override { sim::set_threads(default_threads_); }

    // Runs a small RM-1 (word of mouth on, 3 replications) and returns the file path.
    std::string run(const std::string& name, int threads, std::vector<std::string> overrides = {}) {
        overrides.insert(overrides.end(),
                         {"population.size=30000", "experiment.ticks=12", "experiment.replications=2"});
        const auto config =
            experiments::load_experiment_config(CRMSIM_SOURCE_DIR "/configs/reference/rm1.yaml", overrides);
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
        const auto ga = runs_a.open_group(run + "/timeseries"), gb = runs_b.open_group(run + "/timeseries");
        ASSERT_EQ(ga.children(), gb.children());
        for (const auto& column : ga.children()) {
            const auto va = ga.read_doubles(column), vb = gb.read_doubles(column);
            ASSERT_EQ(va.size(), vb.size()) << column;
            const bool equal = std::memcmp(va.data(), vb.data(), va.size() * sizeof(double)) == 0;
            if (expect_equal) {
                EXPECT_TRUE(equal) << "run " << run << ", column " << column;
            }
            all_equal = all_equal && equal;
        }
    }
    if (!expect_equal) {
        EXPECT_FALSE(all_equal);
    }
}

TEST_F(Determinism, SameSeedGivesIdenticalDatasets) {
    expect_same_series(run("a.h5", 2), run("b.h5", 2));
}

TEST_F(Determinism, OneAndTwoThreadsGiveIdenticalDatasets) {
    expect_same_series(run("one.h5", 1), run("two.h5", 2));
}

TEST_F(Determinism, AnotherSeedGivesOtherResults) {
    expect_same_series(run("a.h5", 2), run("c.h5", 2, {"experiment.seed=2"}), false);
}

// Stronger than the recorded totals: the whole customer state after each tick.
TEST_F(Determinism, CustomerStateIsIdenticalForOneAndTwoThreads) {
    const auto config =
        experiments::load_experiment_config(CRMSIM_SOURCE_DIR "/configs/reference/rm1.yaml", {"population.size=40000"});
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
        ASSERT_EQ(0, std::memcmp(a.firm.data(), b.firm.data(), a.size())) << "tick " << tick;
        ASSERT_EQ(0, std::memcmp(a.satisfaction.data(), b.satisfaction.data(), a.size() * sizeof(double))) << tick;
    }
}

}  // namespace
