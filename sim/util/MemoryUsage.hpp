#pragma once
// The process's resident memory, from /proc/self/status (Linux).
#include <cstddef>

namespace sim {

std::size_t peak_resident_bytes();     // VmHWM: the high-water mark
std::size_t current_resident_bytes();  // VmRSS

}  // namespace sim
