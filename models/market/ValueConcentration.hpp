#pragma once
// Who is in the top share of each firm's customers by value: the cutoff a
// customer must exceed (for strategies that single out the most valuable).
// The share of value they hold is sim::GroupTopShare (each firm a group,
// sim/stats/GroupTopShare.hpp).
#include "sim/parallel/Chunks.hpp"
#include "sim/util/HugePageAllocator.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <span>
#include <vector>

namespace models {

namespace detail {

// Every firm's customers' values, firm after firm in one buffer, each firm's
// in ascending customer index: firm f's are values[start[f], start[f + 1]).
// Kept between calls so that the population-sized buffer is not allocated
// anew every tick.
template <class T>
struct ValuesByFirm {
    sim::HugePageVector<T> values;  // one value per customer: streamed every tick
    std::vector<std::size_t> start;
    std::vector<std::size_t> offset;  // per (chunk, firm): where the chunk writes

    std::span<T> of(std::size_t f) { return {values.data() + start[f], start[f + 1] - start[f]}; }
};

// Runs fn(f) for every firm on the current OpenMP team, a firm at a time to
// whichever thread is free, the largest first: a firm's work cannot be
// split, so a large firm left for last would keep the other threads waiting.
template <class T, class Fn>
void for_each_firm(const ValuesByFirm<T>& by_firm, Fn&& fn) {
    const std::size_t firms = by_firm.start.size() - 1;
    std::vector<std::size_t> order(firms);
    std::iota(order.begin(), order.end(), std::size_t{0});
    const auto size = [&](std::size_t f) { return by_firm.start[f + 1] - by_firm.start[f]; };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return size(a) > size(b); });
    const auto n = static_cast<std::int64_t>(firms);
#pragma omp parallel for schedule(dynamic, 1)
    for (std::int64_t k = 0; k < n; ++k) fn(order[static_cast<std::size_t>(k)]);
}

// Each chunk's customers of each firm: offset[chunk * firms + f].
template <class T>
void count_by_chunk(std::span<const std::uint8_t> firm, const sim::Chunks& chunks, std::size_t firms,
                    ValuesByFirm<T>& out) {
    out.offset.assign(chunks.count() * firms, 0);
    sim::for_each_chunk(chunks, [&](const sim::Chunk& c) {
        // Indexed by the raw id, so that no-firm ids need no branch; four
        // counts per id, taken in turn, so that neighbours of the same firm
        // do not wait on each other's increment.
        std::array<std::array<std::uint32_t, 256>, 4> count{};
        std::uint32_t i = c.begin;
        for (; i + 4 <= c.end; i += 4)
            for (std::uint32_t j = 0; j < 4; ++j) ++count[j][firm[i + j]];
        for (; i < c.end; ++i) ++count[0][firm[i]];
        for (std::size_t f = 0; f < std::min(firms, count[0].size()); ++f)
            out.offset[c.index * firms + f] = count[0][f] + count[1][f] + count[2][f] + count[3][f];
    });
}

// Turns the counts into places: firm after firm, and within a firm chunk
// after chunk, so that each firm's values end up in customer order.
template <class T>
void lay_out(std::size_t chunk_count, std::size_t firms, ValuesByFirm<T>& out) {
    out.start.assign(firms + 1, 0);
    std::size_t at = 0;
    for (std::size_t f = 0; f < firms; ++f) {
        out.start[f] = at;
        for (std::size_t k = 0; k < chunk_count; ++k) {
            const std::size_t n = out.offset[k * firms + f];
            out.offset[k * firms + f] = at;
            at += n;
        }
    }
    out.start[firms] = at;
    // Then one spare place per chunk, for the values of its people with no
    // firm (gather_values_by_firm). Only grown: shrinking and growing again
    // would fill the values anew.
    if (out.values.size() < at + chunk_count) out.values.resize(at + chunk_count);
}

// Fills `out` with static_cast<T>(value(i)) of every customer i with a firm
// (firm[i] < firms), in parallel over fixed-size chunks without push_back:
// counting first tells each chunk where its customers go. The layout
// depends on neither the thread count nor the schedule. value(i) is also
// called for people with no firm, whose values go to their chunk's spare
// place and are never read: storing every value spares a branch that mixed
// customers and prospects would make unpredictable.
template <class T, class Value>
void gather_values_by_firm(std::span<const std::uint8_t> firm, const Value& value, std::size_t firms,
                           ValuesByFirm<T>& out) {
    const sim::Chunks chunks(static_cast<std::uint32_t>(firm.size()));
    count_by_chunk(firm, chunks, firms, out);
    lay_out(chunks.count(), firms, out);
    T* const values = out.values.data();
    sim::for_each_chunk(chunks, [&](const sim::Chunk& c) {
        // A copy on the stack: neighbouring chunks' places share cache lines,
        // and two threads bumping them every customer would fight over them.
        std::array<std::size_t, 256> next;
        next.fill(out.start[firms] + c.index);  // the chunk's spare place
        std::copy_n(out.offset.begin() + static_cast<std::ptrdiff_t>(c.index * firms), std::min(firms, next.size()),
                    next.begin());
        for (std::uint32_t i = c.begin; i < c.end; ++i) {
            const std::uint8_t f = firm[i];
            values[next[f]] = static_cast<T>(value(i));
            next[f] += f < firms;
        }
    });
}

}  // namespace detail

// The value a customer must exceed to be in the top `top[f]` share of firm
// f's customers: the largest value outside the top k = ceil(top * customers)
// (-infinity when the top is everyone). Customers tied with it are left out,
// so the top never holds more than k (and nobody, while every value is
// equal). Independent of the thread count, since each firm's values are
// gathered in customer order.
template <class Value>
std::vector<double> top_value_cutoff(std::span<const std::uint8_t> firm, const Value& value, std::size_t firms,
                                     const std::vector<double>& top) {
    thread_local detail::ValuesByFirm<double> buffers;
    // A lambda run on another thread would see that thread's own buffers:
    // it must reach this thread's through a reference.
    detail::ValuesByFirm<double>& by_firm = buffers;
    detail::gather_values_by_firm(firm, value, firms, by_firm);
    std::vector<double> cutoff(firms, std::numeric_limits<double>::infinity());
    detail::for_each_firm(by_firm, [&](std::size_t f) {
        const std::span<double> v = by_firm.of(f);
        const auto k = static_cast<std::size_t>(std::ceil(top[f] * static_cast<double>(v.size())));
        if (k >= v.size()) {
            cutoff[f] = -std::numeric_limits<double>::infinity();
            return;
        }
        // The (k+1)-th largest: the first value outside the top k.
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end(), std::greater<double>());
        cutoff[f] = v[k];
    });
    return cutoff;
}

}  // namespace models
