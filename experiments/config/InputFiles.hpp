#pragma once
// Every file an experiment reads: its config, the policy files its variants
// `use:`, and its edge lists. Each is read once (every run's config is built
// from the same bytes, however often it is loaded) and kept with its SHA-256
// digest. The results file records the list and stores the edge lists
// themselves, so that it reruns on its own; `--resume` compares the list
// with the one the interrupted experiment recorded.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace experiments {

enum class InputRole { Config, Policy, EdgeList };
const char* role_name(InputRole role);              // "config", "policy", "edge_list"
InputRole role_from_name(const std::string& name);  // throws std::invalid_argument

struct InputFile {
    std::string path;  // as read: joined with the config's folder, as the user's paths were written
    InputRole role = InputRole::Config;
    std::string sha256;
    std::uint64_t size = 0;                      // bytes
    std::shared_ptr<const std::string> content;  // null for a file listed but not kept
};

class InputFiles {
public:
    // The bytes of `path`: from the files already read (or stored, see
    // keep()), else from `read(path)`, which is then kept with its digest.
    std::shared_ptr<const std::string> get(const std::string& path, InputRole role,
                                           const std::function<std::string(const std::string&)>& read);
    // A file whose bytes are known already (an edge list stored in a results
    // file, or a stored config): get() answers from it, never from disk.
    void keep(const std::string& path, InputRole role, std::string content);
    // In the order they were first read.
    std::vector<InputFile> files() const;

private:
    mutable std::mutex mutex_;
    std::vector<InputFile> files_;
};

// One input per line, "sha256<TAB>role<TAB>path" (what OUT.partial/ records).
std::string format_input_list(const std::vector<InputFile>& files);
std::vector<InputFile> parse_input_list(const std::string& text);

}  // namespace experiments
