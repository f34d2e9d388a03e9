#pragma once
// Cache hints for a contiguous run of elements a loop is about to touch out
// of order (where the hardware's own prefetcher, which follows in-order
// streams, does not see it coming).
#include <cstddef>

namespace sim {

inline constexpr std::size_t kCacheLine = 64;

// Every cache line of first[0 .. n), to be read.
template <class T>
void prefetch_run(const T* first, std::size_t n) {
    if (n == 0) return;
    const char* begin = reinterpret_cast<const char*>(first);
    const char* end = reinterpret_cast<const char*>(first + n);
    for (const char* p = begin; p < end; p += kCacheLine) __builtin_prefetch(p);
    __builtin_prefetch(end - 1);  // the last line, when the run does not start on a line boundary
}

}  // namespace sim
