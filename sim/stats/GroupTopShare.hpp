#pragma once
// The share of each group's total value held by its top `top` share of
// members (the 80/20 rule says about 0.8 for top = 0.2), over a whole
// population, cheap enough to be computed every tick.
//
// Two in-order passes over the population, in parallel over fixed chunks,
// with no gather of each group's values:
//  1. Count each group's members, those above a band of values where the
//     threshold is expected, and copy out the values inside the band.
//  2. Knowing the threshold (selected from the band), sum each group's values
//     and those above the threshold.
// The band is where the threshold was found last time, moved on by how far
// it moved then: values that drift slowly from call to call keep the band
// narrow and the selection in it cheap. When the threshold is not in the
// band (the first call, a jump), that group's band is widened to every
// value. The result does not depend on the band: only the time does.
#include "sim/parallel/Chunks.hpp"
#include "sim/util/HugePageAllocator.hpp"

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace sim {

class GroupTopShare {
public:
    // `group[i]` is member i's group (ids >= groups: in no group, skipped)
    // and `value[i]` their value (never NaN). One share per group: of its n
    // members' total value, the share held by its k = ceil(top * n) most
    // valuable, where the members tied at the threshold t (the k-th largest
    // value) count at t's value, so that which of them are in the top does
    // not matter. NaN for a group with no members or a total of 0 or less.
    //
    // The sums are in double, over each chunk of sim::Chunks in four lanes
    // (member i in lane i % 4, the lanes added as (0 + 1) + (2 + 3)), then
    // chunk after chunk: fixed by the population size alone, so the result
    // depends on neither the thread count nor the processor's vector width.
    std::vector<double> operator()(std::span<const std::uint8_t> group, std::span<const float> value,
                                   std::size_t groups, double top);

    // The same for value(i) of every member i, taken as a float.
    template <class Value>
    requires std::invocable<const Value&, std::uint32_t> std::vector<double>
    operator()(std::span<const std::uint8_t> group, const Value& value, std::size_t groups, double top) {
        values_.resize(group.size());
        for_each_chunk(Chunks(static_cast<std::uint32_t>(group.size())), [&](const Chunk& c) {
            for (std::uint32_t i = c.begin; i < c.end; ++i) values_[i] = static_cast<float>(value(i));
        });
        return (*this)(group, std::span<const float>(values_.data(), values_.size()), groups, top);
    }

    // What the last call's threshold search cost: values copied out of the
    // bands, and groups whose threshold was outside its band (for tests and
    // benchmarks; the results never depend on them).
    struct SearchCost {
        std::size_t band_values = 0;
        std::size_t misses = 0;
    };
    SearchCost last_search() const { return last_search_; }

    // What each chunk's passes find, per group (GroupTopShare.cpp).
    struct ChunkCounts {
        std::vector<std::uint32_t> members;
        std::vector<std::uint32_t> above;              // above the band
        std::vector<std::vector<std::uint32_t>> band;  // the keys inside the band
        std::vector<double> total;                     // all values
        std::vector<double> top;                       // the values above the threshold
    };

    // Where each group's threshold is looked for: keys (sim::float_order_key)
    // in [lo[g], hi[g]], every key when nothing is known. Indexed by any
    // group byte: ids of no group get an empty band (lo > hi), whose counts
    // are never read.
    struct BandTable {
        std::array<std::uint32_t, 256> lo;
        std::array<std::uint32_t, 256> hi;
    };

private:
    // What is known of group g's threshold from the last call.
    struct Trend {
        bool known = false;
        std::uint32_t key = 0;  // the threshold's key
        std::int64_t step = 0;  // how far it moved then
    };

    BandTable bands(std::size_t groups) const;
    void follow(std::size_t g, std::uint32_t key);

    std::vector<Trend> trend_;
    std::vector<ChunkCounts> chunks_;
    HugePageVector<float> values_;  // for the Value overload
    SearchCost last_search_;
};

// A one-off share, with nothing known beforehand (tests, occasional use).
template <class Value>
std::vector<double> group_top_share(std::span<const std::uint8_t> group, const Value& value, std::size_t groups,
                                    double top) {
    return GroupTopShare{}(group, value, groups, top);
}

}  // namespace sim
