#include "experiments/cli/Commands.hpp"

#include "experiments/config/ConfigError.hpp"
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/run/RunExperiment.hpp"
#include "experiments/run/Summarize.hpp"
#include "experiments/run/UsageError.hpp"
#include "sim/network/EdgeListFile.hpp"
#include "sim/random/SeedDerivation.hpp"
#include "sim/util/Progress.hpp"

#include <boost/program_options.hpp>

#include <iomanip>
#include <iostream>

namespace experiments::cli {
namespace po = boost::program_options;
namespace {

struct Parsed {
    po::variables_map values;
    bool help = false;
};

// Parses `args` against `options` with one positional argument `positional`.
// Throws UsageError on unknown options or missing values.
Parsed parse(const std::vector<std::string>& args, const po::options_description& options,
             const char* positional) {
    po::positional_options_description pos;
    pos.add(positional, 1);
    Parsed parsed;
    try {
        po::store(po::command_line_parser(args).options(options).positional(pos).run(), parsed.values);
        parsed.help = parsed.values.count("help") > 0;
        if (!parsed.help) po::notify(parsed.values);
    } catch (const po::error& e) {
        throw UsageError(e.what());
    }
    return parsed;
}

po::options_description set_options() {
    po::options_description o("Config overrides");
    o.add_options()("set", po::value<std::vector<std::string>>()->composing(),
                    "KEY=VALUE: override one config value by its dotted path, e.g. "
                    "--set population.size=1000000 --set firms.0.failure_rate=0.05 (repeatable)")(
        "seed", po::value<std::uint64_t>(), "experiment seed (same as --set experiment.seed=S)");
    return o;
}

std::vector<std::string> overrides_of(const po::variables_map& v) {
    std::vector<std::string> sets;
    if (v.count("set")) sets = v["set"].as<std::vector<std::string>>();
    if (v.count("seed")) sets.push_back("experiment.seed=" + std::to_string(v["seed"].as<std::uint64_t>()));
    return sets;
}

// Runs `body`, mapping errors to exit statuses and messages on stderr.
template <class Body>
int guarded(Body&& body) {
    try {
        return body();
    } catch (const ConfigError& e) {
        std::cerr << "crmsim: error: " << e.what() << "\n";
    } catch (const UsageError& e) {
        std::cerr << "crmsim: error: " << e.what() << "\n";
    } catch (const sim::EdgeListError& e) {
        std::cerr << "crmsim: error: network edge list " << e.what() << "\n";
    } catch (const std::exception& e) {
        std::cerr << "crmsim: failed: " << e.what() << "\n";
        return kExitFailure;
    }
    return kExitBadInput;
}

}  // namespace

int run_command(const std::vector<std::string>& args, const std::vector<std::string>& full_command_line) {
    po::options_description options("crmsim run CONFIG -o OUT.h5 [options]\n\nRuns every run of the experiment in "
                                    "CONFIG (YAML) and writes the results to OUT.h5 (HDF5)");
    options.add_options()("help,h", "show this help")("config", po::value<std::string>()->required(),
                                                      "the experiment config (YAML)")(
        "output,o", po::value<std::string>()->required(), "the results file to write (HDF5)")(
        "threads", po::value<int>()->default_value(0), "threads inside a run (0: all cores); results do not depend on it")(
        "jobs", po::value<int>()->default_value(1), "runs in parallel (this version runs one at a time: 1)")(
        "overwrite", "replace OUT.h5 if it exists (the old file stays until the new one is complete)")(
        "resume", "continue an interrupted experiment (not supported by this version)")(
        "progress", "show progress even when stderr is not a terminal")("quiet,q", "no progress, no summary");
    options.add(set_options());
    return guarded([&] {
        const Parsed p = parse(args, options, "config");
        if (p.help) {
            std::cout << options << "\n";
            return kExitOk;
        }
        const auto& v = p.values;
        if (v["threads"].as<int>() < 0) throw UsageError("--threads must be 0 (all cores) or more");
        if (v["jobs"].as<int>() != 1) throw UsageError("--jobs: this version runs one run at a time; use --jobs 1");
        if (v.count("resume")) throw UsageError("--resume is not supported by this version of crmsim");
        if (v.count("overwrite") && v.count("resume")) throw UsageError("--overwrite and --resume exclude each other");

        RunOptions run;
        run.output_path = v["output"].as<std::string>();
        run.overwrite = v.count("overwrite") > 0;
        run.threads = v["threads"].as<int>();
        const bool quiet = v.count("quiet") > 0;
        run.show_progress = !quiet && (v.count("progress") || sim::Progress::stderr_is_terminal());
        run.command_line = full_command_line;

        // All input is checked before the output is touched.
        const ExperimentConfig config = load_experiment_config(v["config"].as<std::string>(), overrides_of(v));
        check_output_path(run);
        const ExperimentResult result = run_experiment(config, run);
        if (!quiet) print_summary(config, result, std::cout);
        return result.all_complete() ? kExitOk : kExitFailure;
    });
}

int plan_command(const std::vector<std::string>& args) {
    po::options_description options("crmsim plan CONFIG [options]\n\nLists the runs of an experiment (coordinates "
                                    "and seeds) without running them");
    options.add_options()("help,h", "show this help")("config", po::value<std::string>()->required(),
                                                      "the experiment config (YAML)");
    options.add(set_options());
    return guarded([&] {
        const Parsed p = parse(args, options, "config");
        if (p.help) {
            std::cout << options << "\n";
            return kExitOk;
        }
        const ExperimentConfig c = load_experiment_config(p.values["config"].as<std::string>(), overrides_of(p.values));
        std::cout << c.experiment.name << ": " << c.experiment.replications << " run(s) of " << c.experiment.ticks
                  << " ticks, " << c.market.population.size << " customers, " << c.market.firms.size()
                  << " firms, seed " << c.experiment.seed << "\n\n";
        std::cout << "run_id  replication  stream_key\n";
        for (std::uint32_t r = 0; r < c.experiment.replications; ++r)
            std::cout << std::setw(6) << r << "  " << std::setw(11) << r << "  0x" << std::hex << std::setw(16)
                      << std::setfill('0') << sim::derive_stream_key(c.experiment.seed, {0, 0, r, 0}).value
                      << std::dec << std::setfill(' ') << "\n";
        return kExitOk;
    });
}

int summarize_command(const std::vector<std::string>& args) {
    po::options_description options("crmsim summarize OUT.h5\n\nPrints provenance and per-firm outcomes of a results "
                                    "file");
    options.add_options()("help,h", "show this help")("file", po::value<std::string>()->required(),
                                                      "a crmsim results file (HDF5)");
    return guarded([&] {
        const Parsed p = parse(args, options, "file");
        if (p.help) {
            std::cout << options << "\n";
            return kExitOk;
        }
        summarize_file(p.values["file"].as<std::string>(), std::cout);
        return kExitOk;
    });
}

}  // namespace experiments::cli
