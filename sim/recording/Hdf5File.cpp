#include "sim/recording/Hdf5File.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace sim::h5 {

using detail::check;

// ---- detail ---------------------------------------------------------------

namespace detail {

void silence_hdf5_errors() {
    // Once per process, before any other HDF5 call: no library teardown at
    // exit. HDF5 1.10 crashes in that teardown when a file could not be
    // closed (a full disk); every file here is closed by its owner anyway.
    static const bool no_atexit = [] {
        H5dont_atexit();
        return true;
    }();
    (void)no_atexit;
    thread_local const bool silenced = [] {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        return true;
    }();
    (void)silenced;
}

std::string file_name(hid_t object) {
    const ssize_t length = H5Fget_name(object, nullptr, 0);
    if (length < 0) {
        return "?";
    }
    std::string name(static_cast<std::size_t>(length), '\0');
    if (H5Fget_name(object, name.data(), name.size() + 1) < 0) {
        return "?";
    }
    return name;
}

namespace {

// Keeps the description of the innermost (most specific) entry of the error stack.
herr_t keep_innermost(unsigned n, const H5E_error2_t* error, void* out) {
    if (n == 0 && error != nullptr && error->desc != nullptr) {
        *static_cast<std::string*>(out) = error->desc;
    }
    return 0;
}

}  // namespace

std::string error_detail() {
    std::string message;
    if (H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, &message) < 0 || message.empty()) {
        return "";
    }
    return " (HDF5: " + message + ")";
}

}  // namespace detail

namespace {

std::string quoted(const std::string& text) {
    return "\"" + text + "\"";
}

// `"/path" in file.h5`, the object part of every error message.
std::string describe(hid_t location, const std::string& path) {
    return quoted(path) + " in " + detail::file_name(location);
}

Handle property_list(hid_t cls) {
    return Handle(check(H5Pcreate(cls), [] { return std::string("cannot create an HDF5 property list"); }));
}

// Link names are stored as UTF-8 so non-ASCII group and column names survive the round trip to Python.
Handle utf8_link_plist(bool create_intermediate_groups) {
    Handle lcpl = property_list(H5P_LINK_CREATE);
    check(H5Pset_char_encoding(lcpl.id(), H5T_CSET_UTF8), [] { return std::string("cannot set link encoding"); });
    check(H5Pset_create_intermediate_group(lcpl.id(), create_intermediate_groups ? 1U : 0U),
          [] { return std::string("cannot set intermediate group creation"); });
    return lcpl;
}

Handle string_type(std::size_t size, H5T_cset_t cset) {
    auto fail = [] { return std::string("cannot create an HDF5 string type"); };
    Handle type(check(H5Tcopy(H5T_C_S1), fail));
    check(H5Tset_size(type.id(), size), fail);
    check(H5Tset_cset(type.id(), cset), fail);
    return type;
}

// Variable-length UTF-8: what h5py writes for Python str and decodes back to str.
Handle utf8_vlen_string_type() {
    return string_type(H5T_VARIABLE, H5T_CSET_UTF8);
}

// Frees the strings HDF5 allocated while reading variable-length data, even if copying them out throws.
class VlenReclaimer {
public:
    VlenReclaimer(hid_t type, hid_t space, void* buffer) : type_(type), space_(space), buffer_(buffer) {}
    VlenReclaimer(const VlenReclaimer&) = delete;
    VlenReclaimer& operator=(const VlenReclaimer&) = delete;
    ~VlenReclaimer() {
#if H5_VERSION_GE(1, 12, 0)
        H5Treclaim(type_, space_, H5P_DEFAULT, buffer_);
#else
        H5Dvlen_reclaim(type_, space_, H5P_DEFAULT, buffer_);
#endif
    }

private:
    hid_t type_;
    hid_t space_;
    void* buffer_;
};

// Reads `count` strings stored with `file_type` (variable- or fixed-length) through `read(memory_type, buffer)`,
// which is H5Aread or H5Dread; `space` is the object's dataspace, needed to free variable-length memory.
template <typename Read, typename What>
std::vector<std::string> read_string_values(hid_t file_type, hid_t space, hsize_t count, Read&& read, What&& what) {
    std::vector<std::string> values;
    if (count == 0) {
        return values;
    }
    values.reserve(count);
    const H5T_cset_t cset = H5Tget_cset(file_type);
    if (check(H5Tis_variable_str(file_type), what) > 0) {
        Handle memory_type = string_type(H5T_VARIABLE, cset);
        std::vector<char*> pointers(count, nullptr);
        check(read(memory_type.id(), pointers.data()), what);
        VlenReclaimer reclaim(memory_type.id(), space, pointers.data());
        for (const char* pointer : pointers) {
            values.emplace_back(pointer != nullptr ? pointer : "");
        }
        return values;
    }
    // Fixed-length strings (e.g. numpy bytes written by h5py): cut at the first NUL, drop space padding.
    const std::size_t size = H5Tget_size(file_type);
    Handle memory_type(check(H5Tcopy(file_type), what));
    std::vector<char> buffer(count * size);
    check(read(memory_type.id(), buffer.data()), what);
    const bool space_padded = H5Tget_strpad(file_type) == H5T_STR_SPACEPAD;
    for (hsize_t i = 0; i < count; ++i) {
        std::string value(buffer.data() + i * size, size);
        value.resize(std::min(value.find('\0'), value.size()));
        if (space_padded) {
            value.resize(value.find_last_not_of(' ') + 1);
        }
        values.push_back(std::move(value));
    }
    return values;
}

// ---- attributes ------------------------------------------------------------

std::string attribute_what(const char* operation, hid_t object, const std::string& object_path,
                           const std::string& name) {
    return std::string("cannot ") + operation + " attribute " + quoted(name) + " on " + describe(object, object_path);
}

void write_attribute(hid_t object, const std::string& object_path, const std::string& name, hid_t file_type,
                     hid_t memory_type, const void* value) {
    auto what = [&](const char* operation) {
        return [=, &object_path, &name] { return attribute_what(operation, object, object_path, name); };
    };
    // Attributes cannot be overwritten in place with a different type or size, so replace them.
    if (check(H5Aexists(object, name.c_str()), what("look up")) > 0) {
        check(H5Adelete(object, name.c_str()), what("replace"));
    }
    Handle space(check(H5Screate(H5S_SCALAR), what("create")));
    Handle acpl = property_list(H5P_ATTRIBUTE_CREATE);
    check(H5Pset_char_encoding(acpl.id(), H5T_CSET_UTF8), what("create"));
    Handle attribute(
        check(H5Acreate2(object, name.c_str(), file_type, space.id(), acpl.id(), H5P_DEFAULT), what("create")));
    check(H5Awrite(attribute.id(), memory_type, value), what("write"));
}

Handle open_attribute(hid_t object, const std::string& object_path, const std::string& name) {
    auto what = [&] { return attribute_what("read", object, object_path, name); };
    if (check(H5Aexists(object, name.c_str()), what) == 0) {
        throw Error("no attribute " + quoted(name) + " on " + describe(object, object_path));
    }
    return Handle(check(H5Aopen(object, name.c_str(), H5P_DEFAULT), what));
}

// Reads a single-valued numeric attribute with conversion to `memory_type`; integers are accepted
// everywhere, floating-point values only when `allow_float`.
template <typename T>
T read_numeric_attribute(hid_t object, const std::string& object_path, const std::string& name, hid_t memory_type,
                         bool allow_float) {
    auto what = [&] { return attribute_what("read", object, object_path, name); };
    Handle attribute = open_attribute(object, object_path, name);
    Handle type(check(H5Aget_type(attribute.id()), what));
    Handle space(check(H5Aget_space(attribute.id()), what));
    const H5T_class_t cls = H5Tget_class(type.id());
    if (!(cls == H5T_INTEGER || (allow_float && cls == H5T_FLOAT))) {
        throw Error(attribute_what("read", object, object_path, name) + ": it is not " +
                    (allow_float ? "a number" : "an integer"));
    }
    if (H5Sget_simple_extent_npoints(space.id()) != 1) {
        throw Error(attribute_what("read", object, object_path, name) + ": it is not a single value");
    }
    T value{};
    check(H5Aread(attribute.id(), memory_type, &value), what);
    return value;
}

// ---- datasets --------------------------------------------------------------

// Caps chunks of whole-column datasets at 128 KiB of doubles: big enough to compress well, small enough that
// reading a slice does not inflate the whole column.
constexpr hsize_t kMaxColumnChunk = 16384;

Handle create_column(hid_t group, const std::string& name, const std::string& path, hid_t file_type, std::size_t size,
                     bool shuffle) {
    auto what = [&] { return "cannot create dataset " + describe(group, path); };
    const hsize_t dims[1] = {size};
    Handle space(check(H5Screate_simple(1, dims, nullptr), what));
    Handle dcpl = property_list(H5P_DATASET_CREATE);
    // Filters need chunked storage, and chunks cannot be empty: a 0-row column stays contiguous.
    if (size > 0) {
        const hsize_t chunk[1] = {std::min<hsize_t>(size, kMaxColumnChunk)};
        check(H5Pset_chunk(dcpl.id(), 1, chunk), what);
        if (shuffle) {
            check(H5Pset_shuffle(dcpl.id()), what);
        }
        check(H5Pset_deflate(dcpl.id(), 4), what);
    }
    Handle lcpl = utf8_link_plist(false);
    return Handle(
        check(H5Dcreate2(group, name.c_str(), file_type, space.id(), lcpl.id(), dcpl.id(), H5P_DEFAULT), what));
}

void write_whole_column(hid_t dataset, const std::string& path, hid_t memory_type, std::size_t size, const void* data) {
    if (size > 0) {
        check(H5Dwrite(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
              [&] { return "cannot write dataset " + describe(dataset, path); });
    }
}

void write_column_attributes(hid_t dataset, const std::string& path, const std::string& units,
                             const std::string& description) {
    detail::write_string_attribute(dataset, path, "units", units);
    detail::write_string_attribute(dataset, path, "description", description);
}

// An opened 1-D (or scalar) dataset with its type and number of elements, for the read_* functions.
struct OpenColumn {
    Handle dataset;
    Handle type;
    Handle space;
    hsize_t size = 0;
};

OpenColumn open_column(hid_t group, const std::string& name, const std::string& path) {
    auto what = [&] { return "cannot read dataset " + describe(group, path); };
    OpenColumn column;
    column.dataset = Handle(check(H5Dopen2(group, name.c_str(), H5P_DEFAULT), what));
    column.type = Handle(check(H5Dget_type(column.dataset.id()), what));
    column.space = Handle(check(H5Dget_space(column.dataset.id()), what));
    if (check(H5Sget_simple_extent_ndims(column.space.id()), what) > 1) {
        throw Error(what() + ": it has more than one dimension");
    }
    column.size = static_cast<hsize_t>(check(H5Sget_simple_extent_npoints(column.space.id()), what));
    return column;
}

template <typename T>
std::vector<T> read_numeric_column(hid_t group, const std::string& name, const std::string& path, hid_t memory_type,
                                   bool allow_float) {
    auto what = [&] { return "cannot read dataset " + describe(group, path); };
    OpenColumn column = open_column(group, name, path);
    const H5T_class_t cls = H5Tget_class(column.type.id());
    if (!(cls == H5T_INTEGER || (allow_float && cls == H5T_FLOAT))) {
        throw Error(what() + ": it is not " + (allow_float ? "numeric" : "an integer column"));
    }
    std::vector<T> values(column.size);
    if (!values.empty()) {
        check(H5Dread(column.dataset.id(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), what);
    }
    return values;
}

// ---- files -----------------------------------------------------------------

// Bounds of V18..latest: files stay readable by HDF5 1.8 (and so by older h5py builds) while still getting
// the 1.8 group format, which link creation order needs.
Handle file_access_plist() {
    Handle fapl = property_list(H5P_FILE_ACCESS);
    check(H5Pset_libver_bounds(fapl.id(), H5F_LIBVER_V18, H5F_LIBVER_LATEST),
          [] { return std::string("cannot set HDF5 library version bounds"); });
    return fapl;
}

// Tracks creation order on the root group too, so h5py lists top-level objects in the order they were written.
Handle file_create_plist() {
    Handle fcpl = property_list(H5P_FILE_CREATE);
    check(H5Pset_link_creation_order(fcpl.id(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
          [] { return std::string("cannot set link creation order"); });
    return fcpl;
}

bool file_exists(const std::string& path) {
    std::error_code ignored;
    return std::filesystem::exists(path, ignored);
}

Handle create_file(const std::string& path, bool exclusive) {
    Handle fcpl = file_create_plist();
    Handle fapl = file_access_plist();
    const hid_t id = H5Fcreate(path.c_str(), exclusive ? H5F_ACC_EXCL : H5F_ACC_TRUNC, fcpl.id(), fapl.id());
    if (id < 0) {
        const std::string detail = detail::error_detail();
        if (exclusive && file_exists(path)) {
            throw Error("cannot create " + path + ": the file exists (refusing to overwrite it)");
        }
        throw Error("cannot create " + path + detail);
    }
    return Handle(id);
}

Handle open_file(const std::string& path, bool writable) {
    // Opening uses the default bounds so that an existing file's format is never upgraded behind the user's back.
    const hid_t id = H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT);
    if (id < 0) {
        const std::string detail = detail::error_detail();
        if (!file_exists(path)) {
            throw Error("cannot open " + path + ": no such file");
        }
        throw Error("cannot open " + path + (writable ? " for writing" : " for reading") + detail);
    }
    return Handle(id);
}

}  // namespace

// ---- detail: string attributes ----------------------------------------------

void detail::write_string_attribute(hid_t object, const std::string& object_path, const std::string& name,
                                    const std::string& value) {
    Handle type = utf8_vlen_string_type();
    const char* text = value.c_str();
    write_attribute(object, object_path, name, type.id(), type.id(), &text);
}

std::string detail::read_string_attribute(hid_t object, const std::string& object_path, const std::string& name) {
    auto what = [&] { return attribute_what("read", object, object_path, name); };
    Handle attribute = open_attribute(object, object_path, name);
    Handle type(check(H5Aget_type(attribute.id()), what));
    Handle space(check(H5Aget_space(attribute.id()), what));
    if (H5Tget_class(type.id()) != H5T_STRING) {
        throw Error(what() + ": it is not a string");
    }
    if (H5Sget_simple_extent_npoints(space.id()) != 1) {
        throw Error(what() + ": it is not a single string");
    }
    auto read = [&](hid_t memory_type, void* buffer) { return H5Aread(attribute.id(), memory_type, buffer); };
    return read_string_values(type.id(), space.id(), 1, read, what).front();
}

// ---- Handle ----------------------------------------------------------------

Handle& Handle::operator=(Handle&& other) noexcept {
    if (this != &other) {
        Handle previous(id_);  // closes our current id when it goes out of scope
        id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
}

Handle::~Handle() {
    if (id_ < 0 || H5Iis_valid(id_) <= 0) {
        return;
    }
    switch (H5Iget_type(id_)) {
        case H5I_FILE:
            H5Fclose(id_);
            break;
        case H5I_GROUP:
            H5Gclose(id_);
            break;
        case H5I_DATASET:
            H5Dclose(id_);
            break;
        case H5I_ATTR:
            H5Aclose(id_);
            break;
        case H5I_DATATYPE:
            H5Tclose(id_);
            break;
        case H5I_DATASPACE:
            H5Sclose(id_);
            break;
        case H5I_GENPROP_LST:
            H5Pclose(id_);
            break;
        default:
            H5Idec_ref(id_);
            break;
    }
}

// ---- File ------------------------------------------------------------------

File::File(const std::string& path, Mode mode) : path_(path) {
    detail::silence_hdf5_errors();
    switch (mode) {
        case Mode::CreateExclusive:
            handle_ = create_file(path, true);
            break;
        case Mode::CreateTruncate:
            handle_ = create_file(path, false);
            break;
        case Mode::ReadOnly:
            handle_ = open_file(path, false);
            break;
        case Mode::ReadWrite:
            handle_ = open_file(path, true);
            break;
    }
}

Group File::root() const {
    Handle group(check(H5Gopen2(id(), "/", H5P_DEFAULT), [&] { return "cannot open the root group of " + path_; }));
    return Group(std::move(group), "/");
}

void File::flush() const {
    check(H5Fflush(id(), H5F_SCOPE_LOCAL), [&] { return "cannot flush " + path_; });
}

// ---- Group: structure --------------------------------------------------------

std::string Group::child_path(const std::string& name) const {
    if (!name.empty() && name.front() == '/') {
        return name;
    }
    return path_ == "/" ? "/" + name : path_ + "/" + name;
}

std::string Group::describe(const std::string& name) const {
    return h5::describe(id(), child_path(name));
}

Group Group::create_group(const std::string& name) const {
    auto what = [&] { return "cannot create group " + describe(name); };
    Handle lcpl = utf8_link_plist(true);
    Handle gcpl = property_list(H5P_GROUP_CREATE);
    // Creation order lets h5py (and children-by-index readers) list members in the order they were written.
    check(H5Pset_link_creation_order(gcpl.id(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), what);
    Handle group(check(H5Gcreate2(id(), name.c_str(), lcpl.id(), gcpl.id(), H5P_DEFAULT), what));
    return Group(std::move(group), child_path(name));
}

Group Group::open_group(const std::string& name) const {
    auto what = [&] { return "cannot open group " + describe(name); };
    Handle group(check(H5Gopen2(id(), name.c_str(), H5P_DEFAULT), what));
    return Group(std::move(group), child_path(name));
}

bool Group::has(const std::string& name) const {
    detail::silence_hdf5_errors();  // failed look-ups below are expected, not worth printing
    // H5Lexists fails (rather than returning false) when an intermediate component is missing, so test each
    // prefix "a", "a/b", "a/b/c" in turn.
    std::string prefix = !name.empty() && name.front() == '/' ? "/" : "";
    std::size_t start = prefix.size();
    while (start < name.size()) {
        const std::size_t end = std::min(name.find('/', start), name.size());
        if (end > start) {
            if (!prefix.empty() && prefix.back() != '/') {
                prefix += '/';
            }
            prefix.append(name, start, end - start);
            if (H5Lexists(id(), prefix.c_str(), H5P_DEFAULT) <= 0) {
                return false;
            }
        }
        start = end + 1;
    }
    return !prefix.empty();
}

void Group::copy_to(const Group& destination, const std::string& name) const {
    check(H5Ocopy(id(), ".", destination.id(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
          [&] { return "cannot copy group " + path_ + " to " + destination.child_path(name); });
}

void Group::remove(const std::string& name) const {
    check(H5Ldelete(id(), name.c_str(), H5P_DEFAULT), [&] { return "cannot remove " + describe(name); });
}

std::vector<std::string> Group::children() const {
    auto what = [&] { return "cannot list group " + h5::describe(id(), path_); };
    H5G_info_t info{};
    check(H5Gget_info(id(), &info), what);
    std::vector<std::string> names;
    names.reserve(info.nlinks);
    for (hsize_t i = 0; i < info.nlinks; ++i) {
        const ssize_t length =
            check(H5Lget_name_by_idx(id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT), what);
        std::string name(static_cast<std::size_t>(length), '\0');
        check(H5Lget_name_by_idx(id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size() + 1, H5P_DEFAULT),
              what);
        names.push_back(std::move(name));
    }
    std::sort(names.begin(), names.end());  // the name index is already sorted; this makes the promise explicit
    return names;
}

// ---- Group: attributes -------------------------------------------------------

void Group::set_attribute(const std::string& name, const std::string& value) const {
    detail::write_string_attribute(id(), path_, name, value);
}

// Stored as little-endian IEEE/two's complement whatever the host, which is what every reader expects.
void Group::set_attribute(const std::string& name, double value) const {
    write_attribute(id(), path_, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

void Group::set_attribute(const std::string& name, std::int64_t value) const {
    write_attribute(id(), path_, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

std::string Group::string_attribute(const std::string& name) const {
    return detail::read_string_attribute(id(), path_, name);
}

double Group::double_attribute(const std::string& name) const {
    return read_numeric_attribute<double>(id(), path_, name, H5T_NATIVE_DOUBLE, true);
}

std::int64_t Group::int_attribute(const std::string& name) const {
    return read_numeric_attribute<std::int64_t>(id(), path_, name, H5T_NATIVE_INT64, false);
}

bool Group::has_attribute(const std::string& name) const {
    return check(H5Aexists(id(), name.c_str()), [&] { return attribute_what("look up", id(), path_, name); }) > 0;
}

std::string Group::dataset_string_attribute(const std::string& dataset, const std::string& name) const {
    Handle handle(check(H5Dopen2(id(), dataset.c_str(), H5P_DEFAULT),
                        [&] { return "cannot open dataset " + describe(dataset); }));
    return detail::read_string_attribute(handle.id(), child_path(dataset), name);
}

// ---- Group: whole columns ----------------------------------------------------

void Group::write_column(const std::string& name, const std::vector<double>& values, const std::string& units,
                         const std::string& description) const {
    const std::string path = child_path(name);
    Handle dataset = create_column(id(), name, path, H5T_IEEE_F64LE, values.size(), true);
    write_whole_column(dataset.id(), path, H5T_NATIVE_DOUBLE, values.size(), values.data());
    write_column_attributes(dataset.id(), path, units, description);
}

void Group::write_column(const std::string& name, const std::vector<std::int64_t>& values, const std::string& units,
                         const std::string& description) const {
    const std::string path = child_path(name);
    Handle dataset = create_column(id(), name, path, H5T_STD_I64LE, values.size(), true);
    write_whole_column(dataset.id(), path, H5T_NATIVE_INT64, values.size(), values.data());
    write_column_attributes(dataset.id(), path, units, description);
}

// Text has no units; "units" is still written (empty) so every column carries the same two attributes.
void Group::write_column(const std::string& name, const std::vector<std::string>& values,
                         const std::string& description) const {
    const std::string path = child_path(name);
    Handle type = utf8_vlen_string_type();
    std::vector<const char*> pointers;
    pointers.reserve(values.size());
    for (const std::string& value : values) {
        pointers.push_back(value.c_str());
    }
    // Shuffling variable-length string handles gains nothing; deflate alone.
    Handle dataset = create_column(id(), name, path, type.id(), values.size(), false);
    write_whole_column(dataset.id(), path, type.id(), values.size(), pointers.data());
    write_column_attributes(dataset.id(), path, "", description);
}

std::vector<double> Group::read_doubles(const std::string& name) const {
    return read_numeric_column<double>(id(), name, child_path(name), H5T_NATIVE_DOUBLE, true);
}

std::vector<std::int64_t> Group::read_ints(const std::string& name) const {
    return read_numeric_column<std::int64_t>(id(), name, child_path(name), H5T_NATIVE_INT64, false);
}

std::vector<std::string> Group::read_strings(const std::string& name) const {
    const std::string path = child_path(name);
    auto what = [&] { return "cannot read dataset " + h5::describe(id(), path); };
    OpenColumn column = open_column(id(), name, path);
    if (H5Tget_class(column.type.id()) != H5T_STRING) {
        throw Error(what() + ": it is not a string column");
    }
    auto read = [&](hid_t memory_type, void* buffer) {
        return H5Dread(column.dataset.id(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
    };
    return read_string_values(column.type.id(), column.space.id(), column.size, read, what);
}

// ---- Group: unsigned values, string lists and bytes ---------------------------

void Group::set_unsigned_attribute(const std::string& name, std::uint64_t value) const {
    write_attribute(id(), path_, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value);
}

std::uint64_t Group::unsigned_attribute(const std::string& name) const {
    return read_numeric_attribute<std::uint64_t>(id(), path_, name, H5T_NATIVE_UINT64, false);
}

void Group::set_string_list_attribute(const std::string& name, const std::vector<std::string>& values) const {
    auto what = [&](const char* operation) {
        return [=, this] { return attribute_what(operation, id(), path_, name); };
    };
    if (check(H5Aexists(id(), name.c_str()), what("look up")) > 0)
        check(H5Adelete(id(), name.c_str()), what("replace"));
    const hsize_t dims[1] = {values.size()};
    Handle space(check(H5Screate_simple(1, dims, nullptr), what("create")));
    Handle type = utf8_vlen_string_type();
    Handle acpl = property_list(H5P_ATTRIBUTE_CREATE);
    check(H5Pset_char_encoding(acpl.id(), H5T_CSET_UTF8), what("create"));
    Handle attribute(
        check(H5Acreate2(id(), name.c_str(), type.id(), space.id(), acpl.id(), H5P_DEFAULT), what("create")));
    std::vector<const char*> pointers;
    for (const std::string& value : values) pointers.push_back(value.c_str());
    if (!values.empty()) check(H5Awrite(attribute.id(), type.id(), pointers.data()), what("write"));
}

std::vector<std::string> Group::string_list_attribute(const std::string& name) const {
    auto what = [&] { return attribute_what("read", id(), path_, name); };
    Handle attribute = open_attribute(id(), path_, name);
    Handle type(check(H5Aget_type(attribute.id()), what));
    Handle space(check(H5Aget_space(attribute.id()), what));
    if (H5Tget_class(type.id()) != H5T_STRING) throw Error(what() + ": it is not text");
    const auto count = static_cast<hsize_t>(check(H5Sget_simple_extent_npoints(space.id()), what));
    auto read = [&](hid_t memory_type, void* buffer) { return H5Aread(attribute.id(), memory_type, buffer); };
    return read_string_values(type.id(), space.id(), count, read, what);
}

void Group::write_column(const std::string& name, const std::vector<std::uint64_t>& values, const std::string& units,
                         const std::string& description) const {
    const std::string path = child_path(name);
    Handle dataset = create_column(id(), name, path, H5T_STD_U64LE, values.size(), true);
    write_whole_column(dataset.id(), path, H5T_NATIVE_UINT64, values.size(), values.data());
    write_column_attributes(dataset.id(), path, units, description);
}

std::vector<std::uint64_t> Group::read_unsigned(const std::string& name) const {
    return read_numeric_column<std::uint64_t>(id(), name, child_path(name), H5T_NATIVE_UINT64, false);
}

void Group::write_bytes(const std::string& name, const std::string& bytes, const std::string& description) const {
    const std::string path = child_path(name);
    Handle dataset = create_column(id(), name, path, H5T_STD_U8LE, bytes.size(), false);
    write_whole_column(dataset.id(), path, H5T_NATIVE_UCHAR, bytes.size(), bytes.data());
    write_column_attributes(dataset.id(), path, "bytes", description);
}

std::string Group::read_bytes(const std::string& name) const {
    const std::string path = child_path(name);
    auto what = [&] { return "cannot read dataset " + h5::describe(id(), path); };
    OpenColumn column = open_column(id(), name, path);
    if (H5Tget_class(column.type.id()) != H5T_INTEGER || H5Tget_size(column.type.id()) != 1)
        throw Error(what() + ": it is not a byte column");
    std::string bytes(column.size, '\0');
    if (!bytes.empty())
        check(H5Dread(column.dataset.id(), H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()), what);
    return bytes;
}

}  // namespace sim::h5
