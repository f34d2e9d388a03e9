// A batch's Poisson purchase counts (models/market/PurchaseCounts.hpp): the
// engine's sim::poisson_by_inversion over lanes, compiled once per vector
// target (CRMSIM_LOOP_SOURCES in CMakeLists.txt; this file's packs are
// tagged with its own type, Local, so its instances stay private to it).
#include "models/market/PurchaseCounts.hpp"
#include "models/mechanisms/Purchases.hpp"
#include "sim/random/PoissonInversion.hpp"
#include "sim/simd/Lanes.hpp"

#ifndef CRMSIM_LOOP_ISA
#error "compiled once per target: CRMSIM_LOOP_ISA names the target (Scalar, Avx2, Avx512)"
#endif

namespace models {
namespace {

constexpr sim::Isa kIsa = sim::Isa::CRMSIM_LOOP_ISA;
constexpr std::uint32_t kWidth = kIsa == sim::Isa::Avx512 ? 8 : kIsa == sim::Isa::Avx2 ? 4 : 1;
// How many vectors count at once, sharing the inversion's latency: with
// AVX-512 four took 2 to 3 % off the lifecycle's decide phase against two,
// although the longest of 32 counts runs a little longer than the longest
// of 16; six took longer again. With AVX2, two.
constexpr std::uint32_t kVectors = kIsa == sim::Isa::Avx512 ? 4 : kIsa == sim::Isa::Avx2 ? 2 : 1;

struct Local {};

// Customers k .. k + W - 1, W lanes at once. A rate above the limit is
// left to the caller: its lane does not count.
template <std::uint32_t W>
void count_group(const float* rate, const float* p0, const std::uint32_t* u, std::uint32_t k, std::uint32_t* counts) {
    using L = sim::Lanes<kIsa, static_cast<int>(W), Local>;
    using D = typename L::D;
    const D mean = L::float_doubles(rate + k);
    const auto n = sim::poisson_by_inversion<typename L::U>(mean, L::float_doubles(p0 + k),
                                                            sim::unit_doubles(L::words(u + k)),
                                                            mean <= D(kInversionLimit));
    for (std::uint32_t j = 0; j < W; ++j)
        counts[k + j] = rate[k + j] <= kInversionLimit ? static_cast<std::uint32_t>(n[j]) : kNotCounted;
}

void count(const float* rate, const float* p0, const std::uint32_t* u, std::uint32_t n, std::uint32_t* counts) {
    std::uint32_t k = 0;
    if constexpr (kVectors >= 4)
        for (; k + 4 * kWidth <= n; k += 4 * kWidth) count_group<4 * kWidth>(rate, p0, u, k, counts);
    if constexpr (kVectors >= 2)
        for (; k + 2 * kWidth <= n; k += 2 * kWidth) count_group<2 * kWidth>(rate, p0, u, k, counts);
    for (; k + kWidth <= n; k += kWidth) count_group<kWidth>(rate, p0, u, k, counts);
    for (; k < n; ++k) count_group<1>(rate, p0, u, k, counts);
}

}  // namespace

template <>
void count_purchases_on<kIsa>(const float* rate, const float* p0, const std::uint32_t* u, std::uint32_t n,
                              std::uint32_t* counts) {
    count(rate, p0, u, n, counts);
}

}  // namespace models
