#pragma once
// The bare RM-1 kernel of issue 7: RM-1's tick written by hand, as a yardstick
// for crmsim on the same machine at the same moment (this shared virtual
// machine's speed drifts by a third from one day to the next, so a figure is
// only worth its ratio to this one, measured alongside).
//
// What the issue describes and nothing more: structure-of-arrays state, one
// Philox block per customer and tick keyed by (customer, tick) so that it is
// deterministic for any thread count, integer word-of-mouth counters, no
// recording, no config, no strategies. It keeps only the tallies it cannot do
// without (revenue and movers per firm), so that the work cannot be optimised
// away. It draws with Random123's scalar Philox, as a straightforward kernel
// would; crmsim's batched AVX2 draws are one of the things meant to beat it.
#include "sim/network/Network.hpp"

#include <Random123/philox.h>
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <vector>

namespace bench {

class Rm1BareKernel {
public:
    Rm1BareKernel(const sim::Network& network, std::uint64_t seed)
        : net_(network),
          n_(network.nodes()),
          key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}},
          firm_(n_),
          sat_(n_, 0.7),
          next_sat_(n_),
          spend_(n_),
          moves_(n_),
          heard_(n_) {
        const double sigma = 1.7;
        const double mu = std::log(50.0) - sigma * sigma / 2;
        for (std::uint32_t i = 0; i < n_; ++i) {
            const auto b = draw(kInit, i, 0);
            firm_[i] = b[0] & 1u;
            spend_[i] = std::exp(mu + sigma * normal(b[1], b[2]));
        }
    }

    // One synchronous tick; returns the revenue of both firms, kept only so
    // the compiler cannot drop the work (an OpenMP reduction: its last bits
    // depend on the thread count, unlike the customers' state).
    double tick(std::uint32_t t) {
        double revenue = 0.0;
        const auto n = static_cast<std::int64_t>(n_);
#pragma omp parallel for schedule(static) reduction(+ : revenue)
        for (std::int64_t i = 0; i < n; ++i) revenue += decide(static_cast<std::uint32_t>(i), t);
#pragma omp parallel for schedule(static)
        for (std::int64_t j = 0; j < n; ++j) apply(static_cast<std::uint32_t>(j));
        return revenue;
    }

    std::size_t bytes() const {
        return n_ * (sizeof(std::uint8_t) * 2 + sizeof(double) * 3 + sizeof(std::int32_t)) + net_.bytes();
    }

private:
    enum Purpose : std::uint32_t { kInit = 1, kTick = 2, kFailure = 3, kStory = 4 };
    enum Outcome { kSilent, kUnresolved, kResolved, kQuick };

    using Block = r123::Philox4x32::ctr_type;
    Block draw(std::uint32_t purpose, std::uint32_t agent, std::uint32_t t, std::uint32_t index = 0) const {
        return r123::Philox4x32{}(Block{{agent, t, purpose, index}}, key_);
    }
    static double unit(std::uint32_t w) {
        return w * 0x1p-32;
    }
    static double normal(std::uint32_t a, std::uint32_t b) {
        return std::sqrt(-2.0 * std::log(1.0 - unit(a))) * std::cos(6.283185307179586 * unit(b));
    }

    double decide(std::uint32_t i, std::uint32_t t) {
        const std::uint8_t f = firm_[i];
        const double s = sat_[i];
        const auto b = draw(kTick, i, t);
        if (unit(b[0]) >= 0.10) {  // no failure
            next_sat_[i] = s + 0.05 * (1.0 - s);
            moves_[i] = unit(b[1]) < 0.02 * (1.0 - s);
            return spend_[i];
        }
        const bool major = unit(b[1]) < 0.30;
        Outcome outcome = kSilent;
        if (unit(b[2]) < (major ? 0.50 : 0.30)) {
            const double u = unit(b[3]);
            const double quick = f == 0 ? 0.50 : 0.20;
            outcome = u < quick ? kQuick : u < quick + 0.30 ? kResolved : kUnresolved;
        }
        static constexpr double kR[4][2] = {{0.37, 0.09}, {0.46, 0.19}, {0.70, 0.54}, {0.95, 0.82}};
        const double r = kR[outcome][major];
        next_sat_[i] = r;
        moves_[i] = unit(draw(kFailure, i, t)[0]) < 1.0 - r;
        if (outcome == kQuick) tell(i, t, f, 0.05, +1);
        if (outcome == kSilent || outcome == kUnresolved) tell(i, t, f, 0.10, -1);
        return spend_[i];
    }

    // Each neighbour hears with probability p, one word per edge; only
    // stories about the hearer's own firm count.
    void tell(std::uint32_t i, std::uint32_t t, std::uint8_t f, double p, std::int32_t sign) {
        const auto nbrs = net_.neighbours(i);
        for (std::size_t e = 0; e < nbrs.size(); e += 4) {
            const auto b = draw(kStory, i, t, static_cast<std::uint32_t>(e / 4));
            for (std::size_t k = e; k < std::min(e + 4, nbrs.size()); ++k) {
                const std::uint32_t j = nbrs[k];
                if (unit(b[k - e]) < p && firm_[j] == f)
                    std::atomic_ref<std::int32_t>(heard_[j]).fetch_add(sign, std::memory_order_relaxed);
            }
        }
    }

    // Branch-free (the movers are a random few per cent): the compiler
    // vectorises it.
    void apply(std::uint32_t j) {
        const bool moves = moves_[j];
        const double kept = std::min(std::max(next_sat_[j] + 0.02 * heard_[j], 0.0), 1.0);
        sat_[j] = moves ? 0.60 : kept;
        firm_[j] ^= static_cast<std::uint8_t>(moves);
        heard_[j] = 0;
    }

    const sim::Network& net_;
    std::uint32_t n_;
    r123::Philox4x32::key_type key_;
    std::vector<std::uint8_t> firm_;
    std::vector<double> sat_, next_sat_, spend_;
    std::vector<std::uint8_t> moves_;
    std::vector<std::int32_t> heard_;
};

}  // namespace bench
