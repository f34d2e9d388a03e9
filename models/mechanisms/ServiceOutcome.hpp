#pragma once
// The vocabulary of a service encounter (seed 000): how bad a failure was,
// and how the customer's complaint, if any, ended.
#include <array>
#include <cstdint>
#include <string_view>

namespace models {

enum class Severity : std::uint8_t { None = 0, Minor = 1, Major = 2 };

// Outcome of one tick's encounter for one customer. `NoFailure` for good
// service; otherwise the TARP groups: silent (did not complain), complained
// and unresolved, resolved, resolved quickly.
enum class Outcome : std::uint8_t { NoFailure = 0, Silent, Unresolved, Resolved, ResolvedQuickly };

inline constexpr std::size_t kOutcomes = 5;
inline constexpr std::array<std::string_view, kOutcomes> kOutcomeNames = {"no_failure", "silent", "unresolved",
                                                                          "resolved", "resolved_quickly"};

constexpr std::size_t index(Outcome o) {
    return static_cast<std::size_t>(o);
}
constexpr std::size_t index(Severity s) {
    return static_cast<std::size_t>(s);
}

}  // namespace models
