#pragma once
// The crmsim subcommands. Each returns the process exit status:
// 0 success, 2 bad input (config, arguments, existing output), 1 a failure
// while running.
#include <string>
#include <vector>

namespace experiments {
class MpiSession;
}

namespace experiments::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;

int run_command(const std::vector<std::string>& args, const std::vector<std::string>& full_command_line,
                const MpiSession& mpi);
int plan_command(const std::vector<std::string>& args);
int summarize_command(const std::vector<std::string>& args);
int metrics_command(const std::vector<std::string>& args);
int calibrate_command(const std::vector<std::string>& args, const std::vector<std::string>& full_command_line);

}  // namespace experiments::cli
