#pragma once
// What a sensitivity design (sweep.method: saltelli or morris) measures and
// how its confidence intervals are made: the outputs, the bootstrap, and how
// replications enter. The design's points themselves are in
// SensitivityDesign.hpp; the indices are computed when the results file is
// assembled (experiments/run/SensitivityTable.hpp).
#include "experiments/config/ConfigError.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace experiments {

// One output whose sensitivity is measured (or a calibration target), per
// firm: a /summary column; a time-series column at one tick or averaged over
// the ticks [from_tick, to_tick]; a ratio of two columns' sums over those
// ticks (a rate: complaints per failure) or the firm's share of a column's
// sum over all firms (a market share); or one cell of the TARP table.
struct SensitivityOutput {
    std::string name;    // as written in /sensitivity: "profit", "retention@51", "customers@40..51",
                         // "complaints/failures@0..51", "customers/market@51", "tarp:minor/silent"
    std::string metric;  // the /summary column; empty for a time-series output
    std::string column;  // the time-series column; empty for a summary output
    std::uint32_t from_tick = 0, to_tick = 0;  // inclusive, 0-based
    std::string per;                           // empty, a time-series column (a rate), or "market" (a share)
    std::string tarp_severity, tarp_outcome;   // a TARP cell (minor | major, silent ... resolved_quickly)
    ConfigLocation origin;                     // where the config names it
};

// How replications enter the indices (docs/sensitivity.md):
// Average: the output at a design point is the mean over its replications;
// Noise: every replication is an evaluation of its own, so the model's noise is
// part of the output whose variance is decomposed.
enum class ReplicationUse { Average, Noise };

// Saltelli's base matrices A and B: a Sobol sequence randomised by a digital
// shift (randomised quasi-Monte Carlo), or independent uniform draws.
enum class SaltelliSampling { Sobol, Random };

struct SensitivitySettings {
    std::vector<SensitivityOutput> outputs;
    bool second_order = false;  // saltelli: also S2 for every pair
    SaltelliSampling sampling = SaltelliSampling::Sobol;
    std::uint32_t levels = 4;          // morris: grid levels p (even); step delta = p / (2 (p - 1))
    std::uint32_t resamples = 1000;    // bootstrap resamples
    std::uint64_t bootstrap_seed = 0;  // the bootstrap's own seed (default: the experiment seed)
    double confidence = 0.95;          // of the percentile bootstrap intervals
    ReplicationUse replications = ReplicationUse::Average;
};

}  // namespace experiments
