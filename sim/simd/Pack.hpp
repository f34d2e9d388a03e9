#pragma once
// W lanes of one 64-bit type, for formulas written once for one customer
// (double, bool) and for several at a time (Pack, Mask). Built on GCC and
// Clang vector extensions, not on intrinsics: the same source compiles for
// SSE2, AVX2, AVX-512 and ARM NEON, and where it is inlined into a function
// compiled for a wider target (sim/simd/Dispatch.hpp) the compiler uses
// that target's instructions.
//
// Bit-identical to the scalar code by construction: every operator is the
// IEEE operation lane by lane (the build forbids fused multiply-add), and
// the helpers in sim::lanes (select, min, max, pow, exp) are defined for
// double and for Pack with the same semantics: min and max as std::min and
// std::max (the first argument unless the comparison says otherwise, so
// -0.0 and NaN come out alike), pow and exp as std::pow and std::exp applied
// per lane.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace sim {

namespace detail {
template <class T, int W>
struct VectorOf {
    typedef T type __attribute__((vector_size(sizeof(T) * W)));
};
}  // namespace detail

// Tag: a type that only the loops of one translation unit use (void
// elsewhere). A loop compiled once per target (sim/simd/Dispatch.hpp) tags
// its packs with a type of its own unnamed namespace, so that every
// function instantiated over them has internal linkage: the copies compiled
// for AVX-512 can never stand in, at link time, for the ones compiled for
// another target (one definition of an inline function is kept per program).

// W truth values, one per 64-bit lane: all bits set where true.
template <int W, class Tag = void>
struct Mask {
    using Bits = typename detail::VectorOf<std::int64_t, W>::type;
    Bits v;

    static Mask all(bool b) { return {Bits{} + static_cast<std::int64_t>(b ? -1 : 0)}; }
    bool operator[](int j) const { return v[j] != 0; }

    friend Mask operator&(Mask a, Mask b) { return {a.v & b.v}; }
    friend Mask operator|(Mask a, Mask b) { return {a.v | b.v}; }
    friend Mask operator^(Mask a, Mask b) { return {a.v ^ b.v}; }
    friend Mask operator~(Mask a) { return {~a.v}; }
};

// W values of T (double, std::int64_t or std::uint64_t), one per lane.
template <class T, int W, class Tag = void>
struct Pack {
    static_assert(sizeof(T) == 8, "lanes are 64 bits wide: one mask type serves every pack");
    using Vec = typename detail::VectorOf<T, W>::type;
    static constexpr int width = W;
    Vec v;

    Pack() = default;
    constexpr Pack(Vec x) : v(x) {}
    // Every lane x: lets formulas mix constants and lanes (1.0 - s).
    Pack(T x) : v(Vec{} + x) {}

    static Pack load(const T* p) {
        Pack r;
        std::memcpy(&r.v, p, sizeof r.v);
        return r;
    }
    void store(T* p) const { std::memcpy(p, &v, sizeof v); }
    T operator[](int j) const { return v[j]; }

    friend Pack operator+(Pack a, Pack b) { return a.v + b.v; }
    friend Pack operator-(Pack a, Pack b) { return a.v - b.v; }
    friend Pack operator-(Pack a) { return -a.v; }  // a sign flip, as for one double (-0.0 from 0.0)
    friend Pack operator*(Pack a, Pack b) { return a.v * b.v; }
    friend Pack operator/(Pack a, Pack b) { return a.v / b.v; }
    friend Mask<W, Tag> operator<(Pack a, Pack b) { return {a.v < b.v}; }
    friend Mask<W, Tag> operator<=(Pack a, Pack b) { return {a.v <= b.v}; }
    friend Mask<W, Tag> operator>(Pack a, Pack b) { return {a.v > b.v}; }
    friend Mask<W, Tag> operator>=(Pack a, Pack b) { return {a.v >= b.v}; }
    friend Mask<W, Tag> operator==(Pack a, Pack b) { return {a.v == b.v}; }
    friend Mask<W, Tag> operator!=(Pack a, Pack b) { return {a.v != b.v}; }
    template <class U = T, class = std::enable_if_t<std::is_integral_v<U>>>
    friend Pack operator&(Pack a, Pack b) {
        return a.v & b.v;
    }
    template <class U = T, class = std::enable_if_t<std::is_integral_v<U>>>
    friend Pack operator|(Pack a, Pack b) {
        return a.v | b.v;
    }
    template <class U = T, class = std::enable_if_t<std::is_integral_v<U>>>
    friend Pack operator^(Pack a, Pack b) {
        return a.v ^ b.v;
    }
    friend Pack operator<<(Pack a, int n) { return a.v << n; }
    friend Pack operator>>(Pack a, int n) { return a.v >> n; }
};

// The same lanes' bits as another 64-bit type (no conversion).
template <class To, class From, int W, class Tag>
Pack<To, W, Tag> bit_cast(Pack<From, W, Tag> x) {
    return reinterpret_cast<typename Pack<To, W, Tag>::Vec>(x.v);
}

// Each lane converted to To (as static_cast would).
template <class To, class From, int W, class Tag>
Pack<To, W, Tag> convert(Pack<From, W, Tag> x) {
    return __builtin_convertvector(x.v, typename Pack<To, W, Tag>::Vec);
}

// A pack's lanes where m holds, zero elsewhere.
template <class T, int W, class Tag>
Pack<T, W, Tag> keep(Mask<W, Tag> m, Pack<T, W, Tag> x) {
    using Vec = typename Pack<T, W, Tag>::Vec;
    return reinterpret_cast<Vec>(reinterpret_cast<typename Mask<W, Tag>::Bits>(x.v) & m.v);
}

namespace lanes {

// a where m holds, else b.
inline double select(bool m, double a, double b) {
    return m ? a : b;
}
template <class T, int W, class Tag>
Pack<T, W, Tag> select(Mask<W, Tag> m, Pack<T, W, Tag> a, Pack<T, W, Tag> b) {
    return m.v ? a.v : b.v;
}
template <int W, class Tag>
Mask<W, Tag> select(Mask<W, Tag> m, Mask<W, Tag> a, Mask<W, Tag> b) {
    return {(a.v & m.v) | (b.v & ~m.v)};
}
inline bool select(bool m, bool a, bool b) {
    return m ? a : b;
}

// std::max and std::min, lane by lane, to the bit.
template <class V>
V max(V a, V b) {
    return select(a < b, b, a);
}
template <class V>
V min(V a, V b) {
    return select(b < a, b, a);
}

// Each lane rounded to float precision (as static_cast<float> rounds it)
// and kept as a double, exactly. A float sum a + b, computed as
// round_to_float(double(a) + double(b)), gives the float addition's bits:
// rounding twice is harmless when the wider format has at least 2p + 2
// bits for the narrower one's p (53 >= 2 * 24 + 2; Figueroa 1995, "When is
// double rounding innocuous?").
inline double round_to_float(double x) {
    return static_cast<float>(x);
}
template <int W, class Tag>
Pack<double, W, Tag> round_to_float(Pack<double, W, Tag> x) {
    using Floats = typename detail::VectorOf<float, W>::type;
    return __builtin_convertvector(__builtin_convertvector(x.v, Floats), typename Pack<double, W, Tag>::Vec);
}

// std::pow and std::exp of every lane (no vector version gives their bits).
inline double pow(double x, double y) {
    return std::pow(x, y);
}
template <int W, class Tag>
Pack<double, W, Tag> pow(Pack<double, W, Tag> x, double y) {
    for (int j = 0; j < W; ++j) x.v[j] = std::pow(x.v[j], y);
    return x;
}
inline double exp(double x) {
    return std::exp(x);
}
template <int W, class Tag>
Pack<double, W, Tag> exp(Pack<double, W, Tag> x) {
    for (int j = 0; j < W; ++j) x.v[j] = std::exp(x.v[j]);
    return x;
}

// a and not b.
inline bool and_not(bool a, bool b) {
    return a && !b;
}
template <int W, class Tag>
Mask<W, Tag> and_not(Mask<W, Tag> a, Mask<W, Tag> b) {
    return {a.v & ~b.v};
}

// x modulo 2^32: lanes holding 32-bit counters (ticks) wrap as
// std::uint32_t does.
inline std::uint32_t wrap32(std::uint32_t x) {
    return x;
}
template <int W, class Tag>
Pack<std::uint64_t, W, Tag> wrap32(Pack<std::uint64_t, W, Tag> x) {
    return x & Pack<std::uint64_t, W, Tag>(0xFFFFFFFFu);
}

// Whether any lane holds.
inline bool any(bool m) {
    return m;
}
template <int W, class Tag>
bool any(Mask<W, Tag> m) {
    for (int j = 0; j < W; ++j)
        if (m.v[j]) return true;
    return false;
}

}  // namespace lanes

}  // namespace sim
