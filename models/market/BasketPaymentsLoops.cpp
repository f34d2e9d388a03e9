// Paying for baskets (models/market/BasketPayments.hpp), written once over a
// lane type and compiled once per vector target, as QuietLifecycleLoops.cpp
// is (CRMSIM_LOOP_SOURCES in CMakeLists.txt; this file's packs are tagged
// with its own type, Local, so its instances stay private to it).
#include "models/market/BasketPayments.hpp"
#include "models/market/CustomerStatus.hpp"
#include "sim/simd/InterleavedSum.hpp"
#include "sim/simd/Lanes.hpp"
#include "sim/simd/TargetLoop.hpp"
#include "sim/util/AskAhead.hpp"

#include <array>
#include <cstring>

namespace models {
namespace {

using namespace sim::target_loop;  // kIsa, kWidth, Local, LanesOf: this file's target

using Sum = sim::InterleavedSum<Local>;

// The batch's sums per firm, held in registers while the loop runs; the
// purchases per lane too, added up when the batch is done.
struct Sums {
    using Counts = sim::Pack<std::uint64_t, kWidth, Local>;
    std::array<Sum, 4> revenue, cost;
    std::array<Counts, 4> purchases{Counts(0), Counts(0), Counts(0), Counts(0)};
    std::array<std::int64_t, 4>& out;

    explicit Sums(PaymentSums& s)
        : revenue{Sum(s.revenue[0]), Sum(s.revenue[1]), Sum(s.revenue[2]), Sum(s.revenue[3])},
          cost{Sum(s.service_cost[0]), Sum(s.service_cost[1]), Sum(s.service_cost[2]), Sum(s.service_cost[3])},
          out(s.purchases) {}
    Sums(const Sums&) = delete;
    Sums& operator=(const Sums&) = delete;
    ~Sums() {
        for (std::size_t f = 0; f < out.size(); ++f)
            for (std::uint32_t j = 0; j < kWidth; ++j) out[f] += static_cast<std::int64_t>(purchases[f][j]);
    }
};

// The RFM counters and the cost to serve, asked for 256 customers early
// (sim::ask_ahead): the hardware prefetcher does not keep up with every
// column a batch streams through, and this took 1 % off the decide phase
// (alternating ticks in one run).
inline void ask_for_paying(const BatchPayments& p, std::uint32_t i) {
    constexpr std::size_t kAhead = 256;
    if (p.counts_rfm) {  // a line asked for and not read costs bandwidth all the same
        sim::ask_ahead<true>(p.c.purchases, i + kAhead);
        sim::ask_ahead<true>(p.c.monetary, i + kAhead);
        sim::ask_ahead<true>(p.c.last_purchase, i + kAhead);
    }
    if (p.cost_to_serve) sim::ask_ahead(p.cost_to_serve, i + kAhead);
}

// Customers b + k .. b + k + W - 1 (L::width), lane j in tally lane
// (b + k + j) % 4: what Market::take_basket adds for each who takes a
// basket from a firm that does not act. Anyone else adds +0.0 to the sums,
// which leaves them unchanged, and bought nothing.
template <class L>
void pay_lanes(const BatchPayments& p, std::uint32_t b, std::uint32_t k, Sums& sums) {
    using D = typename L::D;
    using U = typename L::U;
    constexpr std::uint32_t W = L::width;
    const CustomerColumns& c = p.c;
    const std::uint32_t i = b + k;
    const U firm = L::bytes(c.firm + i);
    const auto takes = takes_basket(firm, L::bytes(c.status + i));
    const D amount = L::load(p.amount + k);
    const U bought = L::words(p.bought + k);
    const D served = p.cost_to_serve ? L::float_doubles(p.cost_to_serve + i) : D(p.shared_cost);
    for (std::size_t f = 0; f < 4; ++f) {  // four, so that the sums are indexed by constants and held in registers
        if (f == p.firm_count) break;
        const auto at_f = takes & (firm == U(f));
        if (p.charge_cost) sums.cost[f].add(i, sim::keep(at_f, served));
        sums.revenue[f].add(i, sim::keep(at_f, amount));
        if constexpr (W == kWidth)
            sums.purchases[f] = sums.purchases[f] + sim::keep(at_f, bought);
        else  // one at a time, in a wider loop's last few
            sums.out[f] += static_cast<std::int64_t>(sim::keep(at_f, bought)[0]);
    }
    // Their frequency, monetary value (a float sum: sim::lanes::round_to_float)
    // and last purchase; anyone who takes no basket bought nothing, and
    // their counters are stored unchanged.
    if (!p.counts_rfm) return;
    const auto any = bought > U(0);
    L::store_words(c.purchases + i, L::words(c.purchases + i) + bought);
    const D monetary = L::float_doubles(c.monetary + i);
    L::store_floats(c.monetary + i, sim::lanes::select(any, monetary + sim::lanes::round_to_float(amount), monetary));
    L::store_words(c.last_purchase + i, sim::lanes::select(any, U(p.tick + 1), L::words(c.last_purchase + i)));
}

void pay(const BatchPayments& p, std::uint32_t b, std::uint32_t n, PaymentSums& out) {
    Sums sums(out);
    std::uint32_t k = 0;
    for (; k + kWidth <= n; k += kWidth) {
        if constexpr (kWidth > 1)
            if (k % 16 == 0) ask_for_paying(p, b + k);
        pay_lanes<LanesOf<kWidth>>(p, b, k, sums);
    }
    for (; k < n; ++k) pay_lanes<LanesOf<1>>(p, b, k, sums);  // the population's last few
}

}  // namespace

template <>
void pay_for_baskets_on<kIsa>(const BatchPayments& p, std::uint32_t b, std::uint32_t n, PaymentSums& sums) {
    pay(p, b, n, sums);
}

}  // namespace models
