#include "experiments/run/Summarize.hpp"

#include "experiments/run/SensitivitySummary.hpp"
#include "experiments/run/UsageError.hpp"
#include "sim/recording/Hdf5File.hpp"

#include <filesystem>
#include <iomanip>
#include <memory>
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

constexpr std::size_t kMaxRunsListed = 8;
constexpr std::size_t kMaxComparisonsListed = 24;

void print_firm_outcomes(const sim::h5::Group& root, std::ostream& out) {
    const sim::h5::Group plan = root.open_group("plan");
    const auto scenario = plan.read_strings("scenario");
    const auto policy = plan.read_strings("policy");
    const auto replication = plan.read_ints("replication");
    if (scenario.size() > kMaxRunsListed) return;  // the comparisons say more
    const sim::h5::Group s = root.open_group("summary");
    const auto run = s.read_ints("run_id");
    const auto name = s.read_strings("firm_name");
    const auto initial = s.read_ints("initial_customers");
    const auto final_customers = s.read_ints("final_customers");
    const auto switched = s.read_ints("switched_out");
    const auto revenue = s.read_doubles("revenue");
    const auto profit = s.read_doubles("profit");
    const auto satisfaction = s.read_doubles("final_mean_satisfaction");
    out << "\n"
        << std::setw(4) << "run"
        << "  " << std::left << std::setw(24) << "scenario/policy/rep" << ' ' << std::setw(12) << "firm" << std::right
        << std::setw(11) << "customers" << std::setw(10) << "->" << std::setw(10) << "switched" << std::setw(14)
        << "revenue" << std::setw(14) << "profit" << std::setw(13) << "satisfaction"
        << "\n";
    out << std::fixed;
    for (std::size_t k = 0; k < run.size(); ++k) {
        const auto r = static_cast<std::size_t>(run[k]);
        const std::string where = scenario[r] + "/" + policy[r] + "/" + std::to_string(replication[r]);
        out << std::setw(4) << run[k] << "  " << std::left << std::setw(24) << where << ' ' << std::setw(12) << name[k]
            << std::right << std::setw(11) << initial[k] << std::setw(10) << final_customers[k] << std::setw(10)
            << switched[k] << std::setw(14) << std::setprecision(0) << revenue[k] << std::setw(14) << profit[k]
            << std::setw(13) << std::setprecision(3) << satisfaction[k] << "\n";
    }
}

int column_width(const std::vector<std::string>& names, int at_least) {
    std::size_t widest = 0;
    for (const auto& name : names) widest = std::max(widest, name.size());
    return std::max(at_least, static_cast<int>(widest) + 2);
}

// Policy minus baseline, paired over replications, for the headline metrics.
void print_comparisons(const sim::h5::Group& root, std::ostream& out) {
    if (!root.has("comparisons")) return;
    const sim::h5::Group c = root.open_group("comparisons");
    const auto metric = c.read_strings("metric");
    if (metric.empty()) return;
    const auto scenario = c.read_strings("scenario");
    const auto point = c.read_ints("sweep_point");
    const auto policy = c.read_strings("policy");
    const auto firm = c.read_strings("firm_name");
    const auto n = c.read_ints("n");
    const auto diff = c.read_doubles("mean_difference");
    const auto low = c.read_doubles("ci_low");
    const auto high = c.read_doubles("ci_high");
    out << "\npolicy - baseline (" << c.read_strings("baseline").front()
        << "), mean paired difference over replications with 95 % CI:\n";
    // Columns as wide as their longest name, so long names never run together.
    const int scenario_width = column_width(scenario, 16), policy_width = column_width(policy, 16);
    const int firm_width = column_width(firm, 12);
    out << std::left << std::setw(scenario_width) << "scenario" << std::right << std::setw(6) << "point"
        << "  " << std::left << std::setw(policy_width) << "policy" << std::setw(firm_width) << "firm" << std::setw(24)
        << "metric" << std::right << std::setw(4) << "n" << std::setw(16) << "difference"
        << "  95 % CI\n";
    std::size_t listed = 0, total = 0;
    for (std::size_t k = 0; k < metric.size(); ++k) {
        if (metric[k] != "final_customers" && metric[k] != "profit" && metric[k] != "final_mean_satisfaction") continue;
        ++total;
        if (listed == kMaxComparisonsListed) continue;
        ++listed;
        const int digits = metric[k] == "final_mean_satisfaction" ? 4 : 1;
        out << std::left << std::setw(scenario_width) << scenario[k] << std::right << std::setw(6) << point[k] << "  "
            << std::left << std::setw(policy_width) << policy[k] << std::setw(firm_width) << firm[k] << std::setw(24)
            << metric[k] << std::right << std::setw(4) << n[k] << std::fixed << std::setprecision(digits)
            << std::setw(16) << diff[k] << "  [" << low[k] << ", " << high[k] << "]\n";
    }
    if (total > listed) out << "... " << total - listed << " more rows: /comparisons in the file\n";
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

void summarize_file(const std::string& path, std::ostream& out, bool with_provenance) {
    if (!std::filesystem::exists(path)) throw UsageError(path + ": no such file");
    std::unique_ptr<sim::h5::File> file;
    try {
        file = std::make_unique<sim::h5::File>(path, sim::h5::Mode::ReadOnly);
    } catch (const sim::h5::Error&) {
        // HDF5 cannot tell a file that never was HDF5 from one cut short.
        throw UsageError(path + ": not an HDF5 file, or a damaged one (cut short?)");
    }
    const sim::h5::Group root = file->root();
    if (!root.has_attribute("format") || root.string_attribute("format") != "crmsim-results")
        throw UsageError(path + ": not a crmsim results file (no format attribute \"crmsim-results\")");
    // A file damaged inside is bad input, as one damaged at its start is.
    try {
        if (with_provenance) print_provenance(root, out);
        if (root.has("calibration")) return print_calibration(root, out);
        if (!root.has("summary")) {
            out << "\n(no summary: the experiment did not finish)\n";
            return;
        }
        print_failed_runs(root, out);
        print_firm_outcomes(root, out);
        print_comparisons(root, out);
        print_sensitivity(root, out);
    } catch (const sim::h5::Error& e) {
        throw UsageError(path + ": a crmsim results file, but damaged: " + e.what());
    }
}

}  // namespace experiments
