#include "models/market/QuietLifecycle.hpp"

#include "models/market/CustomerStatus.hpp"
#include "models/market/DrawPurpose.hpp"
#include "models/mechanisms/ServiceOutcome.hpp"
#include "sim/util/AskAhead.hpp"
#include "sim/util/Avx2Loops.hpp"
#include "sim/util/ListLanes.hpp"

#include <array>
#include <bit>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace models {
namespace {

// Whether person i, who has no firm, does not adopt this tick
// (Market::decide_prospect); `word`: their kAcquisition block's first word.
inline bool stays_without_firm(const QuietLifecycleBatch& q, std::uint32_t i, std::uint32_t word) {
    const CustomerColumns& c = q.c;
    const Acquisition& a = q.m.acquisition;
    const auto status = static_cast<CustomerStatus>(c.status[i]);
    const bool may_adopt = status == CustomerStatus::Prospect || (a.lapsed_return && status == CustomerStatus::Lapsed);
    if (!a.enabled || !may_adopt) return true;
    double share = q.mixed_share;
    if (a.influence == Influence::Network) {
        const auto degree = static_cast<std::uint32_t>(q.network_offsets[i + 1] - q.network_offsets[i]);
        share = degree ? static_cast<double>(q.adopted_neighbours[i]) / degree : 0.0;
    }
    return a.adopts(share, c.stories[i], word) == AcquisitionSource::None;
}

// Lists quiet customer b + k as a teller if `tells` (without a branch: who
// talks is a coin toss), with Market::story_sign's sign: -1 for the
// dissatisfied, else +1 (an advocate who talks).
inline void list_teller(const QuietLifecycleBatch& q, std::uint32_t k, bool tells, bool dissatisfied) {
    std::uint32_t& count = *q.teller_count;
    q.tellers[count] = static_cast<std::uint16_t>(k);
    q.teller_signs[count] = dissatisfied ? -1 : +1;
    count += tells;
}

// Person b + k, one at a time. Returns whether the tick is quiet.
inline bool decide_one(const QuietLifecycleBatch& q, std::uint32_t b, std::uint32_t k, std::int64_t* quiet_count) {
    const CustomerColumns& c = q.c;
    const Mechanisms& m = q.m;
    const std::uint32_t i = b + k;
    const std::uint8_t firm = c.firm[i];
    if (firm == kNoFirm) {
        const bool quiet = stays_without_firm(q, i, q.encounter[k][0]);
        c.next_satisfaction[i] = q.initial_satisfaction;  // if they join a firm
        c.next_firm[i] = kNoFirm;
        c.outcome[i] = static_cast<std::uint8_t>(Outcome::NoFailure);
        if (quiet) c.stories[i] = 0;  // used up
        return quiet;
    }
    // Everyone is computed; only the quiet keep the result. A dormant
    // customer reads firm 0's constants, harmlessly.
    const bool takes = takes_basket(firm, c.status[i]);
    const std::uint8_t f = takes ? firm : 0;
    const QuietFirm& firm_rules = q.firms[f];
    const bool bought = q.bought[k] > 0;
    const double s = c.satisfaction[i];
    const auto stage = static_cast<Stage>(c.stage[i]);

    // What would make the tick eventful, as conclude_encounter reckons it.
    const bool fails = bought & (q.encounter[k][kLaneFailure] < firm_rules.fail_bound);
    const double barrier = m.switching.stage_factor[index(stage)] * firm_rules.barrier_factor;
    const double drift = barrier * (m.switching.drift(s) + m.switching.variety_seeking);
    const bool leaves = sim::to_unit(q.encounter[k][kLaneSwitch]) < drift + barrier * firm_rules.pull;
    const bool closes = (c.tarp_group[i] != kNotObserved) & m.tarp.complete(c.tarp_opened[i], q.tick);
    const WordOfMouth& wom = m.word_of_mouth;
    const bool advocate_talks =
        (stage >= Stage::Advocate) & sim::bernoulli(q.lifecycle[k][kLaneTalk], wom.advocate_talk);
    const bool dissatisfied = s < wom.dissatisfied_below;
    const bool tells = wom.enabled & (dissatisfied | advocate_talks);
    const bool quiet = takes & !fails & !leaves & !closes;

    // Good service, if they bought. The "+ 0.0" is the policy's expectation
    // shift, kept so that -0.0 turns out as it does there.
    const bool disconfirmation = m.satisfaction.model == SatisfactionModel::Disconfirmation;
    const SatisfactionState before{s, disconfirmation ? c.expectation[i] + 0.0 : 0.0};
    const SatisfactionState served = disconfirmation
                                         ? m.satisfaction.after_encounter(before, firm_rules.service_quality)
                                         : SatisfactionState{m.satisfaction.after_good_service(s), before.expectation};
    const SatisfactionState feel = bought ? served : before;
    // Their frequency is their purchases with the firm, this tick's included.
    const Stage next = m.ladder.next({stage, s, c.purchases[i], q.tick - c.since[i]}, q.lifecycle[k][kLaneLadder]);

    // The eventful are decided again from start-of-tick state: keep theirs.
    c.next_satisfaction[i] = feel.satisfaction;
    if (disconfirmation) c.expectation[i] = quiet ? static_cast<float>(feel.expectation) : c.expectation[i];
    c.stage[i] = static_cast<std::uint8_t>(quiet ? next : stage);
    c.next_firm[i] = firm;
    c.outcome[i] = static_cast<std::uint8_t>(Outcome::NoFailure);
    quiet_count[f] += quiet;
    list_teller(q, k, quiet & tells, dissatisfied);
    return quiet;
}

std::uint32_t decide_scalar(const QuietLifecycleBatch& q, std::uint32_t b, std::uint32_t begin, std::uint32_t n,
                            std::uint16_t* eventful, std::uint32_t events, std::int64_t* quiet) {
    for (std::uint32_t k = begin; k < n; ++k) {
        eventful[events] = static_cast<std::uint16_t>(k);
        events += !decide_one(q, b, k, quiet);
    }
    return events;
}

// Counts person i after the tick, at `firm` (kNoFirm: no one's customer).
inline void count_settled(const LifecycleSettlement& q, std::uint32_t i, std::uint8_t firm, double s,
                          LifecycleSettledCounts& counts) {
    if (firm == kNoFirm) return;
    counts.satisfaction[firm][i % 4] += s;
    SettledFirm& t = counts.firms[firm];
    ++t.customers;
    t.promoters += s >= q.promoter_from;
    t.detractors += s < q.detractor_below;
    if (q.count_stages) {
        ++t.stages[q.c.stage[i]];
        t.dormant += q.c.status[i] == static_cast<std::uint8_t>(CustomerStatus::Dormant);
    }
}

// Stayer i (firm == next_firm), as Market::apply settles them.
inline void settle_stayer(const LifecycleSettlement& q, std::uint32_t i, LifecycleSettledCounts& counts) {
    const CustomerColumns& c = q.c;
    const std::uint8_t f = c.firm[i];
    if (f == kNoFirm) {
        ++(c.status[i] == static_cast<std::uint8_t>(CustomerStatus::Prospect) ? counts.prospects : counts.lapsed);
        return;
    }
    const std::int32_t stories = c.stories[i];
    const double s = clamp_unit(c.next_satisfaction[i] + q.effect * stories);
    c.satisfaction[i] = s;
    if (q.expectation_effect != 0.0)
        c.expectation[i] = static_cast<float>(clamp_unit(c.expectation[i] + q.expectation_effect * stories));
    c.stories[i] = 0;
    count_settled(q, i, f, s, counts);
}

void settle_scalar(const LifecycleSettlement& q, std::uint32_t begin, std::uint32_t end,
                   std::span<const std::uint32_t> movers, std::span<const Settled> settled,
                   LifecycleSettledCounts& counts) {
    std::size_t m = 0;
    for (std::uint32_t i = begin; i < end; ++i) {
        if (m < movers.size() && movers[m] == i) {
            count_settled(q, i, settled[m].firm, settled[m].satisfaction, counts);
            ++m;
        } else {
            settle_stayer(q, i, counts);
        }
    }
}

#if defined(__x86_64__)

constexpr std::uint32_t kLanes = 4;

// Byte j of kOnes[m] is bit j of m: added to four stage bytes, it moves the
// customers in m a rung.
constexpr std::array<std::uint32_t, 16> kOnes = [] {
    std::array<std::uint32_t, 16> t{};
    for (std::uint32_t m = 0; m < 16; ++m)
        for (std::uint32_t j = 0; j < 4; ++j) t[m] |= ((m >> j) & 1u) << (8 * j);
    return t;
}();

// Four bytes at p, one per 64-bit lane.
__attribute__((target("avx2"))) inline __m256i bytes_to_lanes(const std::uint8_t* p) {
    std::uint32_t word;
    std::memcpy(&word, p, sizeof word);
    return _mm256_cvtepu8_epi64(_mm_cvtsi32_si128(static_cast<int>(word)));
}

// Four 32-bit words at p, one per 64-bit lane.
__attribute__((target("avx2"))) inline __m256i words_to_lanes(const std::uint32_t* p) {
    return _mm256_cvtepu32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

// The four words of four blocks: word w of block j in lane j of word[w].
struct BlockWords {
    __m256i word[4];
};

__attribute__((target("avx2"))) inline BlockWords transpose(const sim::Block4* blocks) {
    const auto* p = reinterpret_cast<const __m128i*>(blocks);
    const __m128i d0 = _mm_loadu_si128(p), d1 = _mm_loadu_si128(p + 1);
    const __m128i d2 = _mm_loadu_si128(p + 2), d3 = _mm_loadu_si128(p + 3);
    const __m128i low01 = _mm_unpacklo_epi32(d0, d1), low23 = _mm_unpacklo_epi32(d2, d3);
    const __m128i high01 = _mm_unpackhi_epi32(d0, d1), high23 = _mm_unpackhi_epi32(d2, d3);
    return {{_mm256_cvtepu32_epi64(_mm_unpacklo_epi64(low01, low23)),
             _mm256_cvtepu32_epi64(_mm_unpackhi_epi64(low01, low23)),
             _mm256_cvtepu32_epi64(_mm_unpacklo_epi64(high01, high23)),
             _mm256_cvtepu32_epi64(_mm_unpackhi_epi64(high01, high23))}};
}

// a >= b for 64-bit lanes holding values below 2^63.
__attribute__((target("avx2"))) inline __m256i at_least(__m256i a, __m256i b) {
    return _mm256_xor_si256(_mm256_cmpgt_epi64(b, a), _mm256_set1_epi64x(-1));
}

__attribute__((target("avx2"))) inline __m256d as_pd(__m256i x) {
    return _mm256_castsi256_pd(x);
}

// Entry idx (0 .. 3) of a four-entry table, per 64-bit lane: one shuffle,
// cheaper than a gather.
__attribute__((target("avx2"))) inline __m256i pick(__m256i table, __m256i idx) {
    const __m256i twice = _mm256_slli_epi64(idx, 1);  // 32-bit halves 2 idx and 2 idx + 1
    const __m256i halves =
        _mm256_or_si256(twice, _mm256_slli_epi64(_mm256_add_epi64(twice, _mm256_set1_epi64x(1)), 32));
    return _mm256_permutevar8x32_epi32(table, halves);
}

__attribute__((target("avx2"))) inline __m256d pick(__m256d table, __m256i idx) {
    return _mm256_castsi256_pd(pick(_mm256_castpd_si256(table), idx));
}

// The low 32-bit halves of four 64-bit lanes (of masks: a 32-bit mask per lane).
__attribute__((target("avx2"))) inline __m128i low_halves(__m256i x) {
    return _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(x, _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6)));
}

// The four-entry tables both vector loops pick from by rung or by firm:
// per rung (customer, client, advocate, partner: stage - 1), the switching
// hazard's factor and the ladder's rules (RelationshipLadder::next): the
// chance to climb from it, and the draw from which one slips from it (2: a
// customer never slips); per firm (at most four here), its quiet-tick rules.
struct QuietTables {
    std::array<double, 4> stage_factor, promote, slip_from;
    std::array<std::uint64_t, 4> fail_bound;
    std::array<double, 4> service_quality, barrier_factor, pull;
};

QuietTables quiet_tables(const QuietLifecycleBatch& q) {
    const std::array<double, kStages>& factor = q.m.switching.stage_factor;
    const RelationshipLadder& ladder = q.m.ladder;
    QuietTables t{{factor[1], factor[2], factor[3], factor[4]},
                  {ladder.promote[0], ladder.promote[1], ladder.promote[2], 0.0},
                  {2.0, 1.0 - ladder.demote[0], 1.0 - ladder.demote[1], 1.0 - ladder.demote[2]},
                  {},
                  {},
                  {},
                  {}};
    for (std::size_t f = 0; f < q.firm_count; ++f) {
        t.fail_bound[f] = q.firms[f].fail_bound;
        t.service_quality[f] = q.firms[f].service_quality;
        t.barrier_factor[f] = q.firms[f].barrier_factor;
        t.pull[f] = q.firms[f].pull;
    }
    return t;
}

// A table's four values, for pick.
__attribute__((target("avx2"))) inline __m256d table(const std::array<double, 4>& values) {
    return _mm256_loadu_pd(values.data());
}

__attribute__((target("avx2"))) inline __m256i table(const std::array<std::uint64_t, 4>& values) {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(values.data()));
}

// Four people with no firm who do not adopt (stays_without_firm).
struct NoAdoption {
    __m256i adoptions_on, prospect, lapsed;
    bool network;
    __m256d mixed_share, external, internal, story_weight;

    __attribute__((target("avx2"))) explicit NoAdoption(const QuietLifecycleBatch& q) {
        const Acquisition& a = q.m.acquisition;
        adoptions_on = a.enabled ? _mm256_set1_epi64x(-1) : _mm256_setzero_si256();
        prospect = _mm256_set1_epi64x(static_cast<std::uint8_t>(CustomerStatus::Prospect));
        // Without lapsed_return only prospects may adopt.
        lapsed = a.lapsed_return ? _mm256_set1_epi64x(static_cast<std::uint8_t>(CustomerStatus::Lapsed)) : prospect;
        network = a.enabled && a.influence == Influence::Network;
        mixed_share = _mm256_set1_pd(q.mixed_share);
        external = _mm256_set1_pd(a.external);
        internal = _mm256_set1_pd(a.internal);
        story_weight = _mm256_set1_pd(a.story_weight);
    }

    __attribute__((target("avx2"))) __m256i may_adopt(__m256i status) const {
        return _mm256_and_si256(
            adoptions_on, _mm256_or_si256(_mm256_cmpeq_epi64(status, prospect), _mm256_cmpeq_epi64(status, lapsed)));
    }

    // Whether people i .. i + 3's draws are at or above their hazard of
    // adopting (Acquisition::adopts), which then does not happen.
    // `no_firm`: their lanes; only theirs of the story counters are read,
    // as other threads may be telling the customers beside them.
    __attribute__((target("avx2"))) __m256i draw_misses(const QuietLifecycleBatch& q, std::uint32_t i, __m256i word,
                                                        __m256i no_firm) const {
        __m256d share = mixed_share;
        if (network) {
            const __m256i degree =
                _mm256_sub_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(q.network_offsets + i + 1)),
                                 _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q.network_offsets + i)));
            const __m256d adopted =
                _mm256_cvtepi32_pd(_mm_loadu_si128(reinterpret_cast<const __m128i*>(q.adopted_neighbours + i)));
            const __m256i isolated = _mm256_cmpeq_epi64(degree, _mm256_setzero_si256());
            share = _mm256_blendv_pd(_mm256_div_pd(adopted, _mm256_cvtepi32_pd(low_halves(degree))),
                                     _mm256_setzero_pd(), as_pd(isolated));
        }
        const __m128i stories = _mm_maskload_epi32(q.c.stories + i, low_halves(no_firm));
        const __m256d heard = _mm256_cvtepi32_pd(_mm_max_epi32(stories, _mm_setzero_si128()));
        const __m256d hazard =
            _mm256_add_pd(_mm256_add_pd(external, _mm256_mul_pd(internal, share)), _mm256_mul_pd(story_weight, heard));
        return _mm256_castpd_si256(_mm256_cmp_pd(sim::unit_doubles(word), hazard, _CMP_GE_OQ));
    }
};

// Four customers at a time, lane j being customer i + j. Every step is the
// scalar one in the same order (no fused multiply-add: the target does not
// enable FMA, and the build forbids fusing). max(0, x) and min(1, x) are
// std::max(x, 0.0) and std::min(x, 1.0) to the bit; comparing a word with
// a BernoulliBound is sim::bernoulli (CounterStream.hpp).
__attribute__((target("avx2"))) std::uint32_t decide_avx2(const QuietLifecycleBatch& q, std::uint32_t b,
                                                          std::uint32_t n, std::uint16_t* eventful,
                                                          std::int64_t* quiet_count) {
    const CustomerColumns& c = q.c;
    const Mechanisms& m = q.m;
    const SwitchingHazard& sw = m.switching;
    const SatisfactionUpdate& update = m.satisfaction;
    const WordOfMouth& wom = m.word_of_mouth;
    const RelationshipLadder& ladder = m.ladder;
    const bool disconfirmation = update.model == SatisfactionModel::Disconfirmation;
    const bool squared = sw.convexity == 2.0;
    const __m256d zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1.0);
    const __m256i none = _mm256_set1_epi64x(kNoFirm);
    const __m256i dormant = _mm256_set1_epi64x(static_cast<std::uint8_t>(CustomerStatus::Dormant));
    const __m256i not_observed = _mm256_set1_epi64x(kNotObserved);
    const __m256i all = _mm256_set1_epi64x(-1);
    const __m256d hazard = _mm256_set1_pd(sw.drift_hazard), variety = _mm256_set1_pd(sw.variety_seeking);
    const __m256i talk_bound =
        _mm256_set1_epi64x(static_cast<std::int64_t>(sim::BernoulliBound(wom.advocate_talk).bound()));
    const __m256i advocate = _mm256_set1_epi64x(static_cast<std::int64_t>(Stage::Advocate));
    const __m256d dissatisfied_below = _mm256_set1_pd(wom.dissatisfied_below);
    const __m256i wom_on = wom.enabled ? all : _mm256_setzero_si256();
    const __m128i horizon = _mm_set1_epi32(static_cast<int>(m.tarp.horizon));
    const __m128i tick_end = _mm_set1_epi32(static_cast<int>(q.tick + 1));
    const __m128i tick_now = _mm_set1_epi32(static_cast<int>(q.tick));
    const __m256d weight = _mm256_set1_pd(update.disconfirmation_weight);
    const __m256d anchor = _mm256_set1_pd(update.anchor_weight);
    const __m256d fresh = _mm256_set1_pd(1.0 - update.anchor_weight);
    const __m256d adaptation = _mm256_set1_pd(update.expectation_adaptation);
    const __m256d gain = _mm256_set1_pd(update.good_service_gain);
    const QuietTables tables = quiet_tables(q);
    const __m256d stage_factor = table(tables.stage_factor), promote = table(tables.promote);
    const __m256d slip_from = table(tables.slip_from);
    const __m256i fail_bound = table(tables.fail_bound);
    const __m256d quality = table(tables.service_quality), barrier_factor = table(tables.barrier_factor);
    const __m256d pull = table(tables.pull);
    const __m256i rung_mask = _mm256_set1_epi64x(3);
    const __m256i client_purchases = _mm256_set1_epi64x(ladder.client_purchases);
    const __m256d advocate_satisfaction = _mm256_set1_pd(ladder.advocate_satisfaction);
    const __m256i advocate_tenure = _mm256_set1_epi64x(ladder.advocate_tenure);
    const __m256d partner_satisfaction = _mm256_set1_pd(ladder.partner_satisfaction);
    const __m256i partner_tenure = _mm256_set1_epi64x(ladder.partner_tenure);
    const __m256d demote_below = _mm256_set1_pd(ladder.demote_below);
    const __m256i customer = _mm256_set1_epi64x(1), client = _mm256_set1_epi64x(2);
    const __m256i on_ladder = ladder.enabled ? all : _mm256_setzero_si256();

    const NoAdoption no_adoption(q);
    const __m256d initial = _mm256_set1_pd(q.initial_satisfaction);

    std::uint32_t events = 0;
    std::uint32_t k = 0;
    for (; k + kLanes <= n; k += kLanes) {
        const std::uint32_t i = b + k;
        const __m256i firm = bytes_to_lanes(c.firm + i);
        const __m256i status = bytes_to_lanes(c.status + i);
        const __m256i no_firm = _mm256_cmpeq_epi64(firm, none);
        const __m256i takes = _mm256_andnot_si256(_mm256_or_si256(no_firm, _mm256_cmpeq_epi64(status, dormant)), all);
        const __m256i own = _mm256_and_si256(firm, takes);  // 0 for anyone with no firm
        const __m256i bought = _mm256_cmpgt_epi64(words_to_lanes(q.bought + k), _mm256_setzero_si256());
        const __m256d s = _mm256_loadu_pd(c.satisfaction + i);
        const __m256i stage = bytes_to_lanes(c.stage + i);
        // Rung 0 for a prospect's stage too: they are never quiet.
        const __m256i rung = _mm256_and_si256(_mm256_sub_epi64(stage, customer), rung_mask);
        const BlockWords encounter = transpose(q.encounter + k);
        const BlockWords lifecycle = transpose(q.lifecycle + k);

        // What would make the tick eventful.
        const __m256i fails =
            _mm256_and_si256(bought, _mm256_cmpgt_epi64(pick(fail_bound, own), encounter.word[kLaneFailure]));
        const __m256d barrier = _mm256_mul_pd(pick(stage_factor, rung), pick(barrier_factor, own));
        const __m256d gap = _mm256_sub_pd(one, s);
        const __m256d drift = _mm256_mul_pd(
            barrier, _mm256_add_pd(_mm256_mul_pd(hazard, squared ? _mm256_mul_pd(gap, gap) : gap), variety));
        const __m256d leave_chance = _mm256_add_pd(drift, _mm256_mul_pd(barrier, pick(pull, own)));
        const __m256d leaves = _mm256_cmp_pd(sim::unit_doubles(encounter.word[kLaneSwitch]), leave_chance, _CMP_LT_OQ);
        const __m128i elapsed =
            _mm_sub_epi32(tick_end, _mm_loadu_si128(reinterpret_cast<const __m128i*>(c.tarp_opened + i)));
        const __m256i complete = _mm256_cvtepi32_epi64(_mm_cmpeq_epi32(_mm_max_epu32(elapsed, horizon), elapsed));
        const __m256i closes =
            _mm256_andnot_si256(_mm256_cmpeq_epi64(bytes_to_lanes(c.tarp_group + i), not_observed), complete);
        const __m256i talks =
            _mm256_and_si256(at_least(stage, advocate), _mm256_cmpgt_epi64(talk_bound, lifecycle.word[kLaneTalk]));
        const __m256i tells = _mm256_and_si256(
            wom_on, _mm256_or_si256(_mm256_castpd_si256(_mm256_cmp_pd(s, dissatisfied_below, _CMP_LT_OQ)), talks));
        const __m256i eventful_lanes = _mm256_or_si256(_mm256_or_si256(fails, _mm256_castpd_si256(leaves)), closes);
        const __m256i prospect_stage = _mm256_cmpeq_epi64(stage, _mm256_setzero_si256());  // (takers never are)
        const __m256i quiet = _mm256_andnot_si256(_mm256_or_si256(eventful_lanes, prospect_stage), takes);
        const auto quiet_bits = static_cast<std::uint32_t>(_mm256_movemask_pd(as_pd(quiet)));
        const auto teller_bits = static_cast<std::uint32_t>(_mm256_movemask_pd(as_pd(_mm256_and_si256(quiet, tells))));
        const auto dissatisfied_bits =
            static_cast<std::uint32_t>(_mm256_movemask_pd(_mm256_cmp_pd(s, dissatisfied_below, _CMP_LT_OQ)));

        // People with no firm who do not adopt: a draw at or above the
        // hazard never adopts (Acquisition::adopts); one below it is
        // decided by the general code.
        const __m256i stays_without_firm =
            _mm256_and_si256(no_firm, _mm256_or_si256(_mm256_andnot_si256(no_adoption.may_adopt(status), all),
                                                      no_adoption.draw_misses(q, i, encounter.word[0], no_firm)));
        const auto unchanged_bits = static_cast<std::uint32_t>(_mm256_movemask_pd(as_pd(stays_without_firm)));
        // Their stories are used up. A masked store: other threads may be
        // telling the customers beside them, whose counters are not ours to
        // store over (and a branch per person would often mispredict).
        _mm_maskstore_epi32(c.stories + i, low_halves(stays_without_firm), _mm_setzero_si128());

        // Good service, if they bought.
        const __m256d e = _mm256_add_pd(_mm256_cvtps_pd(_mm_loadu_ps(c.expectation + i)), zero);
        __m256d feel;
        if (disconfirmation) {
            const __m256d performance = pick(quality, own);
            const __m256d surprise = _mm256_sub_pd(performance, e);
            const __m256d transaction =
                _mm256_min_pd(one, _mm256_max_pd(zero, _mm256_add_pd(performance, _mm256_mul_pd(weight, surprise))));
            feel = _mm256_add_pd(_mm256_mul_pd(anchor, s), _mm256_mul_pd(fresh, transaction));
            const __m256d expected =
                _mm256_blendv_pd(e, _mm256_add_pd(e, _mm256_mul_pd(adaptation, surprise)), as_pd(bought));
            const __m128 kept = _mm_loadu_ps(c.expectation + i);
            const __m128 updated = _mm256_cvtpd_ps(expected);
            const __m128 quiet_mask = _mm_castsi128_ps(low_halves(quiet));
            _mm_storeu_ps(c.expectation + i, _mm_blendv_ps(kept, updated, quiet_mask));
        } else {
            feel = _mm256_add_pd(s, _mm256_mul_pd(gain, gap));
        }
        _mm256_storeu_pd(c.next_satisfaction + i,
                         _mm256_blendv_pd(_mm256_blendv_pd(s, feel, as_pd(bought)), initial, as_pd(no_firm)));

        // The ladder, on start-of-tick satisfaction and stage.
        std::uint32_t stages;
        std::memcpy(&stages, c.stage + i, sizeof stages);
        if (ladder.enabled) {
            const __m256d x = sim::unit_doubles(lifecycle.word[kLaneLadder]);
            const __m256i tenure = _mm256_cvtepu32_epi64(
                _mm_sub_epi32(tick_now, _mm_loadu_si128(reinterpret_cast<const __m128i*>(c.since + i))));
            const __m256i at_customer = _mm256_cmpeq_epi64(stage, customer);
            const __m256i at_client = _mm256_cmpeq_epi64(stage, client);
            const __m256i at_advocate = _mm256_cmpeq_epi64(stage, advocate);
            const __m256i repeat_buyer = at_least(words_to_lanes(c.purchases + i), client_purchases);
            const __m256i may_advocate =
                _mm256_and_si256(_mm256_castpd_si256(_mm256_cmp_pd(s, advocate_satisfaction, _CMP_GE_OQ)),
                                 at_least(tenure, advocate_tenure));
            const __m256i may_partner =
                _mm256_and_si256(_mm256_castpd_si256(_mm256_cmp_pd(s, partner_satisfaction, _CMP_GE_OQ)),
                                 at_least(tenure, partner_tenure));
            const __m256i may_climb = _mm256_or_si256(
                _mm256_and_si256(at_customer, repeat_buyer),
                _mm256_or_si256(_mm256_and_si256(at_client, may_advocate), _mm256_and_si256(at_advocate, may_partner)));
            const __m256i climbs =
                _mm256_and_si256(may_climb, _mm256_castpd_si256(_mm256_cmp_pd(x, pick(promote, rung), _CMP_LT_OQ)));
            const __m256i may_slip = _mm256_and_si256(
                _mm256_cmpgt_epi64(stage, customer),
                _mm256_and_si256(_mm256_castpd_si256(_mm256_cmp_pd(s, demote_below, _CMP_LT_OQ)),
                                 _mm256_castpd_si256(_mm256_cmp_pd(x, pick(slip_from, rung), _CMP_GE_OQ))));
            const __m256i slips = _mm256_andnot_si256(climbs, may_slip);
            const auto up = static_cast<std::uint32_t>(_mm256_movemask_pd(as_pd(_mm256_and_si256(climbs, on_ladder))));
            const auto down = static_cast<std::uint32_t>(_mm256_movemask_pd(as_pd(_mm256_and_si256(slips, on_ladder))));
            stages = stages + kOnes[up & quiet_bits] - kOnes[down & quiet_bits];
            std::memcpy(c.stage + i, &stages, sizeof stages);
        }

        std::memcpy(c.next_firm + i, c.firm + i, kLanes);
        std::memset(c.outcome + i, static_cast<int>(Outcome::NoFailure), kLanes);
        const std::uint32_t decided = quiet_bits | unchanged_bits;
        for (std::uint32_t j = 0; j < kLanes; ++j) {  // again without a branch
            quiet_count[c.firm[i + j]] += (quiet_bits >> j) & 1u;
            eventful[events] = static_cast<std::uint16_t>(k + j);
            events += ~(decided >> j) & 1u;
            list_teller(q, k + j, (teller_bits >> j) & 1u, (dissatisfied_bits >> j) & 1u);
        }
    }
    return decide_scalar(q, b, k, n, eventful, events, quiet_count);  // the batch's last few
}

// The same eight at a time with AVX-512 (lane j: person i + j), on
// processors that have it (sim::avx512_loops): each step is decide_avx2's,
// with compares giving bit masks instead of lane masks, and the masked
// loads and stores done by mask registers. A change to one loop must be
// made in the other; test_lifecycle_stages runs both against the general code.
constexpr std::uint32_t kWideLanes = 8;

// The loops below stream through a dozen or more columns, and the hardware
// prefetcher does not keep up with them all: the widest columns' lines are
// asked for kAhead customers early (sim::ask_ahead). That took 10 % off
// settling (512 ahead did no better) and 1 % off the quiet decide loop
// (alternating ticks in one run).
constexpr std::uint32_t kAhead = 256;

inline void ask_for_settling(const CustomerColumns& c, std::uint32_t i) {
    sim::ask_ahead(c.next_satisfaction, i + kAhead);
    sim::ask_ahead<true>(c.satisfaction, i + kAhead);
    if (i % 16 == 0) {  // one line holds sixteen of these
        sim::ask_ahead<true>(c.expectation, i + kAhead);
        sim::ask_ahead<true>(c.stories, i + kAhead);
    }
}

// The quiet decide loop's columns, and those it reads for people with no
// firm: their stories, and with network influence their rows' offsets
// (whose difference is the degree) and adopter counts. These last were
// asked for a batch ahead, all at the batch's start, and still stalled the
// loop; asked for here with the rest, 4.5 % came off the lifecycle's tick
// (alternating ticks in one run, both orders, three runs: 0.954 to 0.957).
inline void ask_for_deciding(const QuietLifecycleBatch& q, std::uint32_t i) {
    const CustomerColumns& c = q.c;
    sim::ask_ahead(c.satisfaction, i + kAhead);
    sim::ask_ahead<true>(c.next_satisfaction, i + kAhead);
    const bool network = q.adopted_neighbours != nullptr;  // null without network influence
    if (network && i % 8 == 0) sim::ask_ahead(q.network_offsets, i + kAhead);
    if (i % 16 == 0) {
        sim::ask_ahead<true>(c.expectation, i + kAhead);
        sim::ask_ahead(c.since, i + kAhead);
        sim::ask_ahead(c.purchases, i + kAhead);
        sim::ask_ahead(c.tarp_opened, i + kAhead);
        sim::ask_ahead<true>(c.stories, i + kAhead);
        if (network) sim::ask_ahead(q.adopted_neighbours, i + kAhead);
    }
}

// GCC 12 warns -Wmaybe-uninitialized inside its own AVX-512 intrinsics (the
// "undefined" source vector of the unmasked forms, GCC bug 105593): a false
// positive, silenced for this section only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

// The AVX-512 loops also want BMI2 (pdep), POPCNT and AVX-512 VL, DQ and BW, which
// every processor with AVX-512 that has shipped since 2017 has.
bool wide_loops() {
    static const bool has_all = __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
                                __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("bmi2") &&
                                __builtin_cpu_supports("popcnt");
    return sim::avx512_loops() && has_all;
}

#define CRMSIM_AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,bmi2,popcnt")))

// Eight bytes at p, one per 64-bit lane.
CRMSIM_AVX512 inline __m512i bytes_to_wide_lanes(const std::uint8_t* p) {
    return _mm512_cvtepu8_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}

// Eight 32-bit words at p, one per 64-bit lane.
CRMSIM_AVX512 inline __m512i words_to_wide_lanes(const std::uint32_t* p) {
    return _mm512_cvtepu32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}

// The four words of eight blocks: word w of block j in lane j of word[w].
struct WideBlockWords {
    __m512i word[4];
};

CRMSIM_AVX512 inline WideBlockWords transpose_wide(const sim::Block4* blocks) {
    const __m512i first = _mm512_loadu_si512(blocks);       // blocks 0 .. 3
    const __m512i second = _mm512_loadu_si512(blocks + 4);  // blocks 4 .. 7 (indices 16 and up)
    WideBlockWords out;
    for (int w = 0; w < 4; ++w) {
        const __m512i index =
            _mm512_setr_epi32(w, 4 + w, 8 + w, 12 + w, 16 + w, 20 + w, 24 + w, 28 + w, 0, 0, 0, 0, 0, 0, 0, 0);
        out.word[w] = _mm512_cvtepu32_epi64(_mm512_castsi512_si256(_mm512_permutex2var_epi32(first, index, second)));
    }
    return out;
}

// A table's four values, for _mm512_permutexvar_pd (indices 0 .. 3).
CRMSIM_AVX512 inline __m512d wide_table(const std::array<double, 4>& values) {
    return _mm512_zextpd256_pd512(_mm256_loadu_pd(values.data()));
}

CRMSIM_AVX512 inline __m512i wide_table(const std::array<std::uint64_t, 4>& values) {
    return _mm512_zextsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(values.data())));
}

CRMSIM_AVX512 inline __m512d pick_wide(__m512d table, __m512i idx) {
    return _mm512_permutexvar_pd(idx, table);
}

// Eight people with no firm who do not adopt (NoAdoption, eight at a time).
struct WideNoAdoption {
    bool adoptions_on, network;
    __m512i prospect, lapsed;
    __m512d mixed_share, external, internal, story_weight;

    CRMSIM_AVX512 explicit WideNoAdoption(const QuietLifecycleBatch& q) {
        const Acquisition& a = q.m.acquisition;
        adoptions_on = a.enabled;
        prospect = _mm512_set1_epi64(static_cast<std::uint8_t>(CustomerStatus::Prospect));
        lapsed = a.lapsed_return ? _mm512_set1_epi64(static_cast<std::uint8_t>(CustomerStatus::Lapsed)) : prospect;
        network = a.enabled && a.influence == Influence::Network;
        mixed_share = _mm512_set1_pd(q.mixed_share);
        external = _mm512_set1_pd(a.external);
        internal = _mm512_set1_pd(a.internal);
        story_weight = _mm512_set1_pd(a.story_weight);
    }

    CRMSIM_AVX512 __mmask8 may_adopt(__m512i status) const {
        if (!adoptions_on) return 0;
        return _mm512_cmpeq_epi64_mask(status, prospect) | _mm512_cmpeq_epi64_mask(status, lapsed);
    }

    CRMSIM_AVX512 __mmask8 draw_misses(const QuietLifecycleBatch& q, std::uint32_t i, __m512i word,
                                       __mmask8 no_firm) const {
        __m512d share = mixed_share;
        if (network) {
            const __m512i degree = _mm512_sub_epi64(_mm512_loadu_si512(q.network_offsets + i + 1),
                                                    _mm512_loadu_si512(q.network_offsets + i));
            const __m512d adopted =
                _mm512_cvtepi32_pd(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(q.adopted_neighbours + i)));
            const __mmask8 isolated = _mm512_cmpeq_epi64_mask(degree, _mm512_setzero_si512());
            share = _mm512_mask_blend_pd(isolated,
                                         _mm512_div_pd(adopted, _mm512_cvtepi32_pd(_mm512_cvtepi64_epi32(degree))),
                                         _mm512_setzero_pd());
        }
        const __m256i stories = _mm256_maskz_loadu_epi32(no_firm, q.c.stories + i);
        const __m512d heard = _mm512_cvtepi32_pd(_mm256_max_epi32(stories, _mm256_setzero_si256()));
        const __m512d hazard =
            _mm512_add_pd(_mm512_add_pd(external, _mm512_mul_pd(internal, share)), _mm512_mul_pd(story_weight, heard));
        return _mm512_cmp_pd_mask(sim::unit_doubles(word), hazard, _CMP_GE_OQ);
    }
};

CRMSIM_AVX512 std::uint32_t decide_avx512(const QuietLifecycleBatch& q, std::uint32_t b, std::uint32_t n,
                                          std::uint16_t* eventful, std::int64_t* quiet_count) {
    const CustomerColumns& c = q.c;
    const Mechanisms& m = q.m;
    const SwitchingHazard& sw = m.switching;
    const SatisfactionUpdate& update = m.satisfaction;
    const WordOfMouth& wom = m.word_of_mouth;
    const RelationshipLadder& ladder = m.ladder;
    const bool disconfirmation = update.model == SatisfactionModel::Disconfirmation;
    const bool squared = sw.convexity == 2.0;
    const __m512d zero = _mm512_setzero_pd(), one = _mm512_set1_pd(1.0);
    const __m512i none = _mm512_set1_epi64(kNoFirm);
    const __m512i dormant = _mm512_set1_epi64(static_cast<std::uint8_t>(CustomerStatus::Dormant));
    const __m512i not_observed = _mm512_set1_epi64(kNotObserved);
    const __m512d hazard = _mm512_set1_pd(sw.drift_hazard), variety = _mm512_set1_pd(sw.variety_seeking);
    const __m512i talk_bound =
        _mm512_set1_epi64(static_cast<std::int64_t>(sim::BernoulliBound(wom.advocate_talk).bound()));
    const __m512i advocate = _mm512_set1_epi64(static_cast<std::int64_t>(Stage::Advocate));
    const __m512d dissatisfied_below = _mm512_set1_pd(wom.dissatisfied_below);
    const __mmask8 wom_on = wom.enabled ? 0xff : 0;
    const __m256i horizon = _mm256_set1_epi32(static_cast<int>(m.tarp.horizon));
    const __m256i tick_end = _mm256_set1_epi32(static_cast<int>(q.tick + 1));
    const __m256i tick_now = _mm256_set1_epi32(static_cast<int>(q.tick));
    const __m512d weight = _mm512_set1_pd(update.disconfirmation_weight);
    const __m512d anchor = _mm512_set1_pd(update.anchor_weight);
    const __m512d fresh = _mm512_set1_pd(1.0 - update.anchor_weight);
    const __m512d adaptation = _mm512_set1_pd(update.expectation_adaptation);
    const __m512d gain = _mm512_set1_pd(update.good_service_gain);
    const QuietTables tables = quiet_tables(q);
    const __m512d stage_factor = wide_table(tables.stage_factor), promote = wide_table(tables.promote);
    const __m512d slip_from = wide_table(tables.slip_from);
    const __m512i fail_bound = wide_table(tables.fail_bound);
    const __m512d quality = wide_table(tables.service_quality), barrier_factor = wide_table(tables.barrier_factor);
    const __m512d pull = wide_table(tables.pull);
    const __m512i rung_mask = _mm512_set1_epi64(3);
    const __m512i client_purchases = _mm512_set1_epi64(ladder.client_purchases);
    const __m512d advocate_satisfaction = _mm512_set1_pd(ladder.advocate_satisfaction);
    const __m512i advocate_tenure = _mm512_set1_epi64(ladder.advocate_tenure);
    const __m512d partner_satisfaction = _mm512_set1_pd(ladder.partner_satisfaction);
    const __m512i partner_tenure = _mm512_set1_epi64(ladder.partner_tenure);
    const __m512d demote_below = _mm512_set1_pd(ladder.demote_below);
    const __m512i customer = _mm512_set1_epi64(1), client = _mm512_set1_epi64(2);
    const __mmask8 on_ladder = ladder.enabled ? 0xff : 0;
    constexpr std::uint64_t kByteOnes = 0x0101010101010101ull;  // bit j of a mask to byte j

    const WideNoAdoption no_adoption(q);
    const __m512d initial = _mm512_set1_pd(q.initial_satisfaction);

    std::uint32_t events = 0;
    std::uint32_t k = 0;
    for (; k + kWideLanes <= n; k += kWideLanes) {
        const std::uint32_t i = b + k;
        ask_for_deciding(q, i);
        const __m512i firm = bytes_to_wide_lanes(c.firm + i);
        const __m512i status = bytes_to_wide_lanes(c.status + i);
        const __mmask8 no_firm = _mm512_cmpeq_epi64_mask(firm, none);
        const __mmask8 takes = static_cast<__mmask8>(~(no_firm | _mm512_cmpeq_epi64_mask(status, dormant)));
        const __m512i own = _mm512_maskz_mov_epi64(takes, firm);  // 0 for anyone with no firm
        const __mmask8 bought = _mm512_cmpgt_epi64_mask(words_to_wide_lanes(q.bought + k), _mm512_setzero_si512());
        const __m512d s = _mm512_loadu_pd(c.satisfaction + i);
        const __m512i stage = bytes_to_wide_lanes(c.stage + i);
        const __m512i rung = _mm512_and_si512(_mm512_sub_epi64(stage, customer), rung_mask);
        const WideBlockWords encounter = transpose_wide(q.encounter + k);
        const WideBlockWords lifecycle = transpose_wide(q.lifecycle + k);

        // What would make the tick eventful.
        const __mmask8 fails =
            bought & _mm512_cmpgt_epi64_mask(_mm512_permutexvar_epi64(own, fail_bound), encounter.word[kLaneFailure]);
        const __m512d barrier = _mm512_mul_pd(pick_wide(stage_factor, rung), pick_wide(barrier_factor, own));
        const __m512d gap = _mm512_sub_pd(one, s);
        const __m512d drift = _mm512_mul_pd(
            barrier, _mm512_add_pd(_mm512_mul_pd(hazard, squared ? _mm512_mul_pd(gap, gap) : gap), variety));
        const __m512d leave_chance = _mm512_add_pd(drift, _mm512_mul_pd(barrier, pick_wide(pull, own)));
        const __mmask8 leaves =
            _mm512_cmp_pd_mask(sim::unit_doubles(encounter.word[kLaneSwitch]), leave_chance, _CMP_LT_OQ);
        const __m256i elapsed =
            _mm256_sub_epi32(tick_end, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(c.tarp_opened + i)));
        const __mmask8 complete = _mm256_cmpge_epu32_mask(elapsed, horizon);
        const __mmask8 closes =
            _mm512_cmpneq_epi64_mask(bytes_to_wide_lanes(c.tarp_group + i), not_observed) & complete;
        const __mmask8 talks =
            _mm512_cmpge_epu64_mask(stage, advocate) & _mm512_cmpgt_epi64_mask(talk_bound, lifecycle.word[kLaneTalk]);
        const __mmask8 dissatisfied = _mm512_cmp_pd_mask(s, dissatisfied_below, _CMP_LT_OQ);
        const __mmask8 tells = wom_on & (dissatisfied | talks);
        const __mmask8 prospect_stage = _mm512_cmpeq_epi64_mask(stage, _mm512_setzero_si512());
        const auto quiet = static_cast<__mmask8>(takes & ~(fails | leaves | closes | prospect_stage));

        const auto stays_without_firm = static_cast<__mmask8>(
            no_firm & (~no_adoption.may_adopt(status) | no_adoption.draw_misses(q, i, encounter.word[0], no_firm)));
        // Their stories are used up; other lanes' counters are not ours to store over.
        _mm256_mask_storeu_epi32(c.stories + i, stays_without_firm, _mm256_setzero_si256());

        // Good service, if they bought.
        const __m512d e = _mm512_add_pd(_mm512_cvtps_pd(_mm256_loadu_ps(c.expectation + i)), zero);
        __m512d feel;
        if (disconfirmation) {
            const __m512d performance = pick_wide(quality, own);
            const __m512d surprise = _mm512_sub_pd(performance, e);
            const __m512d transaction =
                _mm512_min_pd(one, _mm512_max_pd(zero, _mm512_add_pd(performance, _mm512_mul_pd(weight, surprise))));
            feel = _mm512_add_pd(_mm512_mul_pd(anchor, s), _mm512_mul_pd(fresh, transaction));
            const __m512d expected =
                _mm512_mask_blend_pd(bought, e, _mm512_add_pd(e, _mm512_mul_pd(adaptation, surprise)));
            _mm256_mask_storeu_ps(c.expectation + i, quiet, _mm512_cvtpd_ps(expected));
        } else {
            feel = _mm512_add_pd(s, _mm512_mul_pd(gain, gap));
        }
        _mm512_storeu_pd(c.next_satisfaction + i,
                         _mm512_mask_blend_pd(no_firm, _mm512_mask_blend_pd(bought, s, feel), initial));

        // The ladder, on start-of-tick satisfaction and stage.
        if (ladder.enabled) {
            const __m512d x = sim::unit_doubles(lifecycle.word[kLaneLadder]);
            const __m512i tenure = _mm512_cvtepu32_epi64(
                _mm256_sub_epi32(tick_now, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(c.since + i))));
            const __mmask8 at_customer = _mm512_cmpeq_epi64_mask(stage, customer);
            const __mmask8 at_client = _mm512_cmpeq_epi64_mask(stage, client);
            const __mmask8 at_advocate = _mm512_cmpeq_epi64_mask(stage, advocate);
            const __mmask8 repeat_buyer =
                _mm512_cmpge_epu64_mask(words_to_wide_lanes(c.purchases + i), client_purchases);
            const __mmask8 may_advocate = _mm512_cmp_pd_mask(s, advocate_satisfaction, _CMP_GE_OQ) &
                                          _mm512_cmpge_epu64_mask(tenure, advocate_tenure);
            const __mmask8 may_partner = _mm512_cmp_pd_mask(s, partner_satisfaction, _CMP_GE_OQ) &
                                         _mm512_cmpge_epu64_mask(tenure, partner_tenure);
            const __mmask8 may_climb =
                (at_customer & repeat_buyer) | ((at_client & may_advocate) | (at_advocate & may_partner));
            const __mmask8 climbs = may_climb & _mm512_cmp_pd_mask(x, pick_wide(promote, rung), _CMP_LT_OQ);
            const __mmask8 may_slip = _mm512_cmpgt_epi64_mask(stage, customer) &
                                      (_mm512_cmp_pd_mask(s, demote_below, _CMP_LT_OQ) &
                                       _mm512_cmp_pd_mask(x, pick_wide(slip_from, rung), _CMP_GE_OQ));
            const auto slips = static_cast<__mmask8>(~climbs & may_slip);
            const unsigned up = climbs & on_ladder & quiet, down = slips & on_ladder & quiet;
            std::uint64_t stages;
            std::memcpy(&stages, c.stage + i, sizeof stages);
            stages = stages + _pdep_u64(up, kByteOnes) - _pdep_u64(down, kByteOnes);
            std::memcpy(c.stage + i, &stages, sizeof stages);
        }

        std::memcpy(c.next_firm + i, c.firm + i, kWideLanes);
        std::memset(c.outcome + i, static_cast<int>(Outcome::NoFailure), kWideLanes);
        // The counts and lists, without a branch per lane.
        for (std::size_t g = 0; g < q.firm_count; ++g)
            quiet_count[g] += std::popcount(static_cast<unsigned>(
                quiet & _mm512_cmpeq_epi64_mask(firm, _mm512_set1_epi64(static_cast<std::int64_t>(g)))));
        events += sim::list_lanes(~static_cast<unsigned>(quiet | stays_without_firm), k, eventful + events);
        const unsigned teller_lanes = quiet & tells;
        std::uint32_t& told = *q.teller_count;
        // Their signs, as Market::story_sign gives them, picked by the same lane list.
        const __m128i signs = _mm_mask_blend_epi8(dissatisfied, _mm_set1_epi8(1), _mm_set1_epi8(-1));
        _mm_storel_epi64(
            reinterpret_cast<__m128i*>(q.teller_signs + told),
            _mm_shuffle_epi8(signs, _mm_cvtsi64_si128(static_cast<long long>(sim::kLanesOf[teller_lanes]))));
        told += sim::list_lanes(teller_lanes, k, q.tellers + told);
    }
    return decide_scalar(q, b, k, n, eventful, events, quiet_count);  // the batch's last few
}

// settle_avx2 eight at a time with AVX-512. The satisfaction sums keep
// settle_avx2's four tally lanes: a group's first four are added, then its
// last four. Who is counted where goes through a histogram of keys (firm
// after the tick, stage, dormant, promoter, detractor), summed into the
// counts once the chunk is done, instead of five counters per person.
CRMSIM_AVX512 void settle_avx512(const LifecycleSettlement& q, std::uint32_t begin, std::uint32_t end,
                                 std::span<const std::uint32_t> movers, std::span<const Settled> settled,
                                 LifecycleSettledCounts& counts) {
    const CustomerColumns& c = q.c;
    const __m512d zero = _mm512_setzero_pd(), one = _mm512_set1_pd(1.0);
    const __m512d effect = _mm512_set1_pd(q.effect), expectation_effect = _mm512_set1_pd(q.expectation_effect);
    const __m512d promoter_from = _mm512_set1_pd(q.promoter_from);
    const __m512d detractor_below = _mm512_set1_pd(q.detractor_below);
    const __m512i none = _mm512_set1_epi64(kNoFirm);
    const __m512i no_ones = _mm512_set1_epi64(4);  // counts.firms[4]: no one's
    const __m512i prospect = _mm512_set1_epi64(static_cast<std::uint8_t>(CustomerStatus::Prospect));
    const __m512i dormant = _mm512_set1_epi64(static_cast<std::uint8_t>(CustomerStatus::Dormant));
    const bool expectations_move = q.expectation_effect != 0.0;
    // key = firm << 6 | stage << 3 | dormant << 2 | promoter << 1 | detractor,
    // counted in four histograms taken in turn (no increment waits on the last).
    static_assert(kStages <= 8, "a stage takes three bits of the key");
    constexpr std::size_t kKeys = 5 << 6;
    std::array<std::array<std::uint32_t, kKeys>, 4> seen{};
    __m256d sums[4];
    for (std::size_t f = 0; f < 4; ++f) sums[f] = _mm256_loadu_pd(counts.satisfaction[f].data());
    std::size_t m = 0;
    std::uint32_t i = begin;
    for (; i + kWideLanes <= end; i += kWideLanes) {
        ask_for_settling(c, i);
        unsigned moved = 0;
        for (; m < movers.size() && movers[m] < i + kWideLanes; ++m) moved |= 1u << (movers[m] - i);
        const __m512i firm = bytes_to_wide_lanes(c.firm + i);  // after the tick: the movers are settled
        const auto same =
            static_cast<__mmask8>(~moved & _mm512_cmpeq_epi64_mask(firm, bytes_to_wide_lanes(c.next_firm + i)));
        const __mmask8 no_firm = _mm512_cmpeq_epi64_mask(firm, none);
        const auto stays = static_cast<__mmask8>(same & ~no_firm);  // with their firm
        const __m256i stories = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(c.stories + i));
        const __m512d heard = _mm512_cvtepi32_pd(stories);
        const __m512d x = _mm512_add_pd(_mm512_loadu_pd(c.next_satisfaction + i), _mm512_mul_pd(effect, heard));
        const __m512d s = _mm512_mask_blend_pd(stays, _mm512_loadu_pd(c.satisfaction + i),
                                               _mm512_min_pd(one, _mm512_max_pd(zero, x)));
        _mm512_storeu_pd(c.satisfaction + i, s);
        _mm256_mask_storeu_epi32(c.stories + i, stays, _mm256_setzero_si256());
        if (expectations_move) {
            const __m256 before = _mm256_loadu_ps(c.expectation + i);
            const __m512d moved_by = _mm512_add_pd(_mm512_cvtps_pd(before), _mm512_mul_pd(expectation_effect, heard));
            _mm256_mask_storeu_ps(c.expectation + i, stays,
                                  _mm512_cvtpd_ps(_mm512_min_pd(one, _mm512_max_pd(zero, moved_by))));
        }
        for (std::size_t f = 0; f < 4; ++f) {
            const __m512d mine =
                _mm512_maskz_mov_pd(_mm512_cmpeq_epi64_mask(firm, _mm512_set1_epi64(static_cast<std::int64_t>(f))), s);
            sums[f] =
                _mm256_add_pd(_mm256_add_pd(sums[f], _mm512_castpd512_pd256(mine)), _mm512_extractf64x4_pd(mine, 1));
        }
        const __m512i status = bytes_to_wide_lanes(c.status + i);
        const auto stays_out = static_cast<__mmask8>(same & no_firm);  // no firm before or after
        const auto never = static_cast<unsigned>(stays_out & _mm512_cmpeq_epi64_mask(status, prospect));
        counts.prospects += std::popcount(never);
        counts.lapsed += std::popcount(stays_out & ~never);
        const __mmask8 promoter = _mm512_cmp_pd_mask(s, promoter_from, _CMP_GE_OQ);
        const __mmask8 detractor = _mm512_cmp_pd_mask(s, detractor_below, _CMP_LT_OQ);
        const __m512i flags = _mm512_or_si512(
            _mm512_maskz_set1_epi64(_mm512_cmpeq_epi64_mask(status, dormant), 4),
            _mm512_or_si512(_mm512_maskz_set1_epi64(promoter, 2), _mm512_maskz_set1_epi64(detractor, 1)));
        const __m512i key = _mm512_or_si512(_mm512_or_si512(_mm512_slli_epi64(_mm512_min_epu64(firm, no_ones), 6),
                                                            _mm512_slli_epi64(bytes_to_wide_lanes(c.stage + i), 3)),
                                            flags);
        alignas(16) std::array<std::uint16_t, kWideLanes> keys;
        _mm_store_si128(reinterpret_cast<__m128i*>(keys.data()), _mm512_cvtepi64_epi16(key));
        for (std::uint32_t j = 0; j < kWideLanes; ++j) ++seen[j % 4][keys[j]];
    }
    for (std::size_t f = 0; f < 4; ++f) _mm256_storeu_pd(counts.satisfaction[f].data(), sums[f]);
    // Only keys of real stages: the stage's three bits hold 0 .. kStages - 1.
    for (std::size_t f = 0; f < counts.firms.size(); ++f)
        for (std::size_t stage = 0; stage < kStages; ++stage)
            for (std::size_t flags = 0; flags < 8; ++flags) {
                const std::size_t key = f << 6 | stage << 3 | flags;
                const std::int64_t n = seen[0][key] + seen[1][key] + seen[2][key] + seen[3][key];
                SettledFirm& t = counts.firms[f];
                t.customers += n;
                t.promoters += (flags >> 1 & 1u) * n;
                t.detractors += (flags & 1u) * n;
                if (q.count_stages) {
                    t.stages[stage] += n;
                    t.dormant += (flags >> 2 & 1u) * n;
                }
            }
    settle_scalar(q, i, end, movers.subspan(m), settled.subspan(m), counts);  // the population's last few
}

#undef CRMSIM_AVX512

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

// Everyone four at a time, lane j being person i + j and tally lane j
// (begin is a multiple of 4). The stayers' satisfaction, expectation and
// stories are computed and stored here; a mover's lane keeps what the
// general code stored for them. Each lane computes
// exactly what settle_stayer would: max(0, x) and min(1, x) are
// std::max(x, 0.0) and std::min(x, 1.0) to the bit, and adding +0.0 for
// the other firms leaves a sum unchanged.
__attribute__((target("avx2"))) void settle_avx2(const LifecycleSettlement& q, std::uint32_t begin, std::uint32_t end,
                                                 std::span<const std::uint32_t> movers,
                                                 std::span<const Settled> settled, LifecycleSettledCounts& counts) {
    // A mover's firm and satisfaction are in the columns now, as in `settled`.
    const CustomerColumns& c = q.c;
    const __m256d zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1.0);
    const __m256d effect = _mm256_set1_pd(q.effect), expectation_effect = _mm256_set1_pd(q.expectation_effect);
    const __m256d promoter_from = _mm256_set1_pd(q.promoter_from);
    const __m256d detractor_below = _mm256_set1_pd(q.detractor_below);
    const __m256i none = _mm256_set1_epi64x(kNoFirm);
    const __m256i lane_bit = _mm256_setr_epi64x(1, 2, 4, 8);
    const __m256i prospect = _mm256_set1_epi64x(static_cast<std::uint8_t>(CustomerStatus::Prospect));
    const bool expectations_move = q.expectation_effect != 0.0;
    __m256d sums[4];
    for (std::size_t f = 0; f < 4; ++f) sums[f] = _mm256_loadu_pd(counts.satisfaction[f].data());
    std::size_t m = 0;
    std::uint32_t i = begin;
    for (; i + kLanes <= end; i += kLanes) {
        if (i % kWideLanes == 0) ask_for_settling(c, i);  // a line of satisfactions per eight
        // The movers are settled already: their firm is the one after the
        // tick, and their satisfaction is stored.
        std::uint32_t moved = 0;
        for (; m < movers.size() && movers[m] < i + kLanes; ++m) moved |= 1u << (movers[m] - i);
        const __m256i movers_here = _mm256_cmpeq_epi64(_mm256_and_si256(_mm256_set1_epi64x(moved), lane_bit), lane_bit);
        const __m256i firm = bytes_to_lanes(c.firm + i);
        const __m256i same =
            _mm256_andnot_si256(movers_here, _mm256_cmpeq_epi64(firm, bytes_to_lanes(c.next_firm + i)));
        const __m256i no_firm = _mm256_cmpeq_epi64(firm, none);
        const __m256i stays = _mm256_andnot_si256(no_firm, same);  // with their firm
        const __m128i stay32 = low_halves(stays);
        const __m128i stories = _mm_loadu_si128(reinterpret_cast<const __m128i*>(c.stories + i));
        const __m256d heard = _mm256_cvtepi32_pd(stories);
        const __m256d x = _mm256_add_pd(_mm256_loadu_pd(c.next_satisfaction + i), _mm256_mul_pd(effect, heard));
        const __m256d s = _mm256_blendv_pd(_mm256_loadu_pd(c.satisfaction + i),
                                           _mm256_min_pd(one, _mm256_max_pd(zero, x)), as_pd(stays));
        _mm256_storeu_pd(c.satisfaction + i, s);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(c.stories + i),
                         _mm_blendv_epi8(stories, _mm_setzero_si128(), stay32));
        if (expectations_move) {
            const __m128 before = _mm_loadu_ps(c.expectation + i);
            const __m256d moved_by = _mm256_add_pd(_mm256_cvtps_pd(before), _mm256_mul_pd(expectation_effect, heard));
            const __m128 after = _mm256_cvtpd_ps(_mm256_min_pd(one, _mm256_max_pd(zero, moved_by)));
            _mm_storeu_ps(c.expectation + i, _mm_blendv_ps(before, after, _mm_castsi128_ps(stay32)));
        }
        // Who is whose customer after the tick.
        std::uint32_t firms;
        std::memcpy(&firms, c.firm + i, sizeof firms);
        const __m256i after = _mm256_cvtepu8_epi64(_mm_cvtsi32_si128(static_cast<int>(firms)));
        for (std::size_t f = 0; f < 4; ++f)
            sums[f] = _mm256_add_pd(
                sums[f],
                _mm256_and_pd(s, as_pd(_mm256_cmpeq_epi64(after, _mm256_set1_epi64x(static_cast<std::int64_t>(f))))));
        const __m256i status = bytes_to_lanes(c.status + i);
        const __m256i stays_out = _mm256_and_si256(same, no_firm);  // no firm before or after
        const auto never = static_cast<std::uint32_t>(
            _mm256_movemask_pd(as_pd(_mm256_and_si256(stays_out, _mm256_cmpeq_epi64(status, prospect)))));
        const auto out = static_cast<std::uint32_t>(_mm256_movemask_pd(as_pd(stays_out)));
        counts.prospects += std::popcount(never);
        counts.lapsed += std::popcount(out & ~never);
        const auto promoters =
            static_cast<std::uint32_t>(_mm256_movemask_pd(_mm256_cmp_pd(s, promoter_from, _CMP_GE_OQ)));
        const auto detractors =
            static_cast<std::uint32_t>(_mm256_movemask_pd(_mm256_cmp_pd(s, detractor_below, _CMP_LT_OQ)));
        for (std::uint32_t j = 0; j < kLanes; ++j) {  // no branch on whose customer: [4] is no one's
            SettledFirm& t = counts.firms[std::min<std::uint32_t>((firms >> (8 * j)) & 0xFFu, 4)];
            ++t.customers;
            t.promoters += (promoters >> j) & 1u;
            t.detractors += (detractors >> j) & 1u;
            if (q.count_stages) {
                ++t.stages[c.stage[i + j]];
                t.dormant += c.status[i + j] == static_cast<std::uint8_t>(CustomerStatus::Dormant);
            }
        }
    }
    for (std::size_t f = 0; f < 4; ++f) _mm256_storeu_pd(counts.satisfaction[f].data(), sums[f]);
    settle_scalar(q, i, end, movers.subspan(m), settled.subspan(m), counts);  // the population's last few
}
#endif

}  // namespace

std::uint32_t decide_quiet_lifecycle(const QuietLifecycleBatch& q, std::uint32_t b, std::uint32_t n,
                                     std::uint16_t* eventful, std::int64_t* quiet) {
#if defined(__x86_64__)
    // The vector loop knows the power drift shapes (1 - s) and (1 - s)^2,
    // and holds each firm constant for up to four firms in one register.
    // (Not yet written over sim::Lanes: see docs/fast-paths.md.)
    const double convexity = q.m.switching.convexity;
    if (sim::avx2_loops() && q.m.switching.shape == DriftShape::Power && (convexity == 1.0 || convexity == 2.0) &&
        q.firm_count <= 4)
        return wide_loops() ? decide_avx512(q, b, n, eventful, quiet) : decide_avx2(q, b, n, eventful, quiet);
#endif
    return decide_scalar(q, b, 0, n, eventful, 0, quiet);
}

}  // namespace models

namespace models {

bool settles_lifecycle_stayers(std::size_t firm_count) {
    return firm_count <= 4;
}

#if defined(__x86_64__)
// list_firm_changes 32 people at a time; returns where it stopped.
__attribute__((target("avx2"))) std::uint32_t list_firm_changes_avx2(const std::uint8_t* firm,
                                                                     const std::uint8_t* next_firm, std::uint32_t begin,
                                                                     std::uint32_t end,
                                                                     std::vector<std::uint32_t>& movers) {
    std::uint32_t i = begin;
    for (; i + 32 <= end; i += 32) {
        const __m256i before = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(firm + i));
        const __m256i after = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(next_firm + i));
        for (auto m = ~static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(before, after))); m != 0;
             m &= m - 1)
            movers.push_back(i + static_cast<std::uint32_t>(std::countr_zero(m)));
    }
    return i;
}
#endif

void list_firm_changes(const std::uint8_t* firm, const std::uint8_t* next_firm, std::uint32_t begin, std::uint32_t end,
                       std::vector<std::uint32_t>& movers) {
    std::uint32_t i = begin;
#if defined(__x86_64__)
    if (sim::avx2_loops()) i = list_firm_changes_avx2(firm, next_firm, begin, end, movers);
#endif
    for (; i < end; ++i)
        if (firm[i] != next_firm[i]) movers.push_back(i);
}

void settle_lifecycle_stayers(const LifecycleSettlement& q, std::uint32_t begin, std::uint32_t end,
                              std::span<const std::uint32_t> movers, std::span<const Settled> settled,
                              LifecycleSettledCounts& counts) {
#if defined(__x86_64__)
    if (sim::avx2_loops() && begin % kLanes == 0)
        return wide_loops() ? settle_avx512(q, begin, end, movers, settled, counts)
                            : settle_avx2(q, begin, end, movers, settled, counts);
#endif
    settle_scalar(q, begin, end, movers, settled, counts);
}

}  // namespace models
