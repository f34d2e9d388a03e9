// sim::list_equal_bytes lists, in order, the places holding a value: the
// same list as a plain loop, with the AVX2 loop and the scalar one, for
// every length around the vector width, and it writes no further than the
// room it asks for (n + kListSlack).
#include "sim/util/ListLanes.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace {

std::vector<std::uint16_t> listed(const std::vector<std::uint8_t>& bytes, std::uint8_t value) {
    std::vector<std::uint16_t> out(bytes.size() + sim::kListSlack + 1, 0xbeef);
    const auto n = sim::list_equal_bytes(bytes.data(), static_cast<std::uint32_t>(bytes.size()), value, out.data());
    EXPECT_EQ(out.back(), 0xbeef) << "written past the room asked for";
    out.resize(n);
    return out;
}

TEST(ListLanes, ListsThePlacesHoldingTheValueInOrderWithEveryLoop) {
    std::mt19937 rng(5);
    for (const std::uint32_t share : {0u, 1u, 2u, 4u}) {  // how often the value comes: never, a quarter, ... always
        for (std::uint32_t n = 0; n <= 100; ++n) {
            std::vector<std::uint8_t> bytes(n);
            for (auto& b : bytes) b = share == 4 || (share > 0 && rng() % 4 < share) ? 0xff : rng() % 255;
            std::vector<std::uint16_t> expected;
            for (std::uint32_t k = 0; k < n; ++k)
                if (bytes[k] == 0xff) expected.push_back(static_cast<std::uint16_t>(k));
            EXPECT_EQ(listed(bytes, 0xff), expected) << n << " bytes, vector loop";
            sim::allow_avx2_loops(false);
            EXPECT_EQ(listed(bytes, 0xff), expected) << n << " bytes, scalar loop";
            sim::allow_avx2_loops(true);
        }
    }
}

TEST(ListLanes, TableHoldsEachMasksLanesInOrder) {
    EXPECT_EQ(sim::kLanesOf[0], 0u);
    EXPECT_EQ(sim::kLanesOf[0b1], 0u);
    EXPECT_EQ(sim::kLanesOf[0b1010'0100], 0x07'05'02u);
    EXPECT_EQ(sim::kLanesOf[0xff], 0x07'06'05'04'03'02'01'00u);
}

}  // namespace
