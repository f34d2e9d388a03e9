// The example and study markets (configs/examples/, configs/tarp/) describe
// markets whose yearly rates lie in published ranges, and each config's header
// cites those ranges and records the rates measured from a run of the file.
// This test runs each config (smaller, fixed seeds), measures what
// experiments/analysis/market_rates.py measures, and checks, for annual churn
// and complaints per failure:
//   - the estimate lies inside the range the header cites, by at least
//     5 standard errors on each side (so the market itself, not only this
//     sample of it, is in the range);
//   - the header's measured figure agrees with the estimate within 5 standard
//     errors of their difference (the header cannot drift from the model).
//
// Measures, pooled over the firms, ticks and replications of the baseline
// policy in the config's first scenario (the market the header describes):
//   per-tick churn h = sum switched_out / sum customers at the start of a tick,
//   annual churn = 1 - (1 - h)^(365 / tick_days), complaints per failure =
//   sum complaints / sum failures.
// Standard errors: the larger of the binomial one (customer-ticks and
// failures as independent trials; for churn through the delta method,
// d/dh [1 - (1 - h)^k] = k (1 - h)^(k - 1)) and the spread of the
// replications' own estimates, sd / sqrt(n). The second guards against
// overdispersion: churn events are not independent (a failure lowers a
// customer's satisfaction for weeks, stories spread it to neighbours), and
// over 5 replications of recovery-policies.yaml the replications' sd was
// about 1.6 times the binomial one. The header's figure comes from a larger
// run than this one, with a smaller standard error, so the standard error of
// the difference is at most sqrt(2) times this run's; half a unit of the
// header's last digit (0.0005) is added for its rounding.
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/run/RunExperiment.hpp"
#include "sim/recording/Hdf5File.hpp"

#include "tests/support/TestFolder.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr double kSigmas = 5.0;
constexpr double kRounding = 0.0005;

// The config's leading comment, '#' and line breaks removed, spaces collapsed:
// the header as one line of prose the ranges and figures are read from.
std::string header_of(const std::string& path) {
    std::ifstream in(path);
    std::string line, text;
    while (std::getline(in, line) && (line.empty() || line[0] == '#')) text += " " + line.substr(line.empty() ? 0 : 1);
    return std::regex_replace(text, std::regex(R"(\s+)"), " ");
}

struct Range {
    double low = 0, high = 0;
};

// "<what> 0.05-0.30": the published range the header cites for <what>.
Range cited_range(const std::string& header, const std::string& what) {
    std::smatch m;
    if (!std::regex_search(header, m, std::regex(what + R"( (0\.\d+)-(0\.\d+))"))) {
        ADD_FAILURE() << "the header cites no range for '" << what << "' (as '" << what << " 0.05-0.30')";
        return {};
    }
    return {std::stod(m[1]), std::stod(m[2])};
}

// "<what> 0.193" not followed by '-': the first figure the header records as measured.
double recorded_figure(const std::string& header, const std::string& what) {
    std::smatch m;
    if (!std::regex_search(header, m, std::regex(what + R"( (0\.\d+)(?![\d-]))"))) {
        ADD_FAILURE() << "the header records no measured '" << what << "'";
        return NAN;
    }
    return std::stod(m[1]);
}

// Sums over a set of (run, firm, tick) rows, and the per-replication estimates.
struct Tally {
    double starting = 0, leavers = 0, failures = 0, complaints = 0;
    Tally& operator+=(const Tally& o) {
        starting += o.starting, leavers += o.leavers, failures += o.failures, complaints += o.complaints;
        return *this;
    }
};

struct Estimate {
    double value = 0, se = 0;
};

double annual_churn(const Tally& t, double ticks_per_year) {
    return 1.0 - std::pow(1.0 - t.leavers / t.starting, ticks_per_year);
}
double complaint_share(const Tally& t) {
    return t.complaints / t.failures;
}

// The larger of the binomial standard error and sd / sqrt(n) over the runs.
template <typename F>
Estimate estimate(const Tally& all, const std::vector<Tally>& runs, F value, double binomial_se) {
    double mean = 0, ss = 0;
    for (const Tally& r : runs) mean += value(r) / static_cast<double>(runs.size());
    for (const Tally& r : runs) ss += (value(r) - mean) * (value(r) - mean);
    const double n = static_cast<double>(runs.size());
    const double spread = n > 1 ? std::sqrt(ss / (n - 1) / n) : 0.0;
    return {value(all), std::max(binomial_se, spread)};
}

struct Case {
    std::string config;                  // under configs/
    std::vector<std::string> overrides;  // a smaller run; at least 3 replications
};

// 20,000 customers, 3 replications: at least 3 runs of the baseline for the spread.
const std::vector<std::string> kSmall = {"population.size=20000", "experiment.replications=3"};

void PrintTo(const Case& c, std::ostream* os) {
    *os << c.config;
}

class ExampleMarkets : public ::testing::TestWithParam<Case> {};

TEST_P(ExampleMarkets, YearlyRatesLieInTheCitedRangesAndMatchTheHeader) {
    const Case& c = GetParam();
    const std::string path = CRMSIM_SOURCE_DIR "/configs/" + c.config;
    const std::string header = header_of(path);
    const auto config = experiments::load_experiment_config(path, c.overrides);
    testing_support::TestFolder folder;
    experiments::RunOptions options;
    options.output_path = folder.path("results.h5");
    ASSERT_TRUE(experiments::run_experiment(config, options).all_complete());

    const std::string scenario = config.design.scenarios.front().name;
    const std::string baseline = config.design.policies[config.design.baseline].name;
    const sim::h5::File f(options.output_path, sim::h5::Mode::ReadOnly);
    const sim::h5::Group plan = f.root().open_group("plan");
    const auto run_ids = plan.read_ints("run_id");
    const auto scenarios = plan.read_strings("scenario"), policies = plan.read_strings("policy");
    const sim::h5::Group summary = f.root().open_group("summary");
    const auto s_run = summary.read_ints("run_id"), s_firm = summary.read_ints("firm"),
               s_initial = summary.read_ints("initial_customers");
    std::map<std::pair<std::int64_t, std::int64_t>, double> initial;
    for (std::size_t k = 0; k < s_run.size(); ++k) initial[{s_run[k], s_firm[k]}] = static_cast<double>(s_initial[k]);

    Tally all;
    std::vector<Tally> runs;
    for (std::size_t r = 0; r < run_ids.size(); ++r) {
        if (scenarios[r] != scenario || policies[r] != baseline) continue;
        const sim::h5::Group ts = f.root().open_group("runs/" + std::to_string(run_ids[r]) + "/timeseries");
        const auto firm = ts.read_ints("firm"), customers = ts.read_ints("customers"),
                   out = ts.read_ints("switched_out"), failures = ts.read_ints("failures"),
                   complaints = ts.read_ints("complaints");
        Tally run;
        std::map<std::int64_t, double> before;  // each firm's customers at the start of the next tick
        for (std::size_t k = 0; k < firm.size(); ++k) {
            const auto it = before.find(firm[k]);
            run.starting += it == before.end() ? initial.at({run_ids[r], firm[k]}) : it->second;
            before[firm[k]] = static_cast<double>(customers[k]);
            run.leavers += static_cast<double>(out[k]);
            run.failures += static_cast<double>(failures[k]);
            run.complaints += static_cast<double>(complaints[k]);
        }
        all += run;
        runs.push_back(run);
    }
    ASSERT_GE(runs.size(), 3u) << "replications of the baseline in scenario " << scenario;

    const double k = 365.0 / config.experiment.tick_days;
    const double h = all.leavers / all.starting;
    const Estimate churn = estimate(
        all, runs, [&](const Tally& t) { return annual_churn(t, k); },
        k * std::pow(1 - h, k - 1) * std::sqrt(h * (1 - h) / all.starting));
    const double q = complaint_share(all);
    const Estimate complaints = estimate(all, runs, complaint_share, std::sqrt(q * (1 - q) / all.failures));

    for (const auto& [what, e] : {std::pair{std::string("annual churn"), churn},
                                  std::pair{std::string("complaints per failure"), complaints}}) {
        const Range range = cited_range(header, what);
        EXPECT_GE(e.value - kSigmas * e.se, range.low) << c.config << ": " << what << " " << e.value << " +- " << e.se;
        EXPECT_LE(e.value + kSigmas * e.se, range.high) << c.config << ": " << what << " " << e.value << " +- " << e.se;
        const double recorded = recorded_figure(header, what);
        EXPECT_NEAR(e.value, recorded, kSigmas * std::sqrt(2.0) * e.se + kRounding)
            << c.config << ": the header records " << what << " " << recorded << ", the run gives " << e.value
            << " (se " << e.se << ")";
    }
}

INSTANTIATE_TEST_SUITE_P(
    Configs, ExampleMarkets,
    ::testing::Values(Case{"examples/quickstart.yaml", {"population.size=40000"}},
                      Case{"examples/recovery-policies.yaml", kSmall},
                      Case{"examples/strategy-comparison.yaml", kSmall}, Case{"examples/lifecycle.yaml", kSmall},
                      Case{"examples/termination-word-of-mouth.yaml", kSmall},
                      Case{"tarp/calibration.yaml", {"population.size=100000"}},
                      Case{"tarp/recovery-strategies.yaml", {"population.size=40000", "experiment.replications=3"}},
                      Case{"tarp/recovery-paradox.yaml", {"population.size=20000", "experiment.replications=3"}}),
    [](const ::testing::TestParamInfo<Case>& info) {
        std::string name = info.param.config.substr(0, info.param.config.find(".yaml"));
        for (char& ch : name)
            if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
        return name;
    });

}  // namespace
