#include "experiments/cli/Commands.hpp"

#include "experiments/cli/InterruptNotice.hpp"
#include "experiments/config/ConfigError.hpp"
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/plan/ExperimentPlan.hpp"
#include "experiments/run/Calibration.hpp"
#include "experiments/run/MetricsTable.hpp"
#include "experiments/run/MpiRuns.hpp"
#include "experiments/run/MpiSession.hpp"
#include "experiments/run/PartialResults.hpp"
#include "experiments/run/RunExperiment.hpp"
#include "experiments/run/SafePaths.hpp"
#include "experiments/run/StoredExperiment.hpp"
#include "experiments/run/Summarize.hpp"
#include "experiments/run/UsageError.hpp"
#include "sim/network/EdgeListFile.hpp"
#include "sim/random/SeedDerivation.hpp"
#include "sim/util/Progress.hpp"

#include <boost/program_options.hpp>

#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace experiments::cli {
namespace po = boost::program_options;
namespace {

struct Parsed {
    po::variables_map values;
    bool help = false;
};

// Parses `args` against `options` with one positional argument `positional`.
// Throws UsageError on unknown options or missing values.
Parsed parse(const std::vector<std::string>& args, const po::options_description& options, const char* positional) {
    po::positional_options_description pos;
    pos.add(positional, 1);
    Parsed parsed;
    try {
        po::store(po::command_line_parser(args).options(options).positional(pos).run(), parsed.values);
        parsed.help = parsed.values.count("help") > 0;
        if (!parsed.help) po::notify(parsed.values);
    } catch (const po::error& e) {
        throw UsageError(std::string(e.what()) + " (see --help)");
    }
    return parsed;
}

po::options_description set_options() {
    po::options_description o("Config overrides");
    o.add_options()("set", po::value<std::vector<std::string>>()->composing(),
                    "KEY=VALUE: override one config value by its dotted path, e.g. "
                    "--set population.size=1000000 --set firms.0.failure_rate=0.05 (repeatable)")(
        // As text, checked with the config: an unsigned option would take -1 as 2^64 - 1.
        "seed", po::value<std::string>(), "experiment seed (same as --set experiment.seed=S)");
    return o;
}

std::vector<std::string> overrides_of(const po::variables_map& v) {
    std::vector<std::string> sets;
    if (v.count("set")) sets = v["set"].as<std::vector<std::string>>();
    if (v.count("seed")) sets.push_back("experiment.seed=" + v["seed"].as<std::string>());
    return sets;
}

// Runs `body`, mapping errors to exit statuses and messages on `errors`.
template <class Body>
int guarded(Body&& body, std::ostream& errors) {
    try {
        return body();
    } catch (const ConfigError& e) {
        errors << "crmsim: error: " << e.what() << "\n";
    } catch (const UsageError& e) {
        errors << "crmsim: error: " << e.what() << "\n";
    } catch (const sim::EdgeListError& e) {
        errors << "crmsim: error: network edge list " << e.what() << "\n";
    } catch (const std::exception& e) {
        errors << "crmsim: failed: " << e.what() << "\n";
        return kExitFailure;
    }
    return kExitBadInput;
}

// Where a command's errors go: under mpirun every rank checks the same input,
// and rank 0 alone says what is wrong with it.
std::ostream& errors_of(const MpiSession& mpi) {
    static std::ostream silent(nullptr);
    return mpi.rank() == 0 ? std::cerr : silent;
}

// More threads than this cannot be created on any machine crmsim runs on:
// libgomp and glibc failed (exit 1), crashed or aborted instead of saying so.
constexpr int kMaxThreads = 1024;

// Runs the experiment; if it stops on an error (say a full disk), says how
// to continue before the error is reported.
ExperimentResult run_or_explain(const ExperimentConfig& config, const RunOptions& run) {
    announce_interrupts(PartialResults(run.output_path).folder());
    try {
        return run_experiment(config, run);
    } catch (const std::exception&) {
        const PartialResults partial(run.output_path);
        if (partial.exists())
            std::cerr << "crmsim: the finished runs are kept in " << partial.folder()
                      << "; fix the cause and run the same command with --resume to continue\n";
        throw;
    }
}

// `mpirun -np K crmsim run ...`: rank 0 checks the output path, then every
// rank takes part. Only rank 0 prints. A rank that fails while running stops
// the whole job (MPI_Abort); the finished runs stay in OUT.partial/ for
// --resume.
int run_distributed(const ExperimentConfig& config, RunOptions run, const MpiSession& mpi, bool quiet) {
    run.processes = mpi.size();
    int ok = 1;
    if (mpi.rank() == 0) {
        try {
            check_output_path(run);
        } catch (const UsageError& e) {
            std::cerr << "crmsim: error: " << e.what() << "\n";
            ok = 0;
        }
    }
    if (!mpi_broadcast_flag(ok)) return kExitBadInput;
    if (mpi.rank() != 0) run.show_progress = false;
    if (mpi.rank() == 0) announce_interrupts(PartialResults(run.output_path).folder());
    try {
        const ExperimentResult result = run_experiment_mpi(config, run, mpi);
        if (mpi.rank() != 0) return kExitOk;
        if (!quiet) print_summary(config, result, std::cout);
        return result.all_complete() ? kExitOk : kExitFailure;
    } catch (const UsageError& e) {  // rank 0 found the output in use; no rank has started
        std::cerr << "crmsim: error: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const std::exception& e) {
        std::cerr << "crmsim: failed on rank " << mpi.rank() << ": " << e.what() << "\n";
        mpi_abort(kExitFailure);
        return kExitFailure;
    }
}

// Parses a command's arguments, answers --help, and runs `body` with the
// parsed values, mapping errors to exit statuses.
template <class Body>
int command(const std::vector<std::string>& args, const po::options_description& options, const char* positional,
            Body&& body, std::ostream& errors = std::cerr) {
    return guarded(
        [&] {
            const Parsed p = parse(args, options, positional);
            if (p.help) {
                std::cout << options << "\n";
                return kExitOk;
            }
            return body(p.values);
        },
        errors);
}

// What each scenario and policy changes, in the order it is applied (a
// policy file's values, then its `set`), and where each value is written.
void print_variant_overrides(const char* kind, const std::vector<Variant>& variants, std::ostream& out) {
    for (const Variant& v : variants)
        for (const Override& o : v.overrides) {
            YAML::Emitter value;
            value << YAML::Flow << o.value;
            out << "  " << kind << " " << v.name << ": " << o.path << " = " << value.c_str();
            if (!o.origin.file.empty())
                out << "  (" << o.origin.file << (o.origin.line > 0 ? ":" + std::to_string(o.origin.line) : "") << ")";
            out << "\n";
        }
}

// The plan as a table: one line per run with its coordinates and seeds,
// after what each scenario and policy sets.
void print_plan(const ExperimentConfig& c, const ExperimentPlan& plan, std::ostream& out) {
    const auto& d = plan.design;
    out << c.experiment.name << ": " << plan.runs.size() << " run(s) = " << d.scenarios.size() << " scenario(s) x "
        << plan.sweep_points.size() << " sweep point(s) x " << c.experiment.replications << " replication(s) x "
        << d.policies.size() << " polic" << (d.policies.size() == 1 ? "y" : "ies") << "; " << c.experiment.ticks
        << " ticks, " << c.market.population.size << " customers, seed " << c.experiment.seed
        << (c.experiment.common_across_scenarios ? ", common random numbers across scenarios and sweep points"
            : c.experiment.common_random_numbers ? ", common random numbers"
                                                 : ", independent draws per policy")
        << (!c.experiment.common_across_scenarios && sweep_points_share_draws(plan)
                ? ", sweep points share their draws (sweep.common_random_numbers)"
                : "")
        << "\n\n";
    std::ostringstream overrides;
    print_variant_overrides("scenario", d.scenarios, overrides);
    print_variant_overrides("policy", d.policies, overrides);
    if (!overrides.str().empty()) out << "set by scenarios and policies, in order:\n" << overrides.str() << "\n";
    // Name columns as wide as the longest name, so long names never run together.
    const auto width = [](const std::vector<Variant>& variants) {
        std::size_t widest = 0;
        for (const Variant& v : variants) widest = std::max(widest, v.name.size());
        return std::max(16, static_cast<int>(widest) + 2);
    };
    const int scenario_width = width(d.scenarios), policy_width = width(d.policies);
    out << std::setw(6) << "run_id"
        << "  " << std::left << std::setw(scenario_width) << "scenario" << std::right << std::setw(6) << "point"
        << std::setw(5) << "rep"
        << "  " << std::left << std::setw(policy_width) << "policy";
    for (const auto& param : d.sweep.parameters)
        out << std::setw(std::max<int>(12, int(param.key.size()) + 2)) << param.key;
    out << std::setw(20) << "stream_key"
        << "\n"
        << std::right;
    for (const RunSpec& r : plan.runs) {
        out << std::setw(6) << r.run_id << "  " << std::left << std::setw(scenario_width)
            << d.scenarios[r.scenario].name << std::right << std::setw(6) << r.sweep_point << std::setw(5)
            << r.replication << "  " << std::left << std::setw(policy_width) << d.policies[r.policy].name;
        for (std::size_t k = 0; k < d.sweep.parameters.size(); ++k)
            out << std::setw(std::max<int>(12, int(d.sweep.parameters[k].key.size()) + 2))
                << format_number(plan.sweep_points[r.sweep_point][k]);
        out << std::right << "  0x" << std::hex << std::setw(16) << std::setfill('0') << r.stream_key.value << std::dec
            << std::setfill(' ') << "\n";
    }
}

// A config file, or a results file whose stored experiment is run again.
ExperimentConfig load_config_or_results(const std::string& path, const std::vector<std::string>& overrides) {
    if (is_hdf5_file(path)) return load_stored_experiment(path, overrides);
    return load_experiment_config(path, overrides);
}

// What the largest run needs, and whether the runs fit (as `run` checks).
void print_memory(const ExperimentRunner& runner, std::ostream& out) {
    const RunMemory& m = runner.run_memory_need();
    const MemoryLimit& limit = runner.memory_available();
    out << "\nmemory: about " << format_bytes(double(m.bytes)) << " per run (" << m.customers << " customers x "
        << format_bytes(m.bytes_per_customer) << ", " << m.edges << " network edges x 8 B, and a fixed allowance); "
        << runner.options().jobs << " run(s) at once; " << limit.source << " allows "
        << format_bytes(double(limit.bytes)) << "\n";
    try {
        runner.check_memory();
    } catch (const UsageError& e) {
        out << "crmsim run would refuse it: " << e.what() << "\n";
    }
}

}  // namespace

int run_command(const std::vector<std::string>& args, const std::vector<std::string>& full_command_line,
                const MpiSession& mpi) {
    po::options_description options(
        "crmsim run CONFIG -o OUT.h5 [options]\n\nRuns every run of the experiment in "
        "CONFIG (YAML) and writes the results to OUT.h5 (HDF5).\nCONFIG may be a results file: its experiment "
        "is run again from what the file keeps");
    options.add_options()("help,h", "show this help")("config", po::value<std::string>()->required(),
                                                      "the experiment config (YAML), or a results file to rerun")(
        "output,o", po::value<std::string>()->required(), "the results file to write (HDF5)")(
        "threads", po::value<int>()->default_value(0),
        "threads inside a run (0: the cores shared among the jobs); results do not depend on it")(
        "jobs", po::value<int>()->default_value(0),
        "runs in parallel (0: automatic: small runs side by side, big ones one at a time); results do not depend on "
        "it")("overwrite", "replace OUT.h5 if it exists (the old file stays until the new one is complete)")(
        "resume", "continue an interrupted experiment: finished runs in OUT.h5.partial/ are kept, the rest run")(
        "progress", "show progress even when stderr is not a terminal")("quiet,q", "no progress, no summary")(
        "general-loops",
        "run every customer through the general loops, no fast path: the same results, slower (for checking "
        "the fast paths; CRMSIM_SIMD=scalar|avx2|avx512|native picks the vector width)");
    options.add(set_options());
    return command(
        args, options, "config",
        [&](const po::variables_map& v) {
            for (const char* count : {"threads", "jobs"}) {
                const int n = v[count].as<int>();
                if (n < 0 || n > kMaxThreads)
                    throw UsageError(std::string("--") + count + " " + std::to_string(n) + ": must be 0 (" +
                                     (count[0] == 't' ? "all cores" : "automatic") + ") to " +
                                     std::to_string(kMaxThreads));
            }

            RunOptions run;
            run.output_path = v["output"].as<std::string>();
            run.overwrite = v.count("overwrite") > 0;
            run.resume = v.count("resume") > 0;
            run.threads = v["threads"].as<int>();
            run.jobs = v["jobs"].as<int>();
            const bool quiet = v.count("quiet") > 0;
            run.show_progress = !quiet && (v.count("progress") || sim::Progress::stderr_is_terminal());
            run.command_line = full_command_line;

            // All input is checked before the output is touched.
            ExperimentConfig config = load_config_or_results(v["config"].as<std::string>(), overrides_of(v));
            config.market.general_loops = v.count("general-loops") > 0;
            if (mpi.active() && mpi.size() > 1) return run_distributed(config, run, mpi, quiet);
            check_output_path(run);
            const ExperimentResult result = run_or_explain(config, run);
            if (!quiet) print_summary(config, result, std::cout);
            return result.all_complete() ? kExitOk : kExitFailure;
        },
        errors_of(mpi));
}

int plan_command(const std::vector<std::string>& args) {
    po::options_description options(
        "crmsim plan CONFIG [options]\n\nLists the runs of an experiment (coordinates "
        "and seeds) without running them");
    options.add_options()("help,h", "show this help")("config", po::value<std::string>()->required(),
                                                      "the experiment config (YAML)");
    options.add(set_options());
    return command(args, options, "config", [&](const po::variables_map& v) {
        const ExperimentConfig c = load_config_or_results(v["config"].as<std::string>(), overrides_of(v));
        // Everything `run` checks before writing, network files included.
        RunOptions checking;
        checking.show_progress = sim::Progress::stderr_is_terminal();
        const ExperimentRunner validated(c, checking);
        print_plan(c, validated.plan(), std::cout);
        print_memory(validated, std::cout);
        return kExitOk;
    });
}

int config_command(const std::vector<std::string>& args) {
    po::options_description options(
        "crmsim config RESULTS.h5 | CONFIG [--set K=V ...]\n\nPrints the fully resolved config: every value used, "
        "defaults included, policy files inlined. Of a results file, the config its experiment ran (edit it and "
        "run it, or rerun the file with crmsim run RESULTS.h5 -o NEW.h5)");
    options.add_options()("help,h", "show this help")("file", po::value<std::string>()->required(),
                                                      "a crmsim results file (HDF5) or a config (YAML)");
    options.add(set_options());
    return command(args, options, "file", [&](const po::variables_map& v) {
        const std::string path = v["file"].as<std::string>();
        const std::vector<std::string> sets = overrides_of(v);
        if (is_hdf5_file(path) && sets.empty())
            std::cout << stored_config_yaml(path);
        else
            std::cout << load_config_or_results(path, sets).resolved_yaml;
        return kExitOk;
    });
}

int summarize_command(const std::vector<std::string>& args) {
    po::options_description options(
        "crmsim summarize OUT.h5 [options]\n\nPrints provenance, per-firm outcomes of every /summary metric and "
        "each policy against the baseline");
    options.add_options()("help,h", "show this help")("file", po::value<std::string>()->required(),
                                                      "a crmsim results file (HDF5)")(
        "metric", po::value<std::vector<std::string>>()->composing(),
        "show only this /summary metric, e.g. --metric profit (repeatable; default: every metric)")(
        "rows", po::value<std::size_t>()->default_value(45), "lines listed per table (0: all)");
    return command(args, options, "file", [&](const po::variables_map& v) {
        SummarizeOptions chosen;
        if (v.count("metric")) chosen.metrics = v["metric"].as<std::vector<std::string>>();
        chosen.rows = v["rows"].as<std::size_t>();
        summarize_file(v["file"].as<std::string>(), std::cout, chosen);
        return kExitOk;
    });
}

int metrics_command(const std::vector<std::string>& args) {
    po::options_description options(
        "crmsim metrics\n\nPrints the columns of the time series (/runs/<id>/timeseries) as a Markdown table, "
        "from the metric registry: the table of docs/metrics.md");
    options.add_options()("help,h", "show this help");
    for (const std::string& a : args)
        if (a != "--help" && a != "-h") {
            std::cerr << "crmsim metrics: unexpected argument '" << a << "' (it takes none; see --help)\n";
            return kExitBadInput;
        }
    return command(args, options, "", [&](const po::variables_map&) {
        write_metrics_table(std::cout);
        return kExitOk;
    });
}

int calibrate_command(const std::vector<std::string>& args, const std::vector<std::string>& full_command_line) {
    po::options_description options(
        "crmsim calibrate CONFIG --targets TARGETS.yaml -o FIT.h5 [options]\n\nFits the parameters of CONFIG's "
        "calibration section to the targets (docs/sensitivity.md)");
    options.add_options()("help,h", "show this help")("config", po::value<std::string>()->required(),
                                                      "the experiment config (YAML) with a calibration section")(
        "targets", po::value<std::string>()->required(), "the targets (YAML): values with their standard errors")(
        "output,o", po::value<std::string>()->required(), "the fit to write (HDF5)")(
        "overwrite", "replace FIT.h5 if it exists")("jobs", po::value<int>()->default_value(0),
                                                    "runs of a trial in parallel (0: automatic)");
    options.add(set_options());
    return command(args, options, "config", [&](const po::variables_map& v) {
        const ExperimentConfig config = load_experiment_config(v["config"].as<std::string>(), overrides_of(v));
        check_calibration_config(config);
        CalibrateOptions c;
        c.targets_path = v["targets"].as<std::string>();
        c.output_path = v["output"].as<std::string>();
        c.overwrite = v.count("overwrite") > 0;
        c.jobs = v["jobs"].as<int>();
        c.command_line = full_command_line;
        const std::vector<CalibrationTarget> targets = read_targets(c.targets_path, config);
        if (entry_kind(c.output_path + ".partial") == EntryKind::Folder && !c.overwrite)
            throw UsageError(c.output_path + ": " + c.output_path +
                             ".partial is the work folder of an interrupted calibrate (or run) of this output; "
                             "--overwrite removes it and starts over");
        RunOptions output;  // FIT.h5 is checked as a results file is: not a link, folder or device, not an input
        output.output_path = c.output_path;
        output.overwrite = c.overwrite;
        check_output_path(output);
        check_output_is_not_an_input(c.output_path, input_files(config, {c.targets_path}));
        if (c.jobs < 0 || c.jobs > kMaxThreads)
            throw UsageError("--jobs: must be 0 (automatic) to " + std::to_string(kMaxThreads));
        calibrate(config, targets, c, std::cerr);
        std::cout << "fit written to " << c.output_path << "\n";
        return kExitOk;
    });
}

}  // namespace experiments::cli
