// sim::HugePageAllocator (sim/util/HugePageAllocator.hpp): large arrays
// start on a 2 MiB boundary and are advised as huge pages; small ones are
// ordinary; either way the storage behaves as a vector's.
#include "sim/population/Column.hpp"
#include "sim/util/HugePageAllocator.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>

namespace {

// The VmFlags of the mapping that holds address p (/proc/self/smaps), or ""
// if none is found.
std::string vm_flags_at(const void* p) {
    const auto at = reinterpret_cast<std::uintptr_t>(p);
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    bool inside = false;
    while (std::getline(smaps, line)) {
        std::uintptr_t begin = 0, end = 0;
        char dash = 0;
        std::istringstream range(line);
        if (range >> std::hex >> begin >> dash >> end && dash == '-') {
            inside = begin <= at && at < end;
            continue;
        }
        if (inside && line.rfind("VmFlags:", 0) == 0) return line;
    }
    return "";
}

TEST(HugePageAllocator, LargeArraysStartOnAHugePageAndKeepTheirValues) {
    sim::HugePageVector<std::uint32_t> v(3 * sim::kHugePage / sizeof(std::uint32_t) + 5);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(v.data()) % sim::kHugePage, 0u);
    std::iota(v.begin(), v.end(), 0u);
    v.resize(v.size() * 2, 7u);  // moves to a new allocation
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(v.data()) % sim::kHugePage, 0u);
    for (std::size_t i = 0; i < v.size() / 2; ++i) ASSERT_EQ(v[i], i);
    EXPECT_EQ(v.back(), 7u);
}

TEST(HugePageAllocator, SmallArraysAreOrdinary) {
    sim::HugePageVector<double> v(1000, 1.5);
    EXPECT_EQ(std::accumulate(v.begin(), v.end(), 0.0), 1500.0);
    sim::HugePageVector<char> empty;
    empty.shrink_to_fit();
    EXPECT_TRUE(empty.empty());
}

// On Linux with transparent huge pages, a large column's mapping carries
// the huge-page advice ("hg" in VmFlags): the kernel is asked, whether or
// not it has a huge page free at the time.
TEST(HugePageAllocator, LargeColumnsAreAdvisedAsHugePages) {
    if (!std::filesystem::exists("/sys/kernel/mm/transparent_hugepage/enabled") ||
        !std::filesystem::exists("/proc/self/smaps"))
        GTEST_SKIP() << "no transparent huge pages here";
    sim::Column<double> column("satisfaction", 1'000'000, 0.7);
    const std::string flags = vm_flags_at(column.data());
    ASSERT_FALSE(flags.empty()) << "no mapping found for the column";
    EXPECT_NE(flags.find(" hg"), std::string::npos) << flags;
    sim::Column<double> small("satisfaction", 1000, 0.7);
    EXPECT_EQ(vm_flags_at(small.data()).find(" hg"), std::string::npos);
}

// Only whole huge pages are advised: the rest of an array's last 2 MiB stays
// on ordinary pages. (Not checked through smaps: memory the C library
// reuses may carry an earlier array's advice.)
TEST(HugePageAllocator, AdvisesTheWholeHugePagesAnArrayFills) {
    EXPECT_EQ(sim::huge_page_span(sim::kHugePage), sim::kHugePage);
    EXPECT_EQ(sim::huge_page_span(3 * sim::kHugePage / 2), sim::kHugePage);
    EXPECT_EQ(sim::huge_page_span(5 * sim::kHugePage / 2), 2 * sim::kHugePage);
    EXPECT_EQ(sim::huge_page_span(4 * sim::kHugePage - 1), 3 * sim::kHugePage);
    EXPECT_EQ(sim::huge_page_span(4 * sim::kHugePage), 4 * sim::kHugePage);
}

}  // namespace
