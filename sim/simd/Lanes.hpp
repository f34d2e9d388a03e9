#pragma once
// The engine's side of a loop over W customers at a time: loading columns
// of narrower types into 64-bit lanes (Pack), storing them back, taking
// words out of counter-based blocks, and turning masks into bits. These are
// what vector extensions cannot say well, so each has a portable version
// and, on x86, one with the instructions of the target the loop is compiled
// for (sim/simd/X86Lanes.hpp; Dispatch.hpp picks the target at run time).
// The model's formulas never see them: they are written over Pack and
// Mask (sim/simd/Pack.hpp).
#include "sim/random/CounterStream.hpp"
#include "sim/simd/Isa.hpp"
#include "sim/simd/Pack.hpp"
#include "sim/util/ListLanes.hpp"

// Clang refuses a call between a function compiled for AVX and one compiled
// without it when a 256- or 512-bit vector is passed (the ABI differs), and
// the portable Lanes functions are compiled for the default target and
// inlined into the dispatched loop only later. So clang builds (the
// sanitizer and fuzzing builds) take the portable versions, which give the
// same bits (tests/unit/test_lanes.cpp); GCC builds, the release ones, take
// the x86 ones.
#if defined(__x86_64__) && !defined(__clang__)
#define CRMSIM_X86_LANES 1
#include "sim/simd/X86Lanes.hpp"
#else
#define CRMSIM_X86_LANES 0
#endif

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

namespace sim {

// Bit j of b to byte j of a word (j < 8), without a loop: b copied into
// every byte, byte j keeps its bit j (0 or 2^j), and adding 0x7F to a byte
// sets its top bit exactly when the byte is not 0 (0x80 + 0x7F carries
// into no other byte).
inline std::uint64_t spread_bits(unsigned b) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ull;
    const std::uint64_t own_bit = (std::uint64_t{b & 0xFFu} * kOnes) & 0x8040201008040201ull;
    return ((own_bit + 0x7F * kOnes) & (0x80 * kOnes)) >> 7;
}

// Tag: as for Pack (sim/simd/Pack.hpp), a type of the loop's own when the
// loop is compiled once per target.
template <Isa I, int W, class Tag = void>
struct Lanes {
    static constexpr Isa isa = I;
    static constexpr int width = W;
    using tag = Tag;
    using D = Pack<double, W, Tag>;
    using U = Pack<std::uint64_t, W, Tag>;
    using S = Pack<std::int64_t, W, Tag>;
    using M = Mask<W, Tag>;

#if CRMSIM_X86_LANES
    // The x86 versions exist for four lanes (AVX2, which every AVX-512
    // processor has too) and eight (AVX-512).
    static constexpr bool x86_4 = I != Isa::Scalar && W == 4;
    static constexpr bool x86_8 = I == Isa::Avx512 && W == 8;
#else
    static constexpr bool x86_4 = false;
    static constexpr bool x86_8 = false;
#endif

    template <class N>
    static auto narrow(const N* p) {
        typename detail::VectorOf<N, W>::type n;
        std::memcpy(&n, p, sizeof n);
        return n;
    }

    static D load(const double* p) {
        return D::load(p);
    }

    // W bytes, one per lane.
    static U bytes(const std::uint8_t* p) {
#if CRMSIM_X86_LANES
        if constexpr (x86_4) return x86::bytes4(p);
        if constexpr (x86_8) return x86::bytes8(p);
#endif
        return __builtin_convertvector(narrow(p), typename U::Vec);
    }

    // W 32-bit words, one per lane (zero-extended).
    static U words(const std::uint32_t* p) {
#if CRMSIM_X86_LANES
        if constexpr (x86_4) return x86::words4(p);
        if constexpr (x86_8) return x86::words8(p);
#endif
        return __builtin_convertvector(narrow(p), typename U::Vec);
    }

    // W 64-bit integers.
    static S longs(const std::int64_t* p) {
        return S::load(p);
    }
    static U longs(const std::uint64_t* p) {
        return U::load(p);
    }

    // W 32-bit integers as doubles (exact).
    static D int_doubles(const std::int32_t* p) {
#if CRMSIM_X86_LANES
        if constexpr (x86_4) return x86::int_doubles4(p);
        if constexpr (x86_8) return x86::int_doubles8(p);
#endif
        return __builtin_convertvector(narrow(p), typename D::Vec);
    }

    // W floats as doubles (exact).
    static D float_doubles(const float* p) {
#if CRMSIM_X86_LANES
        if constexpr (x86_4) return x86::float_doubles4(p);
        if constexpr (x86_8) return x86::float_doubles8(p);
#endif
        return __builtin_convertvector(narrow(p), typename D::Vec);
    }

    // Word w of W consecutive counter-based blocks, one per lane.
    static U block_word(const Block4* blocks, int w) {
#if CRMSIM_X86_LANES
        if constexpr (x86_4) return x86::block_word4(blocks, w);
        if constexpr (x86_8) return x86::block_word8(blocks, w);
#endif
        U r;
        for (int j = 0; j < W; ++j) r.v[j] = blocks[j][w];
        return r;
    }

    // Bit j set where lane j holds.
    static unsigned bits(M m) {
#if CRMSIM_X86_LANES
        if constexpr (x86_4) return x86::bits4(m.v);
        if constexpr (x86_8) return x86::bits8(m.v);
#endif
        unsigned b = 0;
        for (int j = 0; j < W; ++j) b |= static_cast<unsigned>(m.v[j] != 0) << j;
        return b;
    }

    // The mask of lanes whose bit is set in b.
    static M from_bits(unsigned b) {
        M m;
        for (int j = 0; j < W; ++j) m.v[j] = ((b >> j) & 1u) ? -1 : 0;
        return m;
    }

    // Stores x's lanes where m holds; the others keep what p holds. Masked
    // at the memory: other threads may write the lanes not stored.
    static void store_where(double* p, M m, D x) {
#if CRMSIM_X86_LANES
        if constexpr (x86_4) return x86::store_where4(p, m.v, x.v);
#endif
        for (int j = 0; j < W; ++j)
            if (m.v[j]) p[j] = x.v[j];
    }
    static void store_where(std::int32_t* p, M m, std::int32_t value) {
#if CRMSIM_X86_LANES
        if constexpr (x86_4) return x86::store_where4(p, m.v, value);
        if constexpr (x86_8) return x86::store_where8(p, m.v, value);
#endif
        for (int j = 0; j < W; ++j)
            if (m.v[j]) p[j] = value;
    }
    static void store_where(float* p, M m, D x) {
#if CRMSIM_X86_LANES
        if constexpr (x86_4) return x86::store_floats_where4(p, m.v, x.v);
        if constexpr (x86_8) return x86::store_floats_where8(p, m.v, x.v);
#endif
        for (int j = 0; j < W; ++j)
            if (m.v[j]) p[j] = static_cast<float>(x.v[j]);
    }

    // W 32-bit integers as doubles, read only where m holds (0 elsewhere):
    // other threads may be writing the others.
    static D int_doubles_where(const std::int32_t* p, M m) {
#if CRMSIM_X86_LANES
        if constexpr (x86_4) return x86::int_doubles_where4(p, m.v);
        if constexpr (x86_8) return x86::int_doubles_where8(p, m.v);
#endif
        D r;
        for (int j = 0; j < W; ++j) r.v[j] = m.v[j] ? p[j] : 0;
        return r;
    }

    // Entry idx (0 .. 3) of a four-entry table, per lane.
    template <class T>
    static Pack<T, W, Tag> pick(const std::array<T, 4>& table, U idx) {
#if CRMSIM_X86_LANES
        if constexpr (x86_4) return x86::pick4(table.data(), idx.v);
        if constexpr (x86_8) return x86::pick8(table.data(), idx.v);
#endif
        Pack<T, W, Tag> r;
        for (int j = 0; j < W; ++j) r.v[j] = table[idx.v[j]];
        return r;
    }

    // Adds 1 to byte j of p for bit j of up, subtracts 1 for bit j of down.
    static void step_bytes(std::uint8_t* p, unsigned up, unsigned down) {
        static_assert(W <= 8, "a group's bytes are stepped as one 64-bit word");
        std::uint64_t bytes = 0;
        std::memcpy(&bytes, p, W);
        bytes = bytes + spread_bits(up) - spread_bits(down);
        std::memcpy(p, &bytes, W);
    }

    // Writes first + j for the lanes j in `bits` to out[0 ..], in order;
    // returns how many. Writes up to W entries (room: kListSlack).
    static std::uint32_t list(unsigned bits, std::uint32_t first, std::uint16_t* out) {
#if CRMSIM_X86_LANES
        if constexpr (I != Isa::Scalar && W >= 4 && W <= 8) return list_lanes(bits, first, out);
#endif
        std::uint32_t n = 0;
        for (int j = 0; j < W; ++j) {  // without a branch: whether a lane is listed is a coin toss
            out[n] = static_cast<std::uint16_t>(first + j);
            n += (bits >> j) & 1u;
        }
        return n;
    }

    // Stores each lane's low 32 bits (as a cast to std::uint32_t would).
    static void store_words(std::uint32_t* p, U x) {
        const auto words = __builtin_convertvector(x.v, typename detail::VectorOf<std::uint32_t, W>::type);
        std::memcpy(p, &words, sizeof words);
    }

    // Stores each lane as a float (as static_cast<float> would).
    static void store_floats(float* p, D x) {
        const auto floats = __builtin_convertvector(x.v, typename detail::VectorOf<float, W>::type);
        std::memcpy(p, &floats, sizeof floats);
    }

    // W 32-bit integers, all `value`.
    static void fill(std::int32_t* p, std::int32_t value) {
        for (int j = 0; j < W; ++j) p[j] = value;
    }
};

// sim::to_unit of each lane's 32-bit word, exactly: 2^52 + w has w in its
// low mantissa bits, so subtracting 2^52 converts exactly, and the scaling
// by 2^-32 is exact too.
template <int W, class Tag>
Pack<double, W, Tag> unit_doubles(Pack<std::uint64_t, W, Tag> words) {
    using D = Pack<double, W, Tag>;
    const Pack<std::uint64_t, W, Tag> magic_bits(0x4330000000000000ull);  // 2^52
    return (bit_cast<double>(words | magic_bits) - D(0x1p52)) * D(0x1p-32);
}

// Each lane's integer (below 2^52) as a double, exactly, by the same trick.
template <int W, class Tag>
Pack<double, W, Tag> small_doubles(Pack<std::uint64_t, W, Tag> x) {
    const Pack<std::uint64_t, W, Tag> magic_bits(0x4330000000000000ull);  // 2^52
    return bit_cast<double>(x | magic_bits) - Pack<double, W, Tag>(0x1p52);
}

inline double unit_doubles(std::uint64_t word) {
    return to_unit(static_cast<std::uint32_t>(word));
}

}  // namespace sim
