#pragma once
// `--set a.b.c=VALUE`: replaces one value of the config tree before it is
// read. The path walks mappings by key and lists by index (firms.0.name); a
// missing mapping key is created, so a default can be overridden without the
// file mentioning it. VALUE is parsed as YAML (0.5, true, [1, 2], text).
#include "experiments/config/ConfigTree.hpp"

#include <string>

namespace experiments {

// Applies one assignment to `root` and remembers it in `source`, so that
// errors about that value point at the command line, not the file.
void apply_override(YAML::Node& root, const std::string& assignment, ConfigSource& source);

}  // namespace experiments
