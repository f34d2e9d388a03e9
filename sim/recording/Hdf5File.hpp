#pragma once
// Thin RAII layer over the HDF5 C API: files, groups, attributes, and reading
// whole 1-D datasets back (for tests, resume and `crmsim summarize`).
// Every failing HDF5 call throws sim::h5::Error naming the object involved;
// the library's own error stack printing is switched off.
#include <hdf5.h>

#include <concepts>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace sim::h5 {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Owns one hid_t and closes it with the right H5?close.
class Handle {
public:
    Handle() = default;
    explicit Handle(hid_t id) : id_(id) {}
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    Handle(Handle&& other) noexcept : id_(other.id_) { other.id_ = H5I_INVALID_HID; }
    Handle& operator=(Handle&& other) noexcept;
    ~Handle();
    hid_t id() const { return id_; }
    explicit operator bool() const { return id_ >= 0; }

private:
    hid_t id_ = H5I_INVALID_HID;
};

enum class Mode { CreateExclusive, CreateTruncate, ReadOnly, ReadWrite };

class Group;

class File {
public:
    File(const std::string& path, Mode mode);
    Group root() const;
    void flush() const;
    const std::string& path() const { return path_; }
    hid_t id() const { return handle_.id(); }

private:
    std::string path_;
    Handle handle_;
};

class Group {
public:
    explicit Group(Handle handle, std::string path) : handle_(std::move(handle)), path_(std::move(path)) {}
    Group create_group(const std::string& name) const;  // throws if it exists
    Group open_group(const std::string& name) const;    // name may be a path "a/b"
    bool has(const std::string& name) const;            // link exists
    std::vector<std::string> children() const;          // link names, in name order
    // Copies this group (its datasets, subgroups and attributes) to a new
    // group `name` under `destination`, which may be in another file.
    void copy_to(const Group& destination, const std::string& name) const;
    void remove(const std::string& name) const;  // unlinks a child

    // Scalar attributes on this group (strings are variable-length UTF-8).
    void set_attribute(const std::string& name, const std::string& value) const;
    void set_attribute(const std::string& name, const char* value) const { set_attribute(name, std::string(value)); }
    void set_attribute(const std::string& name, double value) const;
    void set_attribute(const std::string& name, std::int64_t value) const;
    // Any other integer (int, std::size_t, ...) is stored as int64; without this a plain `5` would be ambiguous
    // between the double and int64 overloads.
    template <std::integral T>
    void set_attribute(const std::string& name, T value) const {
        set_attribute(name, static_cast<std::int64_t>(value));
    }
    std::string string_attribute(const std::string& name) const;
    double double_attribute(const std::string& name) const;
    std::int64_t int_attribute(const std::string& name) const;
    bool has_attribute(const std::string& name) const;
    // Unsigned 64-bit values (stream keys), stored as uint64 so that readers see the value `crmsim plan` prints.
    void set_unsigned_attribute(const std::string& name, std::uint64_t value) const;
    std::uint64_t unsigned_attribute(const std::string& name) const;
    // A 1-D array of variable-length UTF-8 strings (h5py reads it as a list of str).
    void set_string_list_attribute(const std::string& name, const std::vector<std::string>& values) const;
    std::vector<std::string> string_list_attribute(const std::string& name) const;

    // Whole 1-D datasets (written at once: small tables such as the plan).
    void write_column(const std::string& name, const std::vector<double>& values, const std::string& units,
                      const std::string& description) const;
    void write_column(const std::string& name, const std::vector<std::int64_t>& values, const std::string& units,
                      const std::string& description) const;
    void write_column(const std::string& name, const std::vector<std::string>& values,
                      const std::string& description) const;
    std::vector<double> read_doubles(const std::string& name) const;       // converts any numeric type
    std::vector<std::int64_t> read_ints(const std::string& name) const;    // converts any integer type
    std::vector<std::string> read_strings(const std::string& name) const;  // variable-length strings
    void write_column(const std::string& name, const std::vector<std::uint64_t>& values, const std::string& units,
                      const std::string& description) const;
    std::vector<std::uint64_t> read_unsigned(const std::string& name) const;  // converts any integer type
    // A file's bytes as a compressed uint8 dataset (an input kept inside the results), and back.
    void write_bytes(const std::string& name, const std::string& bytes, const std::string& description) const;
    std::string read_bytes(const std::string& name) const;

    // Attributes on a dataset in this group (e.g. "units", "description").
    std::string dataset_string_attribute(const std::string& dataset, const std::string& name) const;

    hid_t id() const { return handle_.id(); }
    const std::string& path() const { return path_; }

private:
    std::string child_path(const std::string& name) const;
    std::string describe(const std::string& name) const;  // "\"/a/name\" in file.h5", for error messages

    Handle handle_;
    std::string path_;
};

// Building blocks shared with TimeSeriesWriter.
namespace detail {

// Switches off HDF5's printing of its error stack. The setting is per thread in thread-safe builds, so this
// runs once per thread (File's and TimeSeriesWriter's constructors call it).
void silence_hdf5_errors();
// Name the file containing `object` was opened under; "?" if it cannot be found.
std::string file_name(hid_t object);
// " (<HDF5's most specific message>)" from this thread's error stack, or "" if it is empty. Must be called
// right after the failing call: any later HDF5 call clears the stack.
std::string error_detail();

// Throws Error(what() + detail) if an HDF5 call returned a negative id/status; `what` is only built on failure.
template <typename Result, typename What>
Result check(Result result, What&& what) {
    if (result < 0) {
        std::string detail = error_detail();
        throw Error(std::forward<What>(what)() + detail);
    }
    return result;
}

// Scalar attribute on any object, replacing an existing one; `object_path` names it in error messages.
void write_string_attribute(hid_t object, const std::string& object_path, const std::string& name,
                            const std::string& value);
std::string read_string_attribute(hid_t object, const std::string& object_path, const std::string& name);

}  // namespace detail

}  // namespace sim::h5
