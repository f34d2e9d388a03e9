#include "experiments/run/ResultsTables.hpp"

namespace experiments {

CheckedTable::CheckedTable(const sim::h5::Group& root, const std::string& name)
    : group_(root.has(name) ? root.open_group(name) : throw DamagedResults("no /" + name + " table")), name_(name) {}

std::size_t CheckedTable::checked_length(const std::string& column, std::size_t length) {
    if (!rows_) rows_ = length;
    if (length != *rows_)
        throw DamagedResults("/" + name_ + "/" + column + " has " + std::to_string(length) + " rows, the table " +
                             std::to_string(*rows_));
    return length;
}

std::vector<std::int64_t> CheckedTable::ints(const std::string& column) {
    std::vector<std::int64_t> values = group_.read_ints(column);
    checked_length(column, values.size());
    return values;
}

std::vector<double> CheckedTable::doubles(const std::string& column) {
    std::vector<double> values = group_.read_doubles(column);
    checked_length(column, values.size());
    return values;
}

std::vector<std::string> CheckedTable::strings(const std::string& column) {
    std::vector<std::string> values = group_.read_strings(column);
    checked_length(column, values.size());
    return values;
}

std::size_t checked_index(std::int64_t value, std::size_t size, const std::string& what) {
    if (value < 0 || static_cast<std::uint64_t>(value) >= size)
        throw DamagedResults(what + " is " + std::to_string(value) + ", outside 0.." +
                             (size == 0 ? std::string("(nothing)") : std::to_string(size - 1)));
    return static_cast<std::size_t>(value);
}

}  // namespace experiments
