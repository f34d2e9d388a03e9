// A results file that reruns itself, and common random numbers across
// scenarios. A study is written into a folder of its own (config, a policy
// file it `use:`s, an edge list), run, and its folder then removed: `crmsim
// run RESULTS.h5 -o NEW.h5`, from another folder, must give the same
// datasets bit for bit, and `crmsim config RESULTS.h5` a config that runs to
// them too. Experiments are tiny (300-2,000 customers, 4-6 ticks).
#include "sim/recording/Hdf5File.hpp"

#include "tests/support/Crmsim.hpp"
#include "tests/support/ResultFiles.hpp"
#include "tests/support/TestFolder.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace {
using testing_support::contains;
using testing_support::quote;
using testing_support::read_file;
using testing_support::Result;

namespace fs = std::filesystem;

const std::string kBinary = CRMSIM_BINARY;
const std::string kConfigs = std::string(CRMSIM_TEST_DATA) + "/configs/";

void write_file(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

// A ring with chords over `nodes` customers: every node has 4 neighbours.
std::string ring_edges(int nodes, int chord) {
    std::string text = "# a ring with chords\n";
    for (int i = 0; i < nodes; ++i)
        text += std::to_string(i) + " " + std::to_string((i + 1) % nodes) + "\n" + std::to_string(i) + "," +
                std::to_string((i + chord) % nodes) + "\n";
    return text;
}

// Two scenarios x 2 replications x 2 policies; the policy `use:`s a file for
// firm "beta" (by name), and the network is an edge list, both relative to
// the config's folder.
const std::string kStudy = R"(experiment:
  name: rerun-study
  seed: 5
  ticks: 5
  replications: 2
population:
  size: 300
network:
  kind: edge_list
  path: ../networks/ring.edges
firms:
  - name: alpha
  - name: beta
    recovery: {quick: 0.2, slow: 0.3}
policies:
  - name: baseline
    baseline: true
  - name: fast
    use: ../policies/fast.yaml
    firm: beta
    set: {firms.beta.recovery.slow: 0.1}
scenarios:
  - name: calm
  - name: stormy
    set: {firms.alpha.failure_rate: 0.3}
)";

const std::string kFastPolicy = "recovery:\n  quick: 0.7\n  slow: 0.2\n";

class Rerun : public testing::Test {
protected:
    Result crmsim(const std::vector<std::string>& args, const fs::path& cwd) const {
        std::string command = "cd " + quote(cwd.string()) + " && " + quote(kBinary);
        for (const auto& a : args) command += " " + quote(a);
        return testing_support::run_shell(command, dir_ / "stderr.txt");
    }
    // The study written to study/configs, study/policies, study/networks.
    fs::path write_study() const {
        const fs::path study = dir_ / "study";
        write_file(study / "configs/study.yaml", kStudy);
        write_file(study / "policies/fast.yaml", kFastPolicy);
        write_file(study / "networks/ring.edges", ring_edges(300, 7));
        return study;
    }

    testing_support::TestFolder folder_;
    const fs::path dir_ = folder_.dir();
};

// Every dataset but the wall times and the input table (which lists the
// results file itself as the rerun's config); the edge list's stored bytes
// (named by digest) are compared.
const std::vector<std::string> kRerunExclusions = {"/plan/network_seconds", "/plan/simulation_seconds",
                                                   "/inputs/path",          "/inputs/role",
                                                   "/inputs/sha256",        "/inputs/bytes"};

void expect_same_datasets(const std::string& a, const std::string& b) {
    const auto d = testing_support::compare_results(a, b, kRerunExclusions);
    EXPECT_TRUE(d.differences.empty()) << a << " vs " << b << ": " << d;
    // 8 runs' time series (18 columns each, and more), /plan, /summary, /comparisons, the stored edge list.
    EXPECT_GT(d.datasets_compared, 8u * 18u + 36u) << d;
}

TEST_F(Rerun, AResultsFileRerunsFromAnotherFolderWithItsInputsGone) {
    const fs::path study = write_study();
    const Result first = crmsim({"run", "configs/study.yaml", "-o", "../first.h5", "-q"}, study);
    ASSERT_EQ(first.status, 0) << first;
    const std::string results = (dir_ / "first.h5").string();
    {
        const sim::h5::File f(results, sim::h5::Mode::ReadOnly);
        const sim::h5::Group root = f.root();
        // Policy files inlined: no use: left, the policy file's values in the policy's set.
        const std::string config = root.string_attribute("config");
        EXPECT_FALSE(contains(config, "use:")) << config;
        EXPECT_FALSE(contains(config, "fast.yaml")) << config;
        EXPECT_TRUE(contains(config, "firms.1.recovery.quick: 0.7")) << config;
        // Every input file with its digest: config, policy file, edge list.
        const auto roles = root.open_group("inputs").read_strings("role");
        const auto paths = root.open_group("inputs").read_strings("path");
        const auto digests = root.open_group("inputs").read_strings("sha256");
        ASSERT_EQ(roles, (std::vector<std::string>{"config", "policy", "edge_list"}));
        EXPECT_TRUE(contains(paths[2], "ring.edges")) << paths[2];
        for (const auto& d : digests) EXPECT_EQ(d.size(), 64u) << d;
        EXPECT_EQ(root.open_group("inputs/stored").read_bytes(digests[2]), ring_edges(300, 7));
    }
    // What sha256sum prints for the edge list.
    const Result sum =
        testing_support::run_shell("sha256sum " + quote((study / "networks/ring.edges").string()), dir_ / "stderr.txt");
    {
        const sim::h5::File f(results, sim::h5::Mode::ReadOnly);
        const auto digests = f.root().open_group("inputs").read_strings("sha256");
        EXPECT_EQ(sum.out.substr(0, 64), digests[2]) << sum;
    }

    fs::remove_all(study);  // the config, the policy file and the edge list are gone
    const fs::path elsewhere = dir_ / "elsewhere";
    fs::create_directories(elsewhere);
    const Result again = crmsim({"run", results, "-o", "again.h5", "-q"}, elsewhere);
    ASSERT_EQ(again.status, 0) << again;
    expect_same_datasets(results, (elsewhere / "again.h5").string());
    {
        const sim::h5::File a(results, sim::h5::Mode::ReadOnly),
            b((elsewhere / "again.h5").string(), sim::h5::Mode::ReadOnly);
        EXPECT_EQ(a.root().string_attribute("config"), b.root().string_attribute("config"));
        // The rerun lists the results file as its config, and the same edge list digest.
        const auto roles = b.root().open_group("inputs").read_strings("role");
        const auto digests = b.root().open_group("inputs").read_strings("sha256");
        ASSERT_EQ(roles, (std::vector<std::string>{"config", "edge_list"}));
        EXPECT_EQ(digests[1], a.root().open_group("inputs").read_strings("sha256")[2]);
    }

    // `crmsim config` prints the resolved config; saved next to a copy of the
    // edge list, it runs to the same datasets.
    const Result printed = crmsim({"config", results}, elsewhere);
    ASSERT_EQ(printed.status, 0) << printed;
    EXPECT_TRUE(contains(printed.out, "# The resolved config of " + results)) << printed;
    EXPECT_TRUE(contains(printed.out, "path: ../networks/ring.edges")) << printed;
    write_file(elsewhere / "configs/edited.yaml", printed.out);
    write_file(elsewhere / "networks/ring.edges", ring_edges(300, 7));
    const Result from_yaml = crmsim({"run", "configs/edited.yaml", "-o", "from_yaml.h5", "-q"}, elsewhere);
    ASSERT_EQ(from_yaml.status, 0) << from_yaml;
    expect_same_datasets(results, (elsewhere / "from_yaml.h5").string());
}

// A stored edge list whose bytes no longer match their digest is damage: refused, nothing written.
TEST_F(Rerun, AStoredEdgeListThatFailsItsDigestIsRefused) {
    const fs::path study = write_study();
    ASSERT_EQ(crmsim({"run", "configs/study.yaml", "-o", "../first.h5", "-q"}, study).status, 0);
    const std::string results = (dir_ / "first.h5").string();
    std::string digest;
    {
        const sim::h5::File f(results, sim::h5::Mode::ReadWrite);
        const sim::h5::Group inputs = f.root().open_group("inputs");
        digest = inputs.read_strings("sha256")[2];
        const sim::h5::Group stored = inputs.open_group("stored");
        stored.remove(digest);
        stored.write_bytes(digest, ring_edges(300, 9), "not the original");
    }
    const Result r = crmsim({"run", results, "-o", "again.h5", "-q"}, dir_);
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, "does not match its SHA-256 digest")) << r;
    EXPECT_FALSE(fs::exists(dir_ / "again.h5"));
    EXPECT_FALSE(fs::exists(dir_ / "again.h5.partial"));
}

TEST_F(Rerun, ARerunTakesSetOnTopOfTheStoredConfig) {
    const fs::path study = write_study();
    ASSERT_EQ(crmsim({"run", "configs/study.yaml", "-o", "../first.h5", "-q"}, study).status, 0);
    const std::string results = (dir_ / "first.h5").string();
    const Result r = crmsim({"run", results, "-o", "more.h5", "-q", "--set", "experiment.replications=3"}, dir_);
    ASSERT_EQ(r.status, 0) << r;
    const sim::h5::File f((dir_ / "more.h5").string(), sim::h5::Mode::ReadOnly);
    EXPECT_EQ(f.root().open_group("plan").read_ints("run_id").size(), 12u);
    // A name that is no firm's is bad input.
    const Result bad = crmsim({"run", results, "-o", "bad.h5", "-q", "--set", "firms.gamma.price=2"}, dir_);
    EXPECT_EQ(bad.status, 2) << bad;
    EXPECT_TRUE(contains(bad.err, "no firm is called \"gamma\"")) << bad;
    // Nor can a results file be rerun over itself.
    const Result over = crmsim({"run", results, "-o", results, "--overwrite", "-q"}, dir_);
    EXPECT_EQ(over.status, 2) << over;
    EXPECT_TRUE(contains(over.err, "is an input of this experiment")) << over;
}

TEST_F(Rerun, AConfigFileIsNotAResultsFileAndViceVersa) {
    write_file(dir_ / "not.h5", "experiment: {name: x}\n");
    const Result r = crmsim({"config", (dir_ / "not.h5").string()}, dir_);
    EXPECT_EQ(r.status, 2) << r;  // read as YAML: a config without firms
    EXPECT_TRUE(contains(r.err, "firms")) << r;
}

// ---------------------------------------------------------------- common random numbers across scenarios

// Two scenarios that differ only in a parameter nothing uses (win-back is
// off, so its contact cost never matters) are the same experiment twice: with
// common_random_numbers: across_scenarios their runs are identical, dataset
// for dataset; keyed by scenario (the default) they are not.
const std::string kUnusedParameter = R"(experiment:
  name: crn-across
  seed: 3
  ticks: 6
  replications: 2
  common_random_numbers: across_scenarios
population:
  size: 2000
firms:
  - name: a
  - name: b
policies:
  - name: baseline
    baseline: true
  - name: fast
    set: {firms.a.recovery.quick: 0.6}
scenarios:
  - name: plain
  - name: unused-change
    set: {firms.a.win_back.contact_cost: 9}
sweep:
  method: grid
  parameters:
    - {key: firms.b.win_back.contact_cost, low: 1, high: 2, steps: 2}
)";

// Runs of scenario 0 and 1 (same sweep point, replication and policy) compared column by column.
std::vector<std::string> differing_columns(const std::string& results) {
    const sim::h5::File f(results, sim::h5::Mode::ReadOnly);
    const sim::h5::Group plan = f.root().open_group("plan");
    const auto scenario = plan.read_strings("scenario");
    const auto ids = plan.read_ints("run_id");
    const std::size_t half = ids.size() / 2;  // runs are ordered scenario first
    std::vector<std::string> differing;
    for (std::size_t k = 0; k < half; ++k) {
        EXPECT_EQ(scenario[k], "plain");
        EXPECT_EQ(scenario[k + half], "unused-change");
        const sim::h5::Group a = f.root().open_group("runs/" + std::to_string(ids[k]) + "/timeseries");
        const sim::h5::Group b = f.root().open_group("runs/" + std::to_string(ids[k + half]) + "/timeseries");
        for (const auto& column : a.children())
            if (a.read_doubles(column) != b.read_doubles(column)) differing.push_back(std::to_string(k) + ":" + column);
    }
    return differing;
}

TEST_F(Rerun, AcrossScenariosScenariosThatDifferInAnUnusedParameterAreIdentical) {
    write_file(dir_ / "crn.yaml", kUnusedParameter);
    const Result shared = crmsim({"run", "crn.yaml", "-o", "shared.h5", "-q"}, dir_);
    ASSERT_EQ(shared.status, 0) << shared;
    EXPECT_TRUE(differing_columns((dir_ / "shared.h5").string()).empty());
    {
        const sim::h5::File f((dir_ / "shared.h5").string(), sim::h5::Mode::ReadOnly);
        EXPECT_EQ(f.root().string_attribute("common_random_numbers"), "across_scenarios");
        // Keyed by replication alone: 2 replications, 2 keys over 16 runs.
        const auto keys = f.root().open_group("plan").read_unsigned("stream_key");
        EXPECT_EQ(std::set<std::uint64_t>(keys.begin(), keys.end()).size(), 2u);
    }
    const Result plan = crmsim({"plan", "crn.yaml"}, dir_);
    EXPECT_TRUE(contains(plan.out, "common random numbers across scenarios and sweep points")) << plan;

    const Result own =
        crmsim({"run", "crn.yaml", "-o", "own.h5", "-q", "--set", "experiment.common_random_numbers=true"}, dir_);
    ASSERT_EQ(own.status, 0) << own;
    // Every one of the 8 pairs differs: other draws from tick 0.
    std::set<std::string> pairs;
    for (const auto& column : differing_columns((dir_ / "own.h5").string()))
        pairs.insert(column.substr(0, column.find(':')));
    EXPECT_EQ(pairs.size(), 8u);
    const sim::h5::File f((dir_ / "own.h5").string(), sim::h5::Mode::ReadOnly);
    EXPECT_EQ(f.root().string_attribute("common_random_numbers"), "across_policies");
}

// ---------------------------------------------------------------- the progress display

// The last frame says every run is done: "8/8 runs done 100%", not "7/8 ... 100%".
TEST_F(Rerun, ProgressEndsWithEveryRunDone) {
    for (const char* jobs : {"1", "2"}) {
        const Result r = crmsim({"run", kConfigs + "tiny.yaml", "-o", std::string("p") + jobs + ".h5", "--progress",
                                 "--jobs", jobs, "--set", "experiment.replications=8"},
                                dir_);
        ASSERT_EQ(r.status, 0) << r;
        const std::size_t last = r.err.rfind("runs done");
        ASSERT_NE(last, std::string::npos) << r;
        const std::size_t frame = r.err.rfind('\r', last);
        const std::string text = r.err.substr(frame + 1, r.err.find('\r', last) - frame - 1);
        EXPECT_TRUE(contains(text, "8/8 runs done")) << jobs << " jobs: " << text;
        EXPECT_TRUE(contains(text, "100%")) << jobs << " jobs: " << text;
    }
}

}  // namespace
