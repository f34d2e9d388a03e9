#pragma once
// Asking for cache lines ahead of use, for the streams of a loop that the
// hardware prefetcher does not follow: columns only a few scattered agents
// of a batch read, or one stream too many among the dozen a loop walks.
// Measured on one machine (AMD Zen 5, 2 cores, in a VM), each use says what
// it gained; what did not gain was left out (the hint asked for too late, a
// batch's own lines at its start, or demand loads in place of hints).
#include <cstddef>
#include <cstdint>

namespace sim {

// Asks for the line holding column[index], for reading (kWrite false) or
// writing. A hint: it never faults. The address is formed as an integer,
// never as column + index, so index may lie past the column's end (the
// last batch asks for the batch after it) and column may be null (a
// column the configuration leaves out) without pointer arithmetic's
// undefined behaviour, which UBSan reports.
template <bool kWrite = false, class T>
inline void ask_ahead(const T* column, std::size_t index) {
    const auto address = reinterpret_cast<std::uintptr_t>(column) + index * sizeof(T);
    __builtin_prefetch(reinterpret_cast<const void*>(address), kWrite ? 1 : 0);
}

// Reads one element in every cache line of column[begin, end): demand
// loads, independent of one another, which the core keeps in flight
// together. For lines asked for ahead (ask_ahead) whose reads, scattered
// through a loop, still waited on memory one by one: reading them all just
// before the loop brings in what the hints did not. A null column is left
// alone.
template <class T>
inline void read_lines(const T* column, std::size_t begin, std::size_t end) {
    if (column == nullptr) return;
    constexpr std::size_t kPerLine = 64 / sizeof(T) > 0 ? 64 / sizeof(T) : 1;
    for (std::size_t i = begin; i < end; i += kPerLine) static_cast<void>(*static_cast<const volatile T*>(column + i));
}

}  // namespace sim
