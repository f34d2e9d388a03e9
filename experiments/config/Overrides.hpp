#pragma once
// Overrides: replace one value of the config tree before it is read. They
// come from `--set a.b.c=VALUE` on the command line and from the variants an
// experiment declares (scenarios, policies, sweep points). The path walks
// mappings by key and lists by index (firms.0.name); a missing mapping key is
// created, so a default can be overridden without the file mentioning it.
#include "experiments/config/ConfigTree.hpp"

#include <string>

namespace experiments {

struct Override {
    std::string path;       // dotted config path
    YAML::Node value;       // any YAML value
    ConfigLocation origin;  // where it was written, for errors about the value
};

// Parses `--set` text "a.b.c=VALUE" (VALUE as YAML: 0.5, true, [1, 2], text).
Override parse_assignment(const std::string& assignment);

// Applies one override to `root` and remembers its origin in `source`, so
// errors about that value point at where it was written, not at the file.
void apply_override(YAML::Node& root, const Override& o, ConfigSource& source);

// The one spelling of a dotted path: list indices without leading zeros
// (firms.00.x is firms.0.x), so that two spellings of a key are one key.
std::string canonical_path(const std::string& path);

// Keys the plan fixes for the whole experiment before any run (how many
// replications, the seed the run streams come from, ...): a scenario, policy
// or sweep that set one would have no effect, silently.
bool fixed_by_the_plan(const std::string& path);

}  // namespace experiments
