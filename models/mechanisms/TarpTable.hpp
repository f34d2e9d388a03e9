#pragma once
// The TARP table of a run (seed 000; DESIGN, "The TARP tree"): customers who
// met a failure, by severity and by how their complaint ended (silent,
// unresolved, resolved, resolved quickly), and how many were still with the
// firm `horizon` ticks later. A customer is observed from a failure until the
// horizon ends or they leave; a failure met while already observed does not
// open a second observation (the groups stay independent samples).
//
// Censoring: only observations that could complete within the run are
// counted, those opened at or before tick T - horizon of a run of T ticks.
// One opened later is still open at the end if the customer stays, so it
// could only ever be counted if they left; counting its leavers and not its
// stayers biased every share downwards (by 7 to 23 % at horizon 13 over 52
// ticks). With that rule each group's share is an unbiased estimate of the
// probability of staying `horizon` ticks.
//
// The recovery-paradox literature sets the groups beside customers who met no
// failure (Smith & Bolton 1998; de Matos, Henrique & Rossi 2007's
// meta-analysis compares recovered customers with "no failure" controls).
// With reference_every = k > 0, every active customer not under observation
// at ticks 0, k, 2k, ... opens a *reference* observation of the same length;
// a failure during it ends it uncounted and opens the failure's own (the
// reference is of customers who met no failure in the window). Each group,
// and the reference, also sums the satisfaction of those retained when the
// observation ends (TarpFollowUp), for their mean.
#include "models/mechanisms/ServiceOutcome.hpp"
#include "sim/simd/Pack.hpp"

#include <array>
#include <cstdint>

namespace models {

inline constexpr std::size_t kTarpGroups = 8;       // 2 severities x 4 outcomes after a failure
inline constexpr std::uint8_t kNotObserved = 0xFF;  // the tarp group of a customer not under observation
// The tarp group of a no-failure reference observation (after the failure groups).
inline constexpr std::uint8_t kTarpReference = kTarpGroups;
inline constexpr std::size_t kTarpRows = kTarpGroups + 1;  // the groups and the reference

constexpr std::uint8_t tarp_group(Severity s, Outcome o) {
    return static_cast<std::uint8_t>((index(s) - 1) * 4 + (index(o) - 1));
}
constexpr Severity tarp_severity(std::size_t group) {
    return static_cast<Severity>(group / 4 + 1);
}
constexpr Outcome tarp_outcome(std::size_t group) {
    return static_cast<Outcome>(group % 4 + 1);
}

struct TarpTracking {
    std::uint32_t horizon = 1;  // ticks from the failure (1: still with the firm at the end of that tick)
    // The run's length in ticks (set by the experiment that runs the market;
    // 0: unknown, every observation that ends is counted).
    std::uint32_t run_ticks = 0;
    // The first recorded tick (after a warm-up, experiment.warmup): an
    // observation opened before it belongs to the warm-up and is not counted.
    std::uint32_t first_tick = 0;
    // Every how many ticks active customers not under observation open a
    // no-failure reference observation (0: no reference row).
    std::uint32_t reference_every = 0;

private:
    // Written once over 32-bit ticks (std::uint32_t, or lanes holding
    // them): elapsed time wraps as 32-bit arithmetic does.
    template <class V>
    auto completes(V opened, std::uint32_t tick) const {
        return sim::lanes::wrap32(V(tick + 1) - opened) >= V(horizon);
    }

public:
    // Whether an observation opened at `opened` is complete at the end of `tick`.
    bool complete(std::uint32_t opened, std::uint32_t tick) const { return completes(opened, tick); }
    // The same for the lanes of a pack (each holding a 32-bit tick).
    template <int W, class Tag>
    sim::Mask<W, Tag> complete(sim::Pack<std::uint64_t, W, Tag> opened, std::uint32_t tick) const {
        return completes(opened, tick);
    }
    // Whether an observation opened at `opened` was opened in the recorded
    // ticks and can complete before the run ends (ticks first_tick ..
    // run_ticks - 1): only those are counted.
    bool counted(std::uint32_t opened) const {
        return opened >= first_tick && (run_ticks == 0 || std::uint64_t{opened} + horizon <= run_ticks);
    }
    // Whether reference observations open at the start of `tick`.
    bool opens_reference(std::uint32_t tick) const {
        return reference_every > 0 && tick >= first_tick && (tick - first_tick) % reference_every == 0 && counted(tick);
    }
    // Whether a failure met by a customer whose open observation is `group`
    // opens one of its own: none is open, or only a reference, which the
    // failure ends uncounted.
    static bool failure_opens(std::uint8_t group) { return group == kNotObserved || group == kTarpReference; }
};

struct TarpCounts {
    std::array<std::int64_t, kTarpGroups> customers{};
    std::array<std::int64_t, kTarpGroups> retained{};

    TarpCounts& operator+=(const TarpCounts& o) {
        for (std::size_t g = 0; g < kTarpGroups; ++g) {
            customers[g] += o.customers[g];
            retained[g] += o.retained[g];
        }
        return *this;
    }
};

// What the TARP table adds for the paradox comparison, kept apart from
// TarpCounts (whose layout a regression digest holds): the satisfaction of
// those retained, per group and for the reference ([kTarpReference]), and
// the reference's own counts.
struct TarpFollowUp {
    std::array<double, kTarpRows> satisfaction{};  // summed over the retained, when the observation ends
    std::int64_t reference_customers = 0;
    std::int64_t reference_retained = 0;

    TarpFollowUp& operator+=(const TarpFollowUp& o) {
        for (std::size_t g = 0; g < kTarpRows; ++g) satisfaction[g] += o.satisfaction[g];
        reference_customers += o.reference_customers;
        reference_retained += o.reference_retained;
        return *this;
    }
};

}  // namespace models
