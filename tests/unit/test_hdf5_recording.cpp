// HDF5 recording layer: attributes, whole columns and streamed time series round-trip exactly, and file
// errors surface as sim::h5::Error naming the file.
#include "sim/recording/Hdf5File.hpp"
#include "sim/recording/TimeSeriesWriter.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using sim::h5::Error;
using sim::h5::File;
using sim::h5::Mode;

// A unique file name in the temp directory, removed when the test ends.
class TempFile {
public:
    TempFile() {
        static std::atomic<int> counter{0};
        const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
        path_ = fs::temp_directory_path() / ("crmsim_h5_" + std::string(test->name()) + "_" +
                                             std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".h5");
        fs::remove(path_);
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() {
        std::error_code ignored;
        fs::remove(path_, ignored);
    }
    std::string str() const { return path_.string(); }

private:
    fs::path path_;
};

std::string contents(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs `action`, expecting sim::h5::Error whose message contains every one of `parts`.
template <typename Action>
void expect_error(Action&& action, const std::vector<std::string>& parts) {
    try {
        action();
        ADD_FAILURE() << "expected sim::h5::Error";
    } catch (const Error& error) {
        for (const std::string& part : parts) {
            EXPECT_NE(std::string(error.what()).find(part), std::string::npos)
                << "message \"" << error.what() << "\" lacks \"" << part << "\"";
        }
    }
}

const std::string kUnicode = "Zürich – 東京 ✓ naïve";
const std::string kYaml =
    "market:\n"
    "  customers: 1000\n"
    "  firms: [\"A\", \"B\"]\n"
    "  note: \"quoted: yes\"\n"
    "seed: 42\n";

TEST(Hdf5Recording, AttributesRoundTripOnRootAndSubgroups) {
    TempFile file;
    {
        File out(file.str(), Mode::CreateExclusive);
        const auto root = out.root();
        root.set_attribute("title", kUnicode);
        root.set_attribute("config", kYaml);
        root.set_attribute("empty", "");
        root.set_attribute("pi", 3.141592653589793);
        root.set_attribute("tiny", std::numeric_limits<double>::denorm_min());
        root.set_attribute("big", std::numeric_limits<std::int64_t>::max());
        root.set_attribute("small", std::numeric_limits<std::int64_t>::min());
        root.set_attribute("plain_int", 5);  // int goes through the integral overload
        const auto run = root.create_group("runs").create_group("0");
        EXPECT_EQ(run.path(), "/runs/0");
        run.set_attribute("seed", std::int64_t{1234567890123});
        run.set_attribute("label", "first run");
        run.set_attribute("label", std::int64_t{7});  // replacing changes the type too
        run.set_attribute("rate", -0.1);
    }
    File in(file.str(), Mode::ReadOnly);
    const auto root = in.root();
    EXPECT_EQ(root.string_attribute("title"), kUnicode);
    EXPECT_EQ(root.string_attribute("config"), kYaml);
    EXPECT_EQ(root.string_attribute("empty"), "");
    EXPECT_EQ(root.double_attribute("pi"), 3.141592653589793);
    EXPECT_EQ(root.double_attribute("tiny"), std::numeric_limits<double>::denorm_min());
    EXPECT_EQ(root.int_attribute("big"), std::numeric_limits<std::int64_t>::max());
    EXPECT_EQ(root.int_attribute("small"), std::numeric_limits<std::int64_t>::min());
    EXPECT_EQ(root.int_attribute("plain_int"), 5);
    EXPECT_EQ(root.double_attribute("plain_int"), 5.0);  // integers convert to double on request
    const auto run = root.open_group("runs/0");
    EXPECT_EQ(run.int_attribute("seed"), 1234567890123);
    EXPECT_EQ(run.int_attribute("label"), 7);
    EXPECT_EQ(run.double_attribute("rate"), -0.1);
    EXPECT_TRUE(run.has_attribute("seed"));
    EXPECT_FALSE(run.has_attribute("missing"));
    expect_error([&] { run.string_attribute("missing"); }, {"\"missing\"", "/runs/0", file.str()});
    expect_error([&] { run.string_attribute("seed"); }, {"\"seed\"", "not a string"});
    expect_error([&] { root.int_attribute("pi"); }, {"\"pi\"", "not an integer"});
}

TEST(Hdf5Recording, GroupsCreateOpenHasAndChildren) {
    TempFile file;
    File out(file.str(), Mode::CreateTruncate);
    const auto root = out.root();
    root.create_group("b");
    root.create_group("a");
    root.create_group("c/d");  // intermediate groups are created
    EXPECT_EQ(root.children(), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_TRUE(root.has("c"));
    EXPECT_TRUE(root.has("c/d"));
    EXPECT_TRUE(root.has("/c/d"));
    EXPECT_FALSE(root.has("c/x"));
    EXPECT_FALSE(root.has("x/y/z"));
    EXPECT_FALSE(root.has(""));
    const auto c = root.open_group("c");
    EXPECT_TRUE(c.has("d"));
    EXPECT_EQ(c.open_group("d").path(), "/c/d");
    EXPECT_TRUE(c.children() == std::vector<std::string>{"d"});
    expect_error([&] { root.create_group("a"); }, {"cannot create group \"/a\"", file.str()});
    expect_error([&] { c.open_group("nope"); }, {"cannot open group \"/c/nope\"", file.str()});
}

TEST(Hdf5Recording, ColumnsRoundTripAllTypesIncludingEmpty) {
    TempFile file;
    const std::vector<double> doubles{0.0, -1.5, 1.0 / 3.0, 1e300, std::numeric_limits<double>::infinity()};
    const std::vector<std::int64_t> ints{0, -1, 42, std::numeric_limits<std::int64_t>::max(),
                                         std::numeric_limits<std::int64_t>::min()};
    const std::vector<std::string> strings{"alpha", "", kUnicode, "two\nlines"};
    std::vector<double> many(50000);  // spans several chunks
    for (std::size_t i = 0; i < many.size(); ++i) {
        many[i] = std::sqrt(static_cast<double>(i));
    }
    {
        File out(file.str(), Mode::CreateExclusive);
        const auto plan = out.root().create_group("plan");
        plan.write_column("price", doubles, "currency units", "Price offered");
        plan.write_column("count", ints, "customers", "Customers reached");
        plan.write_column("firm", strings, "Firm name");
        plan.write_column("many", many, "1", "Square roots");
        plan.write_column("no_doubles", std::vector<double>{}, "1", "Empty");
        plan.write_column("no_ints", std::vector<std::int64_t>{}, "1", "Empty");
        plan.write_column("no_strings", std::vector<std::string>{}, "Empty");
        expect_error([&] { plan.write_column("price", doubles, "1", "again"); },
                     {"cannot create dataset \"/plan/price\"", file.str()});
    }
    File in(file.str(), Mode::ReadOnly);
    const auto plan = in.root().open_group("plan");
    EXPECT_EQ(plan.read_doubles("price"), doubles);
    EXPECT_EQ(plan.read_ints("count"), ints);
    EXPECT_EQ(plan.read_strings("firm"), strings);
    EXPECT_EQ(plan.read_doubles("many"), many);
    EXPECT_TRUE(plan.read_doubles("no_doubles").empty());
    EXPECT_TRUE(plan.read_ints("no_ints").empty());
    EXPECT_TRUE(plan.read_strings("no_strings").empty());
    EXPECT_EQ(plan.read_doubles("count")[2], 42.0);  // integers convert to double on request
    EXPECT_EQ(plan.dataset_string_attribute("price", "units"), "currency units");
    EXPECT_EQ(plan.dataset_string_attribute("price", "description"), "Price offered");
    EXPECT_EQ(plan.dataset_string_attribute("count", "units"), "customers");
    EXPECT_EQ(plan.dataset_string_attribute("firm", "description"), "Firm name");
    EXPECT_EQ(plan.dataset_string_attribute("firm", "units"), "");
    expect_error([&] { plan.read_ints("price"); }, {"/plan/price", "not an integer"});
    expect_error([&] { plan.read_strings("count"); }, {"/plan/count", "not a string"});
    expect_error([&] { plan.read_doubles("missing"); }, {"cannot read dataset \"/plan/missing\"", file.str()});
}

std::vector<sim::ColumnSpec> mixed_columns() {
    using sim::ColumnType;
    return {{"tick", ColumnType::Int64, "ticks", "Simulation tick"},
            {"customers", ColumnType::Int64, "customers", "Customers of firm A"},
            {"revenue", ColumnType::Float64, "currency units", "Revenue of firm A this tick"},
            {"share", ColumnType::Float64, "1", "Market share of firm A"}};
}

std::vector<sim::Cell> mixed_row(std::int64_t tick) {
    sim::Cell a{}, b{}, c{}, d{};
    a.i = tick;
    b.i = tick * 1'000'003 - 7;
    c.f = static_cast<double>(tick) / 3.0 + 1e-9;
    d.f = std::sin(static_cast<double>(tick));
    return {a, b, c, d};
}

// Stream keys above 2^63 keep their value (stored unsigned, as `crmsim plan`
// prints them); string lists and byte columns (inputs kept in a results file)
// round-trip exactly, NUL and high bytes included.
TEST(Hdf5Recording, UnsignedValuesStringListsAndBytesRoundTrip) {
    TempFile file;
    const std::uint64_t big = 0xF123456789ABCDEFULL;
    const std::vector<std::uint64_t> keys{0, 1, big, std::numeric_limits<std::uint64_t>::max()};
    const std::vector<std::string> names{"tick", "", kUnicode};
    std::string bytes = "0 1\n1 2\n";
    bytes += std::string("\0\xff\x80", 3);
    {
        File out(file.str(), Mode::CreateExclusive);
        const auto root = out.root();
        root.set_unsigned_attribute("key", big);
        root.set_string_list_attribute("names", names);
        root.set_string_list_attribute("none", {});
        root.write_column("keys", keys, "1", "keys");
        root.write_bytes("file", bytes, "a file");
        root.write_bytes("empty", "", "an empty file");
    }
    File in(file.str(), Mode::ReadOnly);
    const auto root = in.root();
    EXPECT_EQ(root.unsigned_attribute("key"), big);
    EXPECT_EQ(root.string_list_attribute("names"), names);
    EXPECT_TRUE(root.string_list_attribute("none").empty());
    EXPECT_EQ(root.read_unsigned("keys"), keys);
    EXPECT_EQ(root.read_bytes("file"), bytes);
    EXPECT_EQ(root.read_bytes("empty"), "");
    expect_error([&] { (void)root.read_bytes("keys"); }, {"not a byte column"});
}

TEST(Hdf5Recording, TimeSeriesWriterRoundTripAcrossChunks) {
    TempFile file;
    constexpr std::int64_t kRows = 100;
    {
        File out(file.str(), Mode::CreateExclusive);
        const auto run = out.root().create_group("runs/0");
        sim::TimeSeriesWriter writer(run, "timeseries", mixed_columns(), 7);
        for (std::int64_t t = 0; t < kRows; ++t) {
            writer.append(mixed_row(t));
            if (t == 10) {
                writer.flush();  // a mid-chunk flush must not disturb later rows
            }
        }
        EXPECT_EQ(writer.rows(), static_cast<std::uint64_t>(kRows));
        EXPECT_THROW(writer.append(std::vector<sim::Cell>(3)), std::invalid_argument);
    }  // the destructor writes the last partial chunk
    File in(file.str(), Mode::ReadOnly);
    const auto ts = in.root().open_group("runs/0/timeseries");
    // An array of names, not one comma-joined string.
    EXPECT_EQ(ts.string_list_attribute("columns"), (std::vector<std::string>{"tick", "customers", "revenue", "share"}));
    const auto ticks = ts.read_ints("tick");
    const auto customers = ts.read_ints("customers");
    const auto revenue = ts.read_doubles("revenue");
    const auto share = ts.read_doubles("share");
    ASSERT_EQ(ticks.size(), static_cast<std::size_t>(kRows));
    ASSERT_EQ(customers.size(), static_cast<std::size_t>(kRows));
    ASSERT_EQ(revenue.size(), static_cast<std::size_t>(kRows));
    ASSERT_EQ(share.size(), static_cast<std::size_t>(kRows));
    for (std::int64_t t = 0; t < kRows; ++t) {
        const auto row = mixed_row(t);
        const auto i = static_cast<std::size_t>(t);
        EXPECT_EQ(ticks[i], row[0].i);
        EXPECT_EQ(customers[i], row[1].i);
        EXPECT_EQ(revenue[i], row[2].f);  // exact: no lossy conversion on the way
        EXPECT_EQ(share[i], row[3].f);
    }
    for (const auto& column : mixed_columns()) {
        EXPECT_EQ(ts.dataset_string_attribute(column.name, "units"), column.units);
        EXPECT_EQ(ts.dataset_string_attribute(column.name, "description"), column.description);
    }
    // Storage: chunked by chunk_rows, shuffle + deflate, growable.
    const hid_t dataset = H5Dopen2(ts.id(), "revenue", H5P_DEFAULT);
    ASSERT_GE(dataset, 0);
    const hid_t dcpl = H5Dget_create_plist(dataset);
    hsize_t chunk[1] = {0};
    EXPECT_EQ(H5Pget_chunk(dcpl, 1, chunk), 1);
    EXPECT_EQ(chunk[0], 7U);
    EXPECT_EQ(H5Pget_nfilters(dcpl), 2);
    const hid_t space = H5Dget_space(dataset);
    hsize_t max_dims[1] = {0};
    H5Sget_simple_extent_dims(space, nullptr, max_dims);
    EXPECT_EQ(max_dims[0], H5S_UNLIMITED);
    H5Sclose(space);
    H5Pclose(dcpl);
    H5Dclose(dataset);
}

TEST(Hdf5Recording, TimeSeriesWriterRejectsBadColumns) {
    TempFile file;
    File out(file.str(), Mode::CreateExclusive);
    const auto root = out.root();
    using sim::ColumnType;
    EXPECT_THROW(sim::TimeSeriesWriter(root, "a", {}), std::invalid_argument);
    EXPECT_THROW(sim::TimeSeriesWriter(root, "b", {{"x,y", ColumnType::Int64, "1", "comma"}}), std::invalid_argument);
    const std::vector<sim::ColumnSpec> twice{{"x", ColumnType::Int64, "1", ""}, {"x", ColumnType::Int64, "1", ""}};
    EXPECT_THROW(sim::TimeSeriesWriter(root, "c", twice), std::invalid_argument);
    EXPECT_THROW(sim::TimeSeriesWriter(root, "d", mixed_columns(), 0), std::invalid_argument);
    EXPECT_TRUE(root.children().empty());  // nothing was created for rejected specs
}

TEST(Hdf5Recording, CreateExclusiveRefusesExistingFileAndLeavesItAlone) {
    TempFile file;
    {
        File out(file.str(), Mode::CreateExclusive);
        out.root().set_attribute("keep", "me");
    }
    const std::string before = contents(file.str());
    expect_error([&] { File again(file.str(), Mode::CreateExclusive); }, {file.str(), "exists"});
    EXPECT_EQ(contents(file.str()), before);
    File in(file.str(), Mode::ReadOnly);
    EXPECT_EQ(in.root().string_attribute("keep"), "me");
    expect_error([&] { in.root().create_group("x"); }, {"cannot create group \"/x\"", file.str()});
}

TEST(Hdf5Recording, OpeningMissingFileNamesThePath) {
    const std::string missing = (fs::temp_directory_path() / "crmsim_h5_definitely_missing_file.h5").string();
    expect_error([&] { File in(missing, Mode::ReadOnly); }, {"cannot open " + missing, "no such file"});
    expect_error([&] { File in(missing, Mode::ReadWrite); }, {missing});
}

TEST(Hdf5Recording, CreatingInUnwritableDirectoryThrows) {
    const std::string no_dir = (fs::temp_directory_path() / "crmsim_h5_no_such_dir" / "x.h5").string();
    expect_error([&] { File out(no_dir, Mode::CreateExclusive); }, {"cannot create " + no_dir});
    expect_error([&] { File out("/proc/nonexistent/x.h5", Mode::CreateTruncate); },
                 {"cannot create /proc/nonexistent/x.h5"});
}

}  // namespace
