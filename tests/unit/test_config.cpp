// Reading experiment configs: the reference config holds RM-1's numbers,
// defaults fill what a file leaves out, --set overrides apply before reading,
// the resolved YAML reproduces the config exactly, and every kind of bad input
// is a ConfigError that names the file, the line and the dotted key.
#include "experiments/config/ConfigError.hpp"
#include "experiments/config/ExperimentConfig.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using experiments::ConfigError;
using experiments::ExperimentConfig;
using experiments::load_experiment_config;
using experiments::NetworkKind;

const std::string kRm1 = std::string(CRMSIM_SOURCE_DIR) + "/configs/reference/rm1.yaml";

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
    EXPECT_EQ(pop.spend.distribution, models::SpendDistribution::LogNormal);
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
    EXPECT_EQ(c.market.population.spend.distribution, models::SpendDistribution::LogNormal);
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
    EXPECT_EQ(c.market.population.spend.distribution, models::SpendDistribution::Constant);
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
    EXPECT_TRUE(text_fails_at(R"(population:
  size: 1000
  zzzzzz: 1
)" + kOnlyFirms,
                              3, "population.zzzzzz",
                              "unknown key; known keys here: initial_satisfaction, size, spend"));
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
                              3, "firms", "a market needs 2 to 255 firms, found 1"));
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
}

TEST(ConfigSetErrors, ListIndexPastTheEnd) {
    EXPECT_TRUE(set_fails_at(kOnlyFirms, {"firms.2.failure_rate=0.1"}, "firms.2.failure_rate=0.1", "firms.2",
                             "index 2 is past the end of a list of 2"));
    EXPECT_TRUE(set_fails_at(kOnlyFirms, {"firms.first.name=c"}, "firms.first.name=c", "firms.first",
                             "'first' is not a list index"));
}

TEST(ConfigSetErrors, KeyInsideASingleValue) {
    EXPECT_TRUE(set_fails_at("population: {size: 10}\n" + kOnlyFirms, {"population.size.x=3"}, "population.size.x=3",
                             "population.size.x", "cannot set a key inside a single value"));
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
