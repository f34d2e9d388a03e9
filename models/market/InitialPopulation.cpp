#include "models/market/InitialPopulation.hpp"

#include "models/market/DrawPurpose.hpp"
#include "sim/parallel/Chunks.hpp"
#include "sim/random/BlockEngine.hpp"

#include <cmath>

namespace models {
namespace {

std::uint8_t draw_firm(const std::vector<FirmParams>& firms, std::uint32_t u) {
    const double x = sim::to_unit(u);
    double cumulative = 0.0;
    for (std::size_t f = 0; f + 1 < firms.size(); ++f) {
        cumulative += firms[f].initial_share;
        if (x < cumulative) return static_cast<std::uint8_t>(f);
    }
    return static_cast<std::uint8_t>(firms.size() - 1);
}

// A trait that varies gets a column; one that does not stays a shared value.
sim::AgentValue<float> trait_storage(const sim::Distribution& d, const char* name, std::uint32_t n) {
    if (d.constant()) return sim::AgentValue<float>(static_cast<float>(d.mean));
    return sim::AgentValue<float>(name, n, static_cast<float>(d.mean));
}

struct VaryingTrait {
    const sim::Distribution* distribution;
    sim::AgentValue<float>* values;
    std::uint32_t purpose;
};

std::vector<VaryingTrait> allocate_traits(const MarketParams& params, CustomerState& customers) {
    const CustomerTraits& t = params.population.traits;
    const Purchases& purchases = params.mechanisms.purchases;
    CustomerTraitValues& v = customers.traits;
    const std::uint32_t n = customers.size();
    const std::vector<VaryingTrait> all = {
        {&t.cost_to_serve, &v.cost_to_serve, kInitialCostToServe},
        {&t.complaint_propensity, &v.complaint_propensity, kInitialComplaintPropensity},
        {&t.talkativeness, &v.talkativeness, kInitialTalkativeness},
        {&t.price_sensitivity, &v.price_sensitivity, kInitialPriceSensitivity},
        {&purchases.rate, &v.purchase_rate, kInitialPurchaseRate},
        {&purchases.dropout, &v.dropout, kInitialDropout},
    };
    std::vector<VaryingTrait> varying;
    for (const VaryingTrait& trait : all) {
        *trait.values = trait_storage(*trait.distribution, "trait", n);
        if (!trait.distribution->constant()) varying.push_back(trait);
    }
    if (t.draining_share > 0.0 || t.violator_share > 0.0) v.flags = sim::AgentValue<std::uint8_t>("flags", n, 0);
    // The Poisson draw of every tick needs exp(-rate); it is computed once.
    v.no_purchase = purchases.rate.constant() || purchases.every_tick()
                        ? sim::AgentValue<float>(static_cast<float>(std::exp(-purchases.rate.mean)))
                        : sim::AgentValue<float>("no_purchase", n, 0.0f);
    return varying;
}

// RM-1's everyone-alike start, or a draw from the spread (its own
// substream, so that the other starting draws stay what they were).
double starting_satisfaction(const PopulationParams& population, const sim::CounterStream& stream, std::uint32_t i) {
    if (population.initial_satisfaction_spread.constant()) return population.initial_satisfaction;
    sim::BlockEngine engine(stream, kInitialSatisfaction, i);
    return population.initial_satisfaction_spread.draw(engine);
}

void start_as_customer(CustomerState& c, std::uint32_t i, std::uint8_t firm) {
    c.firm[i] = firm;
    c.status[i] = static_cast<std::uint8_t>(CustomerStatus::Active);
    c.stage[i] = static_cast<std::uint8_t>(Stage::Customer);
}

void start_as_prospect(CustomerState& c, std::uint32_t i) {
    c.firm[i] = kNoFirm;
    c.status[i] = static_cast<std::uint8_t>(CustomerStatus::Prospect);
    c.stage[i] = static_cast<std::uint8_t>(Stage::Prospect);
}

}  // namespace

void initialise_customers(const MarketParams& params, const sim::CounterStream& stream, CustomerState& customers) {
    const std::vector<VaryingTrait> varying = allocate_traits(params, customers);
    const PopulationParams& population = params.population;
    const auto expectation = static_cast<float>(params.mechanisms.satisfaction.initial_expectation);
    sim::for_each_chunk(sim::Chunks(customers.size()), [&](const sim::Chunk& c) {
        for (std::uint32_t i = c.begin; i < c.end; ++i) {
            const sim::Block4 status = stream.block(kInitialStatus, i, 0);
            if (sim::bernoulli(status[0], population.initial_prospects))
                start_as_prospect(customers, i);
            else
                start_as_customer(customers, i, draw_firm(params.firms, stream.block(kInitialFirm, i, 0)[0]));
            customers.satisfaction[i] = starting_satisfaction(population, stream, i);
            customers.expectation[i] = expectation;
            sim::BlockEngine engine(stream, kInitialSpend, i);
            customers.spend[i] = population.spend.draw(engine);
            for (const VaryingTrait& trait : varying) {
                sim::BlockEngine trait_engine(stream, trait.purpose, i);
                trait.values->set(i, static_cast<float>(trait.distribution->draw(trait_engine)));
            }
            if (customers.traits.no_purchase.varies())
                customers.traits.no_purchase.set(i, static_cast<float>(std::exp(-customers.traits.purchase_rate[i])));
            if (customers.traits.flags.varies())
                customers.traits.flags.set(
                    i, static_cast<std::uint8_t>(
                           (sim::bernoulli(status[1], population.traits.draining_share) ? kDraining : 0) |
                           (sim::bernoulli(status[2], population.traits.violator_share) ? kViolator : 0)));
        }
    });
}

}  // namespace models
