#pragma once
// Comparing two crmsim results files dataset by dataset, for tests that
// check two ways of running an experiment give the same results.
#include "sim/recording/Hdf5File.hpp"

#include <cstring>
#include <set>
#include <string>
#include <vector>

namespace testing_support {

// Every dataset under `group` in both files, recursively; numeric columns are
// compared bit for bit (memcmp: NaN-safe), string columns as strings.
// Datasets whose name is in `skip` (e.g. wall-clock timings) are ignored.
// Returns the paths that differ or exist in only one file.
inline void diff_groups(const sim::h5::Group& a, const sim::h5::Group& b, const std::string& path,
                        const std::set<std::string>& skip, std::vector<std::string>& differences) {
    const auto names_a = a.children(), names_b = b.children();
    if (names_a != names_b) differences.push_back(path + " (different members)");
    for (const auto& name : names_a) {
        if (skip.count(name) || !b.has(name)) continue;
        const std::string child = path + "/" + name;
        bool is_group = true;
        try {
            (void)a.open_group(name);
        } catch (const sim::h5::Error&) {
            is_group = false;
        }
        if (is_group) {
            diff_groups(a.open_group(name), b.open_group(name), child, skip, differences);
            continue;
        }
        try {
            const auto x = a.read_doubles(name), y = b.read_doubles(name);
            if (x.size() != y.size() || std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) != 0)
                differences.push_back(child);
        } catch (const sim::h5::Error&) {
            if (a.read_strings(name) != b.read_strings(name)) differences.push_back(child);
        }
    }
}

inline std::vector<std::string> differing_datasets(const std::string& file_a, const std::string& file_b,
                                                   const std::set<std::string>& skip = {"network_seconds",
                                                                                        "simulation_seconds"}) {
    const sim::h5::File a(file_a, sim::h5::Mode::ReadOnly), b(file_b, sim::h5::Mode::ReadOnly);
    std::vector<std::string> differences;
    diff_groups(a.root(), b.root(), "", skip, differences);
    return differences;
}

}  // namespace testing_support
