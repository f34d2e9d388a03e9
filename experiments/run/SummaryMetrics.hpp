#pragma once
// The names of the /summary columns (AssembleResults.cpp), for configs that
// refer to them, such as a sensitivity design's outputs.
#include <string>
#include <vector>

namespace experiments {

std::vector<std::string> summary_metric_names();

}  // namespace experiments
