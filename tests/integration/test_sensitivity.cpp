// Sensitivity designs through the command line: `crmsim run` with
// sweep.method saltelli or morris writes /sensitivity, `crmsim summarize`
// prints it, runs in parallel and under mpirun give the same indices, and
// common random numbers across the design's points narrow the intervals.
#include "sim/recording/Hdf5File.hpp"
#include "tests/support/Crmsim.hpp"
#include "tests/support/ResultFiles.hpp"
#include "tests/support/TestFolder.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

namespace {
using testing_support::contains;
using testing_support::Result;

const std::string kSaltelli = CRMSIM_TEST_DATA "/configs/sensitivity_saltelli.yaml";
const std::string kMorris = CRMSIM_TEST_DATA "/configs/sensitivity_morris.yaml";

class Sensitivity : public ::testing::Test {
protected:
    Result crmsim(const std::vector<std::string>& args) {
        return testing_support::run_program(CRMSIM_BINARY, args, folder_.dir() / "stderr.txt");
    }
    std::string path(const std::string& name) const { return folder_.path(name); }
    testing_support::TestFolder folder_;
};

struct Row {
    std::string output, parameter, index;
    std::int64_t firm = 0, n = 0;
    double estimate = 0, low = 0, high = 0;
};

std::vector<Row> read_table(const std::string& file) {
    const sim::h5::File f(file, sim::h5::Mode::ReadOnly);
    const sim::h5::Group g = f.root().open_group("sensitivity");
    const auto output = g.read_strings("output"), parameter = g.read_strings("parameter"),
               index = g.read_strings("index");
    const auto firm = g.read_ints("firm"), n = g.read_ints("n");
    const auto estimate = g.read_doubles("estimate"), low = g.read_doubles("ci_low"), high = g.read_doubles("ci_high");
    std::vector<Row> rows;
    for (std::size_t k = 0; k < index.size(); ++k)
        rows.push_back({output[k], parameter[k], index[k], firm[k], n[k], estimate[k], low[k], high[k]});
    return rows;
}

TEST_F(Sensitivity, SaltelliWritesEveryIndexWithItsIntervalAndSummarizeShowsThem) {
    const Result run = crmsim({"run", kSaltelli, "-o", path("s.h5"), "-q", "--jobs", "2"});
    ASSERT_EQ(run.status, 0) << run;
    const std::vector<Row> rows = read_table(path("s.h5"));
    // 2 outputs x 2 firms x 2 parameters x (S1, ST); one replication: no noise share.
    ASSERT_EQ(rows.size(), 16u);
    std::map<std::string, int> per_index;
    for (const Row& r : rows) {
        ++per_index[r.index];
        EXPECT_EQ(r.n, 32) << r.output << " " << r.index;
        EXPECT_LE(r.low, r.high);
    }
    EXPECT_EQ(per_index["S1"], 8);
    EXPECT_EQ(per_index["ST"], 8);
    // The failure rate drives firm a's customers: S1 well above the recovery speed's.
    for (const Row& r : rows)
        if (r.output == "final_customers" && r.firm == 0 && r.index == "S1" && r.parameter == "firms.0.failure_rate")
            EXPECT_GT(r.low, 0.8);
    const sim::h5::File f(path("s.h5"), sim::h5::Mode::ReadOnly);
    const sim::h5::Group g = f.root().open_group("sensitivity");
    EXPECT_EQ(g.int_attribute("bootstrap_resamples"), 500);
    EXPECT_EQ(g.string_attribute("bootstrap_seed"), "5");  // the experiment seed, by default
    EXPECT_EQ(g.int_attribute("base_samples"), 32);

    const Result summary = crmsim({"summarize", path("s.h5")});
    ASSERT_EQ(summary.status, 0) << summary;
    EXPECT_TRUE(contains(summary.out, "sensitivity (saltelli)")) << summary.out;
    EXPECT_TRUE(contains(summary.out, "firms.0.recovery.quick")) << summary.out;
}

TEST_F(Sensitivity, MorrisGivesMuStarAndSigmaAndTheNoiseShareAndIsTheSameForAnyJobs) {
    ASSERT_EQ(crmsim({"run", kMorris, "-o", path("one.h5"), "-q", "--jobs", "1"}).status, 0);
    ASSERT_EQ(crmsim({"run", kMorris, "-o", path("two.h5"), "-q", "--jobs", "2"}).status, 0);
    const auto d = testing_support::compare_results(path("one.h5"), path("two.h5"), testing_support::kTimingColumns);
    EXPECT_TRUE(d.differences.empty()) << d;
    const std::vector<Row> rows = read_table(path("one.h5"));
    // 2 outputs x 2 firms x (3 parameters x (mu, mu*, sigma) + noise share).
    ASSERT_EQ(rows.size(), 2u * 2 * (3 * 3 + 1));
    for (const Row& r : rows) {
        if (r.index == "noise_share") {
            EXPECT_EQ(r.n, 32);  // design points
            EXPECT_GE(r.estimate, 0.0);
            EXPECT_LE(r.estimate, 1.0);
            continue;
        }
        EXPECT_EQ(r.n, 8);  // trajectories
        if (r.index == "mu_star") EXPECT_GE(r.estimate, 0.0);
        if (r.index == "sigma") EXPECT_GE(r.low, 0.0);
        EXPECT_LE(r.low, r.estimate + 1e-12 * std::abs(r.estimate));
    }
    // More failures, fewer customers: firm a's mu for the failure rate is negative, beyond its interval.
    for (const Row& r : rows)
        if (r.output == "final_customers" && r.firm == 0 && r.index == "mu" && r.parameter == "firms.0.failure_rate")
            EXPECT_LT(r.high, 0.0);
}

// The CRN claim. With common random numbers (the default for saltelli), every
// design point's run draws as point 0's does, so f(A) and f(A_B^i) differ by
// the parameters alone and the noise cancels in the estimators' differences.
// Without, each point has its own draws. Same design, same seeds otherwise;
// the intervals of firm a's indices (both outputs, S1 and ST) are compared by
// their summed width. Measured: see docs/sensitivity.md.
TEST_F(Sensitivity, CommonRandomNumbersAcrossTheDesignNarrowTheIntervals) {
    ASSERT_EQ(crmsim({"run", kSaltelli, "-o", path("crn.h5"), "-q"}).status, 0);
    ASSERT_EQ(
        crmsim({"run", kSaltelli, "-o", path("own.h5"), "-q", "--set", "sweep.common_random_numbers=false"}).status, 0);
    const auto width = [](const std::vector<Row>& rows) {
        double sum = 0;
        for (const Row& r : rows)
            if (r.firm == 0) sum += r.high - r.low;
        return sum;
    };
    const double with = width(read_table(path("crn.h5"))), without = width(read_table(path("own.h5")));
    EXPECT_LT(with, 0.75 * without) << "summed interval width with CRN " << with << ", without " << without;
}

TEST_F(Sensitivity, TwoMpiRanksGiveTheSameIndices) {
    setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
    setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
    setenv("ASAN_OPTIONS", "detect_leaks=0", 0);
    if (std::system("command -v mpirun > /dev/null") != 0)
        GTEST_FAIL() << "mpirun not found: .ci/deps.sh installs openmpi-bin";
    ASSERT_EQ(crmsim({"run", kMorris, "-o", path("one.h5"), "-q"}).status, 0);
    const Result mpi = testing_support::run_shell(
        "mpirun --oversubscribe -np 2 " + testing_support::quote(CRMSIM_BINARY) + " run " +
            testing_support::quote(kMorris) + " -o " + testing_support::quote(path("two.h5")) + " -q",
        folder_.dir() / "stderr.txt");
    ASSERT_EQ(mpi.status, 0) << mpi;
    const auto d = testing_support::compare_results(path("one.h5"), path("two.h5"), testing_support::kTimingColumns);
    EXPECT_TRUE(d.differences.empty()) << d;
    EXPECT_FALSE(read_table(path("two.h5")).empty());
}

}  // namespace
