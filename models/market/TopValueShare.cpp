#include "models/market/TopValueShare.hpp"

#include "models/market/FirmTally.hpp"
#include "sim/util/Avx2Loops.hpp"
#include "sim/util/KthLargest.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace models {
namespace {

using ChunkCounts = TopValueShare::ChunkCounts;

constexpr std::uint32_t kLanes = 4;
// The narrowest band, in keys: about 1 % of the threshold's value either side
// (a key step of 2^23 doubles a positive float).
constexpr std::int64_t kMinHalfWidth = std::int64_t{1} << 17;
constexpr std::size_t kIds = 256;  // every firm byte, so that no-firm ids need no branch

// -0.0 and +0.0 are one value here: both get +0.0's key, so that the keys'
// order is exactly the floats' order.
inline std::uint32_t key_of(float x) {
    return sim::float_order_key(x + 0.0f);
}

using BandTable = TopValueShare::BandTable;
static_assert(std::tuple_size_v<decltype(BandTable::lo)> == kIds);

// The four lanes of a chunk's sum, added in a fixed order.
inline double lane_sum(const std::array<double, kLanes>& lane) {
    return (lane[0] + lane[1]) + (lane[2] + lane[3]);
}

void clear_counts(std::size_t firms, ChunkCounts& out) {
    out.customers.assign(firms, 0);
    out.above.assign(firms, 0);
    out.band.resize(firms);
    for (auto& b : out.band) b.clear();
}

// Pass 1 for customers i in [begin, end), one at a time.
void count_scalar(const std::uint8_t* firm, const float* value, std::uint32_t begin, std::uint32_t end,
                  const BandTable& band, std::array<std::uint32_t, kIds>& customers,
                  std::array<std::uint32_t, kIds>& above, ChunkCounts& out) {
    for (std::uint32_t i = begin; i < end; ++i) {
        const std::uint8_t f = firm[i];
        const std::uint32_t key = key_of(value[i]);
        ++customers[f];
        above[f] += key > band.hi[f];
        if (key >= band.lo[f] && key <= band.hi[f]) out.band[f].push_back(key);
    }
}

void count_chunk_scalar(const sim::Chunk& c, const std::uint8_t* firm, const float* value, std::size_t firms,
                        const BandTable& band, ChunkCounts& out) {
    std::array<std::uint32_t, kIds> customers{}, above{};
    count_scalar(firm, value, c.begin, c.end, band, customers, above, out);
    std::copy_n(customers.begin(), firms, out.customers.begin());
    std::copy_n(above.begin(), firms, out.above.begin());
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) std::uint32_t lane_total(const __m256i& v) {
    alignas(32) std::array<std::uint32_t, 8> lane;
    _mm256_store_si256(reinterpret_cast<__m256i*>(lane.data()), v);
    std::uint32_t sum = 0;
    for (const std::uint32_t x : lane) sum += x;
    return sum;
}

// Pass 1 for F firms, eight customers at a time. Keys are compared as signed
// integers after flipping their top bit (AVX2 has no unsigned compare).
template <int F>
__attribute__((target("avx2"))) void count_chunk_avx2(const sim::Chunk& c, const std::uint8_t* firm, const float* value,
                                                      const BandTable& band, ChunkCounts& out) {
    __m256i customers[F], above[F], lo[F], hi[F], id[F];
    for (int s = 0; s < F; ++s) {
        customers[s] = above[s] = _mm256_setzero_si256();
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
        const __m256i who = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(firm + i)));
        __m256i inside = _mm256_setzero_si256();
        for (int s = 0; s < F; ++s) {
            const __m256i mine = _mm256_cmpeq_epi32(who, id[s]);
            const __m256i over = _mm256_cmpgt_epi32(key, hi[s]);
            customers[s] = _mm256_sub_epi32(customers[s], mine);
            above[s] = _mm256_sub_epi32(above[s], _mm256_and_si256(mine, over));
            inside = _mm256_or_si256(inside,
                                     _mm256_andnot_si256(_mm256_or_si256(over, _mm256_cmpgt_epi32(lo[s], key)), mine));
        }
        // Rare while the band is narrow: copy out the few keys inside it.
        if (!_mm256_testz_si256(inside, inside)) {
            const auto lanes = static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(inside)));
            for (unsigned j = 0; j < 8; ++j)
                if (lanes >> j & 1u) out.band[firm[i + j]].push_back(key_of(value[i + j]));
        }
    }
    std::array<std::uint32_t, kIds> tail_customers{}, tail_above{};
    count_scalar(firm, value, i, c.end, band, tail_customers, tail_above, out);
    for (std::size_t s = 0; s < F; ++s) {
        out.customers[s] = lane_total(customers[s]) + tail_customers[s];
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
// Pass 1 for F firms, sixteen customers at a time, without a branch: the
// keys inside a band are packed (compress) and stored whole vectors at a
// time into per-thread room, then copied out. The AVX2 loop branches on
// finding any; with the band holding a few percent of values, that branch
// went either way.
template <int F>
__attribute__((target("avx512f"))) void count_chunk_avx512(const sim::Chunk& c, const std::uint8_t* firm,
                                                           const float* value, const BandTable& band,
                                                           ChunkCounts& out) {
    const std::size_t room = c.end - c.begin + 16;  // a whole vector past the last key
    thread_local std::vector<std::uint32_t> found;
    if (found.size() < F * room) found.resize(F * room);
    __m512i customers[F], above[F], lo[F], hi[F], id[F];
    std::size_t inside_count[F];
    for (int s = 0; s < F; ++s) {
        customers[s] = above[s] = _mm512_setzero_si512();
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
        // sim::float_order_key: a negative float's bits all flipped, a positive one's sign bit set.
        const __m512i key =
            _mm512_xor_si512(_mm512_xor_si512(bits, _mm512_and_si512(_mm512_srai_epi32(bits, 31), magnitude)), sign);
        const __m512i who = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(firm + i)));
        for (int s = 0; s < F; ++s) {
            const __mmask16 mine = _mm512_cmpeq_epi32_mask(who, id[s]);
            const __mmask16 over = _mm512_mask_cmpgt_epu32_mask(mine, key, hi[s]);
            const __mmask16 inside = _mm512_mask_cmpge_epu32_mask(mine & static_cast<__mmask16>(~over), key, lo[s]);
            customers[s] = _mm512_mask_add_epi32(customers[s], mine, customers[s], one);
            above[s] = _mm512_mask_add_epi32(above[s], over, above[s], one);
            _mm512_storeu_si512(found.data() + static_cast<std::size_t>(s) * room + inside_count[s],
                                _mm512_maskz_compress_epi32(inside, key));
            inside_count[s] += static_cast<std::size_t>(__builtin_popcount(inside));
        }
    }
    for (std::size_t s = 0; s < F; ++s) {
        const std::uint32_t* keys = found.data() + s * room;
        out.band[s].assign(keys, keys + inside_count[s]);
    }
    std::array<std::uint32_t, kIds> tail_customers{}, tail_above{};
    count_scalar(firm, value, i, c.end, band, tail_customers, tail_above, out);
    for (std::size_t s = 0; s < F; ++s) {
        out.customers[s] = static_cast<std::uint32_t>(_mm512_reduce_add_epi32(customers[s])) + tail_customers[s];
        out.above[s] = static_cast<std::uint32_t>(_mm512_reduce_add_epi32(above[s])) + tail_above[s];
    }
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif

// Pass 2 for customers i in [begin, end), one at a time, into lane i % 4.
// Adding +0.0 leaves a lane as it is (no lane is ever -0.0: they start at
// +0.0), so this gives what the vector loop's masked additions give.
void sum_scalar(const std::uint8_t* firm, const float* value, std::uint32_t begin, std::uint32_t end,
                const std::array<float, kIds>& threshold, std::array<std::array<double, kLanes>, kIds>& total,
                std::array<std::array<double, kLanes>, kIds>& top) {
    for (std::uint32_t i = begin; i < end; ++i) {
        const std::uint8_t f = firm[i];
        const float x = value[i];
        total[f][i % kLanes] += x;
        top[f][i % kLanes] += only_if(x > threshold[f], x);  // GCC branches on a ?: here
    }
}

void sum_chunk_scalar(const sim::Chunk& c, const std::uint8_t* firm, const float* value, std::size_t firms,
                      const std::array<float, kIds>& threshold, ChunkCounts& out) {
    std::array<std::array<double, kLanes>, kIds> total{}, top{};
    sum_scalar(firm, value, c.begin, c.end, threshold, total, top);
    out.total.resize(firms);
    out.top.resize(firms);
    for (std::size_t f = 0; f < firms; ++f) {
        out.total[f] = lane_sum(total[f]);
        out.top[f] = lane_sum(top[f]);
    }
}

#if defined(__x86_64__)
// Pass 2 for F firms, four customers (one per lane) at a time.
template <int F>
__attribute__((target("avx2"))) void sum_chunk_avx2(const sim::Chunk& c, const std::uint8_t* firm, const float* value,
                                                    const std::array<float, kIds>& threshold, ChunkCounts& out) {
    __m256d total[F], top[F], t[F];
    __m256i id[F];
    for (int s = 0; s < F; ++s) {
        total[s] = top[s] = _mm256_setzero_pd();
        t[s] = _mm256_set1_pd(threshold[static_cast<std::size_t>(s)]);
        id[s] = _mm256_set1_epi64x(s);
    }
    std::uint32_t i = c.begin;
    for (; i + kLanes <= c.end; i += kLanes) {
        const __m256d x = _mm256_cvtps_pd(_mm_loadu_ps(value + i));
        std::int32_t four;
        std::memcpy(&four, firm + i, sizeof four);
        const __m256i who = _mm256_cvtepu8_epi64(_mm_cvtsi32_si128(four));
        for (int s = 0; s < F; ++s) {
            const __m256d mine = _mm256_and_pd(_mm256_castsi256_pd(_mm256_cmpeq_epi64(who, id[s])), x);
            total[s] = _mm256_add_pd(total[s], mine);
            top[s] = _mm256_add_pd(top[s], _mm256_and_pd(_mm256_cmp_pd(x, t[s], _CMP_GT_OQ), mine));
        }
    }
    std::array<std::array<double, kLanes>, kIds> lane_total{}, lane_top{};
    for (std::size_t s = 0; s < F; ++s) {
        _mm256_storeu_pd(lane_total[s].data(), total[s]);
        _mm256_storeu_pd(lane_top[s].data(), top[s]);
    }
    sum_scalar(firm, value, i, c.end, threshold, lane_total, lane_top);
    out.total.resize(F);
    out.top.resize(F);
    for (std::size_t s = 0; s < F; ++s) {
        out.total[s] = lane_sum(lane_total[s]);
        out.top[s] = lane_sum(lane_top[s]);
    }
}
#endif

#if defined(__x86_64__)
// Runs loop.template operator()<F>() for F = firms when the vector loops
// are taken and hold that many firms (1 to 4); returns whether it did.
template <class Loop>
bool run_vector_loop(const sim::Chunk& c, std::size_t firms, Loop&& loop) {
    if (!sim::avx2_loops() || c.begin % kLanes != 0) return false;
    switch (firms) {
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

void count_chunk(const sim::Chunk& c, const std::uint8_t* firm, const float* value, std::size_t firms,
                 const BandTable& band, ChunkCounts& out) {
    clear_counts(firms, out);
#if defined(__x86_64__)
    if (sim::avx512_loops() &&
        run_vector_loop(c, firms, [&]<int F>() { count_chunk_avx512<F>(c, firm, value, band, out); }))
        return;
    if (run_vector_loop(c, firms, [&]<int F>() { count_chunk_avx2<F>(c, firm, value, band, out); })) return;
#endif
    count_chunk_scalar(c, firm, value, firms, band, out);
}

void sum_chunk(const sim::Chunk& c, const std::uint8_t* firm, const float* value, std::size_t firms,
               const std::array<float, kIds>& threshold, ChunkCounts& out) {
#if defined(__x86_64__)
    if (run_vector_loop(c, firms, [&]<int F>() { sum_chunk_avx2<F>(c, firm, value, threshold, out); })) return;
#endif
    sum_chunk_scalar(c, firm, value, firms, threshold, out);
}

struct Selected {
    float value;
    std::size_t above;  // how many of the band's values are larger
};

// The rank-th largest (1: the largest) of firm f's values in every chunk's band.
Selected select_in_bands(const std::vector<ChunkCounts>& chunks, std::size_t f, std::size_t rank) {
    thread_local std::vector<float> candidates;
    candidates.clear();
    for (const ChunkCounts& c : chunks)
        for (const std::uint32_t key : c.band[f]) candidates.push_back(sim::float_from_order_key(key));
    const float t = sim::kth_largest(candidates, rank);
    std::size_t above = 0;
    for (const float x : candidates) above += x > t;
    return {t, above};
}

}  // namespace

TopValueShare::BandTable TopValueShare::bands(std::size_t firms) const {
    BandTable band;
    band.lo.fill(UINT32_MAX);
    band.hi.fill(0);
    for (std::size_t f = 0; f < firms; ++f) {
        band.lo[f] = 0;
        band.hi[f] = UINT32_MAX;
        const Trend& t = trend_[f];
        if (!t.known) continue;
        // Where it would be if it moved as far again, give or take twice that.
        const std::int64_t centre = std::int64_t{t.key} + t.step;
        const std::int64_t half = std::max(kMinHalfWidth, 2 * std::abs(t.step));
        band.lo[f] = static_cast<std::uint32_t>(std::clamp<std::int64_t>(centre - half, 0, UINT32_MAX));
        band.hi[f] = static_cast<std::uint32_t>(std::clamp<std::int64_t>(centre + half, 0, UINT32_MAX));
    }
    return band;
}

void TopValueShare::follow(std::size_t f, std::uint32_t key) {
    Trend& t = trend_[f];
    t.step = t.known ? std::int64_t{key} - std::int64_t{t.key} : 0;
    t.key = key;
    t.known = true;
}

std::vector<double> TopValueShare::operator()(std::span<const std::uint8_t> firm, std::span<const float> value,
                                              std::size_t firms, double top) {
    assert(value.size() == firm.size() && firms <= kIds && top > 0.0 && top <= 1.0);
    if (trend_.size() != firms) trend_.assign(firms, Trend{});
    const sim::Chunks chunks(static_cast<std::uint32_t>(firm.size()));
    chunks_.resize(chunks.count());
    last_search_ = SearchCost{};

    BandTable band = bands(firms);
    const auto count = [&](const BandTable& table) {
        sim::for_each_chunk(chunks, [&](const sim::Chunk& c) {
            count_chunk(c, firm.data(), value.data(), firms, table, chunks_[c.index]);
        });
    };
    count(band);

    // Each firm's threshold, from its band; the firms whose threshold lies
    // outside their band are counted again with every value in it.
    std::vector<std::size_t> customers(firms, 0), wanted(firms, 0), count_above(firms, 0);
    std::vector<float> threshold(firms, std::numeric_limits<float>::infinity());
    std::vector<char> missed(firms, 0);
    const auto find = [&](std::size_t f) {
        std::size_t above = 0, inside = 0;
        customers[f] = 0;
        for (const ChunkCounts& c : chunks_) {
            customers[f] += c.customers[f];
            above += c.above[f];
            inside += c.band[f].size();
        }
        last_search_.band_values += inside;
        if (customers[f] == 0) return true;
        wanted[f] = static_cast<std::size_t>(std::ceil(top * static_cast<double>(customers[f])));
        if (wanted[f] <= above || wanted[f] > above + inside) return false;
        const Selected t = select_in_bands(chunks_, f, wanted[f] - above);
        threshold[f] = t.value;
        count_above[f] = above + t.above;
        return true;
    };
    bool any_missed = false;
    for (std::size_t f = 0; f < firms; ++f) any_missed |= (missed[f] = !find(f)) != 0;
    if (any_missed) {
        for (std::size_t f = 0; f < firms; ++f) {
            band.lo[f] = missed[f] ? 0 : UINT32_MAX;
            band.hi[f] = missed[f] ? UINT32_MAX : 0;
        }
        count(band);
        for (std::size_t f = 0; f < firms; ++f)
            if (missed[f]) {
                ++last_search_.misses;
                [[maybe_unused]] const bool found = find(f);
                assert(found);
            }
    }

    std::array<float, kIds> t{};
    std::copy(threshold.begin(), threshold.end(), t.begin());
    sim::for_each_chunk(
        chunks, [&](const sim::Chunk& c) { sum_chunk(c, firm.data(), value.data(), firms, t, chunks_[c.index]); });

    std::vector<double> share(firms, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t f = 0; f < firms; ++f) {
        if (customers[f] == 0) continue;
        follow(f, key_of(threshold[f]));
        double total = 0.0, above = 0.0;
        for (const ChunkCounts& c : chunks_) {
            total += c.total[f];
            above += c.top[f];
        }
        if (total <= 0.0) continue;
        // The customers tied at t make up the top's k at t's value.
        share[f] = (above + static_cast<double>(wanted[f] - count_above[f]) * threshold[f]) / total;
    }
    return share;
}

}  // namespace models
