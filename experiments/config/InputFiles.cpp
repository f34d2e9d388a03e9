#include "experiments/config/InputFiles.hpp"

#include "experiments/config/Sha256.hpp"

#include <sstream>
#include <stdexcept>

namespace experiments {

const char* role_name(InputRole role) {
    switch (role) {
        case InputRole::Config:
            return "config";
        case InputRole::Policy:
            return "policy";
        case InputRole::EdgeList:
            return "edge_list";
    }
    return "?";
}

InputRole role_from_name(const std::string& name) {
    for (const InputRole role : {InputRole::Config, InputRole::Policy, InputRole::EdgeList})
        if (name == role_name(role)) return role;
    throw std::invalid_argument("unknown input role \"" + name + "\"");
}

std::shared_ptr<const std::string> InputFiles::get(const std::string& path, InputRole role,
                                                   const std::function<std::string(const std::string&)>& read) {
    {
        const std::lock_guard lock(mutex_);
        for (const InputFile& f : files_)
            if (f.path == path && f.content) return f.content;
    }
    // Read outside the lock: an edge list may be large. Two threads asking
    // for one file at once both read it; the first kept wins.
    keep(path, role, read(path));
    const std::lock_guard lock(mutex_);
    for (const InputFile& f : files_)
        if (f.path == path) return f.content;
    throw std::logic_error("input file kept and lost: " + path);
}

void InputFiles::keep(const std::string& path, InputRole role, std::string content) {
    InputFile file{path, role, sha256_hex(content), content.size(),
                   std::make_shared<const std::string>(std::move(content))};
    const std::lock_guard lock(mutex_);
    for (const InputFile& f : files_)
        if (f.path == path) return;
    files_.push_back(std::move(file));
}

std::vector<InputFile> InputFiles::files() const {
    const std::lock_guard lock(mutex_);
    return files_;
}

std::string format_input_list(const std::vector<InputFile>& files) {
    std::string text;
    for (const InputFile& f : files) text += f.sha256 + "\t" + role_name(f.role) + "\t" + f.path + "\n";
    return text;
}

std::vector<InputFile> parse_input_list(const std::string& text) {
    std::vector<InputFile> files;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        const auto first = line.find('\t'), second = line.find('\t', first + 1);
        if (first == std::string::npos || second == std::string::npos)
            throw std::invalid_argument("not an input list line: \"" + line + "\"");
        InputFile f;
        f.sha256 = line.substr(0, first);
        f.role = role_from_name(line.substr(first + 1, second - first - 1));
        f.path = line.substr(second + 1);
        files.push_back(std::move(f));
    }
    return files;
}

}  // namespace experiments
