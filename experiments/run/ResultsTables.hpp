#pragma once
// Tables of a results file (/plan, /summary, /comparisons: groups of 1-D
// columns of one length) read as untrusted input: every column must have the
// table's length and every index read from the file must point inside what
// it indexes. A file that breaks either is damaged (DamagedResults), so that
// no reader indexes past an end or prints a value the file does not hold.
#include "sim/recording/Hdf5File.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace experiments {

struct DamagedResults : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class CheckedTable {
public:
    CheckedTable(const sim::h5::Group& root, const std::string& name);
    const std::string& name() const { return name_; }
    std::size_t rows() const { return rows_.value_or(0); }
    std::vector<std::string> columns() const { return group_.children(); }
    bool has(const std::string& column) const { return group_.has(column); }
    std::vector<std::int64_t> ints(const std::string& column);
    std::vector<double> doubles(const std::string& column);
    std::vector<std::string> strings(const std::string& column);

private:
    std::size_t checked_length(const std::string& column, std::size_t length);
    sim::h5::Group group_;
    std::string name_;
    std::optional<std::size_t> rows_;  // set by the first column read
};

// `value` as an index into something of `size` elements; throws DamagedResults
// naming `what` (e.g. "/summary/run_id row 3") when it is outside.
std::size_t checked_index(std::int64_t value, std::size_t size, const std::string& what);

}  // namespace experiments
