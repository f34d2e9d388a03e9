// The experiment engine as a user drives it through `crmsim run`: a plan of
// scenarios x sweep points x replications x policies, run one at a time or in
// parallel (--jobs), killed and resumed (--resume), with failing runs and bad
// design input. The results file must not depend on how the runs were
// scheduled: every dataset is compared bit for bit. Experiments are tiny
// (1,000-3,000 customers, 5-10 ticks) and run with --threads 1, which is the
// fastest for runs this small (results do not depend on the thread count).
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/plan/ExperimentPlan.hpp"
#include "sim/recording/Hdf5File.hpp"

#include "tests/support/ResultFiles.hpp"
#include "tests/support/TestFolder.hpp"

#include <fcntl.h>

#include "tests/support/Crmsim.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

extern char** environ;

namespace {
using testing_support::contains;
using testing_support::read_file;
using testing_support::Result;

namespace fs = std::filesystem;

const std::string kBinary = CRMSIM_BINARY;
const std::string kConfigs = std::string(CRMSIM_TEST_DATA) + "/configs/";
// 2 scenarios x 2 sweep points x 3 replications x 2 policies = 24 runs of 2,000 customers, 5 ticks.
const std::string kSmall = kConfigs + "experiment_small.yaml";
constexpr std::size_t kSmallRuns = 24;
// 1 scenario x 8 replications x 2 policies (baseline, fast-recovery) of 3,000 customers, 10 ticks.
const std::string kCrn = kConfigs + "experiment_crn.yaml";
// 2 scenarios ("small-world", "overflow": revenue overflows to inf, which fails the run) x 2 replications x 2 policies.
const std::string kFailing = kConfigs + "experiment_failing_run.yaml";

using testing_support::compare_results;
using testing_support::FileDifferences;
using testing_support::kTimingColumns;

// ---------------------------------------------------------------- running crmsim

// Starts `crmsim args...` with stdout and stderr going to files; returns the pid (or -1).
pid_t spawn_crmsim(const std::vector<std::string>& args, const fs::path& out_file, const fs::path& err_file) {
    std::vector<std::string> words = {kBinary};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, kBinary.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0 ? pid : -1;
}

// The exit status of a wait status; -1 when the process was killed by a signal.
int exit_status(int wait_status) {
    return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
}

// Asserts two results files hold the same data but for the wall times, and
// that the comparison covered every part of the file.
void expect_same_results(const std::string& a, const std::string& b) {
    const FileDifferences d = compare_results(a, b, kTimingColumns);
    EXPECT_TRUE(d.differences.empty()) << a << " vs " << b << ": " << d;
    const sim::h5::File f(a, sim::h5::Mode::ReadOnly);
    const std::size_t runs = f.root().open_group("runs").children().size();
    // /plan, /summary and /comparisons have a dozen columns or more each, every run's time series 18.
    EXPECT_GE(d.datasets_compared, 36 + 18 * runs) << d;
}

// ---------------------------------------------------------------- reading results

struct PlanRow {
    std::string scenario, policy, status, error;
    std::int64_t run_id = 0, sweep_point = 0, replication = 0;
    std::uint64_t stream_key = 0, network_key = 0;
};

std::vector<PlanRow> read_plan(const std::string& path) {
    const sim::h5::File f(path, sim::h5::Mode::ReadOnly);
    const sim::h5::Group g = f.root().open_group("plan");
    const auto id = g.read_ints("run_id"), point = g.read_ints("sweep_point"), rep = g.read_ints("replication");
    // Unsigned in the file, as `crmsim plan` prints them.
    const auto stream = g.read_unsigned("stream_key"), network = g.read_unsigned("network_key");
    const auto scenario = g.read_strings("scenario"), policy = g.read_strings("policy");
    const auto status = g.read_strings("status"), error = g.read_strings("error");
    std::vector<PlanRow> rows(id.size());
    for (std::size_t k = 0; k < rows.size(); ++k)
        rows[k] = PlanRow{scenario[k], policy[k], status[k], error[k], id[k], point[k], rep[k], stream[k], network[k]};
    return rows;
}

std::size_t index_of(const std::vector<experiments::Variant>& variants, const std::string& name) {
    for (std::size_t k = 0; k < variants.size(); ++k)
        if (variants[k].name == name) return k;
    ADD_FAILURE() << "no variant named " << name;
    return 0;
}

// The coordinates of a /plan row as a RunSpec of `config`'s design.
experiments::RunSpec spec_of(const PlanRow& row, const experiments::ExperimentConfig& config) {
    experiments::RunSpec spec;
    spec.run_id = static_cast<std::uint32_t>(row.run_id);
    spec.scenario = static_cast<std::uint32_t>(index_of(config.design.scenarios, row.scenario));
    spec.sweep_point = static_cast<std::uint32_t>(row.sweep_point);
    spec.replication = static_cast<std::uint32_t>(row.replication);
    spec.policy = static_cast<std::uint32_t>(index_of(config.design.policies, row.policy));
    return spec;
}

// One row of /comparisons.
double comparison(const std::string& path, const std::string& metric, std::int64_t firm, const char* column) {
    const sim::h5::File f(path, sim::h5::Mode::ReadOnly);
    const sim::h5::Group g = f.root().open_group("comparisons");
    const auto metrics = g.read_strings("metric");
    const auto firms = g.read_ints("firm");
    const auto values = g.read_doubles(column);
    for (std::size_t k = 0; k < metrics.size(); ++k)
        if (metrics[k] == metric && firms[k] == firm) return values[k];
    ADD_FAILURE() << path << ": no comparison of " << metric << " for firm " << firm;
    return std::nan("");
}

// ---------------------------------------------------------------- the fixture

// Each test works in a folder of its own (ctest runs tests in parallel).
class Experiments : public testing::Test {
protected:
    std::string path(const std::string& name) const { return (dir_ / name).string(); }

    // `crmsim args...` to completion.
    Result crmsim(const std::vector<std::string>& args) const {
        Result r;
        const pid_t pid = spawn_crmsim(args, dir_ / "stdout.txt", dir_ / "stderr.txt");
        if (pid < 0) return r;
        int wait_status = 0;
        ::waitpid(pid, &wait_status, 0);
        r.status = exit_status(wait_status);
        r.out = read_file(dir_ / "stdout.txt");
        r.err = read_file(dir_ / "stderr.txt");
        return r;
    }

    // `crmsim run config -o out --threads 1 extra...`.
    Result run(const std::string& config, const std::string& out, const std::vector<std::string>& extra = {}) const {
        std::vector<std::string> args = {"run", config, "-o", out, "--threads", "1"};
        args.insert(args.end(), extra.begin(), extra.end());
        return crmsim(args);
    }

    // Nothing but the captured output of crmsim in the folder: no results file, no .partial.
    void expect_no_output_written() const {
        for (const auto& entry : fs::directory_iterator(dir_)) {
            const auto name = entry.path().filename();
            EXPECT_TRUE(name == "stdout.txt" || name == "stderr.txt") << "unexpected file " << entry.path();
        }
    }

    testing_support::TestFolder folder_;
    const fs::path dir_ = folder_.dir();
};

// Finished run files in OUT.partial/: run-<id>.h5 (a run being written is run-<id>.h5.tmp).
std::size_t finished_run_files(const std::string& partial) {
    std::size_t n = 0;
    std::error_code ec;
    for (fs::directory_iterator it(partial, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        n += name.rfind("run-", 0) == 0 && name.size() > 3 && name.compare(name.size() - 3, 3, ".h5") == 0;
    }
    return n;
}

// What a killed experiment left.
struct Killed {
    bool killed_mid_experiment = false;  // false: the child had exited before the kill, or never got there
    std::size_t finished_runs = 0;       // run files in OUT.partial/ after the kill
    std::string why;                     // when not killed mid-experiment
};

// Starts `crmsim run` as a child, waits until `k` runs have finished (their
// files are in OUT.partial/), then SIGKILLs it: no chance to clean up, as
// when a machine goes down.
Killed run_and_kill(const fs::path& dir, const std::string& config, const std::string& out, std::size_t k,
                    const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"run", config, "-o", out, "--threads", "1", "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    const pid_t pid = spawn_crmsim(args, dir / "killed_stdout.txt", dir / "killed_stderr.txt");
    Killed result;
    if (pid < 0) {
        result.why = "cannot start " + kBinary;
        return result;
    }
    const std::string partial = out + ".partial";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    int wait_status = 0;
    while (true) {
        if (::waitpid(pid, &wait_status, WNOHANG) == pid) {
            result.why = "crmsim exited (status " + std::to_string(exit_status(wait_status)) + ") before " +
                         std::to_string(k) +
                         " finished runs were seen; stderr: " + read_file(dir / "killed_stderr.txt");
            return result;
        }
        if (finished_run_files(partial) >= k) break;
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &wait_status, 0);
            result.why = "no " + std::to_string(k) + " finished runs in " + partial + " after 20 s";
            return result;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &wait_status, 0);
    result.finished_runs = finished_run_files(partial);
    // Killed by our signal, with the results not yet assembled: a real interruption.
    result.killed_mid_experiment =
        WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL && !fs::exists(out) && fs::is_directory(partial);
    if (!result.killed_mid_experiment)
        result.why = "crmsim finished before the kill (output " + std::string(fs::exists(out) ? "" : "not ") +
                     "written, " + std::to_string(result.finished_runs) + " run files)";
    return result;
}

// Names and sizes of the files in a folder, to show it was left untouched.
std::map<std::string, std::string> folder_snapshot(const std::string& folder) {
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::directory_iterator(folder))
        files[entry.path().filename().string()] = read_file(entry.path());
    return files;
}

// ---------------------------------------------------------------- 1. parallel runs

TEST_F(Experiments, OneAndTwoJobsGiveIdenticalResults) {
    const Result one = run(kSmall, path("one.h5"), {"--jobs", "1"});
    ASSERT_EQ(one.status, 0) << one;
    const Result two = run(kSmall, path("two.h5"), {"--jobs", "2"});
    ASSERT_EQ(two.status, 0) << two;
    ASSERT_EQ(read_plan(path("one.h5")).size(), kSmallRuns);
    expect_same_results(path("one.h5"), path("two.h5"));
}

// The helper itself must see a difference where there is one, or the test above proves nothing.
TEST_F(Experiments, ComparisonHelperFindsDifferences) {
    ASSERT_EQ(run(kSmall, path("a.h5"), {"--set", "experiment.replications=1"}).status, 0);
    ASSERT_EQ(run(kSmall, path("b.h5"), {"--set", "experiment.replications=1", "--seed", "12"}).status, 0);
    const FileDifferences d = compare_results(path("a.h5"), path("b.h5"), kTimingColumns);
    std::ostringstream text;
    text << d;
    EXPECT_TRUE(contains(text.str(), "/plan/stream_key: values differ")) << d;
    EXPECT_TRUE(contains(text.str(), "/summary/final_customers: values differ")) << d;
    EXPECT_TRUE(contains(text.str(), "/runs/0/timeseries/customers: values differ")) << d;
    // Wall times always differ; excluded, they do not show.
    EXPECT_FALSE(contains(text.str(), "simulation_seconds")) << d;
    EXPECT_TRUE(compare_results(path("a.h5"), path("a.h5"), {}).differences.empty());
}

// ---------------------------------------------------------------- 2. seeds

TEST_F(Experiments, StreamKeysFollowCoordinatesNotRunOrder) {
    const auto config = experiments::load_experiment_config(kSmall, {});
    ASSERT_TRUE(config.experiment.common_random_numbers);
    ASSERT_EQ(run(kSmall, path("one.h5"), {"--jobs", "1"}).status, 0);
    ASSERT_EQ(run(kSmall, path("two.h5"), {"--jobs", "2"}).status, 0);
    const auto plan = read_plan(path("one.h5")), plan_two = read_plan(path("two.h5"));
    ASSERT_EQ(plan.size(), kSmallRuns);
    ASSERT_EQ(plan_two.size(), kSmallRuns);

    // (scenario, point, replication) -> the keys of its policies' runs.
    std::map<std::tuple<std::string, std::int64_t, std::int64_t>, std::set<std::uint64_t>> keys_of_replication;
    for (std::size_t k = 0; k < plan.size(); ++k) {
        const PlanRow& row = plan[k];
        EXPECT_EQ(row.run_id, static_cast<std::int64_t>(k));
        const auto spec = spec_of(row, config);
        EXPECT_EQ(row.stream_key, experiments::run_stream_key(11, spec, true, false).value) << "run " << k;
        EXPECT_EQ(row.network_key, experiments::run_stream_key(11, spec, true, true).value) << "run " << k;
        EXPECT_NE(row.stream_key, row.network_key) << "run " << k;
        // Parallel runs finish in any order; the keys stay with the coordinates.
        EXPECT_EQ(plan_two[k].stream_key, row.stream_key) << "run " << k;
        EXPECT_EQ(plan_two[k].network_key, row.network_key) << "run " << k;
        keys_of_replication[{row.scenario, row.sweep_point, row.replication}].insert(row.stream_key);
    }
    // Common random numbers: both policies of a replication share one key, and
    // no two (scenario, point, replication) share theirs.
    ASSERT_EQ(keys_of_replication.size(), kSmallRuns / 2);
    std::set<std::uint64_t> distinct;
    for (const auto& [where, keys] : keys_of_replication) {
        EXPECT_EQ(keys.size(), 1u) << std::get<0>(where) << " point " << std::get<1>(where) << " rep "
                                   << std::get<2>(where);
        distinct.insert(keys.begin(), keys.end());
    }
    EXPECT_EQ(distinct.size(), kSmallRuns / 2);
}

TEST_F(Experiments, WithoutCommonRandomNumbersPoliciesGetTheirOwnKeys) {
    const std::vector<std::string> sets = {"experiment.common_random_numbers=false", "experiment.replications=2"};
    const auto config = experiments::load_experiment_config(kSmall, sets);
    ASSERT_FALSE(config.experiment.common_random_numbers);
    ASSERT_EQ(run(kSmall, path("out.h5"), {"--jobs", "2", "--set", sets[0], "--set", sets[1]}).status, 0);
    const auto plan = read_plan(path("out.h5"));
    ASSERT_EQ(plan.size(), 16u);
    std::set<std::uint64_t> stream_keys, network_keys;
    for (const PlanRow& row : plan) {
        const auto spec = spec_of(row, config);
        EXPECT_EQ(row.stream_key, experiments::run_stream_key(11, spec, false, false).value) << "run " << row.run_id;
        EXPECT_EQ(row.network_key, experiments::run_stream_key(11, spec, false, true).value) << "run " << row.run_id;
        stream_keys.insert(row.stream_key);
        network_keys.insert(row.network_key);
    }
    // Every run its own draws, the policies of one replication included.
    EXPECT_EQ(stream_keys.size(), plan.size());
    EXPECT_EQ(network_keys.size(), plan.size());
}

// ---------------------------------------------------------------- 3. common random numbers

// With common random numbers the baseline and the policy of replication r
// get the same network, the same initial customer assignment and spends,
// and the same draws for every failure, complaint and story; only firm0's
// recovery outcomes (and what follows from them) differ. The paired
// difference in firm0's final customers is then the policy's effect (about
// +40 customers) plus a little divergence noise, while with independent
// draws it also carries the whole replication-to-replication noise of both
// runs: the initial split of 3,000 customers alone has an sd of
// sqrt(3000 / 4) ~ 27 per run, ~39 for a difference of two runs.
// Measured: with seed 23 the sd of the 8 differences is 6.1 with CRN and
// 43.4 without (ratio 7.2); over seeds 1..20 the ratio ranged 2.3..10.4
// (median ~5). The assertion asks for a factor 2, which every one of those
// seeds passes; the seed is fixed, so the outcome is deterministic anyway.
TEST_F(Experiments, CommonRandomNumbersReduceTheVarianceOfThePairedDifference) {
    const Result crn = run(kCrn, path("crn.h5"), {"--jobs", "2"});
    ASSERT_EQ(crn.status, 0) << crn;
    const Result independent =
        run(kCrn, path("independent.h5"), {"--jobs", "2", "--set", "experiment.common_random_numbers=false"});
    ASSERT_EQ(independent.status, 0) << independent;

    const double sd_crn = comparison(path("crn.h5"), "final_customers", 0, "sd_difference");
    const double sd_independent = comparison(path("independent.h5"), "final_customers", 0, "sd_difference");
    EXPECT_EQ(comparison(path("crn.h5"), "final_customers", 0, "n"), 8.0);
    EXPECT_EQ(comparison(path("independent.h5"), "final_customers", 0, "n"), 8.0);
    ASSERT_TRUE(std::isfinite(sd_crn) && std::isfinite(sd_independent)) << sd_crn << " " << sd_independent;
    EXPECT_LT(2.0 * sd_crn, sd_independent) << "sd of the paired difference in firm0's final customers: with common "
                                               "random numbers "
                                            << sd_crn << ", with independent draws " << sd_independent;
}

// ---------------------------------------------------------------- 4. resume

class ExperimentsResume : public Experiments, public testing::WithParamInterface<std::size_t> {};

// Killed after k runs finished, resumed: the same file as a run never interrupted.
TEST_P(ExperimentsResume, ResumeAfterKillEqualsAnUninterruptedRun) {
    const std::size_t k = GetParam();
    const std::string out = path("resumed.h5");
    // If the experiment is over before the kill lands, try again with runs
    // about four times longer: the test is only meaningful for a real interruption.
    const std::vector<std::vector<std::string>> sizes = {
        {}, {"--set", "population.size=3000", "--set", "experiment.ticks=10"}};
    std::vector<std::string> sets;  // of the size that was interrupted
    Killed killed;
    for (const auto& size : sizes) {
        fs::remove(out);  // what a finished first attempt left
        fs::remove_all(out + ".partial");
        std::vector<std::string> args = {"--jobs", "2"};
        args.insert(args.end(), size.begin(), size.end());
        killed = run_and_kill(dir_, kSmall, out, k, args);
        sets = size;
        if (killed.killed_mid_experiment) break;
    }
    ASSERT_TRUE(killed.killed_mid_experiment)
        << "could not interrupt the experiment after " << k << " runs: " << killed.why;
    ASSERT_GE(killed.finished_runs, k);
    ASSERT_LT(killed.finished_runs, kSmallRuns) << "every run had finished: nothing left to resume";

    // Resumed one job at a time, where the interrupted run had two.
    std::vector<std::string> resume_args = {"--resume", "--jobs", "1"};
    resume_args.insert(resume_args.end(), sets.begin(), sets.end());
    const Result resumed = run(kSmall, out, resume_args);
    ASSERT_EQ(resumed.status, 0) << resumed;
    EXPECT_TRUE(
        contains(resumed.out, "resumed: " + std::to_string(killed.finished_runs) + " run(s) were already finished"))
        << resumed;
    EXPECT_FALSE(fs::exists(out + ".partial"));

    const std::vector<std::string>& reference_args = sets;
    const Result reference = run(kSmall, path("reference.h5"), reference_args);
    ASSERT_EQ(reference.status, 0) << reference;
    ASSERT_EQ(read_plan(out).size(), kSmallRuns);
    expect_same_results(out, path("reference.h5"));
}

INSTANTIATE_TEST_SUITE_P(AfterRuns, ExperimentsResume, testing::Values(std::size_t{3}, std::size_t{12}),
                         [](const testing::TestParamInfo<std::size_t>& info) {
                             std::string name = "k";  // (not "k" + ...: a GCC 12 -Wrestrict false positive)
                             return name += std::to_string(info.param);
                         });

// ---------------------------------------------------------------- 5. a failing run

TEST_F(Experiments, FailingRunIsRecordedAndTheOthersGoOn) {
    const std::string out = path("out.h5");
    const Result r = run(kFailing, out, {"--jobs", "2"});
    EXPECT_EQ(r.status, 1) << r;
    ASSERT_TRUE(fs::is_regular_file(out)) << r;
    EXPECT_FALSE(fs::exists(out + ".partial"));
    EXPECT_TRUE(contains(r.out, "4 run(s) failed")) << r;

    const auto plan = read_plan(out);
    ASSERT_EQ(plan.size(), 8u);
    std::vector<std::int64_t> failed;
    for (const PlanRow& row : plan) {
        if (row.scenario == "overflow") {
            failed.push_back(row.run_id);
            EXPECT_EQ(row.status, "failed") << "run " << row.run_id;
            EXPECT_TRUE(contains(row.error, "money overflowed")) << row.error;
            EXPECT_TRUE(contains(row.error, "firm firm0's revenue is infinite")) << row.error;
        } else {
            EXPECT_EQ(row.status, "complete") << "run " << row.run_id << ": " << row.error;
            EXPECT_EQ(row.error, "");
        }
    }
    ASSERT_EQ(failed.size(), 4u);

    // /summary: counts -1 and amounts NaN for the failed runs, real values for the others.
    {
        const sim::h5::File f(out, sim::h5::Mode::ReadOnly);
        const sim::h5::Group root = f.root();
        EXPECT_EQ(root.string_attribute("status"), "failed runs");
        const sim::h5::Group s = root.open_group("summary");
        const auto run_id = s.read_ints("run_id");
        const auto final_customers = s.read_ints("final_customers");
        const auto profit = s.read_doubles("profit");
        const auto satisfaction = s.read_doubles("final_mean_satisfaction");
        ASSERT_EQ(run_id.size(), 16u);  // 8 runs x 2 firms
        std::int64_t customers_of_complete_runs = 0;
        for (std::size_t k = 0; k < run_id.size(); ++k) {
            const bool is_failed = std::find(failed.begin(), failed.end(), run_id[k]) != failed.end();
            if (is_failed) {
                EXPECT_EQ(final_customers[k], -1) << "row " << k;
                EXPECT_TRUE(std::isnan(profit[k])) << "row " << k;
                EXPECT_TRUE(std::isnan(satisfaction[k])) << "row " << k;
            } else {
                customers_of_complete_runs += final_customers[k];
                EXPECT_TRUE(std::isfinite(profit[k])) << "row " << k;
                EXPECT_GT(satisfaction[k], 0.0) << "row " << k;
            }
        }
        EXPECT_EQ(customers_of_complete_runs, 4 * 1000);  // customers never leave the market
        // Failed runs keep no time series; complete ones keep theirs.
        EXPECT_FALSE(root.has("runs/" + std::to_string(failed.front()) + "/timeseries"));
        EXPECT_TRUE(root.has("runs/0/timeseries"));
    }
    // Comparisons in the failing scenario have no pairs; the others have both replications.
    const sim::h5::File f(out, sim::h5::Mode::ReadOnly);
    const sim::h5::Group c = f.root().open_group("comparisons");
    const auto scenario = c.read_strings("scenario");
    const auto n = c.read_ints("n");
    const auto diff = c.read_doubles("mean_difference");
    ASSERT_FALSE(scenario.empty());
    for (std::size_t k = 0; k < scenario.size(); ++k) {
        EXPECT_EQ(n[k], scenario[k] == "overflow" ? 0 : 2) << "row " << k;
        EXPECT_EQ(std::isnan(diff[k]), scenario[k] == "overflow") << "row " << k;
    }

    const Result summary = crmsim({"summarize", out});
    EXPECT_EQ(summary.status, 0) << summary;
    EXPECT_TRUE(contains(summary.out, "status       failed runs")) << summary;
    for (const std::int64_t id : failed)
        EXPECT_TRUE(contains(summary.out, "run " + std::to_string(id) + ": failed: firm firm0's revenue is infinite"))
            << summary;
}

// ---------------------------------------------------------------- 6. bad design input

struct BadDesign {
    std::string label;
    std::string config;
    std::vector<std::string> must_mention;  // in stderr: where (file:line) and what
};

void PrintTo(const BadDesign& bad, std::ostream* os) {
    *os << bad.label;
}

class ExperimentsBadDesign : public Experiments, public testing::WithParamInterface<BadDesign> {};

TEST_P(ExperimentsBadDesign, IsRejectedBeforeAnythingIsWritten) {
    const BadDesign& bad = GetParam();
    const Result r = run(bad.config, path("out.h5"), {"--jobs", "2"});
    EXPECT_EQ(r.status, 2) << r;
    for (const auto& part : bad.must_mention) EXPECT_TRUE(contains(r.err, part)) << "missing: " << part << "\n" << r;
    expect_no_output_written();
}

INSTANTIATE_TEST_SUITE_P(Cases, ExperimentsBadDesign,
                         testing::Values(
                             // The key is only known to be wrong once the policy is applied to the
                             // base config; the error still points at the line of the policy's set.
                             BadDesign{"policy_sets_unknown_key",
                                       kConfigs + "experiment_bad_policy_key.yaml",
                                       {kConfigs + "experiment_bad_policy_key.yaml:13:", "firms.0.recovery.quik",
                                        "unknown key", "did you mean 'quick'?"}},
                             BadDesign{"sweep_low_above_high",
                                       kConfigs + "experiment_bad_sweep.yaml",
                                       {kConfigs + "experiment_bad_sweep.yaml:10:", "sweep.parameters.0.high",
                                        "must not be below low"}},
                             BadDesign{"two_baselines",
                                       kConfigs + "experiment_two_baselines.yaml",
                                       {kConfigs + "experiment_two_baselines.yaml:11:", "policies.1.baseline",
                                        "only one policy can be the baseline"}}),
                         [](const testing::TestParamInfo<BadDesign>& info) { return info.param.label; });

// ---------------------------------------------------------------- 7, 8. an interrupted run's folder

TEST_F(Experiments, FreshRunOverAnInterruptedOneNeedsResumeOrOverwrite) {
    const std::string out = path("out.h5");
    const Killed killed = run_and_kill(dir_, kSmall, out, 1, {});
    ASSERT_TRUE(killed.killed_mid_experiment) << killed.why;
    const auto before = folder_snapshot(out + ".partial");

    const Result refused = run(kSmall, out);
    EXPECT_EQ(refused.status, 2) << refused;
    EXPECT_TRUE(contains(refused.err, ".partial")) << refused;
    EXPECT_TRUE(contains(refused.err, "--resume")) << refused;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_EQ(folder_snapshot(out + ".partial"), before) << "the interrupted run's folder was changed";

    const Result again = run(kSmall, out, {"--overwrite", "--jobs", "2"});
    ASSERT_EQ(again.status, 0) << again;
    EXPECT_FALSE(contains(again.out, "resumed:")) << again;  // started over
    EXPECT_FALSE(fs::exists(out + ".partial"));
    EXPECT_EQ(read_plan(out).size(), kSmallRuns);
}

TEST_F(Experiments, ResumeWithAChangedConfigIsRefused) {
    const std::string out = path("out.h5");
    const Killed killed = run_and_kill(dir_, kSmall, out, 1, {});
    ASSERT_TRUE(killed.killed_mid_experiment) << killed.why;
    const auto before = folder_snapshot(out + ".partial");

    const Result r = run(kSmall, out, {"--resume", "--set", "firms.1.failure_rate=0.05"});
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, "the config differs")) << r;
    // Which key, with its new and old value (firm1's failure rate is the default, 0.1).
    EXPECT_TRUE(contains(r.err, "firms.1.failure_rate is 0.05, it was 0.1")) << r;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_EQ(folder_snapshot(out + ".partial"), before) << "the interrupted run's folder was changed";
}

// ---------------------------------------------------------------- 9. --resume verifies what it keeps

// Long enough (60 ticks) that a kill lands while runs remain.
const std::vector<std::string> kSlower = {"--set", "experiment.ticks=60"};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

std::string run_file(const std::string& out, int id) {
    char name[32];
    std::snprintf(name, sizeof name, "/run-%08d.h5", id);
    return out + ".partial" + name;
}

// The ids of the finished run files in OUT.partial/ (runs finish in any order with 2 jobs).
std::vector<int> finished_ids(const std::string& out) {
    std::vector<int> ids;
    for (int id = 0; id < static_cast<int>(kSmallRuns); ++id)
        if (fs::exists(run_file(out, id))) ids.push_back(id);
    return ids;
}

// A run file copied over another (ids 0 1 2 2 4 ...) is set aside and rerun:
// the resumed file equals an uninterrupted run.
TEST_F(Experiments, ResumeSetsAsideARunFileCopiedOverAnother) {
    const std::string out = path("out.h5");
    const Killed killed = run_and_kill(dir_, kSmall, out, 4, kSlower);
    ASSERT_TRUE(killed.killed_mid_experiment) << killed.why;
    const std::vector<int> ids = finished_ids(out);
    ASSERT_GE(ids.size(), 2u);
    const int from = ids[0], over = ids[1];
    fs::copy_file(run_file(out, from), run_file(out, over), fs::copy_options::overwrite_existing);

    const Result resumed = run(kSmall, out, with({"--resume", "--jobs", "2"}, kSlower));
    ASSERT_EQ(resumed.status, 0) << resumed;
    EXPECT_TRUE(contains(resumed.err, "run " + std::to_string(over) +
                                          "'s finished file is not this run's: its run_id is " + std::to_string(from) +
                                          ", the plan's is " + std::to_string(over)))
        << resumed;
    EXPECT_TRUE(contains(resumed.err, "set aside as " + run_file(out, over) + ".mismatched")) << resumed;
    const auto plan = read_plan(out);
    ASSERT_EQ(plan.size(), kSmallRuns);
    for (std::size_t k = 0; k < plan.size(); ++k) EXPECT_EQ(plan[k].run_id, static_cast<std::int64_t>(k));
    ASSERT_EQ(run(kSmall, path("reference.h5"), kSlower).status, 0);
    expect_same_results(out, path("reference.h5"));
}

// A run file from an experiment with another seed: its stream keys are not
// the plan's. Set aside and rerun.
TEST_F(Experiments, ResumeSetsAsideARunFileFromAnotherSeed) {
    const std::string out = path("out.h5"), other = path("other.h5");
    const Killed killed = run_and_kill(dir_, kSmall, out, 2, kSlower);
    ASSERT_TRUE(killed.killed_mid_experiment) << killed.why;
    const Killed killed_other = run_and_kill(dir_, kSmall, other, 2, with(kSlower, {"--seed", "12"}));
    ASSERT_TRUE(killed_other.killed_mid_experiment) << killed_other.why;
    int both = -1;  // a run finished in both
    for (const int id : finished_ids(out))
        if (fs::exists(run_file(other, id))) both = id;
    ASSERT_GE(both, 0);
    fs::copy_file(run_file(other, both), run_file(out, both), fs::copy_options::overwrite_existing);

    const Result resumed = run(kSmall, out, with({"--resume", "--jobs", "2"}, kSlower));
    ASSERT_EQ(resumed.status, 0) << resumed;
    EXPECT_TRUE(
        contains(resumed.err, "run " + std::to_string(both) + "'s finished file is not this run's: its stream_key is"))
        << resumed;
    EXPECT_TRUE(contains(resumed.err, "(another seed or design)")) << resumed;
    ASSERT_EQ(run(kSmall, path("reference.h5"), kSlower).status, 0);
    expect_same_results(out, path("reference.h5"));
}

// An edge list replaced between the kill and the resume: refused with exit 2
// naming the file (the finished runs used the old network), the folder left
// as it was; with the file restored the resume completes.
TEST_F(Experiments, ResumeRefusesAReplacedEdgeList) {
    std::string edges;
    for (int i = 0; i < 2000; ++i)
        edges += std::to_string(i) + " " + std::to_string((i + 1) % 2000) + "\n" + std::to_string(i) + " " +
                 std::to_string((i + 17) % 2000) + "\n";
    const std::string network = path("ring.edges");
    std::ofstream(network) << edges;
    std::ofstream(path("study.yaml")) << read_file(kSmall) << "\n# on a fixed network\n";
    const std::vector<std::string> sets = with(kSlower, {"--set", "network={kind: edge_list, path: ring.edges}"});
    const std::string out = path("out.h5");
    const Killed killed = run_and_kill(dir_, path("study.yaml"), out, 2, sets);
    ASSERT_TRUE(killed.killed_mid_experiment) << killed.why;
    const auto before = folder_snapshot(out + ".partial");

    std::ofstream(network) << edges << "0 1000\n";  // one edge more
    const Result refused = run(path("study.yaml"), out, with({"--resume"}, sets));
    EXPECT_EQ(refused.status, 2) << refused;
    EXPECT_TRUE(contains(refused.err, network + " (edge_list) has changed since the interrupted experiment started"))
        << refused;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_EQ(folder_snapshot(out + ".partial"), before) << "the interrupted run's folder was changed";

    std::ofstream(network) << edges;
    const Result resumed = run(path("study.yaml"), out, with({"--resume"}, sets));
    ASSERT_EQ(resumed.status, 0) << resumed;
    ASSERT_EQ(run(path("study.yaml"), path("reference.h5"), sets).status, 0);
    expect_same_results(out, path("reference.h5"));
}

}  // namespace
