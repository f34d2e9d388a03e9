#pragma once
// What yaml-cpp accepts but a crmsim config must not hold, because it would
// be silently ignored: a second document (after `---`, or content after the
// end marker `...`), and YAML tags (`!!python/object`, `!custom`), which
// yaml-cpp keeps aside while crmsim reads the plain value.
#include "experiments/config/ConfigError.hpp"

#include <yaml-cpp/yaml.h>

#include <string>

namespace experiments {

// Loads `text` (the file `path`) as exactly one YAML document; throws
// ConfigError at the line where a second one starts. YAML errors propagate.
YAML::Node load_one_document(const std::string& path, const std::string& text);

// Throws ConfigError at the first node of `node` with an explicit tag.
// `origin`: where `node` comes from (file, or a --set); its line is used
// when the node has no position of its own. `path`: its dotted key.
void reject_tags(const YAML::Node& node, const ConfigLocation& origin, const std::string& path);

}  // namespace experiments
