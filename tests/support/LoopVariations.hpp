#pragma once
// What the tests that check a lean loop against the general one share
// (test_rm1_loops.cpp, test_lifecycle_stages.cpp): named variations of a
// market's parameters, a bit-for-bit comparison of tallies, and a fixture
// that runs each variation with the vector loops and the scalar ones.
#include "models/market/FirmTally.hpp"
#include "models/market/MarketParams.hpp"
#include "sim/util/Avx2Loops.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <ostream>
#include <string>
#include <tuple>

namespace testing_support {

struct Variation {
    const char* name;
    std::function<void(models::MarketParams&)> change;
};

inline void PrintTo(const Variation& v, std::ostream* os) {
    *os << v.name;
}

// Bit for bit (memcmp: stricter than ==). FirmTally holds only 64-bit
// fields, so it has no padding to compare.
inline bool same_tally(const models::FirmTally& a, const models::FirmTally& b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

// Parameters (variation, vector): the test switches the AVX2 loops on or
// off (sim::allow_avx2_loops) and they are on again after it.
class VariationsWithAndWithoutVectors : public ::testing::TestWithParam<std::tuple<Variation, bool>> {
protected:
    void SetUp() override { sim::allow_avx2_loops(std::get<1>(GetParam())); }
    void TearDown() override { sim::allow_avx2_loops(true); }
};

// The test names: the variation's, then "Vector" or "Scalar".
inline std::string variation_name(const ::testing::TestParamInfo<std::tuple<Variation, bool>>& info) {
    return std::string(std::get<0>(info.param).name) + (std::get<1>(info.param) ? "Vector" : "Scalar");
}

}  // namespace testing_support
