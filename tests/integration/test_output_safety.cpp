// Output safety: a disk that fills up mid-experiment, or a folder that cannot
// be written, gives a clear error and loses nothing; --resume completes the
// experiment as if nothing had happened.
#include "tests/support/ResultFiles.hpp"
#include "tests/support/TestFolder.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace {
namespace fs = std::filesystem;

struct Result {
    int status = -1;
    std::string output;  // stdout and stderr
};

Result shell(const std::string& command) {
    Result r;
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    std::array<char, 4096> buffer{};
    while (std::fgets(buffer.data(), buffer.size(), pipe)) r.output += buffer.data();
    const int status = pclose(pipe);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

const std::string kTiny = CRMSIM_TEST_DATA "/configs/tiny.yaml";
// Long enough that the first run's file outgrows a 32 KiB file-size limit.
const std::string kLong = " --set experiment.ticks=3000 --set experiment.replications=2 -q";

class OutputSafety : public ::testing::Test {
protected:
    std::string path(const std::string& name) const { return folder_.path(name); }
    testing_support::TestFolder folder_;
};

// A full disk, simulated with a file-size limit (ulimit -f: writes past it
// fail with EFBIG; SIGXFSZ ignored so the write error reaches crmsim).
TEST_F(OutputSafety, FullDiskIsReportedAndResumeCompletes) {
    const std::string out = path("out.h5");
    const Result full =
        shell("sh -c \"trap '' XFSZ; ulimit -f 64; exec " CRMSIM_BINARY " run " + kTiny + " -o " + out + kLong + "\"");
    EXPECT_EQ(full.status, 1) << full.output;  // a failure while running, not a crash
    EXPECT_NE(full.output.find("File too large"), std::string::npos) << full.output;
    EXPECT_NE(full.output.find("--resume"), std::string::npos) << full.output;
    EXPECT_FALSE(fs::exists(out));
    ASSERT_TRUE(fs::is_directory(out + ".partial"));

    const Result resumed = shell(std::string(CRMSIM_BINARY) + " run " + kTiny + " -o " + out + kLong + " --resume");
    ASSERT_EQ(resumed.status, 0) << resumed.output;
    EXPECT_FALSE(fs::exists(out + ".partial"));
    const Result clean = shell(std::string(CRMSIM_BINARY) + " run " + kTiny + " -o " + path("clean.h5") + kLong);
    ASSERT_EQ(clean.status, 0) << clean.output;
    const auto d = testing_support::compare_results(out, path("clean.h5"), testing_support::kTimingColumns);
    EXPECT_TRUE(d.differences.empty()) << d;
    EXPECT_GT(d.datasets_compared, 2u * 18u) << d;
}

// /sys is read-only even for root, who passes every permission check.
TEST_F(OutputSafety, ReadOnlyFileSystemIsBadInput) {
    const Result r = shell(std::string(CRMSIM_BINARY) + " run " + kTiny + " -o /sys/crmsim-out.h5 -q");
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_NE(r.output.find("/sys/crmsim-out.h5"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists("/sys/crmsim-out.h5.partial"));
}

}  // namespace
