#include "experiments/config/ConfigError.hpp"

#include <algorithm>
#include <vector>

namespace experiments {

std::string excerpt(const std::string& text, std::size_t limit) {
    if (text.size() <= limit) return text;
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    return text.substr(0, cut) + "... (" + std::to_string(text.size()) + " bytes, cut short here)";
}

// An error quotes the input (a key, a value); a 100 MB line must not come
// back whole, so every part is cut to a readable length.
std::string format_config_error(const ConfigLocation& where, const std::string& message) {
    std::string out = excerpt(where.file, 1000);
    if (where.line > 0) out += ":" + std::to_string(where.line);
    if (where.line > 0 && where.column > 0) out += ":" + std::to_string(where.column);
    out += ": ";
    if (!where.key.empty()) out += "key '" + excerpt(where.key, 200) + "': ";
    return out + excerpt(message, 2000);
}

ConfigError::ConfigError(ConfigLocation where, const std::string& message)
    : std::runtime_error(format_config_error(where, message)), where_(std::move(where)), message_(message) {}

namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}
}  // namespace

std::string closest_name(const std::string& word, const std::vector<std::string>& known) {
    std::string best;
    if (word.size() > 200) return best;  // no typo of a known name; the distance would cost word.size()^2
    std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;  // a typo, not another word
    for (const auto& name : known) {
        const std::size_t d = edit_distance(word, name);
        if (d < best_distance) best = name, best_distance = d;
    }
    return best;
}

}  // namespace experiments
