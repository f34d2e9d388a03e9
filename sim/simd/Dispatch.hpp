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

}  // namespace sim
