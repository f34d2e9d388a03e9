#pragma once
// `crmsim summarize OUT.h5`: what a results file holds, read back from the
// file alone: provenance, failed runs, per-firm outcomes (small experiments),
// and each policy against the baseline with 95 % confidence intervals.
#include <iosfwd>
#include <string>

namespace experiments {

// Throws UsageError if the file is missing or is not a crmsim results file.
void summarize_file(const std::string& path, std::ostream& out, bool with_provenance = true);

}  // namespace experiments
