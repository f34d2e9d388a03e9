#pragma once
// Bit-for-bit comparison of two agent columns (memcmp: stricter than ==, and
// NaN-safe), for tests that check two runs end in exactly the same state.
#include "sim/population/Column.hpp"

#include <cstring>

namespace testing_support {

template <class T>
bool same_column(const sim::Column<T>& a, const sim::Column<T>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

}  // namespace testing_support
