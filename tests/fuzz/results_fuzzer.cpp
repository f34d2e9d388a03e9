// libFuzzer target: reading a results file (`crmsim summarize`, and a run's
// record as --resume reads it) must turn any damaged copy of a real file into
// its output or a UsageError (exit status 2 in the CLI), never a crash, a
// hang, an out-of-range index or another exception. The seed corpus holds a
// small real results file (results-corpus/); mutations damage it.
//
//   ./build-fuzz/tests/fuzz/results_fuzzer tests/fuzz/results-corpus -max_total_time=30
#include "experiments/run/RunRecord.hpp"
#include "experiments/run/Summarize.hpp"
#include "experiments/run/UsageError.hpp"
#include "sim/recording/Hdf5File.hpp"

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

// --resume reads every kept run file and sets aside the ones it cannot read
// (any std::exception): reading must end in a record or an exception.
void read_first_run(const std::string& path) {
    try {
        const sim::h5::File file(path, sim::h5::Mode::ReadOnly);
        if (file.root().has("runs/0")) experiments::read_run_record(file.root().open_group("runs/0"), 2);
    } catch (const std::exception&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    {
        std::ofstream out(scratch_path(), std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    std::ostringstream printed;
    try {
        experiments::summarize_file(scratch_path(), printed);
    } catch (const experiments::UsageError&) {
        // Bad input, reported: the expected outcome for a damaged file.
    }
    read_first_run(scratch_path());
    return 0;
}
