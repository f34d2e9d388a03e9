#include "experiments/config/ConfigDifference.hpp"

#include <yaml-cpp/yaml.h>

#include <set>

namespace experiments {
namespace {

std::string flow(const YAML::Node& node) {
    if (!node.IsDefined()) return "(absent)";
    YAML::Emitter out;
    out << YAML::Flow << node;
    return out.c_str();
}

std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
}

std::optional<ConfigDifference> compare(const YAML::Node& a, const YAML::Node& b, const std::string& path) {
    const auto differ = [&] { return ConfigDifference{path, flow(a), flow(b)}; };
    if (!a.IsDefined() || !b.IsDefined() || a.Type() != b.Type()) return differ();
    if (a.IsScalar()) return a.Scalar() == b.Scalar() ? std::nullopt : std::optional(differ());
    if (a.IsSequence()) {
        for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
            const std::string at = join(path, std::to_string(i));
            if (i >= a.size()) return ConfigDifference{at, "(absent)", flow(b[i])};
            if (i >= b.size()) return ConfigDifference{at, flow(a[i]), "(absent)"};
            if (auto d = compare(a[i], b[i], at)) return d;
        }
        return std::nullopt;
    }
    if (a.IsMap()) {
        std::set<std::string> seen;
        for (const auto& entry : a) {
            const std::string key = entry.first.Scalar();
            seen.insert(key);
            const YAML::Node other = b[key];
            if (!other.IsDefined()) return ConfigDifference{join(path, key), flow(entry.second), "(absent)"};
            if (auto d = compare(entry.second, other, join(path, key))) return d;
        }
        for (const auto& entry : b)
            if (!seen.count(entry.first.Scalar()))
                return ConfigDifference{join(path, entry.first.Scalar()), "(absent)", flow(entry.second)};
        return std::nullopt;
    }
    return std::nullopt;  // both null
}

}  // namespace

std::optional<ConfigDifference> first_difference(const std::string& old_text, const std::string& new_text) {
    try {
        return compare(YAML::Load(old_text), YAML::Load(new_text), "");
    } catch (const YAML::Exception&) {
        if (old_text == new_text) return std::nullopt;
        return ConfigDifference{"", "(not readable)", "(the current config)"};
    }
}

}  // namespace experiments
