#pragma once
// What a recorded table looks like: typed, documented columns and the cells
// of one row. Models describe their metrics with these (they know nothing of
// files); the recording layer turns them into datasets.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace sim {

enum class ColumnType { Int64, Float64, String };

struct ColumnSpec {
    std::string name;
    ColumnType type = ColumnType::Float64;
    std::string units;        // e.g. "customers", "currency units", "1" for shares
    std::string description;  // one sentence: what the value means
};

// A table cell: integer columns read .i, float columns read .f (per-tick
// tables have no string columns).
union Cell {
    std::int64_t i;
    double f;
};

// A whole column at once (e.g. one value per agent in a snapshot): integer
// columns fill `ints`, float columns `doubles`, string columns `strings`.
struct ColumnData {
    ColumnSpec spec;
    std::vector<std::int64_t> ints;
    std::vector<double> doubles;
    std::vector<std::string> strings;
};

// A table a model reports once, at the end of a run.
struct Table {
    std::string name;  // becomes the group name in the run's results
    std::string description;
    std::vector<ColumnData> columns;
};

// Where a data source sends rows (a file writer, a test's vector, ...).
using RowSink = std::function<void(std::span<const Cell>)>;

}  // namespace sim
