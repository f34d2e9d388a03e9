// Reading experiment configs: the reference config holds RM-1's numbers,
// defaults fill what a file leaves out, --set overrides apply before reading,
// the resolved YAML reproduces the config exactly, and every kind of bad input
// is a ConfigError that names the file, the line and the dotted key.
#include "experiments/config/ConfigError.hpp"
#include "experiments/config/ExperimentConfig.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using experiments::ConfigError;
using experiments::ExperimentConfig;
using experiments::load_experiment_config;
using experiments::NetworkKind;

const std::string kRm1 = std::string(CRMSIM_SOURCE_DIR) + "/configs/reference/rm1.yaml";
const std::string kEveryNewKey = std::string(CRMSIM_TEST_DATA) + "/configs/every_new_key.yaml";
const std::string kEveryStrategyKey = std::string(CRMSIM_TEST_DATA) + "/configs/every_strategy_key.yaml";

// A config file in a folder of its own under the system temp folder, removed
// with the object. Line 1 of the file is the first line of `text`.
class TempConfig {
public:
    explicit TempConfig(const std::string& text, const std::string& name = "config.yaml") {
        static std::atomic<int> counter{0};
        dir_ = fs::temp_directory_path() /
               ("crmsim_test_config_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        fs::create_directories(dir_);
        std::ofstream(dir_ / name, std::ios::binary) << text;
        path_ = (dir_ / name).string();
    }
    ~TempConfig() {
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }
    TempConfig(const TempConfig&) = delete;
    TempConfig& operator=(const TempConfig&) = delete;

    const std::string& path() const { return path_; }
    const fs::path& dir() const { return dir_; }

private:
    fs::path dir_;
    std::string path_;
};

ExperimentConfig load_text(const std::string& text, const std::vector<std::string>& sets = {}) {
    const TempConfig file(text);
    return load_experiment_config(file.path(), sets);
}

// Success when loading `path` throws a ConfigError located at exactly
// (file, line, key) whose message contains `fragment`.
testing::AssertionResult fails_at(const std::string& path, const std::vector<std::string>& sets,
                                  const std::string& file, int line, const std::string& key,
                                  const std::string& fragment) {
    try {
        load_experiment_config(path, sets);
    } catch (const ConfigError& e) {
        const auto& at = e.where();
        if (at.file == file && at.line == line && at.key == key && e.message().find(fragment) != std::string::npos)
            return testing::AssertionSuccess();
        return testing::AssertionFailure()
               << "got file \"" << at.file << "\" line " << at.line << " key \"" << at.key << "\" message \""
               << e.message() << "\"; expected file \"" << file << "\" line " << line << " key \"" << key
               << "\" and a message with \"" << fragment << "\"";
    } catch (const std::exception& e) {
        return testing::AssertionFailure() << "threw something other than a ConfigError: " << e.what();
    }
    return testing::AssertionFailure() << "loaded without error";
}

// The same, for a config given as text (the file is the temp file).
testing::AssertionResult text_fails_at(const std::string& text, int line, const std::string& key,
                                       const std::string& fragment) {
    const TempConfig c(text);
    return fails_at(c.path(), {}, c.path(), line, key, fragment);
}

// The same, for an error in a --set value: it is located on the command line.
testing::AssertionResult set_fails_at(const std::string& text, const std::vector<std::string>& sets,
                                      const std::string& bad_set, const std::string& key, const std::string& fragment) {
    const TempConfig c(text);
    return fails_at(c.path(), sets, "--set " + bad_set, 0, key, fragment);
}

// The smallest valid config: two firms, everything else by default.
const std::string kOnlyFirms = R"(firms:
  - name: a
  - name: b
)";

// ---------------------------------------------------------------- rm1.yaml

TEST(ConfigRm1, ReferenceConfigHoldsTheRm1Numbers) {
    const ExperimentConfig c = load_experiment_config(kRm1, {});
    EXPECT_EQ(c.file, kRm1);
    EXPECT_EQ(c.experiment.name, "rm1");
    EXPECT_EQ(c.experiment.seed, 1u);
    EXPECT_EQ(c.experiment.ticks, 60u);
    EXPECT_EQ(c.experiment.tick_days, 7.0);
    EXPECT_EQ(c.experiment.replications, 1u);
    EXPECT_TRUE(c.experiment.common_random_numbers);

    const auto& pop = c.market.population;
    EXPECT_EQ(pop.size, 100000u);
    EXPECT_EQ(pop.initial_satisfaction, 0.70);
    EXPECT_EQ(pop.spend.kind, sim::DistributionKind::LogNormal);
    EXPECT_EQ(pop.spend.mean, 50.0);
    EXPECT_EQ(pop.spend.sigma, 1.7);

    EXPECT_EQ(c.network.kind, NetworkKind::WattsStrogatz);
    EXPECT_EQ(c.network.small_world.k, 10u);
    EXPECT_EQ(c.network.small_world.beta, 0.1);

    ASSERT_EQ(c.market.firms.size(), 2u);
    const double quick[2] = {0.50, 0.20};  // the only difference between the two firms
    for (std::size_t f = 0; f < 2; ++f) {
        SCOPED_TRACE("firm " + std::to_string(f));
        const auto& firm = c.market.firms[f];
        EXPECT_EQ(firm.name, "firm" + std::to_string(f));
        EXPECT_EQ(firm.initial_share, 0.5);
        EXPECT_EQ(firm.margin, 0.30);
        EXPECT_EQ(firm.service.failure_rate, 0.10);  // p_fail
        EXPECT_EQ(firm.service.major_share, 0.30);   // p_major
        EXPECT_EQ(firm.recovery.quick, quick[f]);
        EXPECT_EQ(firm.recovery.slow, 0.30);
        EXPECT_EQ(firm.recovery.cost_quick, 20.0);
        EXPECT_EQ(firm.recovery.cost_slow, 10.0);
    }

    const auto& m = c.market.mechanisms;
    EXPECT_TRUE(m.service_failures.enabled);
    EXPECT_TRUE(m.complaints.enabled);
    EXPECT_EQ(m.complaints.probability.minor, 0.30);
    EXPECT_EQ(m.complaints.probability.major, 0.50);
    EXPECT_EQ(m.repurchase.silent.minor, 0.37);
    EXPECT_EQ(m.repurchase.silent.major, 0.09);
    EXPECT_EQ(m.repurchase.unresolved.minor, 0.46);
    EXPECT_EQ(m.repurchase.unresolved.major, 0.19);
    EXPECT_EQ(m.repurchase.resolved.minor, 0.70);
    EXPECT_EQ(m.repurchase.resolved.major, 0.54);
    EXPECT_EQ(m.repurchase.resolved_quickly.minor, 0.95);
    EXPECT_EQ(m.repurchase.resolved_quickly.major, 0.82);
    EXPECT_EQ(m.satisfaction.good_service_gain, 0.05);       // alpha
    EXPECT_EQ(m.switching.drift_hazard, 0.02);               // h0
    EXPECT_EQ(m.switching.satisfaction_after_switch, 0.60);  // sat_new
    EXPECT_TRUE(m.word_of_mouth.enabled);
    EXPECT_EQ(m.word_of_mouth.negative_reach, 0.10);  // w_neg
    EXPECT_EQ(m.word_of_mouth.positive_reach, 0.05);  // w_pos
    EXPECT_EQ(m.word_of_mouth.story_effect, 0.02);    // delta

    EXPECT_EQ(c.output.compression, 4);
    EXPECT_TRUE(c.overrides.empty());
}

// ---------------------------------------------------------------- defaults

TEST(ConfigDefaults, OnlyFirmsGivenEverythingElseIsTheDocumentedDefault) {
    const ExperimentConfig c = load_text(kOnlyFirms);
    EXPECT_EQ(c.experiment.name, "experiment");
    EXPECT_EQ(c.experiment.seed, 1u);
    EXPECT_EQ(c.experiment.ticks, 52u);
    EXPECT_EQ(c.experiment.tick_days, 7.0);
    EXPECT_EQ(c.experiment.replications, 1u);
    EXPECT_TRUE(c.experiment.common_random_numbers);
    EXPECT_EQ(c.market.population.size, 100000u);
    EXPECT_EQ(c.market.population.initial_satisfaction, 0.7);
    EXPECT_EQ(c.market.population.spend.kind, sim::DistributionKind::LogNormal);
    EXPECT_EQ(c.market.population.spend.mean, 50.0);
    EXPECT_EQ(c.market.population.spend.sigma, 1.7);
    EXPECT_EQ(c.network.kind, NetworkKind::WattsStrogatz);
    EXPECT_EQ(c.network.small_world.k, 10u);
    EXPECT_EQ(c.network.small_world.beta, 0.1);
    EXPECT_EQ(c.output.compression, 4);
    EXPECT_EQ(c.output.chunk_rows, 4096u);

    ASSERT_EQ(c.market.firms.size(), 2u);
    for (const auto& firm : c.market.firms) {
        EXPECT_EQ(firm.initial_share, 0.5);  // equal shares: 1 / number of firms
        EXPECT_EQ(firm.margin, 0.30);
        EXPECT_EQ(firm.service.failure_rate, 0.10);
        EXPECT_EQ(firm.service.major_share, 0.30);
        EXPECT_EQ(firm.recovery.quick, 0.50);
        EXPECT_EQ(firm.recovery.slow, 0.30);
        EXPECT_EQ(firm.recovery.cost_quick, 20.0);
        EXPECT_EQ(firm.recovery.cost_slow, 10.0);
    }
    // The mechanisms' defaults are RM-1's values.
    const auto& m = c.market.mechanisms;
    EXPECT_EQ(m.complaints.probability.minor, 0.30);
    EXPECT_EQ(m.complaints.probability.major, 0.50);
    EXPECT_EQ(m.repurchase.silent.major, 0.09);
    EXPECT_EQ(m.repurchase.resolved_quickly.minor, 0.95);
    EXPECT_EQ(m.satisfaction.good_service_gain, 0.05);
    EXPECT_EQ(m.switching.drift_hazard, 0.02);
    EXPECT_EQ(m.switching.satisfaction_after_switch, 0.60);
    EXPECT_TRUE(m.word_of_mouth.enabled);
    EXPECT_EQ(m.word_of_mouth.negative_reach, 0.10);
}

TEST(ConfigDefaults, FirmsWithoutNamesOrSharesAreNumberedAndShareEqually) {
    const ExperimentConfig c = load_text("firms: [{}, {}, {}, {}]\n");
    ASSERT_EQ(c.market.firms.size(), 4u);
    for (std::size_t f = 0; f < 4; ++f) {
        EXPECT_EQ(c.market.firms[f].name, "firm" + std::to_string(f));
        EXPECT_EQ(c.market.firms[f].initial_share, 0.25);
    }
}

TEST(ConfigDefaults, EdgeListPathIsResolvedAgainstTheConfigFolder) {
    const TempConfig relative(R"(population: {size: 6}
network: {kind: edge_list, path: nets/social.edges}
)" + kOnlyFirms);
    const ExperimentConfig c = load_experiment_config(relative.path(), {});
    EXPECT_EQ(c.network.kind, NetworkKind::EdgeList);
    EXPECT_EQ(c.network.edge_list_path, (relative.dir() / "nets/social.edges").string());
    EXPECT_EQ(c.network.line, 2);  // kept to locate errors found later, while reading the file

    // An absolute path is taken as it is.
    const ExperimentConfig a = load_text(R"(population: {size: 6}
network: {kind: edge_list, path: /data/social.edges}
)" + kOnlyFirms);
    EXPECT_EQ(a.network.edge_list_path, "/data/social.edges");
}

// ---------------------------------------------------------------- --set

TEST(ConfigOverrides, SetReplacesValuesGivenInTheFile) {
    const std::vector<std::string> sets = {"population.size=1000", "firms.0.failure_rate=0.05"};
    const ExperimentConfig c = load_experiment_config(kRm1, sets);
    EXPECT_EQ(c.market.population.size, 1000u);
    EXPECT_EQ(c.market.firms[0].service.failure_rate, 0.05);
    EXPECT_EQ(c.market.firms[1].service.failure_rate, 0.10);  // only the indexed firm changes
    EXPECT_EQ(c.market.firms[0].service.major_share, 0.30);   // its siblings keep the file's values
    EXPECT_EQ(c.overrides, sets);
}

TEST(ConfigOverrides, SetAddsAKeyTheFileDoesNotMention) {
    // kOnlyFirms has no mechanisms section at all: --set creates the mappings on the way.
    const ExperimentConfig c = load_text(kOnlyFirms, {"mechanisms.word_of_mouth.enabled=false"});
    EXPECT_FALSE(c.market.mechanisms.word_of_mouth.enabled);
    EXPECT_EQ(c.market.mechanisms.word_of_mouth.negative_reach, 0.10);  // the rest of the section stays default
    EXPECT_TRUE(c.market.mechanisms.complaints.enabled);
}

TEST(ConfigOverrides, SetAcceptsExponentNotationForWholeNumbers) {
    EXPECT_EQ(load_experiment_config(kRm1, {"population.size=1e6"}).market.population.size, 1000000u);
    EXPECT_EQ(load_experiment_config(kRm1, {"experiment.ticks=2.0e2"}).experiment.ticks, 200u);
}

TEST(ConfigOverrides, LaterSetsWinAndValuesAreParsedAsYaml) {
    const ExperimentConfig c = load_text(
        kOnlyFirms, {"population.size=10", "population.size=20", "population.spend={distribution: constant, mean: 3}"});
    EXPECT_EQ(c.market.population.size, 20u);
    EXPECT_EQ(c.market.population.spend.kind, sim::DistributionKind::Constant);
    EXPECT_EQ(c.market.population.spend.mean, 3.0);
}

// ---------------------------------------------------------------- resolved YAML

TEST(ConfigResolved, HoldsDefaultsAndOverriddenValues) {
    const ExperimentConfig c = load_text(kOnlyFirms, {"population.size=1000", "firms.1.margin=0.4"});
    const YAML::Node r = YAML::Load(c.resolved_yaml);
    // Given in the file.
    EXPECT_EQ(r["firms"][0]["name"].as<std::string>(), "a");
    EXPECT_EQ(r["firms"][1]["name"].as<std::string>(), "b");
    // Overridden.
    EXPECT_EQ(r["population"]["size"].as<std::string>(), "1000");
    EXPECT_EQ(r["firms"][1]["margin"].as<std::string>(), "0.4");
    // Defaults, written out although the file does not mention them.
    EXPECT_EQ(r["firms"][0]["margin"].as<std::string>(), "0.3");
    EXPECT_EQ(r["firms"][0]["initial_share"].as<std::string>(), "0.5");
    EXPECT_EQ(r["experiment"]["seed"].as<std::string>(), "1");
    EXPECT_EQ(r["experiment"]["ticks"].as<std::string>(), "52");
    EXPECT_EQ(r["network"]["kind"].as<std::string>(), "watts_strogatz");
    EXPECT_EQ(r["network"]["k"].as<std::string>(), "10");
    EXPECT_EQ(r["population"]["spend"]["sigma"].as<std::string>(), "1.7");
    EXPECT_EQ(r["mechanisms"]["repurchase"]["unresolved"]["major"].as<std::string>(), "0.19");
    EXPECT_EQ(r["mechanisms"]["word_of_mouth"]["enabled"].as<std::string>(), "true");
    EXPECT_EQ(r["output"]["chunk_rows"].as<std::string>(), "4096");
}

TEST(ConfigResolved, ReloadsToTheSameConfig) {
    const ExperimentConfig first = load_experiment_config(
        kRm1, {"population.size=1000", "firms.0.failure_rate=0.05", "mechanisms.word_of_mouth.enabled=false"});
    const TempConfig resolved(first.resolved_yaml, "resolved.yaml");
    const ExperimentConfig second = load_experiment_config(resolved.path(), {});
    EXPECT_EQ(second.resolved_yaml, first.resolved_yaml);
    EXPECT_EQ(second.market.population.size, 1000u);
    EXPECT_EQ(second.market.firms[0].service.failure_rate, 0.05);
    EXPECT_EQ(second.market.firms[1].recovery.quick, 0.20);
    EXPECT_FALSE(second.market.mechanisms.word_of_mouth.enabled);
}

TEST(ConfigResolved, MinimalConfigReloadsToTheSameConfig) {
    const ExperimentConfig first = load_text(kOnlyFirms);
    const ExperimentConfig second = load_text(first.resolved_yaml);
    EXPECT_EQ(second.resolved_yaml, first.resolved_yaml);
}

// ---------------------------------------------------------------- errors in the file

TEST(ConfigErrors, UnknownKeySuggestsTheClosestKnownKey) {
    EXPECT_TRUE(text_fails_at(R"(firms:
  - name: a
    failure_rat: 0.05
  - name: b
)",
                              3, "firms.0.failure_rat", "unknown key (did you mean 'failure_rate'?)"));
    EXPECT_TRUE(text_fails_at(R"(populaton:
  size: 1000
)" + kOnlyFirms,
                              1, "populaton", "did you mean 'population'?"));
    // Far from every known key: no suggestion, but the list of keys.
    EXPECT_TRUE(
        text_fails_at(R"(population:
  size: 1000
  zzzzzz: 1
)" + kOnlyFirms,
                      3, "population.zzzzzz",
                      "unknown key; known keys here: initial_prospects, initial_satisfaction, size, spend, traits"));
}

TEST(ConfigErrors, TextWhereANumberIsExpected) {
    EXPECT_TRUE(text_fails_at(R"(firms:
  - name: a
  - name: b
    failure_rate: high
)",
                              4, "firms.1.failure_rate", "expected a number, found \"high\""));
    EXPECT_TRUE(text_fails_at(R"(experiment:
  ticks: 2.5
)" + kOnlyFirms,
                              2, "experiment.ticks", "expected a whole number, found \"2.5\""));
    EXPECT_TRUE(text_fails_at(R"(experiment:
  common_random_numbers: maybe
)" + kOnlyFirms,
                              2, "experiment.common_random_numbers", "expected true or false, found \"maybe\""));
}

TEST(ConfigErrors, ListOrMappingWhereSomethingElseIsExpected) {
    EXPECT_TRUE(text_fails_at(R"(experiment:
  name: x
population: [1000]
)" + kOnlyFirms,
                              3, "population", "expected a mapping of keys, found a list"));
    EXPECT_TRUE(text_fails_at(R"(firms:
  - name: a
    recovery: [0.5, 0.3]
  - name: b
)",
                              3, "firms.0.recovery", "expected a mapping of keys, found a list"));
    EXPECT_TRUE(text_fails_at(R"(population:
  size: {value: 1000}
)" + kOnlyFirms,
                              2, "population.size", "expected a single value, found a mapping"));
    EXPECT_TRUE(text_fails_at(R"(population:
  size: 1000
firms:
  a: {}
  b: {}
)",
                              4, "firms", "expected a list, found a mapping"));
}

TEST(ConfigErrors, ProbabilityOutsideZeroToOne) {
    EXPECT_TRUE(text_fails_at(R"(firms:
  - name: a
    major_share: 1.5
  - name: b
)",
                              3, "firms.0.major_share", "must be in [0, 1], found 1.5"));
    EXPECT_TRUE(text_fails_at(R"(mechanisms:
  word_of_mouth:
    negative_reach: -0.1
)" + kOnlyFirms,
                              3, "mechanisms.word_of_mouth.negative_reach", "must be in [0, 1], found -0.1"));
}

TEST(ConfigErrors, PopulationSizeMustBePositive) {
    EXPECT_TRUE(text_fails_at(R"(population:
  size: 0
)" + kOnlyFirms,
                              2, "population.size", "must be in [1, 4000000000], found 0"));
    EXPECT_TRUE(text_fails_at(R"(experiment: {ticks: 5}
population:
  size: -5
)" + kOnlyFirms,
                              3, "population.size", "must be in [1, 4000000000], found -5"));
}

TEST(ConfigErrors, WattsStrogatzNeedsAnEvenK) {
    EXPECT_TRUE(text_fails_at(R"(network:
  kind: watts_strogatz
  k: 7
)" + kOnlyFirms,
                              3, "network.k", "must be even"));
}

TEST(ConfigErrors, RecoveryQuickPlusSlowAboveOne) {
    EXPECT_TRUE(text_fails_at(R"(firms:
  - name: a
  - name: b
    recovery:
      quick: 0.8
      slow: 0.3
)",
                              6, "firms.1.recovery.slow", "quick + slow must be at most 1"));
}

TEST(ConfigErrors, InitialSharesMustAddUpToOne) {
    // Located at the list (its first item), where every share can be seen.
    EXPECT_TRUE(text_fails_at(R"(population:
  size: 100
firms:
  - name: a
    initial_share: 0.6
  - name: b
    initial_share: 0.6
)",
                              4, "firms", "must add up to 1, they add up to 1.2"));
}

TEST(ConfigErrors, DuplicateFirmNames) {
    EXPECT_TRUE(text_fails_at(R"(firms:
  - name: same
  - name: other
  - name: same
)",
                              4, "firms.2.name", "two firms are called \"same\""));
}

TEST(ConfigErrors, FewerThanTwoFirms) {
    EXPECT_TRUE(text_fails_at(R"(experiment: {ticks: 5}
firms:
  - name: alone
)",
                              3, "firms", "a market needs 2 to 254 firms, found 1"));
    // No firms at all: located at the top of the file.
    EXPECT_TRUE(text_fails_at(R"(experiment:
  ticks: 5
)",
                              1, "", "missing required list 'firms'"));
}

TEST(ConfigErrors, UnknownNetworkKindSuggestsTheClosestKind) {
    EXPECT_TRUE(text_fails_at(R"(population: {size: 1000}
network:
  kind: watts_strogats
)" + kOnlyFirms,
                              3, "network.kind",
                              "unknown value \"watts_strogats\" (did you mean \"watts_strogatz\"?); one of: "
                              "watts_strogatz, erdos_renyi, scale_free, edge_list, none"));
}

TEST(ConfigErrors, ParameterOfAnotherNetworkKind) {
    EXPECT_TRUE(text_fails_at(R"(network:
  kind: erdos_renyi
  k: 4
)" + kOnlyFirms,
                              3, "network.k", "does not apply to network kind erdos_renyi"));
}

TEST(ConfigErrors, WordOfMouthNeedsANetwork) {
    EXPECT_TRUE(text_fails_at(R"(network:
  kind: none
)" + kOnlyFirms,
                              2, "network", "word of mouth is on but network.kind is none"));
    // Consistent when word of mouth is off.
    EXPECT_NO_THROW(load_text("network: {kind: none}\nmechanisms: {word_of_mouth: {enabled: false}}\n" + kOnlyFirms));
}

TEST(ConfigErrors, InvalidYamlSyntaxIsLocatedByTheParser) {
    EXPECT_TRUE(text_fails_at(R"(experiment:
  ticks: 5
   seed: 3
)" + kOnlyFirms,
                              3, "", "not valid YAML: illegal map value"));
    // An unclosed list is noticed where the next section starts.
    EXPECT_TRUE(text_fails_at(R"(experiment:
  seed: [1, 2
population:
  size: 10
)",
                              3, "", "not valid YAML: end of sequence flow not found"));
}

TEST(ConfigErrors, TheConfigMustBeAMapping) {
    EXPECT_TRUE(text_fails_at("- a\n- b\n", 1, "", "the config must be a mapping of sections"));
}

TEST(ConfigErrors, MissingFile) {
    const std::string path = (fs::temp_directory_path() / "crmsim_test_config_no_such_file.yaml").string();
    EXPECT_TRUE(fails_at(path, {}, path, 0, "", "no such config file"));
}

TEST(ConfigErrors, OnlyARegularFileIsAConfig) {
    // A folder would read as an empty config, /dev/zero would be read until memory runs out.
    const std::string folder = fs::temp_directory_path().string();
    EXPECT_TRUE(fails_at(folder, {}, folder, 0, "", "is a folder, not a config file"));
    EXPECT_TRUE(fails_at("/dev/zero", {}, "/dev/zero", 0, "", "is not a regular file"));
    const fs::path loop = fs::temp_directory_path() / "crmsim_test_config_symlink_loop.yaml";
    fs::remove(loop);
    fs::create_symlink(loop, loop);
    EXPECT_TRUE(fails_at(loop.string(), {}, loop.string(), 0, "", "cannot read the config file"));
    fs::remove(loop);
}

// UTF-16 with a byte-order mark, either byte order, `ascii` re-encoded.
std::string utf16(const std::string& ascii, bool big_endian) {
    std::string out = big_endian ? "\xFE\xFF" : "\xFF\xFE";
    for (const char c : ascii) {
        out += big_endian ? '\0' : c;
        out += big_endian ? c : '\0';
    }
    return out;
}

TEST(ConfigEncodings, Utf16WithAByteOrderMarkReadsAsTheUtf8File) {
    // docs/config.md: UTF-16 files are read too, as YAML 1.2 allows (its ASCII
    // characters hold zero bytes, which a UTF-8 file may not).
    std::ifstream in(kRm1, std::ios::binary);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    ASSERT_TRUE(std::all_of(text.begin(), text.end(), [](char c) { return c > 0 && c < 0x7F; }));
    const ExperimentConfig utf8 = load_text(text);
    for (const bool big_endian : {false, true}) {
        const ExperimentConfig read = load_text(utf16(text, big_endian));
        EXPECT_EQ(read.resolved_yaml, utf8.resolved_yaml) << (big_endian ? "UTF-16BE" : "UTF-16LE");
        EXPECT_EQ(read.market.population.size, utf8.market.population.size);
        EXPECT_EQ(read.market.firms[0].service.failure_rate, utf8.market.firms[0].service.failure_rate);
    }
}

// The experiment design: scenarios, policies (one baseline) and a sweep.
TEST(ConfigDesign, ScenariosPoliciesAndSweepAreRead) {
    const auto c = load_text(kOnlyFirms + R"(scenarios:
  - name: calm
  - name: stormy
    set: {firms.0.failure_rate: 0.2}
policies:
  - name: base
    baseline: true
  - name: fast
    set:
      firms.0.recovery.quick: 0.9
      firms.0.recovery.slow: 0.05
sweep:
  method: lhs
  points: 4
  parameters:
    - {key: mechanisms.word_of_mouth.negative_reach, low: 0.01, high: 0.3, scale: log}
)");
    const auto& d = c.design;
    ASSERT_EQ(d.scenarios.size(), 2u);
    EXPECT_EQ(d.scenarios[1].name, "stormy");
    ASSERT_EQ(d.scenarios[1].overrides.size(), 1u);
    EXPECT_EQ(d.scenarios[1].overrides[0].path, "firms.0.failure_rate");
    EXPECT_EQ(d.scenarios[1].overrides[0].origin.line, 7);
    ASSERT_EQ(d.policies.size(), 2u);
    EXPECT_EQ(d.baseline, 0u);
    EXPECT_EQ(d.policies[1].overrides.size(), 2u);
    EXPECT_EQ(d.sweep.method, experiments::SweepMethod::LatinHypercube);
    EXPECT_EQ(d.sweep.points, 4u);
    ASSERT_EQ(d.sweep.parameters.size(), 1u);
    EXPECT_EQ(d.sweep.parameters[0].scale, experiments::SweepScale::Log);
}

TEST(ConfigDesign, WithoutDesignSectionsThereIsOneOfEach) {
    const auto c = load_text(kOnlyFirms);
    ASSERT_EQ(c.design.scenarios.size(), 1u);
    EXPECT_EQ(c.design.scenarios[0].name, "base");
    ASSERT_EQ(c.design.policies.size(), 1u);
    EXPECT_EQ(c.design.policies[0].name, "baseline");
    EXPECT_TRUE(c.design.sweep.parameters.empty());
}

TEST(ConfigDesign, DesignErrorsAreLocated) {
    EXPECT_TRUE(text_fails_at(kOnlyFirms + "policies:\n  - name: a\n  - name: b\n", 5, "policies",
                              "mark one policy as the baseline"));
    EXPECT_TRUE(text_fails_at(kOnlyFirms + "policies:\n  - {name: a, baseline: true}\n  - {name: b, baseline: true}\n",
                              6, "policies.1.baseline", "only one policy can be the baseline"));
    EXPECT_TRUE(text_fails_at(kOnlyFirms + "scenarios:\n  - name: a\n  - name: a\n", 6, "scenarios.1.name",
                              "two scenarios are called"));
    EXPECT_TRUE(text_fails_at(kOnlyFirms + "sweep:\n  parameters:\n    - {key: population.size, low: 5, high: 1}\n", 6,
                              "sweep.parameters.0.high", "must not be below low"));
    EXPECT_TRUE(
        text_fails_at(kOnlyFirms + "sweep:\n  method: lhs\n", 5, "sweep", "missing required list 'sweep.parameters'"));
}

// YAML forbids duplicate keys; yaml-cpp would silently keep the first.
TEST(ConfigErrors, DuplicateKeysAreRejected) {
    EXPECT_TRUE(
        text_fails_at("experiment:\n  ticks: 5\n  ticks: 6\n" + kOnlyFirms, 3, "experiment.ticks", "duplicate key"));
}

// Seeds are read exactly, beyond the 2^53 a double can hold.
TEST(ConfigErrors, SeedsUpToTheDocumentedMaximumAreAccepted) {
    EXPECT_EQ(load_text(kOnlyFirms, {"experiment.seed=10000000000000000"}).experiment.seed, 10000000000000000u);
    EXPECT_EQ(load_text(kOnlyFirms, {"experiment.seed=9000000000000000000"}).experiment.seed, 9000000000000000000u);
}

// With beta > 0 a rewired edge needs somewhere to go: k < population - 1,
// checked when the config is read, not when the run fails.
TEST(ConfigErrors, WattsStrogatzKMustLeaveRoomToRewire) {
    EXPECT_TRUE(text_fails_at(R"(population: {size: 11}
network:
  k: 10
  beta: 0.1
)" + kOnlyFirms,
                              3, "network.k", "must be"));
}

// ---------------------------------------------------------------- errors in --set

TEST(ConfigSetErrors, BadValueIsLocatedOnTheCommandLine) {
    EXPECT_TRUE(set_fails_at(kOnlyFirms, {"population.size=abc"}, "population.size=abc", "population.size",
                             "expected a whole number, found \"abc\""));
    // Found among other, valid, overrides.
    EXPECT_TRUE(set_fails_at(kOnlyFirms, {"experiment.ticks=5", "firms.1.failure_rate=2", "population.size=100"},
                             "firms.1.failure_rate=2", "firms.1.failure_rate", "must be in [0, 1], found 2"));
    // Inside a mapping given as the value.
    EXPECT_TRUE(set_fails_at(kOnlyFirms, {"population={size: 0}"}, "population={size: 0}", "population.size",
                             "must be in [1, 4000000000], found 0"));
}

TEST(ConfigSetErrors, UnknownKeyIsLocatedOnTheCommandLine) {
    EXPECT_TRUE(set_fails_at(kOnlyFirms, {"population.sise=4"}, "population.sise=4", "population.sise",
                             "unknown key (did you mean 'size'?)"));
}

TEST(ConfigSetErrors, MalformedAssignments) {
    EXPECT_TRUE(set_fails_at(kOnlyFirms, {"population.size"}, "population.size", "", "expected KEY=VALUE"));
    EXPECT_TRUE(set_fails_at(kOnlyFirms, {"=5"}, "=5", "", "expected KEY=VALUE"));
    EXPECT_TRUE(set_fails_at(kOnlyFirms, {"population..size=5"}, "population..size=5", "population..size",
                             "empty name in the dotted key"));
    EXPECT_TRUE(set_fails_at(kOnlyFirms, {"population.size=[1,"}, "population.size=[1,", "population.size",
                             "the value is not valid YAML"));
    const std::string latin1 = "experiment.name=caf\xE9";  // Latin-1, not UTF-8
    EXPECT_TRUE(set_fails_at(kOnlyFirms, {latin1}, latin1, "", "not valid UTF-8"));
}

TEST(ConfigSetErrors, ListIndexPastTheEnd) {
    EXPECT_TRUE(set_fails_at(kOnlyFirms, {"firms.2.failure_rate=0.1"}, "firms.2.failure_rate=0.1", "firms.2",
                             "index 2 is past the end of a list of 2"));
    EXPECT_TRUE(set_fails_at(kOnlyFirms, {"firms.first.name=c"}, "firms.first.name=c", "firms.first",
                             "'first' is not a list index"));
    // Too many digits for a 64-bit index: still "past the end", not an uncaught std::out_of_range.
    const std::string huge = "firms.99999999999999999999999.failure_rate=0.1";
    EXPECT_TRUE(set_fails_at(kOnlyFirms, {huge}, huge, "firms.99999999999999999999999",
                             "index 99999999999999999999999 is past the end of a list of 2"));
}

// An error that involves two keys is located at the one the user changed on
// top of the file, not at the file's own line for the other.
TEST(ConfigSetErrors, ACrossKeyErrorIsLocatedAtTheOverride) {
    EXPECT_TRUE(set_fails_at(kOnlyFirms, {"firms.0.initial_share=0.9"}, "firms.0.initial_share=0.9",
                             "firms.0.initial_share", "initial_share values must add up to 1"));
    EXPECT_TRUE(
        set_fails_at(kOnlyFirms, {"firms.0.name=b"}, "firms.0.name=b", "firms.0.name", "two firms are called \"b\""));
    EXPECT_TRUE(set_fails_at(kOnlyFirms, {"firms.0.recovery.quick=0.9"}, "firms.0.recovery.quick=0.9",
                             "firms.0.recovery.quick", "quick + slow must be at most 1"));
    const std::string ladder = kOnlyFirms + "mechanisms:\n  ladder: {enabled: true, demote: {client: 0.5}}\n";
    EXPECT_TRUE(set_fails_at(ladder, {"mechanisms.ladder.promote.client=0.7"}, "mechanisms.ladder.promote.client=0.7",
                             "mechanisms.ladder.promote.client", "promote.client + demote.client must be at most 1"));
}

TEST(ConfigSetErrors, KeyInsideASingleValue) {
    EXPECT_TRUE(set_fails_at("population: {size: 10}\n" + kOnlyFirms, {"population.size.x=3"}, "population.size.x=3",
                             "population.size.x", "cannot set a key inside a single value"));
}

// ---------------------------------------------------------------- lifecycle keys

void expect_same_distribution(const sim::Distribution& got, const sim::Distribution& want, const std::string& what) {
    SCOPED_TRACE(what);
    EXPECT_EQ(got.kind, want.kind);
    EXPECT_EQ(got.mean, want.mean);
    if (want.kind == sim::DistributionKind::LogNormal) {
        EXPECT_EQ(got.sigma, want.sigma);
    }
    if (want.kind == sim::DistributionKind::Gamma || want.kind == sim::DistributionKind::Beta) {
        EXPECT_EQ(got.shape, want.shape);
    }
}

// Each key of tests/data/configs/every_new_key.yaml has a value of its own, so
// a key read into the wrong field fails here.
TEST(ConfigLifecycle, EveryNewKeyIsReadIntoItsField) {
    using sim::DistributionKind;
    const ExperimentConfig c = load_experiment_config(kEveryNewKey, {});
    const auto& pop = c.market.population;
    EXPECT_EQ(pop.size, 2000u);
    EXPECT_EQ(pop.initial_satisfaction, 0.61);
    EXPECT_EQ(pop.initial_prospects, 0.25);
    expect_same_distribution(pop.spend, {DistributionKind::Gamma, 2.5 / 0.1, 1.0, 2.5}, "spend (shape and rate)");
    const auto& t = pop.traits;
    expect_same_distribution(t.cost_to_serve, {DistributionKind::Gamma, 4.0, 1.0, 3.0}, "cost_to_serve");
    expect_same_distribution(t.complaint_propensity, {DistributionKind::LogNormal, 1.1, 0.4}, "complaint_propensity");
    expect_same_distribution(t.talkativeness, {DistributionKind::Constant, 1.3}, "talkativeness");
    expect_same_distribution(t.price_sensitivity, {DistributionKind::Gamma, 0.8 / 2.0, 1.0, 0.8}, "price_sensitivity");
    EXPECT_EQ(t.draining_share, 0.03);
    EXPECT_EQ(t.violator_share, 0.02);

    ASSERT_EQ(c.market.firms.size(), 2u);
    const auto& a = c.market.firms[0];
    const auto& b = c.market.firms[1];
    EXPECT_EQ(a.attractiveness, -0.5);
    EXPECT_EQ(a.price, 1.2);
    EXPECT_EQ(a.service_quality, 0.9);
    EXPECT_EQ(a.switching_barrier, 0.7);
    EXPECT_EQ(a.recovery.channel_ease, 1.5);
    EXPECT_EQ(a.recovery.capacity, 40u);
    EXPECT_EQ(a.recovery.cost_per_case, 2.5);
    EXPECT_EQ(a.recovery.compensation, 12.0);
    EXPECT_EQ(a.recovery.compensation_lift, 0.3);
    EXPECT_EQ(b.recovery.capacity, 0u);  // unlimited unless set
    EXPECT_EQ(b.attractiveness, 0.25);
    EXPECT_EQ(b.price, 0.8);
    EXPECT_EQ(b.service_quality, 0.75);
    EXPECT_EQ(b.switching_barrier, 1.5);

    const auto& m = c.market.mechanisms;
    EXPECT_TRUE(m.paradox.enabled);
    EXPECT_EQ(m.paradox.satisfaction_bonus, 0.15);
    EXPECT_FALSE(m.paradox.first_failure_only);
    EXPECT_FALSE(m.paradox.minor_only);

    EXPECT_EQ(m.satisfaction.model, models::SatisfactionModel::Disconfirmation);
    EXPECT_EQ(m.satisfaction.good_service_gain, 0.07);
    EXPECT_EQ(m.satisfaction.anchor_weight, 0.6);
    EXPECT_EQ(m.satisfaction.disconfirmation_weight, 0.3);
    EXPECT_EQ(m.satisfaction.expectation_adaptation, 0.2);
    EXPECT_EQ(m.satisfaction.initial_expectation, 0.65);

    const auto& s = m.switching;
    EXPECT_EQ(s.drift_hazard, 0.03);
    EXPECT_EQ(s.convexity, 2.0);
    const std::array<double, models::kStages> stage_factor = {0.9, 1.1, 0.8, 0.5, 0.25};  // in Stage order
    EXPECT_EQ(s.stage_factor, stage_factor);
    EXPECT_EQ(s.variety_seeking, 0.01);
    EXPECT_EQ(s.competitor_pull, 0.04);
    EXPECT_EQ(s.leave_market_share, 0.2);
    EXPECT_EQ(s.satisfaction_after_switch, 0.55);
    EXPECT_EQ(s.expectation_after_switch, 0.75);

    const auto& w = m.word_of_mouth;
    EXPECT_TRUE(w.enabled);
    EXPECT_EQ(w.negative_reach, 0.12);
    EXPECT_EQ(w.positive_reach, 0.06);
    EXPECT_EQ(w.story_effect, 0.03);
    EXPECT_EQ(w.expectation_effect, -0.01);
    EXPECT_EQ(w.dissatisfied_below, 0.3);
    EXPECT_EQ(w.advocate_talk, 0.22);
    EXPECT_EQ(w.weak_ties, 3u);
    EXPECT_EQ(w.weak_reach, 0.02);

    const auto& l = m.ladder;
    EXPECT_TRUE(l.enabled);
    const std::array<double, 3> promote = {0.9, 0.2, 0.1};  // from customer, client, advocate
    const std::array<double, 3> demote = {0.4, 0.35, 0.6};  // from client, advocate, partner
    EXPECT_EQ(l.promote, promote);
    EXPECT_EQ(l.demote, demote);
    EXPECT_EQ(l.client_purchases, 3u);
    EXPECT_EQ(l.advocate_satisfaction, 0.85);
    EXPECT_EQ(l.advocate_tenure, 8u);
    EXPECT_EQ(l.partner_satisfaction, 0.95);
    EXPECT_EQ(l.partner_tenure, 40u);
    EXPECT_EQ(l.demote_below, 0.45);

    const auto& p = m.purchases;
    EXPECT_EQ(p.process, models::PurchaseProcess::BgNbd);
    // NBD (r, alpha) typed as shape and rate; BG (a, b) as a and b.
    expect_same_distribution(p.rate, {DistributionKind::Gamma, 0.243 / 4.414, 1.0, 0.243}, "purchase rate");
    expect_same_distribution(p.dropout, {DistributionKind::Beta, 0.793 / (0.793 + 2.426), 1.0, 0.793 + 2.426},
                             "dropout");
    EXPECT_EQ(p.amount_shape, 6.0);

    const auto& q = m.acquisition;
    EXPECT_TRUE(q.enabled);
    EXPECT_EQ(q.external, 0.02);
    EXPECT_EQ(q.internal, 0.3);
    EXPECT_EQ(q.influence, models::Influence::Mixed);
    EXPECT_EQ(q.story_weight, 0.05);
    EXPECT_FALSE(q.lapsed_return);

    EXPECT_EQ(m.tarp.horizon, 13u);

    EXPECT_EQ(c.market.metrics.promoter_from, 0.9);
    EXPECT_EQ(c.market.metrics.detractor_below, 0.6);
    EXPECT_EQ(c.market.metrics.concentration_every, 4u);
}

TEST(ConfigLifecycle, EveryNewKeyReloadsToTheSameConfig) {
    const ExperimentConfig first = load_experiment_config(kEveryNewKey, {});
    const TempConfig resolved(first.resolved_yaml, "resolved.yaml");
    const ExperimentConfig second = load_experiment_config(resolved.path(), {});
    EXPECT_EQ(second.resolved_yaml, first.resolved_yaml);
    // A gamma given by its rate is recorded by its rate (giving both would be an error).
    const YAML::Node r = YAML::Load(first.resolved_yaml);
    EXPECT_EQ(r["population"]["spend"]["rate"].as<std::string>(), "0.1");
    EXPECT_FALSE(r["population"]["spend"]["mean"].IsDefined());
    EXPECT_EQ(r["mechanisms"]["purchases"]["dropout"]["a"].as<std::string>(), "0.793");
    EXPECT_EQ(second.market.mechanisms.purchases.dropout.shape, 0.793 + 2.426);
}

// Absent keys are the structs' own defaults (and the documented ones).
TEST(ConfigLifecycle, AbsentKeysAreTheStructDefaults) {
    const ExperimentConfig c = load_text(kOnlyFirms);
    const models::PopulationParams pop;
    const auto& p = c.market.population;
    EXPECT_EQ(p.initial_prospects, pop.initial_prospects);
    expect_same_distribution(p.spend, pop.spend, "spend");
    EXPECT_EQ(p.spend.sigma, pop.spend.sigma);
    expect_same_distribution(p.traits.cost_to_serve, pop.traits.cost_to_serve, "cost_to_serve");
    expect_same_distribution(p.traits.complaint_propensity, pop.traits.complaint_propensity, "complaint_propensity");
    expect_same_distribution(p.traits.talkativeness, pop.traits.talkativeness, "talkativeness");
    expect_same_distribution(p.traits.price_sensitivity, pop.traits.price_sensitivity, "price_sensitivity");
    EXPECT_EQ(p.traits.draining_share, pop.traits.draining_share);
    EXPECT_EQ(p.traits.violator_share, pop.traits.violator_share);

    const models::FirmParams firm;
    for (const auto& f : c.market.firms) {
        EXPECT_EQ(f.attractiveness, firm.attractiveness);
        EXPECT_EQ(f.price, firm.price);
        EXPECT_EQ(f.service_quality, firm.service_quality);
        EXPECT_EQ(f.switching_barrier, firm.switching_barrier);
    }

    const models::Mechanisms d;
    const auto& m = c.market.mechanisms;
    EXPECT_EQ(m.paradox.enabled, d.paradox.enabled);
    EXPECT_EQ(m.paradox.satisfaction_bonus, d.paradox.satisfaction_bonus);
    EXPECT_EQ(m.paradox.first_failure_only, d.paradox.first_failure_only);
    EXPECT_EQ(m.paradox.minor_only, d.paradox.minor_only);
    EXPECT_EQ(m.satisfaction.model, d.satisfaction.model);
    EXPECT_EQ(m.satisfaction.good_service_gain, d.satisfaction.good_service_gain);
    EXPECT_EQ(m.satisfaction.anchor_weight, d.satisfaction.anchor_weight);
    EXPECT_EQ(m.satisfaction.disconfirmation_weight, d.satisfaction.disconfirmation_weight);
    EXPECT_EQ(m.satisfaction.expectation_adaptation, d.satisfaction.expectation_adaptation);
    EXPECT_EQ(m.satisfaction.initial_expectation, d.satisfaction.initial_expectation);
    EXPECT_EQ(m.switching.drift_hazard, d.switching.drift_hazard);
    EXPECT_EQ(m.switching.convexity, d.switching.convexity);
    EXPECT_EQ(m.switching.stage_factor, d.switching.stage_factor);
    EXPECT_EQ(m.switching.variety_seeking, d.switching.variety_seeking);
    EXPECT_EQ(m.switching.competitor_pull, d.switching.competitor_pull);
    EXPECT_EQ(m.switching.leave_market_share, d.switching.leave_market_share);
    EXPECT_EQ(m.switching.satisfaction_after_switch, d.switching.satisfaction_after_switch);
    EXPECT_EQ(m.switching.expectation_after_switch, d.switching.expectation_after_switch);
    EXPECT_EQ(m.word_of_mouth.enabled, d.word_of_mouth.enabled);
    EXPECT_EQ(m.word_of_mouth.expectation_effect, d.word_of_mouth.expectation_effect);
    EXPECT_EQ(m.word_of_mouth.dissatisfied_below, d.word_of_mouth.dissatisfied_below);
    EXPECT_EQ(m.word_of_mouth.advocate_talk, d.word_of_mouth.advocate_talk);
    EXPECT_EQ(m.word_of_mouth.weak_ties, d.word_of_mouth.weak_ties);
    EXPECT_EQ(m.word_of_mouth.weak_reach, d.word_of_mouth.weak_reach);
    EXPECT_EQ(m.ladder.enabled, d.ladder.enabled);
    EXPECT_EQ(m.ladder.promote, d.ladder.promote);
    EXPECT_EQ(m.ladder.demote, d.ladder.demote);
    EXPECT_EQ(m.ladder.client_purchases, d.ladder.client_purchases);
    EXPECT_EQ(m.ladder.advocate_satisfaction, d.ladder.advocate_satisfaction);
    EXPECT_EQ(m.ladder.advocate_tenure, d.ladder.advocate_tenure);
    EXPECT_EQ(m.ladder.partner_satisfaction, d.ladder.partner_satisfaction);
    EXPECT_EQ(m.ladder.partner_tenure, d.ladder.partner_tenure);
    EXPECT_EQ(m.ladder.demote_below, d.ladder.demote_below);
    EXPECT_EQ(m.purchases.process, d.purchases.process);
    expect_same_distribution(m.purchases.rate, d.purchases.rate, "purchase rate");
    expect_same_distribution(m.purchases.dropout, d.purchases.dropout, "dropout");
    EXPECT_EQ(m.purchases.amount_shape, d.purchases.amount_shape);
    EXPECT_EQ(m.acquisition.enabled, d.acquisition.enabled);
    EXPECT_EQ(m.acquisition.external, d.acquisition.external);
    EXPECT_EQ(m.acquisition.internal, d.acquisition.internal);
    EXPECT_EQ(m.acquisition.influence, d.acquisition.influence);
    EXPECT_EQ(m.acquisition.story_weight, d.acquisition.story_weight);
    EXPECT_EQ(m.acquisition.lapsed_return, d.acquisition.lapsed_return);
    EXPECT_EQ(m.tarp.horizon, d.tarp.horizon);

    const models::MetricOptions metrics;
    EXPECT_EQ(c.market.metrics.promoter_from, metrics.promoter_from);
    EXPECT_EQ(c.market.metrics.detractor_below, metrics.detractor_below);
    EXPECT_EQ(c.market.metrics.concentration_every, metrics.concentration_every);
}

// The shipped configs predate these keys and load as they did.
TEST(ConfigLifecycle, ShippedConfigsLoadUnchanged) {
    for (const std::string name :
         {"reference/rm1.yaml", "examples/quickstart.yaml", "examples/recovery-policies.yaml"}) {
        SCOPED_TRACE(name);
        const ExperimentConfig c = load_experiment_config(std::string(CRMSIM_SOURCE_DIR) + "/configs/" + name, {});
        expect_same_distribution(c.market.population.spend, models::PopulationParams{}.spend, "spend");
        EXPECT_EQ(c.market.population.spend.sigma, 1.7);
        EXPECT_EQ(c.market.mechanisms.purchases.process, models::PurchaseProcess::EveryTick);
        EXPECT_FALSE(c.market.mechanisms.ladder.enabled);
    }
}

TEST(ConfigLifecycle, DistributionSpecs) {
    using sim::DistributionKind;
    // Today's spend keys, for each kind.
    auto spend = load_text(kOnlyFirms, {"population.spend={distribution: gamma, mean: 40, shape: 2}"}).market;
    expect_same_distribution(spend.population.spend, {DistributionKind::Gamma, 40.0, 1.0, 2.0}, "gamma spend");
    spend = load_text(kOnlyFirms, {"population.spend={mean: 30, sigma: 0.5}"}).market;
    expect_same_distribution(spend.population.spend, {DistributionKind::LogNormal, 30.0, 0.5}, "lognormal spend");
    // A gamma without mean or rate takes the default's mean; shape 1 when the default has none.
    const auto m = load_text(kOnlyFirms, {"population.traits.talkativeness={distribution: gamma}"}).market;
    expect_same_distribution(m.population.traits.talkativeness, {DistributionKind::Gamma, 1.0, 1.0, 1.0},
                             "talkativeness");
    // Pareto/NBD: the dropout rate is a gamma too.
    const auto pareto = load_text(kOnlyFirms, {"mechanisms.purchases.process=pareto_nbd",
                                               "mechanisms.purchases.dropout={distribution: gamma, shape: 0.61, "
                                               "rate: 11.67}"})
                            .market.mechanisms.purchases;
    EXPECT_EQ(pareto.process, models::PurchaseProcess::ParetoNbd);
    expect_same_distribution(pareto.dropout, {DistributionKind::Gamma, 0.61 / 11.67, 1.0, 0.61}, "dropout");
    // BG/NBD: a constant dropout probability.
    const auto bg = load_text(kOnlyFirms, {"mechanisms.purchases.process=bg_nbd",
                                           "mechanisms.purchases.dropout={distribution: constant, mean: 0.3}"})
                        .market.mechanisms.purchases;
    expect_same_distribution(bg.dropout, {DistributionKind::Constant, 0.3}, "dropout");
}

TEST(ConfigLifecycle, GammaTakesMeanOrRateNotBoth) {
    EXPECT_TRUE(text_fails_at(R"(population:
  spend:
    distribution: gamma
    shape: 2
    mean: 50
    rate: 0.04
)" + kOnlyFirms,
                              6, "population.spend.rate", "give mean or rate, not both"));
    EXPECT_TRUE(text_fails_at(R"(population:
  spend: {distribution: gamma, rate: 0}
)" + kOnlyFirms,
                              2, "population.spend.rate", "must be in [1e-09"));
}

TEST(ConfigLifecycle, DistributionKindMustBeAllowedForTheKey) {
    EXPECT_TRUE(text_fails_at(R"(population:
  traits:
    talkativeness: {distribution: beta, a: 2, b: 3}
)" + kOnlyFirms,
                              3, "population.traits.talkativeness.distribution",
                              "distribution \"beta\" is not available here; one of: constant, lognormal, gamma"));
    EXPECT_TRUE(text_fails_at(R"(population:
  spend: {distribution: beta, a: 2, b: 3}
)" + kOnlyFirms,
                              2, "population.spend.distribution",
                              "is not available here; one of: lognormal, gamma, constant"));
    // Pareto/NBD's dropout is a rate, not a probability.
    EXPECT_TRUE(text_fails_at(kOnlyFirms + R"(mechanisms:
  purchases:
    process: pareto_nbd
    dropout: {distribution: beta, a: 1, b: 3}
)",
                              7, "mechanisms.purchases.dropout.distribution", "one of: constant, gamma"));
    // A misspelt kind gets the closest allowed one.
    EXPECT_TRUE(text_fails_at(R"(population:
  traits:
    cost_to_serve: {distribution: gama, mean: 2}
)" + kOnlyFirms,
                              3, "population.traits.cost_to_serve.distribution", "did you mean \"gamma\""));
}

TEST(ConfigLifecycle, DistributionParametersBelongToTheirKind) {
    EXPECT_TRUE(text_fails_at(R"(population:
  spend: {distribution: gamma, mean: 50, sigma: 1.2}
)" + kOnlyFirms,
                              2, "population.spend.sigma",
                              "does not apply to distribution gamma (it is a parameter of lognormal"));
    EXPECT_TRUE(text_fails_at(kOnlyFirms + R"(mechanisms:
  purchases:
    process: bg_nbd
    dropout: {distribution: beta, mean: 0.2}
)",
                              7, "mechanisms.purchases.dropout.mean", "beta takes a, b"));
    // Without a default to fall back on, beta needs both a and b.
    EXPECT_TRUE(text_fails_at(kOnlyFirms + R"(mechanisms:
  purchases:
    process: bg_nbd
    dropout: {distribution: beta, a: 1}
)",
                              7, "mechanisms.purchases.dropout.b", "distribution beta needs a and b"));
    // A cost to serve defaults to 0, which a lognormal mean cannot be.
    EXPECT_TRUE(text_fails_at(R"(population:
  traits:
    cost_to_serve: {distribution: lognormal, sigma: 0.5}
)" + kOnlyFirms,
                              3, "population.traits.cost_to_serve.mean", "distribution lognormal needs mean"));
}

TEST(ConfigLifecycle, DropoutOnlyWithADropoutProcess) {
    EXPECT_TRUE(text_fails_at(kOnlyFirms + R"(mechanisms:
  purchases:
    process: poisson
    dropout: {distribution: constant, mean: 0.1}
)",
                              7, "mechanisms.purchases.dropout", "applies only to pareto_nbd and bg_nbd"));
    EXPECT_TRUE(text_fails_at(kOnlyFirms + R"(mechanisms:
  purchases:
    dropout: {distribution: gamma, mean: 0.1}
)",
                              6, "mechanisms.purchases.dropout", "applies only to pareto_nbd and bg_nbd"));
    // BG/NBD's dropout is a probability.
    EXPECT_TRUE(text_fails_at(kOnlyFirms + R"(mechanisms:
  purchases:
    process: bg_nbd
    dropout: {distribution: constant, mean: 1.5}
)",
                              7, "mechanisms.purchases.dropout.mean", "must be in [0, 1], found 1.5"));
}

TEST(ConfigLifecycle, LadderPromotePlusDemoteAtMostOne) {
    EXPECT_TRUE(text_fails_at(kOnlyFirms + R"(mechanisms:
  ladder:
    promote: {client: 0.7}
    demote:
      client: 0.4
)",
                              8, "mechanisms.ladder.demote.client",
                              "promote.client + demote.client must be at most 1"));
    EXPECT_TRUE(text_fails_at(kOnlyFirms + R"(mechanisms:
  ladder:
    promote: {advocate: 0.5}
    demote: {advocate: 0.6}
)",
                              7, "mechanisms.ladder.demote.advocate",
                              "promote.advocate + demote.advocate must be at most 1"));
    // With demote left at its default, the promote key is the one written.
    EXPECT_TRUE(
        text_fails_at(kOnlyFirms + R"(mechanisms:
  ladder:
    promote: {client: 0.6}
)",
                      6, "mechanisms.ladder.promote.client",
                      "must be at most 1 (one draw decides both), found 1.1 (demote.client is 0.5 by default)"));
    // Customers cannot slip and partners cannot climb: no limit there.
    EXPECT_NO_THROW(load_text(kOnlyFirms + "mechanisms: {ladder: {promote: {customer: 1}, demote: {partner: 1}}}\n"));
}

TEST(ConfigLifecycle, NetworkAcquisitionNeedsANetwork) {
    const std::string no_network =
        "network: {kind: none}\nmechanisms:\n  word_of_mouth: {enabled: false}\n  acquisition: {enabled: true}\n";
    EXPECT_TRUE(text_fails_at(no_network + kOnlyFirms, 1, "network",
                              "acquisition by network influence is on but network.kind is none"));
    EXPECT_NO_THROW(load_text(no_network + kOnlyFirms, {"mechanisms.acquisition.influence=mixed"}));
    // Nothing to acquire (no prospects, nobody leaves the market) is allowed.
    const auto c = load_text(kOnlyFirms, {"mechanisms.acquisition.enabled=true"});
    EXPECT_EQ(c.market.population.initial_prospects, 0.0);
    EXPECT_EQ(c.market.mechanisms.switching.leave_market_share, 0.0);
}

TEST(ConfigLifecycle, RangesOfTheNewKeys) {
    EXPECT_TRUE(text_fails_at(R"(firms:
  - name: a
    price: 0
  - name: b
)",
                              3, "firms.0.price", "must be in [1e-09"));
    EXPECT_TRUE(text_fails_at(kOnlyFirms + "mechanisms:\n  word_of_mouth:\n    weak_ties: 1001\n", 6,
                              "mechanisms.word_of_mouth.weak_ties", "must be in [0, 1000], found 1001"));
    EXPECT_TRUE(text_fails_at(kOnlyFirms + "mechanisms:\n  word_of_mouth:\n    expectation_effect: -1.5\n", 6,
                              "mechanisms.word_of_mouth.expectation_effect", "must be in [-1, 1]"));
    EXPECT_TRUE(text_fails_at(kOnlyFirms + "mechanisms:\n  switching:\n    stage_factor: {custmer: 2}\n", 6,
                              "mechanisms.switching.stage_factor.custmer", "did you mean 'customer'"));
    EXPECT_TRUE(text_fails_at(kOnlyFirms + "mechanisms:\n  tarp: {horizon: 0}\n", 5, "mechanisms.tarp.horizon",
                              "must be in [1, "));
    EXPECT_TRUE(text_fails_at(kOnlyFirms + "output:\n  metrics: {promoter_from: 0.5, detractor_below: 0.6}\n", 5,
                              "output.metrics.detractor_below", "must not be above promoter_from"));
    // 255 is the "no firm" mark, so 254 firms is the most.
    std::string firms = "firms: [";
    for (int i = 0; i < 255; ++i) firms += i ? ", {}" : "{}";
    EXPECT_TRUE(text_fails_at(firms + "]\n", 1, "firms", "a market needs 2 to 254 firms, found 255"));
}

// ---------------------------------------------------------------- firm strategies

// Each key of tests/data/configs/every_strategy_key.yaml has a value of its
// own, none the default, so a key read into the wrong field fails here.
TEST(ConfigStrategies, EveryStrategyKeyIsReadIntoItsField) {
    const ExperimentConfig c = load_experiment_config(kEveryStrategyKey, {});
    ASSERT_EQ(c.market.firms.size(), 2u);
    const models::FirmStrategies& a = c.market.firms[0].strategies;

    const models::LoyaltyProgramme& l = a.loyalty;
    EXPECT_TRUE(l.enabled);
    EXPECT_EQ(l.type, models::ProgrammeType::Points);
    EXPECT_EQ(l.targeting, models::Targeting::TopValue);
    EXPECT_EQ(l.top_share, 0.3);
    EXPECT_EQ(l.review_every, 6u);
    EXPECT_EQ(l.barrier, 0.6);
    EXPECT_EQ(l.satisfaction_gain, 0.02);
    EXPECT_EQ(l.cost_per_member, 0.75);
    EXPECT_EQ(l.points_rate, 0.03);
    EXPECT_EQ(l.min_rfm_score, 9u);

    const models::RelationshipTactics& tactics = a.tactics;
    EXPECT_TRUE(tactics.enabled);
    EXPECT_EQ(tactics.target.targeting, models::Targeting::Rfm);
    EXPECT_EQ(tactics.target.min_rfm_score, 13u);
    EXPECT_EQ(tactics.target.review_every, 5u);
    EXPECT_EQ(tactics.social_reinforcement.effect, 0.01);
    EXPECT_EQ(tactics.social_reinforcement.cost, 1.5);
    EXPECT_EQ(tactics.reassurance.effect, 0.02);
    EXPECT_EQ(tactics.reassurance.cost, 0.5);
    EXPECT_EQ(tactics.benefit_reinforcement.effect, 0.2);
    EXPECT_EQ(tactics.benefit_reinforcement.cost, 0.25);
    EXPECT_EQ(tactics.problem_solving.effect, 0.05);
    EXPECT_EQ(tactics.problem_solving.cost, 2.0);
    EXPECT_EQ(tactics.customisation.effect, 0.1);
    EXPECT_EQ(tactics.customisation.cost, 3.0);
    EXPECT_EQ(tactics.service_enhancement.effect, 0.03);
    EXPECT_EQ(tactics.service_enhancement.cost, 4.0);
    EXPECT_FALSE(c.market.firms[1].strategies.tactics.enabled);

    const models::SwitchingPrevention& p = a.prevention;
    EXPECT_TRUE(p.enabled);
    EXPECT_EQ(p.recency_weight, 0.04);
    EXPECT_EQ(p.failure_weight, 0.25);
    EXPECT_EQ(p.satisfaction_weight, 0.9);
    EXPECT_EQ(p.survey_noise, 0.2);
    EXPECT_EQ(p.threshold, 0.55);
    EXPECT_EQ(p.offer_cost, 7.0);
    EXPECT_EQ(p.success, 0.4);
    EXPECT_EQ(p.hazard_cut, 0.7);
    EXPECT_EQ(p.satisfaction_gain, 0.06);

    const models::Termination& t = a.termination;
    EXPECT_TRUE(t.enabled);
    EXPECT_FALSE(t.unprofitable);
    EXPECT_TRUE(t.draining);
    EXPECT_TRUE(t.violators);
    EXPECT_EQ(t.min_profit, -1.5);
    EXPECT_EQ(t.window, 10u);
    EXPECT_EQ(t.action, models::TerminationAction::Limit);
    EXPECT_EQ(t.negative_word_of_mouth, 0.4);
    EXPECT_EQ(t.cost_per_termination, 6.0);
    EXPECT_EQ(t.price_markup, 0.25);
    EXPECT_EQ(t.service_cut, 0.4);
    EXPECT_EQ(t.failure_increase, 0.6);

    const models::WinBack& w = a.win_back;
    EXPECT_TRUE(w.enabled);
    EXPECT_EQ(w.window, 13u);
    EXPECT_EQ(w.success, 0.07);
    EXPECT_EQ(w.activation_success, 0.08);
    EXPECT_EQ(w.contact_cost, 1.5);
    EXPECT_EQ(w.satisfaction, 0.6);

    const models::AcquisitionSpend& q = a.acquisition;
    EXPECT_EQ(q.marketing_per_tick, 500.0);
    EXPECT_EQ(q.lift_per_1000, 0.1);
    EXPECT_EQ(q.referral_reward, 3.0);
    EXPECT_EQ(q.appeal(), 0.05);

    // Firm b: an information programme for everyone, every other strategy by default.
    const models::FirmStrategies& b = c.market.firms[1].strategies;
    const models::FirmStrategies defaults;
    EXPECT_TRUE(b.loyalty.enabled);
    EXPECT_EQ(b.loyalty.type, models::ProgrammeType::Information);
    EXPECT_EQ(b.loyalty.targeting, defaults.loyalty.targeting);
    EXPECT_EQ(b.loyalty.top_share, defaults.loyalty.top_share);
    EXPECT_EQ(b.prevention.enabled, defaults.prevention.enabled);
    EXPECT_EQ(b.termination.action, defaults.termination.action);
    EXPECT_EQ(b.win_back.window, defaults.win_back.window);
    EXPECT_EQ(b.acquisition.marketing_per_tick, defaults.acquisition.marketing_per_tick);

    EXPECT_EQ(c.market.metrics.discount_rate, 0.005);
}

TEST(ConfigStrategies, EveryStrategyKeyReloadsToTheSameConfig) {
    const ExperimentConfig first = load_experiment_config(kEveryStrategyKey, {});
    const TempConfig resolved(first.resolved_yaml, "resolved.yaml");
    const ExperimentConfig second = load_experiment_config(resolved.path(), {});
    EXPECT_EQ(second.resolved_yaml, first.resolved_yaml);
    const YAML::Node r = YAML::Load(first.resolved_yaml);
    EXPECT_EQ(r["firms"][0]["loyalty"]["type"].as<std::string>(), "points");
    EXPECT_EQ(r["firms"][0]["termination"]["action"].as<std::string>(), "limit");
    EXPECT_EQ(r["firms"][1]["win_back"]["window"].as<std::string>(), "26");  // defaults are recorded
    EXPECT_EQ(r["output"]["metrics"]["discount_rate"].as<std::string>(), "0.005");
}

// Absent strategy keys are the structs' own defaults (and the documented ones).
TEST(ConfigStrategies, AbsentKeysAreTheStructDefaults) {
    const ExperimentConfig c = load_text(kOnlyFirms);
    const models::FirmStrategies d;
    for (const auto& f : c.market.firms) {
        const models::FirmStrategies& s = f.strategies;
        EXPECT_EQ(s.loyalty.enabled, d.loyalty.enabled);
        EXPECT_EQ(s.loyalty.type, d.loyalty.type);
        EXPECT_EQ(s.loyalty.targeting, d.loyalty.targeting);
        EXPECT_EQ(s.loyalty.top_share, d.loyalty.top_share);
        EXPECT_EQ(s.loyalty.review_every, d.loyalty.review_every);
        EXPECT_EQ(s.loyalty.barrier, d.loyalty.barrier);
        EXPECT_EQ(s.loyalty.satisfaction_gain, d.loyalty.satisfaction_gain);
        EXPECT_EQ(s.loyalty.cost_per_member, d.loyalty.cost_per_member);
        EXPECT_EQ(s.loyalty.points_rate, d.loyalty.points_rate);
        EXPECT_EQ(s.prevention.enabled, d.prevention.enabled);
        EXPECT_EQ(s.prevention.recency_weight, d.prevention.recency_weight);
        EXPECT_EQ(s.prevention.failure_weight, d.prevention.failure_weight);
        EXPECT_EQ(s.prevention.satisfaction_weight, d.prevention.satisfaction_weight);
        EXPECT_EQ(s.prevention.survey_noise, d.prevention.survey_noise);
        EXPECT_EQ(s.prevention.threshold, d.prevention.threshold);
        EXPECT_EQ(s.prevention.offer_cost, d.prevention.offer_cost);
        EXPECT_EQ(s.prevention.success, d.prevention.success);
        EXPECT_EQ(s.prevention.hazard_cut, d.prevention.hazard_cut);
        EXPECT_EQ(s.prevention.satisfaction_gain, d.prevention.satisfaction_gain);
        EXPECT_EQ(s.termination.enabled, d.termination.enabled);
        EXPECT_EQ(s.termination.unprofitable, d.termination.unprofitable);
        EXPECT_EQ(s.termination.draining, d.termination.draining);
        EXPECT_EQ(s.termination.violators, d.termination.violators);
        EXPECT_EQ(s.termination.min_profit, d.termination.min_profit);
        EXPECT_EQ(s.termination.window, d.termination.window);
        EXPECT_EQ(s.termination.action, d.termination.action);
        EXPECT_EQ(s.termination.negative_word_of_mouth, d.termination.negative_word_of_mouth);
        EXPECT_EQ(s.termination.cost_per_termination, d.termination.cost_per_termination);
        EXPECT_EQ(s.termination.price_markup, d.termination.price_markup);
        EXPECT_EQ(s.termination.service_cut, d.termination.service_cut);
        EXPECT_EQ(s.termination.failure_increase, d.termination.failure_increase);
        EXPECT_EQ(s.win_back.enabled, d.win_back.enabled);
        EXPECT_EQ(s.win_back.window, d.win_back.window);
        EXPECT_EQ(s.win_back.success, d.win_back.success);
        EXPECT_EQ(s.win_back.activation_success, d.win_back.activation_success);
        EXPECT_EQ(s.win_back.contact_cost, d.win_back.contact_cost);
        EXPECT_EQ(s.win_back.satisfaction, d.win_back.satisfaction);
        EXPECT_EQ(s.acquisition.marketing_per_tick, d.acquisition.marketing_per_tick);
        EXPECT_EQ(s.acquisition.lift_per_1000, d.acquisition.lift_per_1000);
        EXPECT_EQ(s.acquisition.referral_reward, d.acquisition.referral_reward);
    }
    EXPECT_EQ(c.market.metrics.discount_rate, models::MetricOptions{}.discount_rate);
}

TEST(ConfigStrategies, RangesOfTheStrategyKeys) {
    const auto firm_fails = [](const std::string& section, const std::string& key_value, const std::string& key,
                               const std::string& fragment) {
        return text_fails_at("firms:\n  - name: a\n    " + section + ":\n      " + key_value + "\n  - name: b\n", 4,
                             "firms.0." + section + "." + key, fragment);
    };
    EXPECT_TRUE(firm_fails("loyalty", "type: tiers", "type", "unknown value \"tiers\""));
    EXPECT_TRUE(firm_fails("loyalty", "targeting: top", "targeting", "one of: everyone, top_value"));
    EXPECT_TRUE(firm_fails("loyalty", "top_share: 0", "top_share", "must be in [1e-09, 1]"));
    EXPECT_TRUE(firm_fails("loyalty", "review_every: 0", "review_every", "must be in [1, "));
    EXPECT_TRUE(firm_fails("loyalty", "barrier: 1.2", "barrier", "must be in [0, 1]"));
    EXPECT_TRUE(firm_fails("loyalty", "cost_per_member: -1", "cost_per_member", "must be in [0, "));
    EXPECT_TRUE(firm_fails("prevention", "survey_noise: -0.1", "survey_noise", "must be in [0, 1]"));
    EXPECT_TRUE(firm_fails("prevention", "success: 2", "success", "must be in [0, 1]"));
    EXPECT_TRUE(firm_fails("prevention", "offers_per_tick: 5", "offers_per_tick", "unknown key"));
    EXPECT_TRUE(firm_fails("termination", "window: 0", "window", "must be in [1, "));
    EXPECT_TRUE(firm_fails("termination", "action: fire", "action", "one of: end, limit"));
    EXPECT_TRUE(firm_fails("termination", "service_cut: 1.5", "service_cut", "must be in [0, 1]"));
    EXPECT_TRUE(firm_fails("win_back", "window: 0", "window", "must be in [1, "));
    EXPECT_TRUE(firm_fails("win_back", "contact_cost: -2", "contact_cost", "must be in [0, "));
    EXPECT_TRUE(firm_fails("acquisition", "marketing_per_tick: -5", "marketing_per_tick", "must be in [0, "));
    EXPECT_TRUE(firm_fails("acquisition", "enabled: true", "enabled", "unknown key"));
    EXPECT_TRUE(text_fails_at(kOnlyFirms + "output:\n  metrics: {discount_rate: -0.1}\n", 5,
                              "output.metrics.discount_rate", "must be in [0, "));
}

// A policy folder beside a config: `use:` files relative to the config's folder.
class PolicyFolder {
public:
    explicit PolicyFolder(const std::string& config) : config_(config) {
        fs::create_directories(config_.dir() / "policies");
    }
    void write(const std::string& name, const std::string& text) const {
        std::ofstream(config_.dir() / "policies" / name, std::ios::binary) << text;
    }
    std::string policy(const std::string& name) const { return (config_.dir() / "policies" / name).string(); }
    const std::string& path() const { return config_.path(); }
    const fs::path& dir() const { return config_.dir(); }

private:
    TempConfig config_;
};

const std::string kLoyaltyPolicy = R"(# a policy file
loyalty:
  enabled: true
  targeting: top_value
  top_share: 0.3
recovery: {quick: 0.7, slow: 0.2}
)";

const std::string kUseConfig = kOnlyFirms + R"(policies:
  - name: base
    baseline: true
  - name: loyal
    firm: b
    use: policies/loyal.yaml
    set: {firms.1.loyalty.top_share: 0.1}
  - name: loyal-a
    firm: 0
    use: policies/loyal.yaml
)";

TEST(ConfigPolicyFiles, UseAppliesAPolicyFileToOneFirmBeforeSet) {
    const PolicyFolder folder(kUseConfig);
    folder.write("loyal.yaml", kLoyaltyPolicy);
    const ExperimentConfig c = load_experiment_config(folder.path(), {});
    ASSERT_EQ(c.design.policies.size(), 3u);
    EXPECT_TRUE(c.design.policies[0].overrides.empty());

    // The file's values, in its order and located in it, then the set.
    const auto& loyal = c.design.policies[1].overrides;
    ASSERT_EQ(loyal.size(), 6u);
    const std::vector<std::string> paths = {"firms.1.loyalty.enabled",   "firms.1.loyalty.targeting",
                                            "firms.1.loyalty.top_share", "firms.1.recovery.quick",
                                            "firms.1.recovery.slow",     "firms.1.loyalty.top_share"};
    for (std::size_t k = 0; k < paths.size(); ++k) EXPECT_EQ(loyal[k].path, paths[k]) << k;
    EXPECT_EQ(loyal[0].origin.file, folder.policy("loyal.yaml"));
    EXPECT_EQ(loyal[0].origin.line, 3);
    EXPECT_EQ(loyal[0].origin.key, "firms.1.loyalty.enabled");
    EXPECT_EQ(loyal[4].origin.line, 6);
    EXPECT_EQ(loyal[5].origin.file, folder.path());
    EXPECT_EQ(loyal[5].origin.line, 10);
    // firm: 0 by index, the same file.
    ASSERT_EQ(c.design.policies[2].overrides.size(), 5u);
    EXPECT_EQ(c.design.policies[2].overrides[0].path, "firms.0.loyalty.enabled");

    // A run's config: the file's values, and the set's where both give one.
    const ExperimentConfig run = load_experiment_config(folder.path(), {}, c.design.policies[1].overrides);
    const models::FirmParams& b = run.market.firms[1];
    EXPECT_TRUE(b.strategies.loyalty.enabled);
    EXPECT_EQ(b.strategies.loyalty.targeting, models::Targeting::TopValue);
    EXPECT_EQ(b.strategies.loyalty.top_share, 0.1);  // set applies after use
    EXPECT_EQ(b.recovery.quick, 0.7);
    EXPECT_EQ(b.recovery.slow, 0.2);
    EXPECT_FALSE(run.market.firms[0].strategies.loyalty.enabled);  // the other firm is untouched
    EXPECT_EQ(run.market.firms[0].recovery.quick, 0.5);
    const ExperimentConfig run_a = load_experiment_config(folder.path(), {}, c.design.policies[2].overrides);
    EXPECT_EQ(run_a.market.firms[0].strategies.loyalty.top_share, 0.3);
    EXPECT_FALSE(run_a.market.firms[1].strategies.loyalty.enabled);
}

// The resolved config records firm and use as written, and every value the
// file set (then the set's) under set; it reloads to itself beside the file.
TEST(ConfigPolicyFiles, ResolvedConfigRecordsThePolicyFilesValues) {
    const PolicyFolder folder(kUseConfig);
    folder.write("loyal.yaml", kLoyaltyPolicy);
    const ExperimentConfig first = load_experiment_config(folder.path(), {});
    const YAML::Node r = YAML::Load(first.resolved_yaml);
    const YAML::Node loyal = r["policies"][1];
    EXPECT_EQ(loyal["firm"].as<std::string>(), "b");
    EXPECT_EQ(loyal["use"].as<std::string>(), "policies/loyal.yaml");
    EXPECT_EQ(loyal["set"]["firms.1.loyalty.enabled"].as<std::string>(), "true");
    EXPECT_EQ(loyal["set"]["firms.1.recovery.quick"].as<std::string>(), "0.7");
    EXPECT_EQ(loyal["set"]["firms.1.loyalty.top_share"].as<std::string>(), "0.1");  // the value used
    EXPECT_EQ(loyal["set"].size(), 5u);
    EXPECT_EQ(r["policies"][2]["set"]["firms.0.loyalty.top_share"].as<std::string>(), "0.3");
    EXPECT_FALSE(r["policies"][0]["use"].IsDefined());

    std::ofstream(folder.dir() / "resolved.yaml", std::ios::binary) << first.resolved_yaml;
    const ExperimentConfig second = load_experiment_config((folder.dir() / "resolved.yaml").string(), {});
    EXPECT_EQ(second.resolved_yaml, first.resolved_yaml);
}

TEST(ConfigPolicyFiles, ErrorsNameThePolicyFileItsLineAndTheKey) {
    const auto fails = [](const std::string& policy, const std::string& fragment, int line, const std::string& key) {
        const PolicyFolder folder(kUseConfig);
        folder.write("loyal.yaml", policy);
        return fails_at(folder.path(), {}, folder.policy("loyal.yaml"), line, key, fragment);
    };
    EXPECT_TRUE(
        fails("loyalty:\n  enabled: true\n  type: tiered\n", "unknown value \"tiered\"", 3, "firms.1.loyalty.type"));
    EXPECT_TRUE(
        fails("# x\nwin_back: {success: 1.5}\n", "must be in [0, 1], found 1.5", 2, "firms.1.win_back.success"));
    // A misspelt section or key: the key the override made is located in the
    // file (a section at the line of its first value).
    EXPECT_TRUE(fails("loyality:\n  enabled: true\n", "unknown key (did you mean 'loyalty'?)", 2, "firms.1.loyality"));
    EXPECT_TRUE(fails("loyalty:\n  enabld: true\n", "did you mean 'enabled'", 2, "firms.1.loyalty.enabld"));
    EXPECT_TRUE(fails("loyalty:\n  enabled: true\n  enabled: false\n", "duplicate key", 3, "firms.1.loyalty.enabled"));
    EXPECT_TRUE(fails("loyalty: {enabled: [true\n", "not valid YAML", 2, ""));
    EXPECT_TRUE(fails("- loyalty\n", "a policy file must be a mapping", 1, ""));
}

TEST(ConfigPolicyFiles, UseAndFirmErrorsAreLocatedInTheConfig) {
    const auto config = [](const std::string& variant) {
        return kOnlyFirms + "policies:\n  - {name: base, baseline: true}\n  - name: p\n" + variant;
    };
    const auto fails = [&](const std::string& variant, int line, const std::string& key, const std::string& fragment) {
        const PolicyFolder folder(config(variant));
        folder.write("loyal.yaml", kLoyaltyPolicy);
        return fails_at(folder.path(), {}, folder.path(), line, key, fragment);
    };
    EXPECT_TRUE(fails("    firm: 0\n    use: policies/missing.yaml\n", 8, "policies.1.use", "no such policy file: "));
    EXPECT_TRUE(fails("    firm: 0\n    use: policies\n", 8, "policies.1.use", "not a policy file: "));
    EXPECT_TRUE(fails("    firm: 2\n    use: policies/loyal.yaml\n", 7, "policies.1.firm",
                      "firm 2 is out of range: there are 2 firms (0 to 1)"));
    EXPECT_TRUE(fails("    firm: aa\n    use: policies/loyal.yaml\n", 7, "policies.1.firm",
                      "no firm is called \"aa\" (did you mean \"a\"?); give a firm's index or one of: a, b"));
    EXPECT_TRUE(fails("    use: policies/loyal.yaml\n", 6, "policies.1", "missing required key 'policies.1.firm'"));
    EXPECT_TRUE(fails("    firm: 1\n", 7, "policies.1.firm", "applies only with use:"));
    // The set's own errors stay at the config's lines.
    EXPECT_TRUE(fails("    firm: 0\n    use: policies/loyal.yaml\n    set: {firms.0.loyalty.top_share: 2}\n", 9,
                      "firms.0.loyalty.top_share", "must be in [1e-09, 1], found 2"));
    // The missing file's message names it, as the config's folder and use: make it.
    const PolicyFolder folder(config("    firm: 0\n    use: policies/missing.yaml\n"));
    EXPECT_TRUE(fails_at(folder.path(), {}, folder.path(), 8, "policies.1.use",
                         "no such policy file: " + folder.policy("missing.yaml")));
}

// Scenarios may use policy files too (a rival following a policy).
TEST(ConfigPolicyFiles, ScenariosMayUsePolicyFiles) {
    const PolicyFolder folder(kOnlyFirms +
                              "scenarios:\n  - name: rival-loyal\n    firm: a\n    use: policies/loyal.yaml\n");
    folder.write("loyal.yaml", kLoyaltyPolicy);
    const ExperimentConfig c = load_experiment_config(folder.path(), {});
    ASSERT_EQ(c.design.scenarios[0].overrides.size(), 5u);
    EXPECT_EQ(c.design.scenarios[0].overrides[0].path, "firms.0.loyalty.enabled");
}

// The shipped policy files, through the strategy comparison that uses them all.
TEST(ConfigPolicyFiles, ShippedPolicyFilesAndTheStrategyComparisonLoad) {
    const std::string dir = std::string(CRMSIM_SOURCE_DIR) + "/configs/";
    const ExperimentConfig c = load_experiment_config(dir + "examples/strategy-comparison.yaml", {});
    const auto& policies = c.design.policies;
    ASSERT_EQ(policies.size(), 6u);
    EXPECT_EQ(policies[c.design.baseline].name, "baseline");
    EXPECT_GT(c.experiment.replications, 1u);
    EXPECT_TRUE(c.experiment.common_random_numbers);
    std::map<std::string, models::FirmParams> firm0;
    for (const auto& p : policies) {
        SCOPED_TRACE(p.name);
        EXPECT_FALSE(p.overrides.empty());
        for (const auto& o : p.overrides) EXPECT_EQ(o.path.rfind("firms.0.", 0), 0u) << o.path;
        firm0[p.name] =
            load_experiment_config(dir + "examples/strategy-comparison.yaml", {}, p.overrides).market.firms[0];
    }
    // The baseline file is the market's firm 0 as configured: no strategy.
    const models::FirmParams& base = c.market.firms[0];
    EXPECT_EQ(firm0["baseline"].recovery.quick, base.recovery.quick);
    EXPECT_EQ(firm0["baseline"].recovery.slow, base.recovery.slow);
    EXPECT_FALSE(firm0["baseline"].strategies.loyalty.enabled);
    EXPECT_GT(firm0["fast-recovery"].recovery.quick, base.recovery.quick);
    EXPECT_TRUE(firm0["loyalty-top20"].strategies.loyalty.enabled);
    EXPECT_EQ(firm0["loyalty-top20"].strategies.loyalty.targeting, models::Targeting::TopValue);
    EXPECT_EQ(firm0["loyalty-top20"].strategies.loyalty.top_share, 0.2);
    EXPECT_TRUE(firm0["prevent-switching"].strategies.prevention.enabled);
    EXPECT_TRUE(firm0["fire-unprofitable"].strategies.termination.enabled);
    EXPECT_TRUE(firm0["fire-unprofitable"].strategies.termination.unprofitable);
    EXPECT_TRUE(firm0["win-back"].strategies.win_back.enabled);
    for (const auto& [name, firm] : firm0) {
        if (name != "loyalty-top20") {
            EXPECT_FALSE(firm.strategies.loyalty.enabled) << name;
        }
    }

    // Each file alone, for a firm given by name.
    for (const std::string name :
         {"baseline", "fast-recovery", "loyalty-top20", "prevent-switching", "fire-unprofitable", "win-back"}) {
        SCOPED_TRACE(name);
        const std::string policy = dir + "policies/" + name + ".yaml";
        ASSERT_TRUE(fs::exists(policy));
        const ExperimentConfig one = load_text(
            kOnlyFirms + "policies:\n  - {name: base, baseline: true}\n  - {name: p, firm: b, use: " + policy + "}\n");
        EXPECT_FALSE(one.design.policies[1].overrides.empty());
    }
}

// ---------------------------------------------------------------- the pieces

TEST(ConfigErrorFormat, NamesFileLineColumnAndKey) {
    using experiments::format_config_error;
    EXPECT_EQ(format_config_error({"c.yaml", 3, 5, "firms.0.margin"}, "bad"), "c.yaml:3:5: key 'firms.0.margin': bad");
    EXPECT_EQ(format_config_error({"c.yaml", 3, 0, ""}, "bad"), "c.yaml:3: bad");
    EXPECT_EQ(format_config_error({"c.yaml", 0, 0, ""}, "no such config file"), "c.yaml: no such config file");
    const ConfigError e({"--set a=1", 0, 0, "a"}, "bad");
    EXPECT_STREQ(e.what(), "--set a=1: key 'a': bad");
    EXPECT_EQ(e.message(), "bad");
}

TEST(ConfigErrorFormat, ClosestNameIsATypoNotAnotherWord) {
    using experiments::closest_name;
    const std::vector<std::string> keys = {"failure_rate", "major_share", "margin", "name"};
    EXPECT_EQ(closest_name("failure_rat", keys), "failure_rate");
    EXPECT_EQ(closest_name("majr_share", keys), "major_share");
    EXPECT_EQ(closest_name("nmae", keys), "name");
    EXPECT_EQ(closest_name("population", keys), "");
    EXPECT_EQ(closest_name("x", {}), "");
}

}  // namespace
