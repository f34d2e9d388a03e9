#include "experiments/run/Summarize.hpp"

#include "experiments/run/UsageError.hpp"
#include "sim/recording/Hdf5File.hpp"

#include <filesystem>
#include <memory>
#include <iomanip>
#include <ostream>

namespace experiments {
namespace {

void print_provenance(const sim::h5::Group& root, std::ostream& out) {
    out << "experiment   " << root.string_attribute("experiment_name") << " (seed " << root.int_attribute("seed")
        << ", " << root.int_attribute("ticks") << " ticks of " << root.double_attribute("tick_days") << " days, "
        << root.int_attribute("replications") << " replication(s))\n";
    out << "status       " << root.string_attribute("status") << "\n";
    out << "crmsim       " << root.string_attribute("crmsim_version") << " (commit "
        << root.string_attribute("git_commit") << ")\n";
    out << "ran          " << root.string_attribute("started_at") << " .. "
        << (root.has_attribute("finished_at") ? root.string_attribute("finished_at") : std::string("?")) << " on "
        << root.string_attribute("host") << " with " << root.int_attribute("threads") << " thread(s)\n";
    out << "command      " << root.string_attribute("command_line") << "\n";
}

void print_firm_outcomes(const sim::h5::Group& root, std::ostream& out) {
    const sim::h5::Group s = root.open_group("summary");
    const auto run = s.read_ints("run_id");
    const auto name = s.read_strings("firm_name");
    const auto initial = s.read_ints("initial_customers");
    const auto final_customers = s.read_ints("final_customers");
    const auto switched = s.read_ints("switched_out");
    const auto revenue = s.read_doubles("revenue");
    const auto profit = s.read_doubles("profit");
    const auto satisfaction = s.read_doubles("final_mean_satisfaction");
    out << "\n" << std::setw(5) << "run" << "  " << std::left << std::setw(14) << "firm" << std::right << std::setw(12)
        << "customers" << std::setw(12) << "->" << std::setw(12) << "switched" << std::setw(16) << "revenue"
        << std::setw(16) << "profit" << std::setw(14) << "satisfaction" << "\n";
    out << std::fixed;
    for (std::size_t k = 0; k < run.size(); ++k)
        out << std::setw(5) << run[k] << "  " << std::left << std::setw(14) << name[k] << std::right << std::setw(12)
            << initial[k] << std::setw(12) << final_customers[k] << std::setw(12) << switched[k] << std::setw(16)
            << std::setprecision(0) << revenue[k] << std::setw(16) << profit[k] << std::setw(14)
            << std::setprecision(3) << satisfaction[k] << "\n";
}

void print_failed_runs(const sim::h5::Group& root, std::ostream& out) {
    const sim::h5::Group plan = root.open_group("plan");
    const auto status = plan.read_strings("status");
    const auto error = plan.read_strings("error");
    const auto id = plan.read_ints("run_id");
    for (std::size_t k = 0; k < status.size(); ++k)
        if (status[k] != "complete") out << "run " << id[k] << ": " << status[k] << ": " << error[k] << "\n";
}

}  // namespace

void summarize_file(const std::string& path, std::ostream& out) {
    if (!std::filesystem::exists(path)) throw UsageError(path + ": no such file");
    std::unique_ptr<sim::h5::File> file;
    try {
        file = std::make_unique<sim::h5::File>(path, sim::h5::Mode::ReadOnly);
    } catch (const sim::h5::Error&) {
        throw UsageError(path + ": not an HDF5 file");
    }
    const sim::h5::Group root = file->root();
    if (!root.has_attribute("format") || root.string_attribute("format") != "crmsim-results")
        throw UsageError(path + ": not a crmsim results file (no format attribute \"crmsim-results\")");
    print_provenance(root, out);
    if (!root.has("summary")) {
        out << "\n(no summary: the experiment did not finish)\n";
        return;
    }
    print_failed_runs(root, out);
    print_firm_outcomes(root, out);
}

}  // namespace experiments
