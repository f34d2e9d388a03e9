#pragma once
// `crmsim summarize`'s part for a sensitivity design: the /sensitivity table.
#include "sim/recording/Hdf5File.hpp"

#include <iosfwd>

namespace experiments {

// Prints nothing when the file has no /sensitivity group.
void print_sensitivity(const sim::h5::Group& root, std::ostream& out);

}  // namespace experiments
