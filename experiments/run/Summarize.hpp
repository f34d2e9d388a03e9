#pragma once
// `crmsim summarize OUT.h5`: what a results file holds, read back from the
// file alone: provenance, failed runs, per-firm outcomes of every /summary
// metric, and each policy against the baseline with 95 % confidence
// intervals. Everything read from the file is checked first (lengths,
// indices, types): a damaged file is bad input, never a crash or a made-up
// value (ResultsTables.hpp).
#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

namespace experiments {

struct SummarizeOptions {
    bool with_provenance = true;
    std::vector<std::string> metrics;  // the /summary metrics to show; empty: every one
    std::size_t rows = 45;             // lines listed per table; 0: all
    // Read the file in a child process, so that a crash inside HDF5 on a
    // damaged file is reported as bad input. Off for a file this process has
    // just written (and under MPI, where fork is unwelcome).
    bool isolated = true;
    // The child's CPU-time limit in seconds; 0: 60 s plus one second per
    // 4 MiB of file. HDF5 1.10 also loops without end on some damaged files
    // (a global heap collection whose sizes were flipped): the limit turns
    // that hang into bad input.
    unsigned cpu_seconds = 0;
};

// Throws UsageError if the file is missing, not a regular file, not a crmsim
// results file, or damaged, or if a metric asked for is not in it.
void summarize_file(const std::string& path, std::ostream& out, const SummarizeOptions& options = {});

}  // namespace experiments
