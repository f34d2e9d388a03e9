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

// The width CRMSIM_SIMD names (native when unset), or false if it names none.
inline bool parse_isa(const char* v, Isa& isa) {
    if (v == nullptr || *v == '\0' || std::strcmp(v, "native") == 0) return isa = Isa::Avx512, true;
    if (std::strcmp(v, "scalar") == 0) return isa = Isa::Scalar, true;
    if (std::strcmp(v, "avx2") == 0) return isa = Isa::Avx2, true;
    if (std::strcmp(v, "avx512") == 0) return isa = Isa::Avx512, true;
    return false;
}
}  // namespace detail

// Whether CRMSIM_SIMD is unset or names a width; if not, says so on stderr,
// naming the value. An unknown value is an error: a differential run that
// silently took another width would compare nothing. The loops read it only
// once they run, by which time a program may have created its output, so
// crmsim checks it first.
inline bool simd_request_ok() {
    Isa isa;
    const char* v = std::getenv("CRMSIM_SIMD");
    if (detail::parse_isa(v, isa)) return true;
    std::fprintf(stderr, "crmsim: CRMSIM_SIMD=%s: must be scalar, avx2, avx512 or native\n", v);
    return false;
}

namespace detail {
// CRMSIM_SIMD, or native when unset; exits with status 2 (bad input) on an
// unknown value, for a program that did not check it first.
inline Isa requested_isa() {
    // A library has no better way to refuse the environment it was started in.
    if (!simd_request_ok()) std::exit(2);
    Isa isa = Isa::Avx512;
    parse_isa(std::getenv("CRMSIM_SIMD"), isa);
    return isa;
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
