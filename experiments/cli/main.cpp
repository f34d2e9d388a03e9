// crmsim: the command-line entry point. Dispatches to a subcommand and maps
// every error to its exit status (see Commands.hpp).
#include "experiments/cli/Commands.hpp"
#include "experiments/run/MpiSession.hpp"
#include "sim/simd/Isa.hpp"

#include "crmsim/GitVersion.hpp"

#include <iostream>
#include <string>
#include <vector>

namespace {

constexpr const char* kUsage = R"(crmsim: agent-based simulation of customer relationship management

Usage:
  crmsim run CONFIG -o OUT.h5 [options]   run an experiment, write results to OUT.h5
  crmsim run RESULTS.h5 -o OUT.h5         run a results file's experiment again
  crmsim plan CONFIG [--set K=V ...]      list the runs an experiment would make
  crmsim summarize OUT.h5                 print what a results file holds
  crmsim config RESULTS.h5                print the resolved config a results file ran
  crmsim metrics                          print the time-series columns (docs/metrics.md)
  crmsim calibrate CONFIG --targets T.yaml -o FIT.h5   fit parameters to targets
  crmsim --version                        print the version and git commit
  crmsim COMMAND --help                   options of one command

Exit status: 0 success, 2 bad input (config, arguments, existing output),
1 a failure while running. See docs/config.md for the config reference and the
layout of the results file.
)";

}  // namespace

int main(int argc, char** argv) {
    using namespace experiments::cli;
    const experiments::MpiSession mpi(argc, argv);  // active only under mpirun
    const std::vector<std::string> all(argv, argv + argc);
    if (argc < 2) {
        std::cerr << kUsage;
        return kExitBadInput;
    }
    const std::string command = all[1];
    const std::vector<std::string> rest(all.begin() + 2, all.end());
    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << kUsage;
        return kExitOk;
    }
    if (command == "--version") {
        std::cout << "crmsim " << crmsim::kVersion << " (commit " << crmsim::kGitCommit << ")\n";
        return kExitOk;
    }
    // A CRMSIM_SIMD naming no width is bad input, refused before a run
    // creates its output (the loops read it only once they run).
    if ((command == "run" || command == "calibrate") && !sim::simd_request_ok()) return kExitBadInput;
    if (command == "run") return run_command(rest, all, mpi);
    if (command == "plan") return plan_command(rest);
    if (command == "summarize") return summarize_command(rest);
    if (command == "config") return config_command(rest);
    if (command == "metrics") return metrics_command(rest);
    if (command == "calibrate") return calibrate_command(rest, all);
    std::cerr << "crmsim: unknown command '" << command << "'\n\n" << kUsage;
    return kExitBadInput;
}
