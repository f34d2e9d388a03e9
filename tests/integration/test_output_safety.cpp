// Output safety: a disk that fills up mid-experiment, or a folder that cannot
// be written, gives a clear error and loses nothing; --resume completes the
// experiment as if nothing had happened. An output that is a device, an
// input, or another live run's is refused; an interrupt says how to resume;
// a finished run's file damaged afterwards is run again.
#include "tests/support/ResultFiles.hpp"
#include "tests/support/TestFolder.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
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

std::string run_tiny(const std::string& out, const std::string& extra) {
    return std::string(CRMSIM_BINARY) + " run " + kTiny + " -o " + out + " -q " + extra;
}

std::string text_of(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Results replace the output by a rename, which would make a plain file of
// a device (as /dev/null became for root) or of a pipe.
TEST_F(OutputSafety, OutputThatIsAPipeIsRefusedEvenWithOverwrite) {
    const std::string out = path("pipe");
    ASSERT_EQ(mkfifo(out.c_str(), 0600), 0);
    const Result r = shell(run_tiny(out, "--overwrite"));
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_NE(r.output.find("is not a regular file"), std::string::npos) << r.output;
    EXPECT_TRUE(fs::is_fifo(out));
    EXPECT_FALSE(fs::exists(out + ".partial"));
}

TEST_F(OutputSafety, OutputThatIsTheConfigIsRefusedEvenWithOverwrite) {
    const std::string config = path("config.yaml");
    fs::copy_file(kTiny, config);
    const Result r = shell(std::string(CRMSIM_BINARY) + " run " + config + " -o " + config + " -q --overwrite");
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_NE(r.output.find("is an input of this experiment"), std::string::npos) << r.output;
    EXPECT_EQ(text_of(config), text_of(kTiny));
    EXPECT_FALSE(fs::exists(config + ".partial"));
}

// While one run writes OUT.partial/ it holds a lock on it (here the test
// holds it); a second run on the same output, even with --overwrite or
// --resume, is refused and leaves the folder alone.
TEST_F(OutputSafety, AnOutputALiveRunIsWritingIsRefused) {
    const std::string out = path("out.h5");
    fs::create_directory(out + ".partial");
    std::ofstream(out + ".partial/run-00000000.h5") << "the live run's";
    const int fd = open((out + ".partial").c_str(), O_RDONLY | O_DIRECTORY);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(flock(fd, LOCK_EX | LOCK_NB), 0);
    for (const char* option : {"--overwrite", "--resume", ""}) {
        const Result r = shell(run_tiny(out, option));
        EXPECT_EQ(r.status, 2) << option << "\n" << r.output;
        EXPECT_NE(r.output.find("another crmsim run is writing this output"), std::string::npos) << r.output;
    }
    close(fd);
    EXPECT_EQ(text_of(out + ".partial/run-00000000.h5"), "the live run's");
    EXPECT_FALSE(fs::exists(out));
}

// Stops `crmsim run` with SIGTERM once its first run's file is committed
// (two runs of 15,000 ticks: the second is under way). The status is the
// shell's for the process's own end, 128 + signal.
Result terminate_after_first_run(const std::string& out, const std::string& sets) {
    return shell("sh -c '" + run_tiny(out, sets) + " & pid=$!; while [ ! -e " + out +
                 ".partial/run-00000000.h5 ]; do sleep 0.02; done; kill -TERM $pid; wait $pid; echo status=$?'");
}

TEST_F(OutputSafety, InterruptSaysHowToResumeAndADamagedRunIsRunAgain) {
    const std::string out = path("out.h5");
    const std::string sets = "--jobs 1 --set experiment.ticks=15000 --set experiment.replications=2";
    const Result stopped = terminate_after_first_run(out, sets);
    EXPECT_NE(stopped.output.find("status=143"), std::string::npos) << stopped.output;
    EXPECT_NE(stopped.output.find("interrupted; the finished runs are kept in " + out + ".partial"), std::string::npos)
        << stopped.output;
    EXPECT_NE(stopped.output.find("--resume"), std::string::npos) << stopped.output;
    ASSERT_TRUE(fs::exists(out + ".partial/run-00000000.h5"));

    // The finished run's file cut short after the fact: set aside and run again.
    fs::resize_file(out + ".partial/run-00000000.h5", fs::file_size(out + ".partial/run-00000000.h5") / 2);
    const Result resumed = shell(run_tiny(out, sets + " --resume"));
    ASSERT_EQ(resumed.status, 0) << resumed.output;
    EXPECT_NE(resumed.output.find("run 0's finished file cannot be read"), std::string::npos) << resumed.output;
    EXPECT_FALSE(fs::exists(out + ".partial"));

    const Result clean = shell(run_tiny(path("clean.h5"), sets));
    ASSERT_EQ(clean.status, 0) << clean.output;
    const auto d = testing_support::compare_results(out, path("clean.h5"), testing_support::kTimingColumns);
    EXPECT_TRUE(d.differences.empty()) << d;
    EXPECT_GT(d.datasets_compared, 2u * 18u) << d;
}

// Links (issue 23, item 3). Private links in the test's folder stand in for
// /dev/stdout -> /proc/self/fd/1: crmsim must neither replace the link nor
// write through it, whatever it points to.
TEST_F(OutputSafety, OutputThatIsALinkIsRefusedEvenWithOverwrite) {
    const std::string target = path("log"), link = path("stdout");
    std::ofstream(target) << "the log";
    ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
    const std::string dangling = path("dangling.h5");
    ASSERT_EQ(symlink(path("nowhere.h5").c_str(), dangling.c_str()), 0);
    for (const std::string& out : {link, dangling})
        for (const char* option : {"--overwrite", ""}) {
            const Result r = shell(run_tiny(out, option));
            EXPECT_EQ(r.status, 2) << out << " " << option << "\n" << r.output;
            EXPECT_NE(r.output.find("is a symbolic link"), std::string::npos) << r.output;
            EXPECT_TRUE(fs::is_symlink(out));
            EXPECT_FALSE(fs::exists(out + ".partial"));
        }
    EXPECT_EQ(text_of(target), "the log");
    EXPECT_FALSE(fs::exists(path("nowhere.h5")));
}

// A link planted where crmsim once assembled (OUT.assembling) is never
// touched: the file is assembled inside OUT.partial/, which crmsim made.
TEST_F(OutputSafety, ALinkAtTheAssemblingNameIsNotWrittenThrough) {
    const std::string out = path("out.h5"), victim = path("victim");
    std::ofstream(victim) << "precious";
    ASSERT_EQ(symlink(victim.c_str(), (out + ".assembling").c_str()), 0);
    const Result r = shell(run_tiny(out, ""));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(text_of(victim), "precious");
    EXPECT_TRUE(fs::is_symlink(out + ".assembling"));
    EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(out)));
}

// OUT.partial that is a link (to a folder) or a plain file is not an
// interrupted run's folder: refused before any work, with or without
// --overwrite / --resume, and left as it is.
TEST_F(OutputSafety, APartialThatIsALinkOrAFileIsRefused) {
    const std::string linked = path("linked.h5"), plain = path("plain.h5");
    fs::create_directory(path("elsewhere"));
    ASSERT_EQ(symlink(path("elsewhere").c_str(), (linked + ".partial").c_str()), 0);
    std::ofstream(plain + ".partial") << "not a folder";
    for (const std::string& out : {linked, plain})
        for (const char* option : {"--overwrite", "--resume", ""}) {
            const Result r = shell(run_tiny(out, option));
            EXPECT_EQ(r.status, 2) << out << " " << option << "\n" << r.output;
            EXPECT_NE(r.output.find("not the folder of an interrupted crmsim run"), std::string::npos) << r.output;
            EXPECT_FALSE(fs::exists(fs::symlink_status(out)));
        }
    EXPECT_TRUE(fs::is_empty(path("elsewhere")));
    EXPECT_EQ(text_of(plain + ".partial"), "not a folder");
}

// Links inside OUT.partial/ on --resume: a finished run's file that is a
// link is set aside (the link renamed, its target untouched) and run again;
// a link at a run's temporary name is removed, not written through.
TEST_F(OutputSafety, LinksInsideThePartialFolderAreNotFollowed) {
    const std::string out = path("out.h5");
    const std::string sets = "--jobs 1 --set experiment.ticks=15000 --set experiment.replications=2";
    const Result stopped = terminate_after_first_run(out, sets);
    ASSERT_TRUE(fs::exists(out + ".partial/run-00000000.h5")) << stopped.output;
    const std::string victim = path("victim"), kept = path("run0-copy.h5");
    std::ofstream(victim) << "precious";
    fs::rename(out + ".partial/run-00000000.h5", kept);
    ASSERT_EQ(symlink(kept.c_str(), (out + ".partial/run-00000000.h5").c_str()), 0);
    fs::remove(out + ".partial/run-00000001.h5.tmp");
    ASSERT_EQ(symlink(victim.c_str(), (out + ".partial/run-00000001.h5.tmp").c_str()), 0);
    const auto kept_size = fs::file_size(kept);
    const Result resumed = shell(run_tiny(out, sets + " --resume"));
    ASSERT_EQ(resumed.status, 0) << resumed.output;
    EXPECT_NE(resumed.output.find("run 0's finished file cannot be read (it is a symbolic link)"), std::string::npos)
        << resumed.output;
    EXPECT_EQ(text_of(victim), "precious");
    EXPECT_EQ(fs::file_size(kept), kept_size);
    EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(out)));
}

// A name too long for the file system with ".partial" added is bad input
// before any work (it failed with exit 1 after the runs).
TEST_F(OutputSafety, AnOutputNameTooLongIsBadInput) {
    const std::string out = path(std::string(250, 'a') + ".h5");
    const Result r = shell(run_tiny(out, ""));
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_NE(r.output.find("the file name is too long"), std::string::npos) << r.output;
}

}  // namespace
