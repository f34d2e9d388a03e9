// libFuzzer target: `crmsim summarize` must turn any damaged copy of a real
// results file into its output or a UsageError (exit status 2 in the CLI),
// never a crash, a hang or another exception. The seed corpus holds a small
// real results file (results-corpus/); mutations damage it. summarize reads
// the file in a child process (HDF5 1.10 crashes on some damaged files), so
// what this checks is that promise as the user sees it; the checks of
// lengths and indices themselves are tested in tests/integration/test_cli.cpp.
//
//   ./build-fuzz/tests/fuzz/results_fuzzer tests/fuzz/results-corpus -max_total_time=30
#include "experiments/run/Summarize.hpp"
#include "experiments/run/UsageError.hpp"

#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

namespace {

// HDF5 opens files by name: each input is written to one scratch file per process.
const std::string& scratch_path() {
    static const std::string path = "/tmp/crmsim-results-fuzz-" + std::to_string(getpid()) + ".h5";
    return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    {
        std::ofstream out(scratch_path(), std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    std::ostringstream printed;
    experiments::SummarizeOptions options;
    options.cpu_seconds = 2;  // well inside libFuzzer's -timeout: a reader that does not end is bad input
    try {
        experiments::summarize_file(scratch_path(), printed, options);
    } catch (const experiments::UsageError&) {
        // Bad input, reported: the expected outcome for a damaged file.
    }
    return 0;
}
