#pragma once
// Comparing two crmsim results files dataset by dataset, for tests that
// check that two ways of running an experiment give the same results.
#include "sim/recording/Hdf5File.hpp"

#include <cstring>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace testing_support {

// Wall times differ between any two runs; everything else must not.
inline const std::vector<std::string> kTimingColumns = {"/plan/network_seconds", "/plan/simulation_seconds"};

// What differs between two results files, dataset by dataset.
struct FileDifferences {
    std::size_t datasets_compared = 0;
    std::vector<std::string> differences;  // one line per differing dataset or group listing
};

inline std::ostream& operator<<(std::ostream& os, const FileDifferences& d) {
    os << d.differences.size() << " difference(s) in " << d.datasets_compared << " dataset(s) compared";
    for (const auto& line : d.differences) os << "\n  " << line;
    return os;
}

// The HDF5 type class of dataset `name` in `g`, or nullopt when `name` is not a dataset (a group).
inline std::optional<H5T_class_t> dataset_class(const sim::h5::Group& g, const std::string& name) {
    const hid_t dataset = H5Dopen2(g.id(), name.c_str(), H5P_DEFAULT);  // error printing is off (sim::h5::File)
    if (dataset < 0) return std::nullopt;
    const sim::h5::Handle owned(dataset);
    const sim::h5::Handle type(H5Dget_type(dataset));
    return H5Tget_class(type.id());
}

// Whether integer dataset `name` in `g` is unsigned.
inline bool is_unsigned(const sim::h5::Group& g, const std::string& name) {
    const sim::h5::Handle dataset(H5Dopen2(g.id(), name.c_str(), H5P_DEFAULT));
    const sim::h5::Handle type(H5Dget_type(dataset.id()));
    return H5Tget_sign(type.id()) == H5T_SGN_NONE;
}

inline void compare_groups(const sim::h5::Group& a, const sim::h5::Group& b, const std::string& path,
                           const std::set<std::string>& excluded, FileDifferences& out) {
    const auto children_a = a.children(), children_b = b.children();
    if (children_a != children_b) {
        std::string line = path + ": members differ (";
        for (const auto& c : children_a) line += c + " ";
        line += "vs ";
        for (const auto& c : children_b) line += c + " ";
        out.differences.push_back(line + ")");
        return;
    }
    for (const auto& name : children_a) {
        const std::string child = (path == "/" ? "" : path) + "/" + name;
        if (excluded.count(child)) continue;
        const auto kind_a = dataset_class(a, name), kind_b = dataset_class(b, name);
        if (!kind_a && !kind_b) {
            compare_groups(a.open_group(name), b.open_group(name), child, excluded, out);
            continue;
        }
        ++out.datasets_compared;
        bool equal = false;
        if (kind_a != kind_b) {
            out.differences.push_back(child + ": a dataset in one file, of another type or a group in the other");
            continue;
        } else if (*kind_a == H5T_STRING) {
            equal = a.read_strings(name) == b.read_strings(name);
        } else if (*kind_a == H5T_INTEGER && is_unsigned(a, name)) {
            // Unsigned (stream keys): read as such, or keys above 2^63 would all clip to one value.
            equal = a.read_unsigned(name) == b.read_unsigned(name) && is_unsigned(b, name);
        } else if (*kind_a == H5T_INTEGER) {
            // As integers: 64-bit keys do not survive a trip through double.
            const auto va = a.read_ints(name), vb = b.read_ints(name);
            equal = va == vb || (va.size() == vb.size() && !va.empty() &&
                                 std::memcmp(va.data(), vb.data(), va.size() * sizeof va[0]) == 0);
        } else {
            // memcmp: bit for bit, NaN-safe (NaN marks failed runs), stricter than ==.
            const auto va = a.read_doubles(name), vb = b.read_doubles(name);
            equal = va == vb || (va.size() == vb.size() && !va.empty() &&
                                 std::memcmp(va.data(), vb.data(), va.size() * sizeof va[0]) == 0);
        }
        if (!equal) out.differences.push_back(child + ": values differ");
    }
}

// Compares every dataset of two results files (under /plan, /summary,
// /comparisons and /runs/<id>/...), except the paths in `excluded` (e.g.
// "/plan/network_seconds"). Attributes (provenance, timings) are not compared.
inline FileDifferences compare_results(const std::string& a, const std::string& b,
                                       const std::vector<std::string>& excluded) {
    const sim::h5::File fa(a, sim::h5::Mode::ReadOnly), fb(b, sim::h5::Mode::ReadOnly);
    FileDifferences out;
    compare_groups(fa.root(), fb.root(), "/", std::set<std::string>(excluded.begin(), excluded.end()), out);
    return out;
}

}  // namespace testing_support
