#pragma once
// The first try of fast_gamma (FastGamma.hpp) for many independent draws at
// once. A draw whose engine starts from a known first block (its substream's
// block 0, drawn in a batch: CounterStream::agent_blocks) is mostly decided
// by that block's first three words: Boost's ziggurat normal takes two and
// returns from its first box, and the try is accepted with the third, 97 %
// of the time at shapes of 4 or more: by the squeeze (u < 1 - 0.0331 x^4)
// 89 %, by the test with logarithms most of the rest. Both tests are made
// several lanes at a time (eight with AVX-512, four with AVX2, where the
// processor has them), with the same
// operations in the same order as Boost's code and fast_gamma's; the test
// with logarithms uses a vector logarithm (sim::log_avx2) and decides only
// where the two sides are further apart than that logarithm can be off. So
// every value is bit for bit what fast_gamma gives
// (tests/unit/test_gamma_first_tries.cpp). Every other draw is left to
// fast_gamma itself, marked NaN, which no gamma value is.
#include "sim/random/CounterStream.hpp"
#include "sim/random/FastGamma.hpp"

#include <cstddef>

namespace sim {

// For k < n: out[k] = fast_gamma(BlockEngine started at first[k], shape[k],
// scale[k]) where that draw is decided by its first try within first[k],
// NaN where it is not.
void gamma_first_tries(const Block4* first, const GammaShape* shape, const double* scale, double* out, std::size_t n);

}  // namespace sim
