// The top-value share (sim::GroupTopShare, each firm a group) and the cutoff
// (ValueConcentration.hpp) must give exactly what their serial references
// give, bit for bit, on any number of threads: for the share, a plain
// rendering of its definition; for the cutoff, the serial code the parallel
// gather replaced.
#include "models/market/ValueConcentration.hpp"
#include "sim/stats/GroupTopShare.hpp"
#include "sim/util/Avx2Loops.hpp"

#include "tests/support/ThreadCount.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <span>
#include <vector>

namespace {

using namespace models;

// Each firm's values, in customer order.
template <class Value>
std::vector<std::vector<float>> values_by_firm(std::span<const std::uint8_t> firm, const Value& value,
                                               std::size_t firms) {
    std::vector<std::vector<float>> by_firm(firms);
    for (std::uint32_t i = 0; i < firm.size(); ++i)
        if (firm[i] < firms) by_firm[firm[i]].push_back(static_cast<float>(value(i)));
    return by_firm;
}

// sim::group_top_share written plainly from its definition, each firm a group, serially: the
// threshold t is the k-th largest value, found by sorting a copy; the top
// total is the values above t plus as many t as it takes to make k values.
// The sums run over fixed chunks of 16384 customers (sim::Chunks), customer
// i into lane i % 4, the lanes added as (0 + 1) + (2 + 3), then chunk after
// chunk. sim::GroupTopShare must match bit for bit.
template <class Value>
std::vector<double> reference_top_value_share(std::span<const std::uint8_t> firm, const Value& value, std::size_t firms,
                                              double top) {
    const std::vector<std::vector<float>> by_firm = values_by_firm(firm, value, firms);
    constexpr std::size_t kChunk = 16384;
    std::vector<double> share(firms, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t f = 0; f < firms; ++f) {
        const std::vector<float>& v = by_firm[f];
        if (v.empty()) continue;
        const auto k = static_cast<std::size_t>(std::ceil(top * static_cast<double>(v.size())));
        std::vector<float> sorted = v;
        std::sort(sorted.begin(), sorted.end(), std::greater<float>());
        const float t = sorted[k - 1];
        double total = 0.0;
        double top_total = 0.0;
        std::size_t above = 0;
        for (std::size_t begin = 0; begin < firm.size(); begin += kChunk) {
            double lane_total[4] = {}, lane_top[4] = {};
            for (std::size_t i = begin; i < std::min(firm.size(), begin + kChunk); ++i) {
                if (firm[i] != f) continue;
                const auto x = static_cast<float>(value(static_cast<std::uint32_t>(i)));
                lane_total[i % 4] += x;
                if (x > t) {
                    lane_top[i % 4] += x;
                    ++above;
                }
            }
            total += (lane_total[0] + lane_total[1]) + (lane_total[2] + lane_total[3]);
            top_total += (lane_top[0] + lane_top[1]) + (lane_top[2] + lane_top[3]);
        }
        if (total <= 0.0) continue;
        share[f] = (top_total + static_cast<double>(k - above) * t) / total;
    }
    return share;
}

// The share as it was defined before: the sum of the k largest values, in
// whatever order the partitioning left them (here: sorted, descending). It
// differs from the current one only in rounding.
template <class Value>
std::vector<double> old_top_value_share(std::span<const std::uint8_t> firm, const Value& value, std::size_t firms,
                                        double top) {
    std::vector<std::vector<float>> by_firm = values_by_firm(firm, value, firms);
    std::vector<double> share(firms, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t f = 0; f < firms; ++f) {
        std::vector<float>& v = by_firm[f];
        if (v.empty()) continue;
        const auto k = static_cast<std::size_t>(std::ceil(top * static_cast<double>(v.size())));
        double total = 0.0;
        for (const float x : v) total += x;
        if (total <= 0.0) continue;
        std::sort(v.begin(), v.end(), std::greater<float>());
        double top_total = 0.0;
        for (std::size_t j = 0; j < k; ++j) top_total += v[j];
        share[f] = top_total / total;
    }
    return share;
}

// The serial top_value_cutoff as it was, verbatim.
template <class Value>
std::vector<double> reference_top_value_cutoff(std::span<const std::uint8_t> firm, const Value& value,
                                               std::size_t firms, const std::vector<double>& top) {
    std::vector<std::vector<double>> by_firm(firms);
    for (std::uint32_t i = 0; i < firm.size(); ++i)
        if (firm[i] < firms) by_firm[firm[i]].push_back(value(i));
    std::vector<double> cutoff(firms, std::numeric_limits<double>::infinity());
    for (std::size_t f = 0; f < firms; ++f) {
        std::vector<double>& v = by_firm[f];
        const auto k = static_cast<std::size_t>(std::ceil(top[f] * static_cast<double>(v.size())));
        if (k >= v.size()) {
            cutoff[f] = -std::numeric_limits<double>::infinity();
            continue;
        }
        // The (k+1)-th largest: the first value outside the top k.
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end(), std::greater<double>());
        cutoff[f] = v[k];
    }
    return cutoff;
}

// Bit for bit, so that NaN equals NaN and -0 differs from +0.
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// A population with every case in it: customers of no firm (255, and ids
// just past the last firm), many ties and zeros, values whose sum depends on
// the order they are added in, and a last firm whose customers are all worth
// nothing (its share is NaN).
struct Population {
    std::vector<std::uint8_t> firm;
    std::vector<double> value;
};

Population make_population(std::size_t customers, std::size_t firms, std::uint32_t seed) {
    std::mt19937 rng(seed);
    Population p;
    for (std::size_t i = 0; i < customers; ++i) {
        const std::uint32_t r = rng();
        std::uint8_t f = static_cast<std::uint8_t>(r % firms);
        if (r % 11 == 0) f = 255;
        if (r % 13 == 0) f = static_cast<std::uint8_t>(firms);
        p.firm.push_back(f);
        const std::uint32_t kind = (r >> 8) % 4;
        double v = (r >> 20) % 2 == 0 ? 0.0 : -0.0;             // kind 0: zero, of either sign
        if (kind == 1) v = static_cast<double>((r >> 12) % 8);  // few distinct: ties
        // Not exact in float, and spread over enough magnitudes that double
        // sums depend on the order of the terms.
        if (kind >= 2)
            v = static_cast<double>(rng() % 100000) * 1e-3 * std::ldexp(1.0, static_cast<int>((r >> 16) % 24));
        if (f + 1u == firms && firms > 2) v = 0.0;
        p.value.push_back(v);
    }
    return p;
}

using testing_support::ThreadCount;

// Runs check(population, firms) over every combination of firm count and
// population size, each population drawn from its own seed.
template <class Check>
void for_each_population(std::uint32_t seed, Check&& check) {
    for (const std::size_t firms : {2u, 3u, 7u})
        for (const std::size_t customers : {0u, 1u, 5u, 1000u, 100003u})
            check(make_population(customers, firms, seed++), firms);
}

TEST(ValueConcentration, ParallelShareMatchesTheSerialOneBitForBit) {
    const ThreadCount restore;
    for_each_population(1, [](const Population& p, std::size_t firms) {
        const std::span<const std::uint8_t> firm(p.firm);
        const auto value = [&](std::uint32_t i) { return p.value[i]; };
        for (const double top : {0.2, 0.5, 1.0}) {
            const std::vector<double> expected = reference_top_value_share(firm, value, firms, top);
            for (const int threads : {1, 2}) {
                omp_set_num_threads(threads);
                EXPECT_TRUE(same_bits(sim::group_top_share(firm, value, firms, top), expected))
                    << firm.size() << " customers, " << firms << " firms, top " << top << ", " << threads << " threads";
            }
        }
    });
}

// The widest loops the processor has (AVX-512 or AVX2), AVX2 alone and the
// scalar ones give the same shares, bit for bit, and look at the same
// values inside the bands, on a fresh call and on one that follows the
// threshold.
TEST(ValueConcentration, ScalarAndVectorLoopsAgreeBitForBit) {
    for_each_population(20, [](const Population& p, std::size_t firms) {
        const std::span<const std::uint8_t> firm(p.firm);
        const auto value = [&](std::uint32_t i) { return p.value[i]; };
        const auto grown = [&](std::uint32_t i) { return p.value[i] * 1.02f; };
        const auto both_calls = [&] {
            sim::GroupTopShare share;
            std::vector<double> shares = share(firm, value, firms, 0.2);
            const std::vector<double> next = share(firm, grown, firms, 0.2);
            shares.insert(shares.end(), next.begin(), next.end());
            shares.push_back(static_cast<double>(share.last_search().band_values));
            return shares;
        };
        const std::vector<double> widest = both_calls();
        sim::allow_avx512_loops(false);
        const std::vector<double> avx2 = both_calls();
        sim::allow_avx2_loops(false);
        const std::vector<double> scalar = both_calls();
        sim::allow_avx2_loops(true);
        sim::allow_avx512_loops(true);
        EXPECT_TRUE(same_bits(widest, scalar)) << firm.size() << " customers, " << firms << " firms";
        EXPECT_TRUE(same_bits(avx2, scalar)) << firm.size() << " customers, " << firms << " firms";
    });
}

// One sim::GroupTopShare asked tick after tick, as the market asks it: where it
// looks for each threshold follows the last one, so while values drift it
// copies out few of them and never has to look again; the results are
// those of a fresh computation, bit for bit, drift or jump.
TEST(ValueConcentration, FollowingTheThresholdChangesNothingButTheWork) {
    for (const std::size_t firms : {3u, 7u}) {
        const Population p = make_population(200003, firms, 77);
        const std::span<const std::uint8_t> firm(p.firm);
        // The last firm's customers are all worth nothing: all tied at its
        // threshold, they are all in its band.
        const auto tied = static_cast<std::size_t>(std::count(p.firm.begin(), p.firm.end(), firms - 1));
        sim::GroupTopShare share;
        const auto customers = static_cast<std::size_t>(
            std::count_if(p.firm.begin(), p.firm.end(), [&](std::uint8_t f) { return f < firms; }));
        // Growth by 1-3 % a call, then a jump, then the drift again.
        const std::vector<double> scale = {1.0, 1.01, 1.03, 1.05, 1.06, 10.0, 10.2, 10.3, 10.4};
        bool after_jump = false;
        for (std::size_t call = 0; call < scale.size(); ++call) {
            const auto value = [&](std::uint32_t i) { return p.value[i] * scale[call]; };
            const bool jump = call > 0 && scale[call] / scale[call - 1] > 2.0;
            const std::vector<double> expected = reference_top_value_share(firm, value, firms, 0.2);
            EXPECT_TRUE(same_bits(share(firm, value, firms, 0.2), expected)) << firms << " firms, call " << call;
            const sim::GroupTopShare::SearchCost cost = share.last_search();
            if (call == 0) {  // nothing known yet: every value is looked at
                EXPECT_EQ(cost.band_values, customers);
                EXPECT_EQ(cost.misses, 0u);
            } else if (jump) {
                EXPECT_GT(cost.misses, 0u) << "a jump leaves the band";
            } else if (!after_jump) {  // just after a jump, the band is wide once
                EXPECT_EQ(cost.misses, 0u) << firms << " firms, call " << call;
                EXPECT_LT(cost.band_values - tied, p.firm.size() / 50) << firms << " firms, call " << call;
            }
            after_jump = jump;
        }
    }
}

TEST(ValueConcentration, ShareIsTheOldOneUpToRounding) {
    // Ties at the threshold counting at its value changes nothing but the
    // order of the terms summed: within a relative 1e-12 of the old share.
    for_each_population(50, [](const Population& p, std::size_t firms) {
        const std::span<const std::uint8_t> firm(p.firm);
        const auto value = [&](std::uint32_t i) { return p.value[i]; };
        for (const double top : {0.2, 0.5, 1.0}) {
            const std::vector<double> share = sim::group_top_share(firm, value, firms, top);
            const std::vector<double> old = old_top_value_share(firm, value, firms, top);
            ASSERT_EQ(share.size(), old.size());
            for (std::size_t f = 0; f < firms; ++f) {
                if (std::isnan(old[f])) {
                    EXPECT_TRUE(std::isnan(share[f])) << f;
                    continue;
                }
                EXPECT_NEAR(share[f], old[f], 1e-12 * std::abs(old[f]))
                    << firm.size() << " customers, " << firms << " firms, top " << top << ", firm " << f;
            }
        }
    });
}

TEST(ValueConcentration, TiesAtTheThresholdCountAtItsValue) {
    // Values 5, 3, 3, 3, 1 (in a shuffled customer order), top 0.4: k = 2,
    // the threshold is 3, so the top is 5 and one 3, whichever one: 8 of 15.
    const std::vector<std::uint8_t> firm = {0, 0, 0, 0, 0};
    const std::vector<double> value = {3.0, 1.0, 5.0, 3.0, 3.0};
    const std::vector<double> share = sim::group_top_share(
        std::span<const std::uint8_t>(firm), [&](std::uint32_t i) { return value[i]; }, 1, 0.4);
    ASSERT_EQ(share.size(), 1u);
    EXPECT_EQ(share[0], 8.0 / 15.0);
}

TEST(ValueConcentration, ParallelCutoffMatchesTheSerialOneBitForBit) {
    const ThreadCount restore;
    for_each_population(100, [](const Population& p, std::size_t firms) {
        const std::span<const std::uint8_t> firm(p.firm);
        const auto value = [&](std::uint32_t i) { return p.value[i]; };
        std::vector<double> top(firms);
        for (std::size_t f = 0; f < firms; ++f) top[f] = 0.1 * static_cast<double>(f);
        const std::vector<double> expected = reference_top_value_cutoff(firm, value, firms, top);
        for (const int threads : {1, 2}) {
            omp_set_num_threads(threads);
            EXPECT_TRUE(same_bits(top_value_cutoff(firm, value, firms, top), expected))
                << firm.size() << " customers, " << firms << " firms, " << threads << " threads";
        }
    });
}

TEST(ValueConcentration, TopFifthOfOneToTen) {
    // Firm 0: values 1..10, the top 2 hold 10 + 9 of 55; firm 1: no
    // customers; firm 2: customers worth nothing. Both of those are NaN.
    std::vector<std::uint8_t> firm;
    std::vector<double> value;
    for (int v = 1; v <= 10; ++v) {
        firm.push_back(0);
        value.push_back(v);
        firm.push_back(2);
        value.push_back(0.0);
    }
    const std::vector<double> share = sim::group_top_share(
        std::span<const std::uint8_t>(firm), [&](std::uint32_t i) { return value[i]; }, 3, 0.2);
    ASSERT_EQ(share.size(), 3u);
    EXPECT_EQ(share[0], 19.0 / 55.0);
    EXPECT_TRUE(std::isnan(share[1]));
    EXPECT_TRUE(std::isnan(share[2]));
    // The cutoff of the top 20 %: the third largest, 8.
    const std::vector<double> cutoff = top_value_cutoff(std::span<const std::uint8_t>(firm),
                                                        [&](std::uint32_t i) { return value[i]; }, 3, {0.2, 0.2, 1.0});
    EXPECT_EQ(cutoff[0], 8.0);
    EXPECT_EQ(cutoff[1], -std::numeric_limits<double>::infinity());
    EXPECT_EQ(cutoff[2], -std::numeric_limits<double>::infinity());
}

}  // namespace
