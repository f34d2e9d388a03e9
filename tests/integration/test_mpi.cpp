// Distributed runs: `mpirun -np 3 crmsim run ...` (Open MPI from Debian)
// gives the same datasets as one process. Runs are handed out dynamically,
// so which rank ran which run differs from one launch to the next; the
// results must not.
#include "tests/support/ResultFiles.hpp"
#include "tests/support/TestFolder.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace {
namespace fs = std::filesystem;

const std::string kConfig = CRMSIM_SOURCE_DIR "/configs/examples/recovery-policies.yaml";

// Small runs: 2 scenarios x 3 replications x 3 policies = 18 runs.
const std::string kSmall = " --set population.size=3000 --set experiment.ticks=8 --set experiment.replications=3 -q";

int shell(const std::string& command) {
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class Mpi : public ::testing::Test {
protected:
    void SetUp() override {
        // Open MPI refuses to start as root (as CI runs) unless told it may.
        setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
        setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
        // Under the sanitizer build, LeakSanitizer reports Open MPI's own
        // start-up allocations (from plugins it unloads) as leaks; crmsim's
        // memory is leak-checked by every other test.
        setenv("ASAN_OPTIONS", "detect_leaks=0", 0);
        ASSERT_EQ(shell("command -v mpirun > /dev/null"), 0) << "mpirun not found: .ci/deps.sh installs openmpi-bin";
    }
    std::string path(const std::string& name) const { return folder_.path(name); }
    testing_support::TestFolder folder_;
};

TEST_F(Mpi, ThreeRanksGiveTheDatasetsOfOneProcess) {
    ASSERT_EQ(shell(std::string(CRMSIM_BINARY) + " run " + kConfig + " -o " + path("one.h5") + kSmall), 0);
    const std::string mpirun = "mpirun --oversubscribe -np 3 ";
    ASSERT_EQ(shell(mpirun + CRMSIM_BINARY + " run " + kConfig + " -o " + path("three.h5") + kSmall), 0);
    EXPECT_FALSE(fs::exists(path("three.h5.partial")));
    const auto d = testing_support::compare_results(path("one.h5"), path("three.h5"), testing_support::kTimingColumns);
    EXPECT_TRUE(d.differences.empty()) << d;
    EXPECT_GT(d.datasets_compared, 18u * 18u) << d;  // 18 runs' time series, at least
}

// After a warm-up each rank warms up the (scenario, replication)s of the
// runs it is handed, sharing them among its own runs only: the datasets are
// still those of one process, which shares every warm-up.
TEST_F(Mpi, ThreeRanksGiveTheDatasetsOfOneProcessAfterAWarmUp) {
    const std::string warm = kSmall + " --set experiment.warmup=6";
    ASSERT_EQ(shell(std::string(CRMSIM_BINARY) + " run " + kConfig + " -o " + path("one.h5") + warm), 0);
    const std::string mpirun = "mpirun --oversubscribe -np 3 ";
    ASSERT_EQ(shell(mpirun + CRMSIM_BINARY + " run " + kConfig + " -o " + path("three.h5") + warm), 0);
    const auto d = testing_support::compare_results(path("one.h5"), path("three.h5"), testing_support::kTimingColumns);
    EXPECT_TRUE(d.differences.empty()) << d;
    EXPECT_GT(d.datasets_compared, 18u * 18u) << d;
}

TEST_F(Mpi, OneRankUnderMpirunIsAnOrdinaryRun) {
    ASSERT_EQ(shell(std::string(CRMSIM_BINARY) + " run " + kConfig + " -o " + path("plain.h5") + kSmall), 0);
    ASSERT_EQ(
        shell(std::string("mpirun -np 1 ") + CRMSIM_BINARY + " run " + kConfig + " -o " + path("np1.h5") + kSmall), 0);
    const auto d = testing_support::compare_results(path("plain.h5"), path("np1.h5"), testing_support::kTimingColumns);
    EXPECT_TRUE(d.differences.empty()) << d;
}

// Bad input under mpirun: every rank stops with status 2 and nothing is written.
TEST_F(Mpi, ExistingOutputIsRefusedByEveryRank) {
    ASSERT_EQ(shell(std::string(CRMSIM_BINARY) + " run " + kConfig + " -o " + path("out.h5") + kSmall), 0);
    const auto before = fs::last_write_time(path("out.h5"));
    EXPECT_EQ(shell(std::string("mpirun --oversubscribe -np 3 ") + CRMSIM_BINARY + " run " + kConfig + " -o " +
                    path("out.h5") + kSmall + " 2> /dev/null"),
              2);
    EXPECT_EQ(fs::last_write_time(path("out.h5")), before);
    EXPECT_FALSE(fs::exists(path("out.h5.partial")));
}

}  // namespace
