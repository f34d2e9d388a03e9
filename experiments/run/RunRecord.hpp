#pragma once
// What one finished run left: its coordinates, timings and per-firm outcomes.
// Written as attributes of the run's group; the outcomes are recomputed from
// the run's time series, so a record read back from a file equals the one the
// run produced.
#include "experiments/plan/ExperimentPlan.hpp"
#include "sim/recording/Hdf5File.hpp"
#include "sim/recording/TableSchema.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace experiments {

struct FirmOutcome {
    std::int64_t initial_customers = 0;
    std::int64_t final_customers = 0;
    std::int64_t switched_out = 0;  // summed over ticks
    std::int64_t failures = 0;
    std::int64_t complaints = 0;
    double revenue = 0.0;
    double recovery_cost = 0.0;
    double profit = 0.0;
    double final_mean_satisfaction = 0.0;
    std::int64_t negative_stories = 0;  // summed over ticks
    std::int64_t positive_stories = 0;
    std::int64_t acquired = 0;    // prospects won, by marketing or word of mouth
    std::int64_t terminated = 0;  // relationships the firm ended
    std::int64_t won_back = 0;
    double final_customer_equity = 0.0;
};

struct RunRecord {
    RunSpec spec;
    std::string status = "pending";  // pending | complete | failed
    std::string error;
    double network_seconds = 0.0;
    double simulation_seconds = 0.0;
    std::uint64_t network_edges = 0;
    std::vector<FirmOutcome> firms;
};

// Folds one row of models::firm_tick_columns() into the outcomes.
void accumulate_outcome(std::span<const sim::Cell> row, std::vector<FirmOutcome>& firms);

void write_run_attributes(const sim::h5::Group& run, const RunRecord& record);
// Reads a run group written by write_run_attributes plus its time series.
RunRecord read_run_record(const sim::h5::Group& run, std::size_t firms);

}  // namespace experiments
