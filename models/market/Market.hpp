#pragma once
// The market model: people who are prospects or customers of competing
// firms, buying, meeting service, failures, complaints and recovery,
// climbing the relationship ladder, telling each other about it, switching,
// leaving and being acquired. Each tick is synchronous: decide (every person,
// from start-of-tick state), spread word of mouth, apply. Each phase runs
// over fixed chunks of people in parallel; results do not depend on the
// thread count.
#include "models/market/CustomerState.hpp"
#include "models/market/FirmTally.hpp"
#include "models/market/MarketParams.hpp"
#include "models/market/QuietLifecycle.hpp"
#include "models/mechanisms/FirmChoice.hpp"
#include "sim/network/Network.hpp"
#include "sim/parallel/Chunks.hpp"
#include "sim/random/CounterStream.hpp"
#include "sim/random/FastGamma.hpp"
#include "sim/schedule/TickModel.hpp"
#include "sim/stats/GroupTopShare.hpp"

#include <span>
#include <vector>

namespace models {

class Market final : public sim::TickModel {
public:
    // `network` must outlive the market and have one node per person (it
    // may be empty when neither word of mouth nor network influence is on).
    Market(MarketParams params, const sim::Network& network, sim::StreamKey key);

    // Continues from the state after the ticks stepped so far under other
    // parameters (a policy taking effect, after a warm-up): the same firms
    // and customers; targeted strategies whose rules change review their
    // targets at the next tick and every review_every ticks from it.
    void continue_under(MarketParams params);

    void step(std::uint32_t tick) override;
    std::vector<sim::ColumnSpec> metric_columns() const override;
    void emit_metrics(std::uint32_t tick, const sim::RowSink& sink) const override;
    std::vector<sim::ColumnData> snapshot() const override;
    std::vector<sim::Table> run_tables() const override;
    // The transaction log (MetricOptions::transaction_log): one row per
    // customer and tick with purchases.
    std::vector<sim::ColumnSpec> event_columns() const override;
    void emit_events(std::uint32_t tick, const sim::RowSink& sink) const override;

    const MarketParams& params() const { return params_; }
    const CustomerState& customers() const { return customers_; }
    // Per-firm tally of the last tick stepped.
    const std::vector<FirmTally>& tally() const { return tally_; }
    // Market-wide counts after the last tick stepped.
    const MarketTally& market_tally() const { return market_tally_; }
    // The TARP table so far, per firm (observations completed).
    const std::vector<TarpCounts>& tarp() const { return tarp_; }
    // Its satisfaction sums and no-failure reference, per firm, so far.
    const std::vector<TarpFollowUp>& tarp_follow_up() const { return tarp_follow_up_; }
    // Net stories each person heard last tick about each firm they do not
    // buy from (person-major: [i * firms + f]); empty unless
    // word_of_mouth.choice_effect is on.
    std::span<const std::int16_t> heard_about() const { return heard_about_; }
    std::size_t bytes() const;
    // For tests that check the fast loops give the same results: a switch
    // to the general ones.
    void use_general_loops() {
        scope_ = any_strategic_ ? Scope::Strategies : Scope::Lifecycle;
        staged_batches_ = false;
        staged_settling_ = false;
    }
    // Whether the lifecycle's customers are decided a batch at a time in
    // stages (decide_batch_in_stages), and settled with the stayers apart
    // (settle_lifecycle_chunk).
    bool decides_in_stages() const { return staged_batches_; }
    bool settles_in_stages() const { return staged_settling_; }
    // Test seam: tell every story in a phase of its own after the decide
    // phase, rather than chunk by chunk as each chunk is decided.
    void tell_in_a_separate_phase() { tell_per_chunk_ = false; }

private:
    // Who tells stories this tick, and with which sign (listed while deciding).
    struct Teller {
        std::uint32_t customer;
        std::int32_t sign;
    };
    // A customer's purchases in one tick (the transaction log's row).
    struct Transaction {
        std::uint32_t customer;
        std::uint8_t firm;
        std::uint32_t purchases;
        double amount;
    };
    // What the firm's strategies do to one customer this tick (FirmPolicy.cpp).
    struct PolicyEffect {
        bool member = false;             // in the loyalty programme
        bool end = false;                // the firm ends the relationship this tick
        bool limited = false;            // under price / service limits
        bool tactics = false;            // targeted by relationship-enhancement tactics
        double drift_factor = 1.0;       // loyalty barrier, tactics
        double satisfaction_gain = 0.0;  // information programme, tactics
        double expectation_shift = 0.0;  // tactics: reassurance
        double recovery_gain = 0.0;      // tactics: problem solving, after a failure
    };
    // A customer's purchases in one tick.
    struct Basket {
        std::uint32_t purchases = 0;
        double amount = 0.0;
        bool dropped_out = false;
    };
    // A complaint whose outcome waits for the firm's capacity to be shared out.
    struct PendingComplaint {
        std::uint32_t customer;
        Severity severity;
        Outcome outcome;  // as drawn; a quick one may become slow
        PolicyEffect policy;
    };
    struct EncounterResult {
        Severity severity;
        Outcome outcome;
        bool bought;
        PolicyEffect policy;
    };
    struct AdoptionChange {
        std::uint32_t customer;
        int change;
    };
    struct ChunkScratch {
        std::vector<Teller> tellers;
        std::vector<PendingComplaint> complaints;
        std::vector<Transaction> transactions;
        // People with no firm who heard this chunk's tellers' positive
        // stories while other chunks were still deciding: their counters
        // are read by their own decisions, so the stories wait here until
        // the decide phase is over (deliver_held_stories).
        std::vector<std::uint32_t> held_stories;
        // People of the chunk who joined the market (+1) or left it (-1)
        // this tick, for their neighbours' adopter counts.
        std::vector<AdoptionChange> adoptions;
        // Their neighbours outside the chunk, told once every chunk is
        // settled (tell_distant_neighbours).
        std::vector<AdoptionChange> distant_neighbours;
        MarketTally market;
    };

    // The decide loop is compiled once per scope of mechanisms a market can
    // use: the customers' mechanisms alone, and those plus the firms'
    // strategies. A market runs the narrowest scope that covers it
    // (decide_scope), whose loop then carries no code of the strategies it
    // does not use. Markets whose firms do not act also take the quiet
    // loops (QuietLifecycle.hpp: decide_batch_in_stages,
    // settle_lifecycle_chunk), RM-1's among them; the results are bit for
    // bit those of the general loops (tested).
    enum class Scope { Lifecycle, Strategies };
    // Customers whose draws are made together (SIMD) in the decide loop.
    static constexpr std::uint32_t kBatch = 256;
    Scope decide_scope() const;
    void derive_from_params();
    // Decides every chunk; with then_tell, each chunk's tellers tell their
    // stories straight after the chunk is decided.
    void decide(std::uint32_t tick, bool then_tell);
    // One customer's tick with their firm: purchases, the encounter, the
    // ladder and whether they leave; lists them in `scratch` if they tell
    // stories or bought (with the transaction log on).
    // `amount`: block 0 of the customer's kPurchaseAmount draws (used by
    // buy_at_rate when amounts are gamma-gamma); `counted`: their Poisson
    // purchase count, made for the batch (sim::kNotCounted: not made).
    template <Scope kScope>
    void decide_customer(const Mechanisms& m, const CustomerColumns& c, std::uint32_t i, std::uint32_t tick,
                         const sim::Block4& encounter, const sim::Block4& lifecycle, const sim::Block4& amount,
                         std::uint32_t counted, FirmTally* tally, ChunkScratch& scratch);
    // decide_customer's two halves: paying for this tick's basket, and the
    // service encounter with what follows from it.
    template <Scope kScope>
    void take_basket(const Mechanisms& m, const CustomerColumns& c, std::uint32_t i, std::uint32_t tick,
                     const PolicyEffect& policy, Basket& basket, FirmTally& t, ChunkScratch& scratch);
    template <Scope kScope>
    void meet_service(const Mechanisms& m, const CustomerColumns& c, std::uint32_t i, std::uint32_t tick,
                      const PolicyEffect& policy, const Basket& basket, const sim::Block4& draws,
                      const sim::Block4& lifecycle, FirmTally& t, ChunkScratch& scratch);
    template <Scope kScope>
    void conclude_encounter(const Mechanisms& m, const CustomerColumns& c, std::uint32_t i, std::uint32_t tick,
                            const EncounterResult& e, const sim::Block4& draws, const sim::Block4& lifecycle,
                            FirmTally& t, ChunkScratch& scratch);
    template <Scope kScope>
    void decide_one(const Mechanisms& m, const CustomerColumns& c, std::uint32_t i, std::uint32_t tick,
                    const sim::Block4& draws, const sim::Block4& lifecycle, const sim::Block4& amount,
                    std::uint32_t counted, InterleavedTally& tally, ChunkScratch& scratch);
    void draw_prospects(const CustomerColumns& c, std::uint32_t b, std::uint32_t n, std::uint32_t tick,
                        sim::Block4* draws) const;
    // The draws of one batch of customers (decide_chunk).
    struct BatchDraws {
        const sim::Block4* encounter;  // a prospect's: their kAcquisition block
        const sim::Block4* lifecycle;
        const std::uint32_t* counted;  // Poisson purchase counts (sim::kNotCounted: not made)
    };
    // The lifecycle's customers b .. b + n - 1 in stages (staged_batches_):
    // every basket, then the quiet ticks (QuietLifecycle.hpp), then the
    // eventful rest one by one. Bit for bit what decide_one gives.
    template <Scope kScope>
    void decide_batch_in_stages(const Mechanisms& m, const CustomerColumns& c, std::uint32_t b, std::uint32_t n,
                                std::uint32_t tick, const BatchDraws& d, InterleavedTally& tally,
                                ChunkScratch& scratch);
    template <Scope kScope>
    void take_batch_baskets(const CustomerColumns& c, std::uint32_t b, std::uint32_t n, std::uint32_t tick,
                            const BatchDraws& d, std::span<const std::uint16_t> takers, std::uint32_t* bought,
                            double* amount, InterleavedTally& tally, ChunkScratch& scratch);
    bool may_decide_in_stages() const;
    void ask_ahead_for_eventful(const CustomerColumns& c, std::uint32_t b) const;
    void read_for_eventful(std::uint32_t b, std::uint32_t n) const;
    void ask_ahead_for_baskets(const CustomerColumns& c, std::uint32_t b) const;
    template <Scope kScope>
    void decide_chunk(const sim::Chunk& chunk, std::uint32_t tick);
    void resolve_complaints(std::uint32_t tick);
    // The firm's strategies (FirmPolicy.cpp).
    PolicyEffect policy_effect(std::uint32_t i, std::uint32_t tick, std::uint8_t f) const;
    void charge_policy(std::uint32_t i, const PolicyEffect& p, const FirmParams& firm, double amount,
                       FirmTally& t) const;
    // Returns the change to this tick's chance of leaving (1: none).
    double prevent_switching(std::uint32_t i, std::uint32_t tick, const FirmParams& firm, double satisfaction,
                             double& satisfaction_gain, FirmTally& t) const;
    bool end_relationship(std::uint32_t i, std::uint32_t tick, const FirmParams& firm, FirmTally& t, int& story) const;
    void activate(std::uint32_t i, std::uint32_t tick, const FirmParams& firm, FirmTally& t);
    void cross_sell(std::uint32_t i, std::uint32_t tick, const FirmParams& firm, FirmTally& t);
    bool win_back(std::uint32_t i, std::uint32_t tick, FirmTally* tally);
    // Targeting (models/strategies/Segmentation.hpp): bits of CustomerState::member.
    static constexpr std::uint8_t kLoyaltyMember = 1;
    static constexpr std::uint8_t kTacticsTarget = 2;
    struct TargetedStrategy {
        std::size_t firm;
        TargetRule rule;
        std::uint8_t bit;
    };
    using RfmValues = std::array<double, 3>;                               // -recency, frequency, monetary
    using RfmCutoffs = std::vector<std::array<std::array<double, 4>, 3>>;  // per firm and variable
    std::vector<TargetedStrategy> targeted_strategies() const;
    void review_targets(std::uint32_t tick);
    RfmCutoffs rfm_cutoffs(std::uint32_t tick) const;
    RfmValues rfm_values(std::uint32_t i, std::uint32_t tick) const;
    std::uint32_t rfm_score(std::uint32_t i, std::uint32_t tick, const std::array<std::array<double, 4>, 3>& cut) const;
    static int story_sign(const WordOfMouth& wom, Outcome outcome, Stage stage, double satisfaction,
                          const sim::Block4& lifecycle);
    // One prospect's tick: whether they adopt, and which firm.
    // `draws`: the prospect's kAcquisition block.
    void decide_prospect(std::uint32_t i, std::uint32_t tick, const sim::Block4& draws, FirmTally* tally);
    // Purchases of a Poisson-process customer (not RM-1's one per tick).
    // `counted`: the count count_batch_purchases made (sim::kNotCounted: none).
    Basket buy_at_rate(std::uint32_t i, std::uint32_t tick, std::uint32_t u, std::uint32_t counted,
                       const sim::Block4& amount) const;
    void count_batch_purchases(std::uint32_t b, std::uint32_t n, const sim::Block4* lifecycle,
                               std::uint32_t* counted) const;
    std::uint32_t purchase_count(std::uint32_t i, std::uint32_t tick, double mean, std::uint32_t u) const;
    double basket_amount(std::uint32_t i, std::uint32_t tick, std::uint32_t n, const sim::Block4& amount) const;
    void basket_amounts(std::uint32_t b, std::uint32_t tick, std::span<const std::uint16_t> buyers,
                        const std::uint32_t* bought, const sim::Block4* first, double* amount) const;
    double adopter_share(std::uint32_t i) const;
    void count_adopted_neighbours();
    void tell_neighbours_of_adoption(std::uint32_t i, int change, const sim::Chunk& chunk,
                                     std::vector<AdoptionChange>& distant);
    void tell_neighbours_of_adoptions(const sim::Chunk& chunk, ChunkScratch& scratch);
    void tell_distant_neighbours();
    // Active customers not under observation open a no-failure reference
    // observation at the start of `tick` (TarpTracking::reference_every).
    void open_reference_observations(std::uint32_t tick);
    static void close_tarp_observation(const TarpTracking& tarp, const CustomerColumns& c, std::uint32_t i,
                                       std::uint32_t tick, bool retained, FirmTally& t);
    // RFM counters through the first `ticks` ticks. With RM-1's one purchase
    // per tick they follow from tenure and spend level and are not stored.
    std::uint32_t frequency(std::uint32_t i, std::uint32_t ticks) const;
    double monetary(std::uint32_t i, std::uint32_t ticks) const;
    std::uint32_t last_purchase(std::uint32_t i, std::uint32_t ticks) const;

    void spread_word_of_mouth(std::uint32_t tick);
    // `just_decided`: the chunk is told right after it was decided, while
    // other chunks may still be deciding: stories for people with no firm
    // then go to the chunk's held_stories instead of their counters.
    void spread_chunk_word_of_mouth(const sim::Chunk& chunk, std::uint32_t tick, bool just_decided);
    void deliver_held_stories();
    // How stories reach their hearers' counters: for people with no firm,
    // held in `held` (nullptr: counted at once); `shared`: other threads
    // may be telling at the same time (sim::add_to_counter).
    struct Delivery {
        std::vector<std::uint32_t>* held;
        bool shared;
    };
    // A story that reaches someone: who, about which firm, good or bad.
    struct Hearing {
        std::uint32_t hearer;
        std::uint8_t about;
        std::int8_t sign;
    };
    std::int64_t list_neighbours_who_hear(std::uint32_t i, int sign, const sim::Block4* draws,
                                          std::vector<Hearing>& hearings) const;
    std::int64_t list_weak_ties_who_hear(std::uint32_t i, int sign, const sim::Block4* draws,
                                         std::vector<Hearing>& hearings) const;
    void deliver(const std::vector<Hearing>& hearings, const Delivery& to);
    void hear(std::uint32_t j, std::uint8_t about, int sign, const Delivery& to);
    // What person i heard about each firm, for their choice of one.
    StoriesHeard heard_by(std::uint32_t i) const;

    void apply(std::uint32_t tick);
    template <class Settle>
    void settle_lifecycle_chunk(const sim::Chunk& chunk, const CustomerColumns& c, InterleavedTally& lanes,
                                MarketTally& market, Settle&& settle) const;
    void sum_chunk_tallies(std::uint32_t tick);
    FirmTally* chunk_tally(std::size_t chunk) { return &chunk_tallies_[chunk * params_.firms.size()]; }

    MarketParams params_;
    const sim::Network& network_;
    sim::CounterStream stream_;
    CustomerState customers_;
    sim::Chunks chunks_;
    bool lifecycle_draws_ = false;        // some mechanism needs the kLifecycle block
    bool equal_appeal_;                   // every firm equally attractive at the same price
    bool limited_capacity_ = false;       // some firm resolves only so many complaints quickly per tick
    bool wins_back_ = false;              // some firm runs a win-back programme
    std::vector<FirmAppeal> appeal_;      // per firm, for the logit choice
    std::vector<double> barrier_factor_;  // per firm: exp(-switching_barrier)
    std::vector<double> pull_;            // per firm: hazard added by better competitors
    // The gamma amount's constants for a basket of n purchases, n < 16
    // (where n * amount_shape >= 1): most baskets are that small.
    std::vector<sim::GammaShape> basket_shapes_;
    std::vector<QuietFirm> quiet_firms_;      // per firm (QuietLifecycle.hpp)
    bool staged_batches_ = false;             // decide_batch_in_stages (may_decide_in_stages)
    bool staged_settling_ = false;            // settle_lifecycle_chunk
    std::vector<char> acting_;                // per firm: some strategy on
    bool cost_to_serve_ = false;              // customers cost their firm something to serve
    bool any_strategic_ = false;              // some firm acts, or customers have a cost to serve
    Scope scope_ = Scope::Strategies;         // of the decide loop (decide_scope)
    std::vector<TargetedStrategy> targeted_;  // strategies for a targeted part of a firm's customers
    bool tell_per_chunk_ = true;              // false: stories in a phase of their own (test seam)
    std::int64_t adopters_ = 0;               // people with a firm at the start of the tick
    std::uint32_t ticks_done_ = 0;            // ticks stepped so far
    std::uint32_t strategies_from_ = 0;       // the tick the targeting rules took effect (continue_under)
    std::vector<FirmTally> chunk_tallies_;    // chunk-major: chunks x firms
    std::vector<ChunkScratch> chunk_scratch_;
    std::vector<FirmTally> tally_;  // firms
    MarketTally market_tally_;
    std::vector<TarpCounts> tarp_;              // firms, whole run
    std::vector<TarpFollowUp> tarp_follow_up_;  // firms, whole run
    std::vector<std::int16_t> heard_about_;     // people x firms (heard_about())
    // Per firm: people whose last firm it was who have left the market
    // (lapsed or terminated), followed from the tick's flows (left_market,
    // lapsed_returns) after a count of the starting population.
    std::vector<std::int64_t> lapsed_from_firm_;
    std::vector<double> value_concentration_;  // firms, last computed
    sim::GroupTopShare value_share_;           // remembers where each firm's threshold was
};

}  // namespace models
