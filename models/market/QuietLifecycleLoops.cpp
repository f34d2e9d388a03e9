// The lifecycle's quiet loops (models/market/QuietLifecycle.hpp), written
// once over a lane type. This file is compiled once per vector target, with
// that target's flags (CMakeLists.txt: CRMSIM_LOOP_ISA is Scalar, Avx2 or
// Avx512), so that every formula the loops inline from models/mechanisms/
// is compiled for the target too; GCC lowers a generic vector operation in
// a function compiled for the default target to scalar code before it is
// inlined anywhere, which ran these loops at half speed when they were
// instances of one file dispatched by sim::dispatch. Everything the loops
// instantiate is over packs tagged with this file's own type (Local), so it
// has internal linkage and no other file's copy of an inline function can
// be replaced by this one's at link time (checked by the test
// TargetLoopsStayPrivate).
#include "models/market/CustomerStatus.hpp"
#include "models/market/DrawPurpose.hpp"
#include "models/market/QuietLifecycleTargets.hpp"
#include "models/mechanisms/ServiceOutcome.hpp"
#include "models/mechanisms/WordOfMouth.hpp"
#include "sim/simd/InterleavedSum.hpp"
#include "sim/simd/KeyHistogram.hpp"
#include "sim/simd/Lanes.hpp"
#include "sim/simd/TargetLoop.hpp"
#include "sim/util/AskAhead.hpp"
#include "sim/util/ListLanes.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <type_traits>

namespace models {
namespace {

using namespace sim::target_loop;  // kIsa, kWidth, Local, LanesOf: this file's target

// The loops below stream through a dozen or more columns, and the hardware
// prefetcher does not keep up with them all: the widest columns' lines are
// asked for kAhead customers early (sim::ask_ahead). That took 10 % off
// settling (512 ahead did no better) and 1 % off the quiet decide loop
// (alternating ticks in one run).
constexpr std::uint32_t kAhead = 256;

inline void ask_for_settling(const LifecycleSettlement& q, std::uint32_t i) {
    const CustomerColumns& c = q.c;
    sim::ask_ahead(c.next_satisfaction, i + kAhead);
    sim::ask_ahead<true>(c.satisfaction, i + kAhead);
    if (i % 16 == 0) {  // one line holds sixteen of these
        if (q.expectation_effect != 0.0) sim::ask_ahead<true>(c.expectation, i + kAhead);
        sim::ask_ahead<true>(c.stories, i + kAhead);
    }
}

// The quiet decide loop's columns, and those it reads for people with no
// firm: their stories, and with network influence their rows' offsets
// (whose difference is the degree) and adopter counts. These last were
// asked for a batch ahead, all at the batch's start, and still stalled the
// loop; asked for here with the rest, 4.5 % came off the lifecycle's tick
// (alternating ticks in one run, both orders, three runs: 0.954 to 0.957).
// Only the columns the market's mechanisms read are asked for: a line
// asked for and not read costs memory bandwidth all the same (RM-1's
// markets read neither expectation, tenure nor purchases here).
struct Asks {
    bool expectation, ladder, network;
};

Asks asks_of(const QuietLifecycleBatch& q, const Mechanisms& m) {
    return {m.satisfaction.model == SatisfactionModel::Disconfirmation, m.ladder.enabled,
            q.adopted_neighbours != nullptr};  // null without network influence
}

inline void ask_for_deciding(const QuietLifecycleBatch& q, const Asks& asks, std::uint32_t i) {
    const CustomerColumns& c = q.c;
    sim::ask_ahead(c.satisfaction, i + kAhead);
    sim::ask_ahead<true>(c.next_satisfaction, i + kAhead);
    if (asks.network && i % 8 == 0) sim::ask_ahead(q.network_offsets, i + kAhead);
    if (i % 16 == 0) {
        if (asks.expectation) sim::ask_ahead<true>(c.expectation, i + kAhead);
        if (asks.ladder) {
            sim::ask_ahead(c.since, i + kAhead);
            sim::ask_ahead(c.purchases, i + kAhead);
        }
        sim::ask_ahead(c.tarp_opened, i + kAhead);
        sim::ask_ahead<true>(c.stories, i + kAhead);
        if (asks.network) sim::ask_ahead(q.adopted_neighbours, i + kAhead);
    }
}

// A firm's rule for each lane's firm `own`: picked from the four-entry
// table, or, one at a time, straight from the firm's rules (any number of
// firms; the same values).
template <class L, class T>
sim::Pack<T, L::width, typename L::tag> firm_rule(const QuietLifecycleBatch& q, const std::array<T, 4>& table,
                                                  T QuietFirm::*rule, typename L::U own) {
    if constexpr (L::width == 1)
        return q.firms[own[0]].*rule;
    else
        return L::pick(table, own);
}

// What one group's decisions add to the batch's lists and counts.
struct DecideLists {
    std::uint16_t* eventful;
    std::uint32_t events = 0;
    std::int64_t* quiet_count;
    std::uint32_t told = 0;  // tellers listed
};

// The quiet ticks of people b + k .. b + k + W - 1 (L::width), written once
// for every width with the mechanisms' own formulas: it gives each person
// what conclude_encounter gives a quiet customer of a firm that does not
// act (no policy: a drift factor of 1, no expectation shift), and
// decide_prospect a prospect who does not adopt, and lists everyone else.
// Everyone's next_satisfaction, next_firm and outcome are written (the
// general code writes the eventful's again); expectation and stage only
// the quiet customers', and stories (used up) only the quiet people's with
// no firm.
template <class L>
void decide_lanes(const QuietLifecycleBatch& q, const Mechanisms& m, const CustomerColumns& c, const QuietTables& t,
                  std::uint32_t b, std::uint32_t k, DecideLists& out) {
    using D = typename L::D;
    using U = typename L::U;
    using S = typename L::S;
    constexpr int W = L::width;
    const WordOfMouth& wom = m.word_of_mouth;
    const Acquisition& a = m.acquisition;
    const std::uint32_t i = b + k;
    const U firm = L::bytes(c.firm + i), status = L::bytes(c.status + i);
    const auto no_firm = firm == U(kNoFirm);
    const auto takes = takes_basket(firm, status);
    const U own = sim::keep(takes, firm);  // firm 0's rules for anyone else, harmlessly
    const auto bought = L::words(q.bought + k) > U(0);
    const D s = L::load(c.satisfaction + i);
    const U stage = L::bytes(c.stage + i);
    const U rung = (stage - U(1)) & U(3);

    // What would make the tick eventful, as conclude_encounter reckons it.
    const S fail_word = sim::bit_cast<std::int64_t>(L::block_word(q.encounter + k, kLaneFailure));
    const auto fails =
        bought & (fail_word < sim::bit_cast<std::int64_t>(firm_rule<L>(q, t.fail_bound, &QuietFirm::fail_bound, own)));
    const D barrier =
        L::pick(t.stage_factor, rung) * firm_rule<L>(q, t.barrier_factor, &QuietFirm::barrier_factor, own);
    const D drift = m.switching.drift(s, barrier);
    const auto leaves = sim::unit_doubles(L::block_word(q.encounter + k, kLaneSwitch)) <
                        SwitchingHazard::leave_chance(drift, barrier, firm_rule<L>(q, t.pull, &QuietFirm::pull, own));
    const auto closes =
        (L::bytes(c.tarp_group + i) != U(kNotObserved)) & m.tarp.complete(L::words(c.tarp_opened + i), q.tick);
    const U talk_bound(sim::BernoulliBound(wom.advocate_talk).bound());
    const auto talks = (stage >= U(index(Stage::Advocate))) & (L::block_word(q.lifecycle + k, kLaneTalk) < talk_bound);
    const auto dissatisfied = s < D(wom.dissatisfied_below);
    const auto tells = L::M::all(wom.enabled) & (dissatisfied | talks);
    const auto quiet = sim::lanes::and_not(takes, fails | leaves | closes);

    // People with no firm who do not adopt (Acquisition::surely_not); the
    // others are decided by the general code. Only their story counters are
    // read and stored: other threads may be telling the customers beside them.
    // Groups with no one outside the market (all of RM-1's) skip this.
    auto stays_out = L::M::all(false);
    if (L::bits(no_firm) != 0) {
        const U lapsed(static_cast<std::uint8_t>(a.lapsed_return ? CustomerStatus::Lapsed : CustomerStatus::Prospect));
        const auto may_adopt =
            L::M::all(a.enabled) &
            ((status == U(static_cast<std::uint8_t>(CustomerStatus::Prospect))) | (status == lapsed));
        D share(q.mixed_share);
        if (a.enabled && a.influence == Influence::Network) {
            const U degree = L::longs(q.network_offsets + i + 1) - L::longs(q.network_offsets + i);
            share =
                sim::lanes::select(degree == U(0), D(0.0),
                                   sim::small_doubles(L::words(q.adopted_neighbours + i)) / sim::small_doubles(degree));
        }
        const D stories = L::int_doubles_where(c.stories + i, no_firm);
        const D adoption_draw = sim::unit_doubles(L::block_word(q.encounter + k, 0));
        stays_out = no_firm & (~may_adopt | a.surely_not(share, stories, adoption_draw));
        L::store_where(c.stories + i, stays_out, 0);  // used up
    }

    // Good service, if they bought. The "+ 0.0" is the policy's expectation
    // shift, kept so that -0.0 turns out as it does there.
    D feel;
    if (m.satisfaction.model == SatisfactionModel::Disconfirmation) {
        const D e = L::float_doubles(c.expectation + i) + D(0.0);
        const auto served = m.satisfaction.after_encounter(
            SatisfactionStateOf<D>{s, e}, firm_rule<L>(q, t.service_quality, &QuietFirm::service_quality, own));
        feel = served.satisfaction;
        L::store_where(c.expectation + i, quiet, sim::lanes::select(bought, served.expectation, e));
    } else {
        feel = m.satisfaction.after_good_service(s);
    }
    sim::lanes::select(no_firm, D(q.initial_satisfaction), sim::lanes::select(bought, feel, s))
        .store(c.next_satisfaction + i);

    // The ladder, on start-of-tick satisfaction and stage; their frequency
    // is their purchases with the firm, this tick's included.
    const unsigned quiet_bits = L::bits(quiet);
    if (m.ladder.enabled) {
        const D x = sim::unit_doubles(L::block_word(q.lifecycle + k, kLaneLadder));
        const U tenure = sim::lanes::wrap32(U(q.tick) - L::words(c.since + i));
        // Every-tick buyers' frequency follows from their tenure (Market::frequency).
        const U frequency = q.frequency_from_tenure ? sim::lanes::wrap32(U(q.tick + 1) - L::words(c.since + i))
                                                    : L::words(c.purchases + i);
        const auto [climbs, slips] =
            m.ladder.step(stage, s, frequency, tenure, x, L::pick(t.climb, rung), L::pick(t.slip, rung));
        L::step_bytes(c.stage + i, L::bits(climbs) & quiet_bits, L::bits(slips) & quiet_bits);
    }

    std::memcpy(c.next_firm + i, c.firm + i, W);
    std::memset(c.outcome + i, static_cast<int>(Outcome::NoFailure), W);
    if constexpr (W == 1) {
        out.quiet_count[c.firm[i]] += quiet_bits;  // any number of firms
    } else {                                       // at most four firms (decide_quiet_lifecycle)
        for (std::size_t f = 0; f < q.firm_count; ++f)
            out.quiet_count[f] += std::popcount(quiet_bits & L::bits(firm == U(f)));
    }
    out.events += L::list(~(quiet_bits | L::bits(stays_out)) & ((1u << W) - 1), k, out.eventful + out.events);
    // The tellers, with Market::story_sign's sign: -1 for the dissatisfied,
    // else +1 (an advocate who talks).
    const unsigned teller_bits = L::bits(quiet & tells), dissatisfied_bits = L::bits(dissatisfied);
    if (teller_bits == 0) return;  // most groups: quiet customers seldom talk
    for (int j = 0; j < W; ++j) {  // without a branch: who talks is a coin toss
        q.tellers[out.told] = static_cast<std::uint16_t>(k + j);
        q.teller_signs[out.told] = (dissatisfied_bits >> j) & 1u ? -1 : +1;
        out.told += (teller_bits >> j) & 1u;
    }
}

std::uint32_t decide(const QuietLifecycleBatch& q, const QuietTables& tables, std::uint32_t b, std::uint32_t n,
                     std::uint16_t* eventful, std::int64_t* quiet) {
    // Local copies of the rules and of the columns' addresses: a byte store
    // (a stage, a next firm, a teller's sign) could alias the caller's, and
    // the compiler would reload every parameter for every group. So would
    // the teller count, kept in `out` until the batch is done.
    static_assert(std::is_trivially_copyable_v<Mechanisms>, "copied once per batch");
    const Mechanisms m = q.m;
    const CustomerColumns c = q.c;
    const Asks asks = asks_of(q, m);
    DecideLists out{eventful, 0, quiet, *q.teller_count};
    std::uint32_t k = 0;
    for (; k + kWidth <= n; k += kWidth) {
        if constexpr (kWidth > 1) ask_for_deciding(q, asks, b + k);
        decide_lanes<LanesOf<kWidth>>(q, m, c, tables, b, k, out);
    }
    for (; k < n; ++k) decide_lanes<LanesOf<1>>(q, m, c, tables, b, k, out);  // the batch's last few
    *q.teller_count = out.told;
    return out.events;
}

// What settling counts of each person, as one key: their firm (4: no
// one's), stage, and whether they are dormant, a promoter, a detractor.
// Counted in a sim::KeyHistogram and added up per firm at the end.
static_assert(kStages <= 8, "a stage takes three bits of the key");
constexpr std::size_t kSettleKeys = 5 << 6;
using SettleCounts = sim::KeyHistogram<kSettleKeys, Local>;

void add_counts(const SettleCounts& seen, bool count_stages, LifecycleSettledCounts& counts) {
    for (std::size_t f = 0; f < counts.firms.size(); ++f)
        for (std::size_t stage = 0; stage < kStages; ++stage)
            for (std::size_t flags = 0; flags < 8; ++flags) {
                const std::int64_t n = seen[f << 6 | stage << 3 | flags];
                SettledFirm& t = counts.firms[f];
                t.customers += n;
                t.promoters += (flags >> 1 & 1u) * n;
                t.detractors += (flags & 1u) * n;
                if (count_stages) {
                    t.stages[stage] += n;
                    t.dormant += (flags >> 2 & 1u) * n;
                }
            }
}

using SatisfactionSums = std::array<sim::InterleavedSum<Local>, 4>;

// Settles the stayers among people i .. i + W - 1 (as Market::apply settles
// them) and counts everyone after the tick. The movers among them
// (movers[m ..]) were settled by the general code already: their firm and
// satisfaction are in the columns, and nothing of theirs is stored here.
template <class L>
void settle_lanes(const LifecycleSettlement& q, std::uint32_t i, std::span<const std::uint32_t> movers, std::size_t& m,
                  LifecycleSettledCounts& counts, SatisfactionSums& sums, SettleCounts& seen) {
    using D = typename L::D;
    using U = typename L::U;
    constexpr std::uint32_t W = L::width;
    const CustomerColumns& c = q.c;
    unsigned moved = 0;
    for (; m < movers.size() && movers[m] < i + W; ++m) moved |= 1u << (movers[m] - i);
    const U firm = L::bytes(c.firm + i);  // after the tick: the movers are settled
    const auto same = sim::lanes::and_not(firm == L::bytes(c.next_firm + i), L::from_bits(moved));
    const auto no_firm = firm == U(kNoFirm);
    const auto stays = sim::lanes::and_not(same, no_firm);  // with their firm
    const D heard = L::int_doubles(c.stories + i);
    const D s = sim::lanes::select(stays, WordOfMouth::after_stories(L::load(c.next_satisfaction + i), heard, q.effect),
                                   L::load(c.satisfaction + i));
    s.store(c.satisfaction + i);
    L::store_where(c.stories + i, stays, 0);
    if (q.expectation_effect != 0.0)
        L::store_where(c.expectation + i, stays,
                       WordOfMouth::after_stories(L::float_doubles(c.expectation + i), heard, q.expectation_effect));
    for (std::size_t f = 0; f < sums.size(); ++f)  // +0.0 for the other firms leaves a sum unchanged
        sums[f].add(i, sim::keep(firm == U(f), s));

    const U status = L::bytes(c.status + i);
    const auto stays_out = same & no_firm;  // no firm before or after
    const unsigned out = L::bits(stays_out);
    const unsigned never = L::bits(stays_out & (status == U(static_cast<std::uint8_t>(CustomerStatus::Prospect))));
    counts.prospects += std::popcount(never);
    counts.lapsed += std::popcount(out & ~never);
    const U dormant(static_cast<std::uint8_t>(CustomerStatus::Dormant));
    const U stage = q.count_stages ? L::bytes(c.stage + i) : U(0);  // not read unless counted
    seen.add((sim::lanes::min(firm, U(4)) << 6) | (stage << 3) | sim::keep(status == dormant, U(4)) |
             sim::keep(s >= D(q.promoter_from), U(2)) | sim::keep(s < D(q.detractor_below), U(1)));
}

void settle(const LifecycleSettlement& q, std::uint32_t begin, std::uint32_t end, std::span<const std::uint32_t> movers,
            LifecycleSettledCounts& counts) {
    using Sum = sim::InterleavedSum<Local>;
    SatisfactionSums sums{Sum(counts.satisfaction[0]), Sum(counts.satisfaction[1]), Sum(counts.satisfaction[2]),
                          Sum(counts.satisfaction[3])};
    SettleCounts seen;
    std::size_t m = 0;
    std::uint32_t i = begin;
    for (; i + kWidth <= end; i += kWidth) {
        if constexpr (kWidth > 1) ask_for_settling(q, i);
        settle_lanes<LanesOf<kWidth>>(q, i, movers, m, counts, sums, seen);
    }
    for (; i < end; ++i) settle_lanes<LanesOf<1>>(q, i, movers, m, counts, sums, seen);
    add_counts(seen, q.count_stages, counts);
}

}  // namespace

template <>
std::uint32_t decide_quiet_lifecycle_on<kIsa>(const QuietLifecycleBatch& q, const QuietTables& tables, std::uint32_t b,
                                              std::uint32_t n, std::uint16_t* eventful, std::int64_t* quiet) {
    return decide(q, tables, b, n, eventful, quiet);
}

template <>
void settle_lifecycle_stayers_on<kIsa>(const LifecycleSettlement& q, std::uint32_t begin, std::uint32_t end,
                                       std::span<const std::uint32_t> movers, LifecycleSettledCounts& counts) {
    settle(q, begin, end, movers, counts);
}

}  // namespace models
