#pragma once
// Counter-based random streams (Random123 Philox4x32-10).
//
// Every draw is a pure function of (stream key, purpose, agent, tick, block):
// no generator state is carried from one draw to the next, so results do not
// depend on the order agents are visited in, on the thread count, or on how
// runs are spread over MPI ranks. A model gives each decision its own
// `purpose`, so adding a mechanism never shifts the draws of another one.
#include "sim/random/PhiloxBatch.hpp"

#include <Random123/philox.h>

#include <array>
#include <cmath>
#include <cstdint>

namespace sim {

// 64 bits that identify one run's random universe (see SeedDerivation.hpp).
struct StreamKey {
    std::uint64_t value = 0;
};

// Four independent uniform 32-bit words from one Philox block (also the
// shape of a block's address).
using Block4 = Word4;

class CounterStream {
public:
    explicit CounterStream(StreamKey key)
        : key_{{static_cast<std::uint32_t>(key.value), static_cast<std::uint32_t>(key.value >> 32)}},
          key_value_(key.value) {}

    // One block for (purpose, agent, tick, index). `index` numbers the blocks a
    // single decision needs (e.g. one per four network edges).
    Block4 block(std::uint32_t purpose, std::uint32_t agent, std::uint32_t tick, std::uint32_t index = 0) const {
        const r123::Philox4x32::ctr_type ctr = {{agent, tick, purpose, index}};
        const auto out = r123::Philox4x32{}(ctr, key_);
        return {out[0], out[1], out[2], out[3]};
    }

    // The address of a block, for blocks().
    static Block4 address(std::uint32_t purpose, std::uint32_t agent, std::uint32_t tick, std::uint32_t index = 0) {
        return {agent, tick, purpose, index};
    }
    // out[i] = block at addresses[i], for i < n: the same words as block(),
    // computed many at a time (SIMD). Hot loops draw this way.
    void blocks(const Block4* addresses, Block4* out, std::size_t n) const {
        philox_blocks(key_value_, addresses, out, n);
    }
    // out[k] = block(purpose, first_agent + k, tick, index) for k < n: one
    // decision's blocks for a run of agents, the same words as block().
    void agent_blocks(std::uint32_t purpose, std::uint32_t first_agent, std::uint32_t tick, Block4* out, std::size_t n,
                      std::uint32_t index = 0) const {
        philox_counting_blocks(key_value_, address(purpose, first_agent, tick, index), out, n);
    }

    // out[j] = block(purpose, first_agent + offsets[j], tick, index) for j <
    // n: one decision's blocks for a listed few of a run of agents.
    void listed_agent_blocks(std::uint32_t purpose, std::uint32_t first_agent, std::uint32_t tick,
                             const std::uint16_t* offsets, Block4* out, std::size_t n, std::uint32_t index = 0) const {
        philox_listed_blocks(key_value_, address(purpose, first_agent, tick, index), offsets, out, n);
    }

private:
    r123::Philox4x32::key_type key_;
    std::uint64_t key_value_;
};

// A 32-bit word as a uniform double in [0, 1): u < p is then exactly
// P(u < p) = p up to 2^-32, and u = 0 is possible but u = 1 is not.
constexpr double to_unit(std::uint32_t word) {
    return word * 0x1p-32;
}

// Bernoulli(p) from one 32-bit word.
constexpr bool bernoulli(std::uint32_t word, double p) {
    return to_unit(word) < p;
}

// bernoulli(word, p) as one integer comparison, for loops that test the same
// p many times. It gives the same outcome for every word: scaling by 2^32 is
// exact, so to_unit(word) < p exactly when word < p * 2^32, and for an
// integer word that is word < ceil(p * 2^32).
class BernoulliBound {
public:
    explicit BernoulliBound(double p)
        : bound_(!(p > 0.0) ? 0
                 : p >= 1.0 ? std::uint64_t{1} << 32
                            : static_cast<std::uint64_t>(std::ceil(p * 0x1p32))) {}  // exact: a power of two
    bool operator()(std::uint32_t word) const { return word < bound_; }
    std::uint64_t bound() const { return bound_; }  // the words below it fire (for SIMD comparisons)

private:
    std::uint64_t bound_;
};

}  // namespace sim
