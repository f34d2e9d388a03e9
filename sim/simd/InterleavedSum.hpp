#pragma once
// Four sums taken in turn (item i goes to sum i % 4), in item order, kept
// in one register while a loop over one, four or eight items at a time
// adds to them: the same bits at every width, since each sum sees the same
// additions in the same order. Reductions that must not depend on the
// vector width (or the thread count) keep such interleaved sums and add
// the four up in a fixed order at the end.
#include "sim/simd/Pack.hpp"

#include <array>
#include <cstdint>

namespace sim {

// Tag: the packs' (sim/simd/Pack.hpp).
template <class Tag = void>
class InterleavedSum {
public:
    static constexpr std::uint32_t kLanes = 4;
    using Sum = Pack<double, 4, Tag>;

    explicit InterleavedSum(std::array<double, kLanes>& out) : out_(out), acc_(Sum::load(out.data())) {}
    InterleavedSum(const InterleavedSum&) = delete;
    InterleavedSum& operator=(const InterleavedSum&) = delete;
    ~InterleavedSum() { acc_.store(out_.data()); }

    // Items i .. i + W - 1 (i a multiple of 4 where W > 1).
    void add(std::uint32_t i, Pack<double, 1, Tag> x) { acc_.v[i % kLanes] += x.v[0]; }
    void add(std::uint32_t, Pack<double, 4, Tag> x) { acc_ = acc_ + x; }
    void add(std::uint32_t, Pack<double, 8, Tag> x) {
        acc_ = acc_ + Sum(__builtin_shufflevector(x.v, x.v, 0, 1, 2, 3));
        acc_ = acc_ + Sum(__builtin_shufflevector(x.v, x.v, 4, 5, 6, 7));
    }

private:
    std::array<double, kLanes>& out_;
    Sum acc_;
};

}  // namespace sim
