#include "sim/stats/GroupTopShare.hpp"

#include "sim/util/Avx2Loops.hpp"
#include "sim/util/KthLargest.hpp"
#include "sim/util/OnlyIf.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace sim {
namespace {

using ChunkCounts = GroupTopShare::ChunkCounts;

constexpr std::uint32_t kLanes = 4;
// The narrowest band, in keys: about 1 % of the threshold's value either side
// (a key step of 2^23 doubles a positive float).
constexpr std::int64_t kMinHalfWidth = std::int64_t{1} << 17;
constexpr std::size_t kIds = 256;  // every group byte, so that no-group ids need no branch

// -0.0 and +0.0 are one value here: both get +0.0's key, so that the keys'
// order is exactly the floats' order.
inline std::uint32_t key_of(float x) {
    return float_order_key(x + 0.0f);
}

using BandTable = GroupTopShare::BandTable;
static_assert(std::tuple_size_v<decltype(BandTable::lo)> == kIds);

// The four lanes of a chunk's sum, added in a fixed order.
inline double lane_sum(const std::array<double, kLanes>& lane) {
    return (lane[0] + lane[1]) + (lane[2] + lane[3]);
}

void clear_counts(std::size_t groups, ChunkCounts& out) {
    out.members.assign(groups, 0);
    out.above.assign(groups, 0);
    out.band.resize(groups);
    for (auto& b : out.band) b.clear();
}

// Pass 1 for members i in [begin, end), one at a time.
void count_scalar(const std::uint8_t* group, const float* value, std::uint32_t begin, std::uint32_t end,
                  const BandTable& band, std::array<std::uint32_t, kIds>& members,
                  std::array<std::uint32_t, kIds>& above, ChunkCounts& out) {
    for (std::uint32_t i = begin; i < end; ++i) {
        const std::uint8_t g = group[i];
        const std::uint32_t key = key_of(value[i]);
        ++members[g];
        above[g] += key > band.hi[g];
        if (key >= band.lo[g] && key <= band.hi[g]) out.band[g].push_back(key);
    }
}

void count_chunk_scalar(const Chunk& c, const std::uint8_t* group, const float* value, std::size_t groups,
                        const BandTable& band, ChunkCounts& out) {
    std::array<std::uint32_t, kIds> members{}, above{};
    count_scalar(group, value, c.begin, c.end, band, members, above, out);
    std::copy_n(members.begin(), groups, out.members.begin());
    std::copy_n(above.begin(), groups, out.above.begin());
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) std::uint32_t lane_total(const __m256i& v) {
    alignas(32) std::array<std::uint32_t, 8> lane;
    _mm256_store_si256(reinterpret_cast<__m256i*>(lane.data()), v);
    std::uint32_t sum = 0;
    for (const std::uint32_t x : lane) sum += x;
    return sum;
}

// Pass 1 for G groups, eight members at a time. Keys are compared as signed
// integers after flipping their top bit (AVX2 has no unsigned compare).
template <int G>
__attribute__((target("avx2"))) void count_chunk_avx2(const Chunk& c, const std::uint8_t* group, const float* value,
                                                      const BandTable& band, ChunkCounts& out) {
    __m256i members[G], above[G], lo[G], hi[G], id[G];
    for (int s = 0; s < G; ++s) {
        members[s] = above[s] = _mm256_setzero_si256();
        lo[s] = _mm256_set1_epi32(static_cast<int>(band.lo[static_cast<std::size_t>(s)] ^ 0x80000000u));
        hi[s] = _mm256_set1_epi32(static_cast<int>(band.hi[static_cast<std::size_t>(s)] ^ 0x80000000u));
        id[s] = _mm256_set1_epi32(s);
    }
    std::uint32_t i = c.begin;
    for (; i + 8 <= c.end; i += 8) {
        const __m256i bits = _mm256_castps_si256(_mm256_add_ps(_mm256_loadu_ps(value + i), _mm256_setzero_ps()));
        // key ^ 2^31: a positive float's bits; a negative one's with all but the sign flipped.
        const __m256i key =
            _mm256_xor_si256(bits, _mm256_and_si256(_mm256_srai_epi32(bits, 31), _mm256_set1_epi32(0x7fffffff)));
        const __m256i who = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(group + i)));
        __m256i inside = _mm256_setzero_si256();
        for (int s = 0; s < G; ++s) {
            const __m256i mine = _mm256_cmpeq_epi32(who, id[s]);
            const __m256i over = _mm256_cmpgt_epi32(key, hi[s]);
            members[s] = _mm256_sub_epi32(members[s], mine);
            above[s] = _mm256_sub_epi32(above[s], _mm256_and_si256(mine, over));
            inside = _mm256_or_si256(inside,
                                     _mm256_andnot_si256(_mm256_or_si256(over, _mm256_cmpgt_epi32(lo[s], key)), mine));
        }
        // Rare while the band is narrow: copy out the few keys inside it.
        if (!_mm256_testz_si256(inside, inside)) {
            const auto lanes = static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(inside)));
            for (unsigned j = 0; j < 8; ++j)
                if (lanes >> j & 1u) out.band[group[i + j]].push_back(key_of(value[i + j]));
        }
    }
    std::array<std::uint32_t, kIds> tail_members{}, tail_above{};
    count_scalar(group, value, i, c.end, band, tail_members, tail_above, out);
    for (std::size_t s = 0; s < G; ++s) {
        out.members[s] = lane_total(members[s]) + tail_members[s];
        out.above[s] = lane_total(above[s]) + tail_above[s];
    }
}
#endif

#if defined(__x86_64__)
// GCC 12 warns -Wmaybe-uninitialized inside its own AVX-512 intrinsics (the
// "undefined" source vector of the unmasked forms, GCC bug 105593): a false
// positive, silenced for this loop only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
// Pass 1 for G groups, sixteen members at a time, without a branch: the
// keys inside a band are packed (compress) and stored whole vectors at a
// time into per-thread room, then copied out. The AVX2 loop branches on
// finding any; with the band holding a few percent of values, that branch
// went either way.
template <int G>
__attribute__((target("avx512f"))) void count_chunk_avx512(const Chunk& c, const std::uint8_t* group,
                                                           const float* value, const BandTable& band,
                                                           ChunkCounts& out) {
    const std::size_t room = c.end - c.begin + 16;  // a whole vector past the last key
    thread_local std::vector<std::uint32_t> found;
    if (found.size() < G * room) found.resize(G * room);
    __m512i members[G], above[G], lo[G], hi[G], id[G];
    std::size_t inside_count[G];
    for (int s = 0; s < G; ++s) {
        members[s] = above[s] = _mm512_setzero_si512();
        lo[s] = _mm512_set1_epi32(static_cast<int>(band.lo[static_cast<std::size_t>(s)]));
        hi[s] = _mm512_set1_epi32(static_cast<int>(band.hi[static_cast<std::size_t>(s)]));
        id[s] = _mm512_set1_epi32(s);
        inside_count[s] = 0;
    }
    const __m512i one = _mm512_set1_epi32(1);
    const __m512i magnitude = _mm512_set1_epi32(0x7fffffff), sign = _mm512_set1_epi32(INT32_MIN);
    std::uint32_t i = c.begin;
    for (; i + 16 <= c.end; i += 16) {
        const __m512i bits = _mm512_castps_si512(_mm512_add_ps(_mm512_loadu_ps(value + i), _mm512_setzero_ps()));
        // float_order_key: a negative float's bits all flipped, a positive one's sign bit set.
        const __m512i key =
            _mm512_xor_si512(_mm512_xor_si512(bits, _mm512_and_si512(_mm512_srai_epi32(bits, 31), magnitude)), sign);
        const __m512i who = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(group + i)));
        for (int s = 0; s < G; ++s) {
            const __mmask16 mine = _mm512_cmpeq_epi32_mask(who, id[s]);
            const __mmask16 over = _mm512_mask_cmpgt_epu32_mask(mine, key, hi[s]);
            const __mmask16 inside = _mm512_mask_cmpge_epu32_mask(mine & static_cast<__mmask16>(~over), key, lo[s]);
            members[s] = _mm512_mask_add_epi32(members[s], mine, members[s], one);
            above[s] = _mm512_mask_add_epi32(above[s], over, above[s], one);
            _mm512_storeu_si512(found.data() + static_cast<std::size_t>(s) * room + inside_count[s],
                                _mm512_maskz_compress_epi32(inside, key));
            inside_count[s] += static_cast<std::size_t>(__builtin_popcount(inside));
        }
    }
    for (std::size_t s = 0; s < G; ++s) {
        const std::uint32_t* keys = found.data() + s * room;
        out.band[s].assign(keys, keys + inside_count[s]);
    }
    std::array<std::uint32_t, kIds> tail_members{}, tail_above{};
    count_scalar(group, value, i, c.end, band, tail_members, tail_above, out);
    for (std::size_t s = 0; s < G; ++s) {
        out.members[s] = static_cast<std::uint32_t>(_mm512_reduce_add_epi32(members[s])) + tail_members[s];
        out.above[s] = static_cast<std::uint32_t>(_mm512_reduce_add_epi32(above[s])) + tail_above[s];
    }
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif

// Pass 2 for members i in [begin, end), one at a time, into lane i % 4.
// Adding +0.0 leaves a lane as it is (no lane is ever -0.0: they start at
// +0.0), so this gives what the vector loop's masked additions give.
void sum_scalar(const std::uint8_t* group, const float* value, std::uint32_t begin, std::uint32_t end,
                const std::array<float, kIds>& threshold, std::array<std::array<double, kLanes>, kIds>& total,
                std::array<std::array<double, kLanes>, kIds>& top) {
    for (std::uint32_t i = begin; i < end; ++i) {
        const std::uint8_t g = group[i];
        const float x = value[i];
        total[g][i % kLanes] += x;
        top[g][i % kLanes] += only_if(x > threshold[g], x);  // GCC branches on a ?: here
    }
}

void sum_chunk_scalar(const Chunk& c, const std::uint8_t* group, const float* value, std::size_t groups,
                      const std::array<float, kIds>& threshold, ChunkCounts& out) {
    std::array<std::array<double, kLanes>, kIds> total{}, top{};
    sum_scalar(group, value, c.begin, c.end, threshold, total, top);
    out.total.resize(groups);
    out.top.resize(groups);
    for (std::size_t g = 0; g < groups; ++g) {
        out.total[g] = lane_sum(total[g]);
        out.top[g] = lane_sum(top[g]);
    }
}

#if defined(__x86_64__)
// Pass 2 for G groups, four members (one per lane) at a time.
template <int G>
__attribute__((target("avx2"))) void sum_chunk_avx2(const Chunk& c, const std::uint8_t* group, const float* value,
                                                    const std::array<float, kIds>& threshold, ChunkCounts& out) {
    __m256d total[G], top[G], t[G];
    __m256i id[G];
    for (int s = 0; s < G; ++s) {
        total[s] = top[s] = _mm256_setzero_pd();
        t[s] = _mm256_set1_pd(threshold[static_cast<std::size_t>(s)]);
        id[s] = _mm256_set1_epi64x(s);
    }
    std::uint32_t i = c.begin;
    for (; i + kLanes <= c.end; i += kLanes) {
        const __m256d x = _mm256_cvtps_pd(_mm_loadu_ps(value + i));
        std::int32_t four;
        std::memcpy(&four, group + i, sizeof four);
        const __m256i who = _mm256_cvtepu8_epi64(_mm_cvtsi32_si128(four));
        for (int s = 0; s < G; ++s) {
            const __m256d mine = _mm256_and_pd(_mm256_castsi256_pd(_mm256_cmpeq_epi64(who, id[s])), x);
            total[s] = _mm256_add_pd(total[s], mine);
            top[s] = _mm256_add_pd(top[s], _mm256_and_pd(_mm256_cmp_pd(x, t[s], _CMP_GT_OQ), mine));
        }
    }
    std::array<std::array<double, kLanes>, kIds> lane_total{}, lane_top{};
    for (std::size_t s = 0; s < G; ++s) {
        _mm256_storeu_pd(lane_total[s].data(), total[s]);
        _mm256_storeu_pd(lane_top[s].data(), top[s]);
    }
    sum_scalar(group, value, i, c.end, threshold, lane_total, lane_top);
    out.total.resize(G);
    out.top.resize(G);
    for (std::size_t s = 0; s < G; ++s) {
        out.total[s] = lane_sum(lane_total[s]);
        out.top[s] = lane_sum(lane_top[s]);
    }
}
#endif

#if defined(__x86_64__)
// Runs loop.template operator()<G>() for G = groups when the vector loops
// are taken and hold that many groups (1 to 4); returns whether it did.
template <class Loop>
bool run_vector_loop(const Chunk& c, std::size_t groups, Loop&& loop) {
    if (!avx2_loops() || c.begin % kLanes != 0) return false;
    switch (groups) {
        case 1:
            loop.template operator()<1>();
            return true;
        case 2:
            loop.template operator()<2>();
            return true;
        case 3:
            loop.template operator()<3>();
            return true;
        case 4:
            loop.template operator()<4>();
            return true;
        default:
            return false;
    }
}
#endif

void count_chunk(const Chunk& c, const std::uint8_t* group, const float* value, std::size_t groups,
                 const BandTable& band, ChunkCounts& out) {
    clear_counts(groups, out);
#if defined(__x86_64__)
    if (avx512_loops() &&
        run_vector_loop(c, groups, [&]<int G>() { count_chunk_avx512<G>(c, group, value, band, out); }))
        return;
    if (run_vector_loop(c, groups, [&]<int G>() { count_chunk_avx2<G>(c, group, value, band, out); })) return;
#endif
    count_chunk_scalar(c, group, value, groups, band, out);
}

void sum_chunk(const Chunk& c, const std::uint8_t* group, const float* value, std::size_t groups,
               const std::array<float, kIds>& threshold, ChunkCounts& out) {
#if defined(__x86_64__)
    if (run_vector_loop(c, groups, [&]<int G>() { sum_chunk_avx2<G>(c, group, value, threshold, out); })) return;
#endif
    sum_chunk_scalar(c, group, value, groups, threshold, out);
}

struct Selected {
    float value;
    std::size_t above;  // how many of the band's values are larger
};

// The rank-th largest (1: the largest) of group g's values in every chunk's band.
Selected select_in_bands(const std::vector<ChunkCounts>& chunks, std::size_t g, std::size_t rank) {
    thread_local std::vector<float> candidates;
    candidates.clear();
    for (const ChunkCounts& c : chunks)
        for (const std::uint32_t key : c.band[g]) candidates.push_back(float_from_order_key(key));
    const float t = kth_largest(candidates, rank);
    std::size_t above = 0;
    for (const float x : candidates) above += x > t;
    return {t, above};
}

}  // namespace

GroupTopShare::BandTable GroupTopShare::bands(std::size_t groups) const {
    BandTable band;
    band.lo.fill(UINT32_MAX);
    band.hi.fill(0);
    for (std::size_t g = 0; g < groups; ++g) {
        band.lo[g] = 0;
        band.hi[g] = UINT32_MAX;
        const Trend& t = trend_[g];
        if (!t.known) continue;
        // Where it would be if it moved as far again, give or take twice that.
        const std::int64_t centre = std::int64_t{t.key} + t.step;
        const std::int64_t half = std::max(kMinHalfWidth, 2 * std::abs(t.step));
        band.lo[g] = static_cast<std::uint32_t>(std::clamp<std::int64_t>(centre - half, 0, UINT32_MAX));
        band.hi[g] = static_cast<std::uint32_t>(std::clamp<std::int64_t>(centre + half, 0, UINT32_MAX));
    }
    return band;
}

void GroupTopShare::follow(std::size_t g, std::uint32_t key) {
    Trend& t = trend_[g];
    t.step = t.known ? std::int64_t{key} - std::int64_t{t.key} : 0;
    t.key = key;
    t.known = true;
}

std::vector<double> GroupTopShare::operator()(std::span<const std::uint8_t> group, std::span<const float> value,
                                              std::size_t groups, double top) {
    assert(value.size() == group.size() && groups <= kIds && top > 0.0 && top <= 1.0);
    if (trend_.size() != groups) trend_.assign(groups, Trend{});
    const Chunks chunks(static_cast<std::uint32_t>(group.size()));
    chunks_.resize(chunks.count());
    last_search_ = SearchCost{};

    BandTable band = bands(groups);
    const auto count = [&](const BandTable& table) {
        for_each_chunk(chunks, [&](const Chunk& c) {
            count_chunk(c, group.data(), value.data(), groups, table, chunks_[c.index]);
        });
    };
    count(band);

    // Each group's threshold, from its band; the groups whose threshold lies
    // outside their band are counted again with every value in it.
    std::vector<std::size_t> members(groups, 0), wanted(groups, 0), count_above(groups, 0);
    std::vector<float> threshold(groups, std::numeric_limits<float>::infinity());
    std::vector<char> missed(groups, 0);
    const auto find = [&](std::size_t g) {
        std::size_t above = 0, inside = 0;
        members[g] = 0;
        for (const ChunkCounts& c : chunks_) {
            members[g] += c.members[g];
            above += c.above[g];
            inside += c.band[g].size();
        }
        last_search_.band_values += inside;
        if (members[g] == 0) return true;
        wanted[g] = static_cast<std::size_t>(std::ceil(top * static_cast<double>(members[g])));
        if (wanted[g] <= above || wanted[g] > above + inside) return false;
        const Selected t = select_in_bands(chunks_, g, wanted[g] - above);
        threshold[g] = t.value;
        count_above[g] = above + t.above;
        return true;
    };
    bool any_missed = false;
    for (std::size_t g = 0; g < groups; ++g) any_missed |= (missed[g] = !find(g)) != 0;
    if (any_missed) {
        for (std::size_t g = 0; g < groups; ++g) {
            band.lo[g] = missed[g] ? 0 : UINT32_MAX;
            band.hi[g] = missed[g] ? UINT32_MAX : 0;
        }
        count(band);
        for (std::size_t g = 0; g < groups; ++g)
            if (missed[g]) {
                ++last_search_.misses;
                [[maybe_unused]] const bool found = find(g);
                assert(found);
            }
    }

    std::array<float, kIds> t{};
    std::copy(threshold.begin(), threshold.end(), t.begin());
    for_each_chunk(chunks,
                   [&](const Chunk& c) { sum_chunk(c, group.data(), value.data(), groups, t, chunks_[c.index]); });

    std::vector<double> share(groups, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t g = 0; g < groups; ++g) {
        if (members[g] == 0) continue;
        follow(g, key_of(threshold[g]));
        double total = 0.0, above = 0.0;
        for (const ChunkCounts& c : chunks_) {
            total += c.total[g];
            above += c.top[g];
        }
        if (total <= 0.0) continue;
        // The members tied at t make up the top's k at t's value.
        share[g] = (above + static_cast<double>(wanted[g] - count_above[g]) * threshold[g]) / total;
    }
    return share;
}

}  // namespace sim
