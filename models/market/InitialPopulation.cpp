#include "models/market/InitialPopulation.hpp"

#include "models/market/DrawPurpose.hpp"
#include "sim/parallel/Chunks.hpp"
#include "sim/random/BlockEngine.hpp"

#include <boost/random/gamma_distribution.hpp>
#include <boost/random/lognormal_distribution.hpp>

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

double draw_spend(const SpendParams& p, sim::BlockEngine& engine) {
    switch (p.distribution) {
        case SpendDistribution::LogNormal: {
            // Boost's lognormal takes (mu, sigma) of the log; mu is set so the mean is p.mean.
            const double mu = std::log(p.mean) - p.sigma * p.sigma / 2.0;
            return boost::random::lognormal_distribution<double>(mu, p.sigma)(engine);
        }
        case SpendDistribution::Gamma:
            return boost::random::gamma_distribution<double>(p.shape, p.mean / p.shape)(engine);
        case SpendDistribution::Constant:
            return p.mean;
    }
    return p.mean;
}

}  // namespace

void initialise_customers(const MarketParams& params, const sim::CounterStream& stream, CustomerState& customers) {
    sim::for_each_chunk(sim::Chunks(customers.size()), [&](const sim::Chunk& c) {
        for (std::uint32_t i = c.begin; i < c.end; ++i) {
            customers.firm[i] = draw_firm(params.firms, stream.block(kInitialFirm, i, 0)[0]);
            customers.satisfaction[i] = params.population.initial_satisfaction;
            sim::BlockEngine engine(stream, kInitialSpend, i);
            customers.spend[i] = draw_spend(params.population.spend, engine);
        }
    });
}

}  // namespace models
