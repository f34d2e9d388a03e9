#pragma once
// Run-time dispatch of a loop written once over sim::Lanes<I, W>: the loop
// is a class with a member template `template <sim::Isa I> R run(A...)`,
// and dispatch() calls the instance for the widest instructions allowed
// now (sim::widest_isa: the processor, CRMSIM_SIMD, tests). The AVX2 and
// AVX-512 instances are compiled for those targets and flattened: the
// loop and every function it calls (the model's formulas, compiled for the
// default target) are inlined into them, which GCC and Clang allow, so the
// formulas come out in that target's instructions without being written
// for it.
#include "sim/simd/Isa.hpp"
#include "sim/simd/Lanes.hpp"

#include <utility>

namespace sim {

namespace detail {
#if defined(__x86_64__)
template <class Loop, class... A>
[[gnu::target("avx2,popcnt"), gnu::flatten]] decltype(auto) run_avx2(const Loop& loop, A&&... a) {
    return loop.template run<Isa::Avx2>(std::forward<A>(a)...);
}
template <class Loop, class... A>
[[gnu::target("avx512f,avx512vl,avx512dq,avx512bw,bmi2,popcnt"), gnu::flatten]] decltype(auto) run_avx512(
    const Loop& loop, A&&... a) {
    return loop.template run<Isa::Avx512>(std::forward<A>(a)...);
}
#endif
}  // namespace detail

template <class Loop, class... A>
decltype(auto) dispatch(const Loop& loop, A&&... a) {
#if defined(__x86_64__)
    switch (widest_isa()) {
        case Isa::Avx512:
            return detail::run_avx512(loop, std::forward<A>(a)...);
        case Isa::Avx2:
            return detail::run_avx2(loop, std::forward<A>(a)...);
        case Isa::Scalar:
            break;
    }
#endif
    return loop.template run<Isa::Scalar>(std::forward<A>(a)...);
}

// The widest target whose instances of the loops compiled once per target
// this build holds: a source listed in CRMSIM_LOOP_SOURCES (CMakeLists.txt)
// is compiled for every vector target of the build's processor family, each
// time with that target's flags, so that every function its loops inline
// (the model's formulas included) is compiled for the target; it defines
// one instance of each loop per target (QuietLifecycleLoops.cpp).
inline constexpr Isa built_isa =
#if defined(CRMSIM_BUILT_AVX512)
    Isa::Avx512;
#elif defined(CRMSIM_BUILT_AVX2)
    Isa::Avx2;
#else
    Isa::Scalar;
#endif

// Calls call.template operator()<I>() for the widest target I allowed now
// (sim::widest_isa) of those built.
template <class Call>
decltype(auto) dispatch_built(Call&& call) {
    const Isa isa = widest_isa();
    if constexpr (built_isa >= Isa::Avx512)
        if (isa == Isa::Avx512) return call.template operator()<Isa::Avx512>();
    if constexpr (built_isa >= Isa::Avx2)
        if (isa >= Isa::Avx2) return call.template operator()<Isa::Avx2>();
    return call.template operator()<Isa::Scalar>();
}

}  // namespace sim
