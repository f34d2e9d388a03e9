#pragma once
// Reading one output spec ({metric: NAME} or {column: NAME, tick: T} or
// {column: NAME, from: T1, to: T2}) from a config mapping: a sensitivity
// design's outputs and calibration's targets share it.
#include "experiments/config/ConfigTree.hpp"
#include "experiments/plan/SensitivitySettings.hpp"

#include <cstdint>

namespace experiments {

// Reads metric/column/tick/from/to of `node` (the caller finishes the node).
// `ticks`: the experiment's, which bound the ticks. Throws ConfigError.
SensitivityOutput read_output_spec(ConfigNode& node, std::uint32_t ticks);

}  // namespace experiments
