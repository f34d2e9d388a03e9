#include "experiments/run/Summarize.hpp"

#include "experiments/config/ConfigError.hpp"
#include "experiments/run/ResultsTables.hpp"
#include "experiments/run/SensitivitySummary.hpp"
#include "experiments/run/UsageError.hpp"
#include "sim/recording/Hdf5File.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <memory>
#include <ostream>
#include <sstream>

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

// A value as a person reads it: whole numbers without decimals, others with
// as many as their size needs; NaN (a failed run) as it is.
std::string readable(double x) {
    if (std::isnan(x)) return "NaN";
    std::ostringstream s;
    if (x == std::floor(x) && std::fabs(x) < 1e15)
        s << std::fixed << std::setprecision(0) << x;
    else
        s << std::fixed << std::setprecision(std::fabs(x) >= 100 ? 1 : std::fabs(x) >= 1 ? 3 : 4) << x;
    return s.str();
}

int column_width(const std::vector<std::string>& names, int at_least) {
    std::size_t widest = 0;
    for (const auto& name : names) widest = std::max(widest, name.size());
    return std::max(at_least, static_cast<int>(widest) + 2);
}

// The plan's coordinates, row k being run k (as the runner writes it).
struct PlanTable {
    std::vector<std::string> scenario, policy, status, error;
    std::vector<std::int64_t> replication, point;
};

PlanTable read_plan(const sim::h5::Group& root) {
    CheckedTable t(root, "plan");
    const auto id = t.ints("run_id");
    for (std::size_t k = 0; k < id.size(); ++k)
        if (id[k] != static_cast<std::int64_t>(k))
            throw DamagedResults("/plan/run_id row " + std::to_string(k) + " is " + std::to_string(id[k]));
    return {t.strings("scenario"), t.strings("policy"),   t.strings("status"),
            t.strings("error"),    t.ints("replication"), t.ints("sweep_point")};
}

// /summary's metric columns: every column but the run and firm that key a row.
std::vector<std::string> summary_metrics(const CheckedTable& summary) {
    std::vector<std::string> metrics;
    for (const std::string& c : summary.columns())
        if (c != "run_id" && c != "firm" && c != "firm_name") metrics.push_back(c);
    return metrics;
}

// The metrics asked for, each checked against those in the file.
std::vector<std::string> chosen_metrics(const std::vector<std::string>& in_file, const SummarizeOptions& options) {
    if (options.metrics.empty()) return in_file;
    for (const std::string& m : options.metrics)
        if (std::find(in_file.begin(), in_file.end(), m) == in_file.end()) {
            std::string list;
            for (const auto& name : in_file) list += (list.empty() ? "" : ", ") + name;
            const std::string near = closest_name(m, in_file);
            throw UsageError("--metric " + m + ": no such metric in /summary" +
                             (near.empty() ? "" : " (did you mean " + near + "?)") + "; the file has: " + list);
        }
    return options.metrics;
}

bool over_limit(std::size_t listed, const SummarizeOptions& options) {
    return options.rows != 0 && listed >= options.rows;
}

void print_failed_runs(const PlanTable& plan, std::ostream& out) {
    for (std::size_t k = 0; k < plan.status.size(); ++k)
        if (plan.status[k] != "complete") out << "run " << k << ": " << plan.status[k] << ": " << plan.error[k] << "\n";
}

// Per run, a block: one line per metric, one column per firm.
void print_firm_outcomes(const sim::h5::Group& root, const PlanTable& plan, const SummarizeOptions& options,
                         std::ostream& out) {
    CheckedTable s(root, "summary");
    const auto run = s.ints("run_id");
    const auto firm = s.strings("firm_name");
    const std::vector<std::string> metrics = chosen_metrics(summary_metrics(s), options);
    std::vector<std::vector<double>> values;
    for (const auto& m : metrics) values.push_back(s.doubles(m));
    const std::size_t runs = plan.scenario.size();
    std::vector<std::vector<std::size_t>> rows_of(runs);  // /summary rows of each run
    for (std::size_t k = 0; k < run.size(); ++k)
        rows_of[checked_index(run[k], runs, "/summary/run_id row " + std::to_string(k))].push_back(k);

    const int metric_width = column_width(metrics, 24);
    std::size_t lines = 0, shown = 0;
    out << "\nper-firm outcomes of each run (/summary):\n";
    for (std::size_t r = 0; r < runs && !over_limit(lines, options); ++r, ++shown) {
        std::vector<std::string> names;
        for (const std::size_t k : rows_of[r]) names.push_back(firm[k]);
        const int firm_width = column_width(names, 14);
        out << "\nrun " << r << "  " << plan.scenario[r] << " / point " << plan.point[r] << " / rep "
            << plan.replication[r] << " / " << plan.policy[r] << "\n  " << std::left << std::setw(metric_width)
            << "metric" << std::right;
        for (const auto& n : names) out << std::setw(firm_width) << n;
        out << "\n";
        for (std::size_t m = 0; m < metrics.size(); ++m, ++lines) {
            out << "  " << std::left << std::setw(metric_width) << metrics[m] << std::right;
            for (const std::size_t k : rows_of[r]) out << std::setw(firm_width) << readable(values[m][k]);
            out << "\n";
        }
    }
    if (shown < runs)
        out << "... " << runs - shown << " more run(s): --rows 0 lists all, --metric NAME picks metrics\n";
}

// Policy minus baseline, paired over replications, for the chosen metrics.
void print_comparisons(const sim::h5::Group& root, const SummarizeOptions& options, std::ostream& out) {
    if (!root.has("comparisons")) return;
    CheckedTable c(root, "comparisons");
    const auto metric = c.strings("metric");
    if (metric.empty()) return;
    const auto scenario = c.strings("scenario");
    const auto point = c.ints("sweep_point");
    const auto policy = c.strings("policy");
    const auto baseline = c.strings("baseline");
    const auto firm = c.strings("firm_name");
    const auto n = c.ints("n");
    const auto diff = c.doubles("mean_difference");
    const auto low = c.doubles("ci_low");
    const auto high = c.doubles("ci_high");
    std::vector<std::string> wanted = options.metrics;
    const auto chosen = [&](const std::string& m) {
        return wanted.empty() || std::find(wanted.begin(), wanted.end(), m) != wanted.end();
    };
    out << "\npolicy - baseline (" << baseline.front()
        << "), mean paired difference over replications with 95 % CI (/comparisons):\n";
    // Columns as wide as their longest name, so long names never run together.
    const int scenario_width = column_width(scenario, 16), policy_width = column_width(policy, 16);
    const int firm_width = column_width(firm, 12), metric_width = column_width(metric, 24);
    out << std::left << std::setw(scenario_width) << "scenario" << std::right << std::setw(6) << "point"
        << "  " << std::left << std::setw(policy_width) << "policy" << std::setw(firm_width) << "firm"
        << std::setw(metric_width) << "metric" << std::right << std::setw(4) << "n" << std::setw(16) << "difference"
        << "  95 % CI\n";
    std::size_t listed = 0, total = 0;
    for (std::size_t k = 0; k < metric.size(); ++k) {
        if (!chosen(metric[k])) continue;
        ++total;
        if (over_limit(listed, options)) continue;
        ++listed;
        out << std::left << std::setw(scenario_width) << scenario[k] << std::right << std::setw(6) << point[k] << "  "
            << std::left << std::setw(policy_width) << policy[k] << std::setw(firm_width) << firm[k]
            << std::setw(metric_width) << metric[k] << std::right << std::setw(4) << n[k] << std::setw(16)
            << readable(diff[k]) << "  [" << readable(low[k]) << ", " << readable(high[k]) << "]\n";
    }
    if (total > listed)
        out << "... " << total - listed << " more rows: --rows 0 lists all, --metric NAME picks metrics\n";
}

// Only a regular file is read: HDF5 would wait forever on a FIFO, and read a
// device until memory runs out.
void check_is_a_file(const std::string& path) {
    struct stat s {};
    if (::stat(path.c_str(), &s) != 0) throw UsageError(path + ": no such file");
    if (S_ISDIR(s.st_mode)) throw UsageError(path + ": is a folder, not a results file");
    if (!S_ISREG(s.st_mode)) throw UsageError(path + ": is not a regular file (a device, pipe or socket)");
}

}  // namespace

namespace {

// The whole summary, read and printed in this process.
void summarize_here(const std::string& path, std::ostream& out, const SummarizeOptions& options) {
    check_is_a_file(path);
    std::unique_ptr<sim::h5::File> file;
    try {
        file = std::make_unique<sim::h5::File>(path, sim::h5::Mode::ReadOnly);
    } catch (const std::exception&) {
        // HDF5 cannot tell a file that never was HDF5 from one cut short.
        throw UsageError(path + ": not an HDF5 file, or a damaged one (cut short?)");
    }
    // Everything below reads the file: whatever goes wrong (a length, an
    // index, a type, HDF5 itself) is the file's fault, so bad input.
    try {
        const sim::h5::Group root = file->root();
        if (!root.has_attribute("format") || root.string_attribute("format") != "crmsim-results")
            throw UsageError(path + ": not a crmsim results file (no format attribute \"crmsim-results\")");
        if (options.with_provenance) print_provenance(root, out);
        if (root.has("calibration")) return print_calibration(root, out);
        if (!root.has("summary")) {
            out << "\n(no summary: the experiment did not finish)\n";
            return;
        }
        const PlanTable plan = read_plan(root);
        print_failed_runs(plan, out);
        print_firm_outcomes(root, plan, options, out);
        print_comparisons(root, options, out);
        print_sensitivity(root, out);
    } catch (const UsageError&) {
        throw;
    } catch (const std::exception& e) {
        throw UsageError(path + ": a crmsim results file, but damaged: " + e.what());
    }
}

std::string read_all(int fd) {
    std::string text;
    char buffer[1 << 16];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
}

// The exit statuses of the child that reads the file.
constexpr int kChildOk = 0, kChildBadInput = 2, kChildFailed = 3;

// The CPU seconds the child may take: generous for any real file.
rlim_t cpu_limit(const std::string& path, const SummarizeOptions& options) {
    if (options.cpu_seconds > 0) return options.cpu_seconds;
    struct stat st {};
    const rlim_t bytes = ::stat(path.c_str(), &st) == 0 ? static_cast<rlim_t>(st.st_size) : 0;
    return 60 + bytes / (rlim_t{4} << 20);
}

// In the child: die with the parent (a parent killed by a signal must not
// leave a reader behind that holds its pipes open), and stop after `seconds`
// of CPU time (SIGXCPU, then SIGKILL a second later).
void bound_the_child(rlim_t seconds) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    const struct rlimit limit { seconds, seconds + 1 };
    ::setrlimit(RLIMIT_CPU, &limit);
}

// HDF5 1.10 crashes, rather than fails, on some damaged files: a
// variable-length string whose length in the global heap was flipped makes
// H5HG_read copy past its buffer (SIGSEGV), or loop without end. No check
// before reading can see it, so the file is read in a child process with a
// CPU-time limit: its output and error come back through pipes, and a child
// killed by a signal means a damaged file.
void summarize_isolated(const std::string& path, std::ostream& out, const SummarizeOptions& options) {
    const rlim_t seconds = cpu_limit(path, options);
    int output[2], error[2];
    if (::pipe(output) != 0 || ::pipe(error) != 0) throw std::runtime_error("cannot create a pipe");
    std::cout.flush();
    std::cerr.flush();
    const pid_t child = ::fork();
    if (child < 0) throw std::runtime_error("cannot fork to read " + path);
    if (child == 0) {
        bound_the_child(seconds);
        ::close(output[0]);
        ::close(error[0]);
        int status = kChildOk;
        std::ostringstream text, problem;
        try {
            summarize_here(path, text, options);
        } catch (const UsageError& e) {
            problem << e.what(), status = kChildBadInput;
        } catch (const std::exception& e) {
            problem << e.what(), status = kChildFailed;
        }
        const std::string printed = text.str(), message = problem.str().substr(0, 60000);
        // The message first: it is short, so it fits the pipe while the parent reads the output.
        [[maybe_unused]] auto written = ::write(error[1], message.data(), message.size());
        for (std::size_t at = 0; at < printed.size();) {
            const ssize_t n = ::write(output[1], printed.data() + at, printed.size() - at);
            if (n <= 0) break;
            at += static_cast<std::size_t>(n);
        }
        ::_exit(status);  // not exit(): the parent's buffers and atexit handlers are not the child's
    }
    ::close(output[1]);
    ::close(error[1]);
    const std::string printed = read_all(output[0]);
    const std::string message = read_all(error[0]);
    ::close(output[0]);
    ::close(error[0]);
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    out << printed;
    if (WIFEXITED(status) && WEXITSTATUS(status) == kChildOk) return;
    if (WIFEXITED(status) && WEXITSTATUS(status) == kChildBadInput) throw UsageError(message);
    if (WIFEXITED(status) && WEXITSTATUS(status) == kChildFailed) throw std::runtime_error(message);
    // Killed by a signal, or ended by a sanitizer's report (exit status 1):
    // the reading went wrong inside, on this file.
    if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGKILL))
        throw UsageError(path + ": a crmsim results file, but damaged: reading it did not end within " +
                         std::to_string(seconds) + " CPU seconds inside HDF5");
    const std::string how = WIFSIGNALED(status) ? std::string(::strsignal(WTERMSIG(status)))
                                                : "exit status " + std::to_string(WEXITSTATUS(status));
    throw UsageError(path + ": a crmsim results file, but damaged: reading it crashed inside HDF5 (" + how + ")");
}

}  // namespace

void summarize_file(const std::string& path, std::ostream& out, const SummarizeOptions& options) {
    if (options.isolated)
        summarize_isolated(path, out, options);
    else
        summarize_here(path, out, options);
}

}  // namespace experiments
