#pragma once
// The first key in which two resolved configs differ, for messages such as
// "--resume refused: firms.1.failure_rate is 0.05, it was 0.01".
#include <optional>
#include <string>

namespace experiments {

struct ConfigDifference {
    std::string key;                   // dotted path (list items by index)
    std::string old_value, new_value;  // flow YAML; "(absent)" when one side lacks the key
};

// Compares two YAML texts (resolved configs) key by key, in the order of
// `old_text`; nullopt when they hold the same values.
std::optional<ConfigDifference> first_difference(const std::string& old_text, const std::string& new_text);

}  // namespace experiments
