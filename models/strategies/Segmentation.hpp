#pragma once
// Segmentation (seed 002): the firm scores its customers on recency,
// frequency and monetary value, 1 to 5 each by quintile among its own
// customers (5: bought most recently, most often, for the most), and targets
// by the sum (3 to 15) or by value tier (the top share by value). Seed 002
// warns against RFM alone; here it is one targeting rule among others.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace models {

enum class Targeting : std::uint8_t { Everyone, TopValue, Rfm };

// Who a strategy is for, re-decided every `review_every` ticks.
struct TargetRule {
    Targeting targeting = Targeting::Everyone;
    double top_share = 0.20;           // TopValue: the share of the firm's customers targeted
    std::uint32_t min_rfm_score = 12;  // Rfm: the R + F + M score (3..15) targeted from
    std::uint32_t review_every = 4;    // ticks between reviews

    bool everyone() const { return targeting == Targeting::Everyone; }
};

// The 20th, 40th, 60th and 80th percentiles of one variable among a firm's
// customers (`values` is reordered).
inline std::array<double, 4> quintile_cutoffs(std::vector<double>& values) {
    std::array<double, 4> cut{};
    if (values.empty()) return cut;
    for (std::size_t q = 0; q < 4; ++q) {
        const auto k = static_cast<std::size_t>(std::floor(0.2 * static_cast<double>(q + 1) * values.size()));
        const auto at = std::min(k, values.size() - 1);
        std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(at), values.end());
        cut[q] = values[at];
    }
    return cut;
}

// 1..5: how many cutoffs the value reaches, plus one.
inline std::uint32_t quintile_score(double value, const std::array<double, 4>& cut) {
    std::uint32_t score = 1;
    for (const double c : cut) score += value >= c;
    return score;
}

}  // namespace models
