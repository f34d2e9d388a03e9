#pragma once
// Bit-for-bit comparison of two agent columns (memcmp: stricter than ==, and
// NaN-safe), for tests that check two runs end in exactly the same state.
#include "sim/population/AgentValue.hpp"
#include "sim/population/Column.hpp"

#include <cstring>

namespace testing_support {

// Two empty columns (an optional column kept by neither run) are the same;
// memcmp is not asked about them, since an empty column has no data().
template <class T>
bool same_column(const sim::Column<T>& a, const sim::Column<T>& b) {
    return a.size() == b.size() && (a.size() == 0 || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

// Two per-agent values over `agents` agents: both shared and equal, or both
// a column and equal in every agent's value.
template <class T>
bool same_values(const sim::AgentValue<T>& a, const sim::AgentValue<T>& b, std::size_t agents) {
    const T shared_a = a.shared(), shared_b = b.shared();
    if (a.varies() != b.varies() || std::memcmp(&shared_a, &shared_b, sizeof(T)) != 0) return false;
    return !a.varies() || agents == 0 || std::memcmp(a.values(), b.values(), agents * sizeof(T)) == 0;
}

}  // namespace testing_support
