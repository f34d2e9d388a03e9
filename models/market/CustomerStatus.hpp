#pragma once
// Where a person stands with the market as a whole. Active and dormant
// customers belong to a firm; prospects and lapsed customers buy from none.
#include <array>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace models {

enum class CustomerStatus : std::uint8_t {
    Prospect = 0,    // has never bought
    Active = 1,      // buys from their firm
    Dormant = 2,     // still their firm's customer on the books, but buys no more (dropout process)
    Lapsed = 3,      // left the market after leaving a firm
    Terminated = 4,  // their firm ended the relationship
};

inline constexpr std::size_t kStatuses = 5;
inline constexpr std::array<std::string_view, kStatuses> kStatusNames = {"prospect", "active", "dormant", "lapsed",
                                                                         "terminated"};

// The firm index of someone who buys from no firm.
inline constexpr std::uint8_t kNoFirm = 0xFF;

// Whether someone with this firm and status buys this tick: a customer of
// some firm, not dormant. Without a branch (&, not &&): in a mixed
// population who has a firm is a coin toss. Over a lane type N (the bytes
// themselves, or sim::Pack lanes holding them).
template <class N>
auto takes_basket(N firm, N status) {
    const auto takes = (firm != N(kNoFirm)) & (status != N(static_cast<std::uint8_t>(CustomerStatus::Dormant)));
    if constexpr (std::is_integral_v<N>)
        return static_cast<bool>(takes);  // bool & bool is an int
    else
        return takes;
}

// takes[k] = takes_basket(firm[k], status[k]) for k < n. The pointers do
// not alias (__restrict), which lets GCC compare sixteen bytes at a time:
// through the customer columns, which a byte store might alias, it went
// one at a time, 2 % of the lifecycle's tick (alternating ticks in one run).
inline void flag_basket_takers(const std::uint8_t* __restrict firm, const std::uint8_t* __restrict status,
                               std::uint32_t n, std::uint8_t* __restrict takes) {
    for (std::uint32_t k = 0; k < n; ++k) takes[k] = takes_basket(firm[k], status[k]);
}

}  // namespace models
