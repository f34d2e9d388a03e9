// The top-value share and cutoff: the parallel gather must give exactly what
// the serial one it replaced gave, bit for bit, on any number of threads.
#include "models/market/ValueConcentration.hpp"

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

// The serial top_value_share as it was before the gather went parallel,
// verbatim: the reference the parallel one must match bit for bit.
template <class Value>
std::vector<double> reference_top_value_share(std::span<const std::uint8_t> firm, const Value& value, std::size_t firms,
                                              double top) {
    // Reused between calls on the same thread: the buffers are as large as
    // the population.
    thread_local std::vector<std::vector<float>> by_firm;
    by_firm.resize(firms);
    for (auto& v : by_firm) v.clear();
    for (std::uint32_t i = 0; i < firm.size(); ++i)
        if (firm[i] < firms) by_firm[firm[i]].push_back(static_cast<float>(value(i)));
    std::vector<double> share(firms, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t f = 0; f < firms; ++f) {
        std::vector<float>& v = by_firm[f];
        if (v.empty()) continue;
        const auto k = static_cast<std::ptrdiff_t>(std::ceil(top * static_cast<double>(v.size())));
        double total = 0.0;
        for (const float x : v) total += x;
        if (total <= 0.0) continue;
        // The k largest values end up in front (in an order fixed by the input).
        std::nth_element(v.begin(), v.begin() + (k - 1), v.end(), std::greater<float>());
        double top_total = 0.0;
        for (std::ptrdiff_t j = 0; j < k; ++j) top_total += v[static_cast<std::size_t>(j)];
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
        double v = 0.0;                                         // kind 0: zero
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

// Restores the OpenMP thread count when a test ends.
class ThreadCount {
public:
    ThreadCount() : saved_(omp_get_max_threads()) {}
    ~ThreadCount() { omp_set_num_threads(saved_); }
    ThreadCount(const ThreadCount&) = delete;
    ThreadCount& operator=(const ThreadCount&) = delete;

private:
    int saved_;
};

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
                EXPECT_TRUE(same_bits(top_value_share(firm, value, firms, top), expected))
                    << firm.size() << " customers, " << firms << " firms, top " << top << ", " << threads << " threads";
            }
        }
    });
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
    const std::vector<double> share = top_value_share(
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
