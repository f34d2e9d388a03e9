#pragma once
// The points of the two sensitivity designs, in the unit cube (SweepSampler
// maps them to the parameters' ranges), and where each evaluation the
// estimators need sits among them.
//
// Saltelli (Saltelli et al. 2010, "Variance based sensitivity analysis of
// model output", Comput. Phys. Commun. 181: 259-270): two N x k base matrices
// A and B, the first and last k columns of one 2k-dimensional sample, and for
// each parameter i the matrix A_B^(i) (A with column i from B); with second
// order also B_A^(i) (B with column i from A). Per base sample j the points are
//   A_j, A_B^(1)_j .. A_B^(k)_j, [B_A^(1)_j .. B_A^(k)_j,] B_j
// so N (k + 2) points, or N (2k + 2) with second order.
//
// Morris (Morris 1991, "Factorial sampling plans for preliminary computational
// experiments", Technometrics 33: 161-174): r trajectories of k + 1 points on
// a grid of p levels {0, 1/(p-1), .., 1}; each step moves one parameter, in a
// random order, by delta = p / (2 (p - 1)) up or down. A parameter's start is
// uniform over the levels from which its move stays inside [0, 1].
//
// Every draw comes from the sweep's own stream, keyed by what it is for.
#include "experiments/plan/SweepSampler.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace experiments {

using UnitPoints = std::vector<std::vector<double>>;  // [point][parameter], each in [0, 1]

struct SaltelliLayout {
    std::size_t parameters = 0;
    bool second_order = false;
    std::size_t stride() const { return second_order ? 2 * parameters + 2 : parameters + 2; }
    std::size_t a(std::size_t j) const { return j * stride(); }
    std::size_t ab(std::size_t j, std::size_t i) const { return j * stride() + 1 + i; }
    std::size_t ba(std::size_t j, std::size_t i) const { return j * stride() + 1 + parameters + i; }
    std::size_t b(std::size_t j) const { return j * stride() + stride() - 1; }
};

SaltelliLayout saltelli_layout(const SweepSettings& settings);
// settings.points base samples; in [0, 1).
UnitPoints saltelli_unit_points(const SweepSettings& settings, std::uint64_t seed);

// Step s of trajectory t goes from point t (k + 1) + s to the next point and
// moves parameter `parameter` by direction * delta.
struct MorrisStep {
    std::uint32_t parameter = 0;
    int direction = 1;  // +1 or -1
};

struct MorrisDesign {
    double delta = 0.0;             // in the unit cube
    UnitPoints points;              // r (k + 1) points
    std::vector<MorrisStep> steps;  // r k steps, trajectory-major
};

// settings.points trajectories, settings.sensitivity.levels levels.
MorrisDesign morris_design(const SweepSettings& settings, std::uint64_t seed);

// The smallest designs whose bootstrap intervals mean anything: below these
// the resamples of a handful of rows repeat the same few values.
inline constexpr std::uint32_t kMinSaltelliBaseSamples = 8;
inline constexpr std::uint32_t kMinMorrisTrajectories = 4;

}  // namespace experiments
