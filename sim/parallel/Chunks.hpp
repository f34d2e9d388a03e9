#pragma once
// Fixed-size chunks of the agent range, the unit of parallel work.
//
// Chunk boundaries depend only on the number of agents, never on the thread
// count, and per-chunk partial results are combined in chunk order. That is
// what makes floating-point totals (revenue, mean satisfaction) bit-identical
// for 1, 2 or 64 threads.
#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace sim {

struct Chunk {
    std::size_t index;
    std::uint32_t begin;
    std::uint32_t end;
};

class Chunks {
public:
    static constexpr std::uint32_t kDefaultSize = 16384;

    explicit Chunks(std::uint32_t agents, std::uint32_t size = kDefaultSize) : agents_(agents), size_(size) {}

    std::size_t count() const { return (static_cast<std::size_t>(agents_) + size_ - 1) / size_; }

    Chunk operator[](std::size_t i) const {
        const auto begin = static_cast<std::uint32_t>(i * size_);
        return {i, begin, static_cast<std::uint32_t>(std::min<std::size_t>(agents_, begin + std::size_t{size_}))};
    }

private:
    std::uint32_t agents_;
    std::uint32_t size_;
};

// Runs fn(chunk) for every chunk on the current OpenMP team. Dynamic schedule:
// chunks may go to any thread, which is safe because a chunk's work depends
// only on the chunk.
template <class Fn>
void for_each_chunk(const Chunks& chunks, Fn&& fn) {
    const auto n = static_cast<std::int64_t>(chunks.count());
#pragma omp parallel for schedule(dynamic, 1)
    for (std::int64_t i = 0; i < n; ++i) fn(chunks[static_cast<std::size_t>(i)]);
}

}  // namespace sim
