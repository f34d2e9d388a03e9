#include "models/market/FirmTally.hpp"

#include "models/market/FirmAccounts.hpp"

#include <limits>
#include <string>

namespace models {

FirmTally& FirmTally::operator+=(const FirmTally& o) {
    customers += o.customers;
    switched_out += o.switched_out;
    switched_in += o.switched_in;
    failures += o.failures;
    major_failures += o.major_failures;
    complaints += o.complaints;
    for (std::size_t k = 0; k < kOutcomes; ++k) outcomes[k] += o.outcomes[k];
    negative_stories += o.negative_stories;
    positive_stories += o.positive_stories;
    satisfaction_sum += o.satisfaction_sum;
    revenue += o.revenue;
    recovery_cost += o.recovery_cost;
    compensation_cost += o.compensation_cost;
    service_cost += o.service_cost;
    programme_cost += o.programme_cost;
    offer_cost += o.offer_cost;
    acquisition_cost += o.acquisition_cost;
    termination_cost += o.termination_cost;
    members += o.members;
    offers += o.offers;
    offers_accepted += o.offers_accepted;
    terminated += o.terminated;
    limited += o.limited;
    terminated_cost_to_serve += o.terminated_cost_to_serve;
    won_back += o.won_back;
    activated += o.activated;
    cross_sold += o.cross_sold;
    dormant += o.dormant;
    for (std::size_t k = 0; k < kStages; ++k) stages[k] += o.stages[k];
    acquired_marketing += o.acquired_marketing;
    acquired_word_of_mouth += o.acquired_word_of_mouth;
    for (std::size_t k = 0; k < kChurnReasons; ++k) churn[k] += o.churn[k];
    left_market += o.left_market;
    major_complaints += o.major_complaints;
    for (std::size_t k = 0; k < kOutcomes; ++k) major_outcomes[k] += o.major_outcomes[k];
    purchases += o.purchases;
    promoters += o.promoters;
    detractors += o.detractors;
    tarp += o.tarp;
    return *this;
}

std::vector<sim::ColumnSpec> firm_tick_columns() {
    using sim::ColumnType;
    return {
        {"tick", ColumnType::Int64, "tick", "tick index, 0-based; the row describes the state after this tick"},
        {"firm", ColumnType::Int64, "1", "firm index into the config's firms list"},
        {"customers", ColumnType::Int64, "customers", "customers of the firm after the tick"},
        {"switched_out", ColumnType::Int64, "customers", "customers who left the firm during the tick"},
        {"switched_in", ColumnType::Int64, "customers", "customers who joined the firm from a competitor"},
        {"failures", ColumnType::Int64, "customers", "customers who met a service failure"},
        {"major_failures", ColumnType::Int64, "customers", "failures that were major"},
        {"complaints", ColumnType::Int64, "customers", "customers who complained after a failure"},
        {"silent", ColumnType::Int64, "customers", "failures not complained about"},
        {"unresolved", ColumnType::Int64, "customers", "complaints left unresolved"},
        {"resolved", ColumnType::Int64, "customers", "complaints resolved, not quickly"},
        {"quick", ColumnType::Int64, "customers", "complaints resolved quickly"},
        {"negative_stories", ColumnType::Int64, "stories", "negative stories told by the firm's customers"},
        {"positive_stories", ColumnType::Int64, "stories", "positive stories told by the firm's customers"},
        {"mean_satisfaction", ColumnType::Float64, "1",
         "mean satisfaction [0, 1] of the firm's customers after the tick (NaN if it has none)"},
        {"revenue", ColumnType::Float64, "currency units", "spend of the firm's customers at the start of the tick"},
        {"recovery_cost", ColumnType::Float64, "currency units",
         "cost of complaint recovery: resolutions, case handling and compensation"},
        {"profit", ColumnType::Float64, "currency units",
         "margin * revenue - recovery_cost - service_cost - programme_cost - offer_cost - acquisition_cost - "
         "termination_cost (= revenue - cost_of_sales - those costs)"},
        // The customer lifecycle; appended after RM-1's columns, which keep their positions.
        {"prospects", ColumnType::Int64, "people",
         "market-wide: people who have never bought (same on every firm's row)"},
        {"lapsed", ColumnType::Int64, "people",
         "market-wide: people who left the market, terminated ones included (same on every firm's row)"},
        {"dormant", ColumnType::Int64, "customers", "customers of the firm who buy no more (dropout process)"},
        {"stage_customer", ColumnType::Int64, "customers", "customers at ladder stage customer after the tick"},
        {"stage_client", ColumnType::Int64, "customers", "customers at ladder stage client (repeat buyers)"},
        {"stage_advocate", ColumnType::Int64, "customers", "customers at ladder stage advocate"},
        {"stage_partner", ColumnType::Int64, "customers", "customers at ladder stage partner"},
        {"acquired_marketing", ColumnType::Int64, "customers",
         "prospects who adopted the firm through external influence"},
        {"acquired_word_of_mouth", ColumnType::Int64, "customers",
         "prospects who adopted the firm through internal influence (referrals)"},
        {"churn_after_failure", ColumnType::Int64, "customers", "leavers who left after a service failure"},
        {"churn_drift", ColumnType::Int64, "customers",
         "leavers who drifted away with no failure (incl. variety seeking)"},
        {"churn_competitor_pull", ColumnType::Int64, "customers", "leavers pulled by a more attractive competitor"},
        {"churn_termination", ColumnType::Int64, "customers", "customers whose relationship the firm ended"},
        {"left_market", ColumnType::Int64, "customers", "leavers who buy from no firm afterwards"},
        {"major_complaints", ColumnType::Int64, "customers",
         "complaints after major failures (minor: complaints - this)"},
        {"silent_major", ColumnType::Int64, "customers", "major failures not complained about"},
        {"unresolved_major", ColumnType::Int64, "customers", "complaints about major failures left unresolved"},
        {"resolved_major", ColumnType::Int64, "customers", "complaints about major failures resolved, not quickly"},
        {"quick_major", ColumnType::Int64, "customers", "complaints about major failures resolved quickly"},
        {"purchases", ColumnType::Int64, "purchases", "purchases from the firm during the tick"},
        {"promoter_share", ColumnType::Float64, "1",
         "share of the firm's customers whose satisfaction is at or above output.metrics.promoter_from"},
        {"detractor_share", ColumnType::Float64, "1",
         "share of the firm's customers whose satisfaction is below output.metrics.detractor_below"},
        {"top20_value_share", ColumnType::Float64, "1",
         "share of the firm's customers' spend with it so far held by its top 20 % of customers "
         "(the k = ceil(0.2 n) largest; customers tied at the cut count at the cut's value; NaN on "
         "ticks it is not computed, see output.metrics.concentration_every)"},
        {"compensation_cost", ColumnType::Float64, "currency units",
         "compensation paid with resolved complaints (part of recovery_cost)"},
        // The firm's strategies and its accounts.
        {"cost_of_sales", ColumnType::Float64, "currency units", "revenue - margin * revenue"},
        {"service_cost", ColumnType::Float64, "currency units", "cost to serve the firm's customers"},
        {"programme_cost", ColumnType::Float64, "currency units", "loyalty programme: members and points"},
        {"offer_cost", ColumnType::Float64, "currency units",
         "switching-prevention offers, win-back and activation contacts"},
        {"acquisition_cost", ColumnType::Float64, "currency units", "marketing spend and referral rewards"},
        {"termination_cost", ColumnType::Float64, "currency units", "handling of relationships the firm ended"},
        {"members", ColumnType::Int64, "customers", "loyalty programme members during the tick"},
        {"prevention_offers", ColumnType::Int64, "offers", "switching-prevention offers made"},
        {"prevention_accepted", ColumnType::Int64, "offers", "offers that worked"},
        {"terminated", ColumnType::Int64, "customers", "relationships the firm ended"},
        {"limited", ColumnType::Int64, "customers", "customers under the firm's price / service limits"},
        {"terminated_cost_to_serve", ColumnType::Float64, "currency units",
         "cost to serve per tick of the customers ended this tick (what ending them saves each tick)"},
        {"won_back", ColumnType::Int64, "customers", "lapsed former customers won back"},
        {"activated", ColumnType::Int64, "customers", "dormant customers buying again after a contact"},
        {"retention", ColumnType::Float64, "1", "share of the tick's starting customers still with the firm"},
        {"clv", ColumnType::Float64, "currency units",
         "customer lifetime value m r / (1 + i - r): m profit per starting customer, r retention, "
         "i output.metrics.discount_rate"},
        {"customer_equity", ColumnType::Float64, "currency units",
         "expected discounted profit of the customers after the tick, each paying m next tick and retained at r: "
         "customers * m / (1 + i - r)"},
        {"cross_sold", ColumnType::Int64, "customers", "customers who took another product (spend level raised)"},
    };
}

void emit_firm_tick_row(std::uint32_t tick, std::uint32_t firm, const FirmTally& t, const RowContext& context,
                        const sim::RowSink& sink) {
    const FirmAccounts accounts = account(t, context.margin, context.discount_rate);
    auto i = [](std::int64_t v) { return sim::Cell{.i = v}; };
    auto f = [](double v) {
        sim::Cell c;
        c.f = v;
        return c;
    };
    // NaN, not 0, for a firm with no customers left: there is no mean to report.
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const auto share = [&](std::int64_t n) {
        return t.customers ? static_cast<double>(n) / static_cast<double>(t.customers) : nan;
    };
    const double mean_s = t.customers ? t.satisfaction_sum / static_cast<double>(t.customers) : nan;
    const sim::Cell row[] = {
        i(tick),
        i(firm),
        i(t.customers),
        i(t.switched_out),
        i(t.switched_in),
        i(t.failures),
        i(t.major_failures),
        i(t.complaints),
        i(t.outcomes[index(Outcome::Silent)]),
        i(t.outcomes[index(Outcome::Unresolved)]),
        i(t.outcomes[index(Outcome::Resolved)]),
        i(t.outcomes[index(Outcome::ResolvedQuickly)]),
        i(t.negative_stories),
        i(t.positive_stories),
        f(mean_s),
        f(t.revenue),
        f(t.recovery_cost),
        f(accounts.profit),
        i(context.market.prospects),
        i(context.market.lapsed),
        i(t.dormant),
        i(t.stages[index(Stage::Customer)]),
        i(t.stages[index(Stage::Client)]),
        i(t.stages[index(Stage::Advocate)]),
        i(t.stages[index(Stage::Partner)]),
        i(t.acquired_marketing),
        i(t.acquired_word_of_mouth),
        i(t.churn[static_cast<std::size_t>(ChurnReason::AfterFailure)]),
        i(t.churn[static_cast<std::size_t>(ChurnReason::Drift)]),
        i(t.churn[static_cast<std::size_t>(ChurnReason::CompetitorPull)]),
        i(t.churn[static_cast<std::size_t>(ChurnReason::Termination)]),
        i(t.left_market),
        i(t.major_complaints),
        i(t.major_outcomes[index(Outcome::Silent)]),
        i(t.major_outcomes[index(Outcome::Unresolved)]),
        i(t.major_outcomes[index(Outcome::Resolved)]),
        i(t.major_outcomes[index(Outcome::ResolvedQuickly)]),
        i(t.purchases),
        f(share(t.promoters)),
        f(share(t.detractors)),
        f(context.value_concentration),
        f(t.compensation_cost),
        f(accounts.cost_of_sales),
        f(t.service_cost),
        f(t.programme_cost),
        f(t.offer_cost),
        f(t.acquisition_cost),
        f(t.termination_cost),
        i(t.members),
        i(t.offers),
        i(t.offers_accepted),
        i(t.terminated),
        i(t.limited),
        f(t.terminated_cost_to_serve),
        i(t.won_back),
        i(t.activated),
        f(accounts.retention),
        f(accounts.clv),
        f(accounts.equity),
        i(t.cross_sold),
    };
    sink(row);
}

}  // namespace models
