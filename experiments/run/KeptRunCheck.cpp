#include "experiments/run/KeptRunCheck.hpp"

#include "experiments/config/Sha256.hpp"

namespace experiments {
namespace {

std::string hex(std::uint64_t value) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%016llx", static_cast<unsigned long long>(value));
    return text;
}

}  // namespace

std::optional<std::string> kept_run_mismatch(const sim::h5::Group& root, const RunSpec& expected,
                                             const std::string& expected_config) {
    const struct {
        const char* name;
        std::uint32_t value;
    } coordinates[] = {{"run_id", expected.run_id},
                       {"scenario", expected.scenario},
                       {"sweep_point", expected.sweep_point},
                       {"replication", expected.replication},
                       {"policy", expected.policy}};
    for (const auto& c : coordinates) {
        const std::int64_t found = root.int_attribute(c.name);
        if (found != c.value)
            return std::string("its ") + c.name + " is " + std::to_string(found) + ", the plan's is " +
                   std::to_string(c.value);
    }
    for (const auto& [name, key] :
         {std::pair{"stream_key", expected.stream_key}, {"network_key", expected.network_key}}) {
        const std::uint64_t found = root.unsigned_attribute(name);
        if (found != key.value)
            return std::string("its ") + name + " is " + hex(found) + ", the plan's is " + hex(key.value) +
                   " (another seed or design)";
    }
    const std::string found = sha256_hex(root.string_attribute("config")), wanted = sha256_hex(expected_config);
    if (found != wanted)
        return "its config digest is " + found.substr(0, 12) + "..., this run's is " + wanted.substr(0, 12) +
               "... (another config)";
    return std::nullopt;
}

}  // namespace experiments
