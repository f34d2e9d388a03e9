#pragma once
// Typed, located reading of a YAML config.
//
// A ConfigNode is one mapping of the config being read. Each accessor reads a
// key with its default and its valid range, records the value actually used
// in the resolved config (defaults included), and on any problem throws a
// ConfigError that names the file, line and dotted key. finish() rejects keys
// nobody read, with a "did you mean" suggestion: a typo never silently
// becomes a default.
#include "experiments/config/ConfigError.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace experiments {

// Where the values of a config came from.
struct ConfigSource {
    std::string file;                                 // path as the user gave it
    std::map<std::string, ConfigLocation> overrides;  // dotted path -> where its override was written
};

class ConfigNode {
public:
    ConfigNode(std::shared_ptr<const ConfigSource> source, YAML::Node node, std::string path, YAML::Node resolved);

    bool has(const std::string& key) const;
    // Whether `key` holds a mapping (a key that takes a number or a mapping).
    bool is_mapping(const std::string& key) const { return has(key) && node_[key].IsMap(); }

    double number(const std::string& key, double fallback, double min = -std::numeric_limits<double>::max(),
                  double max = std::numeric_limits<double>::max());
    double probability(const std::string& key, double fallback) { return number(key, fallback, 0.0, 1.0); }
    // A number with no default, for keys that stand in for one another (a
    // gamma's mean or rate): nullopt, and nothing recorded, when absent.
    std::optional<double> optional_number(const std::string& key, double min = -std::numeric_limits<double>::max(),
                                          double max = std::numeric_limits<double>::max());
    std::int64_t integer(const std::string& key, std::int64_t fallback, std::int64_t min, std::int64_t max);
    bool flag(const std::string& key, bool fallback);
    std::string text(const std::string& key, const std::string& fallback);
    std::string choice(const std::string& key, const std::string& fallback, const std::vector<std::string>& options);
    // A required key (no default): its absence is an error.
    std::string required_text(const std::string& key);

    // A nested mapping; a missing key reads as an empty mapping (all defaults).
    ConfigNode mapping(const std::string& key);
    // A list of mappings; a missing key is an error when `required`.
    std::vector<ConfigNode> mappings(const std::string& key, bool required);

    // A mapping of dotted config paths to values (an experiment variant's
    // `set:`), as overrides located at their lines, after `first` (a policy
    // file's, applied before). Missing: none. The resolved config records
    // them all under `key`, `first` first.
    std::vector<struct Override> overrides(const std::string& key, std::vector<struct Override> first);

    // Marks a key as read without reading it (sections handled elsewhere).
    void skip(const std::string& key) { read_.insert(key); }
    // Leaves a key read out of the resolved config, whose content is
    // recorded elsewhere (a policy file's `use:`: its values are in `set`).
    void forget(const std::string& key) { resolved_.remove(key); }

    // Throws for any key present in the file but never read.
    void finish() const;

    // An error located at `key` (or at this mapping if the key is absent).
    ConfigError error(const std::string& key, const std::string& message) const;
    // Whether `key`'s value was written by an override (--set, a scenario's or
    // policy's `set`, a policy file), not in this file: an error that involves
    // two keys is located at the one the user changed last.
    bool overridden(const std::string& key) const;
    ConfigError error(const std::string& message) const { return error("", message); }

    const std::string& path() const { return path_; }
    const YAML::Node& resolved() const { return resolved_; }

private:
    std::optional<YAML::Node> value_of(const std::string& key);  // nullopt when absent
    std::string child_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
    ConfigLocation locate(const std::string& path, const YAML::Node& node) const;
    void record(const std::string& key, const std::string& scalar) { resolved_[key] = scalar; }

    std::shared_ptr<const ConfigSource> source_;
    YAML::Node node_;
    std::string path_;
    YAML::Node resolved_;
    std::set<std::string> read_;
};

// Shortest text that reads back as the same double ("0.1", not "0.1000000000000000055").
std::string format_number(double value);

}  // namespace experiments
