#include "models/market/QuietTicks.hpp"

#include "models/market/CustomerStatus.hpp"
#include "models/market/DrawPurpose.hpp"
#include "models/market/FirmTally.hpp"
#include "models/mechanisms/ServiceOutcome.hpp"
#include "models/mechanisms/TarpTable.hpp"
#include "models/mechanisms/WordOfMouth.hpp"
#include "sim/simd/Dispatch.hpp"
#include "sim/simd/InterleavedSum.hpp"
#include "sim/util/ListLanes.hpp"

#include <bit>
#include <cstring>

namespace models {
namespace {

constexpr std::uint32_t kTallyLanes = InterleavedTally::kLanes;
static_assert(kTallyLanes == sim::InterleavedSum<>::kLanes, "revenue and satisfaction sums are kept per tally lane");

// How many customers the vector loops take at a time: one per tally lane,
// so lane j always adds to tally lane j (the population's first customer
// starts a group).
constexpr int width(sim::Isa isa) {
    return isa == sim::Isa::Scalar ? 1 : static_cast<int>(kTallyLanes);
}

// Quiet-tick decisions of customers i .. i + W - 1 (L::width; draws[j]:
// customer i + j's kEncounter block), written once for every width with
// the mechanisms' own formulas. Returns the eventful ones as bits (bit j:
// customer i + j). Their next_satisfaction, next_firm and outcome are
// written too; the general code writes them again.
template <class L>
unsigned decide_lanes(const QuietDecision& q, std::uint32_t i, const sim::Block4* draws, QuietCounts& counts,
                      sim::InterleavedSum<>& revenue0, sim::InterleavedSum<>& revenue1) {
    using D = typename L::D;
    using S = typename L::S;
    using U = typename L::U;
    constexpr int W = L::width;
    const U firm = L::bytes(q.firm + i);
    const auto at0 = firm == U(0), at1 = firm == U(1);
    const D spend = L::load(q.spend + i);
    revenue0.add(i, sim::keep(at0, spend));  // +0.0 for the other firm leaves a sum unchanged
    revenue1.add(i, sim::keep(at1, spend));
    if (sim::lanes::any(firm == U(kNoFirm))) {
        // A prospect among them: never quiet, and nothing of theirs is
        // written here. Their lanes one at a time.
        if constexpr (W == 1) {
            return 1;
        } else {
            using L1 = sim::Lanes<L::isa, 1>;
            unsigned events = 0;
            for (std::uint32_t j = 0; j < W; ++j) {
                std::array<double, kTallyLanes> none{};
                sim::InterleavedSum<> ignored0(none), ignored1(none);  // revenue is added above
                events |= decide_lanes<L1>(q, i + j, draws + j, counts, ignored0, ignored1) << j;
            }
            return events;
        }
    }
    const S fail_word = sim::bit_cast<std::int64_t>(L::block_word(draws, kLaneFailure));
    const U switch_word = L::block_word(draws, kLaneSwitch);
    const S bound0 = static_cast<std::int64_t>(q.fails[0].bound()),
            bound1 = static_cast<std::int64_t>(q.fails[1].bound());
    const auto fails = fail_word < sim::lanes::select(at1, bound1, bound0);  // sim::BernoulliBound
    const auto observed = L::bytes(q.tarp_group + i) != U(kNotObserved);
    const D s = L::load(q.satisfaction + i);
    const auto eventful = fails | observed | (s < D(q.dissatisfied_below));
    q.update.after_good_service(s).store(q.next_satisfaction + i);
    const auto leaves = ~eventful & (sim::unit_doubles(switch_word) < q.switching.drift(s));  // sim::bernoulli

    const unsigned eventful_bits = L::bits(eventful), leaver_bits = L::bits(leaves);
    std::memcpy(q.next_firm + i, q.firm + i, W);
    for (unsigned m = leaver_bits; m != 0; m &= m - 1) {  // few: a branch each is cheap
        const std::uint32_t j = i + static_cast<std::uint32_t>(std::countr_zero(m));
        q.next_firm[j] = SwitchingHazard::competitor(q.firm[j], 2, 0);
    }
    std::memset(q.outcome + i, static_cast<int>(Outcome::NoFailure), W);

    const unsigned bits1 = L::bits(at1), bits0 = L::bits(at0), quiet = ~eventful_bits & L::bits(at0 | at1);
    counts.customers[0] += std::popcount(bits0);
    counts.customers[1] += std::popcount(bits1);
    counts.quiet[0] += std::popcount(quiet & bits0);
    counts.quiet[1] += std::popcount(quiet & bits1);
    counts.leavers[0] += std::popcount(leaver_bits & bits0);
    counts.leavers[1] += std::popcount(leaver_bits & bits1);
    return eventful_bits;
}

struct DecideQuiet {
    template <sim::Isa I>
    std::uint32_t run(const QuietDecision& q, std::uint32_t b, std::uint32_t n, const sim::Block4* draws,
                      std::uint16_t* eventful, QuietCounts& counts, LaneSums& revenue) const {
        constexpr std::uint32_t W = width(I);
        sim::InterleavedSum<> revenue0(revenue[0]), revenue1(revenue[1]);
        std::uint32_t events = 0, k = 0;
        const auto list = [&](unsigned bits) {
            for (unsigned m = bits; m != 0; m &= m - 1)
                eventful[events++] = static_cast<std::uint16_t>(k + std::countr_zero(m));
        };
        for (; k + W <= n; k += W)
            list(decide_lanes<sim::Lanes<I, W>>(q, b + k, draws + k, counts, revenue0, revenue1));
        for (; k < n; ++k) list(decide_lanes<sim::Lanes<I, 1>>(q, b + k, draws + k, counts, revenue0, revenue1));
        return events;
    }
};

// Settles the stayers among people i .. i + W - 1 and counts everyone; the
// movers among them (movers[m ..]) were settled by the general code as
// settled[m ..]: their lanes take that and are not stored over.
template <class L>
void settle_lanes(const QuietSettlement& q, std::uint32_t i, std::span<const std::uint32_t> movers,
                  std::span<const Settled> settled, std::size_t& m, SettledCounts& counts, sim::InterleavedSum<>& sum0,
                  sim::InterleavedSum<>& sum1) {
    using D = typename L::D;
    using U = typename L::U;
    constexpr std::uint32_t W = L::width;
    U firm = L::bytes(q.firm + i);
    D s = WordOfMouth::after_stories(L::load(q.next_satisfaction + i), L::int_doubles(q.stories + i), q.effect);
    if (m < movers.size() && movers[m] < i + W) {
        unsigned stay = (1u << W) - 1;
        for (; m < movers.size() && movers[m] < i + W; ++m) {
            const std::uint32_t j = movers[m] - i;
            stay &= ~(1u << j);
            s.v[j] = settled[m].satisfaction;
            firm.v[j] = settled[m].firm;
        }
        const auto stays = L::from_bits(stay);
        L::store_where(q.satisfaction + i, stays, s);
        L::store_where(q.stories + i, stays, 0);
    } else {
        s.store(q.satisfaction + i);
        L::fill(q.stories + i, 0);
    }
    const auto at0 = firm == U(0), at1 = firm == U(1);
    sum0.add(i, sim::keep(at0, s));
    sum1.add(i, sim::keep(at1, s));
    const unsigned bits0 = L::bits(at0), bits1 = L::bits(at1);
    const unsigned promoters = L::bits(s >= D(q.promoter_from)), detractors = L::bits(s < D(q.detractor_below));
    counts.customers[0] += std::popcount(bits0);
    counts.customers[1] += std::popcount(bits1);
    counts.promoters[0] += std::popcount(promoters & bits0);
    counts.promoters[1] += std::popcount(promoters & bits1);
    counts.detractors[0] += std::popcount(detractors & bits0);
    counts.detractors[1] += std::popcount(detractors & bits1);
}

struct SettleStayers {
    template <sim::Isa I>
    void run(const QuietSettlement& q, std::uint32_t begin, std::uint32_t end, std::span<const std::uint32_t> movers,
             std::span<const Settled> settled, SettledCounts& counts) const {
        constexpr std::uint32_t W = width(I);
        sim::InterleavedSum<> sum0(counts.satisfaction[0]), sum1(counts.satisfaction[1]);
        std::size_t m = 0;
        std::uint32_t i = begin;
        for (; i + W <= end; i += W) settle_lanes<sim::Lanes<I, W>>(q, i, movers, settled, m, counts, sum0, sum1);
        for (; i < end; ++i) settle_lanes<sim::Lanes<I, 1>>(q, i, movers, settled, m, counts, sum0, sum1);
    }
};

}  // namespace

std::uint32_t decide_quiet_customers(const QuietDecision& q, std::uint32_t b, std::uint32_t n, const sim::Block4* draws,
                                     std::uint16_t* eventful, QuietCounts& counts, LaneSums& revenue) {
    // A group of four must start on tally lane 0.
    if (b % kTallyLanes != 0) return DecideQuiet{}.run<sim::Isa::Scalar>(q, b, n, draws, eventful, counts, revenue);
    return sim::dispatch(DecideQuiet{}, q, b, n, draws, eventful, counts, revenue);
}

void list_movers(const std::uint8_t* firm, const std::uint8_t* next_firm, std::uint32_t begin, std::uint32_t end,
                 std::vector<std::uint32_t>& movers) {
    sim::list_changed_bytes(firm, next_firm, begin, end, kNoFirm, movers);
}

void settle_stayers(const QuietSettlement& q, std::uint32_t begin, std::uint32_t end,
                    std::span<const std::uint32_t> movers, std::span<const Settled> settled, SettledCounts& counts) {
    if (begin % kTallyLanes != 0) return SettleStayers{}.run<sim::Isa::Scalar>(q, begin, end, movers, settled, counts);
    sim::dispatch(SettleStayers{}, q, begin, end, movers, settled, counts);
}

}  // namespace models
