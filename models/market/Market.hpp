#pragma once
// The market model: customers of competing firms meeting service, failures,
// complaints and recovery, telling each other about it and switching. Each
// tick is synchronous: decide (every customer, from start-of-tick state),
// spread word of mouth, apply. Each phase runs over fixed chunks of
// customers in parallel; results do not depend on the thread count.
#include "models/market/CustomerState.hpp"
#include "models/market/FirmTally.hpp"
#include "models/market/MarketParams.hpp"
#include "sim/network/Network.hpp"
#include "sim/parallel/Chunks.hpp"
#include "sim/random/CounterStream.hpp"
#include "sim/schedule/TickModel.hpp"

#include <vector>

namespace models {

class Market final : public sim::TickModel {
public:
    // `network` must outlive the market and have one node per customer (it
    // may be empty when word of mouth is off).
    Market(MarketParams params, const sim::Network& network, sim::StreamKey key);

    void step(std::uint32_t tick) override;
    std::vector<sim::ColumnSpec> metric_columns() const override;
    void emit_metrics(std::uint32_t tick, const sim::RowSink& sink) const override;
    std::vector<sim::ColumnData> snapshot() const override;

    const MarketParams& params() const { return params_; }
    const CustomerState& customers() const { return customers_; }
    // Per-firm tally of the last tick stepped.
    const std::vector<FirmTally>& tally() const { return tally_; }
    std::size_t bytes() const;

private:
    void decide(std::uint32_t tick);
    // What one customer's encounter decided: written to the scratch columns.
    struct Encounter {
        Outcome outcome;
        std::uint8_t next_firm;
        double next_satisfaction;
    };
    Encounter decide_customer(std::uint32_t i, std::uint32_t tick, std::uint8_t f, double s, double spend,
                              const sim::Block4& draws, FirmTally* tally) const;
    void spread_word_of_mouth(std::uint32_t tick);
    std::int64_t tell_neighbours(std::uint32_t i, int sign, const sim::Block4* draws);
    void apply();
    void sum_chunk_tallies();
    FirmTally* chunk_tally(std::size_t chunk) { return &chunk_tallies_[chunk * params_.firms.size()]; }

    MarketParams params_;
    const sim::Network& network_;
    sim::CounterStream stream_;
    CustomerState customers_;
    sim::Chunks chunks_;
    std::vector<FirmTally> chunk_tallies_;                   // chunk-major: chunks x firms
    std::vector<FirmTally> tally_;                           // firms
    std::vector<std::vector<std::uint32_t>> chunk_tellers_;  // per chunk: customers telling stories this tick
};

}  // namespace models
