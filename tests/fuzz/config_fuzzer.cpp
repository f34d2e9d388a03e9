// libFuzzer target: config loading must turn any input into either a config
// or a ConfigError (exit status 2 in the CLI), never a crash, a hang or an
// other exception. Built with clang (-DCRMSIM_FUZZ=ON, see docs/reliability.md).
//
//   ./build-fuzz/tests/fuzz/config_fuzzer tests/fuzz/corpus -max_total_time=60
#include "experiments/config/ConfigError.hpp"
#include "experiments/config/ExperimentConfig.hpp"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

namespace {

// The loader reads files (edge lists are resolved against the config's
// folder), so each input is written to one scratch file per process.
const std::string& scratch_path() {
    static const std::string path = "/tmp/crmsim-fuzz-" + std::to_string(getpid()) + ".yaml";
    return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    {
        std::ofstream out(scratch_path(), std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    try {
        const auto config = experiments::load_experiment_config(scratch_path(), {});
        // A config that loads must describe a market the model accepts.
        if (config.market.firms.size() < 2 || config.market.population.size == 0) __builtin_trap();
    } catch (const experiments::ConfigError&) {
        // Bad input, reported with its location: the expected outcome.
    }
    return 0;
}
