#pragma once
// Two customer states compared bit for bit, every column of the registry
// (CRMSIM_CUSTOMER_COLUMNS: snapshot, state, optional and scratch entries)
// and every trait (CRMSIM_CUSTOMER_TRAITS), for the tests that check two
// paths, widths or thread counts agree. Iterating the registries means a new
// column or trait is compared without anyone remembering to list it.
#include "models/market/CustomerState.hpp"

#include "tests/support/SameBits.hpp"

#include <string>

namespace testing_support {

// The name of the first column or trait whose bits differ, or empty if the
// two states are the same. An optional column kept by neither is the same;
// kept by one only, it differs.
inline std::string first_difference(const models::CustomerState& a, const models::CustomerState& b) {
#define CRMSIM_SAME_COLUMN(type, name, ...) \
    if (!same_column(a.name, b.name)) return #name;
    CRMSIM_CUSTOMER_COLUMNS(CRMSIM_SAME_COLUMN, CRMSIM_SAME_COLUMN, CRMSIM_SAME_COLUMN, CRMSIM_SAME_COLUMN)
#undef CRMSIM_SAME_COLUMN
    // Same size from here: firm, a column every state keeps, compared above.
#define CRMSIM_SAME_TRAIT(type, name, shared) \
    if (!same_values(a.traits.name, b.traits.name, a.size())) return "traits." #name;
    CRMSIM_CUSTOMER_TRAITS(CRMSIM_SAME_TRAIT)
#undef CRMSIM_SAME_TRAIT
    return {};
}

}  // namespace testing_support
