#pragma once
// x if `keep`, else +0.0, without a branch. A loop that adds a value to one
// of several sums by a condition as good as a coin toss adds it to one and
// +0.0 (which leaves a sum unchanged) to the others: a branch on the
// condition would be mispredicted half the time, and GCC compiles a ?: of
// this kind to a branch.
#include <bit>
#include <cstdint>

namespace sim {

inline double only_if(bool keep, double x) {
    return std::bit_cast<double>(std::bit_cast<std::uint64_t>(x) & (std::uint64_t{0} - keep));
}

}  // namespace sim
