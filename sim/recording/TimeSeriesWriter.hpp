#pragma once
// Streams a table, one row at a time, into a group of 1-D columnar datasets
// (one dataset per column) that grow as rows arrive: chunked, deflate-
// compressed, with "units" and "description" attributes on every column.
// Rows are buffered up to one chunk and then written, so memory stays flat
// however many ticks a run has. pandas reads the group directly:
//   pd.DataFrame({k: v[()] for k, v in f["runs/0/timeseries"].items()})
#include "sim/recording/Hdf5File.hpp"
#include "sim/recording/TableSchema.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sim {

class TimeSeriesWriter {
public:
    // Creates the group `name` under `parent` and one empty, extendible
    // dataset per column. The group gets attribute "columns" listing the
    // column names in order (an array of strings), so readers can keep the order.
    TimeSeriesWriter(const h5::Group& parent, const std::string& name, std::vector<ColumnSpec> columns,
                     std::size_t chunk_rows = 4096, int deflate_level = 4);
    ~TimeSeriesWriter();  // flushes; never throws (errors are lost: call flush() first)
    TimeSeriesWriter(const TimeSeriesWriter&) = delete;
    TimeSeriesWriter& operator=(const TimeSeriesWriter&) = delete;

    const std::vector<ColumnSpec>& columns() const { return columns_; }
    // One row, cells in column order. Throws std::invalid_argument on a size mismatch.
    void append(std::span<const Cell> row);
    // Writes buffered rows to the file and flushes the file's buffers.
    void flush();
    std::uint64_t rows() const { return written_ + buffered_; }

private:
    void write_buffered();  // extends every column by the buffered rows and writes them
    std::string dataset_path(std::size_t column) const;

    h5::Group group_;
    std::vector<ColumnSpec> columns_;
    std::vector<h5::Handle> datasets_;
    std::vector<std::vector<Cell>> buffer_;  // column-major, chunk_rows each
    std::size_t chunk_rows_;
    std::uint64_t written_ = 0;
    std::size_t buffered_ = 0;
};

}  // namespace sim
