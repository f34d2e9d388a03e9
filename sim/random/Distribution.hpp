#pragma once
// A positive quantity drawn per agent from a named distribution with a given
// mean: what a config says when it writes `{distribution: lognormal, mean:
// 50, sigma: 1.7}`. The draws are Boost.Random's, fed by a BlockEngine, so a
// value is a pure function of the substream it is drawn from.
#include "sim/random/BlockEngine.hpp"

#include <boost/random/beta_distribution.hpp>
#include <boost/random/gamma_distribution.hpp>
#include <boost/random/lognormal_distribution.hpp>

#include <cmath>

namespace sim {

enum class DistributionKind { Constant, LogNormal, Gamma, Beta };

struct Distribution {
    DistributionKind kind = DistributionKind::Constant;
    double mean = 1.0;
    double sigma = 1.0;  // lognormal: sd of the log
    double shape = 1.0;  // gamma: shape k (scale = mean / k); beta: a + b (a = mean * shape)

    bool constant() const { return kind == DistributionKind::Constant; }

    double draw(BlockEngine& engine) const {
        switch (kind) {
            case DistributionKind::Constant:
                return mean;
            case DistributionKind::LogNormal: {
                // Boost takes (mu, sigma) of the log; mu is set so the mean is `mean`.
                const double mu = std::log(mean) - sigma * sigma / 2.0;
                return boost::random::lognormal_distribution<double>(mu, sigma)(engine);
            }
            case DistributionKind::Gamma:
                return boost::random::gamma_distribution<double>(shape, mean / shape)(engine);
            case DistributionKind::Beta:
                return boost::random::beta_distribution<double>(mean * shape, (1.0 - mean) * shape)(engine);
        }
        return mean;
    }
};

}  // namespace sim
