#pragma once
// The per-firm metrics of the time series (/runs/<id>/timeseries), each
// written once: one entry gives a column's name, unit and description, the
// tally field it comes from (if any) and how that field is summed. From
// this list come FirmTally's fields, its chunk sum (operator+=), the table's
// columns (firm_tick_columns), each row (emit_firm_tick_row), the after-tick
// sums over customers of CUSTOMER_MEAN entries (sum_customer_means), the
// docs table (`crmsim metrics`, docs/metrics.md, tested against this list).
// Columns are in this order; append new ones at the end, so that existing
// columns keep their positions. docs/extending.md walks through adding one.
//
// Kinds of entry (the list below calls them; each user defines all ten):
//   COUNT(field, column, unit, description)
//       a count (int64 field) added to by the model, summed across chunks;
//       the column is the field.
//   AMOUNT(field, column, unit, description)
//       an amount (double field), the same way.
//   COST(field, column, unit, description)
//       an amount that is one of the firm's costs: FirmAccounts subtracts
//       every COST from the profit, in this order (name it in profit's
//       description too; a test checks).
//   MEAN(field, column, unit, description)
//       a double field the model sums over the firm's customers after the
//       tick; the column is field / customers (NaN: no customers).
//   CUSTOMER_MEAN(field, column, unit, description, value)
//       the same, summed by sum_customer_means with no code elsewhere:
//       `value` is an expression of the customer's columns `c` and index `i`
//       after the tick (c: models::CustomerColumns).
//   SHARE(field, column, unit, description)
//       a count (int64 field) of the firm's customers after the tick; the
//       column is field / customers (NaN: no customers).
//   COUNTS(field, extent)
//       an array of counts (int64) indexed by an enum; no column of its own.
//   ELEMENT(field, at, column, unit, description)
//       the column of element `at` of a COUNTS field.
//   DERIVED(type, column, unit, description, value)
//       a column with no field: `value` is an expression of the row's inputs
//       `r` (models::RowInputs: tick, firm, tally t, accounts, context).
//   HIDDEN(type, field)
//       a tally field with no column, summed with its own operator+=.
// Units: "customers", "currency units", "1" (a share or index), ...; the
// README's data section and docs/metrics.md list them.
#include "models/mechanisms/RelationshipLadder.hpp"
#include "models/mechanisms/ServiceOutcome.hpp"
#include "models/mechanisms/SwitchingHazard.hpp"
#include "models/mechanisms/TarpTable.hpp"

// clang-format off
#define CRMSIM_FIRM_METRICS(COUNT, AMOUNT, COST, MEAN, CUSTOMER_MEAN, SHARE, COUNTS, ELEMENT, DERIVED, HIDDEN)        \
    DERIVED(Int64, tick, "tick", "tick index, 0-based; the row describes the state after this tick", r.tick)         \
    DERIVED(Int64, firm, "1", "firm index into the config's firms list", r.firm)                                     \
    COUNT(customers, customers, "customers", "customers of the firm after the tick")                                 \
    COUNT(switched_out, switched_out, "customers", "customers who left the firm during the tick")                    \
    COUNT(switched_in, switched_in, "customers", "customers who joined the firm from a competitor")                  \
    COUNT(failures, failures, "customers", "customers who met a service failure")                                    \
    COUNT(major_failures, major_failures, "customers", "failures that were major")                                   \
    COUNT(complaints, complaints, "customers", "customers who complained after a failure")                           \
    COUNTS(outcomes, kOutcomes)                                                                                      \
    ELEMENT(outcomes, index(Outcome::Silent), silent, "customers", "failures not complained about")                  \
    ELEMENT(outcomes, index(Outcome::Unresolved), unresolved, "customers", "complaints left unresolved")             \
    ELEMENT(outcomes, index(Outcome::Resolved), resolved, "customers", "complaints resolved, not quickly")           \
    ELEMENT(outcomes, index(Outcome::ResolvedQuickly), quick, "customers", "complaints resolved quickly")            \
    COUNT(negative_stories, negative_stories, "stories", "negative stories told by the firm's customers")            \
    COUNT(positive_stories, positive_stories, "stories", "positive stories told by the firm's customers")            \
    MEAN(satisfaction_sum, mean_satisfaction, "1",                                                                   \
         "mean satisfaction [0, 1] of the firm's customers after the tick (NaN if it has none)")                     \
    AMOUNT(revenue, revenue, "currency units", "spend of the firm's customers at the start of the tick")             \
    COST(recovery_cost, recovery_cost, "currency units",                                                           \
           "cost of complaint recovery: resolutions, case handling and compensation")                                \
    DERIVED(Float64, profit, "currency units",                                                                       \
            "margin * revenue - recovery_cost - service_cost - programme_cost - offer_cost - acquisition_cost - "    \
            "termination_cost - guarantee_cost (= revenue - cost_of_sales - those costs)",                           \
            r.accounts.profit)                                                                                       \
    /* The customer lifecycle; appended after RM-1's columns, which keep their positions. */                        \
    DERIVED(Int64, prospects, "people", "market-wide: people who have never bought (same on every firm's row)",      \
            r.context.market.prospects)                                                                              \
    DERIVED(Int64, lapsed, "people",                                                                                 \
            "market-wide: people who left the market, terminated ones included (same on every firm's row)",         \
            r.context.market.lapsed)                                                                                 \
    COUNT(dormant, dormant, "customers", "customers of the firm who buy no more (dropout process)")                  \
    COUNTS(stages, kStages)                                                                                          \
    ELEMENT(stages, index(Stage::Customer), stage_customer, "customers",                                             \
            "customers at ladder stage customer after the tick")                                                     \
    ELEMENT(stages, index(Stage::Client), stage_client, "customers", "customers at ladder stage client (repeat buyers)") \
    ELEMENT(stages, index(Stage::Advocate), stage_advocate, "customers", "customers at ladder stage advocate")        \
    ELEMENT(stages, index(Stage::Partner), stage_partner, "customers", "customers at ladder stage partner")           \
    COUNT(acquired_marketing, acquired_marketing, "customers",                                                       \
          "prospects who adopted the firm through external influence")                                               \
    COUNT(acquired_word_of_mouth, acquired_word_of_mouth, "customers",                                               \
          "prospects who adopted the firm through internal influence (referrals)")                                   \
    COUNTS(churn, kChurnReasons)                                                                                     \
    ELEMENT(churn, churn_index(ChurnReason::AfterFailure), churn_after_failure, "customers",                         \
            "leavers who left after a service failure")                                                              \
    ELEMENT(churn, churn_index(ChurnReason::Drift), churn_drift, "customers",                                        \
            "leavers who drifted away with no failure (incl. variety seeking)")                                      \
    ELEMENT(churn, churn_index(ChurnReason::CompetitorPull), churn_competitor_pull, "customers",                     \
            "leavers pulled by a more attractive competitor")                                                        \
    ELEMENT(churn, churn_index(ChurnReason::Termination), churn_termination, "customers",                            \
            "customers whose relationship the firm ended")                                                           \
    COUNT(left_market, left_market, "customers", "leavers who buy from no firm afterwards")                          \
    COUNT(major_complaints, major_complaints, "customers", "complaints after major failures (minor: complaints - this)") \
    COUNTS(major_outcomes, kOutcomes)                                                                                \
    ELEMENT(major_outcomes, index(Outcome::Silent), silent_major, "customers", "major failures not complained about") \
    ELEMENT(major_outcomes, index(Outcome::Unresolved), unresolved_major, "customers",                               \
            "complaints about major failures left unresolved")                                                       \
    ELEMENT(major_outcomes, index(Outcome::Resolved), resolved_major, "customers",                                   \
            "complaints about major failures resolved, not quickly")                                                 \
    ELEMENT(major_outcomes, index(Outcome::ResolvedQuickly), quick_major, "customers",                               \
            "complaints about major failures resolved quickly")                                                      \
    COUNT(purchases, purchases, "purchases", "purchases from the firm during the tick")                               \
    SHARE(promoters, promoter_share, "1",                                                                            \
          "share of the firm's customers whose satisfaction is at or above output.metrics.promoter_from")            \
    SHARE(detractors, detractor_share, "1",                                                                          \
          "share of the firm's customers whose satisfaction is below output.metrics.detractor_below")                \
    DERIVED(Float64, top20_value_share, "1",                                                                         \
            "share of the firm's customers' spend with it so far held by its top 20 % of customers "                 \
            "(the k = ceil(0.2 n) largest; customers tied at the cut count at the cut's value; NaN on "              \
            "ticks it is not computed, see output.metrics.concentration_every)",                                     \
            r.context.value_concentration)                                                                           \
    AMOUNT(compensation_cost, compensation_cost, "currency units",                                                   \
           "compensation paid with resolved complaints (part of recovery_cost)")                                     \
    /* The firm's strategies and its accounts. */                                                                   \
    DERIVED(Float64, cost_of_sales, "currency units", "revenue - margin * revenue", r.accounts.cost_of_sales)        \
    COST(service_cost, service_cost, "currency units", "cost to serve the firm's customers")                       \
    COST(programme_cost, programme_cost, "currency units", "loyalty programme: members and points")                \
    COST(offer_cost, offer_cost, "currency units", "switching-prevention offers, win-back and activation contacts") \
    COST(acquisition_cost, acquisition_cost, "currency units", "marketing spend and referral rewards")             \
    COST(termination_cost, termination_cost, "currency units", "handling of relationships the firm ended")         \
    COUNT(members, members, "customers", "loyalty programme members during the tick")                                \
    COUNT(offers, prevention_offers, "offers", "switching-prevention offers made")                                   \
    COUNT(offers_accepted, prevention_accepted, "offers", "offers that worked")                                      \
    COUNT(terminated, terminated, "customers", "relationships the firm ended")                                       \
    COUNT(limited, limited, "customers", "customers under the firm's price / service limits")                        \
    AMOUNT(terminated_cost_to_serve, terminated_cost_to_serve, "currency units",                                     \
           "cost to serve per tick of the customers ended this tick (what ending them saves each tick)")             \
    COUNT(won_back, won_back, "customers", "lapsed former customers won back")                                       \
    COUNT(activated, activated, "customers", "dormant customers buying again after a contact")                       \
    DERIVED(Float64, retention, "1", "share of the tick's starting customers still with the firm",                   \
            r.accounts.retention)                                                                                    \
    DERIVED(Float64, clv, "currency units",                                                                          \
            "customer lifetime value m r / (1 + i - r): m profit per starting customer, r retention, "               \
            "i output.metrics.discount_rate",                                                                        \
            r.accounts.clv)                                                                                          \
    DERIVED(Float64, customer_equity, "currency units",                                                              \
            "expected discounted profit of the customers after the tick, each paying m next tick and retained at r: " \
            "customers * m / (1 + i - r)",                                                                           \
            r.accounts.equity)                                                                                       \
    COUNT(cross_sold, cross_sold, "customers", "customers who took another product (spend level raised)")            \
    COST(guarantee_cost, guarantee_cost, "currency units", "refunds paid under the firm's service guarantee")      \
    COUNT(guaranteed_failures, guaranteed_failures, "customers",                                                     \
          "failures the firm's service guarantee refunded (guarantee_cost / firms.N.service_guarantee.refund)")      \
    CUSTOMER_MEAN(expectation_sum, mean_expectation, "1",                                                            \
                  "mean expectation [0, 1] of the firm's customers after the tick (NaN if it has none)",             \
                  c.expectation[i])                                                                                  \
    /* Where the firm's customers stand (docs/metrics.md, "Customer states and rates"). */                          \
    DERIVED(Int64, active, "customers", "customers of the firm after the tick who still buy (customers - dormant)",  \
            r.t.customers - r.t.dormant)                                                                             \
    COUNT(dropped_out, became_dormant, "customers",                                                                  \
          "customers of the firm who went dormant during the tick and are still its customers (dropout process)")    \
    COUNT(lapsed_customers, lapsed_from_firm, "people",                                                              \
          "people whose last firm this was and who have left the market (lapsed or terminated) after the tick")      \
    DERIVED(Float64, churn_rate, "1",                                                                                \
            "per tick: switched_out / customers at the start of the tick (= 1 - retention; NaN if none)",            \
            r.accounts.churn)                                                                                        \
    HIDDEN(std::int64_t, lapsed_returns) /* lapsed people who rejoined a firm in the tick, by former firm */         \
    HIDDEN(TarpCounts, tarp) /* TARP observations completed in the tick: /runs/<id>/tarp */                        \
    HIDDEN(TarpFollowUp, tarp_follow_up) /* ... their satisfaction, and the no-failure reference */
// clang-format on

namespace models {

constexpr std::size_t churn_index(ChurnReason r) {
    return static_cast<std::size_t>(r);
}

}  // namespace models
