#pragma once
// Lists of the places in a batch where something holds, made without a
// branch per place (whether a place is listed is often a coin toss, which a
// branch would mispredict): for each mask of eight lanes, a table gives the
// lanes it holds, and a group of eight is listed with one store.
#include "sim/util/Avx2Loops.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <vector>

namespace sim {

// How many entries past the last listed the vector lists may write: a list
// needs room for every place and this many more.
inline constexpr std::uint32_t kListSlack = 8;

// For each mask of eight lanes, the lanes it holds in order, a byte each
// (then zeros).
inline constexpr std::array<std::uint64_t, 256> kLanesOf = [] {
    std::array<std::uint64_t, 256> t{};
    for (std::uint32_t m = 0; m < 256; ++m)
        for (std::uint32_t j = 0, at = 0; j < 8; ++j)
            if ((m >> j) & 1u) t[m] |= std::uint64_t{j} << (8 * at++);
    return t;
}();

#if defined(__x86_64__)
// Writes first + j for the lanes j in `lanes` (the low eight bits) to
// list[0 ..], in order, as one store of eight entries; returns how many.
// Every processor with AVX2 has SSE4.1 and POPCNT.
__attribute__((target("sse4.1,popcnt"))) inline std::uint32_t list_lanes(unsigned lanes, std::uint32_t first,
                                                                         std::uint16_t* list) {
    const __m128i at = _mm_cvtepu8_epi16(_mm_cvtsi64_si128(static_cast<long long>(kLanesOf[lanes & 0xffu])));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(list), _mm_add_epi16(at, _mm_set1_epi16(static_cast<short>(first))));
    return static_cast<std::uint32_t>(std::popcount(lanes & 0xffu));
}

__attribute__((target("avx2,popcnt"))) inline std::uint32_t list_equal_bytes_avx2(const std::uint8_t* bytes,
                                                                                  std::uint32_t n, std::uint8_t value,
                                                                                  std::uint16_t* out) {
    const __m256i wanted = _mm256_set1_epi8(static_cast<char>(value));
    std::uint32_t listed = 0, k = 0;
    for (; k + 32 <= n; k += 32) {
        const auto equal = static_cast<std::uint32_t>(_mm256_movemask_epi8(
            _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(bytes + k)), wanted)));
        for (std::uint32_t g = 0; g < 32; g += 8) listed += list_lanes(equal >> g, k + g, out + listed);
    }
    for (; k < n; ++k) {
        out[listed] = static_cast<std::uint16_t>(k);
        listed += bytes[k] == value;
    }
    return listed;
}

// list_changed_bytes 32 places at a time; returns where it stopped.
__attribute__((target("avx2"))) inline std::uint32_t list_changed_bytes_avx2(const std::uint8_t* before,
                                                                             const std::uint8_t* after,
                                                                             std::uint32_t begin, std::uint32_t end,
                                                                             int also,
                                                                             std::vector<std::uint32_t>& out) {
    const __m256i marked = _mm256_set1_epi8(static_cast<char>(also));
    const __m256i none = also < 0 ? _mm256_setzero_si256() : _mm256_set1_epi8(-1);
    std::uint32_t i = begin;
    for (; i + 32 <= end; i += 32) {
        const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(before + i));
        const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(after + i));
        const __m256i same =
            _mm256_andnot_si256(_mm256_and_si256(none, _mm256_cmpeq_epi8(b, marked)), _mm256_cmpeq_epi8(b, a));
        for (auto m = ~static_cast<std::uint32_t>(_mm256_movemask_epi8(same)); m != 0; m &= m - 1)
            out.push_back(i + static_cast<std::uint32_t>(std::countr_zero(m)));
    }
    return i;
}
#endif

// Appends to `out` the places i of [begin, end) where before[i] !=
// after[i], or where before[i] == also (also < 0: no such value), in order.
inline void list_changed_bytes(const std::uint8_t* before, const std::uint8_t* after, std::uint32_t begin,
                               std::uint32_t end, int also, std::vector<std::uint32_t>& out) {
    std::uint32_t i = begin;
#if defined(__x86_64__)
    if (avx2_loops()) i = list_changed_bytes_avx2(before, after, begin, end, also, out);
#endif
    for (; i < end; ++i)
        if (before[i] != after[i] || int{before[i]} == also) out.push_back(i);
}

// Lists the offsets k < n (below 2^16) with bytes[k] == value in out, in
// order; returns how many. `out` needs room for n + kListSlack entries.
inline std::uint32_t list_equal_bytes(const std::uint8_t* bytes, std::uint32_t n, std::uint8_t value,
                                      std::uint16_t* out) {
#if defined(__x86_64__)
    if (avx2_loops()) return list_equal_bytes_avx2(bytes, n, value, out);
#endif
    std::uint32_t listed = 0;
    for (std::uint32_t k = 0; k < n; ++k) {
        out[listed] = static_cast<std::uint16_t>(k);
        listed += bytes[k] == value;
    }
    return listed;
}

}  // namespace sim
