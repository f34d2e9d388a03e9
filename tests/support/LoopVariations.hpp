#pragma once
// What the tests that check a lean loop against the general one share
// (test_rm1_loops.cpp, test_lifecycle_stages.cpp): named variations of a
// market's parameters, a bit-for-bit comparison of tallies, and a fixture
// that runs each variation with the scalar loops, the AVX2 ones and the
// widest the processor has.
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
// MarketTally too holds only 64-bit fields.
inline bool same_market_tally(const models::MarketTally& a, const models::MarketTally& b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

// Which loops a test runs: the scalar ones, the AVX2 ones, or the widest
// the processor has (AVX-512 where a loop has such a version; on a
// processor without it, the AVX2 ones again).
enum class Loops { Scalar, Avx2, Widest };

inline void PrintTo(Loops loops, std::ostream* os) {
    *os << (loops == Loops::Scalar ? "Scalar" : loops == Loops::Avx2 ? "Avx2" : "Widest");
}

// Parameters (variation, loops): the test switches the vector loops on or
// off (sim::allow_avx2_loops, sim::allow_avx512_loops) and they are all on
// again after it.
class VariationsWithAndWithoutVectors : public ::testing::TestWithParam<std::tuple<Variation, Loops>> {
protected:
    void SetUp() override {
        const Loops loops = std::get<1>(GetParam());
        sim::allow_avx2_loops(loops != Loops::Scalar);
        sim::allow_avx512_loops(loops == Loops::Widest);
    }
    void TearDown() override {
        sim::allow_avx2_loops(true);
        sim::allow_avx512_loops(true);
    }
};

inline auto every_kind_of_loop() {
    return ::testing::Values(Loops::Scalar, Loops::Avx2, Loops::Widest);
}

// The test names: the variation's, then "Scalar", "Avx2" or "Widest".
inline std::string variation_name(const ::testing::TestParamInfo<std::tuple<Variation, Loops>>& info) {
    const Loops loops = std::get<1>(info.param);
    return std::string(std::get<0>(info.param).name) + (loops == Loops::Scalar ? "Scalar"
                                                        : loops == Loops::Avx2 ? "Avx2"
                                                                               : "Widest");
}

}  // namespace testing_support
