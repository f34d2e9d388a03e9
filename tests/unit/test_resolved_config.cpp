// The resolved config a results file keeps, read back as a config, must be
// the same experiment: resolving it again gives the same text, for every
// config the project ships. Also the pieces a rerun and --resume rely on:
// SHA-256 digests, input files read once, the first differing key of two
// configs, and the stream keys of common random numbers across scenarios.
#include "experiments/config/ConfigDifference.hpp"
#include "experiments/config/ConfigError.hpp"
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/config/InputFiles.hpp"
#include "experiments/config/Sha256.hpp"
#include "experiments/plan/ExperimentPlan.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace {
using namespace experiments;
namespace fs = std::filesystem;

// Every experiment config under `folder` (policy files are not experiments).
std::vector<fs::path> configs_under(const fs::path& folder) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(folder))
        if (entry.path().extension() == ".yaml" && entry.path().parent_path().filename() != "policies")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

TEST(ResolvedConfig, ReadsBackAsTheSameConfigForEveryShippedConfig) {
    std::vector<fs::path> files = configs_under(fs::path(CRMSIM_SOURCE_DIR) / "configs");
    for (const auto& f : configs_under(fs::path(CRMSIM_TEST_DATA) / "configs")) files.push_back(f);
    std::size_t checked = 0;
    for (const fs::path& file : files) {
        ExperimentConfig first;
        try {
            first = load_experiment_config(file.string(), {});
        } catch (const ConfigError&) {
            continue;  // the bad configs among the test data
        }
        // Read from the stored text, as a rerun does (relative paths from the same folder).
        const ConfigText stored{"stored", first.resolved_yaml, first.source.dir};
        const ExperimentConfig again = load_experiment_config(stored, {}, nullptr);
        EXPECT_EQ(again.resolved_yaml, first.resolved_yaml) << file;
        EXPECT_EQ(again.design.policies.size(), first.design.policies.size()) << file;
        for (std::size_t p = 0; p < first.design.policies.size(); ++p)
            EXPECT_EQ(again.design.policies[p].overrides.size(), first.design.policies[p].overrides.size()) << file;
        ++checked;
    }
    EXPECT_GE(checked, 15u);  // configs/ alone has 9
}

// A policy file's value written again in the policy's set: the set wins, as it did.
TEST(ResolvedConfig, APathWrittenTwiceKeepsTheLastValue) {
    const fs::path dir = fs::temp_directory_path() / ("crmsim_resolved_" + std::to_string(::getpid()));
    fs::create_directories(dir / "policies");
    std::ofstream(dir / "policies/p.yaml") << "recovery: {quick: 0.9, slow: 0.05}\n";
    std::ofstream(dir / "c.yaml") << "firms:\n  - name: a\n  - name: b\n"
                                     "policies:\n  - name: base\n    baseline: true\n"
                                     "  - name: p\n    use: policies/p.yaml\n    firm: b\n"
                                     "    set: {firms.1.recovery: {quick: 0.3}, firms.b.recovery.slow: 0.2}\n";
    const ExperimentConfig first = load_experiment_config((dir / "c.yaml").string(), {});
    const ExperimentConfig run = load_run_config(first, first.design.policies[1].overrides);
    const ExperimentConfig stored =
        load_experiment_config(ConfigText{"stored", first.resolved_yaml, "/nowhere"}, {}, nullptr);
    const ExperimentConfig rerun = load_run_config(stored, stored.design.policies[1].overrides);
    EXPECT_EQ(run.market.firms[1].recovery.quick, 0.3);
    EXPECT_EQ(rerun.market.firms[1].recovery.quick, run.market.firms[1].recovery.quick);
    EXPECT_EQ(rerun.market.firms[1].recovery.slow, run.market.firms[1].recovery.slow);
    EXPECT_EQ(rerun.resolved_yaml, run.resolved_yaml);
    fs::remove_all(dir);
}

TEST(Sha256, MatchesTheStandardTestVectors) {
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(InputFiles, EachFileIsReadOnceAndListedWithItsDigest) {
    InputFiles inputs;
    int reads = 0;
    const auto read = [&](const std::string& path) {
        ++reads;
        return "bytes of " + path;
    };
    EXPECT_EQ(*inputs.get("a.yaml", InputRole::Config, read), "bytes of a.yaml");
    EXPECT_EQ(*inputs.get("a.yaml", InputRole::Config, read), "bytes of a.yaml");
    inputs.keep("net.edges", InputRole::EdgeList, "0 1\n");
    EXPECT_EQ(*inputs.get("net.edges", InputRole::EdgeList, read), "0 1\n");  // the kept copy, not the disk
    EXPECT_EQ(reads, 1);
    const auto files = inputs.files();
    ASSERT_EQ(files.size(), 2u);
    EXPECT_EQ(files[1].sha256, sha256_hex("0 1\n"));
    EXPECT_EQ(files[1].size, 4u);
    const auto listed = parse_input_list(format_input_list(files));
    ASSERT_EQ(listed.size(), 2u);
    EXPECT_EQ(listed[1].path, "net.edges");
    EXPECT_EQ(listed[1].role, InputRole::EdgeList);
    EXPECT_EQ(listed[1].sha256, files[1].sha256);
}

TEST(ConfigDifference, NamesTheFirstKeyThatDiffersWithBothValues) {
    EXPECT_FALSE(first_difference("a: 1\nb: [1, 2]\n", "a: 1\nb: [1, 2]\n"));
    const auto d =
        first_difference("firms:\n  - {name: a, failure_rate: 0.1}\n", "firms:\n  - {name: a, failure_rate: 0.05}\n");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->key, "firms.0.failure_rate");
    EXPECT_EQ(d->old_value, "0.1");
    EXPECT_EQ(d->new_value, "0.05");
    const auto added = first_difference("a: 1\n", "a: 1\nb: {c: 2}\n");
    ASSERT_TRUE(added);
    EXPECT_EQ(added->key, "b");
    EXPECT_EQ(added->old_value, "(absent)");
    const auto longer = first_difference("l: [1]\n", "l: [1, 2]\n");
    ASSERT_TRUE(longer);
    EXPECT_EQ(longer->key, "l.1");
}

// across_scenarios keys a run by its replication alone; scenario 0, sweep
// point 0 keep the keys they have by default, so its runs do not change.
TEST(CommonRandomNumbers, AcrossScenariosKeysByReplicationAlone) {
    std::set<std::uint64_t> keys;
    for (std::uint32_t s = 0; s < 3; ++s)
        for (std::uint32_t p = 0; p < 3; ++p)
            for (std::uint32_t q = 0; q < 2; ++q) {
                RunSpec run{0, s, p, 1, q, {}, {}};
                keys.insert(run_stream_key(7, run, true, false, true).value);
                EXPECT_NE(run_stream_key(7, run, true, true, true).value,
                          run_stream_key(7, run, true, false, true).value);
            }
    EXPECT_EQ(keys.size(), 1u);
    const RunSpec first{0, 0, 0, 1, 0, {}, {}}, other_rep{0, 0, 0, 2, 0, {}, {}};
    EXPECT_EQ(*keys.begin(), run_stream_key(7, first, true, false, false).value);
    EXPECT_NE(run_stream_key(7, other_rep, true, false, true).value, *keys.begin());
}

TEST(CommonRandomNumbers, TheConfigSaysWhichRunsShareDraws) {
    const fs::path file = fs::temp_directory_path() / ("crmsim_crn_" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(file) << "experiment: {common_random_numbers: across_scenarios}\nfirms: [{name: a}, {name: b}]\n";
    const ExperimentConfig c = load_experiment_config(file.string(), {});
    EXPECT_TRUE(c.experiment.common_random_numbers);
    EXPECT_TRUE(c.experiment.common_across_scenarios);
    EXPECT_EQ(random_number_sharing(make_plan(c)), "across_scenarios");
    EXPECT_TRUE(c.resolved_yaml.find("common_random_numbers: across_scenarios") != std::string::npos);
    const ExperimentConfig off = load_experiment_config(file.string(), {"experiment.common_random_numbers=false"});
    EXPECT_FALSE(off.experiment.common_across_scenarios);
    EXPECT_EQ(random_number_sharing(make_plan(off)), "none");
    EXPECT_THROW(load_experiment_config(file.string(), {"experiment.common_random_numbers=across_firms"}), ConfigError);
    fs::remove(file);
}

// The root attribute names exactly the runs whose keys are equal: checked
// against the plan's keys for each combination of the experiment's option and
// sweep.common_random_numbers, on a two-policy grid sweep of three points.
TEST(CommonRandomNumbers, TheRecordedSharingIsTheKeysSharing) {
    const fs::path file = fs::temp_directory_path() / ("crmsim_crn_sweep_" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(file) << "experiment: {replications: 2}\nfirms: [{name: a}, {name: b}]\n"
                        << "policies: [{name: base, baseline: true}, {name: p, set: {firms.0.failure_rate: 0.2}}]\n"
                        << "sweep: {method: grid, parameters: [{key: firms.1.failure_rate, low: 0.1, high: 0.3, "
                           "steps: 3}]}\n";
    struct Case {
        std::string experiment, sweep, recorded;
        bool policies_share, points_share;
    };
    for (const Case& c :
         {Case{"true", "false", "across_policies", true, false},
          Case{"true", "true", "across_policies_and_sweep_points", true, true},
          Case{"false", "true", "across_sweep_points", false, true}, Case{"false", "false", "none", false, false},
          Case{"across_scenarios", "false", "across_scenarios", true, true}}) {
        const ExperimentConfig config = load_experiment_config(
            file.string(),
            {"experiment.common_random_numbers=" + c.experiment, "sweep.common_random_numbers=" + c.sweep});
        const ExperimentPlan plan = make_plan(config);
        EXPECT_EQ(random_number_sharing(plan), c.recorded) << c.experiment << " " << c.sweep;
        for (const RunSpec& a : plan.runs)
            for (const RunSpec& b : plan.runs) {
                if (a.replication != b.replication) {
                    EXPECT_NE(a.stream_key.value, b.stream_key.value);
                    continue;
                }
                const bool same =
                    (a.policy == b.policy || c.policies_share) && (a.sweep_point == b.sweep_point || c.points_share);
                EXPECT_EQ(a.stream_key.value == b.stream_key.value, same)
                    << c.recorded << ": runs " << a.run_id << " and " << b.run_id;
            }
    }
    fs::remove(file);
}

}  // namespace
