#pragma once
// Which vector instructions the loops may use: the widest the processor has,
// narrowed by CRMSIM_SIMD in the environment (scalar, avx2, avx512 or
// native; read once) and by tests (allow_avx2_loops, allow_avx512_loops,
// sim/util/Avx2Loops.hpp). Results do not depend on it (every loop is
// bit-identical at every width); speed does, and tests compare them.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace sim {

enum class Isa : std::uint8_t { Scalar = 0, Avx2 = 1, Avx512 = 2 };

namespace detail {
inline std::atomic<bool> avx2_loops_allowed{true};
inline std::atomic<bool> avx512_loops_allowed{true};

// The processor's widest: AVX-512 needs F, VL, DQ and BW (every processor
// with AVX-512 shipped since 2017 has them) and the loops use BMI2 and
// POPCNT beside it.
inline Isa processor_isa() {
#if defined(__x86_64__)
    const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
    const bool avx512 = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
                        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
                        __builtin_cpu_supports("bmi2");
    return avx512 ? Isa::Avx512 : avx2 ? Isa::Avx2 : Isa::Scalar;
#else
    return Isa::Scalar;
#endif
}

// CRMSIM_SIMD, or native when unset. An unknown value is an error: a
// differential run that silently took another width would compare nothing.
inline Isa requested_isa() {
    const char* v = std::getenv("CRMSIM_SIMD");
    if (v == nullptr || *v == '\0' || std::strcmp(v, "native") == 0) return Isa::Avx512;
    if (std::strcmp(v, "scalar") == 0) return Isa::Scalar;
    if (std::strcmp(v, "avx2") == 0) return Isa::Avx2;
    if (std::strcmp(v, "avx512") == 0) return Isa::Avx512;
    // A library has no better way to refuse the environment it was started in.
    std::fputs("crmsim: CRMSIM_SIMD must be scalar, avx2, avx512 or native\n", stderr);
    std::exit(2);
}
}  // namespace detail

// The widest instructions the loops take now.
inline Isa widest_isa() {
    static const Isa allowed = [] {
        const Isa cpu = detail::processor_isa(), asked = detail::requested_isa();
        return asked < cpu ? asked : cpu;
    }();
    Isa isa = allowed;
    if (!detail::avx512_loops_allowed.load(std::memory_order_relaxed) && isa > Isa::Avx2) isa = Isa::Avx2;
    if (!detail::avx2_loops_allowed.load(std::memory_order_relaxed)) isa = Isa::Scalar;
    return isa;
}

}  // namespace sim
