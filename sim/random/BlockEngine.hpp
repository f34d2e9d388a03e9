#pragma once
// A standard uniform random bit generator over one counter-based substream,
// for Boost.Random distributions (lognormal, gamma, ...) and Boost.Graph
// generators that want an engine object. The substream is fixed by
// (purpose, agent, tick); successive calls walk the block index, so the
// sequence is still a pure function of what it is for.
#include "sim/random/CounterStream.hpp"

#include <cstdint>
#include <limits>

namespace sim {

class BlockEngine {
public:
    using result_type = std::uint32_t;

    BlockEngine(const CounterStream& stream, std::uint32_t purpose, std::uint32_t agent, std::uint32_t tick = 0)
        : stream_(stream), purpose_(purpose), agent_(agent), tick_(tick) {}
    // The same engine, given its first block (block 0 of its address) already
    // drawn, e.g. in a batch with other agents' (CounterStream::agent_blocks).
    BlockEngine(const CounterStream& stream, std::uint32_t purpose, std::uint32_t agent, std::uint32_t tick,
                const Block4& first)
        : stream_(stream), purpose_(purpose), agent_(agent), tick_(tick), index_(1), block_(first), lane_(0) {}

    static constexpr result_type min() { return 0; }
    static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

    result_type operator()() {
        if (lane_ == 4) {
            block_ = stream_.block(purpose_, agent_, tick_, index_++);
            lane_ = 0;
        }
        return block_[lane_++];
    }

private:
    CounterStream stream_;
    std::uint32_t purpose_;
    std::uint32_t agent_;
    std::uint32_t tick_;
    std::uint32_t index_ = 0;
    Block4 block_{};
    int lane_ = 4;
};

}  // namespace sim
