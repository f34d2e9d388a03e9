#pragma once
// Gamma(shape, scale) by Marsaglia & Tsang (2000), "A simple method for
// generating gamma variables": one normal (Boost's ziggurat) and one uniform
// per try, accepted about 98 % of the time at shape >= 1. Used where gamma
// draws happen every tick (purchase amounts); Boost's own gamma sampler,
// which calls tan() and log() per try, stays in use for one-off draws.
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_01.hpp>

#include <cmath>

namespace sim {

// The method's constants for one shape >= 1: a caller drawing often at the
// same few shapes keeps them, and spares a square root and a division per
// draw.
struct GammaShape {
    double d;  // shape - 1/3
    double c;  // 1 / sqrt(9 d)

    static GammaShape of(double shape) {
        const double d = shape - 1.0 / 3.0;
        return {d, 1.0 / std::sqrt(9.0 * d)};
    }
};

template <class Engine>
double fast_gamma(Engine& engine, const GammaShape& shape, double scale) {
    boost::random::uniform_01<double> uniform;
    boost::random::normal_distribution<double> normal;
    const double d = shape.d;
    const double c = shape.c;
    for (;;) {
        double x, v;
        do {
            x = normal(engine);
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        const double u = uniform(engine);
        const double x2 = x * x;
        if (u < 1.0 - 0.0331 * x2 * x2) return d * v * scale;  // the squeeze: no logarithms
        if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v * scale;
    }
}

template <class Engine>
double fast_gamma(Engine& engine, double shape, double scale) {
    if (shape < 1.0) {
        // Gamma(a) = Gamma(a + 1) * U^(1/a) (Marsaglia & Tsang, section 6).
        const double u = boost::random::uniform_01<double>()(engine);
        return fast_gamma(engine, shape + 1.0, scale) * std::pow(u, 1.0 / shape);
    }
    return fast_gamma(engine, GammaShape::of(shape), scale);
}

}  // namespace sim
