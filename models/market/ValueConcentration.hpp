#pragma once
// How concentrated customer value is: the share of each firm's customers'
// value held by its top `top` share of customers (the 80/20 rule says about
// 0.8 for top = 0.2).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <vector>

namespace models {

// `firm[i]` is customer i's firm (values >= firms are skipped: no firm),
// `value(i)` their value. Returns one share per firm (NaN for a firm with no
// customers or no value). Serial and in index order: the result does not
// depend on the thread count.
template <class Value>
std::vector<double> top_value_share(std::span<const std::uint8_t> firm, const Value& value, std::size_t firms,
                                    double top) {
    // Reused between calls on the same thread: the buffers are as large as
    // the population.
    thread_local std::vector<std::vector<float>> by_firm;
    by_firm.resize(firms);
    for (auto& v : by_firm) v.clear();
    for (std::uint32_t i = 0; i < firm.size(); ++i)
        if (firm[i] < firms) by_firm[firm[i]].push_back(static_cast<float>(value(i)));
    std::vector<double> share(firms, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t f = 0; f < firms; ++f) {
        std::vector<float>& v = by_firm[f];
        if (v.empty()) continue;
        const auto k = static_cast<std::ptrdiff_t>(std::ceil(top * static_cast<double>(v.size())));
        double total = 0.0;
        for (const float x : v) total += x;
        if (total <= 0.0) continue;
        // The k largest values end up in front (in an order fixed by the input).
        std::nth_element(v.begin(), v.begin() + (k - 1), v.end(), std::greater<float>());
        double top_total = 0.0;
        for (std::ptrdiff_t j = 0; j < k; ++j) top_total += v[static_cast<std::size_t>(j)];
        share[f] = top_total / total;
    }
    return share;
}

}  // namespace models

namespace models {

// The value a customer must exceed to be in the top `top[f]` share of firm
// f's customers: the largest value outside the top k = ceil(top * customers)
// (-infinity when the top is everyone). Customers tied with it are left out,
// so the top never holds more than k (and nobody, while every value is
// equal). Serial and in index order, like top_value_share.
template <class Value>
std::vector<double> top_value_cutoff(std::span<const std::uint8_t> firm, const Value& value, std::size_t firms,
                                     const std::vector<double>& top) {
    std::vector<std::vector<double>> by_firm(firms);
    for (std::uint32_t i = 0; i < firm.size(); ++i)
        if (firm[i] < firms) by_firm[firm[i]].push_back(value(i));
    std::vector<double> cutoff(firms, std::numeric_limits<double>::infinity());
    for (std::size_t f = 0; f < firms; ++f) {
        std::vector<double>& v = by_firm[f];
        const auto k = static_cast<std::size_t>(std::ceil(top[f] * static_cast<double>(v.size())));
        if (k >= v.size()) {
            cutoff[f] = -std::numeric_limits<double>::infinity();
            continue;
        }
        // The (k+1)-th largest: the first value outside the top k.
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end(), std::greater<double>());
        cutoff[f] = v[k];
    }
    return cutoff;
}

}  // namespace models
