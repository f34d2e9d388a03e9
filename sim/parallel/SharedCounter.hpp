#pragma once
// Integer counters that several threads of a team add to at once (stories
// heard, neighbours who adopted). Integer addition commutes, so relaxed
// atomic additions give the same counts in any order. But an atomic
// read-modify-write holds the core until it completes; when the team has
// one thread, nothing else writes the counter, and a plain addition does
// the same for less.
#include <omp.h>

#include <atomic>

namespace sim {

// Whether other threads of the calling thread's team may be running now
// (false outside a parallel region and in a team of one).
inline bool team_shared() {
    return omp_get_num_threads() > 1;
}

// counter += amount, atomically when `shared`.
template <class T>
inline void add_to_counter(T& counter, T amount, bool shared) {
    if (shared)
        std::atomic_ref<T>(counter).fetch_add(amount, std::memory_order_relaxed);
    else
        counter += amount;
}

}  // namespace sim
