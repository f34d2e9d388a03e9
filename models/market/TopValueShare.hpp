#pragma once
// The share of each firm's customers' value held by its top `top` share of
// customers (the 80/20 rule says about 0.8 for top = 0.2), computed every
// tick over the whole population, so it must cost little.
//
// Two in-order passes over the customers, in parallel over fixed chunks,
// with no gather of each firm's values:
//  1. Count each firm's customers, those above a band of values where the
//     threshold is expected, and copy out the values inside the band.
//  2. Knowing the threshold (selected from the band), sum each firm's values
//     and those above the threshold.
// The band is where the threshold was found last time, moved on by how far
// it moved then: cumulative spend drifts slowly, so the band is narrow and
// the selection in it is cheap. When the threshold is not in the band (the
// first call, a jump), that firm's band is widened to every value. The
// result does not depend on the band: only the time does.
#include "sim/parallel/Chunks.hpp"
#include "sim/util/HugePageAllocator.hpp"

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace models {

class TopValueShare {
public:
    // `firm[i]` is customer i's firm (ids >= firms: no firm, skipped) and
    // `value[i]` their value (never NaN). One share per firm: of its n
    // customers' total value, the share held by its k = ceil(top * n) most
    // valuable, where the customers tied at the threshold t (the k-th largest
    // value) count at t's value, so that which of them are in the top does
    // not matter. NaN for a firm with no customers or a total of 0 or less.
    //
    // The sums are in double, over each chunk of sim::Chunks in four lanes
    // (customer i in lane i % 4, the lanes added as (0 + 1) + (2 + 3)), then
    // chunk after chunk: fixed by the population size alone, so the result
    // depends on neither the thread count nor the processor's vector width.
    std::vector<double> operator()(std::span<const std::uint8_t> firm, std::span<const float> value, std::size_t firms,
                                   double top);

    // The same for value(i) of every customer i, taken as a float.
    template <class Value>
    requires std::invocable<const Value&, std::uint32_t> std::vector<double>
    operator()(std::span<const std::uint8_t> firm, const Value& value, std::size_t firms, double top) {
        values_.resize(firm.size());
        sim::for_each_chunk(sim::Chunks(static_cast<std::uint32_t>(firm.size())), [&](const sim::Chunk& c) {
            for (std::uint32_t i = c.begin; i < c.end; ++i) values_[i] = static_cast<float>(value(i));
        });
        return (*this)(firm, std::span<const float>(values_.data(), values_.size()), firms, top);
    }

    // What the last call's threshold search cost: values copied out of the
    // bands, and firms whose threshold was outside its band (for tests and
    // benchmarks; the results never depend on them).
    struct SearchCost {
        std::size_t band_values = 0;
        std::size_t misses = 0;
    };
    SearchCost last_search() const { return last_search_; }

    // What each chunk's passes find, per firm (TopValueShare.cpp).
    struct ChunkCounts {
        std::vector<std::uint32_t> customers;
        std::vector<std::uint32_t> above;              // above the band
        std::vector<std::vector<std::uint32_t>> band;  // the keys inside the band
        std::vector<double> total;                     // all values
        std::vector<double> top;                       // the values above the threshold
    };

    // Where each firm's threshold is looked for: keys (sim::float_order_key)
    // in [lo[f], hi[f]], every key when nothing is known. Indexed by any firm
    // byte: ids of no firm get an empty band (lo > hi), whose counts are
    // never read.
    struct BandTable {
        std::array<std::uint32_t, 256> lo;
        std::array<std::uint32_t, 256> hi;
    };

private:
    // What is known of firm f's threshold from the last call.
    struct Trend {
        bool known = false;
        std::uint32_t key = 0;  // the threshold's key
        std::int64_t step = 0;  // how far it moved then
    };

    BandTable bands(std::size_t firms) const;
    void follow(std::size_t f, std::uint32_t key);

    std::vector<Trend> trend_;
    std::vector<ChunkCounts> chunks_;
    sim::HugePageVector<float> values_;  // for the Value overload
    SearchCost last_search_;
};

// A one-off share, with nothing known beforehand (tests, occasional use).
template <class Value>
std::vector<double> top_value_share(std::span<const std::uint8_t> firm, const Value& value, std::size_t firms,
                                    double top) {
    return TopValueShare{}(firm, value, firms, top);
}

}  // namespace models
