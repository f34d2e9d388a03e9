#include "models/market/Market.hpp"

#include "models/market/DrawPurpose.hpp"
#include "models/market/InitialPopulation.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <stdexcept>
#include <string>

namespace models {
namespace {

// Per-thread working lists of the word-of-mouth phase, kept between chunks
// and ticks so that their memory is allocated once, not once per chunk.
struct DrawScratch {
    std::vector<sim::Block4> addresses;
    std::vector<sim::Block4> draws;
};

DrawScratch& draw_scratch() {
    thread_local DrawScratch scratch;
    return scratch;
}

}  // namespace

Market::Market(MarketParams params, const sim::Network& network, sim::StreamKey key)
    : params_(std::move(params)),
      network_(network),
      stream_(key),
      customers_(params_.population.size),
      chunks_(params_.population.size),
      chunk_tallies_(chunks_.count() * params_.firms.size()),
      tally_(params_.firms.size()),
      chunk_tellers_(chunks_.count()) {
    if (params_.firms.size() < 2 || params_.firms.size() > 255)
        throw std::invalid_argument("a market needs 2 to 255 firms, got " + std::to_string(params_.firms.size()));
    if (params_.mechanisms.word_of_mouth.enabled && network_.nodes() != params_.population.size)
        throw std::invalid_argument("the network has " + std::to_string(network_.nodes()) + " nodes but there are " +
                                    std::to_string(params_.population.size) + " customers");
    initialise_customers(params_, stream_, customers_);
}

void Market::step(std::uint32_t tick) {
    decide(tick);
    if (params_.mechanisms.word_of_mouth.enabled) spread_word_of_mouth(tick);
    apply();
    sum_chunk_tallies();
}

void Market::decide(std::uint32_t tick) {
    const std::size_t firms = params_.firms.size();
    const WordOfMouth& wom = params_.mechanisms.word_of_mouth;
    sim::for_each_chunk(chunks_, [&](const sim::Chunk& c) {
        // Tally locally, then store: no false sharing between threads.
        InterleavedTally tally(firms);
        // Who tells stories is known here; listing them now saves the word
        // of mouth phase a pass over every customer.
        std::vector<std::uint32_t>& tellers = chunk_tellers_[c.index];
        tellers.clear();
        // Draw the encounter blocks of a batch first, many at a time (SIMD),
        // then decide customer by customer.
        // Columns through local pointers: byte stores may alias anything, and
        // would otherwise make the compiler reload every column's address.
        const std::uint8_t* const firm = customers_.firm.data();
        const double* const satisfaction = customers_.satisfaction.data();
        const double* const spend = customers_.spend.data();
        std::uint8_t* const outcome = customers_.outcome.data();
        std::uint8_t* const next_firm = customers_.next_firm.data();
        double* const next_satisfaction = customers_.next_satisfaction.data();
        constexpr std::uint32_t kBatch = 256;
        std::array<sim::Block4, kBatch> addresses, draws;
        for (std::uint32_t b = c.begin; b < c.end; b += kBatch) {
            const std::uint32_t n = std::min(kBatch, c.end - b);
            for (std::uint32_t k = 0; k < n; ++k) addresses[k] = sim::CounterStream::address(kEncounter, b + k, tick);
            stream_.blocks(addresses.data(), draws.data(), n);
            for (std::uint32_t k = 0; k < n; ++k) {
                const std::uint32_t i = b + k;
                const Encounter e =
                    decide_customer(i, tick, firm[i], satisfaction[i], spend[i], draws[k], tally.lane_of(i));
                outcome[i] = static_cast<std::uint8_t>(e.outcome);
                next_satisfaction[i] = e.next_satisfaction;
                next_firm[i] = e.next_firm;
                if (wom.sign(e.outcome) != 0) tellers.push_back(i);
            }
        }
        const std::vector<FirmTally> total = tally.sum();
        std::copy(total.begin(), total.end(), chunk_tally(c.index));
    });
}

// One customer's encounter with their firm `f` this tick, from start-of-tick
// state only (satisfaction `s`, `spend`) and the customer's kEncounter block.
Market::Encounter Market::decide_customer(std::uint32_t i, std::uint32_t tick, std::uint8_t f, double s, double spend,
                                          const sim::Block4& draws, FirmTally* tally) const {
    const Mechanisms& m = params_.mechanisms;
    const FirmParams& firm = params_.firms[f];
    FirmTally& t = tally[f];
    t.revenue += spend;

    const Severity severity = m.service_failures.draw(firm.service, draws[kLaneFailure], draws[kLaneSeverity]);
    Encounter e{Outcome::NoFailure, f, 0.0};
    double p_switch = 0.0;
    if (severity == Severity::None) {
        e.next_satisfaction = m.satisfaction.after_good_service(s);
        p_switch = m.switching.drift(s);
    } else {
        ++t.failures;
        t.major_failures += severity == Severity::Major;
        e.outcome = Outcome::Silent;
        if (m.complaints.complains(severity, draws[kLaneComplaint])) {
            ++t.complaints;
            e.outcome = m.recovery.outcome(firm.recovery, stream_.block(kRecovery, i, tick)[0]);
            t.recovery_cost += ComplaintRecovery::cost(firm.recovery, e.outcome);
        }
        const double repurchase = m.repurchase.after(e.outcome, severity);
        e.next_satisfaction = SatisfactionUpdate::after_failure(repurchase);
        p_switch = SwitchingHazard::after_failure(repurchase);
    }
    ++t.outcomes[index(e.outcome)];

    if (sim::bernoulli(draws[kLaneSwitch], p_switch)) {
        const auto firms = static_cast<std::uint32_t>(params_.firms.size());
        const std::uint32_t u = firms > 2 ? stream_.block(kSwitchTarget, i, tick)[0] : 0;
        e.next_firm = SwitchingHazard::competitor(f, firms, u);
        ++t.switched_out;
    }
    return e;
}

// Tellers push stories to their neighbours. A hearer's counter takes integer
// increments from any thread: integer addition commutes, so the result does
// not depend on which thread got there first.
void Market::spread_word_of_mouth(std::uint32_t tick) {
    const WordOfMouth& wom = params_.mechanisms.word_of_mouth;
    sim::for_each_chunk(chunks_, [&](const sim::Chunk& c) {
        // Tellers are few (a tenth of customers or less) and scattered; the
        // decide phase listed them. Draw all their edge blocks at once (SIMD),
        // then tell, with the adjacency rows a few tellers ahead prefetched.
        const std::vector<std::uint32_t>& tellers = chunk_tellers_[c.index];
        DrawScratch& scratch = draw_scratch();
        auto& [addresses, draws] = scratch;
        addresses.clear();
        for (const std::uint32_t i : tellers)
            for (std::uint32_t q = 0; q * 4 < network_.degree(i); ++q)
                addresses.push_back(sim::CounterStream::address(kWordOfMouth, i, tick, q));
        draws.resize(addresses.size());
        stream_.blocks(addresses.data(), draws.data(), addresses.size());

        constexpr std::size_t kRowsAhead = 8;
        std::vector<FirmTally> stories(params_.firms.size());
        const sim::Block4* next_draws = draws.data();
        for (std::size_t k = 0; k < tellers.size(); ++k) {
            if (k + kRowsAhead < tellers.size()) network_.prefetch_neighbours(tellers[k + kRowsAhead]);
            const std::uint32_t i = tellers[k];
            const int sign = wom.sign(static_cast<Outcome>(customers_.outcome[i]));
            const std::int64_t told = tell_neighbours(i, sign, next_draws);
            next_draws += (network_.degree(i) + 3) / 4;
            FirmTally& t = stories[customers_.firm[i]];
            (sign > 0 ? t.positive_stories : t.negative_stories) += told;
        }
        FirmTally* tally = chunk_tally(c.index);
        for (std::size_t f = 0; f < stories.size(); ++f) {
            tally[f].positive_stories = stories[f].positive_stories;
            tally[f].negative_stories = stories[f].negative_stories;
        }
    });
}

// Customer i tells each neighbour e with the story's reach, deciding by word
// e % 4 of draws[e / 4] (its kWordOfMouth blocks); returns how many heard.
std::int64_t Market::tell_neighbours(std::uint32_t i, int sign, const sim::Block4* draws) {
    const std::uint8_t f = customers_.firm[i];
    const double reach = params_.mechanisms.word_of_mouth.reach(sign);
    const auto neighbours = network_.neighbours(i);
    std::int64_t told = 0;
    for (std::uint32_t e = 0; e < neighbours.size(); ++e) {
        if (!sim::bernoulli(draws[e / 4][e % 4], reach)) continue;
        ++told;
        const sim::NodeId j = neighbours[e];
        if (customers_.firm[j] == f)
            std::atomic_ref<std::int32_t>(customers_.stories[j]).fetch_add(sign, std::memory_order_relaxed);
    }
    return told;
}

void Market::apply() {
    const double effect = params_.mechanisms.word_of_mouth.story_effect;
    const double after_switch = params_.mechanisms.switching.satisfaction_after_switch;
    sim::for_each_chunk(chunks_, [&](const sim::Chunk& c) {
        InterleavedTally lanes(params_.firms.size());
        for (std::uint32_t i = c.begin; i < c.end; ++i) {
            const std::uint8_t next_firm = customers_.next_firm[i];
            FirmTally& t = lanes.at(i, next_firm);
            double s;
            if (next_firm != customers_.firm[i]) {
                ++t.switched_in;
                customers_.firm[i] = next_firm;
                s = after_switch;  // stories heard about the old firm no longer matter
            } else {
                s = std::clamp(customers_.next_satisfaction[i] + effect * customers_.stories[i], 0.0, 1.0);
            }
            customers_.stories[i] = 0;
            customers_.satisfaction[i] = s;
            ++t.customers;
            t.satisfaction_sum += s;
        }
        const std::vector<FirmTally> tally = lanes.sum();
        FirmTally* out = chunk_tally(c.index);
        for (std::size_t f = 0; f < tally.size(); ++f) {
            out[f].switched_in = tally[f].switched_in;
            out[f].customers = tally[f].customers;
            out[f].satisfaction_sum = tally[f].satisfaction_sum;
        }
    });
}

void Market::sum_chunk_tallies() {
    const std::size_t firms = params_.firms.size();
    std::fill(tally_.begin(), tally_.end(), FirmTally{});
    for (std::size_t c = 0; c < chunks_.count(); ++c)
        for (std::size_t f = 0; f < firms; ++f) tally_[f] += chunk_tallies_[c * firms + f];
}

std::vector<sim::ColumnSpec> Market::metric_columns() const {
    return firm_tick_columns();
}

void Market::emit_metrics(std::uint32_t tick, const sim::RowSink& sink) const {
    for (std::uint32_t f = 0; f < tally_.size(); ++f)
        emit_firm_tick_row(tick, f, tally_[f], params_.firms[f].margin, sink);
}

std::vector<sim::ColumnData> Market::snapshot() const {
    using sim::ColumnType;
    const CustomerState& c = customers_;
    sim::ColumnData firm{{"firm", ColumnType::Int64, "1", "the customer's firm (index into the firms list)"}, {}, {}};
    sim::ColumnData satisfaction{
        {"satisfaction", ColumnType::Float64, "1", "the customer's satisfaction [0, 1]"}, {}, {}};
    sim::ColumnData spend{{"spend", ColumnType::Float64, "currency units", "the customer's spend per tick"}, {}, {}};
    firm.ints.assign(c.firm.data(), c.firm.data() + c.size());
    satisfaction.doubles.assign(c.satisfaction.data(), c.satisfaction.data() + c.size());
    spend.doubles.assign(c.spend.data(), c.spend.data() + c.size());
    return {std::move(firm), std::move(satisfaction), std::move(spend)};
}

std::size_t Market::bytes() const {
    return customers_.bytes() + chunk_tallies_.capacity() * sizeof(FirmTally) + tally_.capacity() * sizeof(FirmTally);
}

}  // namespace models
