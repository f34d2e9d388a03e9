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

bool reset_peak_resident_bytes() {
    std::ofstream out("/proc/self/clear_refs");
    out << "5";  // only the peak: "1" to "4" would clear the pages' referenced and soft-dirty bits
    out.flush();
    return static_cast<bool>(out);
}

}  // namespace sim
