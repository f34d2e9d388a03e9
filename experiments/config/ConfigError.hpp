#pragma once
// A problem with the user's input, located as precisely as we can: the file,
// the line, and the dotted key (e.g. firms.0.failure_rate). The command line
// turns it into exit status 2 before any output file is touched.
#include <stdexcept>
#include <string>
#include <vector>

namespace experiments {

struct ConfigLocation {
    std::string file;  // the config file, or "--set" for a command-line override
    int line = 0;      // 1-based; 0 when unknown (e.g. the file could not be opened)
    int column = 0;    // 1-based; 0 when unknown
    std::string key;   // dotted path; empty for file-level problems
};

class ConfigError : public std::runtime_error {
public:
    ConfigError(ConfigLocation where, const std::string& message);
    const ConfigLocation& where() const { return where_; }
    const std::string& message() const { return message_; }

private:
    ConfigLocation where_;
    std::string message_;
};

// `text` cut to about `limit` bytes (at a character boundary), saying so.
std::string excerpt(const std::string& text, std::size_t limit);

// Formats "file:line:column: key 'a.b': message" (parts that are unknown are left out).
std::string format_config_error(const ConfigLocation& where, const std::string& message);

// The known name closest to `word` by edit distance, or "" when none is close
// enough to be a plausible typo.
std::string closest_name(const std::string& word, const std::vector<std::string>& known);

}  // namespace experiments
