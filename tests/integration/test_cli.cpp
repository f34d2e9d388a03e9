// The crmsim command line as a user runs it: the real binary in a shell, its
// exit status (0 ok, 2 bad input, 1 failure while running), what it prints,
// and which files it leaves behind. Runs are tiny (2,000 customers, 5 ticks).
#include "experiments/run/Summarize.hpp"
#include "experiments/run/UsageError.hpp"
#include "sim/random/SeedDerivation.hpp"

#include "tests/support/Crmsim.hpp"
#include "tests/support/ResultFiles.hpp"
#include "tests/support/TestFolder.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {
using testing_support::contains;
using testing_support::quote;
using testing_support::read_file;
using testing_support::Result;
using testing_support::run_shell;

namespace fs = std::filesystem;

const std::string kBinary = CRMSIM_BINARY;
const std::string kPython = CRMSIM_PYTHON;
const std::string kConfigs = std::string(CRMSIM_TEST_DATA) + "/configs/";
const std::string kTiny = kConfigs + "tiny.yaml";
const std::string kRm1 = std::string(CRMSIM_SOURCE_DIR) + "/configs/reference/rm1.yaml";

// Each test works in a folder of its own (tests may run in parallel under ctest).
class Cli : public testing::Test {
protected:
    // `crmsim` followed by `args`, each quoted for the shell.
    Result crmsim(const std::vector<std::string>& args) const {
        return testing_support::run_program(kBinary, args, dir_ / "stderr.txt");
    }

    // The tiny experiment, written to `out` (extra arguments appended).
    Result run_tiny(const std::string& out, std::vector<std::string> extra = {}) const {
        std::vector<std::string> args = {"run", kTiny, "-o", out};
        args.insert(args.end(), extra.begin(), extra.end());
        return crmsim(args);
    }

    std::string path(const std::string& name) const { return folder_.path(name); }

    // Nothing but the captured stderr in the folder: no results file, no .partial.
    void expect_no_output_written() const {
        for (const auto& entry : fs::directory_iterator(dir_))
            EXPECT_EQ(entry.path().filename(), "stderr.txt") << "unexpected file " << entry.path();
    }

    testing_support::TestFolder folder_;
    const fs::path dir_ = folder_.dir();
};

// ---------------------------------------------------------------- help and arguments

TEST_F(Cli, HelpListsTheCommands) {
    const Result r = crmsim({"--help"});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_TRUE(contains(r.out, "crmsim run CONFIG -o OUT.h5")) << r;
    EXPECT_TRUE(contains(r.out, "crmsim plan CONFIG")) << r;
    EXPECT_TRUE(contains(r.out, "crmsim summarize OUT.h5")) << r;
    EXPECT_TRUE(contains(r.out, "crmsim metrics")) << r;
    EXPECT_EQ(r.err, "");
}

TEST_F(Cli, RunHelpListsTheOptions) {
    const Result r = crmsim({"run", "--help"});
    ASSERT_EQ(r.status, 0) << r;
    for (const char* option : {"--set", "--threads", "--seed", "--overwrite", "--output"})
        EXPECT_TRUE(contains(r.out, option)) << option << "\n" << r;
}

// crmsim metrics prints the time-series columns as a Markdown table (the
// one in docs/metrics.md, checked there by MetricRegistry.DocsTableIsTheRegistrys):
// a header and one row per column, the new ones included; it takes no argument.
TEST_F(Cli, MetricsPrintsTheColumnTable) {
    const Result r = crmsim({"metrics"});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out.rfind("| column | type | unit | description |\n|---|---|---|---|\n", 0), 0u) << r;
    for (const char* row : {"| `tick` | int64 | tick |", "| `profit` | float64 | currency units |",
                            "| `guarantee_cost` | float64 | currency units |", "| `mean_expectation` | float64 | 1 |"})
        EXPECT_TRUE(contains(r.out, row)) << row << "\n" << r;
    EXPECT_EQ(r.err, "");
    const Result extra = crmsim({"metrics", "timeseries"});
    EXPECT_EQ(extra.status, 2) << extra;
    EXPECT_TRUE(contains(extra.err, "unexpected argument 'timeseries'")) << extra;
    EXPECT_EQ(extra.out, "");
}

TEST_F(Cli, NoArgumentsIsBadInput) {
    const Result r = crmsim({});
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, "Usage:")) << r;
}

TEST_F(Cli, UnknownCommandIsBadInput) {
    const Result r = crmsim({"frobnicate"});
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, "unknown command 'frobnicate'")) << r;
}

TEST_F(Cli, UnknownOptionIsBadInput) {
    const Result r = run_tiny(path("out.h5"), {"--frobnicate"});
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, "frobnicate")) << r;
    expect_no_output_written();
}

TEST_F(Cli, NegativeThreadsIsBadInput) {
    const Result r = run_tiny(path("out.h5"), {"--threads", "-1"});
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, "--threads -1: must be 0 (all cores) to 1024")) << r;
    expect_no_output_written();
}

TEST_F(Cli, NegativeJobsIsBadInput) {
    const Result r = run_tiny(path("out.h5"), {"--jobs", "-1"});
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, "--jobs")) << r;
    expect_no_output_written();
}

TEST_F(Cli, NegativeSeedIsBadInputNotWrappedAround) {
    const Result r = run_tiny(path("out.h5"), {"--seed", "-1"});
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, "experiment.seed=-1")) << r;  // not 18446744073709551615
    EXPECT_TRUE(contains(r.err, "must be in [0, ")) << r;
    expect_no_output_written();
}

TEST_F(Cli, ResumeWithNothingToResumeIsBadInput) {
    const Result r = run_tiny(path("out.h5"), {"--resume"});
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, "nothing to resume")) << r;
    expect_no_output_written();
}

// CRMSIM_SIMD is read by the loops only once they run: a value that names
// no width must still be refused before the run creates its output (it
// had left OUT.h5.partial/ behind, which the next run took for an
// interrupted one).
TEST_F(Cli, UnknownSimdWidthIsBadInputAndWritesNothing) {
    const Result r =
        run_shell("CRMSIM_SIMD=bogus " + quote(kBinary) + " run " + quote(kTiny) + " -o " + quote(path("out.h5")),
                  dir_ / "stderr.txt");
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, "CRMSIM_SIMD=bogus: must be scalar, avx2, avx512 or native")) << r;
    expect_no_output_written();
}

// The switches that force a path (CRMSIM_SIMD, --general-loops) give the
// same results file as the default, for RM-1 and the lifecycle model, as a
// user runs them: a process each, the environment read once.
TEST_F(Cli, EveryVectorWidthAndTheGeneralLoopsWriteTheSameResults) {
    const std::string lifecycle = std::string(CRMSIM_SOURCE_DIR) + "/configs/examples/lifecycle.yaml";
    for (const std::string& config : {kRm1, lifecycle}) {
        const std::string size = " --set population.size=3001 --set experiment.ticks=8 --threads 2";
        const auto run = [&](const std::string& name, const std::string& prefix, const std::string& option) {
            const Result r = run_shell(
                prefix + quote(kBinary) + " run " + quote(config) + " -o " + quote(path(name)) + size + option + " -q",
                dir_ / "stderr.txt");
            EXPECT_EQ(r.status, 0) << name << "\n" << r;
            return path(name);
        };
        const std::string native = run("native.h5", "", "");
        for (const char* width : {"scalar", "avx2", "avx512", "native"}) {
            const std::string other =
                run("simd-" + std::string(width) + ".h5", "CRMSIM_SIMD=" + std::string(width) + " ", "");
            const auto d = testing_support::compare_results(native, other, testing_support::kTimingColumns);
            EXPECT_TRUE(d.differences.empty()) << config << ", CRMSIM_SIMD=" << width << ": " << d;
            EXPECT_GT(d.datasets_compared, 50u);
        }
        const std::string general = run("general.h5", "", " --general-loops");
        const auto d = testing_support::compare_results(native, general, testing_support::kTimingColumns);
        EXPECT_TRUE(d.differences.empty()) << config << ", --general-loops: " << d;
        for (const auto& entry : fs::directory_iterator(dir_))  // the next config writes the same names
            if (entry.path().extension() == ".h5") fs::remove(entry.path());
    }
}

TEST_F(Cli, MissingOutputFolderIsBadInput) {
    const std::string out = path("no_such_folder/out.h5");
    const Result r = run_tiny(out);
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, "does not exist")) << r;
    EXPECT_FALSE(fs::exists(path("no_such_folder")));
}

// ---------------------------------------------------------------- a good run

// The per-firm rows of the run summary: name, customers at start and at end.
struct FirmRow {
    std::string name;
    long initial = 0;
    long final_customers = 0;
};

// Run 0's block of the summary: a line "  metric  firm0  firm1", then one
// line per metric with a value per firm.
std::vector<FirmRow> firm_rows(const std::string& summary) {
    std::vector<FirmRow> rows;
    std::istringstream lines(summary);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream words(line);
        std::string first;
        words >> first;
        if (first == "metric") {
            if (!rows.empty()) break;  // the next run's block
            for (std::string name; words >> name;) rows.push_back(FirmRow{name});
        }
        for (FirmRow& row : rows) {
            if (first == "initial_customers") words >> row.initial;
            if (first == "final_customers") words >> row.final_customers;
        }
    }
    return rows;
}

TEST_F(Cli, RunWritesTheResultsAndPrintsAPerFirmSummary) {
    const std::string out = path("out.h5");
    const Result r = run_tiny(out);
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_TRUE(fs::is_regular_file(out));
    EXPECT_FALSE(fs::exists(out + ".partial"));
    EXPECT_TRUE(contains(r.out, "tiny: 1 run(s) x 5 ticks x 2000 customers")) << r;
    EXPECT_TRUE(contains(r.out, "\nrun 0  base / point 0 / rep 0 / baseline\n")) << r;
    EXPECT_TRUE(contains(r.out, "M agent-ticks/s per run), network builds")) << r;

    // Both firms, and customers move between them but never leave the market.
    const std::vector<FirmRow> rows = firm_rows(r.out);
    ASSERT_EQ(rows.size(), 2u) << r;
    EXPECT_EQ(rows[0].name, "firm0");
    EXPECT_EQ(rows[1].name, "firm1");
    EXPECT_EQ(rows[0].initial + rows[1].initial, 2000);
    EXPECT_EQ(rows[0].final_customers + rows[1].final_customers, 2000);
}

TEST_F(Cli, ExistingOutputIsKeptWithoutOverwrite) {
    const std::string out = path("out.h5");
    ASSERT_EQ(run_tiny(out).status, 0);
    const std::string bytes = read_file(out);
    const auto mtime = fs::last_write_time(out);

    const Result again = run_tiny(out, {"--seed", "7"});
    EXPECT_EQ(again.status, 2) << again;
    EXPECT_TRUE(contains(again.err, "exists")) << again;
    EXPECT_TRUE(contains(again.err, "--overwrite")) << again;
    EXPECT_EQ(read_file(out), bytes);
    EXPECT_EQ(fs::last_write_time(out), mtime);
    EXPECT_FALSE(fs::exists(out + ".partial"));
}

TEST_F(Cli, OverwriteReplacesTheOutput) {
    const std::string out = path("out.h5");
    ASSERT_EQ(run_tiny(out).status, 0);
    struct stat before {};
    ASSERT_EQ(::stat(out.c_str(), &before), 0);

    const Result again = run_tiny(out, {"--overwrite", "--seed", "7"});
    ASSERT_EQ(again.status, 0) << again;
    struct stat after {};
    ASSERT_EQ(::stat(out.c_str(), &after), 0);
    // A new file renamed into place, not the old one rewritten.
    EXPECT_NE(after.st_ino, before.st_ino);
    EXPECT_FALSE(fs::exists(out + ".partial"));
    const Result summary = crmsim({"summarize", out});
    ASSERT_EQ(summary.status, 0) << summary;
    EXPECT_TRUE(contains(summary.out, "(seed 7, 5 ticks")) << summary;
}

TEST_F(Cli, EdgeListNetworkIsFoundRelativeToTheConfig) {
    const Result r = crmsim({"run", kConfigs + "edge_list_ok.yaml", "-o", path("out.h5")});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_TRUE(contains(r.out, "x 6 customers")) << r;
    EXPECT_TRUE(fs::is_regular_file(path("out.h5")));
}

// ---------------------------------------------------------------- bad configs

struct BadConfig {
    std::string label;
    std::string config;                     // a file under tests/data/configs, or a path
    std::vector<std::string> must_mention;  // in stderr: where (file:line) and what (key, reason)
};

// Names the case in test listings (instead of a dump of the struct's bytes).
void PrintTo(const BadConfig& bad, std::ostream* os) {
    *os << bad.label;
}

class CliBadConfig : public Cli, public testing::WithParamInterface<BadConfig> {};

TEST_P(CliBadConfig, IsBadInputAndWritesNothing) {
    const BadConfig& bad = GetParam();
    const Result r = crmsim({"run", bad.config, "-o", path("out.h5")});
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_EQ(r.out, "");
    for (const auto& part : bad.must_mention) EXPECT_TRUE(contains(r.err, part)) << "missing: " << part << "\n" << r;
    expect_no_output_written();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CliBadConfig,
    testing::Values(
        BadConfig{"unknown_key",
                  kConfigs + "tiny_unknown_key.yaml",
                  {kConfigs + "tiny_unknown_key.yaml:11:5: key 'firms.0.failure_rat'", "did you mean 'failure_rate'?"}},
        BadConfig{"wrong_type",
                  kConfigs + "tiny_wrong_type.yaml",
                  {kConfigs + "tiny_wrong_type.yaml:7:9: key 'population.size'", "expected a whole number"}},
        BadConfig{"probability_above_one",
                  kConfigs + "tiny_bad_probability.yaml",
                  {kConfigs + "tiny_bad_probability.yaml:14:23: key 'mechanisms.complaints.minor'",
                   "must be in [0, 1], found 1.3"}},
        BadConfig{"missing_config_file",
                  kConfigs + "no_such_config.yaml",
                  {kConfigs + "no_such_config.yaml: no such config file"}},
        BadConfig{"edge_list_file_missing",
                  kConfigs + "edge_list_missing.yaml",
                  {"edge_list_missing.yaml:10:", "network.path", "networks/does_not_exist.edges", "not found"}},
        BadConfig{"edge_list_malformed_line",
                  kConfigs + "edge_list_bad.yaml",
                  {"edge_list_bad.yaml:10:", "network.path", "networks/bad_line3.edges:3:", "expected two node ids"}}),
    [](const testing::TestParamInfo<BadConfig>& info) { return info.param.label; });

TEST_F(Cli, BadSetValueNamesTheCommandLine) {
    const Result r = run_tiny(path("out.h5"), {"--set", "firms.1.failure_rate=often"});
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, "--set firms.1.failure_rate=often: key 'firms.1.failure_rate': expected a number"))
        << r;
    expect_no_output_written();
}

// ---------------------------------------------------------------- plan and summarize

std::string hex16(std::uint64_t value) {
    char text[32];
    std::snprintf(text, sizeof text, "0x%016llx", static_cast<unsigned long long>(value));
    return text;
}

TEST_F(Cli, PlanListsRunZeroWithItsStreamKey) {
    const Result r = crmsim({"plan", kRm1});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_TRUE(contains(r.out,
                         "rm1: 1 run(s) = 1 scenario(s) x 1 sweep point(s) x 1 replication(s) x 1 policy; "
                         "60 ticks, 100000 customers, seed 1"))
        << r;
    EXPECT_TRUE(contains(r.out, "run_id  scenario")) << r;
    // The key a run of seed 1, replication 0 uses (the seeding policy in one place).
    const std::string key = hex16(sim::derive_stream_key(1, {0, 0, 0, 0}).value);
    EXPECT_TRUE(contains(r.out, "     0  base                 0    0  baseline          " + key + "\n")) << key << "\n"
                                                                                                         << r;
}

TEST_F(Cli, PlanHonoursSetAndSeed) {
    const Result r = crmsim({"plan", kRm1, "--set", "experiment.replications=3", "--seed", "42"});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_TRUE(contains(r.out,
                         "rm1: 3 run(s) = 1 scenario(s) x 1 sweep point(s) x 3 replication(s) x 1 policy; "
                         "60 ticks, 100000 customers, seed 42"))
        << r;
    for (std::uint32_t run = 0; run < 3; ++run) {
        const std::string key = hex16(sim::derive_stream_key(42, {0, 0, run, 0}).value);
        EXPECT_TRUE(contains(r.out, "     " + std::to_string(run) + "  base                 0    " +
                                        std::to_string(run) + "  baseline          " + key))
            << r;
    }
}

// What each policy sets, a policy file's values included, with where it is written.
TEST_F(Cli, PlanListsWhatEachPolicySets) {
    const std::string config = std::string(CRMSIM_SOURCE_DIR) + "/configs/examples/strategy-comparison.yaml";
    const Result r = crmsim({"plan", config});
    ASSERT_EQ(r.status, 0) << r;
    const std::string policies = std::string(CRMSIM_SOURCE_DIR) + "/configs/examples/../policies/";
    EXPECT_TRUE(contains(r.out, "set by scenarios and policies, in order:\n")) << r;
    EXPECT_TRUE(contains(r.out, "  policy win-back: firms.0.win_back.enabled = true  (" + policies + "win-back.yaml:"))
        << r;
    EXPECT_TRUE(contains(
        r.out, "  policy loyalty-top20: firms.0.loyalty.top_share = 0.20  (" + policies + "loyalty-top20.yaml:"))
        << r;
    // Without scenarios or policies there is nothing to list.
    EXPECT_FALSE(contains(crmsim({"plan", kRm1}).out, "set by scenarios and policies"));
}

TEST_F(Cli, SummarizePrintsWhatTheFileHolds) {
    const std::string out = path("out.h5");
    const Result run = run_tiny(out);
    ASSERT_EQ(run.status, 0) << run;
    const Result r = crmsim({"summarize", out});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_TRUE(contains(r.out, "experiment   tiny (seed 1, 5 ticks of 7 days, 1 replication(s))")) << r;
    EXPECT_TRUE(contains(r.out, "status       complete")) << r;
    EXPECT_TRUE(contains(r.out, "firm0")) << r;
    EXPECT_TRUE(contains(r.out, "firm1")) << r;
}

TEST_F(Cli, SummarizeOfAMissingFileIsBadInput) {
    const std::string missing = path("missing.h5");
    const Result r = crmsim({"summarize", missing});
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, missing + ": no such file")) << r;
}

TEST_F(Cli, SummarizeOfANonHdf5FileIsBadInput) {
    const Result r = crmsim({"summarize", kTiny});
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, kTiny + ": not an HDF5 file")) << r;
}

// Every /summary metric is shown, per run a block of metric x firm; --metric
// picks some (an unknown one is bad input), --rows 0 lists every run.
TEST_F(Cli, SummarizeShowsEveryMetricAndTakesOptions) {
    const std::string out = path("out.h5");
    ASSERT_EQ(run_tiny(out, {"-q", "--set", "experiment.replications=3"}).status, 0);
    const Result all = crmsim({"summarize", out});
    ASSERT_EQ(all.status, 0) << all;
    for (const char* metric : {"initial_customers", "final_customers", "switched_out", "failures", "complaints",
                               "revenue", "recovery_cost", "profit", "final_mean_satisfaction", "negative_stories",
                               "positive_stories", "acquired", "terminated", "won_back", "final_customer_equity"})
        EXPECT_TRUE(contains(all.out, std::string("  ") + metric + " ")) << metric << "\n" << all;
    EXPECT_TRUE(contains(all.out, "\nrun 2  base / point 0 / rep 2 / baseline\n")) << all;

    const Result some = crmsim({"summarize", out, "--metric", "profit", "--rows", "1"});
    ASSERT_EQ(some.status, 0) << some;
    EXPECT_TRUE(contains(some.out, "  profit ")) << some;
    EXPECT_FALSE(contains(some.out, "  revenue ")) << some;
    EXPECT_FALSE(contains(some.out, "\nrun 1 ")) << some;
    EXPECT_TRUE(contains(some.out, "... 2 more run(s): --rows 0 lists all")) << some;

    const Result unknown = crmsim({"summarize", out, "--metric", "proffit"});
    EXPECT_EQ(unknown.status, 2) << unknown;
    EXPECT_TRUE(contains(unknown.err, "--metric proffit: no such metric in /summary (did you mean profit?)"))
        << unknown;
}

// A FIFO would make HDF5 wait forever for a writer: refused at once.
TEST_F(Cli, SummarizeOfAPipeIsBadInputAndDoesNotHang) {
    const std::string fifo = path("fifo.h5");
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    const Result r = run_shell("timeout 20 " + quote(kBinary) + " summarize " + quote(fifo), dir_ / "stderr.txt");
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, fifo + ": is not a regular file")) << r;
}

// A plan prints the memory its largest run needs, from the model's columns.
TEST_F(Cli, PlanPrintsTheMemoryARunNeeds) {
    const Result r = crmsim({"plan", kTiny});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_TRUE(contains(r.out, "memory: about ")) << r;
    EXPECT_TRUE(contains(r.out, " per run (2000 customers x ")) << r;
    const Result big = crmsim({"plan", kTiny, "--set", "population.size=4000000000"});
    ASSERT_EQ(big.status, 0) << big;
    EXPECT_TRUE(contains(big.out, "crmsim run would refuse it: the experiment needs about ")) << big;
}

// A population the machine cannot hold (4e9 customers, or 5e7 under a
// 1 GB address-space limit) is refused before anything is written, with
// exit 2; it failed every run with std::bad_alloc (exit 1).
TEST_F(Cli, ARunThatCannotFitInMemoryIsRefusedBeforeWriting) {
    const Result huge = run_tiny(path("huge.h5"), {"--set", "population.size=4000000000"});
    EXPECT_EQ(huge.status, 2) << huge;
    EXPECT_TRUE(contains(huge.err, "the experiment needs about ")) << huge;
    EXPECT_TRUE(contains(huge.err, "lower population.size")) << huge;
    expect_no_output_written();
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
    // AddressSanitizer reserves terabytes of address space for its shadow
    // memory, so under a `ulimit -v` the binary cannot even start (abort, 134).
    GTEST_SKIP() << "the address-space limits below cannot be tested under AddressSanitizer";
#endif
#endif

    const Result limited = run_shell("ulimit -v 1000000; " + quote(kBinary) + " run " + quote(kTiny) + " -o " +
                                         quote(path("lim.h5")) + " --set population.size=50000000",
                                     dir_ / "stderr.txt");
    EXPECT_EQ(limited.status, 2) << limited;
    EXPECT_TRUE(contains(limited.err, "the address-space limit (ulimit -v) allows")) << limited;
    expect_no_output_written();

    // --jobs 4 of runs that fit one at a time: the four at once do not.
    const Result jobs =
        run_shell("ulimit -v 1500000; " + quote(kBinary) + " run " + quote(kTiny) + " -o " + quote(path("jobs.h5")) +
                      " --jobs 4 --set population.size=3000000 --set experiment.replications=4",
                  dir_ / "stderr.txt");
    EXPECT_EQ(jobs.status, 2) << jobs;
    EXPECT_TRUE(contains(jobs.err, "4 runs at once x ")) << jobs;
    EXPECT_TRUE(contains(jobs.err, "lower --jobs")) << jobs;
    expect_no_output_written();
}

// ---------------------------------------------------------------- reading the results in Python

class CliPython : public Cli {
protected:
    void SetUp() override {
        if (kPython.empty()) GTEST_SKIP() << "no python3 with h5py and pandas (CRMSIM_PYTHON is empty)";
    }

    Result python(const std::string& script) const {
        return run_shell(quote(kPython) + " -c " + quote(script), dir_ / "stderr.txt");
    }
};

TEST_F(CliPython, ReadmePandasSnippetReadsTheTimeSeries) {
    const std::string out = path("out.h5");
    ASSERT_EQ(run_tiny(out).status, 0);
    // One row per firm and tick: 2 firms x 5 ticks.
    const Result r = python("import h5py, pandas as pd; f=h5py.File(" + quote(out) +
                            ",'r'); ts=pd.DataFrame({k: v[()] for k, v in f['runs/0/timeseries'].items()}); "
                            "assert len(ts)==2*5; print(ts.columns.tolist())");
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_TRUE(contains(r.out, "'mean_satisfaction'")) << r;
    EXPECT_TRUE(contains(r.out, "'tick'")) << r;
    EXPECT_TRUE(contains(r.out, "'firm'")) << r;
}

// The h5py examples of docs/results-file.md ("Reading results in Python"), run as written
// on a real results file: the docs cannot drift from the file layout.
TEST_F(CliPython, ReadmePythonExamplesRunOnARealFile) {
    const std::string out = path("out.h5");
    ASSERT_EQ(run_tiny(out).status, 0);
    const std::string readme = read_file(CRMSIM_SOURCE_DIR "/docs/results-file.md");
    const std::size_t from = readme.find("## Reading results in Python");
    const std::string section = readme.substr(from, readme.find("\n## ", from) - from);
    std::string script;
    for (std::size_t at = section.find("```python\n"); at != std::string::npos;
         at = section.find("```python\n", at + 1)) {
        const std::size_t begin = at + std::string("```python\n").size();
        script += section.substr(begin, section.find("```", begin) - begin);
    }
    ASSERT_TRUE(contains(script, "def table(group)")) << script;
    const std::string placeholder = "results/quickstart.h5";
    ASSERT_TRUE(contains(script, placeholder)) << script;
    script.replace(script.find(placeholder), placeholder.size(), out);
    const Result r = python(script);
    ASSERT_EQ(r.status, 0) << r << "\n" << script;
    EXPECT_TRUE(contains(r.out, "silent")) << r;  // the pooled TARP table printed
}

TEST_F(CliPython, ConfigAttributeIsAStringWithTheResolvedConfig) {
    const std::string out = path("out.h5");
    ASSERT_EQ(run_tiny(out).status, 0);
    const Result r = python("import h5py; c=h5py.File(" + quote(out) +
                            ",'r').attrs['config']; assert isinstance(c, str), type(c); "
                            "assert 'watts_strogatz' in c; print(c)");
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_TRUE(contains(r.out, "kind: watts_strogatz")) << r;
    EXPECT_TRUE(contains(r.out, "size: 2000")) << r;
}

// A results file damaged inside (a compressed chunk overwritten; h5py finds
// where it lies) is bad input, exit 2, like one that is not HDF5 at all.
TEST_F(CliPython, SummarizeOfADamagedResultsFileIsBadInput) {
    const std::string out = path("damaged.h5");
    ASSERT_EQ(run_tiny(out, {"-q"}).status, 0);
    const Result damage = python(
        "import h5py\n"
        "with h5py.File(" +
        quote(out) +
        ") as f:\n"
        "    where = f['summary/revenue'].id.get_chunk_info(0)\n"
        "with open(" +
        quote(out) +
        ", 'r+b') as raw:\n"
        "    raw.seek(where.byte_offset)\n"
        "    raw.write(b'\\xff' * where.size)\n");
    ASSERT_EQ(damage.status, 0) << damage;
    const Result r = crmsim({"summarize", out});
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, out + ": a crmsim results file, but damaged")) << r;
}

// A damaged file on which HDF5's global-heap reader loops without end (found
// by the results fuzzer; it hung CI) is bad input once the reading child has
// used its CPU-time limit, and summarize returns.
TEST(Summarize, AFileOnWhichHdf5LoopsWithoutEndIsBadInput) {
    const std::string file = CRMSIM_SOURCE_DIR "/tests/fuzz/results-corpus/hdf5-global-heap-endless-loop.h5";
    experiments::SummarizeOptions options;
    options.cpu_seconds = 2;
    std::ostringstream printed;
    try {
        experiments::summarize_file(file, printed, options);
        FAIL() << "summarized a damaged file:\n" << printed.str();
    } catch (const experiments::UsageError& e) {
        EXPECT_TRUE(contains(e.what(), "damaged: reading it did not end within 2 CPU seconds")) << e.what();
    }
}

// Damaged results files (issue 23, item 4): indices and lengths read from the
// file are checked, so each damage is exit 2 with a message, never a crash
// (SIGSEGV, std::bad_alloc), exit 1, or a value the file does not hold.
TEST_F(CliPython, SummarizeOfDamagedIndicesAndLengthsIsBadInput) {
    const std::string good = path("good.h5");
    ASSERT_EQ(run_tiny(good, {"-q"}).status, 0);
    struct Damage {
        std::string name, python, message;
    };
    const std::vector<Damage> damages = {
        {"run_id one past the end", "f['summary/run_id'][0] = 1", "/summary/run_id row 0 is 1, outside 0..0"},
        {"run_id 2^40", "f['summary/run_id'][1] = 2**40", "/summary/run_id row 1 is 1099511627776"},
        {"run_id -1", "f['summary/run_id'][0] = -1", "/summary/run_id row 0 is -1"},
        {"plan run_id", "f['plan/run_id'][0] = 5", "/plan/run_id row 0 is 5"},
        {"a shortened column", "v = f['summary/revenue'][:1]; del f['summary/revenue']; f['summary/revenue'] = v",
         "/summary/revenue has 1 rows, the table 2"},
        {"a text column where numbers are", "del f['summary/profit']; f['summary/profit'] = [b'x', b'y']", "damaged"},
        {"no /plan", "del f['plan']", "no /plan table"},
    };
    for (const Damage& d : damages) {
        const std::string out = path("damaged.h5");
        fs::copy_file(good, out, fs::copy_options::overwrite_existing);
        const Result damage = python("import h5py\nwith h5py.File(" + quote(out) + ", 'r+') as f:\n    " + d.python);
        ASSERT_EQ(damage.status, 0) << d.name << "\n" << damage;
        const Result r = crmsim({"summarize", out});
        EXPECT_EQ(r.status, 2) << d.name << "\n" << r;
        EXPECT_TRUE(contains(r.err, out + ": a crmsim results file, but damaged")) << d.name << "\n" << r;
        EXPECT_TRUE(contains(r.err, d.message)) << d.name << "\n" << r;
    }
}

// Bits flipped across the file's first 4 KiB (its superblock, object headers
// and attributes), one file per byte: each copy summarizes (the flip hit
// nothing read) or is bad input (exit 2); never exit 1 or a crash.
TEST_F(CliPython, SummarizeOfFlippedMetadataBitsIsBadInputOrUnchanged) {
    const std::string good = path("good.h5");
    ASSERT_EQ(run_tiny(good, {"-q"}).status, 0);
    const std::string clean = crmsim({"summarize", good}).out;
    int damaged = 0;
    for (int offset = 0; offset < 4096; offset += 61) {
        const std::string out = path("flipped.h5");
        fs::copy_file(good, out, fs::copy_options::overwrite_existing);
        {
            std::fstream raw(out, std::ios::in | std::ios::out | std::ios::binary);
            raw.seekg(offset);
            const char byte = static_cast<char>(raw.get() ^ 0x5A);
            raw.seekp(offset);
            raw.put(byte);
        }
        const Result r = crmsim({"summarize", out});
        EXPECT_TRUE(r.status == 0 || r.status == 2) << "byte " << offset << "\n" << r;
        if (r.status == 2) {
            ++damaged;
            EXPECT_TRUE(contains(r.err, out + ": ")) << "byte " << offset << "\n" << r;
        }
    }
    EXPECT_GT(damaged, 0);  // the flips did reach what summarize reads
    EXPECT_FALSE(clean.empty());
}

}  // namespace
