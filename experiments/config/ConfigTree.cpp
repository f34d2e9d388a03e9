#include "experiments/config/ConfigTree.hpp"

#include "experiments/config/Overrides.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace experiments {
namespace {

std::string describe(const YAML::Node& node) {
    if (node.IsMap()) return "a mapping";
    if (node.IsSequence()) return "a list";
    if (node.IsNull()) return "nothing";
    return "\"" + excerpt(node.Scalar(), 200) + "\"";
}

bool parse_double(const std::string& text, double& out) {
    const char* begin = text.data();
    const char* end = text.data() + text.size();
    if (begin != end && *begin == '+') ++begin;
    const auto [ptr, ec] = std::from_chars(begin, end, out);
    return ec == std::errc() && ptr == end && std::isfinite(out);
}

// Whole numbers: exact 64-bit digits (seeds), or forms like 1e6 when they
// are whole and small enough to be exact in a double.
bool parse_integer(const std::string& text, std::int64_t& out) {
    const char* begin = text.data();
    const char* end = text.data() + text.size();
    if (begin != end && *begin == '+') ++begin;
    const auto [ptr, ec] = std::from_chars(begin, end, out);
    if (ec == std::errc() && ptr == end) return true;
    double x = 0;
    if (!parse_double(text, x) || x != std::floor(x) || std::fabs(x) > 9.0e15) return false;
    out = static_cast<std::int64_t>(x);
    return true;
}

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
    return out;
}

}  // namespace

std::string format_number(double value) {
    char buffer[64];
    const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, ec == std::errc() ? ptr : buffer);
}

ConfigNode::ConfigNode(std::shared_ptr<const ConfigSource> source, YAML::Node node, std::string path,
                       YAML::Node resolved)
    : source_(std::move(source)), node_(std::move(node)), path_(std::move(path)), resolved_(std::move(resolved)) {
    if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap())
        throw ConfigError(locate(path_, node_), "expected a mapping of keys, found " + describe(node_));
}

ConfigLocation ConfigNode::locate(const std::string& path, const YAML::Node& node) const {
    // A value given (or under a path given) on the command line is located there.
    for (const auto& [set_path, origin] : source_->overrides)
        if (path == set_path || path.rfind(set_path + ".", 0) == 0) {
            ConfigLocation where = origin;
            where.key = path;
            return where;
        }
    ConfigLocation where{source_->file, 0, 0, path};
    // A key that is in no file was made by an override of a key inside it
    // (a misspelt section in a `set:` or a policy file): located there.
    if (!node.IsDefined() || node.Mark().is_null())
        for (const auto& [set_path, origin] : source_->overrides)
            if (set_path.rfind(path + ".", 0) == 0) {
                ConfigLocation made = origin;
                made.key = path;
                return made;
            }
    const YAML::Node& at = node.IsDefined() && !node.Mark().is_null() ? node : node_;
    if (at.IsDefined() && !at.Mark().is_null()) {
        where.line = at.Mark().line + 1;
        where.column = at.Mark().column + 1;
    }
    return where;
}

ConfigError ConfigNode::error(const std::string& key, const std::string& message) const {
    if (key.empty()) return ConfigError(locate(path_, node_), message);
    if (!has(key)) return ConfigError(locate(child_path(key), node_), message);
    return ConfigError(locate(child_path(key), node_[key]), message);
}

bool ConfigNode::overridden(const std::string& key) const {
    const std::string path = child_path(key);
    for (const auto& entry : source_->overrides)
        if (path == entry.first || path.rfind(entry.first + ".", 0) == 0) return true;
    return false;
}

bool ConfigNode::has(const std::string& key) const {
    return node_.IsMap() && node_[key].IsDefined() && !node_[key].IsNull();
}

std::optional<YAML::Node> ConfigNode::value_of(const std::string& key) {
    read_.insert(key);
    const YAML::Node& mapping = node_;  // const: reading a missing key must not add it
    if (mapping.IsMap() && mapping[key].IsDefined() && mapping[key].IsNull()) {
        // `key:` with nothing after it is most often a file cut short or a value
        // forgotten; silently using the default would hide either. Located at
        // the key, where the missing value should have been.
        for (const auto& entry : mapping)
            if (entry.first.Scalar() == key)
                throw ConfigError(locate(child_path(key), entry.first),
                                  "no value given (write one, or leave the key out to use the default)");
    }
    if (!has(key)) return std::nullopt;
    const YAML::Node value = node_[key];
    if (!value.IsScalar()) throw error(key, "expected a single value, found " + describe(value));
    return value;
}

double ConfigNode::number(const std::string& key, double fallback, double min, double max) {
    const std::optional<YAML::Node> value = value_of(key);
    double x = fallback;
    if (value && !parse_double(value->Scalar(), x)) throw error(key, "expected a number, found " + describe(*value));
    if (x < min || x > max)
        throw error(key,
                    "must be in [" + format_number(min) + ", " + format_number(max) + "], found " + format_number(x));
    record(key, format_number(x));
    return x;
}

std::optional<double> ConfigNode::optional_number(const std::string& key, double min, double max) {
    if (!value_of(key)) return std::nullopt;  // (a key written without a value is an error there)
    return number(key, 0.0, min, max);
}

std::int64_t ConfigNode::integer(const std::string& key, std::int64_t fallback, std::int64_t min, std::int64_t max) {
    const std::optional<YAML::Node> value = value_of(key);
    std::int64_t n = fallback;
    if (value && !parse_integer(value->Scalar(), n))
        throw error(key, "expected a whole number, found " + describe(*value));
    if (n < min || n > max)
        throw error(
            key, "must be in [" + std::to_string(min) + ", " + std::to_string(max) + "], found " + std::to_string(n));
    record(key, std::to_string(n));
    return n;
}

bool ConfigNode::flag(const std::string& key, bool fallback) {
    const std::optional<YAML::Node> value = value_of(key);
    bool b = fallback;
    if (value) {
        const std::string& s = value->Scalar();
        if (s == "true" || s == "True" || s == "yes" || s == "on")
            b = true;
        else if (s == "false" || s == "False" || s == "no" || s == "off")
            b = false;
        else
            throw error(key, "expected true or false, found " + describe(*value));
    }
    record(key, b ? "true" : "false");
    return b;
}

std::string ConfigNode::text(const std::string& key, const std::string& fallback) {
    const std::optional<YAML::Node> value = value_of(key);
    const std::string s = value ? value->Scalar() : fallback;
    resolved_[key] = s;
    return s;
}

std::string ConfigNode::required_text(const std::string& key) {
    if (!has(key)) {
        read_.insert(key);
        throw error("missing required key '" + child_path(key) + "'");
    }
    return text(key, "");
}

std::string ConfigNode::choice(const std::string& key, const std::string& fallback,
                               const std::vector<std::string>& options) {
    const std::string s = text(key, fallback);
    if (std::find(options.begin(), options.end(), s) == options.end()) {
        const std::string near = closest_name(s, options);
        throw error(key, "unknown value \"" + s + "\"" + (near.empty() ? "" : " (did you mean \"" + near + "\"?)") +
                             "; one of: " + join(options));
    }
    return s;
}

ConfigNode ConfigNode::mapping(const std::string& key) {
    read_.insert(key);
    YAML::Node child = has(key) ? node_[key] : YAML::Node(YAML::NodeType::Undefined);
    YAML::Node out = resolved_[key];
    out = YAML::Node(YAML::NodeType::Map);
    return ConfigNode(source_, child, child_path(key), out);
}

std::vector<ConfigNode> ConfigNode::mappings(const std::string& key, bool required) {
    read_.insert(key);
    std::vector<ConfigNode> items;
    if (!has(key)) {
        if (required) throw error("missing required list '" + child_path(key) + "'");
        return items;
    }
    const YAML::Node list = node_[key];
    if (!list.IsSequence()) throw error(key, "expected a list, found " + describe(list));
    YAML::Node out = resolved_[key];
    out = YAML::Node(YAML::NodeType::Sequence);
    for (std::size_t i = 0; i < list.size(); ++i) {
        YAML::Node item_out(YAML::NodeType::Map);
        out.push_back(item_out);
        items.emplace_back(source_, list[i], child_path(key) + "." + std::to_string(i), item_out);
    }
    return items;
}

std::vector<Override> ConfigNode::overrides(const std::string& key, std::vector<Override> first) {
    read_.insert(key);
    std::vector<Override> out = std::move(first);
    YAML::Node record(YAML::NodeType::Map);
    for (const Override& o : out) record[o.path] = YAML::Clone(o.value);
    if (!has(key)) {
        if (!out.empty()) resolved_[key] = record;
        return out;
    }
    const YAML::Node map = node_[key];
    if (!map.IsMap()) throw error(key, "expected a mapping of dotted config keys to values, found " + describe(map));
    for (const auto& entry : map) {
        const std::string path = entry.first.Scalar();
        out.push_back(Override{path, entry.second, locate(child_path(key) + "." + path, entry.second)});
        out.back().origin.key = path;
        record[path] = YAML::Clone(entry.second);
    }
    resolved_[key] = record;
    return out;
}

void ConfigNode::finish() const {
    if (!node_.IsMap()) return;
    const std::vector<std::string> known(read_.begin(), read_.end());
    std::set<std::string> seen;
    for (const auto& entry : node_) {
        const std::string key = entry.first.Scalar();
        // YAML forbids duplicate keys but yaml-cpp keeps the first silently.
        if (!seen.insert(key).second)
            throw ConfigError(locate(child_path(key), entry.first), "duplicate key: it is already given above");
        if (read_.count(key)) continue;
        const std::string near = closest_name(key, known);
        std::string message = "unknown key";
        message += near.empty() ? "" : " (did you mean '" + near + "'?)";
        message += known.empty() ? "; this section takes no keys" : "; known keys here: " + join(known);
        throw ConfigError(locate(child_path(key), entry.first), message);
    }
}

}  // namespace experiments
