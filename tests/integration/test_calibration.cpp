// `crmsim calibrate`: recovering a parameter from targets that the model
// itself made at a known value (another seed, so the targets carry their own
// noise), from a start far from it; and targets it must refuse.
#include "sim/recording/Hdf5File.hpp"
#include "tests/support/Crmsim.hpp"
#include "tests/support/TestFolder.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {
using testing_support::contains;
using testing_support::Result;

const std::string kConfig = CRMSIM_TEST_DATA "/configs/calibration_small.yaml";
constexpr double kTruth = 0.10;  // firms.0.failure_rate; the config starts the search at 0.25

class Calibration : public ::testing::Test {
protected:
    Result crmsim(const std::vector<std::string>& args) {
        return testing_support::run_program(CRMSIM_BINARY, args, folder_.dir() / "stderr.txt");
    }
    std::string path(const std::string& name) const { return folder_.path(name); }
    testing_support::TestFolder folder_;
};

// Mean of firm a's summary column over the replications, and its standard error.
std::pair<double, double> mean_and_se(const std::string& file, const std::string& metric) {
    const sim::h5::File f(file, sim::h5::Mode::ReadOnly);
    const sim::h5::Group s = f.root().open_group("summary");
    const auto firm = s.read_ints("firm");
    const auto value = s.read_doubles(metric);
    std::vector<double> v;
    for (std::size_t k = 0; k < firm.size(); ++k)
        if (firm[k] == 0) v.push_back(value[k]);
    double mean = 0, squares = 0;
    for (const double x : v) mean += x / v.size();
    for (const double x : v) squares += (x - mean) * (x - mean);
    return {mean, std::sqrt(squares / (v.size() - 1) / v.size())};
}

TEST_F(Calibration, RecoversAKnownFailureRateWithinItsInterval) {
    ASSERT_EQ(crmsim({"run", kConfig, "-o", path("truth.h5"), "-q", "--seed", "99", "--set",
                      "firms.0.failure_rate=" + std::to_string(kTruth)})
                  .status,
              0);
    const auto customers = mean_and_se(path("truth.h5"), "final_customers");
    const auto complaints = mean_and_se(path("truth.h5"), "complaints");
    std::ofstream(path("targets.yaml")) << "targets:\n"
                                        << "  - {metric: final_customers, firm: a, value: " << customers.first
                                        << ", sd: " << customers.second << "}\n"
                                        << "  - {metric: complaints, firm: 0, value: " << complaints.first
                                        << ", sd: " << complaints.second << "}\n";
    const Result fit = crmsim({"calibrate", kConfig, "--targets", path("targets.yaml"), "-o", path("fit.h5")});
    ASSERT_EQ(fit.status, 0) << fit;
    const sim::h5::File f(path("fit.h5"), sim::h5::Mode::ReadOnly);
    const sim::h5::Group g = f.root().open_group("calibration/fit");
    const double estimate = g.read_doubles("estimate")[0], low = g.read_doubles("ci_low")[0],
                 high = g.read_doubles("ci_high")[0];
    EXPECT_LE(low, kTruth) << "fit " << estimate << " [" << low << ", " << high << "]";
    EXPECT_GE(high, kTruth) << "fit " << estimate << " [" << low << ", " << high << "]";
    EXPECT_LT(high - low, 0.1) << "an interval as wide as the range says nothing";
    // Every trial is in the file, the search's first at the start.
    const sim::h5::Group trials = f.root().open_group("calibration/trials");
    EXPECT_DOUBLE_EQ(trials.read_doubles("firms.0.failure_rate")[0], 0.25);
    EXPECT_GE(trials.read_strings("phase").size(), 5u);
    EXPECT_EQ(f.root().open_group("calibration/targets").read_doubles("z").size(), 2u);
    EXPECT_EQ(f.root().string_attribute("config_file"), kConfig);
}

// Per run of `file`, firm a's value computed here from the raw tables (not
// by crmsim's own reader): a check of both the output and the fit.
using RunOutput = double (*)(const sim::h5::Group& run);

double complaints_per_failure(const sim::h5::Group& run) {  // firm a, every tick
    const sim::h5::Group ts = run.open_group("timeseries");
    const auto firm = ts.read_ints("firm");
    const auto complaints = ts.read_doubles("complaints"), failures = ts.read_doubles("failures");
    double c = 0, f = 0;
    for (std::size_t k = 0; k < firm.size(); ++k)
        if (firm[k] == 0) c += complaints[k], f += failures[k];
    return c / f;
}

double market_share_at_end(const sim::h5::Group& run) {  // firm a's customers / all, last tick (11)
    const sim::h5::Group ts = run.open_group("timeseries");
    const auto tick = ts.read_ints("tick"), firm = ts.read_ints("firm");
    const auto customers = ts.read_doubles("customers");
    double own = 0, all = 0;
    for (std::size_t k = 0; k < tick.size(); ++k)
        if (tick[k] == 11) all += customers[k], own += firm[k] == 0 ? customers[k] : 0;
    return own / all;
}

// Firm a's TARP row of minor, silent failures: (customers observed, retained).
std::pair<double, double> tarp_minor_silent_row(const sim::h5::Group& run) {
    const sim::h5::Group t = run.open_group("tarp");
    const auto firm = t.read_ints("firm");
    const auto severity = t.read_strings("severity"), outcome = t.read_strings("outcome");
    const auto customers = t.read_doubles("customers"), retained = t.read_doubles("retained");
    for (std::size_t k = 0; k < firm.size(); ++k)
        if (firm[k] == 0 && severity[k] == "minor" && outcome[k] == "silent") return {customers[k], retained[k]};
    return {0, 0};
}

double tarp_minor_silent(const sim::h5::Group& run) {
    const auto [customers, retained] = tarp_minor_silent_row(run);
    return retained / customers;
}

double tarp_minor_silent_observations(const sim::h5::Group& run) {
    return tarp_minor_silent_row(run).first;
}

// Mean over the runs of `file` and its standard error: the replications'
// (sample sd / sqrt(n)), or for a share with `observations` the binomial one,
// sqrt(p (1 - p) / N) over all N observations, as a published share's would be
// (four replications estimate a standard error too roughly to weigh a share on
// a few hundred observations: 0.015 where the binomial one is 0.035).
std::pair<double, double> mean_and_se_over_runs(const std::string& file, RunOutput output,
                                                RunOutput observations = nullptr) {
    const sim::h5::File f(file, sim::h5::Mode::ReadOnly);
    const sim::h5::Group runs = f.root().open_group("runs");
    std::vector<double> v;
    double n = 0;
    for (const std::string& id : runs.children()) {
        v.push_back(output(runs.open_group(id)));
        if (observations) n += observations(runs.open_group(id));
    }
    double mean = 0, squares = 0;
    for (const double x : v) mean += x / v.size();
    for (const double x : v) squares += (x - mean) * (x - mean);
    if (observations) return {mean, std::sqrt(mean * (1 - mean) / n)};
    return {mean, std::sqrt(squares / (v.size() - 1) / v.size())};
}

// One recovery: targets made by the model at `key` = `truth` (seed 99), a fit
// of `key` alone from `start` (the config's seed 1), and the truth inside the
// reported 95 % interval, which must also be narrower than half the range.
struct Recovery {
    std::string key;
    double truth, low, high, start;
    std::string target;  // the target's output keys, "{...}" without value and sd
    RunOutput output;
    RunOutput observations = nullptr;  // a share's observations per run: its sd is binomial
};

void PrintTo(const Recovery& c, std::ostream* os) {
    *os << c.key << " from {" << c.target << "}";
}

class CalibrationTargets : public Calibration, public ::testing::WithParamInterface<Recovery> {};

TEST_P(CalibrationTargets, RecoverAKnownParameterWithinItsInterval) {
    const Recovery& c = GetParam();
    const std::string config = path("config.yaml");
    std::ofstream(config) << "experiment: {name: cal, ticks: 12, seed: 1, replications: 4}\n"
                          << "population: {size: 2000}\n"
                          << "firms: [{name: a}, {name: b}]\n"
                          << "calibration:\n  parameters:\n    - {key: " << c.key << ", low: " << c.low
                          << ", high: " << c.high << ", start: " << c.start << "}\n  max_trials: 40\n";
    ASSERT_EQ(crmsim({"run", config, "-o", path("truth.h5"), "-q", "--seed", "99", "--set",
                      c.key + "=" + std::to_string(c.truth)})
                  .status,
              0);
    const auto [value, sd] = mean_and_se_over_runs(path("truth.h5"), c.output, c.observations);
    ASSERT_GT(sd, 0);
    std::ofstream(path("targets.yaml")) << "targets:\n  - {" << c.target << ", firm: a, value: " << value
                                        << ", sd: " << sd << "}\n";
    const Result fit = crmsim({"calibrate", config, "--targets", path("targets.yaml"), "-o", path("fit.h5")});
    ASSERT_EQ(fit.status, 0) << fit;
    const sim::h5::File f(path("fit.h5"), sim::h5::Mode::ReadOnly);
    const sim::h5::Group g = f.root().open_group("calibration/fit");
    const double estimate = g.read_doubles("estimate")[0], low = g.read_doubles("ci_low")[0],
                 high = g.read_doubles("ci_high")[0];
    const std::string fitted = "fit " + std::to_string(estimate) + " [" + std::to_string(low) + ", " +
                               std::to_string(high) + "], target " + std::to_string(value) + " +- " +
                               std::to_string(sd);
    EXPECT_LE(low, c.truth) << fitted;
    EXPECT_GE(high, c.truth) << fitted;
    EXPECT_LT(high - low, (c.high - c.low) / 2) << fitted;
    // The fitted value at the best fit is the model's, read the same way.
    const double fitted_value = f.root().open_group("calibration/targets").read_doubles("fitted")[0];
    EXPECT_NEAR(fitted_value, value, 4 * sd) << fitted;
}

INSTANTIATE_TEST_SUITE_P(Kinds, CalibrationTargets,
                         ::testing::Values(
                             // A complaint rate: complaints per failure over the run (as a ratio of sums).
                             Recovery{"mechanisms.complaints.minor", 0.30, 0.05, 0.9, 0.7,
                                      "column: complaints, per: failures, from: 0, to: 11", complaints_per_failure},
                             // A market share at the end.
                             Recovery{"firms.0.failure_rate", 0.10, 0.02, 0.3, 0.25,
                                      "column: customers, per: market, tick: 11", market_share_at_end},
                             // A TARP table cell at horizon 1: the share of customers with a minor failure who did not
                             // complain still with the firm (TARP's 37 %), about 2,300 observations over 4 runs.
                             Recovery{"mechanisms.repurchase.silent.minor", 0.37, 0.1, 0.9, 0.8,
                                      "tarp: {severity: minor, outcome: silent}, horizon: 1", tarp_minor_silent,
                                      tarp_minor_silent_observations}),
                         [](const ::testing::TestParamInfo<Recovery>& info) {
                             return std::string(info.index == 0   ? "ComplaintRate"
                                                : info.index == 1 ? "MarketShare"
                                                                  : "TarpCell");
                         });

TEST_F(Calibration, RefusesATarpTargetAtAnotherHorizon) {
    std::ofstream(path("targets.yaml"))
        << "targets:\n  - {tarp: {severity: major, outcome: silent}, horizon: 4, firm: a, value: 0.5, sd: 0.1}\n";
    const Result r = crmsim({"calibrate", kConfig, "--targets", path("targets.yaml"), "-o", path("fit.h5")});
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, "key 'targets.0.horizon'")) << r;
    EXPECT_TRUE(contains(r.err, "horizon 1")) << r;
    EXPECT_FALSE(std::filesystem::exists(path("fit.h5")));
}

TEST_F(Calibration, RefusesATargetWithoutUncertainty) {
    std::ofstream(path("targets.yaml")) << "targets:\n  - {metric: final_customers, firm: a, value: 1000}\n";
    const Result r = crmsim({"calibrate", kConfig, "--targets", path("targets.yaml"), "-o", path("fit.h5")});
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, path("targets.yaml") + ":2:")) << r;
    EXPECT_TRUE(contains(r.err, "key 'targets.0.sd'")) << r;
    EXPECT_FALSE(std::filesystem::exists(path("fit.h5")));
}

TEST_F(Calibration, RefusesAnUnknownOutputAndAnUnknownFirm) {
    std::ofstream(path("targets.yaml")) << "targets:\n  - {metric: churn, firm: a, value: 1, sd: 1}\n";
    Result r = crmsim({"calibrate", kConfig, "--targets", path("targets.yaml"), "-o", path("fit.h5")});
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, "key 'targets.0.metric'")) << r;
    std::ofstream(path("targets.yaml")) << "targets:\n  - {metric: profit, firm: c, value: 1, sd: 1}\n";
    r = crmsim({"calibrate", kConfig, "--targets", path("targets.yaml"), "-o", path("fit.h5")});
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, "key 'targets.0.firm'")) << r;
}

// FIT.h5 is written as a results file is (SafePaths.hpp): never through a
// link, never over an existing file without --overwrite, never over an input.
class CalibrationOutput : public Calibration {
protected:
    void SetUp() override {
        std::ofstream(path("targets.yaml")) << "targets:\n  - {metric: final_customers, firm: a, value: 240, sd: 5}\n";
        std::ofstream(path("victim.txt")) << kVictim;
    }
    Result calibrate(const std::string& out, bool overwrite) {
        std::vector<std::string> args{"calibrate", kTinyFit, "--targets", path("targets.yaml"), "-o", out};
        if (overwrite) args.push_back("--overwrite");
        return crmsim(args);
    }
    std::string text_of(const std::string& name) const {
        std::ifstream in(path(name), std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }
    static constexpr const char* kVictim = "a file a link points to, which must not change\n";
    // Four trials of 500 customers x 3 ticks: the write, not the fit, is tested.
    const std::string kTinyFit = CRMSIM_TEST_DATA "/configs/calibration_tiny.yaml";
};

TEST_F(CalibrationOutput, AnExistingFitIsRefusedWithoutOverwriteAndReplacedWithIt) {
    std::ofstream(path("fit.h5")) << "an earlier fit\n";
    Result r = calibrate(path("fit.h5"), false);
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, "exists; pass --overwrite")) << r;
    EXPECT_EQ(text_of("fit.h5"), "an earlier fit\n");
    r = calibrate(path("fit.h5"), true);
    ASSERT_EQ(r.status, 0) << r;
    const sim::h5::File f(path("fit.h5"), sim::h5::Mode::ReadOnly);
    EXPECT_TRUE(f.root().has("calibration/fit"));
    EXPECT_FALSE(std::filesystem::exists(path("fit.h5.partial"))) << "the work folder is removed";
}

TEST_F(CalibrationOutput, AFitThatIsALinkIsRefusedEvenWithOverwrite) {
    ASSERT_EQ(symlink(path("victim.txt").c_str(), path("fit.h5").c_str()), 0);
    const Result r = calibrate(path("fit.h5"), true);
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, "is a symbolic link")) << r;
    EXPECT_TRUE(std::filesystem::is_symlink(path("fit.h5")));
    EXPECT_EQ(text_of("victim.txt"), kVictim);
}

// A link planted at the work folder's name: refused, not followed, even with
// --overwrite (which removes only a real folder left by an interrupted calibrate).
TEST_F(CalibrationOutput, AWorkFolderThatIsALinkIsNotFollowed) {
    std::filesystem::create_directory(path("elsewhere"));
    ASSERT_EQ(symlink(path("elsewhere").c_str(), path("fit.h5.partial").c_str()), 0);
    const Result r = calibrate(path("fit.h5"), true);
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, "fit.h5.partial")) << r;
    EXPECT_TRUE(std::filesystem::is_empty(path("elsewhere")));
    EXPECT_TRUE(std::filesystem::is_symlink(path("fit.h5.partial")));
    EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(path("fit.h5"))));
}

TEST_F(CalibrationOutput, AnInterruptedCalibratesFolderIsRemovedOnlyWithOverwrite) {
    std::filesystem::create_directory(path("fit.h5.partial"));
    Result r = calibrate(path("fit.h5"), false);
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, "--overwrite removes it")) << r;
    EXPECT_TRUE(std::filesystem::is_directory(path("fit.h5.partial")));
    r = calibrate(path("fit.h5"), true);
    EXPECT_EQ(r.status, 0) << r;
    EXPECT_FALSE(std::filesystem::exists(path("fit.h5.partial")));
}

TEST_F(CalibrationOutput, AFitOverTheTargetsFileIsRefusedEvenWithOverwrite) {
    const std::string before = text_of("targets.yaml");
    const Result r = calibrate(path("targets.yaml"), true);
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_TRUE(contains(r.err, "is an input of this experiment")) << r;
    EXPECT_EQ(text_of("targets.yaml"), before);
}

}  // namespace
