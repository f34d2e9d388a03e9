// What the lifecycle model writes besides the time series: the transaction
// log, the TARP table and the per-customer snapshot, each checked against the
// per-firm time series of the same run.
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/run/RunExperiment.hpp"
#include "sim/recording/Hdf5File.hpp"

#include "tests/support/TestFolder.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <numeric>

namespace {

constexpr int kTicks = 8;

class LifecycleOutputs : public ::testing::Test {
protected:
    // The full lifecycle market, small, one replication, with the given extra
    // settings: tests/data/regression/lifecycle.yaml, the lifecycle example
    // with RM-1's high failure rates, so that every flow happens in a few ticks.
    sim::h5::File run(const std::string& name, std::vector<std::string> overrides) {
        overrides.insert(overrides.end(), {"population.size=6000", "experiment.ticks=" + std::to_string(kTicks),
                                           "experiment.replications=1"});
        const auto config =
            experiments::load_experiment_config(CRMSIM_TEST_DATA "/regression/lifecycle.yaml", overrides);
        experiments::RunOptions options;
        options.output_path = folder_.path(name);
        EXPECT_TRUE(experiments::run_experiment(config, options).all_complete());
        return sim::h5::File(options.output_path, sim::h5::Mode::ReadOnly);
    }

    testing_support::TestFolder folder_;
};

using Key = std::pair<std::int64_t, std::int64_t>;  // (tick, firm)

TEST_F(LifecycleOutputs, TransactionLogAddsUpToTheTimeSeries) {
    const sim::h5::File file = run("log.h5", {"output.transaction_log=true"});
    const sim::h5::Group runs = file.root().open_group("runs/0");
    const sim::h5::Group log = runs.open_group("transactions");
    const auto customer = log.read_ints("customer"), tick = log.read_ints("tick"), firm = log.read_ints("firm"),
               purchases = log.read_ints("purchases");
    const auto amount = log.read_doubles("amount");
    ASSERT_GT(customer.size(), 1000u);
    std::map<Key, std::int64_t> count;
    std::map<Key, double> value;
    for (std::size_t r = 0; r < customer.size(); ++r) {
        EXPECT_GT(purchases[r], 0) << "row " << r;
        EXPECT_GT(amount[r], 0.0) << "row " << r;
        if (r > 0) {  // in tick order, customers in order within a tick
            EXPECT_TRUE(tick[r] > tick[r - 1] || (tick[r] == tick[r - 1] && customer[r] > customer[r - 1]))
                << "row " << r;
        }
        count[{tick[r], firm[r]}] += purchases[r];
        value[{tick[r], firm[r]}] += amount[r];
    }
    const sim::h5::Group ts = runs.open_group("timeseries");
    const auto ts_tick = ts.read_ints("tick"), ts_firm = ts.read_ints("firm"), ts_purchases = ts.read_ints("purchases");
    const auto revenue = ts.read_doubles("revenue");
    for (std::size_t row = 0; row < ts_tick.size(); ++row) {
        const Key key{ts_tick[row], ts_firm[row]};
        EXPECT_EQ(count[key], ts_purchases[row]) << "tick " << key.first << ", firm " << key.second;
        // Summed in another order: equal up to rounding.
        EXPECT_NEAR(value[key], revenue[row], 1e-9 * revenue[row]) << "tick " << key.first << ", firm " << key.second;
    }
}

TEST_F(LifecycleOutputs, NoTransactionLogUnlessAskedFor) {
    const sim::h5::File file = run("plain.h5", {});
    EXPECT_FALSE(file.root().open_group("runs/0").has("transactions"));
}

TEST_F(LifecycleOutputs, TarpTableHasEveryGroupOfEveryFirm) {
    const sim::h5::File file = run("tarp.h5", {});
    const sim::h5::Group runs = file.root().open_group("runs/0");
    const sim::h5::Group tarp = runs.open_group("tarp");
    const auto firm = tarp.read_ints("firm"), customers = tarp.read_ints("customers"),
               retained = tarp.read_ints("retained");
    const auto share = tarp.read_doubles("share");
    const auto severity = tarp.read_strings("severity"), outcome = tarp.read_strings("outcome");
    ASSERT_EQ(firm.size(), 3u * 8u);  // 3 firms x 2 severities x 4 outcomes
    const std::vector<std::string> outcomes = {"silent", "unresolved", "resolved", "resolved_quickly"};
    std::int64_t observed = 0;
    for (std::size_t r = 0; r < firm.size(); ++r) {
        EXPECT_EQ(firm[r], static_cast<std::int64_t>(r / 8));
        EXPECT_EQ(severity[r], r % 8 < 4 ? "minor" : "major");
        EXPECT_EQ(outcome[r], outcomes[r % 4]);
        EXPECT_LE(retained[r], customers[r]);
        if (customers[r] > 0) {
            EXPECT_DOUBLE_EQ(share[r], static_cast<double>(retained[r]) / customers[r]);
        } else {
            EXPECT_TRUE(std::isnan(share[r]));
        }
        observed += customers[r];
    }
    // Observations complete at most once per failure (horizon 4: those of the
    // last ticks are still open).
    const auto failures = runs.open_group("timeseries").read_ints("failures");
    const std::int64_t all_failures = std::accumulate(failures.begin(), failures.end(), std::int64_t{0});
    EXPECT_GT(observed, 0);
    EXPECT_LT(observed, all_failures);
}

TEST_F(LifecycleOutputs, SnapshotAgreesWithTheTimeSeries) {
    const sim::h5::File file = run("snap.h5", {"output.snapshot_every=" + std::to_string(kTicks)});
    const sim::h5::Group runs = file.root().open_group("runs/0");
    const sim::h5::Group snap = runs.open_group("snapshots/tick_" + std::to_string(kTicks - 1));
    const auto firm = snap.read_ints("firm"), status = snap.read_ints("status"), stage = snap.read_ints("stage");
    std::map<std::int64_t, std::array<std::int64_t, 5>> stages;  // firm -> customers by stage
    std::int64_t prospects = 0, lapsed = 0;
    for (std::size_t i = 0; i < firm.size(); ++i) {
        if (firm[i] == 255) {
            prospects += status[i] == 0;
            lapsed += status[i] == 3;
            continue;
        }
        ++stages[firm[i]][static_cast<std::size_t>(stage[i])];
    }
    const sim::h5::Group ts = runs.open_group("timeseries");
    const auto tick = ts.read_ints("tick"), ts_firm = ts.read_ints("firm");
    const char* columns[] = {"stage_customer", "stage_client", "stage_advocate", "stage_partner"};
    for (std::size_t row = 0; row < tick.size(); ++row) {
        if (tick[row] != kTicks - 1) continue;
        for (std::size_t s = 0; s < 4; ++s)
            EXPECT_EQ(stages[ts_firm[row]][s + 1], ts.read_ints(columns[s])[row]) << columns[s];
        EXPECT_EQ(prospects, ts.read_ints("prospects")[row]);
        EXPECT_EQ(lapsed, ts.read_ints("lapsed")[row]);
    }
    EXPECT_GT(prospects, 0);
    EXPECT_GT(stages[0][2], 0);  // the ladder ran: some clients
}

// mean_expectation, a metric defined by its registry entry alone
// (models/market/FirmMetrics.hpp), is the mean of the snapshot's expectation
// over each firm's customers after the tick, and is documented in the file
// like every column. The model sums in another order (by tally lane), so
// equal up to rounding: each of the ~2,000 additions per firm rounds by at
// most 2^-53 of the sum, far below 1e-12; a wrong customer set or a stale
// value moves the mean by about 1e-4 or more (expectations spread by
// disconfirmation here).
TEST_F(LifecycleOutputs, MeanExpectationIsTheSnapshotsMean) {
    const sim::h5::File file = run("expectation.h5", {"output.snapshot_every=" + std::to_string(kTicks)});
    const sim::h5::Group runs = file.root().open_group("runs/0");
    const sim::h5::Group snap = runs.open_group("snapshots/tick_" + std::to_string(kTicks - 1));
    const auto firm = snap.read_ints("firm");
    const auto expectation = snap.read_doubles("expectation");
    std::map<std::int64_t, double> sum;
    std::map<std::int64_t, std::int64_t> customers;
    for (std::size_t i = 0; i < firm.size(); ++i) {
        if (firm[i] == 255) continue;
        sum[firm[i]] += expectation[i];
        ++customers[firm[i]];
    }
    const sim::h5::Group ts = runs.open_group("timeseries");
    const auto tick = ts.read_ints("tick"), ts_firm = ts.read_ints("firm");
    const auto mean = ts.read_doubles("mean_expectation");
    int rows = 0;
    for (std::size_t row = 0; row < tick.size(); ++row) {
        if (tick[row] != kTicks - 1) continue;
        const std::int64_t f = ts_firm[row];
        ASSERT_GT(customers[f], 0);
        const double expected = sum[f] / static_cast<double>(customers[f]);
        EXPECT_NEAR(mean[row], expected, 1e-12) << "firm " << f;
        EXPECT_NE(mean[row], 0.75) << "firm " << f << ": still the initial expectation";
        ++rows;
    }
    EXPECT_EQ(rows, 3);
    EXPECT_EQ(ts.dataset_string_attribute("mean_expectation", "units"), "1");
    EXPECT_NE(ts.dataset_string_attribute("mean_expectation", "description").find("expectation"), std::string::npos);
    EXPECT_EQ(ts.dataset_string_attribute("guarantee_cost", "units"), "currency units");
}

}  // namespace

namespace {

// /summary folds each run's time series (RunRecord.cpp, accumulate_outcome):
// every flow column is the sum over ticks of its time-series column (acquired:
// of acquired_marketing plus acquired_word_of_mouth), every stock column the
// value after the last tick. The code adds the time series' doubles one tick
// at a time from 0.0, in tick order, as this test does, so even the currency
// sums must be equal exactly, not merely close.
TEST_F(LifecycleOutputs, SummaryFoldsTheTimeSeries) {
    // Firm 0 also ends its draining customers' relationships and wins back
    // lapsed ones, so that terminated and won_back are not 0.
    const sim::h5::File file =
        run("summary.h5",
            {"firms.0.termination.enabled=true", "firms.0.termination.unprofitable=false",
             "firms.0.termination.draining=true", "firms.0.win_back.enabled=true", "firms.0.win_back.success=0.5"});
    const sim::h5::Group root = file.root();
    const sim::h5::Group summary = root.open_group("summary");
    const auto summary_run = summary.read_ints("run_id"), summary_firm = summary.read_ints("firm");
    ASSERT_FALSE(summary_run.empty());
    // /summary column -> the time-series columns whose per-tick sum it is.
    const std::vector<std::pair<std::string, std::vector<std::string>>> int_flows = {
        {"switched_out", {"switched_out"}},
        {"failures", {"failures"}},
        {"complaints", {"complaints"}},
        {"negative_stories", {"negative_stories"}},
        {"positive_stories", {"positive_stories"}},
        {"acquired", {"acquired_marketing", "acquired_word_of_mouth"}},
        {"terminated", {"terminated"}},
        {"won_back", {"won_back"}},
    };
    const std::vector<std::string> double_flows = {"revenue", "recovery_cost", "profit"};
    std::map<std::string, std::int64_t> int_total;  // over every run and firm: the columns are not all 0
    std::map<std::string, double> double_total;
    for (std::size_t row = 0; row < summary_run.size(); ++row) {
        const std::int64_t f = summary_firm[row];
        const std::string at = "run " + std::to_string(summary_run[row]) + ", firm " + std::to_string(f);
        const sim::h5::Group ts = root.open_group("runs/" + std::to_string(summary_run[row]) + "/timeseries");
        const auto tick = ts.read_ints("tick"), firm = ts.read_ints("firm");
        std::vector<std::size_t> rows;  // this firm's rows, in tick order
        for (std::size_t r = 0; r < tick.size(); ++r)
            if (firm[r] == f) {
                if (!rows.empty()) {
                    EXPECT_GT(tick[r], tick[rows.back()]) << at;
                }
                rows.push_back(r);
            }
        ASSERT_EQ(rows.size(), static_cast<std::size_t>(kTicks)) << at;
        for (const auto& [name, parts] : int_flows) {
            std::int64_t sum = 0;
            for (const std::string& part : parts) {
                const auto per_tick = ts.read_ints(part);
                for (const std::size_t r : rows) sum += per_tick[r];
            }
            EXPECT_EQ(summary.read_ints(name)[row], sum) << name << ", " << at;
            int_total[name] += sum;
        }
        for (const std::string& name : double_flows) {
            const auto per_tick = ts.read_doubles(name);
            double sum = 0.0;
            for (const std::size_t r : rows) sum += per_tick[r];
            EXPECT_EQ(summary.read_doubles(name)[row], sum) << name << ", " << at;
            double_total[name] += std::abs(sum);
        }
        const std::size_t last = rows.back();
        EXPECT_EQ(summary.read_ints("final_customers")[row], ts.read_ints("customers")[last]) << at;
        EXPECT_EQ(summary.read_doubles("final_mean_satisfaction")[row], ts.read_doubles("mean_satisfaction")[last])
            << at;
        EXPECT_EQ(summary.read_doubles("final_customer_equity")[row], ts.read_doubles("customer_equity")[last]) << at;
    }
    // The lifecycle example exercises every flow, so no column passes by being 0 throughout.
    for (const auto& [name, total] : int_total) EXPECT_GT(total, 0) << name;
    for (const auto& [name, total] : double_total) EXPECT_GT(total, 0.0) << name;
}

}  // namespace
