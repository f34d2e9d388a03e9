// `crmsim calibrate`: recovering a parameter from targets that the model
// itself made at a known value (another seed, so the targets carry their own
// noise), from a start far from it; and targets it must refuse.
#include "sim/recording/Hdf5File.hpp"
#include "tests/support/Crmsim.hpp"
#include "tests/support/TestFolder.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
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

}  // namespace
