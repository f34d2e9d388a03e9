// Per-customer snapshots (output.snapshot_every): written after every k-th
// tick, and consistent with the per-firm time series of the same tick.
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/run/RunExperiment.hpp"
#include "sim/recording/Hdf5File.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>

namespace {
namespace fs = std::filesystem;

TEST(Snapshots, EveryKthTickMatchesTheTimeSeries) {
    const fs::path dir = fs::temp_directory_path() / ("crmsim-snap-" + std::to_string(getpid()));
    fs::create_directories(dir);
    const auto config =
        experiments::load_experiment_config(CRMSIM_SOURCE_DIR "/configs/reference/rm1.yaml",
                                            {"population.size=4000", "experiment.ticks=7", "output.snapshot_every=3"});
    experiments::RunOptions options;
    options.output_path = (dir / "out.h5").string();
    ASSERT_TRUE(experiments::run_experiment(config, options).all_complete());

    const sim::h5::File file(options.output_path, sim::h5::Mode::ReadOnly);
    const sim::h5::Group run = file.root().open_group("runs/0");
    EXPECT_EQ(run.open_group("snapshots").children(), (std::vector<std::string>{"tick_2", "tick_5"}));
    const sim::h5::Group ts = run.open_group("timeseries");
    const auto tick = ts.read_ints("tick"), firm = ts.read_ints("firm"), customers = ts.read_ints("customers");
    const auto mean_satisfaction = ts.read_doubles("mean_satisfaction");
    for (const std::int64_t t : {2, 5}) {
        const sim::h5::Group snap = run.open_group("snapshots/tick_" + std::to_string(t));
        EXPECT_EQ(snap.int_attribute("tick"), t);
        const auto firms = snap.read_ints("firm");
        const auto satisfaction = snap.read_doubles("satisfaction");
        ASSERT_EQ(firms.size(), 4000u);
        for (std::size_t row = 0; row < tick.size(); ++row) {
            if (tick[row] != t) continue;
            std::int64_t count = 0;
            double sum = 0;
            for (std::size_t i = 0; i < firms.size(); ++i)
                if (firms[i] == firm[row]) ++count, sum += satisfaction[i];
            EXPECT_EQ(count, customers[row]) << "tick " << t << ", firm " << firm[row];
            // The same mean, summed in another order: equal to rounding.
            EXPECT_NEAR(sum / count, mean_satisfaction[row], 1e-12);
        }
    }
    fs::remove_all(dir);
}

}  // namespace
