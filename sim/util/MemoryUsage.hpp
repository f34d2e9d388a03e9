#pragma once
// The process's resident memory, from /proc/self/status (Linux).
#include <cstddef>

namespace sim {

std::size_t peak_resident_bytes();     // VmHWM: the high-water mark
std::size_t current_resident_bytes();  // VmRSS

// Restarts the high-water mark at the current resident size (Linux 4.0+,
// /proc/self/clear_refs), so that one phase of a long process, e.g. one
// benchmark, can report its own peak. False if the kernel refused; the mark
// then stays the process's.
bool reset_peak_resident_bytes();

}  // namespace sim
