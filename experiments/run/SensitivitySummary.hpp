#pragma once
// `crmsim summarize`'s parts for a sensitivity design (the /sensitivity table)
// and for a calibration's fit.
#include "sim/recording/Hdf5File.hpp"

#include <iosfwd>

namespace experiments {

// Prints nothing when the file has no /sensitivity group.
void print_sensitivity(const sim::h5::Group& root, std::ostream& out);

// A calibration's fit (`crmsim calibrate`'s FIT.h5): the parameters with their
// intervals and the fit against each target. Nothing without /calibration.
void print_calibration(const sim::h5::Group& root, std::ostream& out);

}  // namespace experiments
