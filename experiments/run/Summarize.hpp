#pragma once
// `crmsim summarize OUT.h5`: what a results file holds, read back from the
// file alone (provenance, the plan, per-firm outcomes of every run).
#include <iosfwd>
#include <string>

namespace experiments {

// Throws UsageError if the file is missing or is not a crmsim results file.
void summarize_file(const std::string& path, std::ostream& out);

}  // namespace experiments
