#include "experiments/config/Overrides.hpp"

#include "experiments/config/Utf8.hpp"
#include "experiments/config/YamlChecks.hpp"

#include <algorithm>
#include <charconv>
#include <sstream>
#include <vector>

namespace experiments {
namespace {

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> parts;
    std::stringstream in(path);
    for (std::string part; std::getline(in, part, '.');) parts.push_back(part);
    if (!path.empty() && path.back() == '.') parts.emplace_back();
    return parts;
}

bool is_index(const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// The index of the item of `list` whose `name` is `name` (firms.Acme.failure_rate):
// a list item by its name, as well as by its index. `list_path`: for errors.
template <class Fail>
std::size_t item_named(const YAML::Node& list, const std::string& name, const std::string& list_path, Fail&& fail) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const YAML::Node item = list[i];
        if (!item.IsMap() || !item["name"].IsDefined() || !item["name"].IsScalar()) continue;
        if (item["name"].Scalar() == name) return i;
        names.push_back(item["name"].Scalar());
    }
    const std::string path = list_path + "." + name;
    if (names.empty())
        throw fail(path, "'" + name + "' is not a list index (0 to " + std::to_string(list.size()) + ")");
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    const std::string near = closest_name(name, names);
    const std::string what = list_path == "firms" ? "no firm" : "no item of " + list_path;
    throw fail(path, what + " is called \"" + name + "\"" + (near.empty() ? "" : " (did you mean \"" + near + "\"?)") +
                         "; give an index or one of: " + known);
}

}  // namespace

std::string canonical_path(const std::string& path) {
    std::string out;
    for (std::string part : split_path(path)) {
        if (is_index(part)) part.erase(0, std::min(part.find_first_not_of('0'), part.size() - 1));
        out += (out.empty() ? "" : ".") + part;
    }
    return out;
}

bool fixed_by_the_plan(const std::string& path) {
    const std::string p = canonical_path(path);
    if (p == "experiment") return true;
    for (const char* key : {"replications", "seed", "common_random_numbers", "name", "warmup"})
        if (p == std::string("experiment.") + key || p.rfind(std::string("experiment.") + key + ".", 0) == 0)
            return true;
    return false;
}

Override parse_assignment(const std::string& assignment) {
    const ConfigLocation origin{"--set " + assignment, 0, 0, ""};
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0) throw ConfigError(origin, "expected KEY=VALUE, e.g. population.size=1000");
    // The value goes into the resolved config and maybe a name in the results
    // file, where bytes that are not UTF-8 would make h5py fail to read it.
    bool cut_short = false;
    if (first_invalid_utf8(assignment, cut_short) != std::string::npos || assignment.find('\0') != std::string::npos)
        throw ConfigError(origin, "not valid UTF-8 (set the terminal's locale to UTF-8)");
    Override o{assignment.substr(0, eq), YAML::Node(), origin};
    o.origin.key = o.path;
    try {
        o.value = YAML::Load(assignment.substr(eq + 1));
    } catch (const YAML::Exception& e) {
        throw ConfigError(o.origin, "the value is not valid YAML: " + e.msg);
    }
    reject_tags(o.value, o.origin, o.path);
    return o;
}

void apply_override(YAML::Node& root, const Override& o, ConfigSource& source) {
    const auto fail = [&](const std::string& key, const std::string& message) {
        ConfigLocation where = o.origin;
        where.key = key;
        return ConfigError(where, message);
    };
    const std::vector<std::string> parts = split_path(o.path);
    for (const auto& p : parts)
        if (p.empty()) throw fail(o.path, "empty name in the dotted key");

    // Walk to the parent of the last part, creating mappings as needed.
    YAML::Node node = root;
    std::string walked, by_index;  // by_index: the path with firms' names as indices, as keys are read
    for (std::size_t k = 0; k < parts.size(); ++k) {
        const std::string& part = parts[k];
        const bool last = k + 1 == parts.size();
        const std::string list_path = walked;
        walked += (walked.empty() ? "" : ".") + part;
        if (node.IsSequence()) {
            std::size_t i = 0;
            if (!is_index(part)) {
                i = item_named(node, part, list_path, fail);
            } else {
                // An index too long for size_t is past the end too: from_chars says so
                // instead of throwing as stoul would (a fuzzer found it).
                const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), i);
                if (error != std::errc() || i >= node.size())
                    throw fail(walked,
                               "index " + part + " is past the end of a list of " + std::to_string(node.size()));
            }
            by_index += (by_index.empty() ? "" : ".") + std::to_string(i);
            if (last)
                node[i] = YAML::Clone(o.value);
            else
                node.reset(node[i]);
            continue;
        }
        by_index += (by_index.empty() ? "" : ".") + part;
        if (!node.IsMap() && !node.IsNull() && node.IsDefined())
            throw fail(walked, "cannot set a key inside a single value");
        if (last) {
            node[part] = YAML::Clone(o.value);
        } else {
            YAML::Node child = node[part];
            if (!child.IsDefined() || child.IsNull()) {
                node[part] = YAML::Node(YAML::NodeType::Map);
                child = node[part];
            }
            node.reset(child);
        }
    }
    // Errors about the value are located by the path the config is read by.
    source.overrides[o.path] = o.origin;
    if (by_index != o.path) source.overrides[by_index] = o.origin;
}

}  // namespace experiments
