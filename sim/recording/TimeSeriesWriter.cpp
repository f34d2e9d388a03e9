#include "sim/recording/TimeSeriesWriter.hpp"

#include <set>
#include <stdexcept>
#include <type_traits>

namespace sim {

// Each column's buffer is handed to H5Dwrite as a plain int64/double array.
static_assert(sizeof(Cell) == 8 && std::is_trivially_copyable_v<Cell>);

namespace {

using h5::detail::check;

hid_t file_type(ColumnType type) {
    return type == ColumnType::Int64 ? H5T_STD_I64LE : H5T_IEEE_F64LE;
}

hid_t memory_type(ColumnType type) {
    return type == ColumnType::Int64 ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE;
}

// Column names become dataset names and the "columns" attribute (an array of strings, in column order).
void validate(const std::string& name, const std::vector<ColumnSpec>& columns, std::size_t chunk_rows,
              int deflate_level) {
    const std::string where = "TimeSeriesWriter \"" + name + "\": ";
    if (columns.empty()) {
        throw std::invalid_argument(where + "no columns");
    }
    if (chunk_rows == 0) {
        throw std::invalid_argument(where + "chunk_rows must be positive");
    }
    if (deflate_level < 0 || deflate_level > 9) {
        throw std::invalid_argument(where + "deflate level must be 0..9, not " + std::to_string(deflate_level));
    }
    std::set<std::string> seen;
    for (const ColumnSpec& column : columns) {
        if (column.name.empty() || column.name == "." || column.name.find_first_of(",/") != std::string::npos) {
            throw std::invalid_argument(where + "invalid column name \"" + column.name +
                                        "\" (must be non-empty, without ',' or '/')");
        }
        if (!seen.insert(column.name).second) {
            throw std::invalid_argument(where + "duplicate column \"" + column.name + "\"");
        }
    }
}

h5::Group create_group(const h5::Group& parent, const std::string& name, const std::vector<ColumnSpec>& columns,
                       std::size_t chunk_rows, int deflate_level) {
    validate(name, columns, chunk_rows, deflate_level);
    h5::detail::silence_hdf5_errors();
    return parent.create_group(name);
}

std::vector<std::string> names_of(const std::vector<ColumnSpec>& columns) {
    std::vector<std::string> names;
    for (const ColumnSpec& column : columns) {
        names.push_back(column.name);
    }
    return names;
}

// An empty dataset that grows along its one unlimited dimension, one chunk of rows at a time.
h5::Handle create_dataset(hid_t group, const ColumnSpec& column, const std::string& path, std::size_t chunk_rows,
                          int deflate_level) {
    auto what = [&] { return "cannot create dataset \"" + path + "\" in " + h5::detail::file_name(group); };
    const hsize_t dims[1] = {0};
    const hsize_t max_dims[1] = {H5S_UNLIMITED};
    const hsize_t chunk[1] = {chunk_rows};
    h5::Handle space(check(H5Screate_simple(1, dims, max_dims), what));
    h5::Handle dcpl(check(H5Pcreate(H5P_DATASET_CREATE), what));
    check(H5Pset_chunk(dcpl.id(), 1, chunk), what);
    if (deflate_level > 0) {
        // Shuffling groups the bytes of successive values; slowly varying series then deflate far better.
        check(H5Pset_shuffle(dcpl.id()), what);
        check(H5Pset_deflate(dcpl.id(), static_cast<unsigned>(deflate_level)), what);
    }
    h5::Handle lcpl(check(H5Pcreate(H5P_LINK_CREATE), what));
    check(H5Pset_char_encoding(lcpl.id(), H5T_CSET_UTF8), what);
    h5::Handle dataset(check(
        H5Dcreate2(group, column.name.c_str(), file_type(column.type), space.id(), lcpl.id(), dcpl.id(), H5P_DEFAULT),
        what));
    h5::detail::write_string_attribute(dataset.id(), path, "units", column.units);
    h5::detail::write_string_attribute(dataset.id(), path, "description", column.description);
    return dataset;
}

}  // namespace

TimeSeriesWriter::TimeSeriesWriter(const h5::Group& parent, const std::string& name, std::vector<ColumnSpec> columns,
                                   std::size_t chunk_rows, int deflate_level)
    : group_(create_group(parent, name, columns, chunk_rows, deflate_level)),
      columns_(std::move(columns)),
      buffer_(columns_.size(), std::vector<Cell>(chunk_rows)),
      chunk_rows_(chunk_rows) {
    for (const ColumnSpec& c : columns_)
        if (c.type == ColumnType::String)
            throw std::invalid_argument("time series column " + c.name +
                                        " is a string: per-tick rows hold numbers only");
    group_.set_string_list_attribute("columns", names_of(columns_));
    datasets_.reserve(columns_.size());
    for (std::size_t c = 0; c < columns_.size(); ++c) {
        datasets_.push_back(create_dataset(group_.id(), columns_[c], dataset_path(c), chunk_rows_, deflate_level));
    }
}

TimeSeriesWriter::~TimeSeriesWriter() {
    try {
        flush();
    } catch (...) {
        // A destructor must not throw; callers who care about the last rows call flush() themselves.
    }
}

std::string TimeSeriesWriter::dataset_path(std::size_t column) const {
    return (group_.path() == "/" ? "" : group_.path()) + "/" + columns_[column].name;
}

void TimeSeriesWriter::append(std::span<const Cell> row) {
    if (row.size() != columns_.size()) {
        throw std::invalid_argument("TimeSeriesWriter \"" + group_.path() + "\": row has " +
                                    std::to_string(row.size()) + " cells, expected " + std::to_string(columns_.size()));
    }
    // A full buffer here means an earlier write failed; retry it before overwriting anything.
    if (buffered_ == chunk_rows_) {
        write_buffered();
    }
    for (std::size_t c = 0; c < row.size(); ++c) {
        buffer_[c][buffered_] = row[c];
    }
    if (++buffered_ == chunk_rows_) {
        write_buffered();
    }
}

void TimeSeriesWriter::flush() {
    write_buffered();
    check(H5Fflush(group_.id(), H5F_SCOPE_LOCAL), [&] {
        return "cannot flush " + h5::detail::file_name(group_.id()) + " after writing \"" + group_.path() + "\"";
    });
}

void TimeSeriesWriter::write_buffered() {
    if (buffered_ == 0) {
        return;
    }
    const hsize_t start[1] = {written_};
    const hsize_t count[1] = {buffered_};
    const hsize_t new_size[1] = {written_ + buffered_};
    auto what = [&](const char* operation, std::size_t c) {
        return [=, this] {
            return std::string("cannot ") + operation + " dataset \"" + dataset_path(c) + "\" in " +
                   h5::detail::file_name(group_.id()) + " (rows " + std::to_string(start[0]) + ".." +
                   std::to_string(new_size[0]) + ")";
        };
    };
    // Extend every column before writing any, so a failure leaves the columns the same length.
    for (std::size_t c = 0; c < datasets_.size(); ++c) {
        check(H5Dset_extent(datasets_[c].id(), new_size), what("extend", c));
    }
    h5::Handle memory_space(check(H5Screate_simple(1, count, nullptr), what("write", 0)));
    for (std::size_t c = 0; c < datasets_.size(); ++c) {
        h5::Handle file_space(check(H5Dget_space(datasets_[c].id()), what("write", c)));
        check(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start, nullptr, count, nullptr), what("write", c));
        check(H5Dwrite(datasets_[c].id(), memory_type(columns_[c].type), memory_space.id(), file_space.id(),
                       H5P_DEFAULT, buffer_[c].data()),
              what("write", c));
    }
    written_ += buffered_;
    buffered_ = 0;
}

}  // namespace sim
