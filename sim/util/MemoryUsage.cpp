#include "sim/util/MemoryUsage.hpp"

#include <fstream>
#include <string>

namespace sim {
namespace {

std::size_t status_kilobytes(const std::string& field) {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1)) * 1024;
    return 0;
}

}  // namespace

std::size_t peak_resident_bytes() {
    return status_kilobytes("VmHWM");
}
std::size_t current_resident_bytes() {
    return status_kilobytes("VmRSS");
}

}  // namespace sim
